/**
 * Webhook delivery for one bot, as the Bot API server's WebhookActor
 * (tdlib/telegram-bot-api, telegram-bot-api/WebhookActor.cpp) does it:
 *
 * - every update belongs to a queue (webhookQueueId: the chat for messages,
 *   the sender for button presses, …); updates of one queue go one at a time,
 *   in order, while different queues go side by side, on up to
 *   `maxConnections` connections (send_updates / send_update);
 * - it reads ahead of the bot's update queue until 2 × maxConnections queues
 *   have updates loaded (start_up, load_updates);
 * - a 2xx answer forgets (confirms) that one update (on_update_ok →
 *   drop_event → TQueue::forget); anything else — another status, a network
 *   error, a timeout — puts only that update's queue to wait and retries it
 *   (on_update_error), while the other queues go on;
 * - one connection until an update has been delivered, and again once the last
 *   success is more than 10 s old (create_new_connections).
 *
 * Each request carries X-Telegram-Bot-Api-Secret-Token when a secret is set.
 * The sandbox-specific choices (what a setWebhook or deleteWebhook does to
 * deliveries on their way, what is not emulated) are in docs/sandbox.md,
 * § "Webhook delivery".
 */
import type { Update } from '@grammyjs/types';
import type { UpdateQueue } from './updates.js';

export interface WebhookConfig {
  url: string;
  secretToken?: string;
  /** setWebhook's max_connections: 1–100, 40 by default (Bot API docs, setWebhook). */
  maxConnections: number;
}

export interface WebhookOptions {
  /**
   * The retry pause's unit, in ms: the Bot API server's 1 s (`Update::delay_`
   * starts at 1 in WebhookActor::load_updates). After a failed delivery the
   * update is retried at once the first time, then after 2, 4, 8… units,
   * up to a random 60–120 s (WebhookActor::on_update_error). Tests make it short.
   */
  retryBaseMs: number;
  /** How long one delivery may take, in ms; then it counts as failed (a network error). */
  timeoutMs: number;
  /** Telegram lets the webhook answer with a method call; the emulator runs it. */
  onReply: (call: Record<string, unknown>) => Promise<void>;
  /** A monotonic clock in ms (default `performance.now`); tests may replace it. */
  now?: () => number;
}

/**
 * A queue's identity. Numbers as the Bot API server computes them (int64 as
 * bigint), or a string for what has no numeric id (a poll id that is not a
 * number) or needs a queue of its own.
 */
export type WebhookQueueId = bigint | string;

/** telegram-bot-api Client.cpp: the per-kind offsets added to a user or chat id, `k << 33`. */
const shifted = (id: number | string, k: number): bigint => BigInt(id) + (BigInt(k) << 33n);

/**
 * Which webhook queue an update goes to: updates of one queue are delivered one
 * at a time in order, different queues side by side. Each rule is the
 * `webhook_queue_id` argument of `add_update` in telegram-bot-api Client.cpp:
 *
 * - message, edited_message, channel_post, edited_channel_post: the chat id
 *   (Client::process_new_message_queue);
 * - inline_query: sender + 1<<33 (add_new_inline_query); chosen_inline_result:
 *   sender + 2<<33 (add_new_chosen_inline_result); callback_query: the presser
 *   (user) + 3<<33, in every chat (process_new_callback_query_queue,
 *   add_new_inline_callback_query); shipping_query, pre_checkout_query:
 *   sender + 4<<33 (add_new_shipping_query, add_new_pre_checkout_query);
 * - my_chat_member: chat + 5<<33; chat_member: the member whose status
 *   changed + 6<<33, in every chat (add_update_chat_member); chat_join_request:
 *   the user + 6<<33 (add_update_chat_join_request); chat_boost,
 *   removed_chat_boost: chat + 7<<33 (add_update_chat_boost);
 *   message_reaction: chat + 8<<33 (add_update_message_reaction);
 *   message_reaction_count: chat + 9<<33 (add_update_message_reaction_count);
 * - business_connection: user + 10<<33 (add_update_business_connection);
 *   business_message, edited_business_message, deleted_business_messages:
 *   chat + 11<<33 (process_new_business_message_queue,
 *   add_update_business_messages_deleted);
 * - poll, poll_answer: the poll id (add_update_poll, add_update_poll_answer).
 *
 * A kind not confirmed from the source gets the conservative rule: the chat's
 * queue (the chat id, as its messages), else the user's, else a queue of its
 * own (queue id 0 in the server: `unique_queue_id_++` in load_updates).
 */
