/**
 * Issue 15, items 1–4: what real Telegram does to the outbox — two
 * instances, a managers' group the bot cannot post into, a retry path with
 * no delay, calls applied but answered late. Each test drives the bot
 * through the emulator as people would and checks what they would see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from 'grammy';
import { eq, sql } from 'drizzle-orm';
import { clients, dialogTopics, dialogs, telegramOutbox } from '../../src/db/schema.js';
import { TelegramOutbox } from '../../src/jobs/telegramOutbox.js';
import { REPEAT_MARK } from '../../src/jobs/outboxFailures.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient } from '../helpers/app.js';
import { BOT_TOKEN, startTelegramWorld, topicClientName, visible, type TelegramWorld } from '../helpers/telegram.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function dialogOf(t: TelegramWorld, telegramUserId: number) {
  const [row] = await t.hotline
    .database()
    .db.select({ dialog: dialogs })
    .from(dialogs)
    .innerJoin(clients, eq(clients.id, dialogs.clientId))
    .where(eq(clients.telegramUserId, telegramUserId));
  return row?.dialog;
}

/** The client's topics in the group (deleted ones too), by name. */
async function topicsOf(t: TelegramWorld, name: string) {
  const chat = await t.control.transcript(t.group);
  return chat.topics.filter((topic) => topicClientName(topic.name).startsWith(name));
}

async function textsIn(t: TelegramWorld, threadId: number): Promise<string[]> {
  const transcript = await t.control.transcript(t.group, { thread_id: threadId });
  return visible(transcript)
    .filter((m) => m.from?.is_bot)
    .map((m) => m.text ?? m.caption ?? '');
}

describe('two instances on one database (15.1)', () => {
  let t: TelegramWorld;
  let second: TelegramOutbox;
  beforeAll(async () => {
    t = await startTelegramWorld({ start: { outbox: { callTimeoutMs: 3000 } } });
    // A second instance's outbox: the same table, its own process state.
    second = new TelegramOutbox(t.hotline.context(), new Api(BOT_TOKEN, { apiRoot: t.emulator.apiRoot }), { limits: false, callTimeoutMs: 3000 });
    second.start();
  });
  afterAll(async () => {
    await second?.stop();
    await t?.stop();
  });

  it('Роман\'s topic is deleted mid-dialog: both instances write into ONE new topic, and an answer there reaches him', async () => {
    const roman = await t.newClient('Роман');
    for (let i = 1; i <= 6; i++) {
      await t.control.sendMessage({ from: roman.id, text: `до ${i}` });
      await t.waitForTopic(roman, { textIncludes: `до ${i}` });
    }
    const first = (await dialogOf(t, roman.id))!.topicId!;
    await t.control.deleteTopic({ from: t.manager.id, chat_id: t.group, message_thread_id: first });

    const after = Array.from({ length: 8 }, (_, i) => `после ${i + 1}`);
    for (const text of after) {
      await t.control.sendMessage({ from: roman.id, text });
      await sleep(150);
    }
    await expect.poll(async () => {
      const topic = (await dialogOf(t, roman.id))!.topicId;
      if (topic === null || topic === first) return [];
      return (await textsIn(t, topic)).filter((x) => x.startsWith('после'));
    }, { timeout: 30_000 }).toEqual(after);

    // One new topic, not one per instance; nothing went anywhere else.
    const live = (await topicsOf(t, 'Роман')).filter((topic) => !topic.deleted);
    expect(live).toHaveLength(1);
    const current = (await dialogOf(t, roman.id))!.topicId!;
    expect(live[0]!.message_thread_id).toBe(current);

    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: current, text: 'Ответ Роману' });
    await t.control.waitFor({ chat_id: roman.id, text_includes: 'Ответ Роману' });
  });

  it('an answer in a topic the dialog has moved away from still reaches the client (the dialog\'s topic history)', async () => {
    const client = await t.newClient('Вера');
    await t.control.sendMessage({ from: client.id, text: 'здравствуйте' });
    const topic = await t.waitForTopic(client, { textIncludes: 'здравствуйте' });
    // Another instance moved the dialog to a new topic while this one was still shown to managers.
    const db = t.hotline.database().db;
    const dialog = (await dialogOf(t, client.id))!;
    const moved = await t.control.createTopic({ from: t.manager.id, chat_id: t.group, name: 'Вера (новая)' });
    await db.update(dialogs).set({ topicId: moved.message_thread_id }).where(eq(dialogs.id, dialog.id));
    await db.insert(dialogTopics).values({ managersChatId: t.group, topicId: moved.message_thread_id, dialogId: dialog.id });

    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Ответ из старой темы' });
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Ответ из старой темы' });
  });
});

