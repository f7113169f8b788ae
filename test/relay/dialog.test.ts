import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { messages } from '../../src/db/schema.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

describe('a client writes to the hotline', () => {
  it("opens a topic named after the client, with the client card first and the message mirrored; the client is greeted once", async () => {
    const client = await t.newClient('Иван', { last_name: 'Петров', username: 'ivan_p' });
    await t.control.sendMessage({ from: client.id, text: 'Здравствуйте! Нужно оплатить инвойс в юанях' });
    const topic = await t.waitForTopic(client, { minCount: 2, textIncludes: 'инвойс' });

    const chat = await t.control.transcript(t.group);
    expect(chat.topics.find((x) => x.message_thread_id === topic.threadId)?.name).toBe('🔴 Иван Петров (@ivan_p)');
    const shown = visible(topic);
    expect(shown[0]!.text).toContain('Иван Петров');
    expect(shown[0]!.text).toContain(`Telegram ID: ${client.id}`);
    expect(shown[1]!.text).toBe('Здравствуйте! Нужно оплатить инвойс в юанях');
    expect(shown[1]!.from?.is_bot).toBe(true);

    const privateChat = await t.control.waitFor({ chat_id: client.id, min_count: 2 });
    const greetings = privateChat.messages.filter((m) => m.from?.is_bot);
    expect(greetings).toHaveLength(1);
    expect(greetings[0]!.text).toContain('менеджер ответит');

    await t.control.sendMessage({ from: client.id, text: 'Ещё вопрос' });
    await t.waitForTopic(client, { textIncludes: 'Ещё вопрос' });
    const again = await t.control.transcript(client.id);
    expect(again.messages.filter((m) => m.from?.is_bot)).toHaveLength(1);
  });

  it('a manager answers in the topic: the client gets it from the bot; a "!" note and commands stay in the topic', async () => {
    const client = await t.newClient('Ольга');
    await t.control.sendMessage({ from: client.id, text: 'Добрый день' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Добрый день' });

    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: '! клиент надёжный, работаем' });
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: '/help' });
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Здравствуйте, Ольга! Какая сумма?' });

    const privateChat = await t.control.waitFor({ chat_id: client.id, text_includes: 'Какая сумма?' });
    const fromBot = privateChat.messages.filter((m) => m.from?.is_bot).map((m) => m.text);
    expect(fromBot).toContain('Здравствуйте, Ольга! Какая сумма?');
    expect(fromBot.join('\n')).not.toContain('надёжный');
    expect(fromBot.join('\n')).not.toContain('/help');
    expect(fromBot.join('\n')).not.toContain('Команды менеджера');

    const help = await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'Команды менеджера' });
    expect(help.messages.some((m) => m.text?.includes('/skip'))).toBe(true);

    const stored = await t.hotline.database().db.select().from(messages).where(eq(messages.text, '! клиент надёжный, работаем'));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.direction).toBe('note');
    expect(stored[0]!.skip).toBe(true);
  });

  it('replies are mirrored as replies, both ways', async () => {
    const client = await t.newClient('Пётр');
    const [first] = await t.control.sendMessage({ from: client.id, text: 'Первый вопрос' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Первый вопрос' });
    const mirrored = visible(topic).find((m) => m.text === 'Первый вопрос')!;

    await t.control.sendMessage({
      from: t.manager.id,
      chat_id: t.group,
      message_thread_id: topic.threadId,
      reply_to_message_id: mirrored.message_id,
      text: 'Отвечаю на первый',
    });
    const privateChat = await t.control.waitFor({ chat_id: client.id, text_includes: 'Отвечаю на первый' });
    const answer = privateChat.messages.find((m) => m.text === 'Отвечаю на первый')!;
    expect(answer.reply_to_message_id).toBe(first!.message_id);

    const answerInClientChat = answer.message_id;
    await t.control.sendMessage({ from: client.id, reply_to_message_id: answerInClientChat, text: 'Спасибо за ответ' });
    const after = await t.waitForTopic(client, { textIncludes: 'Спасибо за ответ' });
    const thanks = visible(after).find((m) => m.text === 'Спасибо за ответ')!;
    const managerOriginal = visible(after).find((m) => m.text === 'Отвечаю на первый')!;
    expect(thanks.reply_to_message_id).toBe(managerOriginal.message_id);
  });

  it('edits are mirrored: the copy is edited in place', async () => {
    const client = await t.newClient('Анна');
    const [sent] = await t.control.sendMessage({ from: client.id, text: 'Сумма 1000 USD' });
    await t.waitForTopic(client, { textIncludes: 'Сумма 1000 USD' });
    await t.control.editMessage({ from: client.id, message_id: sent!.message_id, text: 'Сумма 1500 USD' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Сумма 1500 USD' });
    const shown = visible(topic).map((m) => m.text);
    expect(shown).toContain('Сумма 1500 USD');
    expect(shown).not.toContain('Сумма 1000 USD');
  });
});
