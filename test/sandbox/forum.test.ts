import { GrammyError, InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPolling, startSandbox, type Sandbox } from './helpers.js';
import { TOPIC_TITLE_MAX, topicTitle } from '../../src/core/dialogStatus.js';

let sandbox: Sandbox;
let groupId: number;
let managerId: number;

beforeEach(async () => {
  sandbox = await startSandbox();
  const manager = await sandbox.control.createUser({ first_name: 'Maria', username: 'maria_manager' });
  managerId = manager.id;
  groupId = (await sandbox.control.createGroup({ title: 'Managers', member_ids: [manager.id] })).id;
});
afterEach(async () => {
  if (sandbox.bot.isRunning()) await sandbox.bot.stop();
  await sandbox.close();
});

async function failure(call: Promise<unknown>): Promise<GrammyError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

describe('forum topics', () => {
  it('the bot opens a topic; a manager writes there; the bot answers in the same topic', async () => {
    const { bot, control } = sandbox;
    let seen: Message | undefined;
    bot.on('message:text', async (ctx) => {
      seen = ctx.message;
      await ctx.reply(`noted: ${ctx.message.text}`);
    });
    const topic = await bot.api.createForumTopic(groupId, 'Ivan Petrov');
    expect(topic).toMatchObject({ name: 'Ivan Petrov', icon_color: 7322096 });
    await startPolling(bot);

    await control.sendMessage({ from: managerId, chat_id: groupId, message_thread_id: topic.message_thread_id, text: 'rate 12.25' });
    const transcript = await control.waitFor({ chat_id: groupId, message_thread_id: topic.message_thread_id, text_includes: 'noted: rate 12.25' });

    expect(seen).toMatchObject({ message_thread_id: topic.message_thread_id, is_topic_message: true });
    // Like Telegram: a topic message that replies to nothing replies to the topic's creation message.
    expect(seen?.reply_to_message).toMatchObject({ message_id: topic.message_thread_id, forum_topic_created: { name: 'Ivan Petrov' } });
    const answer = transcript.messages.at(-1)!;
    expect(answer).toMatchObject({ message_thread_id: topic.message_thread_id, from: { is_bot: true } });
    expect(answer.reply_to_message_id).toBeUndefined();
    expect(transcript.messages[0]!.service).toBe('forum_topic_created');
    expect(transcript.topics).toEqual([
      expect.objectContaining({ message_thread_id: topic.message_thread_id, name: 'Ivan Petrov', message_count: 2, unread_count: 2, closed: false }),
    ]);
  });

  it('pins, edits and answers a pressed button; the caller sees the answer', async () => {
    const { bot, control } = sandbox;
    const topic = await bot.api.createForumTopic(groupId, 'Request 42');
    const card = await bot.api.sendMessage(groupId, '<b>Request 42</b>: collecting offers', {
      message_thread_id: topic.message_thread_id,
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text('Complete', 'complete:42').text('Cancel', 'cancel:42'),
    });
    expect(card.text).toBe('Request 42: collecting offers');
    expect(card.entities).toEqual([{ type: 'bold', offset: 0, length: 10 }]);
    await bot.api.pinChatMessage(groupId, card.message_id);

    bot.callbackQuery(/^complete:(\d+)$/, async (ctx) => {
      await ctx.editMessageText(`Request ${ctx.match[1]}: completed`);
      await ctx.answerCallbackQuery({ text: 'Completed' });
    });
    await startPolling(bot);

    const pressed = await control.pressButton({ from: managerId, chat_id: groupId, message_id: card.message_id, callback_data: 'complete:42' });
    expect(pressed.answer).toEqual({ text: 'Completed' });

    const transcript = await control.waitFor({ chat_id: groupId, message_thread_id: topic.message_thread_id, pinned: card.message_id });
    const shown = transcript.messages.find((m) => m.message_id === card.message_id)!;
    expect(shown).toMatchObject({ text: 'Request 42: completed', pinned: true, edits: [{ text: 'Request 42: collecting offers' }] });
    expect(shown.edit_date).toBeGreaterThan(0);
    expect(shown.buttons).toBeUndefined();
    expect(transcript.topics[0]!.pinned_message_id).toBe(card.message_id);
    expect((await bot.api.getChat(groupId)).pinned_message?.message_id).toBe(card.message_id);

    const unchanged = await failure(bot.api.editMessageText(groupId, card.message_id, 'Request 42: completed'));
    expect(unchanged.error_code).toBe(400);
    expect(unchanged.description).toBe(
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
  });

  it('a closed topic takes messages only from admins; a deleted topic is gone', async () => {
    const { bot, control } = sandbox;
    const topic = await bot.api.createForumTopic(groupId, 'Closed soon');
    const note = await bot.api.sendMessage(groupId, 'before closing', { message_thread_id: topic.message_thread_id });
    await bot.api.closeForumTopic(groupId, topic.message_thread_id);
    await expect(control.sendMessage({ from: managerId, chat_id: groupId, message_thread_id: topic.message_thread_id, text: 'hi' })).resolves.toHaveLength(1);
    const member = await control.createUser({ first_name: 'Petr' });
    await control.addMember(groupId, { user_id: member.id });
    await expect(control.sendMessage({ from: member.id, chat_id: groupId, message_thread_id: topic.message_thread_id, text: 'hi' })).rejects.toMatchObject({
      status: 400,
      body: { error: 'TOPIC_CLOSED' },
    });
    await bot.api.sendMessage(groupId, 'admins still can', { message_thread_id: topic.message_thread_id });

    await bot.api.deleteForumTopic(groupId, topic.message_thread_id);
    const send = await failure(bot.api.sendMessage(groupId, 'anyone?', { message_thread_id: topic.message_thread_id }));
    expect([send.error_code, send.description]).toEqual([400, 'Bad Request: message thread not found']);
    const pin = await failure(bot.api.pinChatMessage(groupId, note.message_id));
    expect([pin.error_code, pin.description]).toEqual([400, 'Bad Request: message to pin not found']);
    const transcript = await control.transcript(groupId, { thread_id: topic.message_thread_id });
    expect(transcript.messages.every((m) => m.deleted)).toBe(true);
    expect(transcript.topics[0]!.deleted).toBe(true);
  });

  it('a manager deletes a topic from the sandbox; the bot can no longer write there', async () => {
    const { bot, control } = sandbox;
    const topic = await bot.api.createForumTopic(groupId, 'Short-lived');
    await control.deleteTopic({ from: managerId, chat_id: groupId, message_thread_id: topic.message_thread_id });
    const error = await failure(bot.api.sendMessage(groupId, 'x', { message_thread_id: topic.message_thread_id }));
    expect(error.description).toBe('Bad Request: message thread not found');
  });

  it('unpinAllForumTopicMessages unpins only that topic', async () => {
    const { bot, control } = sandbox;
    const a = await bot.api.createForumTopic(groupId, 'A');
    const b = await bot.api.createForumTopic(groupId, 'B');
    const inA = await bot.api.sendMessage(groupId, 'card A', { message_thread_id: a.message_thread_id });
    const inB = await bot.api.sendMessage(groupId, 'card B', { message_thread_id: b.message_thread_id });
    await bot.api.pinChatMessage(groupId, inA.message_id);
    await bot.api.pinChatMessage(groupId, inB.message_id);
    await bot.api.unpinAllForumTopicMessages(groupId, a.message_thread_id);
    const topics = (await control.transcript(groupId)).topics;
    expect(topics.map((t) => t.pinned_message_id)).toEqual([undefined, inB.message_id]);
  });

  it('a topic name is 1-128 UTF-16 code units, as Hotline fits its titles (core/dialogStatus TOPIC_TITLE_MAX)', async () => {
    const { bot, control } = sandbox;
    // 64 emoji are 64 code points but 128 UTF-16 units: taken; one unit more is refused, on creation and on rename.
    const topic = await bot.api.createForumTopic(groupId, '😀'.repeat(64));
    expect((await failure(bot.api.createForumTopic(groupId, `${'😀'.repeat(64)}x`))).description).toBe('Bad Request: TOPIC_TITLE_TOO_LONG');
    expect((await failure(bot.api.createForumTopic(groupId, `🔴 ${'x'.repeat(126)}`))).description).toBe('Bad Request: TOPIC_TITLE_TOO_LONG');
    expect((await failure(bot.api.editForumTopic(groupId, topic.message_thread_id, { name: 'x'.repeat(129) }))).description).toBe('Bad Request: TOPIC_TITLE_TOO_LONG');
    expect((await failure(bot.api.createForumTopic(groupId, '   '))).description).toBe('Bad Request: TOPIC_TITLE_EMPTY');
    // What Hotline sends for the outside tester's client fits.
    const title = topicTitle({ telegramUserId: 1, firstName: 'A'.repeat(32), lastName: 'B'.repeat(61), username: 'very_long_username_for_test_1' }, 'waiting_us');
    await bot.api.editForumTopic(groupId, topic.message_thread_id, { name: title });
    expect((await control.transcript(groupId)).topics.map((t) => t.name)).toEqual([title]);
    expect(title.length).toBe(TOPIC_TITLE_MAX);
  });
});
