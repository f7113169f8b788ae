/**
 * The emulator's polls, dice, venues, media replacement and copy refusals
 * (src/sandbox/methods/content.ts), checked against the Bot API docs' rules.
 */
import { GrammyError, InputFile } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PNG, startSandbox, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
let clientId: number;
let groupId: number;
let managerId: number;

beforeEach(async () => {
  sandbox = await startSandbox();
  clientId = (await sandbox.control.createUser({ first_name: 'Ivan' })).id;
  managerId = (await sandbox.control.createUser({ first_name: 'Maria' })).id;
  await sandbox.control.sendMessage({ from: clientId, text: '/start' });
  groupId = (await sandbox.control.createGroup({ title: 'Managers', member_ids: [managerId], bot_ids: [sandbox.botId], is_forum: true })).id;
});
afterEach(() => sandbox.close());

async function refusal(call: Promise<unknown>): Promise<[number, string]> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return [(error as GrammyError).error_code, (error as GrammyError).description];
}

const CANT_COPY: [number, string] = [400, "Bad Request: message can't be copied"];

describe('polls, dice and venues', () => {
  it('sendPoll, sendDice and sendVenue post what Telegram posts', async () => {
    const poll = await sandbox.bot.api.sendPoll(clientId, 'Когда?', [{ text: 'Сегодня' }, { text: 'Завтра' }]);
    expect(poll.poll).toMatchObject({ question: 'Когда?', type: 'regular', is_closed: false, total_voter_count: 0 });
    expect(poll.poll.options.map((o) => o.text)).toEqual(['Сегодня', 'Завтра']);
    const quiz = await sandbox.bot.api.sendPoll(clientId, '2+2?', [{ text: '4' }, { text: '5' }], { type: 'quiz', correct_option_ids: [0] } as never);
    expect(quiz.poll.correct_option_ids).toEqual([0]);
    const dice = await sandbox.bot.api.sendDice(clientId, '🎯');
    expect(dice.dice.emoji).toBe('🎯');
    expect(dice.dice.value).toBeGreaterThanOrEqual(1);
    expect(dice.dice.value).toBeLessThanOrEqual(6);
    const venue = await sandbox.bot.api.sendVenue(clientId, 55.75, 37.61, 'Офис', 'Тверская, 1');
    expect(venue.venue).toMatchObject({ title: 'Офис', address: 'Тверская, 1', location: { latitude: 55.75 } });
    expect(venue.location).toMatchObject({ latitude: 55.75, longitude: 37.61 });
  });

  it('refuses a poll with one option, a quiz without its answer and an unknown die', async () => {
    expect(await refusal(sandbox.bot.api.sendPoll(clientId, 'Q', [{ text: 'A' }]))).toEqual([400, 'Bad Request: poll must have at least 2 option']);
    expect(await refusal(sandbox.bot.api.sendPoll(clientId, 'Q', [{ text: 'A' }, { text: 'B' }], { type: 'quiz' }))).toEqual([
      400,
      'Bad Request: wrong correct option ID specified',
    ]);
    expect(await refusal(sandbox.bot.api.sendDice(clientId, '🐱'))).toEqual([400, 'Bad Request: wrong emoji specified']);
  });
});

