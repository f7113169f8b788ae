import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, truncate } from './html.js';

describe('escapeHtml: a client named «<b>Иван</b> & Co» stays text', () => {
  it.each([
    ['<b>Иван</b> & Co', '&lt;b&gt;Иван&lt;/b&gt; &amp; Co'],
    [`"quoted" 'single'`, '&quot;quoted&quot; &#39;single&#39;'],
    ['&amp;', '&amp;amp;'],
    ['обычный текст 😀', 'обычный текст 😀'],
    ['', ''],
  ])('%j → %j', (input, expected) => expect(escapeHtml(input)).toBe(expected));

  it('leaves no markup characters and decodes back to the original', () => {
    const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) }), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
        expect(decode(escaped)).toBe(text);
      }),
    );
  });
});

describe('truncate', () => {
  it.each([
    ['короткий', 20, 'короткий'],
    ['abcdef', 6, 'abcdef'],
    ['abcdef', 4, 'abc…'],
    ['ab😀cd', 4, 'ab…'], // the emoji would be split at 3: dropped whole
    ['ab😀cd', 5, 'ab😀…'],
    ['abcdef', 1, '…'],
    ['abcdef', 0, ''],
    ['abcdef', Number.NaN, ''],
    ['ab👩‍👩‍👧cd', 8, 'ab…'], // a ZWJ sequence (8 units) is kept or dropped whole
    ['ab👩‍👩‍👧cd', 11, 'ab👩‍👩‍👧…'],
    ['ab🇷🇺cd', 5, 'ab…'], // a flag (two regional indicators) is not split between them
    ['ab cd', 4, 'ab…'], // no space before «…»
  ])('truncate(%j, %d) = %j', (text, max, expected) => expect(truncate(text, max)).toBe(expected));

  it('takes another ellipsis', () => {
    expect(truncate('abcdef', 5, '...')).toBe('ab...');
    expect(truncate('abcdef', 2, '...')).toBe('ab');
  });

  it('never exceeds max and never leaves half of a surrogate pair it did not get', () => {
    const brokenTail = /[\uD800-\uDBFF]$/;
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), fc.integer({ min: 0, max: 60 }), (text, max) => {
        const result = truncate(text, max);
        expect(result.length).toBeLessThanOrEqual(Math.max(max, 0));
        expect(result.replace(/…$/, '')).not.toMatch(brokenTail);
        if (text.length <= max) expect(result).toBe(text);
        else expect(text.startsWith(result.replace(/…$/, ''))).toBe(true);
      }),
    );
  });
});
