/**
 * Money is decimal, never a float (ARCHITECTURE.md §2). This module is the
 * one place that turns what a person typed into a `Decimal` and a `Decimal`
 * back into text for a person.
 *
 * @example
 * const rate = parseDecimal('12,25', { field: 'Курс', maxDecimals: 6 });
 * if (!rate.ok) reply(rate.error); // «Курс должен быть числом, например 12,25»
 * formatMoney('1225000', 'RUB', 'ru'); // '1 225 000,00 ₽'
 */
import decimalModule from 'decimal.js';
import type { Decimal as DecimalInstance } from 'decimal.js';

// decimal.js ships ESM with only a default export, while its typings look like
// CommonJS to TypeScript under NodeNext; take the class from whichever shape
// the runtime hands us.
const DecimalJs = ((decimalModule as unknown as { default?: typeof DecimalInstance }).default ??
  decimalModule) as unknown as typeof DecimalInstance;

/**
 * decimal.js configured for money: 40 significant digits (amount × rate ×
 * fee% never comes near them, so every intermediate result is exact) and
 * half-up rounding. A clone, so the library's global default stays untouched
 * for whoever else imports decimal.js.
 */
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP });
export type Decimal = DecimalInstance;

export type Locale = 'ru' | 'en';

/** Grammatical gender of the Russian field name, so the sentence agrees: «Курс должен», «Сумма должна». */
export type FieldGender = 'm' | 'f' | 'n' | 'pl';

export interface ParseDecimalOptions {
  /** Most digits allowed after the decimal separator; 0 means a whole number. */
  maxDecimals: number;
  /** Smallest allowed value, inclusive (a decimal string). */
  min?: string;
  /** Largest allowed value, inclusive (a decimal string). */
  max?: string;
  /** Whether 0 is allowed; negative numbers never are. Default false. */
  allowZero?: boolean;
  /** Russian field name as it starts a sentence: «Курс», «Сумма». */
  field: string;
  /** Gender of `field`, default masculine. */
  gender?: FieldGender;
  /** A valid value to show in the message; default fits `maxDecimals`. */
  example?: string;
}

export type ParseDecimalResult = { ok: true; value: Decimal } | { ok: false; error: string };

const MUST: Record<FieldGender, string> = { m: 'должен', f: 'должна', n: 'должно', pl: 'должны' };
const CAN: Record<FieldGender, string> = { m: 'может', f: 'может', n: 'может', pl: 'могут' };
const NEGATIVE: Record<FieldGender, string> = { m: 'отрицательным', f: 'отрицательной', n: 'отрицательным', pl: 'отрицательными' };
const GIVEN: Record<FieldGender, string> = { m: 'не указан', f: 'не указана', n: 'не указано', pl: 'не указаны' };

/** Spaces people and Intl put between digit groups: space, NBSP, narrow NBSP, thin space. */
const GROUP_SPACE = '[ \\u00A0\\u202F\\u2009]';
/** Either plain digits or groups of three split by single spaces: «1225000», «1 225 000». */
const INTEGER_PART = `(?:\\d+|\\d{1,3}(?:${GROUP_SPACE}\\d{3})+)`;
const DECIMAL_SHAPE = new RegExp(`^${INTEGER_PART}(?:[.,](\\d+))?$`);
/** Longer input is not a number anyone meant to type; this also bounds the work. */
const MAX_INPUT_LENGTH = 64;

/**
 * Reads a non-negative decimal typed by a person: comma or dot as the decimal
 * separator, spaces (also NBSP) between groups of thousands. Everything else
 * — letters, exponents, signs, several separators — is refused with a Russian
 * sentence that names the field and shows a valid example. An exponent form
 * («1e5») is told as such, with the number written out in digits («100000»)
 * when that is a short plain number the field itself would take (decimal
 * places, zero, min, max), else with the field's example; «100,000»,
 * which reads as 100000 or as 100, is refused with both readings and both
 * right forms (codes `decimal.exponent*`, `decimal.ambiguous` in
 * core/messageCodes.ts).
 *
 * Without options (the legacy one-argument form) it returns the `Decimal` or
 * `null`, accepting any non-negative decimal of that shape.
 */
