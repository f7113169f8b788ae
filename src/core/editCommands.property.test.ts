/**
 * The edit-command parser under random input: whatever a manager (or a
 * hostile member of the group) types, it never throws, answers one of its
 * three shapes, and agrees with an independent reading of the value.
 */
import fc from 'fast-check';
import decimalModule from 'decimal.js';
import type { Decimal as DecimalInstance } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { BENEFICIARY_NAME_MAX_LENGTH, EDIT_COMMANDS, parseEditCommand, PURPOSE_MAX_LENGTH } from './editCommands.js';

// The same default-export dance as money.ts, for our own clone.
const Lib = ((decimalModule as unknown as { default?: typeof DecimalInstance }).default ?? decimalModule) as unknown as typeof DecimalInstance;
const D = Lib.clone({ precision: 80 });

const now = new Date('2026-11-25T12:00:00Z');
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const anyText = (maxLength: number) => fc.oneof(fc.string({ unit: 'binary', maxLength }), fc.string({ unit: codeUnit, maxLength }), fc.string({ unit: 'grapheme', maxLength }));
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The decimal commands with their limits, restated here rather than read from the code. */
const DECIMALS = [
  { command: 'rate', field: 'rate', places: 6, max: '1000000', zero: false },
  { command: 'amount', field: 'amount', places: 2, max: '1000000000000', zero: false },
  { command: 'fee', field: 'feePercent', places: 4, max: '100', zero: true },
  { command: 'fixed', field: 'fixedFee', places: 2, max: '1000000000', zero: true },
] as const;

const scaled = (units: bigint, places: number) => {
  const text = units.toString().padStart(places + 1, '0');
  return places ? `${text.slice(0, -places)}.${text.slice(-places)}` : text;
};
const commandForm = (command: string) => fc.constantFrom(`/${command}`, `/${command.toUpperCase()}`, `/${command}@HotlineBot`);
const spaces = fc.constantFrom(' ', '  ', '\t', ' \n');

