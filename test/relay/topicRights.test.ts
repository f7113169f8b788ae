/**
 * Issue 15 (follow-up): the health of a managers' group follows what
 * Telegram refuses, not only what the bot's my_chat_member suggests. The bot
 * demoted to a plain member (privacy mode off, so it still reads everything)
 * may post into topics but not create them: Telegram answers createForumTopic
 * 400 "Bad Request: not enough rights to create a topic" (TDLib
 * ForumTopicManager::create_forum_topic: can_create_topics). A new client's
 * message then waits — and people must hear it from /readyz, /metrics, the
 * admin page and the group, once; it arrives once the bot is an
 * administrator with Manage Topics again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient } from '../helpers/app.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';

interface Readyz {
  status: string;
  unhealthy_managers_groups?: Array<{ chat_id: number; problem: string; since: string }>;
}

const readyz = async (t: TelegramWorld) => (await (await fetch(`${t.hotline.url}/readyz`)).json()) as Readyz;
const metricsText = async (t: TelegramWorld) => (await fetch(`${t.hotline.url}/metrics`)).text();
async function botPosts(t: TelegramWorld, text: string): Promise<number> {
  return visible(await t.control.transcript(t.group)).filter((m) => m.from?.is_bot && (m.text ?? '').includes(text)).length;
}

const NO_TOPICS_NOTICE = 'Telegram не даёт боту создавать темы';
const TOPICS_BACK_NOTICE = 'Бот снова может создавать темы';

describe('the bot re-added as a plain member with privacy mode off: it reads everything but cannot create topics', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    t = await startTelegramWorld({ start: { outbox: { callTimeoutMs: 3000 } } });
  });
  afterAll(async () => {
    await t?.control.setPrivacy(t.bot.id, { enabled: true });
    await t?.stop();
  });

  it('a new client\'s message waits and that is reported (readyz, metrics, admin page, one notice); it arrives once the bot may create topics, with one notice', async () => {
    const known = await t.newClient('Вера');
    await t.control.sendMessage({ from: known.id, text: 'первое' });
    const topic = await t.waitForTopic(known, { textIncludes: 'первое' });

    await t.control.setPrivacy(t.bot.id, { enabled: false });
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'left' });
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'member' });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'Бот снова в группе', timeout_ms: 30_000 });

    // Her topic works; a new client's topic cannot be created.
    await t.control.sendMessage({ from: known.id, text: 'второе' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'второе', timeout_ms: 30_000 });
    const newcomer = await t.newClient('Надежда');
    await t.control.sendMessage({ from: newcomer.id, text: 'Хочу оплатить инвойс, срочно' });
    await expect
      .poll(async () => (await readyz(t)).unhealthy_managers_groups, { timeout: 30_000 })
      .toEqual([{ chat_id: t.group, problem: 'cannot_manage_topics', since: expect.any(String) }]);
    expect((await readyz(t)).status).toBe('ready');
    expect(await metricsText(t)).toMatch(/^hotline_managers_chats_unhealthy\{problem="cannot_manage_topics"\} 1$/m);
    const admin = new ApiClient(t.hotline.url);
    expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
    expect((await admin.get('/api/admin/telegram-health')).body.unhealthyGroups).toEqual([
      { chatId: t.group, problem: 'cannot_manage_topics', since: expect.any(String) },
    ]);
    await t.control.waitFor({ chat_id: t.group, text_includes: NO_TOPICS_NOTICE, timeout_ms: 15_000 });
    // Its retries are refused again and again: still one notice.
    await t.control.sendMessage({ from: newcomer.id, text: 'Вы тут?' });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(await botPosts(t, NO_TOPICS_NOTICE)).toBe(1);

    // The owner makes the bot an administrator (with Manage Topics): the messages arrive in order, the state clears with one notice.
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'administrator' });
    const created = await t.waitForTopic(newcomer, { textIncludes: 'Вы тут?', timeoutMs: 60_000 });
    const texts = visible(await t.control.transcript(t.group, { thread_id: created.threadId })).map((m) => m.text ?? '');
    expect(texts.filter((x) => x === 'Хочу оплатить инвойс, срочно' || x === 'Вы тут?')).toEqual(['Хочу оплатить инвойс, срочно', 'Вы тут?']);
    await expect.poll(async () => (await readyz(t)).unhealthy_managers_groups, { timeout: 15_000 }).toBeUndefined();
    await t.control.waitFor({ chat_id: t.group, text_includes: TOPICS_BACK_NOTICE, timeout_ms: 15_000 });
    expect(await botPosts(t, NO_TOPICS_NOTICE)).toBe(1);
    expect(await botPosts(t, TOPICS_BACK_NOTICE)).toBe(1);
  }, 150_000);
});
