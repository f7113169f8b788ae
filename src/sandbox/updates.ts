/**
 * One bot's update queue with Telegram's semantics: an update stays until a
 * getUpdates `offset` above its id confirms it (or a webhook delivery of that
 * very update succeeds: forget); long polls wait for the first new update; allowed_updates filters
 * updates when they are created, not when they are read. Update ids are
 * sequential from a random start, and start anew at random after a week
 * without updates; an offset that no longer fits the ids confirms nothing.
 */
import type { Update } from '@grammyjs/types';
import { Clock } from './clock.js';
import { ApiError, reasons } from './errors.js';

export type UpdateKind = Exclude<keyof Update, 'update_id'>;

/** Telegram sends these only to bots that ask for them in allowed_updates. */
const OPT_IN = new Set<string>(['chat_member', 'message_reaction', 'message_reaction_count']);

/** TDLib tddb/td/db/TQueue.h, TQueue::EventId::MAX_ID: every id stays below it. */
const MAX_ID = 2_000_000_000;
/**
 * TDLib tddb/td/db/TQueue.cpp, TQueueImpl::push: a queue without a tail (new,
 * or its ids ran out) starts at Random::fast(2 * max(MAX_QUEUE_EVENTS, 1000000)
 * + 1, MAX_ID / 2), both ends included.
 */
export const FIRST_ID_RANGE = [2_000_001, MAX_ID / 2] as const;
/**
 * Bot API docs, Update.update_id: "If there are no new updates for at least a
 * week, then identifier of the next update will be chosen randomly instead of
 * sequentially." (The public telegram-bot-api keeps a queue's tail across
 * restarts, so the week is api.telegram.org's rule as documented.)
 */
export const SILENCE_BEFORE_NEW_IDS_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * TQueueImpl::get (TQueue.cpp) refuses a from_id above the tail + 10 ("Specified
 * from_id is in the future"); Client::do_get_updates (telegram-bot-api
 * Client.cpp) then reads from the queue's head, confirming nothing.
 */
const FUTURE_OFFSET_SLACK = 10;
/** telegram-bot-api Client.cpp, Client::process_get_updates_query: the windows and values of the repeated-offset rule. */
const REPEAT_LIMIT_WINDOW_MS = 500;
const REPEAT_TIMEOUT_WINDOW_MS = 3000;
const REPEAT_MIN_TIMEOUT_S = 3;

function randomFirstId(): number {
  const [min, max] = FIRST_ID_RANGE;
  return min + Math.floor(Math.random() * (max - min + 1));
}

interface Poll {
  wake: () => void;
  fail: (error: ApiError) => void;
}

export class UpdateQueue {
  private pending: Update[] = [];
  /** The id the next update gets; undefined until the first one (TQueue's empty tail). */
  private nextId: number | undefined;
  /** When the last update was queued, on the emulator's clock. */
  private lastPushAt: number | undefined;
  private previousPoll: { offset: number; at: number } | undefined;
  private allowed: Set<string> | undefined;
  private poll: Poll | undefined;
  /** Called after every new update; the webhook deliverer listens here. */
  onPush: (() => void) | undefined;
  /** Picks the id a queue (re)starts at; tests replace it to get a known id. */
  chooseFirstId: () => number = randomFirstId;

  constructor(private readonly clock: Clock = new Clock()) {}

  get size(): number {
    return this.pending.length;
  }

  get allowedUpdates(): string[] | undefined {
    return this.allowed && [...this.allowed];
  }

  /** An empty list restores Telegram's default (all but the opt-in kinds). */
  setAllowed(kinds: string[] | undefined): void {
    if (kinds === undefined) return;
    this.allowed = kinds.length ? new Set(kinds) : undefined;
  }

  wants(kind: UpdateKind): boolean {
    return this.allowed ? this.allowed.has(kind) : !OPT_IN.has(kind);
  }

  /** Queues an update unless allowed_updates filters it out; says which. */
  push<K extends UpdateKind>(kind: K, payload: NonNullable<Update[K]>): boolean {
    // Telegram's Client::add_update_impl drops a filtered update before it reaches the queue: it is no "new update".
    if (!this.wants(kind)) return false;
    const now = this.clock.now();
    const silent = this.lastPushAt !== undefined && now - this.lastPushAt >= SILENCE_BEFORE_NEW_IDS_MS;
    // TQueueImpl::push: an id needs a next one below MAX_ID; past MAX_ID - 2 the queue is emptied and starts anew at random.
    if (this.nextId === undefined || silent || this.nextId + 1 >= MAX_ID) {
      // Whatever is still pending is older than any update lives on the server (at most 86400 s:
      // telegram-bot-api Client.cpp, Client::add_update_impl's expires_at; TQueue drops expired events).
      if (this.nextId !== undefined) this.pending = [];
      this.nextId = this.chooseFirstId();
    }
    this.pending.push({ update_id: this.nextId++, [kind]: payload } as Update);
    this.lastPushAt = now;
    this.poll?.wake();
    this.onPush?.();
    return true;
  }