export function webhookQueueId(update: Update): WebhookQueueId | undefined {
  const u = update as Update & Record<string, unknown>;
  const message = u.message ?? u.edited_message ?? u.channel_post ?? u.edited_channel_post;
  if (message) return BigInt(message.chat.id);
  if (u.inline_query) return shifted(u.inline_query.from.id, 1);
  if (u.chosen_inline_result) return shifted(u.chosen_inline_result.from.id, 2);
  if (u.callback_query) return shifted(u.callback_query.from.id, 3);
  if (u.shipping_query) return shifted(u.shipping_query.from.id, 4);
  if (u.pre_checkout_query) return shifted(u.pre_checkout_query.from.id, 4);
  if (u.my_chat_member) return shifted(u.my_chat_member.chat.id, 5);
  // The server keys it by the member in old_chat_member; old and new name the same member.
  if (u.chat_member) return shifted(u.chat_member.old_chat_member.user.id, 6);
  if (u.chat_join_request) return shifted(u.chat_join_request.from.id, 6);
  if (u.chat_boost) return shifted(u.chat_boost.chat.id, 7);
  if (u.removed_chat_boost) return shifted(u.removed_chat_boost.chat.id, 7);
  if (u.message_reaction) return shifted(u.message_reaction.chat.id, 8);
  if (u.message_reaction_count) return shifted(u.message_reaction_count.chat.id, 9);
  if (u.business_connection) return shifted(u.business_connection.user.id, 10);
  const business = u.business_message ?? u.edited_business_message;
  if (business) return shifted(business.chat.id, 11);
  if (u.deleted_business_messages) return shifted(u.deleted_business_messages.chat.id, 11);
  const pollId = u.poll?.id ?? u.poll_answer?.poll_id;
  if (pollId !== undefined) return /^-?\d+$/.test(pollId) ? BigInt(pollId) : `poll:${pollId}`;
  return conservativeQueueId(u);
}

/**
 * An unconfirmed kind: the queue of the chat it names (its messages' queue),
 * else of the user's private chat (a private chat's id is the user's id);
 * undefined (a queue of its own) when it names neither.
 */
function conservativeQueueId(update: Record<string, unknown>): WebhookQueueId | undefined {
  for (const [key, value] of Object.entries(update)) {
    if (key === 'update_id' || !value || typeof value !== 'object') continue;
    const payload = value as { chat?: { id?: unknown }; from?: { id?: unknown }; user?: { id?: unknown } };
    if (Number.isInteger(payload.chat?.id)) return BigInt(payload.chat!.id as number);
    const user = payload.from?.id ?? payload.user?.id;
    if (Number.isInteger(user)) return BigInt(user as number);
  }
  return undefined;
}

/** Orders queues of the same wake-up time as the server's std::set<Queue> does: by queue id. */
function compareQueueIds(a: WebhookQueueId, b: WebhookQueueId): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint') return -1;
  if (typeof b === 'bigint') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An update read ahead from the bot's queue (the server's WebhookActor::Update). */
interface Loaded {
  update: Update;
  queueId: WebhookQueueId;
  /** When it may be sent, on options.now's clock (ms). */
  wakeupAt: number;
  /** The pause's current size in retryBaseMs units (`delay_`). */
  delay: number;
  failCount: number;
  /** The generation (set/stop count) whose connection carries it now; undefined when not in flight. */
  inFlight: number | undefined;
}

type Outcome = { ok: true } | { ok: false; retryAfterS: number; closed: boolean };

/** load_updates: a read-ahead is at most TQUEUE_EVENT_BUFFER_SIZE updates (SharedData.h). */
const LOAD_BATCH = 1000;
/** create_new_connections: more than one connection only within 10 s of the last delivered update. */
const ACTIVE_WINDOW_MS = 10_000;
/** on_update_error: the doubling stops at a random WEBHOOK_MAX_RESEND_TIMEOUT…2× (60–120 s, WebhookActor.h). */
const MAX_RESEND_MS = 60_000;
/** on_update_error: a Retry-After header is honoured up to an hour. */
const MAX_RETRY_AFTER_S = 3600;
/** Bot API docs, setWebhook: max_connections 1–100. */
const MAX_CONNECTIONS = 100;

