import { describe, expect, it } from 'vitest';
import { normaliseLabel, splitLabels } from './labels.js';
import { csvSafe } from './spreadsheet.js';

describe('the rule of a label', () => {
  it('trims, drops a leading #, lower-cases; letters (Latin, Cyrillic), digits, _ and - up to 32', () => {
    expect(normaliseLabel('  VIP ')).toBe('vip');
    expect(normaliseLabel('#Опт')).toBe('опт');
    expect(normaliseLabel('Ёлка_2026-new')).toBe('ёлка_2026-new');
    expect(normaliseLabel('a'.repeat(32))).toBe('a'.repeat(32));
    for (const bad of ['', '#', 'a'.repeat(33), 'два слова', 'a,b', '<b>', 'vip!', '##vip', 'ü']) expect(normaliseLabel(bad), bad).toBeUndefined();
  });
  it('the topic splits on spaces and commas', () => {
    expect(splitLabels(' vip, опт  new ')).toEqual(['vip', 'опт', 'new']);
  });
});

describe('CSV cells against formula injection (OWASP)', () => {
  it('prefixes = + - @ tab CR with a quote, leaves the rest', () => {
    for (const cell of ['=1+1', '+7 900', '-2', '@SUM(A1)', '\tx', '\rx']) expect(csvSafe(cell)).toBe(`'${cell}`);
    for (const cell of ['Иван', '100000.00', '2026-11-30T10:00:00.000Z', '', ' =x']) expect(csvSafe(cell)).toBe(cell);
  });
});
