/**
 * A calendar date field that follows the UI's language, not the browser's:
 * a native `<input type="date">` shows mm/dd/yyyy in an English-language
 * Chromium even on the Russian page (issue 17). Mantine's DateInput with a
 * dayjs locale shows ДД.ММ.ГГГГ in Russian and «30 Nov 2026» in English — a
 * month name, so neither a US nor a UK reader can take 03.11 for 11 March —
 * and takes what a person types: «30.11.2026», «30.11.26» is not guessed,
 * «2026-11-30», and in English «30 Nov 2026» too. The value stays an ISO date
 * (`YYYY-MM-DD`, '' when empty), as the API and storage keep it — or, with
 * `keepTyped`, what was typed when it is not a date, so that a form sends it
 * and is refused rather than saving the last good date.
 */
import '@mantine/dates/styles.css';
import 'dayjs/locale/ru';
import 'dayjs/locale/en';
import { useRef, useState } from 'react';
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

/** Day, month and year as a typed text names them — a day that may not exist (31 Feb 2026) — or null. */
interface TypedParts {
  year: number;
  month: number;
  day: number;
}

/**
 * The day, month and year a typed text names, whether or not that day
 * exists, or null when it is not in a form the field takes or cannot be read
 * for sure: `2026-11-30`, `30 Nov 2026` / `Nov 30, 2026`, and digits with
 * `.`, `/` or `-` between them. In Russian those are always day first
 * (30.11.2026). In English they are read only when they cannot be misread:
 * 30/11/2026 (day first) and 11/30/2026 (month first, as in the US) are
 * clear; 12/01/2026 is 12 January to a British reader and 1 December to an
 * American one, so it is not guessed — the field says how to write it.
 */
function readTypedDate(text: string, locale: Locale): TypedParts | null {
  const value = text.trim().toLowerCase();
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (match) return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  match = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(value);
  if (match) {
    const [first, second, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (locale === 'ru' || first > 12 || first === second) return { year, month: second, day: first };
    if (second > 12) return { year, month: first, day: second };
    return null;
  }
  match = /^(\d{1,2})\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4})$/.exec(value);
  if (match && MONTHS.includes(match[2]!)) return { year: Number(match[3]), month: MONTHS.indexOf(match[2]!) + 1, day: Number(match[1]) };
  match = /^([a-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(value);
  if (match && MONTHS.includes(match[1]!)) return { year: Number(match[3]), month: MONTHS.indexOf(match[1]!) + 1, day: Number(match[2]) };
  return null;
}

/**
 * A typed date as ISO (`YYYY-MM-DD`), or null while it is not a whole date of
 * a real day yet or cannot be read for sure (forms as in `readTypedDate`).
 */
export function parseTypedDate(text: string, locale: Locale = 'ru'): string | null {
  const parts = readTypedDate(text, locale);
  return parts && isoDate(parts.year, parts.month, parts.day);
}

/** Whether `value` is the ISO date (`YYYY-MM-DD`) of a real day: what the field's value is when it holds a date. */
function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && parseTypedDate(value) === value;
}

/**
 * Why a typed text is not a date: `noSuchDay` for any form the field takes
 * whose day, month and year name no day (31.02.2026, 29.02.2027, 00.01.2026,
 * 2026-02-31, 31 Feb 2026, Feb 31, 2026, 02/31/2026 in English),
 * `unreadable` for the rest (1.1.26, 12/01/2026 in English, 31 Foo 2026);
 * null when it reads as a date or is empty.
 */
export function typedDateRefusal(typed: string, locale: Locale): 'noSuchDay' | 'unreadable' | null {
  const text = typed.trim();
  if (text === '' || parseTypedDate(text, locale) !== null) return null;
  return readTypedDate(text, locale) ? 'noSuchDay' : 'unreadable';
}

