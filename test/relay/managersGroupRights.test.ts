/**
 * Issue 15.2, the two faults the emulator could not produce before: the bot
 * restricted in the managers' group so it may not send, and the managers'
 * basic group upgraded to a forum supergroup (`migrate_to_chat_id`). Each is
 * driven through the emulator as people would cause it, and checked as they
 * would check it: what managers see in the group, what operators see on
 * /readyz, /metrics and the admin page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from 'grammy';
import { eq } from 'drizzle-orm';
import { telegramOutbox } from '../../src/db/schema.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient } from '../helpers/app.js';
import { BOT_TOKEN, startTelegramWorld, topicClientName, visible, type TelegramWorld } from '../helpers/telegram.js';

/** What the bot posted in a topic, oldest first. */
async function textsIn(t: TelegramWorld, chatId: number, threadId: number): Promise<string[]> {
  const transcript = await t.control.transcript(chatId, { thread_id: threadId });
  return visible(transcript)
    .filter((m) => m.from?.is_bot)
    .map((m) => m.text ?? m.caption ?? '');
}

/** True when each of `expected` is in `texts` once, in this order. */
function inOrder(texts: string[], expected: string[]): boolean {
  const at = expected.map((x) => texts.indexOf(x));
  return at.every((i, k) => i >= 0 && texts.lastIndexOf(expected[k]!) === i && (k === 0 || i > at[k - 1]!));
}

describe('the bot may not send in the managers\' group (15.2, restricted)', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    t = await startTelegramWorld({ start: { outbox: { callTimeoutMs: 3000 } } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('a new client\'s message waits (not failed), the pause shows on /readyz, /metrics and the admin page, and all arrives in order once the right is back', async () => {
    const known = await t.newClient('Олег');
    await t.control.sendMessage({ from: known.id, text: 'первое' });
    const topic = await t.waitForTopic(known, { textIncludes: 'первое' });

    // The group's owner demotes the bot and mutes it: it stays in the group but may send nothing.
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'restricted', permissions: {} });
    const newcomer = await t.newClient('Алиса');
    await t.control.sendMessage({ from: newcomer.id, text: 'Хочу оплатить инвойс, срочно' });
    for (const text of ['второе', 'третье']) await t.control.sendMessage({ from: known.id, text });
    // She gets the greeting: her private chat works.
    await t.control.waitFor({ chat_id: newcomer.id, text_includes: 'Здравствуйте' });

    await expect.poll(async () => (await fetch(`${t.hotline.url}/metrics`)).text(), { timeout: 15_000 }).toMatch(/^hotline_managers_chats_paused 1$/m);
    const readyz = (await (await fetch(`${t.hotline.url}/readyz`)).json()) as { status: string; paused_managers_groups?: Array<{ chat_id: number; waiting: number }> };
    expect(readyz.status).toBe('ready');
    expect(readyz.paused_managers_groups?.map((g) => g.chat_id)).toEqual([t.group]);
    const admin = new ApiClient(t.hotline.url);
    expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
    await expect
      .poll(async () => (await admin.get('/api/admin/telegram-health')).body.pausedGroups, { timeout: 15_000 })
      .toEqual([expect.objectContaining({ chatId: t.group, reason: expect.stringMatching(/may not send|rights/), reasonCode: 'muted', waiting: expect.any(Number) })]);
    // Her message and Олег's wait; none is failed, none reached the group.
    expect(await t.hotline.database().db.select().from(telegramOutbox).where(eq(telegramOutbox.state, 'failed'))).toEqual([]);
    expect(await textsIn(t, t.group, topic.threadId)).not.toContain('второе');

    // The owner makes the bot an administrator again.
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'administrator' });
    const hers = await t.waitForTopic(newcomer, { textIncludes: 'Хочу оплатить инвойс, срочно', timeoutMs: 30_000 });
    expect(visible(hers).filter((m) => m.text === 'Хочу оплатить инвойс, срочно')).toHaveLength(1);
    await expect.poll(() => textsIn(t, t.group, topic.threadId), { timeout: 30_000 }).toSatisfy((texts: string[]) => inOrder(texts, ['первое', 'второе', 'третье']));
    await expect.poll(async () => (await fetch(`${t.hotline.url}/metrics`)).text(), { timeout: 10_000 }).toMatch(/^hotline_managers_chats_paused 0$/m);
    expect(await t.hotline.database().db.select().from(telegramOutbox).where(eq(telegramOutbox.state, 'failed'))).toEqual([]);
  }, 90_000);
});

