import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, formatDecimal, formatFileSize, formatMoney, formatPercent, formatTypedDecimal, parseDecimal, plural, round2 } from './money.js';

/** Intl puts (narrow) no-break spaces between groups; compare with plain spaces. */
const plain = (text: string) => text.replace(/[\u00A0\u202F]/g, ' ');

/** Raw UTF-16 code units, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

const rate = { field: 'Курс', maxDecimals: 6, max: '1000000' } as const;

describe('parseDecimal: what a manager types', () => {
  it.each([
    ['12.25', '12.25'],
    ['12,25', '12.25'],
    ['  12,25  ', '12.25'],
    ['1 225 000,50', '1225000.5'],
    ['1\u00A0225\u00A0000.50', '1225000.5'],
    ['1\u202F225', '1225'],
    ['0,000001', '0.000001'],
    ['007', '7'],
    ['1000000', '1000000'],
  ])('accepts %j as %s', (input, expected) => {
    const result = parseDecimal(input, { field: 'Сумма', gender: 'f', maxDecimals: 6 });
    expect(result).toEqual({ ok: true, value: expect.anything() });
    if (result.ok) expect(result.value.toFixed()).toBe(expected);
  });

  it.each([
    ['', 'Курс не указан — введите число, например 12,25'],
    ['   ', 'Курс не указан — введите число, например 12,25'],
    ['12,3x', 'Курс должен быть положительным числом, например 12,25'],
    ['1e5', 'Курс: число с экспонентой (1e5) не принимается — напишите его цифрами: 100000'],
    ['NaN', 'Курс должен быть положительным числом, например 12,25'],
    ['Infinity', 'Курс должен быть положительным числом, например 12,25'],
    ['1,225,000.50', 'Курс должен быть положительным числом, например 12,25'],
    ['1.2.3', 'Курс должен быть положительным числом, например 12,25'],
    ['12 5', 'Курс должен быть положительным числом, например 12,25'],
    ['+5', 'Курс должен быть положительным числом, например 12,25'],
    ['.5', 'Курс должен быть положительным числом, например 12,25'],
    ['5.', 'Курс должен быть положительным числом, например 12,25'],
    ['0x10', 'Курс должен быть положительным числом, например 12,25'],
    ['-1', 'Курс должен быть положительным числом, например 12,25'],
    ['−1', 'Курс должен быть положительным числом, например 12,25'],
    ['0', 'Курс должен быть больше нуля, например 12,25'],
    ['0,00', 'Курс должен быть больше нуля, например 12,25'],
    ['1.1234567', 'Курс: не больше 6 знаков после запятой, например 12,25'],
    ['1000000.01', 'Курс должен быть не больше 1 000 000'],
    ['1'.repeat(100), 'Курс должен быть положительным числом, например 12,25'],
  ])('refuses %j: «%s»', (input, message) => {
    const result = parseDecimal(input, rate);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(plain(result.error)).toBe(message);
  });

  it.each([
    ['1e5', 'Сумма: число с экспонентой (1e5) не принимается — напишите его цифрами: 100000'],
    [' 1E+3 ', 'Сумма: число с экспонентой (1E+3) не принимается — напишите его цифрами: 1000'],
    ['1,5e3', 'Сумма: число с экспонентой (1,5e3) не принимается — напишите его цифрами: 1500'],
    ['2.5e-1', 'Сумма: число с экспонентой (2.5e-1) не принимается — напишите его цифрами: 0,25'],
    ['1e400', 'Сумма: число с экспонентой (1e400) не принимается — напишите число цифрами, например 100000'],
    ['1e99999999999', 'Сумма: число с экспонентой (1e99999999999) не принимается — напишите число цифрами, например 100000'],
    ['1e-30', 'Сумма: число с экспонентой (1e-30) не принимается — напишите число цифрами, например 100000'],
  ])('says an exponent form %j is not accepted and how to write it', (input, message) => {
    expect(parseDecimal(input, { field: 'Сумма', gender: 'f', maxDecimals: 2, example: '100000' })).toEqual({ ok: false, error: message });
  });

  it.each([
    ['1e-3', 'Сумма: число с экспонентой (1e-3) не принимается — напишите число цифрами, например 100000'],
    ['2.5e-2', 'Сумма: число с экспонентой (2.5e-2) не принимается — напишите число цифрами, например 100000'],
    ['0e0', 'Сумма: число с экспонентой (0e0) не принимается — напишите число цифрами, например 100000'],
    ['1e21', 'Сумма: число с экспонентой (1e21) не принимается — напишите число цифрами, например 100000'],
    ['1.23456789e3', 'Сумма: число с экспонентой (1.23456789e3) не принимается — напишите число цифрами, например 100000'],
  ])('answers an exponent form %j whose written-out number the field would refuse with the example', (input, message) => {
    // 0,001 has too many decimals, 0 is not allowed, 10²¹ is above the max, 1234,56789 has too many decimals:
    // suggesting any of them would only lead to a second refusal.
    const amount = { field: 'Сумма', gender: 'f', maxDecimals: 2, max: '1000000000', example: '100000' } as const;
    expect(parseDecimal(input, amount)).toEqual({ ok: false, error: message });
    expect(parseDecimal('1e5', amount)).toEqual({ ok: false, error: 'Сумма: число с экспонентой (1e5) не принимается — напишите его цифрами: 100000' });
    expect(parseDecimal('100000', amount)).toMatchObject({ ok: true });
  });

  it('answers an exponent form with the example when the field takes whole numbers or a minimum only', () => {
    const count = { field: 'Количество', maxDecimals: 0, min: '2' } as const;
    expect(parseDecimal('1.5e0', count)).toEqual({ ok: false, error: 'Количество: число с экспонентой (1.5e0) не принимается — напишите число цифрами, например 3' });
    expect(parseDecimal('1e0', count)).toEqual({ ok: false, error: 'Количество: число с экспонентой (1e0) не принимается — напишите число цифрами, например 3' });
    expect(parseDecimal('5e0', count)).toEqual({ ok: false, error: 'Количество: число с экспонентой (5e0) не принимается — напишите его цифрами: 5' });
  });

  it('refuses «100,000» in Russian only, with both readings and both right forms', () => {
    const result = parseDecimal('100,000', { field: 'Сумма', gender: 'f', maxDecimals: 2 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(plain(result.error)).toBe('Сумма: «100,000» можно понять двояко — 100 000 или 100. Напишите 100000 или 100,00.');
    const fee = parseDecimal('1.500', { field: 'Комиссия', gender: 'f', maxDecimals: 4, allowZero: true });
    if (!fee.ok) expect(plain(fee.error)).toBe('Комиссия: «1.500» можно понять двояко — 1 500 или 1,5. Напишите 1500 или 1,50.');
    expect(fee.ok).toBe(false);
  });

  it('agrees with the gender of the field and allows zero when asked', () => {
    const fee = { field: 'Комиссия', gender: 'f', maxDecimals: 4, allowZero: true, example: '1,5' } as const;
    expect(parseDecimal('0', fee)).toMatchObject({ ok: true });
    expect(parseDecimal('-1', fee)).toEqual({ ok: false, error: 'Комиссия не может быть отрицательной, например 1,5' });
    expect(parseDecimal('', fee)).toEqual({ ok: false, error: 'Комиссия не указана — введите число, например 1,5' });
    expect(parseDecimal('abc', fee)).toEqual({ ok: false, error: 'Комиссия должна быть числом, например 1,5' });
  });

  it('says «целым числом» when no decimals are allowed, and checks min', () => {
    const count = { field: 'Количество', maxDecimals: 0, min: '2' } as const;
    expect(parseDecimal('2,5', count)).toEqual({ ok: false, error: 'Количество должен быть целым числом, например 3' });
    expect(parseDecimal('x', count)).toEqual({ ok: false, error: 'Количество должен быть целым числом, например 3' });
    expect(parseDecimal('1', count)).toEqual({ ok: false, error: 'Количество должен быть не меньше 2' });
  });

  it('uses the right plural of «знак»', () => {
    expect(plural(1, 'знак', 'знака', 'знаков')).toBe('знак');
    expect(plural(2, 'знак', 'знака', 'знаков')).toBe('знака');
    expect(plural(6, 'знак', 'знака', 'знаков')).toBe('знаков');
    expect(plural(11, 'знак', 'знака', 'знаков')).toBe('знаков');
    expect(plural(21, 'знак', 'знака', 'знаков')).toBe('знак');
  });

  it('in the one-argument form returns a Decimal or null', () => {
    expect(parseDecimal('12,5')?.toFixed()).toBe('12.5');
    expect(parseDecimal('abc')).toBeNull();
    expect(parseDecimal('-1')).toBeNull();
    expect(parseDecimal('')).toBeNull();
  });

  it('never throws and never accepts what is not digits with one separator', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: codeUnit, maxLength: 40 })), (input) => {
        const result = parseDecimal(input, rate);
        if (result.ok) expect(input.trim()).toMatch(/^[\d \u00A0\u202F\u2009]+([.,]\d+)?$/);
      }),
    );
  });
});

describe('round2 and the configured Decimal', () => {
  it.each([
    ['2.345', '2.35'],
    ['2.344999', '2.34'],
    ['2.005', '2.01'],
    ['1.115', '1.12'],
    ['-2.345', '-2.35'],
    ['0.004', '0'],
  ])('round2(%s) = %s (half-up)', (input, expected) => {
    expect(round2(new Decimal(input)).toFixed()).toBe(expected);
  });

  it('keeps 40 significant digits and rounds half-up', () => {
    expect(Decimal.precision).toBe(40);
    expect(Decimal.rounding).toBe(Decimal.ROUND_HALF_UP);
    expect(new Decimal(2).div(3).toFixed()).toBe('0.6666666666666666666666666666666666666667');
  });
});

describe('formatMoney and formatDecimal', () => {
  it.each([
    ['1225000', 'RUB', 'ru', '1 225 000,00 ₽'],
    ['1225000.5', 'USD', 'en', '$1,225,000.50'],
    ['1243875.005', 'RUB', 'ru', '1 243 875,01 ₽'],
    ['99999999999999.99', 'RUB', 'ru', '99 999 999 999 999,99 ₽'],
    ['100', 'CNY', 'en', 'CN¥100.00'],
    // A Russian reader reads «¥» as the yuan; a currency without a sign of its own in Russian shows its code (issue 17.17).
    ['100', 'cny', 'ru', '100,00 ¥'],
    ['100', 'HKD', 'ru', '100,00 HKD'],
    ['100', 'JPY', 'ru', '100 JPY'],
    ['100', 'AED', 'ru', '100,00 AED'],
    ['100', 'USD', 'ru', '100,00 $'],
    ['100', 'JPY', 'en', '¥100'],
  ] as const)('formatMoney(%s, %s, %s) = %s', (value, currency, locale, expected) => {
    expect(plain(formatMoney(value, currency, locale))).toBe(expected);
  });

  it('takes a Decimal and falls back to the code for a malformed currency', () => {
    expect(plain(formatMoney(new Decimal('1500.5'), 'EUR', 'ru'))).toBe('1 500,50 €');
    expect(plain(formatMoney('1500.5', 'RUBLES', 'ru'))).toBe('1 500,50 RUBLES');
  });

  it.each([
    ['12.250000', 'ru', 6, '12,25'],
    ['12.2500005', 'ru', 6, '12,250001'],
    ['1225000', 'en', 2, '1,225,000'],
    ['1225000.123', 'ru', 2, '1 225 000,12'],
  ] as const)('formatDecimal(%s, %s, %d) = %s', (value, locale, max, expected) => {
    expect(plain(formatDecimal(value, locale, max))).toBe(expected);
  });
});

describe('numbers and units in the Russian UI (issue 17.17)', () => {
  it('a rate keeps the places the manager typed, up to 6', () => {
    expect(plain(formatTypedDecimal('12.10', 'ru', 6))).toBe('12,10');
    expect(plain(formatTypedDecimal('12.1', 'ru', 6))).toBe('12,1');
    expect(plain(formatTypedDecimal('1225.5', 'ru', 6))).toBe('1 225,5');
    expect(plain(formatTypedDecimal('12.1234567', 'ru', 6))).toBe('12,123457');
    expect(plain(formatTypedDecimal('12.10', 'en', 6))).toBe('12.10');
  });

  it('a fee percent never shows three decimals that read like a thousands group: «1,500» is «1,5»; up to two typed places stay', () => {
    expect(formatPercent('1.500', 'ru')).toBe('1,5');
    expect(formatPercent('1.5000', 'ru')).toBe('1,5');
    expect(formatPercent('2', 'ru')).toBe('2');
    expect(formatPercent('2.000', 'ru')).toBe('2');
    expect(formatPercent('0.125', 'ru')).toBe('0,125');
    expect(formatPercent('1.2500', 'ru')).toBe('1,25');
    expect(formatPercent('0.0001', 'ru')).toBe('0,0001');
    expect(formatPercent('1.50', 'ru')).toBe('1,50');
    expect(formatPercent('1.5', 'ru')).toBe('1,5');
    expect(formatPercent('100', 'ru')).toBe('100');
    expect(formatPercent('1.500', 'en')).toBe('1.5');
    expect(formatPercent(new Decimal('1.500'), 'ru')).toBe('1,5');
  });

  it('file sizes are Б, КБ, МБ with a decimal comma in Russian; B, KB, MB in English', () => {
    expect(plain(formatFileSize(900, 'ru'))).toBe('900 Б');
    expect(plain(formatFileSize(1536, 'ru'))).toBe('1,5 КБ');
    expect(plain(formatFileSize(3_500_000, 'ru'))).toBe('3,3 МБ');
    expect(plain(formatFileSize(1536, 'en'))).toBe('1.5 KB');
    expect(formatFileSize(-1, 'ru')).toBe('—');
  });
});