/**
 * The webhook as delivery uses it and getWebhookInfo reports it:
 * `maxConnections` clamped to 1–100 (Bot API docs, setWebhook), not refused —
 * our reading of telegram-bot-api's Client::get_webhook_max_connections, not
 * checked against its source here.
 */
function normalized(config: WebhookConfig): WebhookConfig {
  return { ...config, maxConnections: Math.min(Math.max(Math.trunc(config.maxConnections) || 1, 1), MAX_CONNECTIONS) };
}

export class WebhookDeliverer {
  config: WebhookConfig | undefined;
  lastError: { date: number; message: string } | undefined;
  /** Counts set()/stop(): deliveries of an older generation no longer count for the webhook now set. */
  private generation = 0;
  /**
   * Cuts the connections of the generation now running: the server closes the
   * old WebhookActor, and with it its connections (Client::process_set_webhook_query
   * → WebhookActor::close), so an answer still coming is never read.
   */
  private connections = new AbortController();
  /** Loaded updates by update_id. */
  private readonly loaded = new Map<number, Loaded>();
  /** Loaded update ids of each queue, oldest first; a queue is here while it has any (queue_updates_). */
  private readonly queues = new Map<WebhookQueueId, number[]>();
  /** Queues of their own for updates without a queue id: `unique_queue_id_`, from 1 << 60 up (WebhookActor.h). */
  private uniqueQueue = 1n << 60n;
  /** Connections of this generation: open ones, and those of them not carrying an update. */
  private open = 0;
  private idle = 0;
  /** When an update was last delivered with 2xx (last_success_time_: an hour ago at start_up). */
  private lastSuccessAt = Number.NEGATIVE_INFINITY;
  private timer: { at: number; handle: NodeJS.Timeout } | undefined;
  private readonly now: () => number;

  constructor(
    private readonly queue: UpdateQueue,
    private readonly options: WebhookOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    queue.onPush = () => this.kick();
  }

  /**
   * Sets the webhook (or removes it, `undefined`), as setWebhook/deleteWebhook
   * do when something changed (an unchanged setWebhook changes nothing:
   * `sameAs`): the server closes the old WebhookActor with its connections
   * and starts a new one, so a delivery on its way is cut off — its update
   * is not confirmed and goes again (or stays for getUpdates) — what was read
   * ahead is read again, pauses and the error start anew, and only one
   * connection is used until an update is delivered.
   */
  set(config: WebhookConfig | undefined): void {
    this.config = config && normalized(config);
    this.lastError = undefined;
    this.restart();
    this.kick();
  }

  /** Delivers what is ready now; called on every new update. */
  kick(): void {
    if (this.config) this.loop();
  }

  /** Stops delivering (the emulator closes): as set(undefined), but getWebhookInfo's last error stays. */
  stop(): void {
    this.config = undefined;
    this.restart();
  }

  /**
   * Whether `config` is the webhook set now: telegram-bot-api's
   * Client::process_set_webhook_query answers such a setWebhook (same URL,
   * max_connections and secret token, no certificate, no drop_pending_updates)
   * "Webhook is already set" and leaves its WebhookActor running.
   */
  sameAs(config: WebhookConfig): boolean {
    const [now, asked] = [this.config, normalized(config)];
    return Boolean(now && now.url === asked.url && now.maxConnections === asked.maxConnections && now.secretToken === asked.secretToken);
  }

  /** A new generation: the old one's connections are cut; updates they carried wait for their answer to come back as failed. */
  private restart(): void {
    this.connections.abort();
    this.connections = new AbortController();
    this.generation++;
    this.open = 0;
    this.idle = 0;
    this.lastSuccessAt = Number.NEGATIVE_INFINITY;
    this.clearTimer();
    for (const [id, entry] of this.loaded) {
      if (entry.inFlight === undefined) this.loaded.delete(id);
    }
    for (const [queueId, ids] of this.queues) {
      const kept = ids.filter((id) => this.loaded.has(id));
      if (kept.length) this.queues.set(queueId, kept);
      else this.queues.delete(queueId);
    }
  }

  /** WebhookActor::loop: read ahead, send what is ready, wake for the next pause's end. */
  private loop(): void {
    if (!this.config) return;
    this.load(this.config);
    this.sendReady(this.config);
    this.scheduleWake();
  }