describe('the managers\' group is upgraded to a supergroup (15.2, migrate_to_chat_id)', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    // TELEGRAM_MANAGERS_CHAT_ID is the basic group's id, as managers first set it up.
    t = await startTelegramWorld({ groupType: 'group', start: { outbox: { callTimeoutMs: 3000 } } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('messages written before and after Topics are turned on reach topics in the new supergroup, in order, none lost, and Hotline follows the new id', async () => {
    const anna = await t.newClient('Анна');
    const before = ['Хочу оплатить инвойс, срочно', 'Счёт № 15'];
    for (const text of before) await t.control.sendMessage({ from: anna.id, text });
    await t.control.waitFor({ chat_id: anna.id, text_includes: 'Здравствуйте' });
    // Nothing failed while the group has no topics: the messages wait.
    await expect.poll(async () => (await fetch(`${t.hotline.url}/metrics`)).text(), { timeout: 15_000 }).toMatch(/^hotline_managers_chats_paused 1$/m);
    expect(await t.hotline.database().db.select().from(telegramOutbox).where(eq(telegramOutbox.state, 'failed'))).toEqual([]);

    // The owner turns on Topics: Telegram makes the group a forum supergroup with a new id.
    const forum = await t.control.upgradeGroup(t.group, { is_forum: true });
    const after = ['Вы тут?', 'Жду ответа'];
    for (const text of after) await t.control.sendMessage({ from: anna.id, text });

    const topic = await t.waitForTopic(anna, { group: forum.id, textIncludes: 'Жду ответа', timeoutMs: 30_000 });
    await expect.poll(() => textsIn(t, forum.id, topic.threadId), { timeout: 30_000 }).toSatisfy((texts: string[]) => inOrder(texts, [...before, ...after]));
    // One topic, in the new supergroup.
    expect((await t.control.transcript(forum.id)).topics.filter((x) => topicClientName(x.name).startsWith('Анна') && !x.deleted)).toHaveLength(1);

    // A client who writes now goes straight to the new supergroup, and a manager's answer there reaches her.
    const boris = await t.newClient('Борис');
    await t.control.sendMessage({ from: boris.id, text: 'Добрый день' });
    await t.waitForTopic(boris, { group: forum.id, textIncludes: 'Добрый день', timeoutMs: 30_000 });
    await t.control.sendMessage({ from: t.manager.id, chat_id: forum.id, message_thread_id: topic.threadId, text: 'Анна, счёт оплачен' });
    await t.control.waitFor({ chat_id: anna.id, text_includes: 'Анна, счёт оплачен', timeout_ms: 30_000 });

    await expect.poll(async () => (await fetch(`${t.hotline.url}/metrics`)).text(), { timeout: 10_000 }).toMatch(/^hotline_managers_chats_paused 0$/m);
    expect(await t.hotline.database().db.select().from(telegramOutbox).where(eq(telegramOutbox.state, 'failed'))).toEqual([]);
    // Managers typing «/» in the new supergroup see the command menu, as they did in the old group (Telegram keeps it per chat id).
    const api = new Api(BOT_TOKEN, { apiRoot: t.emulator.apiRoot });
    await expect
      .poll(async () => (await api.getMyCommands({ scope: { type: 'chat', chat_id: forum.id } })).map((c) => c.command), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(['new', 'rate', 'help']));
  }, 120_000);
});

describe('the upgrade\'s service message never reaches Hotline (15.2, migrate_to_chat_id in an answer)', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    t = await startTelegramWorld({ groupType: 'group', start: { outbox: { callTimeoutMs: 3000 } } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the 400 with parameters.migrate_to_chat_id alone moves the waiting messages to the supergroup, in order', async () => {
    const vera = await t.newClient('Вера');
    const texts = ['Здравствуйте', 'Нужен счёт', 'На 15 000'];
    for (const text of texts) await t.control.sendMessage({ from: vera.id, text });
    await expect.poll(async () => (await fetch(`${t.hotline.url}/metrics`)).text(), { timeout: 15_000 }).toMatch(/^hotline_managers_chats_paused 1$/m);

    // Hotline is down while managers turn on Topics, and the updates of that
    // time are gone when it is back (Telegram keeps them 24 hours; here they are dropped).
    await t.hotline.stop();
    const forum = await t.control.upgradeGroup(t.group, { is_forum: true });
    await new Api(BOT_TOKEN, { apiRoot: t.emulator.apiRoot }).deleteWebhook({ drop_pending_updates: true });
    await t.restart();

    // Its next call to the old id is answered 400 with migrate_to_chat_id: that is enough.
    const topic = await t.waitForTopic(vera, { group: forum.id, textIncludes: 'На 15 000', timeoutMs: 60_000 });
    expect(inOrder(await textsIn(t, forum.id, topic.threadId), texts)).toBe(true);
    await t.control.sendMessage({ from: vera.id, text: 'Спасибо' });
    await t.control.waitFor({ chat_id: forum.id, message_thread_id: topic.threadId, text_includes: 'Спасибо', timeout_ms: 30_000 });
    expect(await t.hotline.database().db.select().from(telegramOutbox).where(eq(telegramOutbox.state, 'failed'))).toEqual([]);
  }, 120_000);
});
