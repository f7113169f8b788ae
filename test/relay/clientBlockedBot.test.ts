/**
 * Issue 19.1 with issue 19's tester, through the emulator: a client who
 * blocked the bot. Managers see it where they look — the topic's note, the
 * client card (with since when), the dialogs list beside the status and the
 * client's page — and a manager's message to that client, which Telegram
 * refuses, is marked undelivered and does not turn the dialog into «waiting
 * for the client» nor makes its author the dialog's owner: the client has no
 * answer. Unblocking undoes all of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCKED_NOTICE, UNBLOCKED_NOTICE } from '../../src/commands/setClientBlocked.js';
import { UNDELIVERED_NOTICE } from '../../src/jobs/telegramOutbox.js';
import { renderClientCard } from '../../src/core/clientCard.js';
import { textsFor } from '../../src/commands/botTexts.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient } from '../helpers/app.js';

let t: TelegramWorld;
let admin: ApiClient;
beforeAll(async () => {
  t = await startTelegramWorld();
  admin = new ApiClient(t.hotline.url);
  expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
});
afterAll(async () => {
  await t?.stop();
});

/** The client card of a topic (its first message, «👤 …»), as managers read it now. */
const cardOf = async (threadId: number) => visible(await t.control.transcript(t.group, { thread_id: threadId })).find((m) => m.text?.startsWith('👤 '))?.text ?? '';
/** The client's row of the platform's dialogs list. */
const dialogRow = async (name: string) => (await admin.get('/api/dialogs?limit=200')).body.items.find((d: { clientName: string }) => d.clientName === name);
/** Undelivered notes in the topic so far. */
const undelivered = async (threadId: number) => visible(await t.control.transcript(t.group, { thread_id: threadId })).filter((m) => m.text === UNDELIVERED_NOTICE).length;

describe('the client blocked the bot', () => {
  it('the card, the dialogs list and the client page say so with since when; a manager’s message is undelivered and leaves the client waiting for us', async () => {
    const client = await t.newClient('Заблокировавший');
    await t.control.sendMessage({ from: client.id, text: 'Нужен платёж в юанях' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Нужен платёж в юанях' });
    expect(await dialogRow('Заблокировавший')).toMatchObject({ dialogStatus: 'waiting_us', clientBlockedAt: null });

    await t.control.setBlocked({ user_id: client.id, blocked: true });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: BLOCKED_NOTICE });
    await expect.poll(() => cardOf(topic.threadId), { timeout: 15_000 }).toMatch(/📵 Клиент заблокировал бота \(с \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} [^)]+\): сообщения ему не доставляются/);
    const row = await dialogRow('Заблокировавший');
    expect(row.clientBlockedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(row.dialogStatus).toBe('waiting_us');
    const page = await admin.get(`/api/clients/${row.clientId}/history`);
    expect(page.body.client.blockedAt).toBe(row.clientBlockedAt);

    // The manager writes anyway: Telegram refuses, the topic is told under the message, and nobody claims the client has an answer.
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Вы здесь? Курс сегодня 12,45' });
    await expect.poll(() => undelivered(topic.threadId), { timeout: 15_000 }).toBe(1);
    expect((await t.control.transcript(client.id)).messages.some((m) => m.text?.includes('Курс сегодня'))).toBe(false);
    // Nor is it a first answer (DIALOG_ASSIGNMENT=first_answer by default): the manager does not become the owner.
    expect(await dialogRow('Заблокировавший')).toMatchObject({ dialogStatus: 'waiting_us', waitingSince: expect.any(String), owner: null });

    // Unblocked: the note, the card and the list lose the mark; the next answer reaches the client and counts.
    await t.control.setBlocked({ user_id: client.id, blocked: false });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: UNBLOCKED_NOTICE });
    await expect.poll(() => cardOf(topic.threadId), { timeout: 15_000 }).not.toContain('заблокировал');
    expect((await dialogRow('Заблокировавший')).clientBlockedAt).toBeNull();
    expect((await admin.get(`/api/clients/${row.clientId}/history`)).body.client.blockedAt).toBeNull();
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Курс сегодня 12,45' });
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Курс сегодня 12,45' });
    expect(await dialogRow('Заблокировавший')).toMatchObject({ dialogStatus: 'waiting_client', waitingSince: null, owner: { name: 'Мария Менеджер' } });
  });

  it('a quick reply to a client who blocked the bot leaves the status too', async () => {
    const client = await t.newClient('Ушедший');
    await t.control.sendMessage({ from: client.id, text: 'Сколько стоит перевод?' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Сколько стоит перевод?' });
    await t.control.setBlocked({ user_id: client.id, blocked: true });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: BLOCKED_NOTICE });
    expect((await admin.post('/api/quick-replies', { name: 'тариф', body: 'Комиссия 1%' })).status).toBe(201);
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: '/t тариф' });
    await expect.poll(() => undelivered(topic.threadId), { timeout: 15_000 }).toBe(1);
    expect(await dialogRow('Ушедший')).toMatchObject({ dialogStatus: 'waiting_us', waitingSince: expect.any(String), owner: null });
  });

  it('the card’s line in English managers’ groups (MANAGERS_LOCALE=en)', () => {
    const card = (blockedAt: Date | null) =>
      renderClientCard(
        { telegramUserId: 1, firstName: 'Ann', lastName: null, username: null, language: 'en', firstContactAt: new Date(0), blockedAt, requests: [], publicUrl: 'http://x', timeZone: 'UTC' },
        textsFor('en'),
      );
    expect(card(new Date('2026-12-01T09:30:00Z'))).toContain('📵 The client has blocked the bot (since 01.12.2026, 09:30 UTC): messages do not reach them');
    expect(card(null)).not.toContain('blocked');
    expect(textsFor('en')('undelivered-blocked-notice')).toBe('⚠️ Not delivered to the client: the client has blocked the bot.');
  });
});
