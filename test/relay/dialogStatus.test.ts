/**
 * Issue 19.1 through the emulator and the platform's API: each dialog shows
 * its status — 🔴 the client waits for us, 🟢 we wait for the client, ⏸ on
 * hold, ✅ closed — in the topic's title (renamed only once a status held for
 * TOPIC_TITLE_DELAY_SECONDS, so a lively chat is not renamed per message), on
 * the client card and in the dialogs list (sortable by how long the client
 * waits). `/hold`, `/unhold`, `/close` in the topic or on the page; the
 * client writing reopens; auto-close after DIALOG_AUTO_CLOSE_HOURS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '@grammyjs/types';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient } from '../helpers/app.js';
import { AUTO_CLOSE_DIALOGS } from '../../src/jobs/dialogStatus.js';

const topicOf = async (t: TelegramWorld, threadId: number) => (await t.control.transcript(t.group)).topics.find((x) => x.message_thread_id === threadId)!;
const titleOf = async (t: TelegramWorld, threadId: number) => (await topicOf(t, threadId)).name;
const cardOf = async (t: TelegramWorld, threadId: number) => visible(await t.control.transcript(t.group, { thread_id: threadId })).find((m) => m.text?.startsWith('👤 '))?.text ?? '';
/** The topic's renames so far: each is a `forum_topic_edited` service message in it. */
const renamesOf = async (t: TelegramWorld, threadId: number) =>
  (await t.control.transcript(t.group, { thread_id: threadId })).messages.filter((m) => m.service === 'forum_topic_edited').length;

async function dialogWith(t: TelegramWorld, name: string, text: string) {
  const client = await t.newClient(name);
  await t.control.sendMessage({ from: client.id, text });
  const topic = await t.waitForTopic(client, { textIncludes: text });
  const say = (text: string, from: User = t.manager) => t.control.sendMessage({ from: from.id, chat_id: t.group, message_thread_id: topic.threadId, text });
  return { client, topic, say, inTopic: { chat_id: t.group, message_thread_id: topic.threadId } };
}