describe("what copyMessage refuses: Bad Request: message can't be copied", () => {
  it('a quiz whose answer the bot does not know (forwarded to it, or a member’s quiz in a group)', async () => {
    const [forwarded] = await sandbox.control.sendMessage({
      from: clientId,
      forwarded_from: managerId,
      poll: { question: 'Код юаня?', options: ['CNY', 'RMB'], type: 'quiz', correct_option_id: 0 },
    });
    expect(await refusal(sandbox.bot.api.copyMessage(groupId, clientId, forwarded!.message_id))).toEqual(CANT_COPY);
    const [inGroup] = await sandbox.control.sendMessage({ from: managerId, chat_id: groupId, poll: { question: 'Q', options: ['A', 'B'], type: 'quiz', correct_option_id: 1 } });
    expect(await refusal(sandbox.bot.api.copyMessage(clientId, groupId, inGroup!.message_id))).toEqual(CANT_COPY);
  });

  it('copies a quiz sent (not forwarded) to the private chat with the bot, a regular poll, and the bot’s own quiz', async () => {
    const [own] = await sandbox.control.sendMessage({ from: clientId, poll: { question: 'Q', options: ['A', 'B'], type: 'quiz', correct_option_id: 1 } });
    const copy = await sandbox.bot.api.copyMessage(groupId, clientId, own!.message_id);
    expect(copy.message_id).toBeGreaterThan(0);
    const [regular] = await sandbox.control.sendMessage({ from: managerId, chat_id: groupId, poll: { question: 'Q', options: ['A', 'B'] } });
    await sandbox.bot.api.copyMessage(clientId, groupId, regular!.message_id);
    const botQuiz = await sandbox.bot.api.sendPoll(groupId, 'Q', [{ text: 'A' }, { text: 'B' }], { type: 'quiz', correct_option_ids: [0] } as never);
    await sandbox.bot.api.copyMessage(clientId, groupId, botQuiz.message_id);
  });

  it('a message with protected content', async () => {
    const sent = await sandbox.bot.api.sendMessage(groupId, 'секрет', { protect_content: true });
    expect(await refusal(sandbox.bot.api.copyMessage(clientId, groupId, sent.message_id))).toEqual(CANT_COPY);
  });

  it('copyMessages skips what it can’t copy ("they are skipped")', async () => {
    const text = await sandbox.bot.api.sendMessage(groupId, 'можно');
    const secret = await sandbox.bot.api.sendMessage(groupId, 'нельзя', { protect_content: true });
    const copies = await sandbox.bot.api.copyMessages(clientId, groupId, [text.message_id, secret.message_id]);
    expect(copies).toHaveLength(1);
  });
});

describe('editMessageMedia and a user replacing media', () => {
  it('the bot replaces a photo with a new file (a file_id or an upload); the same file and caption is "not modified"', async () => {
    const first = await sandbox.bot.api.sendPhoto(clientId, new InputFile(PNG, 'a.png'), { caption: 'Платёжка' });
    const second = await sandbox.bot.api.sendDocument(clientId, new InputFile(Buffer.from('%PDF-1.4 x'), 'b.pdf'));
    const edited = await sandbox.bot.api.editMessageMedia(clientId, first.message_id, { type: 'document', media: second.document.file_id, caption: 'Платёжка' });
    expect(edited === true ? undefined : edited.document?.file_unique_id).toBe(second.document.file_unique_id);
    expect(edited === true ? undefined : edited.photo).toBeUndefined();
    const again = await refusal(sandbox.bot.api.editMessageMedia(clientId, first.message_id, { type: 'document', media: second.document.file_id, caption: 'Платёжка' }));
    expect(again[1]).toMatch(/message is not modified/);
  });

  it('a user replaces their photo: the bot gets edited_message with the new photo', async () => {
    const [sent] = await sandbox.control.sendMessage({ from: clientId, media: { type: 'photo', size: 3000 }, caption: 'Платёжка' });
    const edited = await sandbox.control.editMessageMedia({ from: clientId, message_id: sent!.message_id, media: { type: 'photo', size: 4000 }, caption: 'Платёжка' });
    expect(edited.photo!.at(-1)!.file_unique_id).not.toBe(sent!.photo!.at(-1)!.file_unique_id);
    const updates = await sandbox.bot.api.getUpdates({ timeout: 0 });
    const update = updates.find((u) => u.edited_message?.message_id === sent!.message_id);
    expect(update?.edited_message?.photo?.at(-1)?.file_unique_id).toBe(edited.photo!.at(-1)!.file_unique_id);
    expect(update?.edited_message?.caption).toBe('Платёжка');
  });

  it('a user who changes name and username writes with the new profile', async () => {
    await sandbox.control.updateUser(clientId, { first_name: 'Иван', last_name: 'Петров', username: 'ivan_p' });
    await sandbox.control.sendMessage({ from: clientId, text: 'я' });
    const updates = await sandbox.bot.api.getUpdates({ timeout: 0 });
    expect(updates.at(-1)?.message?.from).toMatchObject({ first_name: 'Иван', last_name: 'Петров', username: 'ivan_p' });
  });
});
