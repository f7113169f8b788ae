/**
 * A forum topic's title within Telegram's limit (core/dialogStatus
 * `fitTopicTitle`, `topicTitle`; core/clientCard `topicName`): at most 128
 * UTF-16 code units, the status emoji kept, the name cut between grapheme
 * clusters with «…», and never an empty name.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fitTopicTitle, neutralTopicTitle, STATUS_EMOJI, TOPIC_TITLE_MAX, topicTitle, DIALOG_STATUSES } from './dialogStatus.js';
import { topicName } from './clientCard.js';

const graphemes = (text: string) => Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment);
const client = (firstName: string, lastName: string | null = null, username: string | null = null) => ({ telegramUserId: 4242, firstName, lastName, username });

describe('topicTitle', () => {
  it('the tester’s client (32 + 61 letters, a 29-letter username): 128 UTF-16 units, ending with «…»', () => {
    const title = topicTitle(client('A'.repeat(32), 'B'.repeat(61), 'very_long_username_for_test_1'), 'waiting_us');
    // Before: cut to 128 code points, i.e. 129 UTF-16 units with 🔴 — TOPIC_TITLE_TOO_LONG.
    expect(title.length).toBe(TOPIC_TITLE_MAX);
    expect(title.startsWith('🔴 AAAA')).toBe(true);
    expect(title.endsWith('…')).toBe(true);
  });

  it('a short name is left whole, with no «…»', () => {
    expect(topicTitle(client('Иван', 'Петров', 'ivan'), 'waiting_client')).toBe('🟢 Иван Петров (@ivan)');
  });

  it('exactly at the limit is kept; one unit past it is cut', () => {
    const prefix = `${STATUS_EMOJI.closed} `;
    const fits = 'x'.repeat(TOPIC_TITLE_MAX - prefix.length);
    expect(fitTopicTitle(prefix, fits)).toBe(prefix + fits);
    const cut = fitTopicTitle(prefix, `${fits}y`);
    expect(cut.length).toBe(TOPIC_TITLE_MAX);
    expect(cut).toBe(`${prefix}${'x'.repeat(TOPIC_TITLE_MAX - prefix.length - 1)}…`);
  });

  it('never splits a surrogate pair: an emoji at the cut is dropped whole', () => {
    const prefix = '🔴 ';
    // The cut falls in the middle of the last 😀 (two UTF-16 units).
    const name = `${'x'.repeat(TOPIC_TITLE_MAX - prefix.length - 2)}😀😀`;
    const title = fitTopicTitle(prefix, name);
    expect(title.length).toBeLessThanOrEqual(TOPIC_TITLE_MAX);
    expect(title).toBe(`${prefix}${'x'.repeat(TOPIC_TITLE_MAX - prefix.length - 2)}…`);
    expect(title).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('never splits a ZWJ emoji sequence or a flag at the cut', () => {
    const family = '👩‍👩‍👧‍👦'; // 11 UTF-16 units, one grapheme
    const prefix = '🔴 ';
    for (let pad = 110; pad <= 125; pad++) {
      const title = fitTopicTitle(prefix, `${'x'.repeat(pad)}${family}🇷🇺 tail`);
      expect(title.length).toBeLessThanOrEqual(TOPIC_TITLE_MAX);
      const body = title.slice(prefix.length).replace(/…$/, '');
      // Every grapheme kept is one of the name's, whole.
      for (const g of graphemes(body)) expect(['x', family, '🇷🇺', ' ', 't', 'a', 'i', 'l']).toContain(g);
    }
  });

  it('right-to-left text at the cut: cut between letters, ends with «…», the prefix stays first', () => {
    const title = topicTitle(client('שלום'.repeat(16), 'مرحبا'.repeat(12), 'rtl_user_name_for_test_12345'), 'on_hold');
    expect(title.length).toBeLessThanOrEqual(TOPIC_TITLE_MAX);
    expect(title.startsWith('⏸ שלום')).toBe(true);
    expect(title.endsWith('…')).toBe(true);
    expect(title).not.toMatch(/\s…$/);
  });

  it('keeps every status emoji whole, within the limit, for any name (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }),
        fc.option(fc.string({ unit: 'grapheme', maxLength: 64 })),
        fc.option(fc.stringMatching(/^[a-z0-9_]{4,32}$/)),
        fc.constantFrom(...DIALOG_STATUSES),
        (first, last, username, status) => {
          const title = topicTitle(client(first, last, username), status);
          expect(title.length).toBeLessThanOrEqual(TOPIC_TITLE_MAX);
          expect(title.startsWith(`${STATUS_EMOJI[status]} `)).toBe(true);
          expect(title.trim().length).toBeGreaterThan(2);
              },
      ),
    );
  });

  it('the neutral title takes the client’s id', () => {
    expect(neutralTopicTitle({ telegramUserId: 4242 }, 'waiting_us')).toBe('🔴 Клиент 4242');
  });
});

describe('topicName', () => {
  it('a name that shows nothing (spaces, zero-width, Hangul filler) becomes «Клиент <id>»', () => {
    expect(topicName(client('\u3164'))).toBe('Клиент 4242');
    expect(topicName(client('\u200B\u200D', ' '))).toBe('Клиент 4242');
    expect(topicName(client('\u2800', null, 'someone'))).toBe('Клиент 4242 (@someone)');
    expect(topicTitle(client('   '), 'waiting_us')).toBe('🔴 Клиент 4242');
  });

  it('one line: line breaks and space runs become one space; bidi overrides are dropped', () => {
    expect(topicName(client('Иван\n\nИванович', '  Петров\t'))).toBe('Иван Иванович Петров');
    expect(topicName(client('\u202Eevil\u202C', 'name'))).toBe('evil name');
  });
});