describe('a dialog’s status at a glance', () => {
  let t: TelegramWorld;
  let admin: ApiClient;
  beforeAll(async () => {
    // Two seconds of settling: long next to a burst of messages, short for a test.
    t = await startTelegramWorld({ env: { TOPIC_TITLE_DELAY_SECONDS: '2' } });
    admin = new ApiClient(t.hotline.url);
    expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the client writes → 🔴 in the title and on the card; a manager answers → 🟢 once it held', async () => {
    const { client, topic, say } = await dialogWith(t, 'Светофор', 'Когда придут деньги?');
    expect(await titleOf(t, topic.threadId)).toBe('🔴 Светофор');
    await expect.poll(() => cardOf(t, topic.threadId), { timeout: 15_000 }).toContain('Статус: 🔴 ждёт нашего ответа');

    await say('Проверяю, минуту');
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Проверяю, минуту' });
    await expect.poll(() => titleOf(t, topic.threadId), { timeout: 15_000 }).toBe('🟢 Светофор');
    await expect.poll(() => cardOf(t, topic.threadId), { timeout: 15_000 }).toContain('Статус: 🟢 ждём ответа клиента');
    expect(await renamesOf(t, topic.threadId)).toBe(1);
    // Client content first: the answer reached the client before the rename; the client never sees a status.
    const clientChat = (await t.control.transcript(client.id)).messages.map((m) => m.text ?? '').join('\n');
    expect(clientChat).not.toMatch(/🔴|🟢|Статус/);
  });

  it('a chat of 10 back-and-forth messages renames the topic at most twice, and ends with the right title', async () => {
    const { client, topic, say } = await dialogWith(t, 'Болтун', 'Вопрос 0');
    expect(await titleOf(t, topic.threadId)).toBe('🔴 Болтун');
    const before = await renamesOf(t, topic.threadId);
    // A real conversation: each side reads the other's message before answering.
    for (let i = 1; i <= 5; i++) {
      await say(`Ответ ${i}`);
      await t.control.waitFor({ chat_id: client.id, text_includes: `Ответ ${i}` });
      await t.control.sendMessage({ from: client.id, text: `Вопрос ${i}` });
      await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: `Вопрос ${i}` });
    }
    await say('Ответ 6');
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Ответ 6' });
    await expect.poll(() => titleOf(t, topic.threadId), { timeout: 15_000 }).toBe('🟢 Болтун');
    // 11 changes of status, one rename once the chat settled (two if the machine paused mid-chat).
    expect((await renamesOf(t, topic.threadId)) - before).toBeLessThanOrEqual(2);
  });

  it('/hold parks the dialog until the client writes; /unhold; the answers when nothing changes', async () => {
    const { client, topic, say, inTopic } = await dialogWith(t, 'Ожидающий', 'Пришлю документы завтра');
    await say('/unhold');
    await t.control.waitFor({ ...inTopic, text_includes: 'Диалог и так не отложен.' });
    await say('/hold');
    await t.control.waitFor({ ...inTopic, text_includes: '⏸ Диалог отложен (отложил(а) Мария Менеджер) до нового сообщения клиента. Вернуть: /unhold' });
    await expect.poll(() => titleOf(t, topic.threadId), { timeout: 15_000 }).toBe('⏸ Ожидающий');
    await expect.poll(() => cardOf(t, topic.threadId), { timeout: 15_000 }).toContain('Статус: ⏸ отложен');
    await say('/hold');
    await t.control.waitFor({ ...inTopic, text_includes: 'Диалог уже отложен.' });

    await t.control.sendMessage({ from: client.id, text: 'Вот документы' });
    await expect.poll(() => titleOf(t, topic.threadId), { timeout: 15_000 }).toBe('🔴 Ожидающий');

    await say('/hold');
    await expect.poll(() => titleOf(t, topic.threadId), { timeout: 15_000 }).toBe('⏸ Ожидающий');
    await say('/unhold');
    await t.control.waitFor({ ...inTopic, text_includes: '▶️ Диалог снова в работе (вернул(а) Мария Менеджер).' });
    // Still unanswered: the client waits for us again.
    await expect.poll(() => titleOf(t, topic.threadId), { timeout: 15_000 }).toBe('🔴 Ожидающий');
  });

  it('/close closes the topic; the client writing reopens it, waiting for us', async () => {
    const { client, topic, say, inTopic } = await dialogWith(t, 'Закрываемый', 'Спасибо, всё получил');
    await say('Рады помочь!');
    await say('/close');
    await t.control.waitFor({ ...inTopic, text_includes: '✅ Диалог закрыт (закрыл(а) Мария Менеджер). Когда клиент напишет, тема откроется снова.' });
    await expect.poll(async () => (await topicOf(t, topic.threadId)).closed, { timeout: 15_000 }).toBe(true);
    await expect.poll(() => titleOf(t, topic.threadId), { timeout: 15_000 }).toBe('✅ Закрываемый');
    await say('/close');
    await t.control.waitFor({ ...inTopic, text_includes: 'Диалог уже закрыт.' });

    await t.control.sendMessage({ from: client.id, text: 'Ещё один вопрос' });
    await t.control.waitFor({ ...inTopic, text_includes: 'Ещё один вопрос' });
    expect((await topicOf(t, topic.threadId)).closed).toBe(false);
    await expect.poll(() => titleOf(t, topic.threadId), { timeout: 15_000 }).toBe('🔴 Закрываемый');
  });

  it('the dialogs list: the status of each, the longest-waiting first; hold and close from the page', async () => {
    const first = await dialogWith(t, 'Ждёт дольше', 'Первый вопрос');
    const second = await dialogWith(t, 'Ждёт меньше', 'Второй вопрос');
    const answered = await dialogWith(t, 'Отвеченный', 'Третий вопрос');
    await answered.say('Готово');
    await t.control.waitFor({ chat_id: answered.client.id, text_includes: 'Готово' });

    type Item = { id: number; clientName: string; dialogStatus: string; waitingSince: string | null };
    const items = async (query = '') => (await admin.get(`/api/dialogs${query}`)).body.items as Item[];
    const byWaiting = await items('?sort=waiting&limit=200');
    const names = byWaiting.map((d) => d.clientName);
    expect(names.indexOf('Ждёт дольше')).toBeLessThan(names.indexOf('Ждёт меньше'));
    expect(names.indexOf('Ждёт меньше')).toBeLessThan(names.indexOf('Отвеченный'));
    const row = (name: string) => byWaiting.find((d) => d.clientName === name)!;
    expect(row('Ждёт дольше')).toMatchObject({ dialogStatus: 'waiting_us', waitingSince: expect.any(String) });
    expect(row('Отвеченный')).toMatchObject({ dialogStatus: 'waiting_client', waitingSince: null });
    expect((await admin.get('/api/dialogs?sort=waiting&before=2026-01-01T00:00:00Z')).status).toBe(400);

    // The page's buttons: the same command, the topic hears it.
    const id = row('Ждёт дольше').id;
    expect((await admin.request('POST', `/api/dialogs/${id}/status`, { change: 'hold' })).body).toEqual({ dialogStatus: 'on_hold', changed: true });
    await t.control.waitFor({ ...first.inTopic, text_includes: '⏸ Диалог отложен (отложил(а) Администратор)' });
    expect((await items('?sort=waiting&limit=200')).find((d) => d.id === id)).toMatchObject({ dialogStatus: 'on_hold', waitingSince: null });
    expect((await admin.request('POST', `/api/dialogs/${id}/status`, { change: 'close' })).body).toEqual({ dialogStatus: 'closed', changed: true });
    await expect.poll(async () => (await topicOf(t, first.topic.threadId)).closed, { timeout: 15_000 }).toBe(true);
    expect((await admin.request('POST', `/api/dialogs/${id}/status`, { change: 'sleep' })).status).toBe(400);
    expect((await admin.request('POST', '/api/dialogs/999999/status', { change: 'hold' })).status).toBe(404);
    expect(second.topic.threadId).toBeGreaterThan(0);
  });
});

describe('auto-close after inactivity', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    // 0.001 h = 3.6 s without messages.
    t = await startTelegramWorld({ env: { DIALOG_AUTO_CLOSE_HOURS: '0.001' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('a dialog nobody wrote in for DIALOG_AUTO_CLOSE_HOURS is closed by the scheduled job; the client writing reopens it', async () => {
    const { client, topic } = await dialogWith(t, 'Молчун', 'Подумаю и вернусь');
    // The job runs once a minute; a run is asked for here rather than waited for.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await t.hotline.jobs().boss.send(AUTO_CLOSE_DIALOGS, {});
    await expect.poll(async () => (await topicOf(t, topic.threadId)).closed, { timeout: 20_000 }).toBe(true);
    await expect.poll(() => titleOf(t, topic.threadId), { timeout: 15_000 }).toBe('✅ Молчун');

    await t.control.sendMessage({ from: client.id, text: 'Я вернулся' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'Я вернулся' });
    expect((await topicOf(t, topic.threadId)).closed).toBe(false);
    await expect.poll(() => titleOf(t, topic.threadId), { timeout: 15_000 }).toBe('🔴 Молчун');
  });
});
