/**
 * How one change of the terms reads, on the timeline and after an edit:
 * «Курс: 12,25 → 12,3 (итого 1 243 875,00 ₽ → 1 248 950,00 ₽)». The values
 * come from the server as canonical strings (dot decimals, ISO dates) and are
 * formatted here for the reader's language.
 */
import { useCallback } from 'react';
import { useI18n, type MessageKey } from '../../i18n.js';

/** A `request.terms_changed` event's side, or a terms API answer, in one shape. */
export interface TermsChange {
  field: string;
  before: string;
  after: string;
  totalBefore: string | null;
  totalAfter: string | null;
  undone?: boolean;
}

/** The label of each term, shared with the request page's forms. */
export const termLabels: Record<string, MessageKey> = {
  rate: 'offer.rate',
  amount: 'request.amount',
  feePercent: 'offer.feePercent',
  fixedFee: 'offer.fixedFee',
  days: 'offer.days',
  purpose: 'request.purpose',
  deadline: 'request.deadline',
  beneficiaryName: 'request.beneficiary.name',
};

/** Reads a `request.terms_changed` event (before/after `{ field, value, total }`, after may carry `undoOf`). */
export function termsChangeOfEvent(before: Record<string, unknown> | null, after: Record<string, unknown> | null): TermsChange | null {
  const field = after?.field ?? before?.field;
  if (typeof field !== 'string') return null;
  const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));
  return {
    field,
    before: text(before?.value),
    after: text(after?.value),
    totalBefore: before?.total == null ? null : text(before.total),
    totalAfter: after?.total == null ? null : text(after.total),
    undone: Boolean(after?.undoOf),
  };
}

/** A function that turns a change into one line of text in the current language. */
export function useTermsChangeText(currency: string, fundingCurrency: string) {
  const { t, money, number, percent, rate, date } = useI18n();
  return useCallback(
    (change: TermsChange): string => {
      const value = (raw: string): string => {
        if (!raw) return '—';
        switch (change.field) {
          case 'rate':
            return rate(raw);
          case 'feePercent':
            return `${percent(raw)} %`;
          case 'amount':
            return money(raw, currency);
          case 'fixedFee':
            return money(raw, fundingCurrency);
          case 'deadline':
            return date(raw);
          default:
            return raw;
        }
      };
      const label = termLabels[change.field] ? t(termLabels[change.field]!) : change.field;
      let line = `${label}: ${value(change.before)} → ${value(change.after)}`;
      if (change.totalBefore && change.totalAfter && change.totalBefore !== change.totalAfter) {
        line += ` (${t('timeline.terms.total')} ${money(change.totalBefore, fundingCurrency)} → ${money(change.totalAfter, fundingCurrency)})`;
      }
      if (change.undone) line += ` · ${t('timeline.terms.undo')}`;
      return line;
    },
    [t, money, number, date, currency, fundingCurrency],
  );
}
