/**
 * The money formula under random input, with the expectation derived
 * independently (decimal.js at its own precision, scaled integers, no code
 * under test): for every valid set of terms as a person may type them,
 *
 *   total = round_half_up_2(amount × rate + round_half_up_2(amount × rate × fee% / 100) + fixed)
 *
 * and the parsing of what people type never throws.
 */
import fc from 'fast-check';
import decimalModule from 'decimal.js';
import type { Decimal as DecimalInstance } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { computeTerms, normalizeTerms, parseTermsDecimal } from './terms.js';
import { formatDecimal, parseDecimal } from './money.js';

// Our own Decimal, independent of the one money.ts configures: plenty of digits, half-up.
// The same default-export dance as money.ts, for our own clone.
const Lib = ((decimalModule as unknown as { default?: typeof DecimalInstance }).default ?? decimalModule) as unknown as typeof DecimalInstance;
const D = Lib.clone({ precision: 80, rounding: Lib.ROUND_HALF_UP });

/** A non-negative integer of scaled units (cents, millionths…) as a decimal string with `places` decimals. */
const scaled = (units: bigint, places: number) => {
  const text = units.toString().padStart(places + 1, '0');
  return places ? `${text.slice(0, -places)}.${text.slice(-places)}` : text;
};

/** Half-up to 2 places of a non-negative exact value given as numerator / 10^scale. */
function halfUp2(numerator: bigint, scale: number): bigint {
  const divisor = 10n ** BigInt(scale - 2);
  return (numerator + divisor / 2n) / divisor;
}

/** The same number written the ways people type it: comma or dot, groups of three split by (no-break) spaces, trailing zeros. */
function typed(plain: string, style: { comma: boolean; group: '' | ' ' | '\u00a0' | '\u202f'; zeros: number }): string {
  const [whole, fraction] = plain.split('.') as [string, string | undefined];
  const grouped = style.group ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, style.group) : whole;
  const frac = (fraction ?? '') + (fraction !== undefined || style.zeros ? '0'.repeat(style.zeros) : '');
  return frac ? `${grouped}${style.comma ? ',' : '.'}${frac}` : grouped;
}
const typingStyle = fc.record({ comma: fc.boolean(), group: fc.constantFrom('' as const, ' ' as const, '\u00a0' as const, '\u202f' as const), zeros: fc.integer({ min: 0, max: 2 }) });

const terms = fc.record({
  amount: fc.bigInt({ min: 1n, max: 100_000_000_000_000n }), // cents, ≤ 1e12
  rate: fc.bigInt({ min: 1n, max: 1_000_000_000_000n }), // millionths, ≤ 1e6
  fee: fc.bigInt({ min: 0n, max: 1_000_000n }), // 1e-4 %, ≤ 100 %
  fixed: fc.bigInt({ min: 0n, max: 100_000_000_000n }), // cents, ≤ 1e9
  days: fc.integer({ min: 0, max: 365 }),
});

describe('the money formula', () => {
  it('total is amount × rate plus the fee and the fixed fee, rounded half-up — for any terms, typed any way', () => {
    fc.assert(
      fc.property(terms, typingStyle, typingStyle, (t, style1, style2) => {
        const amount = scaled(t.amount, 2);
        const rate = scaled(t.rate, 6);
        const feePercent = scaled(t.fee, 4);
        const fixedFee = scaled(t.fixed, 2);
        // What a person types, parsed the way the form and the edit commands parse it.
        const parsed = normalizeTerms({ amount: typed(amount, style1), rate: typed(rate, style2), feePercent: typed(feePercent, style1), fixedFee: typed(fixedFee, style2), days: t.days });
        expect(parsed.ok, JSON.stringify(parsed.errors)).toBe(true);
        const result = computeTerms(parsed.ok ? parsed.input : (undefined as never));

        // Independent expectation 1: decimal.js with its own configuration.
        const base = new D(amount).times(rate);
        const fee = base.times(feePercent).div(100).toDecimalPlaces(2, D.ROUND_HALF_UP);
        const total = base.plus(fee).plus(fixedFee).toDecimalPlaces(2, D.ROUND_HALF_UP);
        expect(result.total).toBe(total.toFixed(2));
        expect(result.fee).toBe(fee.toFixed(2));
        expect(result.base).toBe(base.toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2));

        // Independent expectation 2: exact integers. base has 8 decimals; fee% × base / 100 has 14.
        const base8 = t.amount * t.rate;
        const fee2 = halfUp2(base8 * t.fee, 14);
        const total2 = halfUp2(base8 + fee2 * 1_000_000n + t.fixed * 1_000_000n, 8);
        expect(result.total).toBe(scaled(total2, 2));

        // Sanity of the shape: never below its parts, never a float artefact.
        expect(new D(result.total).gte(new D(result.fee).plus(fixedFee))).toBe(true);
        expect(result.total).toMatch(/^\d+\.\d{2}$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('ties round up: a fee or total exactly half a kopeck goes to the next kopeck', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10_000_000n }), (kopecks) => {
        // 50 % of an odd number of kopecks is exactly half a kopeck more than a whole number of them.
        const amount = scaled(kopecks * 2n + 1n, 2); // odd number of cents
        const result = computeTerms({ amount, rate: '1', feePercent: '50', fixedFee: '0', days: 1 });
        // Half of an odd number of cents is x.5 cents: half-up gives (n + 1) / 2 cents.
        expect(result.fee).toBe(scaled(kopecks + 1n, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('parsing never throws and accepts exactly what a person may type for money', () => {
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    const junk = fc.oneof(
      fc.string({ unit: codeUnit, maxLength: 30 }),
      fc.string({ unit: fc.constantFrom(...'0123456789.,- \u00a0\u202fe+%₽'.split('')), maxLength: 20 }),
    );
    fc.assert(
      fc.property(junk, fc.constantFrom('amount' as const, 'rate' as const, 'feePercent' as const, 'fixedFee' as const), (input, field) => {
        const result = parseTermsDecimal(field, input);
        if (result.ok) {
          // Whatever was accepted is a plain non-negative decimal that reads back to the same value…
          expect(result.value).toMatch(/^\d+(\.\d+)?$/);
          expect(new D(result.value).eq(new D(input.trim().replace(/[ \u00a0\u202f\u2009]/g, '').replace(',', '.')))).toBe(true);
        } else {
          // … and whatever was refused is told in a Russian sentence with an example (or both readings of an ambiguous
          // one, or an exponent form written out in digits).
          expect(result.error).toMatch(/например|не больше|не меньше|после запятой|можно понять двояко|напишите его цифрами: \d/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('a number formatted for people parses back to itself (the card shows what /rate accepts)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: 0, max: 6 }), (units, places) => {
        const value = scaled(units, places);
        const shown = formatDecimal(value, 'ru', places);
        const back = parseDecimal(shown);
        expect(back?.eq(new D(value))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
