/**
 * Webhook delivery side by side, as the Bot API server's WebhookActor
 * (tdlib/telegram-bot-api, telegram-bot-api/WebhookActor.cpp) does it: one
 * queue per chat (Client.cpp's `webhook_queue_id`), one update of a queue at a
 * time and in order, different queues at once on up to max_connections
 * connections; a failing queue waits alone; a 2xx confirms only its own update
 * (drop_event → TQueue::forget). Rules and sources: docs/sandbox.md,
 * § "Webhook delivery".
 *
 * Most tests drive a WebhookDeliverer over an UpdateQueue against a local
 * endpoint whose answers each test holds and releases; the last ones go
 * through the emulator's Bot API (setWebhook, getWebhookInfo, deleteWebhook,
 * getUpdates).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from '@grammyjs/types';
import { afterEach, describe, expect, it } from 'vitest';
import { UpdateQueue } from '../../src/sandbox/updates.js';
import { WebhookDeliverer, retryAfterSeconds, webhookQueueId } from '../../src/sandbox/webhook.js';
import { TOKEN, startSandbox, type Sandbox } from './helpers.js';

/** The body of an answer whose content-type is JSON (a method call for the emulator to run). */
let replyBody = '';

/** What the endpoint does with an update: answer a status (with headers) now, or hold the request until the test answers it. */
type Policy = (update: Update) => number | { status: number; headers: Record<string, string> } | 'hold';

interface Arrival {
  update: Update;
  answered: boolean;
  answer: (status: number, headers?: Record<string, string>) => void;
}

/** A webhook endpoint that records every request, the most requests it had open at once, and lets tests answer held ones. */
class Endpoint {
  readonly arrivals: Arrival[] = [];
  /** update_ids answered 2xx, in the order the answers went out. */
  readonly confirmed: number[] = [];
  open = 0;
  maxOpen = 0;
  url = '';
  private readonly server: http.Server;

