/**
 * Issue 17 through the emulator: a command typed wrong gets the command
 * meant (17.16); a note and a skipped message keep a mark in the topic (17.18);
 * a client gets the bot's texts in their language, managers in theirs (17.15).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_TOKEN, startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { NOTE_MARK, SKIP_MARK } from '../../src/core/topicMarks.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

describe('a manager types a command wrong in the topic', () => {
  it('/rate12.30 is answered with the command meant and its right form, not a blank name', async () => {
    const client = await t.newClient('Борис');
    await t.control.sendMessage({ from: client.id, text: 'Здравствуйте' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Здравствуйте' });

    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: '/rate12.30' });
    const glued = await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'Возможно, вы имели в виду' });
    const answer = glued.messages.find((m) => m.text?.includes('Возможно'))!.text!;
    expect(answer).toBe(
      'Неизвестная команда «/rate12.30». Возможно, вы имели в виду /rate 12.30 — команда и значение через пробел. Список команд: /help',
    );

    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: '/neww' });
    const misspelt = await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'имели в виду /new ' });
    expect(misspelt.messages.some((m) => m.text?.includes('Неизвестная команда «/neww».'))).toBe(true);

    const privateChat = await t.control.transcript(client.id);
    expect(privateChat.messages.map((m) => m.text).join('\n')).not.toContain('rate');
  });

  it('/hold. and /holdx get just /hold, told it takes no value — not «/hold .», which would be refused', async () => {
    const client = await t.newClient('Прасковья');
    await t.control.sendMessage({ from: client.id, text: 'Добрый вечер' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Добрый вечер' });
    const inTopic = { chat_id: t.group, message_thread_id: topic.threadId };

    await t.control.sendMessage({ from: t.manager.id, ...inTopic, text: '/hold.' });
    const dot = await t.control.waitFor({ ...inTopic, text_includes: 'Неизвестная команда «/hold.»' });
    expect(dot.messages.findLast((m) => m.text?.includes('«/hold.»'))!.text).toBe(
      'Неизвестная команда «/hold.». Возможно, вы имели в виду /hold — эта команда пишется без значения. Список команд: /help',
    );
    await t.control.sendMessage({ from: t.manager.id, ...inTopic, text: '/holdx' });
    const letter = await t.control.waitFor({ ...inTopic, text_includes: 'Неизвестная команда «/holdx»' });
    expect(letter.messages.findLast((m) => m.text?.includes('«/holdx»'))!.text).toBe(
      'Неизвестная команда «/holdx». Возможно, вы имели в виду /hold — эта команда пишется без значения. Список команд: /help',
    );
    // Nothing was put on hold by either.
    const shown = visible(await t.control.transcript(t.group, { thread_id: topic.threadId }));
    expect(shown.some((m) => m.text?.includes('Диалог отложен'))).toBe(false);
  });

  it('/take now and /close please do nothing and say the form: the words after a command without a value are not dropped silently', async () => {
    const client = await t.newClient('Ефросинья');
    await t.control.sendMessage({ from: client.id, text: 'Добрый день' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Добрый день' });
    const inTopic = { chat_id: t.group, message_thread_id: topic.threadId };

    await t.control.sendMessage({ from: t.manager.id, ...inTopic, text: '/take прямо сейчас' });
    const take = await t.control.waitFor({ ...inTopic, text_includes: 'Команда /take пишется без значения' });
    expect(take.messages.findLast((m) => m.text?.includes('/take пишется'))!.text).toBe(
      'Команда /take пишется без значения — «прямо сейчас» не понято, ничего не сделано. Напишите просто /take.',
    );
    await t.control.sendMessage({ from: t.manager.id, ...inTopic, text: '/close пожалуйста' });
    await t.control.waitFor({ ...inTopic, text_includes: 'Команда /close пишется без значения — «пожалуйста»' });
    // Nothing was done: nobody owns the dialog, the topic is open; the plain command still works.
    const shown = visible(await t.control.transcript(t.group, { thread_id: topic.threadId }));
    expect(shown.some((m) => m.text?.includes('Диалог ведёт'))).toBe(false);
    await t.control.sendMessage({ from: t.manager.id, ...inTopic, text: '/take' });
    await t.control.waitFor({ ...inTopic, text_includes: '👤 Диалог ведёт' });
  });
});

describe('a command addressed to another bot in the group', () => {
  it('is left to that bot: Hotline neither runs nor answers it, and the client does not get it; addressed to Hotline it runs', async () => {
    const client = await t.newClient('Всеволод');
    await t.control.sendMessage({ from: client.id, text: 'Вопрос по счёту' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Вопрос по счёту' });
    const inTopic = { chat_id: t.group, message_thread_id: topic.threadId };

    const other = await t.control.sendMessage({ from: t.manager.id, ...inTopic, text: '/take@other_bot' });
    await t.control.sendMessage({ from: t.manager.id, ...inTopic, text: '/close@other_bot сейчас' });
    // Hotline's own /help after them is answered in the topic's queue, behind anything the two had caused.
    await t.control.sendMessage({ from: t.manager.id, ...inTopic, text: '/help@hotline_test_bot' });
    await t.control.waitFor({ ...inTopic, text_includes: 'Команды менеджера' });
    const shown = visible(await t.control.transcript(t.group, { thread_id: topic.threadId }));
    expect(shown.filter((m) => m.from?.is_bot && m.reply_to_message_id === other[0]!.message_id)).toEqual([]);
    expect(shown.some((m) => m.text?.includes('пишется без значения') || m.text?.includes('Диалог ведёт'))).toBe(false);
    expect((await t.control.transcript(client.id)).messages.map((m) => m.text ?? '').join('\n')).not.toContain('other_bot');

    await t.control.sendMessage({ from: t.manager.id, ...inTopic, text: '/take@hotline_test_bot' });
    await t.control.waitFor({ ...inTopic, text_includes: '👤 Диалог ведёт Мария Менеджер' });
  });
});

describe('a manager scrolling back sees which messages the client never saw and which will not be copied', () => {
  it('a «!» note gets ✍, a skipped message 🙈 until /unskip; the marks are the bot\'s reactions', async () => {
    const client = await t.newClient('Вера');
    await t.control.sendMessage({ from: client.id, text: 'Личное, не для заявки' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Личное' });
    const mirrored = visible(topic).find((m) => m.text === 'Личное, не для заявки')!;
    const botId = String(mirrored.from!.id);
    const say = (text: string, extra: { reply_to_message_id?: number } = {}) =>
      t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text, ...extra });
    const markOf = async (messageId: number) => {
      const messages = (await t.control.transcript(t.group)).messages;
      return messages.find((m) => m.message_id === messageId)?.reactions?.[botId]?.map((r) => (r.type === 'emoji' ? r.emoji : r.type));
    };

    const [note] = await say('! клиент просил не звонить');
    await expect.poll(() => markOf(note!.message_id), { timeout: 10_000 }).toEqual([NOTE_MARK]);

    await say('/skip', { reply_to_message_id: mirrored.message_id });
    await expect.poll(() => markOf(mirrored.message_id), { timeout: 10_000 }).toEqual([SKIP_MARK]);
    await say('/unskip', { reply_to_message_id: mirrored.message_id });
    await expect.poll(() => markOf(mirrored.message_id), { timeout: 10_000 }).toEqual([]);

    // A message that reached the client carries no mark.
    const [sent] = await say('Здравствуйте!');
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Здравствуйте!' });
    expect(await markOf(sent!.message_id)).toBeUndefined();
  });

  it('the emulator refuses what Telegram refuses: two reactions from a bot, an emoji not on the list', async () => {
    const client = await t.newClient('Глеб');
    await t.control.sendMessage({ from: client.id, text: 'Проверка' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Проверка' });
    const target = visible(topic).find((m) => m.text === 'Проверка')!;
    const call = async (reaction: unknown) => {
      const response = await fetch(`${t.emulator.apiRoot}/bot${BOT_TOKEN}/setMessageReaction`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: t.group, message_id: target.message_id, reaction }),
      });
      return (await response.json()) as { ok: boolean; description?: string };
    };
    expect(await call([{ type: 'emoji', emoji: '👍' }, { type: 'emoji', emoji: '🔥' }])).toEqual({ ok: false, error_code: 400, description: 'Bad Request: REACTIONS_TOO_MANY' });
    expect(await call([{ type: 'emoji', emoji: '🦆' }])).toEqual({ ok: false, error_code: 400, description: 'Bad Request: REACTION_INVALID' });
    expect(await call([{ type: 'emoji', emoji: SKIP_MARK }])).toEqual({ ok: true, result: true });
  });
});

describe('the bot writes to a client in the client\'s language', () => {
  it('an English-speaking client gets the English greeting; a Russian one the Russian; the topic stays Russian', async () => {
    const english = await t.newClient('John', { language_code: 'en' });
    await t.control.sendMessage({ from: english.id, text: 'Hello, I need to pay an invoice' });
    const topic = await t.waitForTopic(english, { textIncludes: 'invoice' });
    const englishChat = await t.control.waitFor({ chat_id: english.id, min_count: 2 });
    const greeting = englishChat.messages.filter((m) => m.from?.is_bot).map((m) => m.text);
    expect(greeting).toEqual(['Hello! We have received your message — a manager will reply here, in this chat.']);

    // Managers' texts stay in the managers' language, whatever the client speaks.
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: '/hepl' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'Возможно, вы имели в виду /help' });

    const russian = await t.newClient('Анна', { language_code: 'ru' });
    await t.control.sendMessage({ from: russian.id, text: 'Добрый день' });
    const russianChat = await t.control.waitFor({ chat_id: russian.id, min_count: 2 });
    expect(russianChat.messages.filter((m) => m.from?.is_bot).map((m) => m.text)).toEqual(['Здравствуйте! Мы получили ваше сообщение — менеджер ответит здесь, в этом чате.']);
  });
});