export function parseDecimal(input: string, opts: ParseDecimalOptions): ParseDecimalResult;
export function parseDecimal(input: string): Decimal | null;
export function parseDecimal(input: string, opts?: ParseDecimalOptions): ParseDecimalResult | Decimal | null {
  if (!opts) {
    const value = readDecimal(input);
    return value instanceof Decimal ? value : null;
  }
  const g = opts.gender ?? 'm';
  const field = opts.field;
  const example = opts.example ?? defaultExample(opts.maxDecimals);
  const fail = (error: string): ParseDecimalResult => ({ ok: false, error });

  const value = readDecimal(input);
  if (value === 'empty') return fail(`${field} ${GIVEN[g]} — введите число, например ${example}`);
  if (value === 'negative') {
    return opts.allowZero
      ? fail(`${field} не ${CAN[g]} быть ${NEGATIVE[g]}, например ${example}`)
      : fail(`${field} ${MUST[g]} быть положительным числом, например ${example}`);
  }
  if (typeof value === 'object' && 'exponent' in value) {
    const text = input.trim();
    // The written-out number is suggested only when the field would take it; else the field's example.
    return value.exponent === undefined || !fits(value.exponent, opts)
      ? fail(`${field}: число с экспонентой (${text}) не принимается — напишите число цифрами, например ${example}`)
      : fail(`${field}: число с экспонентой (${text}) не принимается — напишите его цифрами: ${value.exponent.toFixed().replace('.', ',')}`);
  }
  if (value === 'invalid') {
    const kind = opts.maxDecimals === 0 ? 'целым числом' : opts.allowZero ? 'числом' : 'положительным числом';
    return fail(`${field} ${MUST[g]} быть ${kind}, например ${example}`);
  }
  if (value.isZero() && !opts.allowZero) return fail(`${field} ${MUST[g]} быть больше нуля, например ${example}`);
  if (value.decimalPlaces() > opts.maxDecimals) {
    return opts.maxDecimals === 0
      ? fail(`${field} ${MUST[g]} быть целым числом, например ${example}`)
      : fail(`${field}: не больше ${opts.maxDecimals} ${plural(opts.maxDecimals, 'знака', 'знаков', 'знаков')} после запятой, например ${example}`);
  }
  if (opts.min !== undefined && value.lt(opts.min)) {
    return fail(`${field} ${MUST[g]} быть не меньше ${formatDecimal(opts.min, 'ru', 20)}`);
  }
  if (opts.max !== undefined && value.gt(opts.max)) {
    return fail(`${field} ${MUST[g]} быть не больше ${formatDecimal(opts.max, 'ru', 20)}`);
  }
  const thousands = thousandsReading(input);
  if (thousands && fits(thousands, opts)) {
    // «100,000» is a hundred thousand to an English reader and a hundred to a
    // Russian one; both fit the field, so guessing would silently scale the
    // money by 1,000. Ask instead, showing both readings.
    const text = input.trim();
    const decimal = value.toFixed(Math.min(2, opts.maxDecimals));
    // Russian only: the web's English sentence is built from the same
    // parameters (core/messageCodes.ts, `decimal.ambiguous`).
    return fail(
      `${field}: «${text}» можно понять двояко — ${formatDecimal(thousands, 'ru', 0)} или ${formatDecimal(value, 'ru', 20)}. ` +
        `Напишите ${thousands.toFixed()} или ${decimal.replace('.', ',')}.`,
    );
  }
  return { ok: true, value };
}

/**
 * The other meaning of a number like «100,000» or «1.500»: one separator
 * followed by exactly three digits after one to three digits that do not
 * start with 0 is also how English (comma) and German (dot) write a thousands
 * group. Undefined when the text has no such second reading.
 */
function thousandsReading(input: string): Decimal | undefined {
  const match = /^([1-9]\d{0,2})[.,](\d{3})$/.exec(String(input ?? '').trim());
  return match ? new Decimal(`${match[1]}${match[2]}`) : undefined;
}

/**
 * Whether a value passes every check of the field: zero, decimal places (also
 * «whole number» when `maxDecimals` is 0), min and max — the same checks
 * `parseDecimal` makes on a typed number.
 */
function fits(value: Decimal, opts: ParseDecimalOptions): boolean {
  if (value.isZero() && !opts.allowZero) return false;
  if (value.decimalPlaces() > opts.maxDecimals) return false;
  if (opts.min !== undefined && value.lt(opts.min)) return false;
  if (opts.max !== undefined && value.gt(opts.max)) return false;
  return true;
}

