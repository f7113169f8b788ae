/**
 * Messages sent on behalf of a chat, as Telegram delivers them (Bot API §
 * Message `from` and `sender_chat`): an administrator with «Remain anonymous»
 * writes as the supergroup itself (`from` GroupAnonymousBot, id 1087968824,
 * `is_bot`), a member may write as a channel (`from` Channel_Bot, id
 * 136817688); the real author still edits their message, and the edit comes
 * the same way.
 */
import type { Update } from '@grammyjs/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(() => sandbox.close());

async function updates(): Promise<Update[]> {
  const all = await sandbox.bot.api.getUpdates({ timeout: 0 });
  if (all.length) await sandbox.bot.api.getUpdates({ offset: all.at(-1)!.update_id + 1, timeout: 0 });
  return all;
}

describe('sent on behalf of a chat', () => {
  it('an anonymous administrator writes as the group; a plain member and an administrator without it write as themselves', async () => {
    const { control } = sandbox;
    const owner = await control.createUser({ first_name: 'Мария' });
    const anna = await control.createUser({ first_name: 'Анна' });
    const oleg = await control.createUser({ first_name: 'Олег' });
    const group = await control.createGroup({ title: 'Менеджеры', member_ids: [owner.id, anna.id, oleg.id], bot_ids: [sandbox.botId] });
    await control.addMember(group.id, { user_id: anna.id, status: 'administrator', rights: { is_anonymous: true, can_manage_topics: true } });
    await control.addMember(group.id, { user_id: oleg.id, status: 'administrator', rights: { can_manage_topics: true } });
    expect(await sandbox.bot.api.getChatMember(group.id, anna.id)).toMatchObject({ status: 'administrator', is_anonymous: true });
    await updates();

    const [anonymous] = await control.sendMessage({ from: anna.id, chat_id: group.id, text: 'Всем привет' });
    await control.sendMessage({ from: oleg.id, chat_id: group.id, text: 'Привет' });
    await control.editMessage({ from: anna.id, chat_id: group.id, message_id: anonymous!.message_id, text: 'Всем добрый день' });
    const got = await updates();
    const first = got[0]!.message!;
    expect(first.from).toEqual({ id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' });
    expect(first.sender_chat).toMatchObject({ id: group.id, type: 'supergroup', title: 'Менеджеры' });
    expect(got[1]!.message!.from?.id).toBe(oleg.id);
    expect(got[1]!.message!.sender_chat).toBeUndefined();
    expect(got[2]!.edited_message).toMatchObject({ text: 'Всем добрый день', from: { id: 1087968824 }, sender_chat: { id: group.id } });
    // Nobody else may edit it: the stand-in is no one's account.
    await expect(control.editMessage({ from: oleg.id, chat_id: group.id, message_id: anonymous!.message_id, text: 'x' })).rejects.toThrow(/only their own/);
  });

  it('a member writes as a channel', async () => {
    const { control } = sandbox;
    const owner = await control.createUser({ first_name: 'Мария' });
    const kirill = await control.createUser({ first_name: 'Кирилл' });
    const group = await control.createGroup({ title: 'Менеджеры', member_ids: [owner.id, kirill.id], bot_ids: [sandbox.botId] });
    await updates();
    await control.sendMessage({ from: kirill.id, chat_id: group.id, text: 'Новости', send_as_channel: { title: 'Канал Кирилла', username: 'kirill_news' } });
    const [update] = await updates();
    expect(update!.message!.from).toEqual({ id: 136817688, is_bot: true, first_name: 'Channel', username: 'Channel_Bot' });
    expect(update!.message!.sender_chat).toMatchObject({ type: 'channel', title: 'Канал Кирилла', username: 'kirill_news' });
    expect(update!.message!.sender_chat!.id).toBeLessThan(0);
  });
});
