import { describe, expect, it } from 'vitest';
import { escapeLike, highlightFromMarks, highlightMatched, highlightTypos, highlightWords, markedWords, readSearchQuery, typoWord, type SearchQuery } from './searchText.js';
import { topicLink } from './topicLink.js';

const marked = (h: { text: string; ranges: Array<[number, number]> }) => h.ranges.map(([s, e]) => h.text.slice(s, e));

describe('readSearchQuery', () => {
  it('trims, reads numbers and amounts, drops the @ of a username', () => {
    const read = readSearchQuery('  @Petr_Iv  ');
    expect(read).toMatchObject({ ok: true, query: { text: '@Petr_Iv', lower: 'petr_iv', contains: '%petr\\_iv%', digits: null, amount: null } });
    expect(readSearchQuery('7707083893')).toMatchObject({ ok: true, query: { digits: '7707083893', amount: '7707083893' } });
    expect(readSearchQuery('150 000,50')).toMatchObject({ ok: true, query: { digits: null, amount: '150000.5' } });
    expect(readSearchQuery('2026-000123')).toMatchObject({ ok: true, query: { digits: null, amount: null } });
  });

  it('refuses too short, too long and control characters with a reason', () => {
    expect(readSearchQuery(' а ')).toEqual({ ok: false, error: 'Введите хотя бы 2 символа' });
    expect(readSearchQuery('я'.repeat(101))).toMatchObject({ ok: false, error: expect.stringMatching(/100/) });
    expect(readSearchQuery('ab\u0001')).toMatchObject({ ok: false });
  });

  it('escapes LIKE wildcards', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
    expect(readSearchQuery('%%')).toMatchObject({ ok: true, query: { contains: null } });
  });
});

describe('highlights', () => {
  it('reads ts_headline marks as plain text and ranges, merging neighbours', () => {
    const h = highlightFromMarks('отправил \u0002договор\u0003 \u0002поставки\u0003 вчера');
    expect(h.text).toBe('отправил договор поставки вчера');
    expect(marked(h)).toEqual(['договор поставки']);
    expect(markedWords('a \u0002Договор\u0003 и \u0002договор\u0003')).toEqual(['договор']);
  });

  it('marks the matched words in the stored text, cutting a long one around the first match', () => {
    expect(marked(highlightMatched('<b>Договор</b> и договоры', ['договор']))).toEqual(['Договор']);
    const long = `${'слово '.repeat(60)}договор ${'хвост '.repeat(60)}`;
    const h = highlightMatched(long, ['договор'], 80);
    expect(h.text.startsWith('…') && h.text.endsWith('…')).toBe(true);
    expect(h.text.length).toBeLessThanOrEqual(82);
    expect(marked(h)).toEqual(['договор']);
    // A match near the end of a long text stays inside the fragment (the outside check: 15 long words, then the
    // word, came back cut before it with nothing marked).
    for (const words of [10, 15, 40, 320]) {
      for (const tail of ['', ' хвост', ` ${'хвост '.repeat(50)}`]) {
        const near = highlightMatched(`${'длиннослово '.repeat(words)}зетакит${tail}`, ['зетакит']);
        expect(marked(near), `${words} words, tail ${tail.length}`).toEqual(['зетакит']);
        expect(near.text.length).toBeLessThanOrEqual(162);
      }
    }
  });

  it('marks a name typed with a typo, and a part of a number', () => {
    expect(marked({ text: 'Пётр Иванов', ranges: highlightWords('Пётр Иванов', 'иванв') })).toEqual(['Иванов']);
    expect(marked({ text: '2026-000123', ranges: highlightWords('2026-000123', '000123') })).toEqual(['000123']);
    expect(highlightWords('Пётр Иванов', 'Сидоров')).toEqual([]);
  });
});

describe('topicLink', () => {
  it('is t.me/c without -100 in production, the sandbox page in sandbox mode', () => {
    expect(topicLink({ sandbox: false, publicUrl: 'https://x' }, -1001234567890, 77)).toBe('https://t.me/c/1234567890/77');
    expect(topicLink({ sandbox: true, publicUrl: 'http://127.0.0.1:3000' }, -1001234567890, 77)).toBe('http://127.0.0.1:3000/sandbox?chat=-1001234567890&topic=77');
  });
});

describe('the typo search of names', () => {
  const read = (q: string) => (readSearchQuery(q) as { ok: true; query: SearchQuery }).query;

  it('tries one word of five letters or more only', () => {
    expect(typoWord(read('Ивонов'))).toBe('ивонов');
    expect(typoWord(read('Лютек'))).toBe('лютек');
    expect(typoWord(read('Лтик'))).toBeNull();
    expect(typoWord(read('ИП Ивонов'))).toBeNull();
    expect(typoWord(read('12345'))).toBeNull();
  });

  it('marks the words one letter away (two for long words), nothing else', () => {
    expect(highlightTypos('ИП Иванов Сергей', 'ивонов')).toEqual([[3, 9]]);
    expect(highlightTypos('ООО «Лютик»', 'лютек')).toEqual([[5, 10]]);
    expect(highlightTypos('Guangzhou Lighting', 'guanzhoou')).toEqual([[0, 9]]);
    expect(highlightTypos('Петров Иван', 'ивонов')).toEqual([]);
  });
});
