/**
 * Telegram's sending limits, respected up front so that 429s are rare:
 * about 30 messages per second per bot, 1 per second per private chat and
 * 20 per minute per group. A 429 that still comes pauses the chat for
 * `retry_after`.
 */

export interface Limits {
  perBotPerSecond: number;
  perPrivateChatPerSecond: number;
  perGroupPerMinute: number;
  /**
   * Of the bot's messages a second, at most this many for bulk sends
   * (broadcasts, issue 19.5): the rest of the second is always left to the
   * relay. Telegram's Bot API FAQ asks bulk notifications to stay within
   * about 30 a second; 25 leaves 5 a second to clients and managers even
   * while a broadcast runs. Unset: no reserve.
   */
  broadcastPerSecond?: number;
  /**
   * Of a group's messages a minute, this many are kept for content (clients'
   * words, managers' answers): housekeeping — topic titles, client cards,
   * reactions, reminders — sends only while more than this many are free, so
   * a client line that comes after a burst of renames still goes at once
   * instead of waiting for the window to reopen (up to a minute). Issue 21.1
   * and 19.1; bench/dialogStatus.ts measures the lines with and without the
   * churn. Unset: no reserve.
   */
  groupReserveForContent?: number;
  /** Multiplies every window: 1 is Telegram's real time; tests use less to run in seconds. */
  timeScale: number;
}

export const TELEGRAM_LIMITS: Limits = { perBotPerSecond: 30, perPrivateChatPerSecond: 1, perGroupPerMinute: 20, broadcastPerSecond: 25, groupReserveForContent: 5, timeScale: 1 };

/**
 * What a call is for, as the budget serves it: `content` (the default) may use
 * everything; `housekeeping` leaves a group's `groupReserveForContent` unused;
 * `bulk` (a broadcast's message) leaves the bot's second's
 * `perBotPerSecond - broadcastPerSecond` to everything else.
 */
export type SendKind = 'content' | 'housekeeping' | 'bulk';

/**
 * A send already taken from a chat's budget (tryTake() or take(), at
 * `takenAt`) for a message that needs another call first: that call may
 * spend it (sending()'s `take`), and then `spent` is true and the message
 * takes a new one. The outbox's message whose topic must be created first
 * gives its take to createForumTopic this way (issue 21.1).
 */
export interface Take {
  takenAt: number;
  spent?: boolean;
}

/** Send times within one window, oldest first. */
class Window {
  private readonly times: number[] = [];
  constructor(
    private readonly size: number,
    private readonly ms: number,
  ) {}

  /** Milliseconds until one more send fits (0 = now), leaving `reserve` sends of the window unused. */
  wait(now: number, reserve = 0): number {
    while (this.times.length && this.times[0]! <= now - this.ms) this.times.shift();
    const size = Math.max(1, this.size - reserve);
    if (this.times.length < size) return 0;
    return this.times[this.times.length - size]! + this.ms - now;
  }

  /** Sends that fit in the window now. */
  free(now: number): number {
    while (this.times.length && this.times[0]! <= now - this.ms) this.times.shift();
    return Math.max(0, this.size - this.times.length);
  }

  record(now: number): void {
    this.times.push(now);
  }

  /**
   * Gives back a send that did not happen after all: the one taken at `at`
   * (the latest such), or the latest send. By its time, not the last entry:
   * meanwhile another call into the chat may have been answered and counted
   * later than this take (settle()), and dropping that one instead would
   * reopen the window before Telegram's — a 429 (bench/budget.ts saw them).
   */
  undo(at?: number): void {
    const index = at === undefined ? this.times.length - 1 : this.times.lastIndexOf(at);
    if (index >= 0) this.times.splice(index, 1);
  }

  /** Moves a send counted at `takenAt` to `now`, when Telegram answered it. */
  settle(takenAt: number, now: number): void {
    const index = this.times.lastIndexOf(takenAt);
    if (index < 0 || now <= takenAt) return;
    this.times.splice(index, 1);
    let at = this.times.length;
    while (at > 0 && this.times[at - 1]! > now) at--;
    this.times.splice(at, 0, now);
  }
}

export class RateLimiter {
  private readonly bot: Window | undefined;
  private readonly chats = new Map<number, Window>();
  private readonly pausedUntil = new Map<number, number>();

  /** `false` turns the limits off (benchmarks of raw throughput). */
  constructor(private readonly limits: Limits | false) {
    this.bot = limits ? new Window(limits.perBotPerSecond, 1000 * limits.timeScale) : undefined;
  }

  private window(chatId: number): Window | undefined {
    if (!this.limits) return undefined;
    let window = this.chats.get(chatId);
    if (!window) {
      window =
        chatId > 0
          ? new Window(this.limits.perPrivateChatPerSecond, 1000 * this.limits.timeScale)
          : new Window(this.limits.perGroupPerMinute, 60_000 * this.limits.timeScale);
      this.chats.set(chatId, window);
    }
    return window;
  }

