/**
 * A calendar date field that follows the UI's language, not the browser's:
 * a native `<input type="date">` shows mm/dd/yyyy in an English-language
 * Chromium even on the Russian page (issue 17). Mantine's DateInput with a
 * dayjs locale shows ДД.ММ.ГГГГ in Russian and «30 Nov 2026» in English — a
 * month name, so neither a US nor a UK reader can take 03.11 for 11 March —
 * and takes what a person types: «30.11.2026», «30.11.26» is not guessed,
 * «2026-11-30», and in English «30 Nov 2026» too. The value stays an ISO date
 * (`YYYY-MM-DD`, '' when empty), as the API and storage keep it.
 */
import '@mantine/dates/styles.css';
import 'dayjs/locale/ru';
import 'dayjs/locale/en';
import { useState } from 'react';
import { DateInput, DatesProvider } from '@mantine/dates';
import { useI18n, type Locale } from '../i18n.js';

const FORMAT: Record<Locale, string> = { ru: 'DD.MM.YYYY', en: 'D MMM YYYY' };
const PLACEHOLDER: Record<Locale, string> = { ru: 'ДД.ММ.ГГГГ', en: 'e.g. 30 Nov 2026' };
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** `YYYY-MM-DD` when the parts make a real date, else null. */
function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1000 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * A typed date as ISO, or null while it is not a whole date yet (or cannot
 * be read for sure): `2026-11-30`, `30 Nov 2026` / `Nov 30, 2026`, and digits
 * with `.`, `/` or `-` between them. In Russian those are always day first
 * (30.11.2026). In English they are read only when they cannot be misread:
 * 30/11/2026 (day first) and 11/30/2026 (month first, as in the US) are
 * clear; 12/01/2026 is 12 January to a British reader and 1 December to an
 * American one, so it is not guessed — the field says how to write it.
 */
export function parseTypedDate(text: string, locale: Locale = 'ru'): string | null {
  const value = text.trim().toLowerCase();
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (match) return isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(value);
  if (match) {
    const [first, second, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (locale === 'ru' || first > 12 || first === second) return isoDate(year, second, first);
    if (second > 12) return isoDate(year, first, second);
    return null;
  }
  match = /^(\d{1,2})\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4})$/.exec(value);
  if (match && MONTHS.includes(match[2]!)) return isoDate(Number(match[3]), MONTHS.indexOf(match[2]!) + 1, Number(match[1]));
  match = /^([a-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(value);
  if (match && MONTHS.includes(match[1]!)) return isoDate(Number(match[3]), MONTHS.indexOf(match[1]!) + 1, Number(match[2]));
  return null;
}

/** Day, month and year in digits whose day or month is out of range (31.02.2026, 00.13.2026). */
const NO_SUCH_DAY = /^\d{1,2}[./-]\d{1,2}[./-]\d{4}$/;

export interface DateFieldProps {
  label: string;
  name?: string;
  /** ISO date `YYYY-MM-DD`, or '' for none. */
  value: string;
  onChange: (value: string) => void;
  error?: string | null;
  size?: 'xs' | 'sm' | 'md';
  style?: React.CSSProperties;
}

export function DateField({ label, name, value, onChange, error, size, style }: DateFieldProps) {
  const { locale, t } = useI18n();
  // What was typed and could not be read: said beside the field, quoted (the field itself goes back to its last
  // good date, so what it shows is what is saved); a well-formed day that does not exist (31.02.2026) is named as such.
  const [unreadable, setUnreadable] = useState<{ kind: 'unreadable' | 'noSuchDay'; typed: string } | null>(null);
  return (
    <DatesProvider settings={{ locale, firstDayOfWeek: 1 }}>
      <DateInput
        label={label}
        name={name}
        size={size}
        style={style}
        value={value || null}
        onChange={(next) => {
          setUnreadable(null);
          onChange(next ?? '');
        }}
        onBlur={(event) => {
          const typed = event.currentTarget.value.trim();
          if (typed === '' || parseTypedDate(typed, locale) !== null) return setUnreadable(null);
          const noSuchDay = NO_SUCH_DAY.test(typed) && (locale === 'ru' || Number(typed.split(/[./-]/)[0]) > 12);
          setUnreadable({ kind: noSuchDay ? 'noSuchDay' : 'unreadable', typed });
        }}
        valueFormat={FORMAT[locale]}
        dateParser={(typed) => parseTypedDate(typed, locale)}
        placeholder={PLACEHOLDER[locale]}
        clearable
        // Fixed, not absolute: the open calendar near the page's foot does not lengthen the page, so closing it does
        // not make the page jump under the next field's dropdown.
        popoverProps={{ floatingStrategy: 'fixed' }}
        error={unreadable ? t(unreadable.kind === 'noSuchDay' ? 'date.noSuchDay' : 'date.unreadableTyped', { typed: unreadable.typed }) : (error ?? null)}
      />
    </DatesProvider>
  );
}
