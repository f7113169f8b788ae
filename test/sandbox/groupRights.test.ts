/**
 * A group the bot cannot post into as Telegram makes it: the bot restricted
 * (or the chat's defaults forbidding a kind of content), and a basic group
 * upgraded to a supergroup — each with the Bot API's exact answer and the
 * updates the bot gets.
 */
import { GrammyError, InputFile } from 'grammy';
import type { Update } from '@grammyjs/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PNG, startSandbox, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
let ownerId: number;

beforeEach(async () => {
  sandbox = await startSandbox();
  ownerId = (await sandbox.control.createUser({ first_name: 'Мария' })).id;
});
afterEach(() => sandbox.close());

async function answer(call: Promise<unknown>): Promise<[number, string, unknown]> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  const grammy = error as GrammyError;
  return [grammy.error_code, grammy.description, grammy.parameters.migrate_to_chat_id];
}

async function updates(): Promise<Update[]> {
  const all = await sandbox.bot.api.getUpdates({ timeout: 0 });
  if (all.length) await sandbox.bot.api.getUpdates({ offset: all.at(-1)!.update_id + 1, timeout: 0 });
  return all;
}

describe('a bot without the right to send', () => {
  it('restricted: each kind is refused with its own wording, my_chat_member says so, and lifting it lets the bot post again', async () => {
    const group = await sandbox.control.createGroup({ title: 'Менеджеры', member_ids: [ownerId], bot_ids: [sandbox.botId] });
    const { api } = sandbox.bot;
    const client = (await sandbox.control.createUser({ first_name: 'Ivan' })).id;
    const [photo] = await sandbox.control.sendMessage({ from: client, media: { type: 'photo' } });
    await updates();

    await sandbox.control.addMember(group.id, { user_id: sandbox.botId, status: 'restricted', permissions: { can_send_photos: true } });
    const [restricted] = await updates();
    expect(restricted?.my_chat_member).toMatchObject({
      chat: { id: group.id },
      from: { id: ownerId },
      old_chat_member: { status: 'administrator' },
      new_chat_member: { status: 'restricted', can_send_messages: false, can_send_photos: true, is_member: true },
    });
    expect(await answer(api.sendMessage(group.id, 'hi'))).toEqual([400, 'Bad Request: not enough rights to send text messages to the chat', undefined]);
    expect(await answer(api.sendDocument(group.id, new InputFile(Buffer.from('x'), 'a.txt')))).toEqual([
      400,
      'Bad Request: not enough rights to send documents to the chat',
      undefined,
    ]);
    expect(await answer(api.sendLocation(group.id, 55.75, 37.61))).toEqual([400, 'Bad Request: not enough rights to send locations to the chat', undefined]);
    expect(await answer(api.sendPoll(group.id, 'Q?', [{ text: 'a' }, { text: 'b' }]))).toEqual([400, 'Bad Request: not enough rights to send polls to the chat', undefined]);
    // A photo is its own right; a copy is judged by what it would post.
    await expect(api.sendPhoto(group.id, new InputFile(PNG, 'p.png'))).resolves.toMatchObject({ chat: { id: group.id } });
    await expect(api.copyMessage(group.id, client, photo!.message_id)).resolves.toHaveProperty('message_id');

    await sandbox.control.addMember(group.id, { user_id: sandbox.botId, status: 'administrator' });
    expect((await updates())[0]?.my_chat_member?.new_chat_member.status).toBe('administrator');
    await expect(api.sendMessage(group.id, 'back')).resolves.toMatchObject({ text: 'back' });
  });

  it("the chat's default permissions bind members who are no administrators, never administrators", async () => {
    const group = await sandbox.control.createGroup({ title: 'Чат', member_ids: [ownerId], bot_ids: [sandbox.botId], is_forum: false });
    await sandbox.control.setChatPermissions(group.id, { can_send_messages: true, can_send_photos: false });
    await expect(sandbox.bot.api.sendPhoto(group.id, new InputFile(PNG, 'p.png'))).resolves.toBeTruthy();
    await sandbox.control.addMember(group.id, { user_id: sandbox.botId, status: 'member' });
    expect(await answer(sandbox.bot.api.sendPhoto(group.id, new InputFile(PNG, 'p.png')))).toEqual([400, 'Bad Request: not enough rights to send photos to the chat', undefined]);
    await expect(sandbox.bot.api.sendMessage(group.id, 'text is allowed')).resolves.toBeTruthy();
  });
});