  /**
   * Counts a send made before this limiter existed (another process's, or
   * this instance's before a restart) in the bot's second and, for a private
   * chat, the chat's second. A group's minute is not restored: see
   * TelegramOutbox.restoreWindows.
   */
  restore(chatId: number, at: number): void {
    if (!this.limits) return;
    this.bot!.record(at);
    if (chatId > 0) this.window(chatId)!.record(at);
  }

  /** The bot's window (a second, scaled), in ms; 0 with the limits off. */
  get botWindowMs(): number {
    return this.limits ? 1000 * this.limits.timeScale : 0;
  }

  /** True when Telegram's limits are respected (false: sends go as fast as the API answers). */
  get enabled(): boolean {
    return this.limits !== false;
  }

  /**
   * Sends to `chatId` that fit now without waiting (the chat's window and the
   * bot's second, whichever has fewer left); Infinity with the limits off.
   */
  free(chatId: number, now = Date.now()): number {
    if (!this.limits) return Infinity;
    if ((this.pausedUntil.get(chatId) ?? 0) > now) return 0;
    return Math.min(this.bot!.free(now), this.window(chatId)!.free(now));
  }

  /** Milliseconds until a message of `kind` to `chatId` may be sent (see SendKind). */
  wait(chatId: number, now = Date.now(), kind: SendKind = 'content'): number {
    const paused = Math.max(0, (this.pausedUntil.get(chatId) ?? 0) - now);
    if (!this.limits) return paused;
    const botReserve = kind === 'bulk' ? Math.max(0, this.limits.perBotPerSecond - (this.limits.broadcastPerSecond ?? this.limits.perBotPerSecond)) : 0;
    const chatReserve = kind === 'housekeeping' && chatId < 0 ? (this.limits.groupReserveForContent ?? 0) : 0;
    return Math.max(paused, this.bot!.wait(now, botReserve), this.window(chatId)!.wait(now, chatReserve));
  }

  /** Counts one sent message. */
  record(chatId: number, now = Date.now()): void {
    this.bot?.record(now);
    this.window(chatId)?.record(now);
  }

  /**
   * Takes one send from the budget if it allows one now. Check and take in
   * one step, so the many queues of one group never overdraw its budget.
   */
  tryTake(chatId: number, now = Date.now(), kind: SendKind = 'content'): boolean {
    if (this.wait(chatId, now, kind) > 0) return false;
    this.record(chatId, now);
    return true;
  }

  /**
   * A send taken at `takenAt` is about to be made only now (its call waited
   * for something else first — a topic to be created, itself a send): it is
   * taken again from now, waiting for room if its place ran out meanwhile.
   * Otherwise a take older than the window would have left it while its call
   * was still to come, and the queues that took that place would overdraw
   * the chat's budget with it (Telegram's 429). Returns the new take's time.
   */
  async retake(chatId: number, takenAt: number): Promise<number> {
    if (!this.limits) return takenAt;
    this.giveBack(chatId, takenAt);
    return this.take(chatId);
  }

  /** Waits until the budget allows one more send to `chatId`, and takes it; returns when it was taken (for settle()). */
  async take(chatId: number, kind: SendKind = 'content'): Promise<number> {
    for (;;) {
      const now = Date.now();
      const wait = this.wait(chatId, now, kind);
      if (wait <= 0) {
        this.record(chatId, now);
        return now;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /**
   * Waits for the budget, makes `call` and counts it from its answer (settle()),
   * as the outbox's own sends are: a call counted from its take would let the
   * group's window reopen early by the call's time on the way, and a busy group
   * would get 21 calls within Telegram's minute (bench/dialogStatus.ts saw it).
   *
   * `take`: a send already taken for this chat and not spent yet — the call
   * spends it (marked `spent`) instead of waiting for another. Without that,
   * a burst of new clients held the group's whole window with their messages'
   * takes while each one's topic waited for a place of its own: a window with
   * nothing sent (bench/budget.ts: 0.68 of the budget used).
   */
  async sending<T>(chatId: number, call: () => Promise<T>, kind: SendKind = 'content', take?: Take): Promise<T> {
    let takenAt: number;
    if (take && !take.spent && this.limits) {
      take.spent = true;
      takenAt = take.takenAt;
    } else {
      takenAt = await this.take(chatId, kind);
    }
    try {
      return await call();
    } finally {
      this.settle(chatId, takenAt);
    }
  }

  /**
   * A send taken at `takenAt` has been answered: count it from now on.
   * Telegram counts a message when it arrives, later than we took it; when
   * calls to one chat overlap, counting from the take would let the window
   * reopen before Telegram's does, and the next send would get a 429.
   */
  settle(chatId: number, takenAt: number, now = Date.now()): void {
    this.bot?.settle(takenAt, now);
    this.window(chatId)?.settle(takenAt, now);
  }

  /** Returns a send taken by tryTake() (at `takenAt`, its answer) that was not made. */
  giveBack(chatId: number, takenAt?: number): void {
    this.bot?.undo(takenAt);
    this.window(chatId)?.undo(takenAt);
  }

  /** Telegram said 429: nothing more to this chat for `ms`. */
  pause(chatId: number, ms: number, now = Date.now()): void {
    this.pausedUntil.set(chatId, now + ms);
  }
}
