/**
 * A client with a very long name still reaches the managers (an outside
 * tester's report): first name 32 letters, last name 61, username of 29 gave
 * a topic title of 129 UTF-16 units — Telegram answered
 * TOPIC_TITLE_TOO_LONG, the outbox gave up on every message of theirs, while
 * the client was told their message was received. Titles are now fitted to
 * Telegram's 128 (core/dialogStatus `fitTopicTitle`), the emulator counting
 * as Telegram does (src/sandbox/methods/forum.ts `topicName`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { TOPIC_TITLE_MAX } from '../../src/core/dialogStatus.js';

const titleOf = async (t: TelegramWorld, threadId: number) => (await t.control.transcript(t.group)).topics.find((x) => x.message_thread_id === threadId)!.name;

describe('a client with a very long name', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    // Two seconds of settling before a rename: a status shows soon enough for a test.
    t = await startTelegramWorld({ env: { TOPIC_TITLE_DELAY_SECONDS: '2' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the tester’s client: the topic is created, its title within 128 and ending with «…», the words in it; the status rename fits too', async () => {
    const client = await t.newClient('Alexander'.padEnd(32, 'x'), { last_name: 'Konstantinopolsky'.padEnd(61, 'y'), username: 'very_long_username_for_test_1' });
    await t.control.sendMessage({ from: client.id, text: 'Здравствуйте, у меня длинное имя' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Здравствуйте, у меня длинное имя' });
    const title = await titleOf(t, topic.threadId);
    expect(title.length).toBeLessThanOrEqual(TOPIC_TITLE_MAX);
    expect(title.startsWith('🔴 Alexander')).toBe(true);
    expect(title.endsWith('…')).toBe(true);
    expect(visible(topic).some((m) => m.text === 'Здравствуйте, у меня длинное имя')).toBe(true);

    // Their next words arrive too (every later message failed the same way before).
    await t.control.sendMessage({ from: client.id, text: 'И ещё вопрос' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'И ещё вопрос' });

    // A manager answers: the status rename keeps the title within the limit.
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Слушаю вас' });
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Слушаю вас' });
    await expect.poll(() => titleOf(t, topic.threadId), { timeout: 15_000 }).toMatch(/^🟢 Alexander/);
    const renamed = await titleOf(t, topic.threadId);
    expect(renamed.length).toBeLessThanOrEqual(TOPIC_TITLE_MAX);
    expect(renamed.endsWith('…')).toBe(true);
  });

  it('emoji and right-to-left text at the cut: a title within 128, no emoji split, the message in the topic', async () => {
    // 64 characters a part (Telegram's limit), but more UTF-16 units: the family and the flags count 11 and 4.
    const first = `Мария 👩‍👩‍👧‍👦 ${'🇷🇺'.repeat(6)} ${'ש'.repeat(30)}`;
    const last = `${'مرحبا '.repeat(9)}👩‍👩‍👧‍👦`;
    const client = await t.newClient(first, { last_name: last, username: 'rtl_and_emoji_client_name_32ch' });
    await t.control.sendMessage({ from: client.id, text: 'Сообщение с эмодзи' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Сообщение с эмодзи' });
    const title = await titleOf(t, topic.threadId);
    expect(title.length).toBeLessThanOrEqual(TOPIC_TITLE_MAX);
    expect(title.startsWith('🔴 Мария 👩‍👩‍👧‍👦 ')).toBe(true);
    expect(title.endsWith('…')).toBe(true);
    // Whole graphemes only: what is kept before «…» is the start of the name as written.
    expect(`${first} ${last}`.startsWith(title.slice('🔴 '.length, -1))).toBe(true);
    expect(title).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u200D…$/);
  });

  it('a name that shows nothing (a Hangul filler): the topic is «Клиент <id>»', async () => {
    const client = await t.newClient('\u3164');
    await t.control.sendMessage({ from: client.id, text: 'Невидимое имя' });
    const deadline = Date.now() + 20_000;
    let found: { name: string } | undefined;
    while (!found && Date.now() < deadline) {
      found = (await t.control.transcript(t.group)).topics.find((x) => x.name === `🔴 Клиент ${client.id}`);
      if (!found) await new Promise((r) => setTimeout(r, 50));
    }
    expect(found).toBeDefined();
  });
});
