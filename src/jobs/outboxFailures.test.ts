import { describe, expect, it } from 'vitest';
import { botText } from '../commands/botTexts.js';
import { markRepeat, REPEAT_MARK } from './outboxFailures.js';

describe('a repeat is marked in its reader\'s language (issue 17.15)', () => {
  it('managers read the Russian mark; a client\'s chat gets the mark in the client\'s language', () => {
    expect(REPEAT_MARK).toBe(botText('ru', 'repeat-mark'));
    const [call] = markRepeat({ method: 'sendMessage', params: { chat_id: 1, text: 'Hi' } }, undefined, botText('en', 'repeat-mark'));
    expect(call!.params.text).toBe(`${botText('en', 'repeat-mark')}\nHi`);
    expect(String(call!.params.text)).toMatch(/^🔁 Repeat:/);
    const [note] = markRepeat({ method: 'sendSticker', params: { chat_id: 1, sticker: 'x' } }, undefined, botText('en', 'repeat-mark'));
    expect(note!.params.text).toBe(botText('en', 'repeat-mark'));
  });
});
