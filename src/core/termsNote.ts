/**
 * The note a change of a deal's terms leaves in the client's topic —
 * «✏️ Курс: 11,5 → <b>11,75</b>» and the new total — whichever channel made
 * it (`/rate` in the topic or the request page), so colleagues in the topic
 * see every change the same way. Telegram HTML; every value is escaped.
 */
import { escapeHtml } from './html.js';
import { formatDateRu } from './dates.js';
import { formatMoney, formatPercent, formatTypedDecimal } from './money.js';
import type { TermsField } from './terms.js';
import type { BotTextOf } from './botTextOf.js';

/** One applied change of a term, as `changeTerms` reports it. */
export interface TermsChangeNote {
  field: TermsField | 'purpose' | 'beneficiaryName' | 'deadline';
  before: string;
  after: string;
  totalBefore: string | null;
  totalAfter: string | null;
  undone: boolean;
}

/**
 * The topic note for `change`, in the managers' language (`t`: their texts,
 * src/locales `note-*`). `madeOnPlatformBy` names the platform user
 * when the change was made on the request page (a `/rate` in the topic is
 * its own trace of who typed it).
 */
export function renderTermsChangeNote(
  change: TermsChangeNote,
  currency: { amount: string; funding: string },
  t: BotTextOf,
  madeOnPlatformBy?: string,
): string {
  const show = (value: string) => {
    if (!value) return '—';
    if (change.field === 'amount') return formatMoney(value, currency.amount, 'ru');
    if (change.field === 'fixedFee') return formatMoney(value, currency.funding, 'ru');
    if (change.field === 'rate') return formatTypedDecimal(value, 'ru', 6);
    if (change.field === 'feePercent') return `${formatPercent(value, 'ru')} %`;
    if (change.field === 'deadline') return formatDateRu(value);
    return value;
  };
  const values = { label: escapeHtml(t(`note-field-${change.field}`)), before: escapeHtml(show(change.before)), after: escapeHtml(show(change.after)) };
  // «✏️ Курс: 11,5 → 11,75» has no words but the label; an undone change says so.
  const lines = [change.undone ? t('note-term-undone', values) : `✏️ ${values.label}: ${values.before} → <b>${values.after}</b>`];
  if (change.totalBefore && change.totalAfter && change.totalBefore !== change.totalAfter) {
    lines.push(
      t('note-total-changed', {
        before: escapeHtml(formatMoney(change.totalBefore, currency.funding, 'ru')),
        after: escapeHtml(formatMoney(change.totalAfter, currency.funding, 'ru')),
      }),
    );
  }
  if (madeOnPlatformBy !== undefined) lines.push(t('note-changed-on-platform', { name: escapeHtml(madeOnPlatformBy) }));
  return lines.join('\n');
}
