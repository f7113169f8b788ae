/**
 * Nobody but a person acts in the managers' group. An administrator with
 * «Remain anonymous» on writes as the group itself (Telegram: `from` is
 * GroupAnonymousBot, id 1087968824, `is_bot`; `sender_chat` the supergroup),
 * and a member may write as a channel (`from` Channel_Bot, `sender_chat` the
 * channel). Hotline used to make one shared manager account for the stand-in
 * and let every anonymous /take, /close or answer run under it («Group» took
 * dialogs). Now such a message changes nothing, reaches no client, and gets a
 * reply under it saying why and what to do (core/sender.ts, telegram/senders.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '@grammyjs/types';
import { eq, inArray } from 'drizzle-orm';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { dialogs, messages, users } from '../../src/db/schema.js';

const GROUP_ANONYMOUS_BOT = 1087968824;
const CHANNEL_BOT = 136817688;
const NOT_A_PERSON = 'Не принято: вы пишете анонимно или от имени канала. Администратор — отключите «Анонимность» в своих правах, участник — выберите себя в «Отправить как», и повторите от своего имени.';

let t: TelegramWorld;
/** An administrator of the managers' group with «Remain anonymous» on. */
let anonymous: User;
/** A member who writes as their channel. */
let channelOwner: User;
beforeAll(async () => {
  t = await startTelegramWorld();
  anonymous = await t.control.createUser({ first_name: 'Анна', last_name: 'Админ', username: 'anna_admin' });
  await t.control.addMember(t.group, { user_id: anonymous.id, status: 'administrator', rights: { is_anonymous: true, can_manage_topics: true, can_pin_messages: true } });
  channelOwner = await t.control.createUser({ first_name: 'Кирилл', username: 'kirill_channel' });
  await t.control.addMember(t.group, { user_id: channelOwner.id });
});
afterAll(async () => {
  await t?.stop();
});

async function newDialog(name: string, text: string) {
  const client = await t.newClient(name);
  await t.control.sendMessage({ from: client.id, text });
  const topic = await t.waitForTopic(client, { textIncludes: text });
  const [dialog] = await t.hotline.database().db.select().from(dialogs).where(eq(dialogs.topicId, topic.threadId));
  return { client, topic, dialogId: dialog!.id };
}

/** The bot's reply under `messageId` in the topic, once it is there. */
async function replyUnder(threadId: number, messageId: number) {
  await expect
    .poll(async () => visible(await t.control.transcript(t.group, { thread_id: threadId })).find((m) => m.from?.id === t.bot.id && m.reply_to_message_id === messageId)?.text, { timeout: 15_000 })
    .toBe(NOT_A_PERSON);
}

const dialogState = async (dialogId: number) => {
  const [row] = await t.hotline.database().db.select({ status: dialogs.status, ownerUserId: dialogs.ownerUserId }).from(dialogs).where(eq(dialogs.id, dialogId));
  return row!;
};

const standInAccounts = () =>
  t.hotline.database().db.select({ id: users.id }).from(users).where(inArray(users.telegramUserId, [GROUP_ANONYMOUS_BOT, CHANNEL_BOT]));

