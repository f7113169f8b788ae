import { Bot, GrammyError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
let clientId: number;

beforeEach(async () => {
  sandbox = await startSandbox();
  clientId = (await sandbox.control.createUser({ first_name: 'Ivan' })).id;
  await sandbox.control.sendMessage({ from: clientId, text: '/start' });
});
afterEach(() => sandbox.close());

/** The error grammY throws for a call, as [error_code, description]. */
async function answer(call: Promise<unknown>): Promise<[number, string]> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return [(error as GrammyError).error_code, (error as GrammyError).description];
}

describe('errors answer exactly as Telegram does', () => {
  it('a wrong token is 401 Unauthorized', async () => {
    const stranger = new Bot('123:wrong', { client: { apiRoot: sandbox.apiRoot } });
    expect(await answer(stranger.api.getMe())).toEqual([401, 'Unauthorized']);
  });

  it('a wrong token is 401 before the body is read: a stranger\'s big or broken body is never parsed', async () => {
    const broken = '{"chat_id": 1, "text": "' + 'x'.repeat(2 * 1024 * 1024); // 2 MB, not even JSON
    const response = await fetch(`${sandbox.apiRoot}/bot123:wrong/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: broken });
    expect([response.status, await response.json()]).toEqual([401, { ok: false, error_code: 401, description: 'Unauthorized' }]);
  });

  it('an unknown method is 404 Not Found', async () => {
    const raw = sandbox.bot.api.raw as unknown as Record<string, (payload: object) => Promise<unknown>>;
    expect(await answer(raw.sendTelepathy!({}))).toEqual([404, 'Not Found']);
  });

  it('an unknown path under the root is 404 Not Found too', async () => {
    const response = await fetch(`${sandbox.apiRoot}/nothing/here`);
    expect([response.status, await response.json()]).toEqual([404, { ok: false, error_code: 404, description: 'Not Found' }]);
  });

  it('an unknown chat', async () => {
    expect(await answer(sandbox.bot.api.sendMessage(-1009999999999, 'hi'))).toEqual([400, 'Bad Request: chat not found']);
  });

  it('a user who blocked the bot', async () => {
    await sandbox.control.setBlocked({ user_id: clientId, blocked: true });
    expect(await answer(sandbox.bot.api.sendMessage(clientId, 'hi'))).toEqual([403, 'Forbidden: bot was blocked by the user']);
    const updates = await sandbox.bot.api.getUpdates();
    expect(updates.at(-1)?.my_chat_member).toMatchObject({ old_chat_member: { status: 'member' }, new_chat_member: { status: 'kicked' } });

    await sandbox.control.setBlocked({ user_id: clientId, blocked: false });
    await expect(sandbox.bot.api.sendMessage(clientId, 'welcome back')).resolves.toMatchObject({ text: 'welcome back' });
  });

  it('edits: identical text, unknown message', async () => {
    const sent = await sandbox.bot.api.sendMessage(clientId, 'same');
    expect(await answer(sandbox.bot.api.editMessageText(clientId, sent.message_id, 'same'))).toEqual([
      400,
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    ]);
    expect(await answer(sandbox.bot.api.editMessageText(clientId, 9999, 'x'))).toEqual([400, 'Bad Request: message to edit not found']);
  });

  it('text: empty, too long, broken HTML', async () => {
    const { api } = sandbox.bot;
    expect(await answer(api.sendMessage(clientId, '  '))).toEqual([400, 'Bad Request: message text is empty']);
    expect(await answer(api.sendMessage(clientId, 'x'.repeat(4097)))).toEqual([400, 'Bad Request: message is too long']);
    expect(await answer(api.sendMessage(clientId, '<b>bold', { parse_mode: 'HTML' }))).toEqual([
      400,
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    ]);
    expect(await answer(api.sendMessage(clientId, 'a <marquee>b</marquee>', { parse_mode: 'HTML' }))).toEqual([
      400,
      'Bad Request: can\'t parse entities: Unsupported start tag "marquee" at byte offset 2',
    ]);
  });

  it('inline keyboards are validated', async () => {
    const { api } = sandbox.bot;
    const tooLong = { inline_keyboard: [[{ text: 'x', callback_data: 'x'.repeat(65) }]] };
    expect(await answer(api.sendMessage(clientId, 'hi', { reply_markup: tooLong }))).toEqual([400, 'Bad Request: BUTTON_DATA_INVALID']);
    const bare = { inline_keyboard: [[{ text: 'x' }]] } as never;
    expect(await answer(api.sendMessage(clientId, 'hi', { reply_markup: bare }))).toEqual([400, 'Bad Request: text buttons are unallowed in the inline keyboard']);
  });

  it('a reply to a message that does not exist', async () => {
    expect(await answer(sandbox.bot.api.sendMessage(clientId, 'hi', { reply_parameters: { message_id: 777 } }))).toEqual([
      400,
      'Bad Request: message to be replied not found',
    ]);
    await expect(sandbox.bot.api.sendMessage(clientId, 'hi', { reply_parameters: { message_id: 777, allow_sending_without_reply: true } })).resolves.toBeDefined();
  });

  it('an answer to an unknown callback query', async () => {
    expect(await answer(sandbox.bot.api.answerCallbackQuery('42'))).toEqual([
      400,
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    ]);
  });
});

describe('request encodings', () => {
  it('accepts GET query strings and urlencoded forms like Telegram', async () => {
    const url = `${sandbox.apiRoot}/bot${sandbox.emulator.bot()!.token}`;
    const viaGet = (await (await fetch(`${url}/sendMessage?chat_id=${clientId}&text=via%20GET`)).json()) as { ok: boolean; result: { text: string } };
    expect(viaGet).toMatchObject({ ok: true, result: { text: 'via GET' } });
    const viaForm = await fetch(`${url}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: String(clientId), text: 'via form', reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] }) }),
    });
    expect(await viaForm.json()).toMatchObject({ ok: true, result: { text: 'via form', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } } });
    const methodCase = (await (await fetch(`${url}/GETME`)).json()) as { result: { is_bot: boolean } };
    expect(methodCase.result.is_bot).toBe(true);
  });
});