describe('the managers\' group refuses the bot (15.2)', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    t = await startTelegramWorld({ start: { outbox: { callTimeoutMs: 3000 } } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the bot is kicked: a new client\'s message waits (nothing failed), people are told, and it arrives in order once the bot is back', async () => {
    const known = await t.newClient('Олег');
    await t.control.sendMessage({ from: known.id, text: 'первое' });
    const topic = await t.waitForTopic(known, { textIncludes: 'первое' });

    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'kicked' });
    const newcomer = await t.newClient('Алиса');
    await t.control.sendMessage({ from: newcomer.id, text: 'Хочу оплатить инвойс, срочно' });
    for (const text of ['второе', 'третье', 'четвёртое']) await t.control.sendMessage({ from: known.id, text });
    // She gets the greeting: her private chat works.
    await t.control.waitFor({ chat_id: newcomer.id, text_includes: 'Здравствуйте' });

    const db = t.hotline.database().db;
    await expect.poll(async () => (await t.hotline.database().pool.query('SELECT pause_reason FROM managers_chats WHERE chat_id = $1 AND paused_at IS NOT NULL', [t.group])).rows[0]?.pause_reason, { timeout: 15_000 }).toBeTruthy();
    // The gauge is the process's view, refreshed from the database as the outbox runs (the pause may have come from my_chat_member).
    await expect.poll(async () => (await fetch(`${t.hotline.url}/metrics`)).text(), { timeout: 15_000 }).toMatch(/^hotline_managers_chats_paused 1$/m);
    // /readyz still says ready (the app takes traffic) and names the paused group.
    const readyz = (await (await fetch(`${t.hotline.url}/readyz`)).json()) as { status: string; paused_managers_groups?: Array<{ chat_id: number; waiting: number }> };
    expect(readyz.status).toBe('ready');
    expect(readyz.paused_managers_groups?.map((g) => g.chat_id)).toEqual([t.group]);
    expect(readyz.paused_managers_groups![0]!.waiting).toBeGreaterThan(0);
    // The admin page's banner reads the same: the group, since when, why, how many wait.
    const admin = new ApiClient(t.hotline.url);
    expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
    const health = await admin.get('/api/admin/telegram-health');
    expect(health.status).toBe(200);
    expect(health.body.pausedGroups).toEqual([expect.objectContaining({ chatId: t.group, reason: expect.stringMatching(/kicked|removed/) })]);
    expect(health.body.pausedGroups[0].waiting).toBeGreaterThan(0);
    // Her message and Олег's wait; none is marked failed.
    const failed = await db.select().from(telegramOutbox).where(eq(telegramOutbox.state, 'failed'));
    expect(failed).toEqual([]);

    // The bot is made an administrator again: my_chat_member resumes the group.
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'administrator' });
    const hers = await t.waitForTopic(newcomer, { textIncludes: 'Хочу оплатить инвойс, срочно', timeoutMs: 30_000 });
    expect(visible(hers).filter((m) => m.text === 'Хочу оплатить инвойс, срочно')).toHaveLength(1);
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'четвёртое', timeout_ms: 30_000 });
    const texts = await textsIn(t, topic.threadId);
    const order = ['первое', 'второе', 'третье', 'четвёртое'].map((x) => texts.indexOf(x));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    await expect.poll(async () => (await fetch(`${t.hotline.url}/metrics`)).text(), { timeout: 10_000 }).toMatch(/^hotline_managers_chats_paused 0$/m);
  }, 90_000);

  it('a manager answers while the bot is out: that cannot reach the client, and once the bot is back managers are told so in the group', async () => {
    const client = await t.newClient('Пётр');
    await t.control.sendMessage({ from: client.id, text: 'Где мой счёт?' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Где мой счёт?' });

    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'kicked' });
    // Bot API: a bot receives updates only from chats it is a member of — this answer never reaches Hotline.
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Счёт выставлен' });
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'administrator' });

    const notice = await t.control.waitFor({ chat_id: t.group, text_includes: 'до клиентов не дошли', timeout_ms: 30_000 });
    const shown = visible(notice).filter((m) => m.from?.is_bot && (m.text ?? '').includes('до клиентов не дошли'));
    expect(shown).toHaveLength(1);
    expect(shown[0]!.text).toMatch(/с \d\d:\d\d:\d\d UTC до \d\d:\d\d:\d\d UTC/);
    // In the group's General topic, not in a client's topic.
    expect(shown[0]!.message_thread_id).toBeUndefined();
    const privateChat = await t.control.transcript(client.id);
    expect(privateChat.messages.map((m) => m.text)).not.toContain('Счёт выставлен');
  }, 90_000);
});