describe('an anonymous administrator or a channel in the managers\' group', () => {
  it('an anonymous answer in a client\'s topic is not relayed, not stored, gets the reply; its edit changes nothing', async () => {
    const { client, topic } = await newDialog('Аноним-Ответ', 'Когда будет платёж?');
    const [sent] = await t.control.sendMessage({ from: anonymous.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Платёж завтра' });
    // The emulator writes it as Telegram does: the group itself speaks, through GroupAnonymousBot.
    expect(sent!.from).toMatchObject({ id: GROUP_ANONYMOUS_BOT, is_bot: true, username: 'GroupAnonymousBot' });
    expect(sent!.sender_chat?.id).toBe(t.group);
    await replyUnder(topic.threadId, sent!.message_id);
    await t.control.editMessage({ from: anonymous.id, chat_id: t.group, message_id: sent!.message_id, text: 'Платёж послезавтра' });

    // A person's answer after it goes through (and shows that everything before it was handled).
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Здравствуйте, проверяю' });
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Здравствуйте, проверяю' });
    const toClient = visible(await t.control.transcript(client.id)).map((m) => m.text ?? '');
    expect(toClient.some((text) => text.includes('Платёж'))).toBe(false);
    const stored = await t.hotline.database().db.select({ id: messages.id }).from(messages).where(eq(messages.authorTelegramId, GROUP_ANONYMOUS_BOT));
    expect(stored).toEqual([]);
    // One reply, not another for the edit.
    const replies = visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).filter((m) => m.text === NOT_A_PERSON);
    expect(replies).toHaveLength(1);
    expect(await standInAccounts()).toEqual([]);
  });

  it('anonymous /take, /close, /assign and /help change nothing and get the reply; a manager afterwards still works', async () => {
    const { topic, dialogId } = await newDialog('Аноним-Команды', 'Нужен курс на сегодня');
    const before = await dialogState(dialogId);
    expect(before).toEqual({ status: 'open', ownerUserId: null });
    const type = (from: User, text: string) => t.control.sendMessage({ from: from.id, chat_id: t.group, message_thread_id: topic.threadId, text });

    for (const command of ['/take', '/close', '/assign @maria_manager', '/help']) {
      const [sent] = await type(anonymous, command);
      await replyUnder(topic.threadId, sent!.message_id);
    }
    expect(await dialogState(dialogId)).toEqual(before);
    expect(await standInAccounts()).toEqual([]);
    // No «Group» took it in the topic either.
    expect(visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).some((m) => m.text?.includes('Диалог ведёт'))).toBe(false);

    // The same administrator writing as herself, and the manager, act as always.
    await type(t.manager, '/take');
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: '👤 Диалог ведёт Мария Менеджер.' });
    await type(t.manager, '/close');
    await expect.poll(async () => (await dialogState(dialogId)).status, { timeout: 15_000 }).toBe('closed');
    const [manager] = await t.hotline.database().db.select({ id: users.id }).from(users).where(eq(users.telegramUserId, t.manager.id));
    expect((await dialogState(dialogId)).ownerUserId).toBe(manager!.id);
  });

  it('anonymous commands in General get the reply too; other chatter there is left alone', async () => {
    const [command] = await t.control.sendMessage({ from: anonymous.id, chat_id: t.group, text: '/shift on' });
    await expect
      .poll(async () => visible(await t.control.transcript(t.group)).find((m) => m.from?.id === t.bot.id && m.reply_to_message_id === command!.message_id)?.text, { timeout: 15_000 })
      .toBe(NOT_A_PERSON);
    expect(await standInAccounts()).toEqual([]);
  });

  it('an answer written as a channel is not relayed and gets the reply; no account is made for Channel_Bot', async () => {
    const { client, topic } = await newDialog('Канал-Ответ', 'Какие реквизиты?');
    const [sent] = await t.control.sendMessage({
      from: channelOwner.id,
      chat_id: t.group,
      message_thread_id: topic.threadId,
      text: 'Реквизиты в закрепе',
      send_as_channel: { title: 'Новости платежей', username: 'pay_news' },
    });
    expect(sent!.from).toMatchObject({ id: CHANNEL_BOT, is_bot: true });
    expect(sent!.sender_chat).toMatchObject({ type: 'channel', title: 'Новости платежей' });
    await replyUnder(topic.threadId, sent!.message_id);
    const [command] = await t.control.sendMessage({ from: channelOwner.id, chat_id: t.group, message_thread_id: topic.threadId, text: '/take', send_as_channel: { title: 'Новости платежей' } });
    await replyUnder(topic.threadId, command!.message_id);

    // The same member as himself is a manager like any other.
    await t.control.sendMessage({ from: channelOwner.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Пришлю реквизиты' });
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Пришлю реквизиты' });
    expect(visible(await t.control.transcript(client.id)).some((m) => m.text?.includes('в закрепе'))).toBe(false);
    expect(await standInAccounts()).toEqual([]);
  });
});
