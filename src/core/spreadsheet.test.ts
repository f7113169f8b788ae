import { describe, expect, it } from 'vitest';
import { Decimal } from './money.js';
import { csvDecimal, csvSafe, spreadsheetNumber } from './spreadsheet.js';

describe('money in spreadsheet cells', () => {
  it('a decimal of up to 15 significant digits becomes a number that reads back as the same decimal', () => {
    expect(spreadsheetNumber('125000.60')).toBe(125000.6);
    expect(spreadsheetNumber('100000.00')).toBe(100000);
    expect(spreadsheetNumber('0.01')).toBe(0.01);
    expect(spreadsheetNumber('-12.50')).toBe(-12.5);
    expect(spreadsheetNumber('9999999999999.99')).toBe(9999999999999.99);
    for (const text of ['123456789012.34', '0.000000000000001', '999999999999999', '1234567.89', '100000000000000000000']) {
      const value = spreadsheetNumber(text)!;
      expect(new Decimal(value.toPrecision(15)).eq(new Decimal(text)), text).toBe(true);
    }
  });

  it('more than 15 significant digits, or not a plain decimal, stays text (null)', () => {
    expect(spreadsheetNumber('12345678901234.56')).toBeNull();
    expect(spreadsheetNumber('1e5')).toBeNull();
    expect(spreadsheetNumber('1 000.00')).toBeNull();
    expect(spreadsheetNumber('')).toBeNull();
  });

  it('CSV: a decimal comma for Russian, the point for English; text keeps the formula guard', () => {
    expect(csvDecimal('125000.60', 'ru')).toBe('125000,60');
    expect(csvDecimal('1.5', 'ru')).toBe('1,5');
    expect(csvDecimal('125000.60', 'en')).toBe('125000.60');
    expect(csvDecimal('=1+1', 'ru')).toBe("'=1+1");
    expect(csvSafe('@li_wei_trade')).toBe("'@li_wei_trade");
  });
});
