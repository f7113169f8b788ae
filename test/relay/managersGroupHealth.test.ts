/**
 * Issue 15, the managers' group where the bot can still post but not do its
 * whole job — driven through the emulator as the group's owner would cause
 * it, and checked where people look: the group itself (one notice, not one
 * per update), /readyz (still ready: clients' intake goes on), /metrics, the
 * admin page's API and the log.
 *
 * - The bot demoted to a plain member with privacy mode on: Telegram gives it
 *   only commands, mentions and replies to it (Bot API § Privacy mode), so
 *   managers' answers never reach clients.
 * - The bot, still an administrator, loses "Manage Topics": a new client's
 *   message waits (createForumTopic refused).
 * - The bot kicked and re-added, with the call that goes through first and
 *   its my_chat_member after: the "bot is back" notice is still sent, once.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient } from '../helpers/app.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';

interface Readyz {
  status: string;
  paused_managers_groups?: Array<{ chat_id: number; reason_code: string }>;
  unhealthy_managers_groups?: Array<{ chat_id: number; problem: string; since: string }>;
}

/** A logger whose lines the test reads (level ≥ warn), as an operator reads the log. */
function capturedLog() {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { log: pino({ level: 'warn' }, stream), errors: () => lines.filter((l) => l.level >= 50).map((l) => l.msg) };
}

const readyz = async (t: TelegramWorld) => {
  const response = await fetch(`${t.hotline.url}/readyz`);
  return { status: response.status, body: (await response.json()) as Readyz };
};
const metricsText = async (t: TelegramWorld) => (await fetch(`${t.hotline.url}/metrics`)).text();

/** The bot's messages in the whole managers' group that contain `text`. */
async function botPosts(t: TelegramWorld, text: string): Promise<number> {
  return visible(await t.control.transcript(t.group)).filter((m) => m.from?.is_bot && (m.text ?? '').includes(text)).length;
}

async function signedInAdmin(t: TelegramWorld): Promise<ApiClient> {
  const admin = new ApiClient(t.hotline.url);
  expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
  return admin;
}

const CANNOT_READ_NOTICE = 'Бот больше не видит ваших сообщений';
const CAN_READ_NOTICE = 'Бот снова видит все сообщения группы';

describe('the bot demoted to a plain member of the managers\' group, privacy mode on', () => {
  let t: TelegramWorld;
  let [olegTopic, olegId] = [0, 0];
  const captured = capturedLog();
  beforeAll(async () => {
    t = await startTelegramWorld({ start: { log: captured.log, outbox: { callTimeoutMs: 3000 } } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is a health state on /readyz (still ready), /metrics, the admin page and the log, told once in the group; clients\' messages go on; a restart remembers it; admin again clears it with one notice', async () => {
    const oleg = await t.newClient('Олег');
    await t.control.sendMessage({ from: oleg.id, text: 'первое' });
    const topic = await t.waitForTopic(oleg, { textIncludes: 'первое' });
    [olegTopic, olegId] = [topic.threadId, oleg.id];

    // The group's owner demotes the bot to a plain member; BotFather's privacy mode is on (the default).
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'member' });
    await expect
      .poll(async () => (await readyz(t)).body.unhealthy_managers_groups, { timeout: 15_000 })
      .toEqual([{ chat_id: t.group, problem: 'cannot_read_messages', since: expect.any(String) }]);
    const ready = await readyz(t);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    expect(ready.body.paused_managers_groups).toBeUndefined();
    expect(await metricsText(t)).toMatch(/^hotline_managers_chats_unhealthy\{problem="cannot_read_messages"\} 1$/m);
    const admin = await signedInAdmin(t);
    expect((await admin.get('/api/admin/telegram-health')).body.unhealthyGroups).toEqual([
      { chatId: t.group, problem: 'cannot_read_messages', since: expect.any(String) },
    ]);
    // Managers read it in their group, once; operators in the log, once.
    await t.control.waitFor({ chat_id: t.group, text_includes: CANNOT_READ_NOTICE });
    expect(captured.errors().filter((line) => line.includes("cannot read managers' messages"))).toHaveLength(1);

    // The client's messages still reach his topic: the bot may post.
    await t.control.sendMessage({ from: oleg.id, text: 'второе' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'второе' });

    // A restart (the start-up check asks Telegram again): still reported, no second notice.
    await t.restart();
    expect((await readyz(t)).body.unhealthy_managers_groups).toEqual([{ chat_id: t.group, problem: 'cannot_read_messages', since: expect.any(String) }]);
    await t.control.sendMessage({ from: oleg.id, text: 'третье' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'третье' });
    expect(await botPosts(t, CANNOT_READ_NOTICE)).toBe(1);

    // The owner makes the bot an administrator again: the state clears, with one notice, and answers reach the client.
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'administrator' });
    await expect.poll(async () => (await readyz(t)).body.unhealthy_managers_groups, { timeout: 15_000 }).toBeUndefined();
    await expect.poll(() => metricsText(t), { timeout: 10_000 }).toMatch(/^hotline_managers_chats_unhealthy\{problem="cannot_read_messages"\} 0$/m);
    expect((await (await signedInAdmin(t)).get('/api/admin/telegram-health')).body.unhealthyGroups).toEqual([]);
    await t.control.waitFor({ chat_id: t.group, text_includes: CAN_READ_NOTICE });
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Олег, счёт готов' });
    await t.control.waitFor({ chat_id: oleg.id, text_includes: 'Олег, счёт готов', timeout_ms: 20_000 });
    expect(await botPosts(t, CANNOT_READ_NOTICE)).toBe(1);
    expect(await botPosts(t, CAN_READ_NOTICE)).toBe(1);
  }, 120_000);

  it('privacy mode off (BotFather /setprivacy → Disable) and the bot added again as a plain member: it reads everything, no problem is reported', async () => {
    await t.control.setPrivacy(t.bot.id, { enabled: false });
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'left' });
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'member' });
    // Back as a member that reads everything: a manager's plain answer reaches the client.
    await t.control.waitFor({ chat_id: t.group, text_includes: 'Бот снова в группе', timeout_ms: 30_000 });
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: olegTopic, text: 'Олег, слушаю вас' });
    await t.control.waitFor({ chat_id: olegId, text_includes: 'Олег, слушаю вас', timeout_ms: 30_000 });
    expect((await readyz(t)).body.unhealthy_managers_groups).toBeUndefined();
    expect(await botPosts(t, CANNOT_READ_NOTICE)).toBe(1);
    await t.control.setPrivacy(t.bot.id, { enabled: true });
  }, 120_000);
});

