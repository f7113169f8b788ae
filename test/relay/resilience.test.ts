import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { clients, dialogs, messages } from '../../src/db/schema.js';
import { BLOCKED_NOTICE, UNBLOCKED_NOTICE } from '../../src/commands/setClientBlocked.js';
import { UNDELIVERED_NOTICE } from '../../src/jobs/telegramOutbox.js';
import { startTelegramWorld, topicClientName, visible, type TelegramWorld } from '../helpers/telegram.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld({ groups: 2 });
});
afterAll(async () => {
  await t?.stop();
});

async function dialogOf(telegramUserId: number) {
  const [row] = await t.hotline
    .database()
    .db.select({ dialog: dialogs })
    .from(dialogs)
    .innerJoin(clients, eq(clients.id, dialogs.clientId))
    .where(eq(clients.telegramUserId, telegramUserId));
  return row!.dialog;
}

describe('the client blocks the bot', () => {
  it('the topic is told, the manager\'s message is marked undelivered, and unblocking is noticed too', async () => {
    const client = await t.newClient('Блок');
    await t.control.sendMessage({ from: client.id, text: 'привет' });
    const topic = await t.waitForTopic(client, { textIncludes: 'привет' });
    const group = (await dialogOf(client.id)).managersChatId;

    await t.control.setBlocked({ user_id: client.id, blocked: true });
    await t.control.waitFor({ chat_id: group, message_thread_id: topic.threadId, text_includes: BLOCKED_NOTICE });

    await t.control.sendMessage({ from: t.manager.id, chat_id: group, message_thread_id: topic.threadId, text: 'Вы тут?' });
    await t.control.waitFor({ chat_id: group, message_thread_id: topic.threadId, text_includes: UNDELIVERED_NOTICE });
    const [stored] = await t.hotline.database().db.select().from(messages).where(eq(messages.text, 'Вы тут?'));
    expect(stored!.deliveryError).toBe('blocked');
    const privateChat = await t.control.transcript(client.id);
    expect(privateChat.messages.some((m) => m.text === 'Вы тут?')).toBe(false);

    await t.control.setBlocked({ user_id: client.id, blocked: false });
    await t.control.waitFor({ chat_id: group, message_thread_id: topic.threadId, text_includes: UNBLOCKED_NOTICE });
  });
});

describe('a manager deletes or closes the topic', () => {
  it('a deleted topic is recreated on the next message, with the client card, and the dialog keeps its history', async () => {
    const client = await t.newClient('Удалённая');
    await t.control.sendMessage({ from: client.id, text: 'первое' });
    const first = await t.waitForTopic(client, { textIncludes: 'первое' });
    const dialog = await dialogOf(client.id);
    await t.control.deleteTopic({ from: t.manager.id, chat_id: dialog.managersChatId, message_thread_id: first.threadId });

    await t.control.sendMessage({ from: client.id, text: 'второе' });
    await expect
      .poll(async () => (await dialogOf(client.id)).topicId, { timeout: 15_000 })
      .toSatisfy((id) => id !== null && id !== first.threadId);
    const recreated = (await dialogOf(client.id)).topicId!;
    const topic = await t.control.waitFor({ chat_id: dialog.managersChatId, message_thread_id: recreated, text_includes: 'второе' });
    const shown = visible(topic);
    expect(shown[0]!.text).toContain('Удалённая');
    expect(shown[0]!.text).toContain(`Telegram ID: ${client.id}`);
    expect(shown.map((m) => m.text)).toContain('второе');
    const history = await t.hotline.database().db.select().from(messages).where(eq(messages.dialogId, dialog.id));
    expect(history.map((m) => m.text)).toEqual(['первое', 'второе']);
  });

  it('a topic deleted before its client card got in is recreated too (the card is the first call into it)', async () => {
    const client = await t.newClient('Безкарточная');
    await t.control.sendMessage({ from: client.id, text: 'раз' });
    const first = await t.waitForTopic(client, { textIncludes: 'раз' });
    const dialog = await dialogOf(client.id);
    // The state between createForumTopic's answer and the card: the dialog has the topic, no card yet.
    await t.hotline.database().db.update(dialogs).set({ clientCardMessageId: null }).where(eq(dialogs.id, dialog.id));
    await t.control.deleteTopic({ from: t.manager.id, chat_id: dialog.managersChatId, message_thread_id: first.threadId });

    await t.control.sendMessage({ from: client.id, text: 'два' });
    await expect
      .poll(async () => (await dialogOf(client.id)).topicId, { timeout: 15_000 })
      .toSatisfy((id) => id !== null && id !== first.threadId);
    const recreated = (await dialogOf(client.id)).topicId!;
    const topic = await t.control.waitFor({ chat_id: dialog.managersChatId, message_thread_id: recreated, text_includes: 'два' });
    expect(visible(topic)[0]!.text).toContain('Безкарточная');
  });

  it('a closed topic is reopened by the client\'s next message', async () => {
    const client = await t.newClient('Закрытая');
    await t.control.sendMessage({ from: client.id, text: 'до закрытия' });
    const topic = await t.waitForTopic(client, { textIncludes: 'до закрытия' });
    const dialog = await dialogOf(client.id);
    await t.control.closeTopic({ from: t.manager.id, chat_id: dialog.managersChatId, message_thread_id: topic.threadId, closed: true });
    await expect.poll(async () => (await dialogOf(client.id)).status, { timeout: 10_000 }).toBe('closed');

    await t.control.sendMessage({ from: client.id, text: 'после закрытия' });
    await t.control.waitFor({ chat_id: dialog.managersChatId, message_thread_id: topic.threadId, text_includes: 'после закрытия' });
    const chat = await t.control.transcript(dialog.managersChatId);
    expect(chat.topics.find((x) => x.message_thread_id === topic.threadId)?.closed).toBe(false);
  });
});

