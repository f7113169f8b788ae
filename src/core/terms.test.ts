import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeTerms, exactBase, normalizeTerms, parseTermsDays, parseTermsDecimal, validateTerms, type TermsInput } from './terms.js';

/** Intl puts (narrow) no-break spaces between groups; compare with plain spaces. */
const plain = (text: string | undefined) => text?.replace(/[\u00A0\u202F]/g, ' ');

/** A scaled BigInt as a decimal string: (12345n, 2) → '123.45'. */
function fixed(value: bigint, scale: number): string {
  const text = value.toString().padStart(scale + 1, '0');
  return scale === 0 ? text : `${text.slice(0, -scale)}.${text.slice(-scale)}`;
}

/** Rounds a non-negative scaled integer half-up by `digits` decimal places. */
const roundHalfUp = (value: bigint, digits: number) => {
  const unit = 10n ** BigInt(digits);
  return (value + unit / 2n) / unit;
};

/**
 * The formula in integers only, as a reference: amount in cents, rate in
 * millionths, fee in ten-thousandths of a percent, fixed fee in cents.
 */
function referenceTerms(amountCents: bigint, rateMicros: bigint, feeUnits: bigint, fixedCents: bigint) {
  const base = amountCents * rateMicros; // scale 1e8
  const feeCents = roundHalfUp(base * feeUnits, 12); // base × fee/1e4 / 100: scale 1e14 → 1e2
  const totalCents = roundHalfUp(base + (feeCents + fixedCents) * 1_000_000n, 6); // scale 1e8 → 1e2
  return { base: fixed(roundHalfUp(base, 6), 2), fee: fixed(feeCents, 2), total: fixed(totalCents, 2) };
}