describe('a retry path with no delay (15.3)', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    t = await startTelegramWorld({ start: { outbox: { callTimeoutMs: 3000 } } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('a closed topic the bot did not create and may not reopen: the calls during 30 s of that fault stay few, and the message arrives once it is reopened', async () => {
    const client = await t.newClient('Зоя');
    await t.control.sendMessage({ from: client.id, text: 'начало' });
    await t.waitForTopic(client, { textIncludes: 'начало' });
    // The dialog now lives in a topic a manager created (an adopted topic; the bot's own would be reopenable by it).
    const db = t.hotline.database().db;
    const dialog = (await dialogOf(t, client.id))!;
    const adopted = await t.control.createTopic({ from: t.manager.id, chat_id: t.group, name: 'Зоя (вручную)' });
    await db.update(dialogs).set({ topicId: adopted.message_thread_id }).where(eq(dialogs.id, dialog.id));
    await t.control.closeTopic({ from: t.manager.id, chat_id: t.group, message_thread_id: adopted.message_thread_id });
    // The bot stays an admin but loses "manage topics".
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'administrator', rights: { can_manage_chat: true, can_delete_messages: true, can_pin_messages: true } });

    await t.control.resetStats();
    await t.control.sendMessage({ from: client.id, text: 'в закрытую тему' });
    await sleep(30_000);
    const calls = (await t.control.stats()).calls;
    const made = (calls.copyMessage ?? 0) + (calls.reopenForumTopic ?? 0) + (calls.sendMessage ?? 0);
    // One backoff policy: 0.5, 1, 2, 4, 8, 16 s… — about 7 tries of 2 calls in 30 s (the old path made thousands).
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThanOrEqual(30);
    // The tries were counted (the queue's head: the reopen, then the copy behind it).
    const [row] = await db
      .select()
      .from(telegramOutbox)
      .where(sql`${telegramOutbox.queue} = ${`dialog:${dialog.id}`} AND ${telegramOutbox.state} = 'pending'`)
      .orderBy(sql`${telegramOutbox.attempts} desc`);
    expect(row?.attempts).toBeGreaterThan(1);

    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'administrator' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: adopted.message_thread_id, text_includes: 'в закрытую тему', timeout_ms: 45_000 });
  }, 120_000);
});

describe('calls applied but answered late (15.4)', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    t = await startTelegramWorld({ start: { outbox: { callTimeoutMs: 2000 } } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('createForumTopic answered after the outbox gave up: one topic (adopted), no empty ones, the message in it once', async () => {
    await t.control.setFaults({ late_rate: 1, late_ms: 5000, methods: ['createForumTopic'] });
    const client = await t.newClient('Поздний');
    await t.control.sendMessage({ from: client.id, text: 'первое сообщение' });
    const topic = await t.waitForTopic(client, { textIncludes: 'первое сообщение', timeoutMs: 40_000 });
    await sleep(6000);
    await t.control.clearFaults();
    const topics = (await topicsOf(t, 'Поздний')).filter((x) => !x.deleted);
    expect(topics).toHaveLength(1);
    expect(visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).filter((m) => m.text === 'первое сообщение')).toHaveLength(1);
  }, 60_000);

  it('copyMessage answered after the outbox gave up: shown once, plus at most one repeat, and that repeat is marked', async () => {
    const client = await t.newClient('Дубль');
    await t.control.sendMessage({ from: client.id, text: 'раз' });
    const topic = await t.waitForTopic(client, { textIncludes: 'раз' });
    await t.control.setFaults({ late_rate: 1, late_ms: 4000, methods: ['copyMessage'] });
    await t.control.sendMessage({ from: client.id, text: 'платёжка отправлена' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: REPEAT_MARK, timeout_ms: 30_000 });
    await sleep(3000);
    await t.control.clearFaults();
    const texts = await textsIn(t, topic.threadId);
    expect(texts.filter((x) => x === 'платёжка отправлена')).toHaveLength(1);
    expect(texts.filter((x) => x === `${REPEAT_MARK}\nплатёжка отправлена`)).toHaveLength(1);
  }, 60_000);
});