/** A number in exponent form, «1e5», «1,5E-3»: digits, at most one separator, e, a signed whole exponent. */
const EXPONENT_SHAPE = /^(\d+(?:[.,]\d*)?|[.,]\d+)[eE]([+-]?\d+)$/;
/** Longest written-out number an exponent form is answered with; beyond it, the field's example. */
const MAX_WRITTEN_OUT = 24;

/**
 * What a person typed, read: a `Decimal`, or why not. `{ exponent }` is an
 * exponent form, with its value written out when that is at most
 * MAX_WRITTEN_OUT characters (1e5 → 100000), else undefined (1e400).
 */
function readDecimal(input: unknown): Decimal | 'empty' | 'negative' | 'invalid' | { exponent: Decimal | undefined } {
  if (typeof input !== 'string') return typeof input === 'number' && Number.isFinite(input) ? readDecimal(String(input)) : 'invalid';
  const text = input.trim();
  if (text === '') return 'empty';
  if (text.length > MAX_INPUT_LENGTH) return 'invalid';
  if (/^[-−–]/.test(text) && DECIMAL_SHAPE.test(text.slice(1).trim())) return 'negative';
  const exponent = EXPONENT_SHAPE.exec(text);
  if (exponent) {
    // The exponent's size is checked before decimal.js writes the number out: 1e999999 must not become a million digits.
    const power = Number(exponent[2]);
    if (Math.abs(power) > MAX_WRITTEN_OUT) return { exponent: undefined };
    const value = new Decimal(`${exponent[1]!.replace(',', '.')}e${power}`);
    return { exponent: value.toFixed().length <= MAX_WRITTEN_OUT ? value : undefined };
  }
  const match = DECIMAL_SHAPE.exec(text);
  if (!match) return 'invalid';
  const normalized = text.replace(new RegExp(GROUP_SPACE, 'g'), '').replace(',', '.');
  return new Decimal(normalized);
}

function defaultExample(maxDecimals: number): string {
  if (maxDecimals <= 0) return '3';
  // The decimal comma: the sentence is Russian, and either mark is accepted.
  if (maxDecimals === 1) return '12,5';
  return '12,25';
}

/** Russian plural form: 1 знак, 2 знака, 5 знаков. */
export function plural(n: number, one: string, few: string, many: string): string {
  const abs = Math.abs(n) % 100;
  const last = abs % 10;
  if (abs > 10 && abs < 20) return many;
  if (last === 1) return one;
  if (last >= 2 && last <= 4) return few;
  return many;
}

/** Rounds half-up (away from zero on a tie) to 2 decimal places. */
export function round2(d: Decimal): Decimal {
  return new Decimal(d).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** A value as a plain decimal string, never in exponent notation. */
export function toPlainString(value: string | Decimal): string {
  return new Decimal(value).toFixed();
}

const INTL_LOCALE: Record<Locale, string> = { ru: 'ru-RU', en: 'en-US' };

/**
 * Currencies whose own sign a Russian reader knows and reads as that currency
 * alone: «¥» is the yuan (not «CN¥», CLDR's Russian symbol), «$» the US dollar.
 * Every other currency is shown by its ISO code («1 000,00 HKD», «… JPY»):
 * a Hong Kong «$» or a yen «¥» would be read as the dollar or the yuan.
 */
const RUSSIAN_SIGNS = new Set(['RUB', 'CNY', 'USD', 'EUR', 'GBP', 'TRY', 'INR', 'KZT']);

/**
 * How Intl should show `currency` to a reader of `locale` (its
 * `currencyDisplay` option): Russian — the narrow sign for the currencies in
 * RUSSIAN_SIGNS, else the ISO code; English — Intl's default symbol («CN¥»).
 */
export function currencyDisplay(currency: string, locale: Locale): 'narrowSymbol' | 'code' | 'symbol' {
  if (locale === 'en') return 'symbol';
  return RUSSIAN_SIGNS.has(currency.trim().toUpperCase()) ? 'narrowSymbol' : 'code';
}

/**
 * Money for people, as Intl writes it: `formatMoney('1225000', 'RUB', 'ru')` →
 * `1 225 000,00 ₽` (narrow no-break spaces), `formatMoney('100', 'CNY', 'ru')`
 * → `100,00 ¥`, `formatMoney('100', 'HKD', 'ru')` → `100,00 HKD` (see
 * `currencyDisplay`), `formatMoney('1225000', 'USD', 'en')` → `$1,225,000.00`.
 * The exact decimal string goes to Intl, so no float ever touches the amount.
 * A malformed currency code falls back to the code after the number. `value`
 * must be a decimal (decimal.js throws otherwise).
 */
export function formatMoney(value: string | Decimal, currency: string, locale: Locale): string {
  const plain = toPlainString(value);
  const code = currency.trim().toUpperCase();
  try {
    return new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency: code, currencyDisplay: currencyDisplay(code, locale) }).format(
      plain as Intl.StringNumericLiteral,
    );
  } catch {
    return `${formatDecimal(plain, locale, 2, 2)} ${code}`.trim();
  }
}

