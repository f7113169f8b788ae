import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/sandbox/errors.js';
import { parseHtml } from '../../src/sandbox/html.js';
import { formatText } from '../../src/sandbox/text.js';

const parseError = (input: string): string => {
  try {
    parseHtml(input);
  } catch (error) {
    if (error instanceof ApiError) return error.description;
    throw error;
  }
  throw new Error(`"${input}" parsed`);
};

describe('HTML parse mode', () => {
  it('turns tags into entities with UTF-16 offsets', () => {
    expect(parseHtml('<b>Курс</b> 💵 <i>12.25</i>')).toEqual({
      text: 'Курс 💵 12.25',
      entities: [
        { type: 'bold', offset: 0, length: 4 },
        { type: 'italic', offset: 8, length: 5 },
      ],
    });
  });

  it('knows every tag Telegram knows', () => {
    const { text, entities } = parseHtml(
      '<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del><tg-spoiler>h</tg-spoiler>' +
        '<span class="tg-spoiler">i</span><a href="https://x.org">j</a><code>k</code><pre>l</pre><blockquote>m</blockquote>' +
        '<blockquote expandable>n</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
    );
    expect(text).toBe('abcdefghijklmn👍');
    expect(entities.map((e) => e.type)).toEqual([
      'bold', 'italic', 'underline', 'underline', 'strikethrough', 'strikethrough', 'strikethrough', 'spoiler', 'spoiler',
      'text_link', 'code', 'pre', 'blockquote', 'expandable_blockquote', 'custom_emoji',
    ]);
    // TDLib's check_link ends a path-less URL with '/'.
    expect(entities[9]).toMatchObject({ url: 'https://x.org/' });
  });

  it('nests, decodes entities, and reads a pre block language', () => {
    expect(parseHtml('<b>a <i>b</i></b> &lt;&amp;&gt;&quot; &#128512; &copy;')).toEqual({
      text: 'a b <&>" 😀 &copy;',
      entities: [
        { type: 'bold', offset: 0, length: 3 },
        { type: 'italic', offset: 2, length: 1 },
      ],
    });
    expect(parseHtml('<pre><code class="language-ts">let x</code></pre>').entities).toEqual([{ type: 'pre', offset: 0, length: 5, language: 'ts' }]);
    expect(parseHtml('<pre><code>let x</code></pre>').entities).toEqual([{ type: 'pre', offset: 0, length: 5 }]);
  });

  it('refuses what Telegram refuses, with its wording', () => {
    expect(parseError('<b>x')).toBe('Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"');
    expect(parseError('x</b>')).toBe("Bad Request: can't parse entities: Unexpected end tag at byte offset 1");
    expect(parseError('<b><i>x</b></i>')).toBe('Bad Request: can\'t parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"');
    expect(parseError('ж <div>x</div>')).toBe('Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 3');
    expect(parseError('<span>x</span>')).toMatch(/must have class "tg-spoiler"/);
    expect(parseError('<b x')).toBe("Bad Request: can't parse entities: Unclosed start tag at byte offset 0");
  });
});

describe('message text', () => {
  it('detects commands, mentions, hashtags, links and e-mails like Telegram', () => {
    const { entities } = formatText({ text: '/rate@hotline_bot 12.25 @maria #urgent https://x.org/a. a@b.ru' }, 'text');
    expect(entities?.map((e) => e.type)).toEqual(['bot_command', 'mention', 'hashtag', 'url', 'email']);
    expect(entities?.[3]).toMatchObject({ offset: 39, length: 15 });
  });

  it('does not detect inside code', () => {
    const { entities } = formatText({ text: '<code>/new</code>', parseMode: 'HTML' }, 'text');
    expect(entities).toEqual([{ type: 'code', offset: 0, length: 4 }]);
  });
});
