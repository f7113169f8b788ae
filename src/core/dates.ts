/**
 * Dates as a Russian reader sees them: ДД.ММ.ГГГГ (ГОСТ Р 7.0.97-2016, 5.24;
 * the form of Russian payment orders). Stored dates stay ISO / UTC; this is
 * only how they are shown — on the card, in the bot's texts, in the payment
 * purpose and in the generated documents.
 *
 * @example
 * formatDateRu('2026-10-01');                            // '01.10.2026'
 * formatDateRu(new Date('2026-12-04T22:30:00Z'), 'Europe/Moscow'); // '05.12.2026'
 * isoDatesToRu('Оплата по контракту № 15 от 2026-10-01'); // 'Оплата по контракту № 15 от 01.10.2026'
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `value` as ДД.ММ.ГГГГ. A date-only ISO string (`2026-10-01`) is that
 * calendar date; a timestamp or `Date` is the date in `timeZone` (UTC unless
 * given; Moscow for «today» of a document). An unreadable value comes back as
 * given (a string) or as «—».
 */
export function formatDateRu(value: string | Date, timeZone = 'UTC'): string {
  if (typeof value === 'string') {
    const iso = ISO_DATE.exec(value.trim());
    if (iso) return `${iso[3]}.${iso[2]}.${iso[1]}`;
  }
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return typeof value === 'string' ? value : '—';
  return new Intl.DateTimeFormat('ru-RU', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(date);
}

/**
 * Every ISO date (`2026-10-01`) inside a text rewritten as ДД.ММ.ГГГГ, e.g. in
 * a payment purpose filled from a date picker. Other text is untouched; a
 * string of digits that is no real month/day is left alone.
 */
export function isoDatesToRu(text: string): string {
  return text.replace(/(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])/g, (whole, y: string, m: string, d: string) =>
    Number(m) >= 1 && Number(m) <= 12 && Number(d) >= 1 && Number(d) <= 31 ? `${d}.${m}.${y}` : whole,
  );
}