describe('edit commands, fuzzed', () => {
  it('any value within limits, typed with comma or dot, groups and trailing zeros, parses to exactly that value', () => {
    const spec = fc.constantFrom(...DECIMALS);
    fc.assert(
      fc.property(spec, fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.boolean(), fc.constantFrom('', ' ', '\u00a0'), fc.nat({ max: 2 }), spaces, spaces, (s, raw, comma, group, zeros, before, after) => {
        const limit = BigInt(s.max) * 10n ** BigInt(s.places);
        const units = (raw % limit) + (s.zero ? 0n : 1n);
        const value = scaled(units, s.places);
        const [whole, fraction = ''] = value.split('.');
        const grouped = group ? whole!.replace(/\B(?=(\d{3})+(?!\d))/g, group) : whole!;
        const frac = fraction + '0'.repeat(fraction ? zeros : 0);
        const text = `${grouped}${frac ? (comma ? ',' : '.') + frac : ''}`;
        for (const form of [`/${s.command}`, `/${s.command}@HotlineBot`]) {
          const parsed = parseEditCommand(`${before}${form}${before}${text}${after}`, now, { botUsername: 'HotlineBot' });
          expect(parsed, `${form} ${text}`).toMatchObject({ ok: true, edit: { field: s.field } });
          const edited = parsed && parsed.ok ? (parsed.edit as { value: string }).value : '';
          expect(new D(edited).eq(new D(value)), `${text} → ${edited}`).toBe(true);
          // The canonical value is a fixed point: typing it back gives it back.
          expect(parseEditCommand(`/${s.command} ${edited}`, now)).toEqual(parsed);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('a value beyond the limit or with too many decimals is refused with the right form, never accepted', () => {
    const spec = fc.constantFrom(...DECIMALS);
    fc.assert(
      fc.property(spec, fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.boolean(), (s, extra, tooPrecise) => {
        // One decimal place more than allowed (its last digit is never 0), or above the maximum by at least a hundredth.
        const text = tooPrecise ? `${scaled(extra, s.places)}7` : new D(s.max).plus(new D(extra.toString()).div(100)).toFixed();
        const parsed = parseEditCommand(`/${s.command} ${text}`, now);
        expect(parsed?.ok, `/${s.command} ${text}`).toBe(false);
        const example = EDIT_COMMANDS.find((c) => c.command === s.command)!.example;
        expect(parsed && !parsed.ok && parsed.error.endsWith(`Пример: ${example}`)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('whatever follows a command, the answer is one of the three shapes, and only ours are ours', () => {
    const prefix = fc.oneof(fc.constantFrom('', '/', '/new ', '/start ', '/rate@OtherBot '), fc.constantFrom(...EDIT_COMMANDS.map((c) => c.command)).chain(commandForm).map((c) => `${c} `));
    fc.assert(
      fc.property(prefix, anyText(120), (head, tail) => {
        const text = head + tail;
        let result: ReturnType<typeof parseEditCommand> | undefined;
        expect(() => (result = parseEditCommand(text, now, { botUsername: 'HotlineBot' }))).not.toThrow();
        if (result === null) return;
        expect(typeof result!.ok).toBe('boolean');
        if (!result!.ok) {
          expect(result!.error).toMatch(/\nПример: \/\w+/);
          expect(LONE_SURROGATE.test(result!.error)).toBe(false);
        }
        // A command addressed to another bot is never taken as ours.
        if (/^\s*\/\w+@OtherBot/.test(text)) expect(result).toBeNull();
      }),
      { numRuns: 3000 },
    );
  });

  it('free text (purpose, beneficiary) comes out as one clean line within its limit, HTML characters kept as typed', () => {
    fc.assert(
      fc.property(fc.constantFrom('purpose', 'beneficiary'), anyText(300), fc.constantFrom('', '<b>', '<script>alert(1)</script>', '&amp;', '"\'>'), (command, text, html) => {
        const parsed = parseEditCommand(`/${command} ${html}${text}`, now);
        expect(parsed).not.toBeNull();
        if (!parsed!.ok) return;
        const value = (parsed!.edit as { value: string }).value;
        expect(value).toBe(value.trim());
        expect(value).not.toMatch(/[\p{Cc}]/u);
        expect(value).not.toMatch(/\s{2}/);
        expect(LONE_SURROGATE.test(value)).toBe(false);
        expect(value.length).toBeLessThanOrEqual(command === 'purpose' ? PURPOSE_MAX_LENGTH : BENEFICIARY_NAME_MAX_LENGTH);
        if (html) expect(value.startsWith(html)).toBe(true);
        // Cleaning is idempotent: the stored value typed again is the same value.
        expect(parseEditCommand(`/${command} ${value}`, now)).toEqual(parsed);
      }),
      { numRuns: 2000 },
    );
  });

  it('/days takes exactly the whole numbers 0…365, with or without a unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 5000 }), fc.constantFrom('', ' дней', ' дня', 'д', ' days', ' day'), (n, unit) => {
        const parsed = parseEditCommand(`/days ${n}${unit}`, now);
        if (n >= 0 && n <= 365) expect(parsed).toEqual({ ok: true, edit: { field: 'days', value: n } });
        else expect(parsed?.ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('/deadline takes every real date from today (Moscow) to two years ahead, in either format, and nothing else', () => {
    const today = Date.UTC(2026, 10, 25);
    const day = 24 * 3600 * 1000;
    fc.assert(
      fc.property(fc.integer({ min: -800, max: 1500 }), fc.boolean(), (offset, russian) => {
        const date = new Date(today + offset * day);
        const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
        const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const text = russian ? `${String(d).padStart(2, '0')}.${String(m).padStart(2, '0')}.${y}` : iso;
        const parsed = parseEditCommand(`/deadline ${text}`, now);
        const withinTwoYears = iso >= '2026-11-25' && iso <= '2028-11-25';
        if (withinTwoYears) expect(parsed).toEqual({ ok: true, edit: { field: 'deadline', value: iso } });
        else expect(parsed?.ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
