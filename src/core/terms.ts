/**
 * Terms (условия): the final conditions of an accepted request. The derived
 * amounts are computed here and only here, never typed (ARCHITECTURE.md §2):
 *
 *   base  = amount × rate
 *   fee   = round2(base × feePercent / 100)
 *   total = round2(base + fee + fixedFee)
 *
 * Rounding is half-up to 2 places. `base` in the result is rounded to 2
 * places for display, but `fee` and `total` are computed from the exact,
 * unrounded base: that is what the formula says (rounding `total` would be a
 * no-op otherwise), and it keeps the total independent of how base is shown.
 * The cost: on rare inputs the shown base + fee + fixedFee differs from the
 * total by 0.01. Use `exactBase` where the unrounded product is needed.
 *
 * @example
 * computeTerms({ amount: '100000', rate: '12.25', feePercent: '1.5', fixedFee: '500', days: 3 })
 * // → { …, base: '1225000.00', fee: '18375.00', total: '1243875.00' }
 */
import { Decimal, parseDecimal, round2, type FieldGender, type Locale } from './money.js';

export interface TermsInput {
  /** Amount to pay in the payment currency, decimal string, up to 2 places. */
  amount: string;
  /** Funding currency per unit of the payment currency, up to 6 places. */
  rate: string;
  /** Commission in percent of base, up to 4 places. */
  feePercent: string;
  /** Fixed fee in the funding currency, up to 2 places. */
  fixedFee: string;
  /** Execution time in days. */
  days: number;
}

export type Terms = TermsInput & {
  /** amount × rate, rounded half-up to 2 places (display only). */
  base: string;
  /** round2(exact base × feePercent / 100). */
  fee: string;
  /** round2(exact base + fee + fixedFee). */
  total: string;
};

export type TermsField = keyof TermsInput;

export interface DecimalLimit {
  maxDecimals: number;
  /** Inclusive upper bound. */
  max: string;
  /** Whether zero is allowed (negative never is). */
  allowZero: boolean;
}

/** 0 < amount ≤ 1e12, 2 decimals. */
export const AMOUNT_LIMIT: DecimalLimit = { maxDecimals: 2, max: '1000000000000', allowZero: false };
/** 0 < rate ≤ 1e6, 6 decimals. */
export const RATE_LIMIT: DecimalLimit = { maxDecimals: 6, max: '1000000', allowZero: false };
/** 0 ≤ feePercent ≤ 100, 4 decimals. */
export const FEE_PERCENT_LIMIT: DecimalLimit = { maxDecimals: 4, max: '100', allowZero: true };
/** 0 ≤ fixedFee ≤ 1e9, 2 decimals. */
export const FIXED_FEE_LIMIT: DecimalLimit = { maxDecimals: 2, max: '1000000000', allowZero: true };
/** Whole days, 0..365. */
export const DAYS_LIMIT = { min: 0, max: 365 } as const;

export const TERMS_LIMITS = {
  amount: AMOUNT_LIMIT,
  rate: RATE_LIMIT,
  feePercent: FEE_PERCENT_LIMIT,
  fixedFee: FIXED_FEE_LIMIT,
  days: DAYS_LIMIT,
} as const;

/** Field names as they start a Russian sentence, with their gender for agreement. */
export const TERMS_FIELD_LABELS_RU: Record<TermsField, string> = {
  amount: 'Сумма',
  rate: 'Курс',
  feePercent: 'Комиссия',
  fixedFee: 'Фиксированная комиссия',
  days: 'Срок исполнения',
};
export const TERMS_FIELD_LABELS_EN: Record<TermsField, string> = {
  amount: 'Amount',
  rate: 'Rate',
  feePercent: 'Fee',
  fixedFee: 'Fixed fee',
  days: 'Execution time',
};
const GENDER: Record<TermsField, FieldGender> = { amount: 'f', rate: 'm', feePercent: 'f', fixedFee: 'f', days: 'm' };
/** Examples in Russian sentences are written as a Russian reader writes numbers: the decimal comma (issue 17). */
const EXAMPLE: Record<TermsField, string> = { amount: '100000', rate: '12,25', feePercent: '1,5', fixedFee: '500', days: '3' };

export function termsFieldLabel(field: TermsField, locale: Locale): string {
  return (locale === 'ru' ? TERMS_FIELD_LABELS_RU : TERMS_FIELD_LABELS_EN)[field];
}

export type DecimalTermsField = Exclude<TermsField, 'days'>;

/**
 * Checks one decimal term as a person typed it («12,25», «100 000») and
 * returns its canonical string (dot separator, amounts with 2 places; a rate
 * or a fee keeps the places the manager typed, «12,10» → `12.10`, «1,50» → `1.50`, up to its
 * limit) or the Russian message for that field.
 */