  /**
   * WebhookActor::load_updates: reads the bot's queue past what is loaded, at
   * most (2 × maxConnections − queues with loaded updates) updates at a time,
   * so no more than 2 × maxConnections queues have updates loaded.
   */
  private load(config: WebhookConfig): void {
    const room = Math.min(LOAD_BATCH, 2 * config.maxConnections - this.queues.size);
    if (room <= 0) return;
    let taken = 0;
    const now = this.now();
    // What is loaded is the oldest pending (loading goes in order, forgetting removes): skip it.
    for (const update of this.queue.pendingUpdates()) {
      if (taken >= room) break;
      if (this.loaded.has(update.update_id)) continue;
      const queueId = webhookQueueId(update) ?? this.uniqueQueue++;
      this.loaded.set(update.update_id, { update, queueId, wakeupAt: now, delay: 1, failCount: 0, inFlight: undefined });
      const ids = this.queues.get(queueId);
      if (ids) ids.push(update.update_id);
      else this.queues.set(queueId, [update.update_id]);
      taken++;
    }
  }

  /**
   * create_new_connections: min(queues with loaded updates, maxConnections),
   * but only one while no update was delivered in the last 10 s (and at least
   * one when some was).
   */
  private neededConnections(config: WebhookConfig): number {
    const need = Math.min(this.queues.size, config.maxConnections);
    return this.lastSuccessAt + ACTIVE_WINDOW_MS < this.now() ? Math.min(need, 1) : Math.max(need, 1);
  }

  /** send_updates: the ready queue with the earliest wake-up (then the lowest id) goes on a free connection, while there is one. */
  private sendReady(config: WebhookConfig): void {
    for (;;) {
      const entry = this.nextReady();
      if (!entry) return;
      if (this.idle > 0) this.idle--;
      else if (this.open < this.neededConnections(config)) this.open++;
      else return;
      entry.inFlight = this.generation;
      void this.post(entry, config, this.generation);
    }
  }

  /** The head of the queue to send next, if one is ready; heads no longer pending (dropped meanwhile) are let go. */
  private nextReady(): Loaded | undefined {
    const now = this.now();
    let best: Loaded | undefined;
    for (const [queueId, ids] of this.queues) {
      let head = this.loaded.get(ids[0]!)!;
      while (head.inFlight === undefined && !this.queue.has(head.update.update_id)) {
        this.remove(head);
        if (!this.queues.has(queueId)) break;
        head = this.loaded.get(ids[0]!)!;
      }
      if (!this.queues.has(queueId) || head.inFlight !== undefined || head.wakeupAt > now) continue;
      if (!best || head.wakeupAt < best.wakeupAt || (head.wakeupAt === best.wakeupAt && compareQueueIds(head.queueId, best.queueId) < 0)) best = head;
    }
    return best;
  }

