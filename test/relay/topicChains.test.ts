/**
 * The poller applies a forum's topics side by side (src/telegram/poller.ts
 * `chainsOf`) — but never reorders what a manager typed when one command
 * reaches beyond its topic. Driven through the emulator: Hotline is stopped,
 * the managers type in two topics, and everything reaches Hotline as one
 * getUpdates batch when it is back (an outside review reproduced both faults
 * this way before the fix: /shift off applied before the earlier /shift on,
 * and /assign not knowing a colleague whose /help came first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '@grammyjs/types';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';

let t: TelegramWorld;
let colleague: User;
beforeAll(async () => {
  t = await startTelegramWorld();
  colleague = await t.control.createUser({ first_name: 'Олег', last_name: 'Коллега', username: 'oleg_colleague' });
  await t.control.addMember(t.group, { user_id: colleague.id });
});
afterAll(async () => {
  await t?.stop();
});

/** Two clients' topics, each with the client's first message in it. */
async function twoTopics(a: string, b: string): Promise<[number, number]> {
  const first = await t.newClient(a);
  const second = await t.newClient(b);
  await t.control.sendMessage({ from: first.id, text: 'Добрый день' });
  await t.control.sendMessage({ from: second.id, text: 'Здравствуйте' });
  return [(await t.waitForTopic(first, { textIncludes: 'Добрый день' })).threadId, (await t.waitForTopic(second, { textIncludes: 'Здравствуйте' })).threadId];
}

const say = (from: User, threadId: number, text: string) => t.control.sendMessage({ from: from.id, chat_id: t.group, message_thread_id: threadId, text });

const cardOf = async (threadId: number) => visible(await t.control.transcript(t.group, { thread_id: threadId })).find((m) => m.text?.startsWith('👤 '))?.text ?? '';

describe('commands typed in two topics, applied in one batch', () => {
  it('/shift on in one topic, then /shift off in another: the manager is off shift', async () => {
    const [a, b] = await twoTopics('Смена Первый', 'Смена Второй');
    await t.restart({
      whileDown: async () => {
        await say(t.manager, a, 'Сейчас посмотрю');
        await say(t.manager, a, '/shift on');
        await say(t.manager, b, '/shift off');
      },
    });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'Смена закончена', timeout_ms: 15_000 });
    const { rows } = await t.hotline
      .database()
      .pool.query<{ on_shift_since: Date | null }>('SELECT on_shift_since FROM users WHERE telegram_user_id = $1', [t.manager.id]);
    expect(rows[0]?.on_shift_since).toBeNull();
  });

  it("a colleague's /help in one topic, then /assign @colleague in another: the dialog is handed to the colleague", async () => {
    const [a, b] = await twoTopics('Передача Первый', 'Передача Второй');
    await t.restart({
      whileDown: async () => {
        await say(t.manager, a, 'Секунду');
        await say(colleague, a, '/help');
        await say(t.manager, b, '/assign @oleg_colleague');
      },
    });
    await expect.poll(() => cardOf(b), { timeout: 15_000 }).toContain('Ответственный: Олег');
    const answers = visible(await t.control.transcript(t.group, { thread_id: b })).map((m) => m.text ?? '');
    expect(answers.some((text) => text.includes('Не знаю менеджера'))).toBe(false);
  });

  it('a manager renamed while Hotline was behind: the username typed last is the one /assign finds', async () => {
    const [a, b] = await twoTopics('Имя Первый', 'Имя Второй');
    const renamed = await t.control.createUser({ first_name: 'Вера', username: 'vera_old' });
    await t.control.addMember(t.group, { user_id: renamed.id });
    await say(renamed, a, 'Я здесь');
    await t.control.waitFor({ chat_id: t.group, message_thread_id: a, text_includes: 'Я здесь' });
    await t.restart({
      whileDown: async () => {
        for (let i = 0; i < 8; i++) await say(renamed, a, `Ответ ${i}`);
        await t.control.updateUser(renamed.id, { username: 'vera_x' });
        await say(renamed, a, 'Ещё ответ');
        await t.control.updateUser(renamed.id, { username: 'vera_y' });
        await say(renamed, b, 'И тут отвечу');
      },
    });
    // Every message of the batch applied (stored: the username is written in the same transaction)…
    const stored = async (text: string) => (await t.hotline.database().pool.query('SELECT 1 FROM messages WHERE text = $1', [text])).rowCount;
    await expect.poll(() => stored('Ещё ответ'), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => stored('И тут отвечу'), { timeout: 15_000 }).toBe(1);
    // …and the username stored is the last one she typed under.
    const { rows } = await t.hotline.database().pool.query<{ telegram_username: string }>('SELECT telegram_username FROM users WHERE telegram_user_id = $1', [renamed.id]);
    expect(rows[0]?.telegram_username).toBe('vera_y');
    await say(t.manager, b, '/assign @vera_y');
    await expect.poll(() => cardOf(b), { timeout: 15_000 }).toContain('Ответственный: Вера');
  });
});
