/**
 * Who may act in the managers' group (core/sender.ts): only a person. The
 * stand-ins Telegram writes in `from` for a chat, its own service account and
 * bots are refused, with or without `sender_chat`.
 */
import { describe, expect, it } from 'vitest';
import { CHANNEL_BOT_ID, GROUP_ANONYMOUS_BOT_ID, TELEGRAM_SERVICE_ID, actingPerson, senderKind } from './sender.js';

const person = { id: 42, is_bot: false, first_name: 'Мария' };
const group = { id: -1002000000001 };

describe('senderKind / actingPerson', () => {
  it('a person writing as themselves acts', () => {
    expect(senderKind({ from: person })).toBe('person');
    expect(actingPerson({ from: person })).toBe(person);
  });

  it('an anonymous administrator and a channel are a chat, whatever `from` says', () => {
    expect(senderKind({ from: { id: GROUP_ANONYMOUS_BOT_ID, is_bot: true }, sender_chat: group })).toBe('chat');
    expect(senderKind({ from: { id: CHANNEL_BOT_ID, is_bot: true }, sender_chat: { id: -1001999 } })).toBe('chat');
    // Even a real-looking `from` does not act once the message was sent on behalf of a chat.
    expect(actingPerson({ from: person, sender_chat: group })).toBeUndefined();
  });

  it("Telegram's service account 777000 (is_bot false) never acts, with or without sender_chat; nor does an automatic forward", () => {
    const telegram = { id: TELEGRAM_SERVICE_ID, is_bot: false, first_name: 'Telegram' };
    expect(senderKind({ from: telegram })).toBe('chat');
    expect(actingPerson({ from: telegram })).toBeUndefined();
    expect(actingPerson({ from: telegram, sender_chat: { id: -1001999 } })).toBeUndefined();
    expect(actingPerson({ from: person, is_automatic_forward: true })).toBeUndefined();
  });

  it('a bot, and a message without `from`, are bots', () => {
    expect(senderKind({ from: { id: 7, is_bot: true } })).toBe('bot');
    expect(senderKind({})).toBe('bot');
    expect(actingPerson({ from: { id: 7, is_bot: true } })).toBeUndefined();
  });
});