  /** Sleeps until the earliest waiting queue may go again. */
  private scheduleWake(): void {
    let at = Number.POSITIVE_INFINITY;
    for (const ids of this.queues.values()) {
      const head = this.loaded.get(ids[0]!)!;
      if (head.inFlight === undefined) at = Math.min(at, head.wakeupAt);
    }
    if (at === Number.POSITIVE_INFINITY) return this.clearTimer();
    if (this.timer && this.timer.at <= at) return;
    this.clearTimer();
    const handle = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, Math.max(0, at - this.now()));
    handle.unref();
    this.timer = { at, handle };
  }

  private clearTimer(): void {
    if (!this.timer) return;
    clearTimeout(this.timer.handle);
    this.timer = undefined;
  }

  /** One delivery on one connection, and what its answer means (WebhookActor::handle). */
  private async post(entry: Loaded, config: WebhookConfig, generation: number): Promise<void> {
    const outcome = await this.deliver(entry.update, config, generation);
    entry.inFlight = undefined;
    const current = generation === this.generation;
    if (current) {
      // A connection that hung up is closed; one that answered is free for the next update.
      if (!outcome.ok && outcome.closed) this.open--;
      else this.idle++;
    }
    if (outcome.ok) {
      if (current) this.lastSuccessAt = this.now();
      this.remove(entry);
      this.queue.forget(entry.update.update_id);
    } else if (!this.config) {
      // The webhook is gone: the update stays pending for getUpdates.
      this.remove(entry);
    } else if (current) {
      this.backOff(entry, outcome.retryAfterS);
    } else {
      // An answer for the webhook set before: the one set now sends it afresh.
      entry.wakeupAt = this.now();
    }
    this.kick();
  }

  /**
   * WebhookActor::on_update_error: a Retry-After (seconds, up to an hour) is
   * waited as given; otherwise the first failure is retried at once, then the
   * pause doubles from 2 units up to a random 60–120 s. Only this update's
   * queue waits.
   */
  private backOff(entry: Loaded, retryAfterS: number): void {
    let pauseMs = Math.min(Math.max(retryAfterS, 0), MAX_RETRY_AFTER_S) * 1000;
    if (retryAfterS <= 0 && entry.failCount > 0) {
      const capUnits = (MAX_RESEND_MS * (1 + Math.random())) / this.options.retryBaseMs;
      entry.delay = Math.min(capUnits, entry.delay * 2);
      pauseMs = entry.delay * this.options.retryBaseMs;
    }
    entry.failCount++;
    entry.wakeupAt = this.now() + pauseMs;
  }

  /** Takes a loaded update out of its queue (it is the head unless it was dropped from the bot's queue meanwhile). */
  private remove(entry: Loaded): void {
    if (this.loaded.get(entry.update.update_id) !== entry) return;
    this.loaded.delete(entry.update.update_id);
    const ids = this.queues.get(entry.queueId);
    if (!ids) return;
    const index = ids.indexOf(entry.update.update_id);
    if (index >= 0) ids.splice(index, 1);
    if (!ids.length) this.queues.delete(entry.queueId);
  }

  private async deliver(update: Update, config: WebhookConfig, generation: number): Promise<Outcome> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (config.secretToken) headers['x-telegram-bot-api-secret-token'] = config.secretToken;
    try {
      const response = await fetch(config.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        // WebhookActor::handle: anything outside 200–299 is an error, a redirect too (it is never followed).
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.connections.signal]),
      });
      const body = await response.text();
      if (!response.ok) {
        this.fail(generation, `Wrong response from the webhook: ${response.status} ${response.statusText}`);
        return { ok: false, retryAfterS: retryAfterSeconds(response.headers.get('retry-after')), closed: false };
      }
      if (generation === this.generation) this.runReply(body);
      return { ok: true };
    } catch (error) {
      // td/net HttpConnectionBase::timeout_expired: "Read timeout expired". A hang-up after the request was taken
      // reaches no error message (WebhookActor::handle); a connection that could not be made does (on_connection_error).
      const cause = error instanceof Error ? ((error.cause as (Error & { code?: string }) | undefined) ?? error) : undefined;
      if (error instanceof Error && error.name === 'TimeoutError') this.fail(generation, 'Read timeout expired');
      else if (cause && cause.name !== 'AbortError' && (cause as { code?: string }).code !== 'UND_ERR_SOCKET') this.fail(generation, cause.message);
      return { ok: false, retryAfterS: 0, closed: true };
    }
  }

  /**
   * A webhook's answer may carry a method call: WebhookActor::handle hands it
   * on (`Callback::send`) and confirms the update at once, so the call runs
   * beside the chat's next update, not before it.
   */
  private runReply(body: string): void {
    if (!body.startsWith('{')) return;
    let call: Record<string, unknown>;
    try {
      call = JSON.parse(body) as Record<string, unknown>;
    } catch {
      // Telegram ignores a webhook answer it can't use; so do we.
      return;
    }
    if (typeof call.method === 'string') {
      this.options.onReply(call).catch(() => {
        // Its errors reach nobody: the webhook's answer was already taken.
      });
    }
  }

  /** getWebhookInfo's last error, for the webhook set now only. */
  private fail(generation: number, message: string): void {
    if (generation !== this.generation || !this.config) return;
    this.lastError = { date: Math.floor(Date.now() / 1000), message };
  }
}

/**
 * A Retry-After header in seconds as the Bot API server reads it
 * (td/net/HttpQuery.cpp HttpQuery::get_retry_after, `to_integer_safe`): an
 * integer and nothing else, else 0 ("2.5", "1abc", a date are 0).
 */
export function retryAfterSeconds(header: string | null): number {
  if (header === null || !/^-?\d{1,9}$/.test(header.trim())) return 0;
  return Math.max(Number(header.trim()), 0);
}