describe('opening dialogs', () => {
  it('several first messages at once from a new client open one topic, with every message in it', async () => {
    const client = await t.newClient('Одновременно');
    await Promise.all(['раз', 'два', 'три', 'четыре', 'пять'].map((text) => t.control.sendMessage({ from: client.id, text })));
    const topic = await t.waitForTopic(client, { minCount: 1 });
    await expect
      .poll(async () => visible(await t.control.transcript(topic.chat.id, { thread_id: topic.threadId })).map((m) => m.text).join('\n'), { timeout: 10_000 })
      .toMatch(/раз[\s\S]*два[\s\S]*три[\s\S]*четыре[\s\S]*пять/);
    const chats = await Promise.all(t.groups.map((g) => t.control.transcript(g)));
    const named = chats.flatMap((c) => c.topics).filter((x) => topicClientName(x.name).startsWith('Одновременно') && !x.deleted);
    expect(named).toHaveLength(1);
  });

  it('new dialogs go to the least loaded managers\' group and stay there', async () => {
    const counts = async () => {
      const rows = await t.hotline.database().db.select({ chat: dialogs.managersChatId }).from(dialogs);
      return t.groups.map((g) => rows.filter((r) => r.chat === g).length);
    };
    for (let i = 0; i < 4; i++) {
      const client = await t.newClient(`Балансировка ${i}`);
      await t.control.sendMessage({ from: client.id, text: 'добрый день' });
      await t.waitForTopic(client, { textIncludes: 'добрый день' });
    }
    const [a, b] = await counts();
    expect(Math.abs(a! - b!)).toBeLessThanOrEqual(1);
    const someone = await t.newClient('Постоянный');
    await t.control.sendMessage({ from: someone.id, text: 'один' });
    await t.waitForTopic(someone, { textIncludes: 'один' });
    const group = (await dialogOf(someone.id)).managersChatId;
    for (let i = 0; i < 3; i++) {
      const other = await t.newClient(`Другой ${i}`);
      await t.control.sendMessage({ from: other.id, text: 'x' });
      await t.waitForTopic(other, { textIncludes: 'x' });
    }
    await t.control.sendMessage({ from: someone.id, text: 'два' });
    await t.waitForTopic(someone, { textIncludes: 'два', group });
    expect((await dialogOf(someone.id)).managersChatId).toBe(group);
  });
});

describe('a slow network', () => {
  it('a reply to a mirror the bot has not heard back about yet is still a reply, both ways', async () => {
    const client = await t.newClient('Тимур');
    // Telegram applies each copy at once and answers 1.5 s later: people see the
    // mirror and answer it before Hotline knows the mirror's id.
    await t.control.setFaults({ latency_ms: 1500, methods: ['copyMessage'] });
    try {
      const [question] = await t.control.sendMessage({ from: client.id, text: 'Когда придут деньги?' });
      const topic = await t.waitForTopic(client, { textIncludes: 'Когда придут деньги?' });
      const mirror = visible(topic).find((m) => m.text === 'Когда придут деньги?')!;
      await t.control.sendMessage({
        from: t.manager.id,
        chat_id: topic.chat.id,
        message_thread_id: topic.threadId,
        reply_to_message_id: mirror.message_id,
        text: 'Завтра до обеда',
      });

      const privateChat = await t.control.waitFor({ chat_id: client.id, text_includes: 'Завтра до обеда' });
      const answer = privateChat.messages.find((m) => m.text === 'Завтра до обеда')!;
      expect(answer.reply_to_message_id).toBe(question!.message_id);

      await t.control.sendMessage({ from: client.id, reply_to_message_id: answer.message_id, text: 'Спасибо' });
      const after = await t.waitForTopic(client, { textIncludes: 'Спасибо' });
      const thanks = visible(after).find((m) => m.text === 'Спасибо')!;
      const managersAnswer = visible(after).find((m) => m.text === 'Завтра до обеда')!;
      expect(thanks.reply_to_message_id).toBe(managersAnswer.message_id);
    } finally {
      await t.control.clearFaults();
    }

    // The platform's copy of the dialog knows the replies too.
    const stored = await t.hotline.database().db.select().from(messages).where(eq(messages.dialogId, (await dialogOf(client.id)).id));
    const byText = new Map(stored.map((m) => [m.text, m]));
    expect(byText.get('Завтра до обеда')!.replyToMessageId).toBe(byText.get('Когда придут деньги?')!.id);
    expect(byText.get('Спасибо')!.replyToMessageId).toBe(byText.get('Завтра до обеда')!.id);
  });
});