/** Decimal places written in a plain decimal string: `'12.10'` → 2, `'100'` → 0. */
export function writtenScale(value: string | Decimal): number {
  const text = typeof value === 'string' ? value.trim() : value.toFixed();
  return /\.(\d*)$/.exec(text)?.[1]?.length ?? 0;
}

/**
 * A decimal with the places it was written with, up to `maxDecimals`:
 * `formatTypedDecimal('12.10', 'ru', 6)` → `12,10` (the scale a manager typed
 * for a rate is kept; `formatDecimal` would give `12,1`).
 */
export function formatTypedDecimal(value: string, locale: Locale, maxDecimals: number): string {
  return formatDecimal(value, locale, maxDecimals, Math.min(writtenScale(value), maxDecimals));
}

/** Decimal places a fee percent may have (src/core/terms.ts: «не больше 4 знаков после запятой»). */
export const PERCENT_DECIMALS = 4;

/**
 * A percent (a fee) as people read it, the number only (the caller writes
 * « %» after it), up to PERCENT_DECIMALS places. Places typed up to two are
 * kept (issue 17: «1,50 %» stays «1,50 %»); a third or fourth typed place that
 * is a trailing zero is dropped — `1,500` reads like a thousands group and is
 * a form the product refuses as input (outside check):
 * `formatPercent('1.500', 'ru')` → `1,5`, `'2'` → `2`, `'0.125'` → `0,125`,
 * `'1.50'` → `1,50`, `'1.2500'` → `1,25`. The stored value is untouched.
 * Used by the deal card, the terms note, the PDF and the web app
 * (web/src/i18n.tsx `percent`).
 */
export function formatPercent(value: string | Decimal, locale: Locale): string {
  const scale = writtenScale(value);
  return formatDecimal(value, locale, PERCENT_DECIMALS, scale <= 2 ? scale : 0);
}

/** Size units as a Russian or English reader writes them (ГОСТ 8.417: Б, КБ, МБ). */
const SIZE_UNITS: Record<Locale, readonly string[]> = { ru: ['Б', 'КБ', 'МБ', 'ГБ'], en: ['B', 'KB', 'MB', 'GB'] };

/**
 * A file size for people, in 1024s: `formatFileSize(1536, 'ru')` → `1,5 КБ`,
 * `formatFileSize(900, 'ru')` → `900 Б`, `formatFileSize(3_500_000, 'en')` →
 * `3.3 MB`. One decimal from KB up, none for bytes; a negative or non-finite
 * size is «—».
 */
export function formatFileSize(bytes: number, locale: Locale): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < SIZE_UNITS[locale].length - 1) {
    size /= 1024;
    unit += 1;
  }
  const number = new Intl.NumberFormat(INTL_LOCALE[locale], { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(size);
  return `${number}\u00a0${SIZE_UNITS[locale][unit]}`;
}

/**
 * A decimal for people with digit grouping: `formatDecimal('12.250000', 'ru', 6)`
 * → `12,25`. Rounds half-up beyond `maxDecimals`; `minDecimals` pads zeros.
 */
export function formatDecimal(value: string | Decimal, locale: Locale, maxDecimals: number, minDecimals = 0): string {
  const plain = toPlainString(value);
  const max = Math.max(0, Math.min(100, Math.trunc(maxDecimals)));
  const min = Math.max(0, Math.min(max, Math.trunc(minDecimals)));
  return new Intl.NumberFormat(INTL_LOCALE[locale], {
    minimumFractionDigits: min,
    maximumFractionDigits: max,
    roundingMode: 'halfExpand',
  }).format(plain as Intl.StringNumericLiteral);
}
