/**
 * `login_url` buttons in the emulator, as Telegram handles them: the bot
 * sends one, the user presses it, and the site opens with the user's login
 * data signed by the bot's token — which the platform's check
 * (core/telegramLogin.ts, Telegram's "Checking authorization") accepts.
 */
import { createHash, createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyTelegramLogin } from '../../src/core/telegramLogin.js';
import { startSandbox, TOKEN, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(() => sandbox.close());

describe('login_url buttons', () => {
  it("pressing one gives the URL with the presser's login data, signed as Telegram's rule says", async () => {
    const { control, bot } = sandbox;
    const manager = await control.createUser({ first_name: 'Мария', last_name: 'Менеджер', username: 'maria' });
    const colleague = await control.createUser({ first_name: 'Пётр' });
    const group = await control.createGroup({ title: 'Менеджеры', member_ids: [manager.id, colleague.id], bot_ids: [sandbox.botId], is_forum: true });
    const sent = await bot.api.sendMessage(group.id, 'Создать заявку', {
      reply_markup: { inline_keyboard: [[{ text: 'Открыть', login_url: { url: 'https://platform.example/new?dialog=5&sig=abc' } }]] },
    });
    const transcript = await control.transcript(group.id);
    expect(transcript.messages.at(-1)!.buttons).toEqual([[{ text: 'Открыть', login_url: 'https://platform.example/new?dialog=5&sig=abc' }]]);

    const { url } = await control.openLoginUrl({ from: manager.id, chat_id: group.id, message_id: sent.message_id });
    const opened = new URL(url);
    expect(opened.origin + opened.pathname).toBe('https://platform.example/new');
    const query = Object.fromEntries(opened.searchParams);
    expect(query).toMatchObject({ dialog: '5', sig: 'abc', id: String(manager.id), first_name: 'Мария', last_name: 'Менеджер', username: 'maria' });
    // Telegram's rule, computed here by hand: sorted key=value lines of the login fields, HMAC-SHA256 keyed by SHA256(token).
    const fields = ['auth_date', 'first_name', 'id', 'last_name', 'username'].map((key) => `${key}=${query[key]}`).join('\n');
    const expected = createHmac('sha256', createHash('sha256').update(TOKEN).digest()).update(fields).digest('hex');
    expect(query.hash).toBe(expected);
    const login = Object.fromEntries(['id', 'first_name', 'last_name', 'username', 'auth_date', 'hash'].map((key) => [key, query[key]!]));
    expect(verifyTelegramLogin(login, TOKEN, { maxAgeSeconds: 60 })).toMatchObject({ ok: true, user: { id: manager.id } });
    expect(verifyTelegramLogin(login, '7000000002:AnotherBotToken', { maxAgeSeconds: 60 })).toEqual({ ok: false, reason: 'bad_hash' });

    // Each presser gets their own identity; a user without a last name or username sends none.
    const byColleague = Object.fromEntries(new URL((await control.openLoginUrl({ from: colleague.id, chat_id: group.id, message_id: sent.message_id })).url).searchParams);
    expect(byColleague.id).toBe(String(colleague.id));
    expect(byColleague).not.toHaveProperty('last_name');
    expect(byColleague).not.toHaveProperty('username');
  });

  it('a malformed login_url is refused by sendMessage; a message without one cannot be pressed as one', async () => {
    const { control, bot } = sandbox;
    const manager = await control.createUser({ first_name: 'Мария' });
    const group = await control.createGroup({ title: 'Менеджеры', member_ids: [manager.id], bot_ids: [sandbox.botId], is_forum: true });
    await expect(
      bot.api.sendMessage(group.id, 'x', { reply_markup: { inline_keyboard: [[{ text: 'a', login_url: { url: 'not a url' } }]] } }),
    ).rejects.toMatchObject({ description: 'Bad Request: BUTTON_URL_INVALID' });
    await expect(
      bot.api.sendMessage(group.id, 'x', { reply_markup: { inline_keyboard: [[{ text: 'a', login_url: { url: 'ftp://platform.example/' } }]] } }),
    ).rejects.toMatchObject({ description: 'Bad Request: BUTTON_URL_INVALID' });
    const plain = await bot.api.sendMessage(group.id, 'x', { reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'a' }]] } });
    await expect(control.openLoginUrl({ from: manager.id, chat_id: group.id, message_id: plain.message_id })).rejects.toMatchObject({ status: 400 });
  });
});