describe('a basic group upgraded to a supergroup', () => {
  it('has no topics; upgraded, the bot gets migrate_to/migrate_from, writes to the old id answer migrate_to_chat_id, the new forum works', async () => {
    const { api } = sandbox.bot;
    const basic = await sandbox.control.createGroup({ title: 'Менеджеры', member_ids: [ownerId], bot_ids: [sandbox.botId], type: 'group' });
    expect(basic.type).toBe('group');
    expect(basic.id).toBeGreaterThan(-1_000_000_000_000);
    expect(await answer(api.createForumTopic(basic.id, 'Тема'))).toEqual([400, 'Bad Request: the chat is not a forum', undefined]);
    await api.sendMessage(basic.id, 'before');
    await updates();

    const upgraded = await sandbox.control.upgradeGroup(basic.id, { is_forum: true });
    expect(upgraded).toMatchObject({ type: 'supergroup', is_forum: true, title: 'Менеджеры' });
    expect(String(upgraded.id)).toMatch(/^-100\d+$/);
    const migration = (await updates()).map((u) => u.message);
    expect(migration).toEqual([
      expect.objectContaining({ chat: expect.objectContaining({ id: basic.id, type: 'group' }), migrate_to_chat_id: upgraded.id, from: expect.objectContaining({ id: ownerId }) }),
      expect.objectContaining({ chat: expect.objectContaining({ id: upgraded.id, type: 'supergroup' }), migrate_from_chat_id: basic.id }),
    ]);

    for (const call of [api.sendMessage(basic.id, 'after'), api.createForumTopic(basic.id, 'Тема'), api.sendPhoto(basic.id, new InputFile(PNG, 'p.png'))]) {
      expect(await answer(call)).toEqual([400, 'Bad Request: group chat was upgraded to a supergroup chat', upgraded.id]);
    }
    // The bot is an administrator there as it was in the group: it may create topics and post in them.
    const topic = await api.createForumTopic(upgraded.id, 'Тема');
    await expect(api.sendMessage(upgraded.id, 'in the topic', { message_thread_id: topic.message_thread_id })).resolves.toMatchObject({ is_topic_message: true });
  });
});

describe('a bot demoted to a plain member, or without Manage Topics', () => {
  it('demoted: my_chat_member says "member", and in privacy mode it gets a manager\'s reply to it but not his plain message; privacy off (BotFather) it gets both', async () => {
    const group = await sandbox.control.createGroup({ title: 'Менеджеры', member_ids: [ownerId], bot_ids: [sandbox.botId] });
    const { api } = sandbox.bot;
    const posted = await api.sendMessage(group.id, 'карточка');
    await updates();
    await sandbox.control.addMember(group.id, { user_id: sandbox.botId, status: 'member' });
    const [demoted] = await updates();
    expect(demoted!.my_chat_member).toMatchObject({ old_chat_member: { status: 'administrator' }, new_chat_member: { status: 'member' } });
    expect((await api.getMe()).can_read_all_group_messages).toBe(false);

    await sandbox.control.sendMessage({ from: ownerId, chat_id: group.id, text: 'простой ответ' });
    await sandbox.control.sendMessage({ from: ownerId, chat_id: group.id, text: 'ответ боту', reply_to_message_id: posted.message_id });
    expect((await updates()).map((u) => u.message?.text)).toEqual(['ответ боту']);

    await sandbox.control.setPrivacy(sandbox.botId, { enabled: false });
    expect((await api.getMe()).can_read_all_group_messages).toBe(true);
    await sandbox.control.sendMessage({ from: ownerId, chat_id: group.id, text: 'ещё ответ' });
    expect((await updates()).map((u) => u.message?.text)).toEqual(['ещё ответ']);
    await expect(sandbox.control.setPrivacy(424242, { enabled: false })).rejects.toMatchObject({ status: 404 });
  });

  it('an administrator without can_manage_topics: createForumTopic is refused, its own topic still takes its messages', async () => {
    const group = await sandbox.control.createGroup({ title: 'Менеджеры', member_ids: [ownerId], bot_ids: [sandbox.botId] });
    const { api } = sandbox.bot;
    const own = await api.createForumTopic(group.id, 'Клиент');
    await sandbox.control.addMember(group.id, { user_id: sandbox.botId, status: 'administrator', rights: { can_manage_chat: true, can_pin_messages: true, can_delete_messages: true } });
    expect(await answer(api.createForumTopic(group.id, 'Новый клиент'))).toEqual([400, 'Bad Request: not enough rights to create a topic', undefined]);
    expect(await api.getChatMember(group.id, sandbox.botId)).toMatchObject({ status: 'administrator', can_manage_topics: false });
    await api.sendMessage(group.id, 'в своей теме', { message_thread_id: own.message_thread_id });
  });
});

