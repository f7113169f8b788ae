/**
 * Conformance: grammY, telegraf and node-telegram-bot-api run the same script
 * against the emulator, and each step checks one Telegram rule (named beside
 * it, with its source: the Bot API docs, the Bot API server or TDLib) — the
 * places where issue 18 found the sandbox succeeding where Telegram fails, or
 * the reverse. The python-telegram-bot run is in python.test.ts.
 */
import type { Update } from '@grammyjs/types';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startEmulator, type StartedEmulator } from '../../../src/sandbox/standalone.js';
import { LIBRARIES, type Answer, type LibraryClient } from './clients.js';

const TOKEN = '7100000001:AAConformanceTokenForTheSandbox01';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function ok(answer: Answer): any {
  if (!answer.ok) throw new Error(`expected success, got ${answer.code} ${answer.description}`);
  return answer.result;
}

function refused(answer: Answer): { code: number; description: string } {
  if (answer.ok) throw new Error(`expected an error, got ${JSON.stringify(answer.result).slice(0, 200)}`);
  return answer;
}

describe.each(LIBRARIES.map((make) => [make(TOKEN, 'http://unused').name, make] as const))('%s against the emulator', (_name, make) => {
  let sandbox: StartedEmulator;
  let client: LibraryClient;
  let botId: number;
  let managerId: number;
  let customerId: number;
  let forumId: number;
  let offset = 0;

  /** Every update so far, confirmed, as the bot gets them. */
  async function updates(): Promise<Update[]> {
    const got = ok(await client.call('getUpdates', { offset, timeout: 0 })) as Update[];
    if (got.length) offset = got.at(-1)!.update_id + 1;
    return got;
  }

  beforeAll(async () => {
    sandbox = await startEmulator();
    // The documented root: `…/tg`, without a trailing slash (issue 18 §9: telegraf used to fail on it).
    client = make(TOKEN, sandbox.apiRoot);
    botId = sandbox.emulator.createBot({ token: TOKEN, username: 'conformance_bot', firstName: 'Conformance' }).id;
    managerId = (await sandbox.control.createUser({ first_name: 'Manager', username: 'manager_user' })).id;
    customerId = (await sandbox.control.createUser({ first_name: 'Customer' })).id;
    forumId = (await sandbox.control.createGroup({ title: 'Managers', member_ids: [managerId], bot_ids: [botId], is_forum: true })).id;
    await sandbox.control.sendMessage({ from: customerId, text: '/start' });
    await updates();
  });
  afterAll(() => sandbox.close());

  test('getMe through the documented root works, and says privacy mode is on', async () => {
    const me = ok(await client.call('getMe'));
    expect(me).toMatchObject({ id: botId, is_bot: true, can_read_all_group_messages: false });
  });

  test('privacy mode: a plain-member bot gets commands to it, mentions and replies to it — not the chatter (bot features § Privacy mode)', async () => {
    const group = await sandbox.control.createGroup({ title: 'Plain', member_ids: [managerId], bot_ids: [], is_forum: false });
    await sandbox.control.addMember(group.id, { user_id: botId, status: 'member' });
    await updates();
    await sandbox.control.sendMessage({ from: managerId, chat_id: group.id, text: 'just chatting' });
    await sandbox.control.sendMessage({ from: managerId, chat_id: group.id, text: '/help@conformance_bot' });
    await sandbox.control.sendMessage({ from: managerId, chat_id: group.id, text: 'hey @conformance_bot' });
    const own = ok(await client.call('sendMessage', { chat_id: group.id, text: 'I am here' }));
    await sandbox.control.sendMessage({ from: managerId, chat_id: group.id, text: 'a reply', reply_to_message_id: own.message_id });
    const texts = (await updates()).map((u) => u.message?.text);
    expect(texts).toEqual(['/help@conformance_bot', 'hey @conformance_bot', 'a reply']);

    // An administrator gets everything; so does a bot with privacy off (BotFather /setprivacy).
    sandbox.emulator.setPrivacy(botId, false);
    await sandbox.control.sendMessage({ from: managerId, chat_id: group.id, text: 'more chatter' });
    expect((await updates()).map((u) => u.message?.text)).toEqual(['more chatter']);
    sandbox.emulator.setPrivacy(botId, true);
  });

  test('the General topic: created topics never get id 1; General messages carry no thread fields (TDLib MessageTopic, ForumTopicInfo)', async () => {
    const topic = ok(await client.call('createForumTopic', { chat_id: forumId, name: 'First' }));
    expect(topic.message_thread_id).not.toBe(1);
    const inGeneral = ok(await client.call('sendMessage', { chat_id: forumId, message_thread_id: 1, text: 'to General' }));
    expect(inGeneral.message_thread_id).toBeUndefined();
    expect(inGeneral.is_topic_message).toBeUndefined();
    await sandbox.control.sendMessage({ from: managerId, chat_id: forumId, text: 'manager in General' });
    const [update] = (await updates()).filter((u) => u.message?.text === 'manager in General');
    expect(update!.message!.message_thread_id).toBeUndefined();
    expect(update!.message!.is_topic_message).toBeUndefined();

    // Hiding General closes it; a closed General takes no messages from plain members (Bot API hideGeneralForumTopic).
    ok(await client.call('hideGeneralForumTopic', { chat_id: forumId }));
    await expect(sandbox.control.sendMessage({ from: customerId, chat_id: forumId, text: 'x' })).rejects.toThrow();
    ok(await client.call('reopenGeneralForumTopic', { chat_id: forumId }));
    expect(refused(await client.call('reopenGeneralForumTopic', { chat_id: forumId })).description).toBe('Bad Request: TOPIC_NOT_MODIFIED');
  });

  test("topic rights: a topic's creator closes, reopens and posts in it without can_manage_topics (Bot API closeForumTopic, reopenForumTopic)", async () => {
    const group = await sandbox.control.createGroup({ title: 'Rights', member_ids: [managerId], bot_ids: [botId], is_forum: true });
    const own = ok(await client.call('createForumTopic', { chat_id: group.id, name: 'Own' }));
    const theirs = await sandbox.control.createTopic({ from: managerId, chat_id: group.id, name: 'Theirs' });
    await sandbox.control.addMember(group.id, { user_id: botId, status: 'administrator', rights: { can_pin_messages: true, can_delete_messages: true } });
    ok(await client.call('closeForumTopic', { chat_id: group.id, message_thread_id: own.message_thread_id }));
    ok(await client.call('sendMessage', { chat_id: group.id, message_thread_id: own.message_thread_id, text: 'still here' }));
    ok(await client.call('reopenForumTopic', { chat_id: group.id, message_thread_id: own.message_thread_id }));
    // …but someone else's topic needs the right, and creating one always does.
    expect(refused(await client.call('closeForumTopic', { chat_id: group.id, message_thread_id: theirs.message_thread_id })).code).toBe(400);
    expect(refused(await client.call('createForumTopic', { chat_id: group.id, name: 'New' })).code).toBe(400);
  });

  test('a forward carries the legacy fields beside forward_origin (Bot API server JsonMessage)', async () => {
    await sandbox.control.sendMessage({ from: customerId, text: 'forward me' });
    const [update] = (await updates()).filter((u) => u.message?.text === 'forward me');
    const forwarded = ok(await client.call('forwardMessage', { chat_id: forumId, from_chat_id: customerId, message_id: update!.message!.message_id }));
    expect(forwarded.forward_origin).toMatchObject({ type: 'user', sender_user: { id: customerId } });
    expect(forwarded.forward_from).toMatchObject({ id: customerId });
    expect(forwarded.forward_date).toBe(update!.message!.date);
    const many = ok(await client.call('forwardMessages', { chat_id: forumId, from_chat_id: customerId, message_ids: [update!.message!.message_id] }));
    expect(many).toHaveLength(1);
  });

  test('text is trimmed, counted in characters, and link URLs are normalized (TDLib fix_formatted_text, check_link)', async () => {
    const sent = ok(await client.call('sendMessage', { chat_id: customerId, text: '  hello  ' }));
    expect(sent.text).toBe('hello');
    const edit = refused(await client.call('editMessageText', { chat_id: customerId, message_id: sent.message_id, text: 'hello   ' }));
    expect(edit.description).toMatch(/^Bad Request: message is not modified/);
    ok(await client.call('sendMessage', { chat_id: customerId, text: '😀'.repeat(2500) }));
    expect(refused(await client.call('sendMessage', { chat_id: customerId, text: 'x'.repeat(4097) })).description).toBe('Bad Request: message is too long');
    const link = ok(await client.call('sendMessage', { chat_id: customerId, text: '<a href="example.com">site</a>', parse_mode: 'HTML' }));
    expect(link.entities).toEqual([{ type: 'text_link', offset: 0, length: 4, url: 'http://example.com/' }]);
  });

  test("MarkdownV2 and Markdown parse with Telegram's rules and errors; parse_mode \"None\" is plain text (TDLib parse_markdown_v2)", async () => {
    const error = refused(await client.call('sendMessage', { chat_id: customerId, text: 'Version 1.0', parse_mode: 'MarkdownV2' }));
    expect(error.description).toBe("Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'");
    const bold = ok(await client.call('sendMessage', { chat_id: customerId, text: '*Hi* v1\\.0', parse_mode: 'MarkdownV2' }));
    expect(bold).toMatchObject({ text: 'Hi v1.0', entities: [{ type: 'bold', offset: 0, length: 2 }] });
    const unclosed = refused(await client.call('sendMessage', { chat_id: customerId, text: 'a *b', parse_mode: 'MarkdownV2' }));
    expect(unclosed.description).toBe("Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 2");
    const legacy = ok(await client.call('sendMessage', { chat_id: customerId, text: '_it_ 1.0', parse_mode: 'Markdown' }));
    expect(legacy).toMatchObject({ text: 'it 1.0', entities: [{ type: 'italic', offset: 0, length: 2 }] });
    const none = ok(await client.call('sendMessage', { chat_id: customerId, text: '*not bold*', parse_mode: 'None' }));
    expect(none.text).toBe('*not bold*');
    expect(refused(await client.call('sendMessage', { chat_id: customerId, text: 'x', parse_mode: 'BBCode' })).description).toBe('Bad Request: unsupported parse_mode');
  });

  test('bad input is refused: an entity past the end, a non-image photo, an unknown chat action, administrators of a private chat', async () => {
    expect(refused(await client.call('sendMessage', { chat_id: customerId, text: 'abc', entities: [{ type: 'bold', offset: 1, length: 5 }] })).code).toBe(400);
    // With both, parse_mode wins (Bot API server get_formatted_text).
    const both = ok(await client.call('sendMessage', { chat_id: customerId, text: '<b>x</b>', parse_mode: 'HTML', entities: [{ type: 'italic', offset: 0, length: 1 }] }));
    expect(both.entities).toEqual([{ type: 'bold', offset: 0, length: 1 }]);
    if (client.uploads) {
      const notImage = refused(await client.call('sendPhoto', { chat_id: customerId, photo: client.file(Buffer.from('not a picture at all'), 'photo.jpg') }));
      expect(notImage.description).toBe('Bad Request: IMAGE_PROCESS_FAILED');
      ok(await client.call('sendPhoto', { chat_id: customerId, photo: client.file(PNG, 'dot.png') }));
      // The type follows the name's extension, not the part's declared type (TDLib MimeType::from_extension).
      const document = ok(await client.call('sendDocument', { chat_id: customerId, document: client.file(Buffer.from('%PDF-1.4'), 'terms.pdf') }));
      expect(document.document.mime_type).toBe('application/pdf');
    }
    expect(refused(await client.call('sendChatAction', { chat_id: customerId, action: 'dancing' })).description).toBe('Bad Request: wrong parameter action in request');
    expect(refused(await client.call('getChatAdministrators', { chat_id: customerId })).description).toBe('Bad Request: there are no administrators in the private chat');
  });

  test('a real method the sandbox does not emulate says so by name; a typo is 404 (issue 18 §7)', async () => {
    const game = refused(await client.call('sendGame', { chat_id: customerId, game_short_name: 'x' }));
    expect(game.code).toBe(400);
    expect(game.description).toContain('sendGame is not emulated');
    expect(refused(await client.call('sendMesage', { chat_id: customerId, text: 'x' })).code).toBe(404);
  });

  test('member management needs its rights; invite links work (Bot API banChatMember, promoteChatMember, createChatInviteLink)', async () => {
    const group = await sandbox.control.createGroup({ title: 'Members', member_ids: [managerId, customerId], bot_ids: [botId], is_forum: true });
    expect(refused(await client.call('banChatMember', { chat_id: group.id, user_id: customerId })).code).toBe(400);
    await sandbox.control.addMember(group.id, { user_id: botId, status: 'administrator', rights: { can_restrict_members: true, can_invite_users: true } });
    ok(await client.call('banChatMember', { chat_id: group.id, user_id: customerId }));
    expect(ok(await client.call('getChatMember', { chat_id: group.id, user_id: customerId })).status).toBe('kicked');
    ok(await client.call('unbanChatMember', { chat_id: group.id, user_id: customerId, only_if_banned: true }));
    expect(ok(await client.call('getChatMember', { chat_id: group.id, user_id: customerId })).status).toBe('left');
    const link = ok(await client.call('createChatInviteLink', { chat_id: group.id, name: 'clients' }));
    expect(link).toMatchObject({ name: 'clients', is_revoked: false, is_primary: false });
    expect(ok(await client.call('revokeChatInviteLink', { chat_id: group.id, invite_link: link.invite_link })).is_revoked).toBe(true);
  });

  test('after leaveChat a send is 403 "bot is not a member of the supergroup chat"', async () => {
    const group = await sandbox.control.createGroup({ title: 'Left', member_ids: [managerId], bot_ids: [botId], is_forum: false });
    ok(await client.call('leaveChat', { chat_id: group.id }));
    const answer = refused(await client.call('sendMessage', { chat_id: group.id, text: 'x' }));
    expect(answer).toEqual({ ok: false, code: 403, description: 'Forbidden: bot is not a member of the supergroup chat' });
  });

  test('smaller rules: "True"/"yes" booleans, $USD cashtags, <tg-time>, getMe-only fields absent from a message\'s from', async () => {
    const protectedMessage = ok(await client.call('sendMessage', { chat_id: customerId, text: 'secret', protect_content: 'True' }));
    expect(protectedMessage.has_protected_content).toBe(true);
    const cashtag = ok(await client.call('sendMessage', { chat_id: customerId, text: 'pay in $USD' }));
    expect(cashtag.entities).toEqual([{ type: 'cashtag', offset: 7, length: 4 }]);
    const time = ok(await client.call('sendMessage', { chat_id: customerId, text: '<tg-time unix="1647531900" format="t">22:45</tg-time>', parse_mode: 'HTML' }));
    expect(time.entities).toEqual([{ type: 'date_time', offset: 0, length: 5, unix_time: 1647531900, date_time_format: 't' }]);
    expect(protectedMessage.from).toEqual({ id: botId, is_bot: true, first_name: 'Conformance', username: 'conformance_bot' });
  });

  test('getUpdates waits at most 50 s, whatever timeout is asked (Bot API server)', async () => {
    await updates();
    const queue = sandbox.emulator.bot(botId)!.queue;
    const wait = vi.spyOn(queue, 'wait').mockResolvedValue(undefined as never);
    await client.call('getUpdates', { offset, timeout: 3600 });
    expect(wait).toHaveBeenCalledWith(50_000, expect.anything());
    wait.mockRestore();
  });
});