  constructor(public policy: Policy = () => 200) {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const update = JSON.parse(body) as Update;
        this.open++;
        this.maxOpen = Math.max(this.maxOpen, this.open);
        const arrival: Arrival = {
          update,
          answered: false,
          answer: (status, headers = {}) => {
            if (arrival.answered) return;
            arrival.answered = true;
            this.open--;
            if (status >= 200 && status < 300) this.confirmed.push(update.update_id);
            res.writeHead(status, headers).end(headers['content-type'] === 'application/json' ? replyBody : undefined);
          },
        };
        this.arrivals.push(arrival);
        const decision = this.policy(update);
        if (typeof decision === 'number') arrival.answer(decision);
        else if (decision !== 'hold') arrival.answer(decision.status, decision.headers);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  held(): Arrival[] {
    return this.arrivals.filter((a) => !a.answered);
  }

  /** Texts of the requests so far, in arrival order (retries included). */
  texts(): string[] {
    return this.arrivals.map((a) => a.update.message?.text ?? '?');
  }

  close(): Promise<void> {
    for (const arrival of this.held()) arrival.answer(503);
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function endpoint(policy?: Policy): Promise<Endpoint> {
  const started = await new Endpoint(policy).start();
  cleanups.push(() => started.close());
  return started;
}

function deliverer(queue: UpdateQueue, retryBaseMs = 50): WebhookDeliverer {
  const webhook = new WebhookDeliverer(queue, { retryBaseMs, timeoutMs: 10_000, onReply: async () => undefined });
  cleanups.push(() => webhook.stop());
  return webhook;
}

/** A user's text message in the private chat `chatId` (a private chat's id is the user's). */
function message(chatId: number, text: string): NonNullable<Update['message']> {
  return {
    message_id: 1,
    date: 1_700_000_000,
    chat: { id: chatId, type: 'private', first_name: `user ${chatId}` },
    from: { id: chatId, is_bot: false, first_name: `user ${chatId}` },
    text,
  } as unknown as NonNullable<Update['message']>;
}

/** Long enough for a request the deliverer should not make to have arrived if it were made. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 250));

/** Delivers one update with 2xx first: the server uses one connection until an update has been delivered. */
async function warmUp(queue: UpdateQueue, hook: Endpoint): Promise<void> {
  queue.push('message', message(999, 'warm-up'));
  await expect.poll(() => hook.confirmed.length).toBe(1);
}

describe('webhook queues (telegram-bot-api Client.cpp webhook_queue_id)', () => {
  it('messages queue by chat; a button press by the user who pressed it; chat_member by the member; reactions by chat', () => {
    const chat: { id: number; type: 'supergroup'; title: string } = { id: -1002000000001, type: 'supergroup', title: 'Менеджеры' };
    const user = { id: 42, is_bot: false, first_name: 'Ivan' };
    const other = { id: 43, is_bot: false, first_name: 'Olga' };
    const inGroup = (text: string) => ({ update_id: 1, message: { ...message(1, text), chat } }) as Update;
    const press = (inChat: typeof chat | { id: number; type: 'private'; first_name: string }, from = user) =>
      ({ update_id: 1, callback_query: { id: '1', from, chat_instance: '1', message: { ...message(1, 'x'), chat: inChat } } }) as Update;
    const member = (memberUser: typeof user, inChat = chat) =>
      ({
        update_id: 1,
        chat_member: {
          chat: inChat,
          from: user,
          date: 1,
          old_chat_member: { status: 'member', user: memberUser },
          new_chat_member: { status: 'left', user: memberUser },
        },
      }) as Update;
    const SHIFT = 1n << 33n;

    expect(webhookQueueId(inGroup('a'))).toBe(BigInt(chat.id));
    expect(webhookQueueId({ update_id: 1, edited_message: { ...message(1, 'a'), chat, edit_date: 2 } } as Update)).toBe(BigInt(chat.id));
    expect(webhookQueueId({ update_id: 1, message: message(42, 'hi') })).toBe(42n);
    // A press is the presser's, whatever chat the button is in; another user's press is another queue.
    expect(webhookQueueId(press(chat))).toBe(42n + 3n * SHIFT);
    expect(webhookQueueId(press({ id: 42, type: 'private', first_name: 'Ivan' }))).toBe(42n + 3n * SHIFT);
    expect(webhookQueueId(press(chat, other))).toBe(43n + 3n * SHIFT);
    expect(webhookQueueId(member(other))).toBe(43n + 6n * SHIFT);
    expect(webhookQueueId(member(other, { ...chat, id: -1002000000002 }))).toBe(43n + 6n * SHIFT);
    const myChatMember = member(user);
    expect(webhookQueueId({ update_id: 1, my_chat_member: myChatMember.chat_member! })).toBe(BigInt(chat.id) + 5n * SHIFT);
    const reaction = { chat, message_id: 1, date: 1, old_reaction: [], new_reaction: [], user };
    expect(webhookQueueId({ update_id: 1, message_reaction: reaction } as Update)).toBe(BigInt(chat.id) + 8n * SHIFT);
  });
});

describe('webhook delivery side by side (WebhookActor send_updates, on_update_ok, on_update_error)', () => {
  it("two chats' updates are on their way at once, while one chat's go one at a time, in order", async () => {
    const queue = new UpdateQueue();
    const hook = await endpoint();
    deliverer(queue).set({ url: hook.url, maxConnections: 40 });
    await warmUp(queue, hook);

    hook.policy = () => 'hold';
    queue.push('message', message(1, 'a1'));
    queue.push('message', message(1, 'a2'));
    queue.push('message', message(2, 'b1'));
    // Chat 2 does not wait for chat 1's first answer; chat 1's second update does.
    await expect.poll(() => hook.held().map((a) => a.update.message?.text).sort()).toEqual(['a1', 'b1']);
    await settle();
    expect(hook.held().map((a) => a.update.message?.text).sort()).toEqual(['a1', 'b1']);

    hook.held().find((a) => a.update.message?.text === 'a1')!.answer(200);
    await expect.poll(() => hook.held().map((a) => a.update.message?.text).sort()).toEqual(['a2', 'b1']);
    for (const arrival of hook.held()) arrival.answer(200);
    await expect.poll(() => queue.size).toBe(0);
    expect(hook.texts().filter((t) => t.startsWith('a'))).toEqual(['a1', 'a2']);
    expect(hook.maxOpen).toBe(2);
  });

  it("a chat whose updates the endpoint answers 500 waits alone: another chat's updates go on, in order, and its own arrive later in order", async () => {
    const queue = new UpdateQueue();
    let chatOneFails = true;
    const hook = await endpoint((update) => (update.message?.chat.id === 1 && chatOneFails ? 500 : 200));
    const webhook = deliverer(queue, 100);
    webhook.set({ url: hook.url, maxConnections: 40 });

    queue.push('message', message(1, 'a1'));
    queue.push('message', message(1, 'a2'));
    queue.push('message', message(2, 'b1'));
    queue.push('message', message(2, 'b2'));
    queue.push('message', message(2, 'b3'));

    await expect.poll(() => hook.texts().filter((t) => t.startsWith('b'))).toEqual(['b1', 'b2', 'b3']);
    // a1 was retried (at once, then after 2 × 100 ms…), a2 never sent ahead of it; both still pending.
    await expect.poll(() => hook.texts().filter((t) => t === 'a1').length).toBeGreaterThanOrEqual(3);
    expect(hook.texts()).not.toContain('a2');
    expect(queue.pendingUpdates().map((u) => u.message?.text)).toEqual(['a1', 'a2']);
    expect(webhook.lastError?.message).toMatch(/^Wrong response from the webhook: 500/);

    chatOneFails = false;
    await expect.poll(() => queue.size, { timeout: 5000 }).toBe(0);
    expect(hook.confirmed.map((id) => hook.arrivals.find((a) => a.update.update_id === id)!.update.message?.text)).toEqual([
      'b1',
      'b2',
      'b3',
      'a1',
      'a2',
    ]);
  });

  it('a redirect is a failed delivery, never followed: the update stays and is sent again to the webhook', async () => {
    const queue = new UpdateQueue();
    let redirects = 2;
    const hook = await endpoint(() => (redirects-- > 0 ? { status: 302, headers: { location: '/elsewhere' } } : 200));
    const webhook = deliverer(queue, 10);
    webhook.set({ url: hook.url, maxConnections: 40 });
    queue.push('message', message(1, 'a1'));
    await expect.poll(() => queue.size).toBe(0);
    expect(hook.texts()).toEqual(['a1', 'a1', 'a1']);
    expect(webhook.lastError?.message).toBe('Wrong response from the webhook: 302 Found');
  });

  it('Retry-After is read as the server reads it: an integer of seconds, anything else 0', () => {
    expect(retryAfterSeconds('3')).toBe(3);
    expect(retryAfterSeconds(' 7 ')).toBe(7);
    expect(retryAfterSeconds('-4')).toBe(0);
    expect(retryAfterSeconds('2.5')).toBe(0);
    expect(retryAfterSeconds('1abc')).toBe(0);
    expect(retryAfterSeconds('Wed, 21 Oct 2026 07:28:00 GMT')).toBe(0);
    expect(retryAfterSeconds(null)).toBe(0);
  });

  it("a method in the webhook's answer runs beside the chat's next update, not before it", async () => {
    const queue = new UpdateQueue();
    const hook = await endpoint((update) => (update.message?.text === 'a1' ? { status: 200, headers: { 'content-type': 'application/json' } } : 200));
    let calls = 0;
    // The answer's method never finishes: the chat must not wait for it.
    const webhook = new WebhookDeliverer(queue, { retryBaseMs: 10, timeoutMs: 10_000, onReply: () => (calls++, new Promise<void>(() => undefined)) });
    cleanups.push(() => webhook.stop());
    webhook.set({ url: hook.url, maxConnections: 40 });
    replyBody = '{"method":"sendMessage","chat_id":1,"text":"ok"}';
    queue.push('message', message(1, 'a1'));
    queue.push('message', message(1, 'a2'));
    await expect.poll(() => queue.size).toBe(0);
    expect(hook.texts()).toEqual(['a1', 'a2']);
    expect(calls).toBeGreaterThanOrEqual(1);
  });

  it('a Retry-After header sets the pause of the failing queue only', async () => {
    const queue = new UpdateQueue();
    let firstA1 = true;
    // Without the header the first retry would come at once; Retry-After: 1 makes it a second.
    const hook = await endpoint((update) => {
      if (update.message?.text !== 'a1' || !firstA1) return 200;
      firstA1 = false;
      return { status: 429, headers: { 'retry-after': '1' } };
    });
    deliverer(queue, 10).set({ url: hook.url, maxConnections: 40 });

    const started = performance.now();
    queue.push('message', message(1, 'a1'));
    queue.push('message', message(2, 'b1'));
    await expect.poll(() => hook.confirmed.length).toBe(1);
    expect(hook.texts()).toEqual(['a1', 'b1']);
    await expect.poll(() => queue.size).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(hook.texts()).toEqual(['a1', 'b1', 'a1']);
  });

  it('max_connections 1 is strictly one request at a time, even for many chats', async () => {
    const queue = new UpdateQueue();
    const hook = await endpoint();
    deliverer(queue).set({ url: hook.url, maxConnections: 1 });
    await warmUp(queue, hook);

    hook.policy = () => 'hold';
    for (const chat of [1, 2, 3]) for (const n of [1, 2]) queue.push('message', message(chat, `${chat}.${n}`));
    for (let answered = 0; answered < 6; answered++) {
      await expect.poll(() => hook.held().length).toBe(1);
      await settle();
      expect(hook.held()).toHaveLength(1);
      hook.held()[0]!.answer(200);
    }
    await expect.poll(() => queue.size).toBe(0);
    expect(hook.maxOpen).toBe(1);
    // With one connection the queues take turns by wake-up time; each chat's own order holds.
    for (const chat of ['1', '2', '3']) expect(hook.texts().filter((t) => t.startsWith(chat))).toEqual([`${chat}.1`, `${chat}.2`]);
  });

  it('reads ahead until 2 × max_connections chats have updates loaded: a 5th chat waits behind 4 loaded ones, failing ones included', async () => {
    const queue = new UpdateQueue();
    const hook = await endpoint();
    deliverer(queue).set({ url: hook.url, maxConnections: 2 });
    await warmUp(queue, hook);

    hook.policy = () => 'hold';
    for (const chat of [1, 2, 3, 4, 5]) queue.push('message', message(chat, `c${chat}`));
    const held = () => hook.held().map((a) => a.update.message?.text).sort();
    await expect.poll(held).toEqual(['c1', 'c2']);
    await settle();
    expect(held()).toEqual(['c1', 'c2']);

    // Both fail: their retries are due at once, but c3 and c4 were loaded earlier and go first.
    for (const arrival of hook.held()) arrival.answer(500);
    await expect.poll(held).toEqual(['c3', 'c4']);
    // c3 and c4 done: only now is c5 read, after c1's and c2's retries were due, so those go first.
    for (const arrival of hook.held()) arrival.answer(200);
    await expect.poll(held).toEqual(['c1', 'c2']);
    expect(hook.texts()).not.toContain('c5');

    hook.policy = () => 200;
    for (const arrival of hook.held()) arrival.answer(200);
    await expect.poll(() => queue.size).toBe(0);
    expect(hook.texts().slice(-1)).toEqual(['c5']);
  });

  it('answers coming back out of order lose nothing and deliver nothing twice; each chat keeps its order', async () => {
    const queue = new UpdateQueue();
    const hook = await endpoint();
    deliverer(queue).set({ url: hook.url, maxConnections: 10 });
    await warmUp(queue, hook);

    hook.policy = () => 'hold';
    const pushed: string[] = [];
    for (let n = 1; n <= 6; n++) {
      for (const chat of [1, 2, 3, 4, 5]) {
        queue.push('message', message(chat, `${chat}.${n}`));
        pushed.push(`${chat}.${n}`);
      }
    }
    // Every chat with something left has one request on its way; answer the newest update first,
    // so chat 5 finishes before chat 1 has its first answer: completions run against the id order.
    const confirmedTexts = () => new Set(hook.confirmed.map((id) => hook.arrivals.find((a) => a.update.update_id === id)!.update.message?.text));
    const chatsLeft = () => new Set(pushed.filter((t) => !confirmedTexts().has(t)).map((t) => t.split('.')[0])).size;
    while (hook.confirmed.length < pushed.length + 1) {
      await expect.poll(() => hook.held().length).toBe(chatsLeft());
      hook.held().reduce((a, b) => (a.update.update_id > b.update.update_id ? a : b)).answer(200);
    }
    await expect.poll(() => queue.size).toBe(0);
    const delivered = hook.arrivals.filter((a) => a.update.message?.text !== 'warm-up');
    expect(delivered.map((a) => a.update.message?.text).sort()).toEqual([...pushed].sort());
    expect(new Set(delivered.map((a) => a.update.update_id)).size).toBe(pushed.length);
    for (const chat of ['1', '2', '3', '4', '5']) {
      expect(delivered.map((a) => a.update.message!.text!).filter((t) => t.startsWith(`${chat}.`))).toEqual(
        [1, 2, 3, 4, 5, 6].map((n) => `${chat}.${n}`),
      );
    }
    expect(hook.maxOpen).toBeGreaterThan(1);
  });
});

describe('UpdateQueue.forget (TQueue::forget)', () => {
  it('forgets one update out of order; the others stay, in order, for getUpdates', () => {
    const queue = new UpdateQueue();
    queue.chooseFirstId = () => 100;
    for (const text of ['a', 'b', 'c', 'd']) queue.push('message', message(1, text));
    expect(queue.forget(102)).toBe(true);
    expect(queue.forget(102)).toBe(false);
    expect(queue.forget(100)).toBe(true);
    expect(queue.has(101)).toBe(true);
    expect(queue.has(100)).toBe(false);
    expect(queue.size).toBe(2);
    expect(queue.peek(10).map((u) => u.update_id)).toEqual([101, 103]);
    queue.confirm(102);
    expect(queue.peek(10).map((u) => u.update_id)).toEqual([103]);
  });
});

describe('through the Bot API: getWebhookInfo, deleteWebhook, getUpdates', () => {
  let sandbox: Sandbox;

  async function start(): Promise<Sandbox> {
    sandbox = await startSandbox({ webhookRetryMs: 50 });
    cleanups.push(() => sandbox.close());
    return sandbox;
  }

  it('pending_update_count counts what is on its way or waiting, and drops by exactly what was answered 2xx', async () => {
    const { bot, control } = await start();
    const hook = await endpoint();
    await bot.api.setWebhook(hook.url, { max_connections: 40 });
    const ivan = await control.createUser({ first_name: 'Ivan' });
    const olga = await control.createUser({ first_name: 'Olga' });
    await control.sendMessage({ from: ivan.id, text: 'warm-up' });
    await expect.poll(async () => (await bot.api.getWebhookInfo()).pending_update_count).toBe(0);

    hook.policy = () => 'hold';
    for (const text of ['i1', 'i2', 'i3']) await control.sendMessage({ from: ivan.id, text });
    for (const text of ['o1', 'o2']) await control.sendMessage({ from: olga.id, text });
    await expect.poll(() => hook.held().map((a) => a.update.message?.text).sort()).toEqual(['i1', 'o1']);
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(5);

    hook.held().find((a) => a.update.message?.text === 'o1')!.answer(200);
    await expect.poll(() => hook.held().map((a) => a.update.message?.text).sort()).toEqual(['i1', 'o2']);
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(4);
    hook.held().find((a) => a.update.message?.text === 'i1')!.answer(500);
    await expect.poll(() => hook.held().map((a) => a.update.message?.text).sort()).toEqual(['i1', 'o2']);
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(4);

    hook.policy = () => 200;
    for (const arrival of hook.held()) arrival.answer(200);
    await expect.poll(async () => (await bot.api.getWebhookInfo()).pending_update_count).toBe(0);
  });

  it('deleteWebhook while updates are on their way cuts their connections: nothing is confirmed, every update stays for getUpdates, once each, in order', async () => {
    const { bot, control } = await start();
    const hook = await endpoint();
    await bot.api.setWebhook(hook.url);
    const ivan = await control.createUser({ first_name: 'Ivan' });
    const olga = await control.createUser({ first_name: 'Olga' });
    await control.sendMessage({ from: ivan.id, text: 'warm-up' });
    await expect.poll(async () => (await bot.api.getWebhookInfo()).pending_update_count).toBe(0);

    hook.policy = () => 'hold';
    await control.sendMessage({ from: ivan.id, text: 'i1' });
    await control.sendMessage({ from: ivan.id, text: 'i2' });
    await control.sendMessage({ from: olga.id, text: 'o1' });
    await expect.poll(() => hook.held().length).toBe(2);
    await bot.api.deleteWebhook();

    // The server closes the old WebhookActor's connections: an answer still coming is never read.
    hook.held().find((a) => a.update.message?.text === 'o1')?.answer(200);
    hook.held().find((a) => a.update.message?.text === 'i1')?.answer(500);
    await settle();
    const updates = await bot.api.getUpdates({ timeout: 0 });
    expect(updates.map((u) => u.message?.text)).toEqual(['i1', 'i2', 'o1']);
    expect(hook.texts()).not.toContain('i2');
  });

  it('setWebhook with the same settings again keeps delivery as it runs (no second set of connections); a changed one cuts the old and sends again', async () => {
    const { bot, control } = await start();
    const hook = await endpoint();
    await bot.api.setWebhook(hook.url, { max_connections: 2 });
    const users = await Promise.all(['A', 'B', 'C'].map((name) => control.createUser({ first_name: name })));
    await control.sendMessage({ from: users[0]!.id, text: 'warm-up' });
    await expect.poll(async () => (await bot.api.getWebhookInfo()).pending_update_count).toBe(0);

    hook.policy = () => 'hold';
    for (const user of users) await control.sendMessage({ from: user.id, text: `m${user.id}` });
    await expect.poll(() => hook.held().length).toBe(2);
    // Client::process_set_webhook_query: "Webhook is already set", the WebhookActor keeps running.
    const raw = await fetch(`${sandbox.apiRoot}/bot${TOKEN}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: hook.url, max_connections: 2 }),
    }).then((r) => r.json() as Promise<{ ok: boolean; description?: string }>);
    expect(raw).toEqual({ ok: true, result: true, description: 'Webhook is already set' });
    await settle();
    expect(hook.held().length).toBe(2);

    // A new max_connections is a new webhook: the two held are cut and sent again on the new one.
    await bot.api.setWebhook(hook.url, { max_connections: 3 });
    hook.policy = () => 200;
    for (const arrival of hook.held()) arrival.answer(200);
    await expect.poll(async () => (await bot.api.getWebhookInfo()).pending_update_count).toBe(0);
    const texts = hook.texts().filter((t) => t !== 'warm-up');
    expect(new Set(texts)).toEqual(new Set(users.map((u) => `m${u.id}`)));
  });
});