const NO_TOPICS_NOTICE = 'Telegram не даёт боту создавать темы';
const TOPICS_BACK_NOTICE = 'Бот снова может создавать темы';

describe('the bot, still an administrator, loses "Manage Topics"', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    t = await startTelegramWorld({ start: { outbox: { callTimeoutMs: 3000 } } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is reported the same way; existing topics keep working; a new client\'s message waits and reaches its topic once the right is back', async () => {
    const known = await t.newClient('Инна');
    await t.control.sendMessage({ from: known.id, text: 'первое' });
    const topic = await t.waitForTopic(known, { textIncludes: 'первое' });

    await t.control.addMember(t.group, {
      user_id: t.bot.id,
      status: 'administrator',
      rights: { can_manage_chat: true, can_delete_messages: true, can_pin_messages: true, can_invite_users: true },
    });
    await expect
      .poll(async () => (await readyz(t)).body.unhealthy_managers_groups, { timeout: 15_000 })
      .toEqual([{ chat_id: t.group, problem: 'cannot_manage_topics', since: expect.any(String) }]);
    expect((await readyz(t)).body.status).toBe('ready');
    expect(await metricsText(t)).toMatch(/^hotline_managers_chats_unhealthy\{problem="cannot_manage_topics"\} 1$/m);
    const admin = await signedInAdmin(t);
    expect((await admin.get('/api/admin/telegram-health')).body.unhealthyGroups).toEqual([
      { chatId: t.group, problem: 'cannot_manage_topics', since: expect.any(String) },
    ]);
    await t.control.waitFor({ chat_id: t.group, text_includes: NO_TOPICS_NOTICE });

    // Her topic works; a new client's message waits (the greeting reaches him).
    await t.control.sendMessage({ from: known.id, text: 'второе' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'второе' });
    const newcomer = await t.newClient('Нина');
    await t.control.sendMessage({ from: newcomer.id, text: 'Хочу оплатить инвойс, срочно' });
    await t.control.waitFor({ chat_id: newcomer.id, text_includes: 'Здравствуйте' });

    // The owner gives the right back.
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'administrator' });
    await t.waitForTopic(newcomer, { textIncludes: 'Хочу оплатить инвойс, срочно', timeoutMs: 60_000 });
    await expect.poll(async () => (await readyz(t)).body.unhealthy_managers_groups, { timeout: 15_000 }).toBeUndefined();
    await t.control.waitFor({ chat_id: t.group, text_includes: TOPICS_BACK_NOTICE });
    expect(await botPosts(t, NO_TOPICS_NOTICE)).toBe(1);
    expect(await botPosts(t, TOPICS_BACK_NOTICE)).toBe(1);
  }, 120_000);
});

describe('the bot kicked and added back: a call goes through before its my_chat_member arrives (15.2 race)', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    t = await startTelegramWorld({ start: { outbox: { callTimeoutMs: 3000 } } });
  });
  afterAll(async () => {
    await t?.control.clearFaults();
    await t?.stop();
  });

  it('managers are told once that what they wrote meanwhile did not reach clients', async () => {
    const roman = await t.newClient('Роман');
    await t.control.sendMessage({ from: roman.id, text: 'первое' });
    const topic = await t.waitForTopic(roman, { textIncludes: 'первое' });

    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'kicked' });
    await expect.poll(() => metricsText(t), { timeout: 15_000 }).toMatch(/^hotline_managers_chats_paused 1$/m);
    await t.control.sendMessage({ from: roman.id, text: 'пока бота нет' });

    // Updates are held back (getUpdates does not answer) while the owner adds the bot back:
    // its my_chat_member waits, and the outbox's next try into the group goes through first.
    await t.control.setFaults({ methods: ['getUpdates'], timeout_rate: 1, hold_ms: 300 });
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'administrator' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'пока бота нет', timeout_ms: 60_000 });

    // Updates flow again: the my_chat_member comes, then a manager's answer (updates are handled in order).
    await t.control.clearFaults();
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Роман, мы снова здесь' });
    await t.control.waitFor({ chat_id: roman.id, text_includes: 'Роман, мы снова здесь', timeout_ms: 30_000 });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'Бот снова в группе', timeout_ms: 15_000 });
    expect(await botPosts(t, 'Бот снова в группе')).toBe(1);
  }, 150_000);
});