describe('computeTerms: base = amount × rate; fee = round2(base × fee% / 100); total = round2(base + fee + fixed)', () => {
  it('computes the seed example: 100 000 at 12.25 with 1.5 % and 500 fixed', () => {
    expect(computeTerms({ amount: '100000', rate: '12.25', feePercent: '1.5', fixedFee: '500', days: 3 })).toEqual({
      amount: '100000.00',
      rate: '12.25',
      feePercent: '1.5',
      fixedFee: '500.00',
      days: 3,
      base: '1225000.00',
      fee: '18375.00',
      total: '1243875.00',
    });
  });

  it('rounds the fee half-up: 0.005 goes up', () => {
    // base 1.00, fee 0.5 % → 0.005 → 0.01
    expect(computeTerms({ amount: '1', rate: '1', feePercent: '0.5', fixedFee: '0', days: 0 })).toMatchObject({ fee: '0.01', total: '1.01' });
  });

  it('computes the total from the unrounded base, while base is shown rounded', () => {
    // base = 0.01 × 0.5 = 0.005, shown as 0.01; the total starts from 0.005
    const terms = computeTerms({ amount: '0.01', rate: '0.5', feePercent: '0', fixedFee: '0.01', days: 1 });
    expect(terms.base).toBe('0.01');
    expect(terms.total).toBe('0.02'); // round2(0.005 + 0.01) = round2(0.015) = 0.02
    const t2 = computeTerms({ amount: '0.01', rate: '0.4', feePercent: '100', fixedFee: '0', days: 1 });
    // base 0.004 (shown 0.00), fee round2(0.004) = 0.00, total round2(0.004) = 0.00
    expect(t2).toMatchObject({ base: '0.00', fee: '0.00', total: '0.00' });
    expect(exactBase('0.01', '0.4')).toBe('0.004');
  });

  it('handles the largest terms exactly', () => {
    const terms = computeTerms({ amount: '1000000000000', rate: '1000000', feePercent: '100', fixedFee: '1000000000', days: 365 });
    expect(terms).toMatchObject({ base: '1000000000000000000.00', fee: '1000000000000000000.00', total: '2000000001000000000.00' });
  });

  it('accepts the terms as typed and returns them canonical', () => {
    const terms = computeTerms({ amount: '100 000,5', rate: '12,250000', feePercent: '1,50', fixedFee: '0', days: 0 });
    // The rate and the fee keep the places the manager typed (issue 17: «Курс: 12,10», «Комиссия: 1,50 %»).
    expect(terms).toMatchObject({ amount: '100000.50', rate: '12.250000', feePercent: '1.50', fixedFee: '0.00', days: 0 });
    expect(computeTerms({ amount: '100', rate: '12.10', feePercent: '0', fixedFee: '0', days: 0 }).rate).toBe('12.10');
    expect(computeTerms({ amount: '100', rate: '12.1', feePercent: '0', fixedFee: '0', days: 0 }).rate).toBe('12.1');
  });

  it('throws a RangeError naming the field for invalid terms', () => {
    expect(() => computeTerms({ amount: '0', rate: '1', feePercent: '0', fixedFee: '0', days: 0 })).toThrow(RangeError);
    expect(() => computeTerms({ amount: '1', rate: 'abc', feePercent: '0', fixedFee: '0', days: 0 })).toThrow(/rate/);
  });

  it('matches a BigInt reference implementation for any terms (no floats anywhere)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 100_000_000_000_000n }), // amount in cents, ≤ 1e12
        fc.bigInt({ min: 1n, max: 1_000_000_000_000n }), // rate in millionths, ≤ 1e6
        fc.bigInt({ min: 0n, max: 1_000_000n }), // fee in 1e-4 %, ≤ 100 %
        fc.bigInt({ min: 0n, max: 100_000_000_000n }), // fixed fee in cents, ≤ 1e9
        fc.integer({ min: 0, max: 365 }),
        (amount, rate, fee, fixedFee, days) => {
          const input: TermsInput = { amount: fixed(amount, 2), rate: fixed(rate, 6), feePercent: fixed(fee, 4), fixedFee: fixed(fixedFee, 2), days };
          const terms = computeTerms(input);
          expect({ base: terms.base, fee: terms.fee, total: terms.total }).toEqual(referenceTerms(amount, rate, fee, fixedFee));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('small values stress the half-up ties', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10_000n }),
        fc.bigInt({ min: 1n, max: 10_000n }),
        fc.bigInt({ min: 0n, max: 100_000n }),
        fc.bigInt({ min: 0n, max: 1_000n }),
        (amount, rate, fee, fixedFee) => {
          const terms = computeTerms({ amount: fixed(amount, 2), rate: fixed(rate, 6), feePercent: fixed(fee, 4), fixedFee: fixed(fixedFee, 2), days: 1 });
          expect({ base: terms.base, fee: terms.fee, total: terms.total }).toEqual(referenceTerms(amount, rate, fee, fixedFee));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('validateTerms: every field gets its own message', () => {
  const valid = { amount: '100000', rate: '12.25', feePercent: '1.5', fixedFee: '500', days: 3 };

  it('is empty for valid terms, including zero fee, zero fixed fee and zero days', () => {
    expect(validateTerms(valid)).toEqual({});
    expect(validateTerms({ ...valid, feePercent: '0', fixedFee: '0', days: 0 })).toEqual({});
    expect(validateTerms({ ...valid, days: '3' })).toEqual({});
  });

  it.each([
    ['amount', '', 'Сумма не указана — введите число, например 100000'],
    ['amount', '0', 'Сумма должна быть больше нуля, например 100000'],
    ['amount', '-5', 'Сумма должна быть положительным числом, например 100000'],
    ['amount', '10.005', 'Сумма: не больше 2 знаков после запятой, например 100000'],
    ['amount', '1000000000000.01', 'Сумма должна быть не больше 1 000 000 000 000'],
    ['rate', 'abc', 'Курс должен быть положительным числом, например 12,25'],
    ['rate', '0', 'Курс должен быть больше нуля, например 12,25'],
    ['rate', '12.1234567', 'Курс: не больше 6 знаков после запятой, например 12,25'],
    ['rate', '1000001', 'Курс должен быть не больше 1 000 000'],
    ['feePercent', '-1', 'Комиссия не может быть отрицательной, например 1,5'],
    ['feePercent', '100.0001', 'Комиссия должна быть не больше 100'],
    ['feePercent', '1.12345', 'Комиссия: не больше 4 знаков после запятой, например 1,5'],
    ['feePercent', '1,5%', 'Комиссия должна быть числом, например 1,5'],
    ['fixedFee', '-1', 'Фиксированная комиссия не может быть отрицательной, например 500'],
    ['fixedFee', '1000000000.01', 'Фиксированная комиссия должна быть не больше 1 000 000 000'],
    ['fixedFee', '', 'Фиксированная комиссия не указана — введите число, например 500'],
    ['days', '', 'Срок исполнения не указан — введите число дней, например 3'],
    ['days', 366, 'Срок исполнения должен быть целым числом дней от 0 до 365, например 3'],
    ['days', -1, 'Срок исполнения должен быть целым числом дней от 0 до 365, например 3'],
    ['days', 2.5, 'Срок исполнения должен быть целым числом дней от 0 до 365, например 3'],
    ['days', 'три', 'Срок исполнения должен быть целым числом дней от 0 до 365, например 3'],
    ['days', Number.NaN, 'Срок исполнения не указан — введите число дней, например 3'],
  ] as const)('%s = %j → «%s»', (field, value, message) => {
    const errors = validateTerms({ ...valid, [field]: value });
    expect(Object.keys(errors)).toEqual([field]);
    expect(plain(errors[field])).toBe(message);
  });

  it('reports every missing field at once', () => {
    expect(Object.keys(validateTerms({}))).toEqual(['amount', 'rate', 'feePercent', 'fixedFee', 'days']);
  });

  it('normalizeTerms hands back canonical input ready to store', () => {
    expect(normalizeTerms({ amount: '1 000', rate: '90,5', feePercent: '0', fixedFee: '10', days: '2' })).toEqual({
      ok: true,
      errors: {},
      input: { amount: '1000.00', rate: '90.5', feePercent: '0', fixedFee: '10.00', days: 2 },
    });
  });

  it('parseTermsDecimal and parseTermsDays work one field at a time', () => {
    expect(parseTermsDecimal('rate', '12,2500')).toEqual({ ok: true, value: '12.2500' });
    expect(parseTermsDecimal('rate', '90')).toEqual({ ok: true, value: '90' });
    expect(parseTermsDecimal('rate', '1 225,5')).toEqual({ ok: true, value: '1225.5' });
    expect(parseTermsDays(' 7 ')).toEqual({ ok: true, value: 7 });
    expect(parseTermsDays('007')).toEqual({ ok: true, value: 7 });
  });
});

describe('numbers a locale reads two ways (issue 16.8)', () => {
  it.each([
    ['amount', '100,000', '100 000', '100'],
    ['amount', '1,500', '1 500', '1,5'],
    ['amount', '1.500', '1 500', '1,5'],
    ['fixedFee', '2,500', '2 500', '2,5'],
    ['rate', '12,250', '12 250', '12,25'],
  ] as const)('%s «%s» is refused, showing both readings', (field, input, thousands, decimal) => {
    const result = parseTermsDecimal(field, input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(plain(result.error)).toContain(`${thousands} или ${decimal}`);
      expect(result.error).toContain('можно понять двояко');
    }
  });

  it.each([
    ['feePercent', '1,500', '1.500'], // 1 500 % is not a fee: one reading fits; the places typed are kept
    ['amount', '0,500', '0.50'], // a thousands group never follows 0
    ['amount', '100,00', '100.00'],
    ['amount', '100000', '100000.00'],
    ['amount', '100 000', '100000.00'],
    ['amount', '1 500,000', '1500.00'], // grouped by spaces: the comma is the decimal separator
    ['rate', '12,2500', '12.2500'], // the places typed are kept (issue 17.17)
  ] as const)('%s «%s» has one reading: %s', (field, input, value) => {
    expect(parseTermsDecimal(field, input)).toEqual({ ok: true, value });
  });
});