  /**
   * telegram-bot-api Client.cpp, Client::process_get_updates_query: a getUpdates
   * with the same `offset` (as sent; 0 when absent) as the previous call, begun
   * within 3 s of that call's start, waits at least 3 s (a shorter timeout is
   * raised to 3), and begun within 0.5 s of it gets at most one update. Every
   * call that passes the webhook check becomes "the previous call".
   */
  throttleRepeat(offset: number, limit: number, timeoutS: number): { limit: number; timeoutS: number } {
    const now = this.clock.now();
    const previous = this.previousPoll;
    this.previousPoll = { offset, at: now };
    if (!previous || previous.offset !== offset) return { limit, timeoutS };
    return {
      timeoutS: timeoutS < REPEAT_MIN_TIMEOUT_S && now < previous.at + REPEAT_TIMEOUT_WINDOW_MS ? REPEAT_MIN_TIMEOUT_S : timeoutS,
      limit: now < previous.at + REPEAT_LIMIT_WINDOW_MS ? 1 : limit,
    };
  }

  /**
   * getUpdates' offset: drops ids below a positive offset; a negative one keeps
   * the last -offset updates. An offset more than 10 above the next id (say,
   * one from before the ids started anew lower down) confirms nothing: the
   * server answers from the queue's head (Client::do_get_updates falls back to
   * get_head when TQueueImpl::get refuses it). One below the head confirms
   * nothing either, as there.
   */
  confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) {
      this.pending = this.pending.slice(offset);
      return;
    }
    if (this.nextId === undefined || offset > this.nextId + FUTURE_OFFSET_SLACK) return;
    let drop = 0;
    while (drop < this.pending.length && this.pending[drop]!.update_id < offset) drop++;
    if (drop) this.pending = this.pending.slice(drop);
  }

  peek(limit: number): Update[] {
    return this.pending.slice(0, limit);
  }

  first(): Update | undefined {
    return this.pending[0];
  }

  /**
   * The pending updates, oldest first (ascending `update_id`), without a copy:
   * the webhook deliverer reads ahead in it (telegram-bot-api WebhookActor.cpp,
   * WebhookActor::load_updates reads the bot's TQueue from its offset). Read it
   * at once; any later push, confirm or forget may replace the array.
   */
  pendingUpdates(): readonly Update[] {
    return this.pending;
  }

  /** Whether the update with this id is still pending (not confirmed, forgotten or dropped). */
  has(updateId: number): boolean {
    return this.indexOf(updateId) >= 0;
  }

  /**
   * Forgets one update, whatever is pending before or after it: a webhook
   * delivery that the endpoint answered with 2xx confirms only its own update
   * (telegram-bot-api WebhookActor.cpp, WebhookActor::drop_event calls TDLib's
   * TQueue::forget(queue_id, event_id)), since updates of other chats may still
   * be on their way. getUpdates keeps confirming by `offset` (confirm). Returns
   * whether the update was pending.
   */
  forget(updateId: number): boolean {
    const index = this.indexOf(updateId);
    if (index < 0) return false;
    this.pending.splice(index, 1);
    return true;
  }

  /** Binary search: pending ids ascend (a restart of the ids empties the queue first, see push). */
  private indexOf(updateId: number): number {
    let low = 0;
    let high = this.pending.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const id = this.pending[middle]!.update_id;
      if (id === updateId) return middle;
      if (id < updateId) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  dropAll(): void {
    this.pending = [];
  }

  /**
   * The queue the bot gets on another Bot API server — moved between
   * api.telegram.org and a self-hosted telegram-bot-api (logOut, then another
   * TELEGRAM_API_ROOT; Bot API docs, logOut and "Using a Local Bot API
   * Server"): each server keeps its own queue per bot (telegram-bot-api
   * Client.cpp, the TQueue of the bot's Client), so what was pending stays on
   * the old one and the next update's id is chosen anew (TQueueImpl::push on
   * an empty tail), whatever the time since the last update.
   */
  startAnew(): void {
    this.pending = [];
    this.nextId = undefined;
  }

  /**
   * Waits until an update arrives, `timeoutMs` passes or `signal` aborts. A
   * second long poll ends the first one with 409, as Telegram does when two
   * bot instances poll at once.
   */
  wait(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    this.poll?.fail(new ApiError(409, `Conflict: ${reasons.otherGetUpdates}`));
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        if (this.poll === poll) this.poll = undefined;
      };
      const poll: Poll = {
        wake: () => {
          done();
          resolve();
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      const timer = setTimeout(poll.wake, timeoutMs);
      signal?.addEventListener('abort', poll.wake);
      this.poll = poll;
    });
  }

  /** Ends a pending long poll (webhook set, emulator closing). */
  interrupt(error?: ApiError): void {
    if (error) this.poll?.fail(error);
    else this.poll?.wake();
  }

  toJSON(): { pending: Update[]; nextId?: number; lastPushAt?: number; allowed?: string[] } {
    return { pending: this.pending, nextId: this.nextId, lastPushAt: this.lastPushAt, allowed: this.allowedUpdates };
  }

  /** A snapshot from before lastPushAt was kept starts the week's count at its next update. */
  load(data: ReturnType<UpdateQueue['toJSON']>): void {
    this.pending = data.pending;
    this.nextId = data.nextId;
    this.lastPushAt = data.lastPushAt;
    this.allowed = data.allowed && new Set(data.allowed);
  }
}