describe('another member\'s change', () => {
  it('reaches an administrator bot as chat_member only when it asks for it; a bot that is only a member hears nothing', async () => {
    const group = await sandbox.control.createGroup({ title: 'Менеджеры', member_ids: [ownerId], bot_ids: [sandbox.botId] });
    const ivan = (await sandbox.control.createUser({ first_name: 'Ivan' })).id;
    await updates();
    // Not asked for (allowed_updates not set): nothing, as Telegram's opt-in kinds.
    await sandbox.control.addMember(group.id, { user_id: ivan });
    expect((await updates()).filter((u) => u.chat_member)).toEqual([]);

    await sandbox.bot.api.getUpdates({ timeout: 0, allowed_updates: ['message', 'chat_member'] });
    await sandbox.control.addMember(group.id, { user_id: ivan, status: 'left' });
    const [left] = await updates();
    expect(left?.chat_member).toMatchObject({
      chat: { id: group.id },
      from: { id: ownerId },
      old_chat_member: { status: 'member', user: { id: ivan } },
      new_chat_member: { status: 'left', user: { id: ivan } },
    });

    // Demoted to a plain member, the bot no longer hears of others' changes.
    await sandbox.control.addMember(group.id, { user_id: sandbox.botId, status: 'member' });
    await updates();
    await sandbox.control.addMember(group.id, { user_id: ivan });
    expect((await updates()).filter((u) => u.chat_member)).toEqual([]);
  });
});

describe('a member without the right to send', () => {
  it('restricted, or under the chat\'s defaults: what they may not send is refused as their app refuses it — nothing posted, no update; admins still post', async () => {
    const member = (await sandbox.control.createUser({ first_name: 'Пётр' })).id;
    const group = await sandbox.control.createGroup({ title: 'Менеджеры', member_ids: [ownerId, member], bot_ids: [sandbox.botId] });
    await sandbox.control.addMember(group.id, { user_id: member, status: 'restricted', permissions: { can_send_photos: true } });
    await updates();

    const refused = await sandbox.control.sendMessage({ from: member, chat_id: group.id, text: '/take' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ status: 403, message: 'sandbox control: 403 not enough rights to send text messages to the chat' });
    const [photo] = await sandbox.control.sendMessage({ from: member, chat_id: group.id, media: { type: 'photo' } });
    expect((await updates()).map((u) => u.message?.message_id)).toEqual([photo!.message_id]);

    // Lifted, then the chat's defaults forbid texts to every member who is no administrator.
    await sandbox.control.addMember(group.id, { user_id: member, status: 'member' });
    await sandbox.control.setChatPermissions(group.id, { can_send_messages: false });
    await updates();
    await expect(sandbox.control.sendMessage({ from: member, chat_id: group.id, text: 'Привет' })).rejects.toMatchObject({ status: 403 });
    const [fromOwner] = await sandbox.control.sendMessage({ from: ownerId, chat_id: group.id, text: 'Привет' });
    expect((await updates()).map((u) => u.message?.message_id)).toEqual([fromOwner!.message_id]);
  });
});