export function parseTermsDecimal(field: DecimalTermsField, input: string): { ok: true; value: string } | { ok: false; error: string } {
  const limit = TERMS_LIMITS[field];
  const result = parseDecimal(input, {
    field: TERMS_FIELD_LABELS_RU[field],
    gender: GENDER[field],
    example: EXAMPLE[field],
    maxDecimals: limit.maxDecimals,
    max: limit.max,
    allowZero: limit.allowZero,
  });
  if (!result.ok) return result;
  return { ok: true, value: canonical(field, result.value, typedScale(input, result.value, limit.maxDecimals)) };
}

/** Checks days given as a number or as typed text: a whole number 0..365. */
export function parseTermsDays(input: string | number): { ok: true; value: number } | { ok: false; error: string } {
  const text = typeof input === 'number' ? (Number.isFinite(input) ? String(input) : '') : input.trim();
  const error = `Срок исполнения должен быть целым числом дней от ${DAYS_LIMIT.min} до ${DAYS_LIMIT.max}, например ${EXAMPLE.days}`;
  if (text === '') return { ok: false, error: `Срок исполнения не указан — введите число дней, например ${EXAMPLE.days}` };
  if (!/^\d{1,3}$/.test(text)) return { ok: false, error };
  const days = Number(text);
  if (days < DAYS_LIMIT.min || days > DAYS_LIMIT.max) return { ok: false, error };
  return { ok: true, value: days };
}

export type TermsErrors = Partial<Record<TermsField, string>>;

/** Terms as a form or a database row hands them over: strings or numbers, maybe missing. */
export type TermsInputLike = { [K in TermsField]?: string | number | null | undefined };

/**
 * Every mistake in the terms, field → Russian message; an empty object means
 * the terms are fine and `computeTerms` will accept them.
 */
export function validateTerms(input: TermsInputLike): TermsErrors {
  return normalizeTerms(input).errors;
}

/**
 * Validates and canonicalizes terms in one go: `{ ok: true, input }` is ready
 * for `computeTerms` and for the database; otherwise the field messages.
 */
export function normalizeTerms(input: TermsInputLike): { ok: true; input: TermsInput; errors: TermsErrors } | { ok: false; errors: TermsErrors } {
  const errors: TermsErrors = {};
  const out: Partial<Record<DecimalTermsField, string>> = {};
  for (const field of ['amount', 'rate', 'feePercent', 'fixedFee'] as const) {
    const raw = input[field];
    const result = parseTermsDecimal(field, raw === null || raw === undefined ? '' : String(raw));
    if (result.ok) out[field] = result.value;
    else errors[field] = result.error;
  }
  const rawDays = input.days;
  const days = parseTermsDays(rawDays === null || rawDays === undefined ? '' : rawDays);
  if (!days.ok) errors.days = days.error;
  if (Object.keys(errors).length > 0 || !days.ok) return { ok: false, errors };
  return {
    ok: true,
    errors,
    input: { amount: out.amount!, rate: out.rate!, feePercent: out.feePercent!, fixedFee: out.fixedFee!, days: days.value },
  };
}

/** amount × rate, exact (at most 8 decimals), as a plain string. */
export function exactBase(amount: string, rate: string): string {
  return new Decimal(amount).times(rate).toFixed();
}

/**
 * Computes the derived amounts. The input must be valid (see `validateTerms`):
 * invalid terms are a programming error here and throw a RangeError naming
 * the fields. Input values come back canonical: amount and fixedFee with 2
 * places, rate and feePercent with the places they were written with.
 */
export function computeTerms(input: TermsInput): Terms {
  const normalized = normalizeTerms(input);
  if (!normalized.ok) {
    const detail = Object.entries(normalized.errors).map(([field, message]) => `${field}: ${message}`).join('; ');
    throw new RangeError(`computeTerms: invalid terms (${detail})`);
  }
  const terms = normalized.input;
  const base = new Decimal(terms.amount).times(terms.rate);
  const fee = round2(base.times(terms.feePercent).div(100));
  const total = round2(base.plus(fee).plus(terms.fixedFee));
  return { ...terms, base: round2(base).toFixed(2), fee: fee.toFixed(2), total: total.toFixed(2) };
}

function canonical(field: DecimalTermsField, value: Decimal, scale: number): string {
  if (field === 'amount' || field === 'fixedFee') return value.toFixed(2);
  // A rate and a fee keep the places typed («1,50 %» stays 1.50, issue 17): the manager sees what they wrote.
  return value.toFixed(Math.max(scale, value.decimalPlaces()));
}

/**
 * The decimal places a person wrote («12,10» → 2), so «Курс: 12,10» shows as
 * typed. Only when the last «.» or «,» is the decimal separator of what was
 * parsed (the digits before it are the whole part): «1,225,000» has none.
 */
function typedScale(input: string, value: Decimal, maxDecimals: number): number {
  const text = input.replace(/[\s\u00a0\u202f\u2009]/g, '');
  const match = /^[+]?([\d.,]*?)[.,](\d+)$/.exec(text);
  if (!match || match[2]!.length > maxDecimals) return 0;
  const whole = match[1]!.replace(/[.,]/g, '') || '0';
  return new Decimal(whole).equals(value.trunc()) ? match[2]!.length : 0;
}
