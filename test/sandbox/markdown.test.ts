/**
 * The MarkdownV2 and Markdown parsers against cases from TDLib's own test
 * suite (tdlib/td test/message_entities.cpp, TEST(MessageEntities,
 * parse_markdown)): same text, entities and error wording.
 */
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../src/sandbox/errors.js';
import { parseMarkdown, parseMarkdownV2 } from '../../src/sandbox/markdown.js';

function errorOf(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    if (error instanceof ApiError) return error.description.replace("Bad Request: can't parse entities: ", '');
    throw error;
  }
  throw new Error('expected a parse error');
}

describe('MarkdownV2 (TDLib parse_markdown_v2)', () => {
  test('every reserved character must be escaped; escaped it is plain text', () => {
    // As in TDLib's test, '>' (a quotation at a line start) is left out here.
    for (const c of ']()#+-=|{}.!') {
      expect(errorOf(() => parseMarkdownV2(c))).toBe(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
      expect(parseMarkdownV2(`\\${c}`)).toEqual({ text: c, entities: [] });
    }
  });

  test("unclosed entities name their type and UTF-8 byte offset, as TDLib's tests expect", () => {
    expect(errorOf(() => parseMarkdownV2('🏟 🏟_abacaba'))).toBe("Can't find end of Italic entity at byte offset 9");
    expect(errorOf(() => parseMarkdownV2('🏟 🏟_abac * asd '))).toBe("Can't find end of Bold entity at byte offset 15");
    expect(errorOf(() => parseMarkdownV2('🏟 🏟`'))).toBe("Can't find end of Code entity at byte offset 9");
    expect(errorOf(() => parseMarkdownV2('🏟 🏟```'))).toBe("Can't find end of Pre entity at byte offset 9");
  });

  test('nests entities, reads links and pre languages, skips empty entities', () => {
    expect(parseMarkdownV2('*bold _italic_*')).toEqual({
      text: 'bold italic',
      entities: [
        { type: 'bold', offset: 0, length: 11 },
        { type: 'italic', offset: 5, length: 6 },
      ],
    });
    expect(parseMarkdownV2('[site](example.com)').entities).toEqual([{ type: 'text_link', offset: 0, length: 4, url: 'http://example.com/' }]);
    expect(parseMarkdownV2('```js\nx\n```').entities).toEqual([{ type: 'pre', offset: 0, length: 2, language: 'js' }]);
    expect(parseMarkdownV2('a**b')).toEqual({ text: 'ab', entities: [] });
    expect(parseMarkdownV2('__u__ ||s||').entities).toEqual([
      { type: 'underline', offset: 0, length: 1 },
      { type: 'spoiler', offset: 2, length: 1 },
    ]);
  });
});

describe('Markdown (TDLib parse_markdown)', () => {
  test('no escaping needed but for _ * ` [; an unclosed entity names its start byte', () => {
    expect(parseMarkdown('1.0 - ok!')).toEqual({ text: '1.0 - ok!', entities: [] });
    expect(parseMarkdown('\\_a')).toEqual({ text: '_a', entities: [] });
    expect(errorOf(() => parseMarkdown('ab *c'))).toBe("Can't find end of the entity starting at byte offset 3");
    expect(parseMarkdown('*b* [t](http://x.org)').entities).toEqual([
      { type: 'bold', offset: 0, length: 1 },
      { type: 'text_link', offset: 2, length: 1, url: 'http://x.org/' },
    ]);
  });
});