export interface DateFieldProps {
  label: string;
  name?: string;
  /**
   * ISO date `YYYY-MM-DD`, or '' for none; with `keepTyped`, also what was
   * typed and is not a date (as `onChange` gave it).
   */
  value: string;
  onChange: (value: string) => void;
  error?: string | null;
  size?: 'xs' | 'sm' | 'md';
  style?: React.CSSProperties;
  /**
   * What a person typed that is not a date (31.02.2026, 1.1.26) stays in the
   * field, is said beside it, and goes to `onChange` as typed — so the form
   * sends it and the server refuses it with the rest, instead of saving the
   * field's last good date. Without it the field goes back to its last good
   * date (for filters, where a refused value would empty a list).
   */
  keepTyped?: boolean;
}

export function DateField({ label, name, value, onChange, error, size, style, keepTyped }: DateFieldProps) {
  const { locale, t } = useI18n();
  // What was typed and could not be read: said beside the field, quoted (the field itself goes back to its last
  // good date, so what it shows is what is saved); a well-formed day that does not exist (31.02.2026) is named as such.
  const [unreadable, setUnreadable] = useState<{ kind: 'unreadable' | 'noSuchDay'; typed: string } | null>(null);
  const [focused, setFocused] = useState(false);
  // keepTyped: the calendar holds the last real date ('' none) while the value is a typed text; a change of the
  // calendar's value would make it write that date over what was typed.
  const lastDate = useRef('');
  const typed = keepTyped && value !== '' && !isDate(value) ? value : null;
  if (typed === null) lastDate.current = value;
  const typedKind = typed === null ? null : typedDateRefusal(typed, locale) ?? 'unreadable';
  // A value that is no date without keepTyped — an address's `?from=2026-13-40` or `?to=abc`: the calendar would
  // roll it over (09.02.2027) or print «Invalid Date»; the field stays empty and says what the address held.
  const badValue = !keepTyped && value !== '' && !isDate(value) ? value : null;
  // A typed text's refusal is said as soon as it is a whole date that names no day (31.02.2026: said while the field
  // is still focused, so the line it adds does not move the button the person is about to click); any other text that
  // is not a date once the person has left the field (not at each keystroke), or when the form was sent from inside
  // the field (Enter) and the server refused it.
  const refusal =
    typed !== null
      ? typedKind && (typedKind === 'noSuchDay' || !focused || error)
        ? { kind: typedKind, typed }
        : null
      : badValue !== null
        ? { kind: typedDateRefusal(badValue, locale) ?? 'unreadable', typed: badValue }
        : unreadable;
  return (
    <DatesProvider settings={{ locale, firstDayOfWeek: 1 }}>
      <DateInput
        label={label}
        name={name}
        size={size}
        style={style}
        value={(keepTyped ? lastDate.current : badValue === null ? value : '') || null}
        onChange={(next) => {
          setUnreadable(null);
          onChange(next ?? '');
        }}
        onInput={(event) => {
          // A text that reads as a date (or an emptied field) reaches onChange through the calendar's own parsing.
          const text = event.currentTarget.value.trim();
          if (keepTyped && typedDateRefusal(text, locale) !== null) onChange(text);
        }}
        onFocus={() => setFocused(true)}
        onBlur={(event) => {
          setFocused(false);
          if (keepTyped) return;
          const text = event.currentTarget.value.trim();
          const kind = typedDateRefusal(text, locale);
          setUnreadable(kind ? { kind, typed: text } : null);
        }}
        fixOnBlur={typed === null}
        valueFormat={FORMAT[locale]}
        dateParser={(text) => parseTypedDate(text, locale)}
        placeholder={PLACEHOLDER[locale]}
        clearable
        // Fixed, not absolute: the open calendar near the page's foot does not lengthen the page, so closing it does
        // not make the page jump under the next field's dropdown.
        popoverProps={{ floatingStrategy: 'fixed' }}
        error={refusal ? t(refusal.kind === 'noSuchDay' ? 'date.noSuchDay' : 'date.unreadableTyped', { typed: refusal.typed }) : (error ?? null)}
      />
    </DatesProvider>
  );
}
