/**
 * The note a change of a deal's terms leaves in the client's topic —
 * «✏️ Курс: 11,5 → <b>11,75</b>» and the new total — whichever channel made
 * it (`/rate` in the topic or the request page), so colleagues in the topic
 * see every change the same way. Telegram HTML; every value is escaped.
 */
import { escapeHtml } from './html.js';
import { formatDateRu } from './dates.js';
import { formatMoney, formatTypedDecimal } from './money.js';
import { termsFieldLabel, type TermsField } from './terms.js';

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
 * The topic note for `change`. `madeOnPlatformBy` names the platform user
 * when the change was made on the request page (a `/rate` in the topic is
 * its own trace of who typed it).
 */
export function renderTermsChangeNote(
  change: TermsChangeNote,
  currency: { amount: string; funding: string },
  madeOnPlatformBy?: string,
): string {
  const show = (value: string) => {
    if (!value) return '—';
    if (change.field === 'amount') return formatMoney(value, currency.amount, 'ru');
    if (change.field === 'fixedFee') return formatMoney(value, currency.funding, 'ru');
    if (change.field === 'rate') return formatTypedDecimal(value, 'ru', 6);
    if (change.field === 'feePercent') return `${formatTypedDecimal(value, 'ru', 4)} %`;
    if (change.field === 'deadline') return formatDateRu(value);
    return value;
  };
  const label =
    change.field === 'purpose'
      ? 'Назначение'
      : change.field === 'beneficiaryName'
        ? 'Получатель'
        : change.field === 'deadline'
          ? 'Оплатить до'
          : termsFieldLabel(change.field, 'ru');
  const lines = [`${change.undone ? '↩️ Отменено: ' : '✏️ '}${escapeHtml(label)}: ${escapeHtml(show(change.before))} → <b>${escapeHtml(show(change.after))}</b>`];
  if (change.totalBefore && change.totalAfter && change.totalBefore !== change.totalAfter) {
    lines.push(`Итого к оплате: ${escapeHtml(formatMoney(change.totalBefore, currency.funding, 'ru'))} → <b>${escapeHtml(formatMoney(change.totalAfter, currency.funding, 'ru'))}</b>`);
  }
  if (madeOnPlatformBy !== undefined) lines.push(`<i>Изменено на платформе: ${escapeHtml(madeOnPlatformBy)}</i>`);
  return lines.join('\n');
}
