import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TelegramEmulator } from '../../src/sandbox/emulator.js';
import { startEmulator } from '../../src/sandbox/standalone.js';
import * as controlSchemas from '../../src/sandbox/controlSchemas.js';
import { looseObjects } from '../../src/platform/strictInput.js';
import { startSandbox, TOKEN, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(() => sandbox.close());

describe('control API', () => {
  it('a key the control API does not know is a 400 naming it (body, nested object, query string), and the call is not done', async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${sandbox.apiRoot}/sandbox${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { error: string } };
    };
    const usersBefore = (await call('GET', '/users')).body;
    const created = await call('POST', '/users', { first_name: 'Ivan', lastname: 'Petrov' });
    expect(created).toEqual({ status: 400, body: { error: 'lastname: unknown key, remove it' } });
    expect((await call('GET', '/users')).body).toEqual(usersBefore);

    const client = await sandbox.control.createUser({ first_name: 'Ivan' });
    await sandbox.control.sendMessage({ from: client.id, text: 'hello' });
    const located = await call('POST', '/messages', { from: client.id, location: { latitude: 1, longitude: 2, altitude: 3 } });
    expect(located).toEqual({ status: 400, body: { error: 'location.altitude: unknown key, remove it' } });
    expect((await sandbox.control.transcript(client.id)).messages.map((m) => m.text)).toEqual(['hello']);
    const faults = await call('PUT', '/faults', { drop_rate: 1 });
    expect(faults.status).toBe(400);
    expect(faults.body.error).toMatch(/^drop_rate: unknown key, remove it/);

    expect(await call('GET', '/users?first_name=Ivan')).toEqual({ status: 400, body: { error: 'first_name: unknown query parameter, remove it' } });
    expect(await call('GET', `/chats/${client.id}?thread=1`)).toEqual({ status: 400, body: { error: 'thread: unknown key, remove it' } });
    expect(await call('POST', '/reset', { keep_bots: false })).toEqual({ status: 400, body: { error: 'keep_bots: unknown key, remove it' } });
    expect((await call('GET', '/users')).body).toContainEqual(expect.objectContaining({ id: client.id }));
    expect(await call('GET', `/chats/${client.id}?bot_id=${sandbox.botId}&bot_id=${sandbox.botId}`)).toEqual({ status: 400, body: { error: 'bot_id: query parameter given twice, keep one' } });
    // What the control API names is still taken.
    expect((await call('GET', `/chats/${client.id}?bot_id=${sandbox.botId}`)).status).toBe(200);
  });

  it('a body with a key given twice, a lone surrogate or bytes that are not UTF-8 is a 400 with the reason, and nothing is done; the Bot API routes are left as Telegram reads them', async () => {
    const raw = async (path: string, body: string | Buffer, contentType = 'application/json') => {
      const response = await fetch(`${sandbox.apiRoot}/sandbox${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
      return { status: response.status, body: (await response.json()) as { error: string } };
    };
    const users = async () => (await fetch(`${sandbox.apiRoot}/sandbox/users`)).json();
    const usersBefore = await users();
    expect(await raw('/users', '{"first_name":"Ivan","first_name":"Petr"}')).toEqual({ status: 400, body: { error: 'first_name: key given twice, keep one' } });
    expect(await raw('/users', '{"first_name":"\\ud800van"}')).toEqual({ status: 400, body: { error: 'first_name: not text (a lone UTF-16 surrogate such as "\\ud800"), send whole characters' } });
    expect(await raw('/users', Buffer.from([0x7b, 0x22, 0x66, 0x69, 0x72, 0x73, 0x74, 0x5f, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toEqual({
      status: 400,
      body: { error: 'body is not UTF-8: send the JSON encoded as UTF-8' },
    });
    expect(await raw('/users', '{"__proto__":{"x":1},"first_name":"Ivan"}')).toEqual({ status: 400, body: { error: '__proto__: unknown key, remove it' } });
    expect(await raw('/users', '{"first_name":')).toEqual({ status: 400, body: { error: 'body is not valid JSON' } });
    expect(await raw('/users', 'first_name=Ivan&first_name=Petr', 'application/x-www-form-urlencoded')).toEqual({
      status: 415,
      body: { error: 'the control API reads JSON bodies only: send Content-Type: application/json' },
    });
    expect(await raw('/users', '{"first_name":"Ivan"}', 'application/json; charset=latin1')).toEqual({
      status: 415,
      body: { error: 'charset latin1: the control API reads JSON as UTF-8 only, send charset=utf-8 or none' },
    });
    expect(await users()).toEqual(usersBefore);

    const client = await sandbox.control.createUser({ first_name: 'Ivan' });
    await sandbox.control.sendMessage({ from: client.id, text: 'hello' });
    expect(await raw('/messages', `{"from":${client.id},"text":"one","text":"two"}`)).toEqual({ status: 400, body: { error: 'text: key given twice, keep one' } });
    expect(await raw('/messages', `{"from":${client.id},"location":{"latitude":1,"latitude":2,"longitude":3}}`)).toEqual({ status: 400, body: { error: 'location.latitude: key given twice, keep one' } });
    expect((await sandbox.control.transcript(client.id)).messages.map((m) => m.text)).toEqual(['hello']);
    // A well-formed body is taken as before.
    expect((await raw('/users', '{"first_name":"Иван 😀"}')).status).toBe(200);
    expect((await raw('/users', '{"first_name":"Иван"}', 'application/json; charset=UTF-8')).status).toBe(200);

    // The Bot API keeps Telegram's reading of a body: the last of a duplicated key.
    const sent = await fetch(`${sandbox.apiRoot}/bot${TOKEN}/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"chat_id":${client.id},"text":"one","text":"two"}` });
    expect(((await sent.json()) as { ok: boolean; result: { text: string } }).result.text).toBe('two');
  });

  it('a chat id in the path that is not a number says so, instead of «chat NaN does not exist»', async () => {
    const response = await fetch(`${sandbox.apiRoot}/sandbox/chats/abc`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('chat_id "abc" is not a number: an integer id is needed');
  });

  it('every object of every control API schema is strict (a new field cannot forget it)', () => {
    const loose = Object.entries(controlSchemas).flatMap(([name, schema]) => looseObjects(schema).map((path) => `${name} ${path}`));
    expect(loose).toEqual([]);
  });

  it('the event feed long-polls for changes', async () => {
    const { control } = sandbox;
    const client = await control.createUser({ first_name: 'Ivan' });
    const { last_seq } = await control.events();
    const next = control.events(last_seq, 10);
    await control.sendMessage({ from: client.id, text: 'hello' });
    const { events } = await next;
    expect(events[0]).toMatchObject({ type: 'message', chat_id: client.id, bot_id: sandbox.botId, message_id: 1 });
  });

  it('waitFor answers 408 with the last transcript when the condition does not hold', async () => {
    const client = await sandbox.control.createUser({ first_name: 'Ivan' });
    await sandbox.control.sendMessage({ from: client.id, text: 'hello' });
    await expect(sandbox.control.waitFor({ chat_id: client.id, min_count: 2, timeout_ms: 100 })).rejects.toMatchObject({
      status: 408,
      body: { transcript: { messages: [expect.objectContaining({ text: 'hello' })] } },
    });
  });

  it('users edit, delete and reply; the transcript shows it all', async () => {
    const { control, bot } = sandbox;
    const client = await control.createUser({ first_name: 'Ivan', last_name: 'Petrov' });
    const [first] = await control.sendMessage({ from: client.id, text: 'amount 1000' });
    await control.editMessage({ from: client.id, message_id: first!.message_id, text: 'amount 2000' });
    const [reply] = await control.sendMessage({ from: client.id, text: 'see above', reply_to_message_id: first!.message_id });
    const [gone] = await control.sendMessage({ from: client.id, location: { latitude: 55.75, longitude: 37.62 } });
    await control.deleteMessage({ from: client.id, message_id: gone!.message_id });

    const transcript = await control.transcript(client.id);
    expect(transcript.messages.map((m) => [m.text, m.deleted])).toEqual([
      ['amount 2000', false],
      ['see above', false],
      [undefined, true],
    ]);
    expect(transcript.messages[0]).toMatchObject({ edits: [{ text: 'amount 1000' }], from: { name: 'Ivan Petrov' } });
    expect(transcript.messages[1]!.reply_to_message_id).toBe(first!.message_id);
    expect(reply!.reply_to_message?.text).toBe('amount 2000');

    const kinds = (await bot.api.getUpdates()).map((u) => (u.edited_message ? 'edited_message' : 'message'));
    expect(kinds).toEqual(['message', 'edited_message', 'message', 'message']);
  });

  it('a caption edit replaces the caption and its entities', async () => {
    const { control } = sandbox;
    const client = await control.createUser({ first_name: 'Ivan' });
    const [photo] = await control.sendMessage({ from: client.id, media: { type: 'photo' }, caption: 'see #invoice' });
    expect(photo!.caption_entities).toEqual([{ type: 'hashtag', offset: 4, length: 8 }]);
    const edited = await control.editMessage({ from: client.id, message_id: photo!.message_id, caption: 'paid' });
    expect(edited.caption).toBe('paid');
    expect(edited.caption_entities).toBeUndefined();
    await expect(control.editMessage({ from: client.id, message_id: photo!.message_id, text: 'text?' })).rejects.toMatchObject({ status: 400 });
  });

  it('lists chats with topics and unread counts; marking read clears them', async () => {
    const { control, bot } = sandbox;
    const manager = await control.createUser({ first_name: 'Maria' });
    const group = await control.createGroup({ title: 'Managers', member_ids: [manager.id] });
    const topic = await bot.api.createForumTopic(group.id, 'Ivan');
    await bot.api.sendMessage(group.id, 'new client', { message_thread_id: topic.message_thread_id });

    let [summary] = (await control.listChats()).filter((c) => c.chat.id === group.id);
    expect(summary).toMatchObject({ unread_count: 1, topics: [{ name: 'Ivan', unread_count: 1 }] });
    await control.markRead(group.id, { message_thread_id: topic.message_thread_id });
    [summary] = (await control.listChats()).filter((c) => c.chat.id === group.id);
    expect(summary!.unread_count).toBe(0);
  });

  it('transcript media carry a download URL', async () => {
    const { control } = sandbox;
    const client = await control.createUser({ first_name: 'Ivan' });
    const bytes = Buffer.from('contract text');
    await control.sendMessage({ from: client.id, media: { type: 'document', base64: bytes.toString('base64'), file_name: 'contract.txt' } });
    const [message] = (await control.transcript(client.id)).messages;
    expect(message!.media).toMatchObject({ type: 'document', file_name: 'contract.txt', mime_type: 'text/plain', url: expect.stringMatching(/^\/tg\/sandbox\/files\//) });
    expect(await control.download(message!.media!.file_id)).toEqual(bytes);
  });

  it('reset forgets people and chats but keeps the bot', async () => {
    const { control, bot } = sandbox;
    const client = await control.createUser({ first_name: 'Ivan' });
    await control.sendMessage({ from: client.id, text: 'hi' });
    await control.reset();
    expect(await control.listUsers()).toEqual([]);
    expect(await control.listChats()).toEqual([]);
    expect(await bot.api.getUpdates()).toEqual([]);
    expect((await bot.api.getMe()).username).toBe('hotline_test_bot');
  });
});

describe('snapshot', () => {
  it('the sandbox survives a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-sandbox-'));
    const snapshotFile = path.join(dir, 'sandbox.json');
    const first = await startEmulator({ snapshotFile });
    first.emulator.createBot({ token: TOKEN, username: 'hotline_test_bot', firstName: 'Hotline' });
    const client = await first.control.createUser({ first_name: 'Ivan' });
    await first.control.sendMessage({ from: client.id, media: { type: 'photo', size: 500 }, caption: 'kept' });
    await first.close();
    expect(fs.readdirSync(`${snapshotFile}.files`)).toHaveLength(1);

    const restored = new TelegramEmulator({ snapshotFile });
    const again = await startEmulator({ snapshotFile });
    try {
      const transcript = await again.control.transcript(client.id);
      expect(transcript.messages[0]).toMatchObject({ caption: 'kept', media: { type: 'photo' } });
      expect((await again.control.download(transcript.messages[0]!.media!.file_id)).length).toBe(500);
      expect(restored.bot()?.queue.size).toBe(1);
      const next = await again.control.createUser({ first_name: 'Olga' });
      expect(next.id).toBe(client.id + 1);
    } finally {
      await again.close();
      await restored.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
