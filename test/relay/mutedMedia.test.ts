/**
 * Issue 15 (follow-up): a partly muted managers' group. The bot is a plain
 * member and the group's permissions let members send text but not photos
 * (can_send_photos off). Telegram refuses a copy of a client's photo with 400
 * "Bad Request: not enough rights to send photos to the chat" (TDLib, as the
 * Bot API server words it; src/sandbox/sendRights.ts) — a refusal of that
 * content, not of the group: managers get the message as text with the
 * reason, in order, and the group is not paused (no flapping).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_FORBIDDEN_NOTE } from '../../src/jobs/contentFallback.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';

describe('the group lets the bot send text but not photos', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    t = await startTelegramWorld({ start: { outbox: { callTimeoutMs: 3000 } } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('a client\'s photo reaches the topic as text with the reason, in order, and the group is not paused', async () => {
    const client = await t.newClient('Фото');
    await t.control.sendMessage({ from: client.id, text: 'первое' });
    const topic = await t.waitForTopic(client, { textIncludes: 'первое' });

    await t.control.setChatPermissions(t.group, { can_send_messages: true, can_send_photos: false, can_send_documents: true, can_manage_topics: false });
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'member' });

    await t.control.sendMessage({ from: client.id, media: { type: 'photo', size: 3000 }, caption: 'Платёжка за ноябрь' });
    await t.control.sendMessage({ from: client.id, text: 'после фото' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'после фото', timeout_ms: 30_000 });

    const texts = visible(await t.control.transcript(t.group, { thread_id: topic.threadId }))
      .filter((m) => m.from?.is_bot)
      .map((m) => m.text ?? m.caption ?? '');
    const photoAt = texts.findIndex((x) => x.includes(CONTENT_FORBIDDEN_NOTE) && x.includes('Платёжка за ноябрь') && x.includes('not enough rights to send photos'));
    expect(photoAt).toBeGreaterThanOrEqual(0);
    expect(texts.indexOf('после фото')).toBeGreaterThan(photoAt);
    const ready = (await (await fetch(`${t.hotline.url}/readyz`)).json()) as { paused_managers_groups?: unknown };
    expect(ready.paused_managers_groups).toBeUndefined();
    expect(await (await fetch(`${t.hotline.url}/metrics`)).text()).toMatch(/^hotline_managers_chats_paused 0$/m);
  }, 90_000);
});
