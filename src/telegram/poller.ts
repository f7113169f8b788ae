/**
 * Long polling that confirms an update only after it is applied: the
 * `getUpdates` offset never moves past an update that has not committed
 * (Bot API, getUpdates: «An update is considered confirmed as soon as
 * getUpdates is called with an offset higher than its update_id»). Updates of
 * one chat are applied in order; chats in parallel. (grammY's runner confirms
 * on receipt, which would lose what a crash interrupts — ARCHITECTURE.md §5
 * asks for acknowledge-after-commit.)
 *
 * A batch is not a barrier: when a few of its updates are still being
 * applied after PIPELINE_GRACE_MS, the next poll goes out with the offset of
 * the lowest unfinished update, so one slow update (a lock wait, a long
 * transaction) holds up its own chat, not every chat. Telegram returns the
 * unfinished updates again with the new ones; ids already taken are skipped.
 * A poll that brings nothing new waits for a taken update to finish, or
 * PIPELINE_REPOLL_MS, before the next (no busy loop); a backlog (more than
 * PIPELINE_MAX_UNFINISHED unfinished) is applied batch by batch.
 *
 * An update that fails stops its chat's later updates (and any update with a
 * higher id not yet started); once everything taken has settled, polling
 * resumes from the first failed id: Telegram delivers it and what followed
 * again, and the intake's update-id record (telegram/intake.ts) keeps the
 * ones already applied from applying twice.
 */
import type { Bot } from 'grammy';
import type { Update } from '@grammyjs/types';
import type { Logger } from 'pino';
import type { HotlineContext } from './context.js';

export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member', 'chat_member', 'message_reaction'] as const;

/** How long a batch may run before the next poll goes out beside it (ms). Most batches finish sooner. */
export const PIPELINE_GRACE_MS = 5;

/**
 * While updates are still being applied and a poll brought nothing new, the
 * next poll waits for one of them to finish, or this long (ms): the longest a
 * new update waits behind a slow one of another chat, at the price of one
 * more getUpdates call per interval while the slow one lasts.
 */
export const PIPELINE_REPOLL_MS = 20;

/**
 * More updates than this still being applied is a backlog, not a slow one:
 * the poller then waits for the batch as a whole (re-fetching a hundred
 * pending updates every few ms would cost CPU and gain nothing).
 */
const PIPELINE_MAX_UNFINISHED = 16;

/** The chat an update belongs to, for ordering. */
function chatOf(update: Update): number {
  const u = update as Update & Record<string, { chat?: { id: number }; message?: { chat: { id: number } }; from?: { id: number } }>;
  for (const key of Object.keys(update)) {
    if (key === 'update_id') continue;
    const body = u[key];
    return body?.chat?.id ?? body?.message?.chat.id ?? body?.from?.id ?? 0;
  }
  return 0;
}

export class Poller {
  private running = false;
  private loop: Promise<void> | undefined;
  private abort = new AbortController();
  /** Ids taken and not finished (applied or given back). */
  private readonly unfinished = new Set<number>();
  /** Each chat's last update taken, as a promise that settles when it is done (true: applied). */
  private readonly chats = new Map<number, Promise<boolean>>();
  /** The highest id taken: a redelivered id at or below it is not taken again. */
  private highestTaken = 0;
  /** The lowest id not applied since polling last resumed, or Infinity. */
  private firstFailed = Infinity;
  /** The id polling last resumed from after a failure (the same again: back off). */
  private resumedFrom = 0;
  /** Called whenever an update finishes. */
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly bot: Bot<HotlineContext>,
    private readonly log: Logger,
    private readonly options: { timeoutSeconds?: number; limit?: number } = {},
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
    await this.settled();
  }

  /** Starts applying an update after its chat's previous one. */
  private take(update: Update): void {
    const chat = chatOf(update);
    const previous = this.chats.get(chat) ?? Promise.resolve(true);
    this.unfinished.add(update.update_id);
    this.highestTaken = Math.max(this.highestTaken, update.update_id);
    const done: Promise<boolean> = previous.then(async (previousApplied) => {
      let applied = false;
      // After a failure, later updates are left to be delivered again, in order.
      if (previousApplied && update.update_id < this.firstFailed) {
        try {
          await this.bot.handleUpdate(update);
          applied = true;
        } catch (error) {
          this.log.warn(`Update ${update.update_id} will be fetched again: ${(error as Error).message}`);
        }
      }
      if (!applied) this.firstFailed = Math.min(this.firstFailed, update.update_id);
      this.unfinished.delete(update.update_id);
      if (this.chats.get(chat) === done) this.chats.delete(chat);
      for (const listener of [...this.listeners]) listener();
      return applied;
    });
    this.chats.set(chat, done);
  }

  /** Resolves when `until()` holds (checked as updates finish), or after `ms` (undefined: no timer). */
  private waitFor(until: () => boolean, ms?: number): Promise<void> {
    if (until()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve();
      };
      const listener = () => {
        if (until()) finish();
      };
      const timer = ms === undefined ? undefined : setTimeout(finish, ms);
      this.listeners.add(listener);
    });
  }

  /** Resolves when every update taken has finished. */
  private settled(): Promise<void> {
    return this.waitFor(() => this.unfinished.size === 0);
  }

  /** The offset to poll with: the lowest unfinished id, or past the highest taken. */
  private offset(): number | undefined {
    if (this.highestTaken === 0) return undefined;
    let lowest = this.highestTaken + 1;
    for (const id of this.unfinished) if (id < lowest) lowest = id;
    return lowest;
  }

  private async run(): Promise<void> {
    // Resumes from the same failed update in a row, and getUpdates errors in a row: each backs off on its own.
    let stuck = 0;
    let pollFailures = 0;
    while (this.running) {
      try {
        if (this.firstFailed !== Infinity) {
          // Something was not applied: let the rest settle, then poll from the first such id again.
          await this.settled();
          const from = this.firstFailed;
          const progressed = from > this.resumedFrom;
          this.resumedFrom = from;
          this.firstFailed = Infinity;
          this.highestTaken = from - 1;
          stuck = progressed ? 0 : stuck + 1;
          if (!progressed) await new Promise((r) => setTimeout(r, Math.min(10_000, 250 * 2 ** Math.min(stuck, 6))));
          continue;
        }
        const busy = this.unfinished.size > 0;
        const updates = await this.bot.api.getUpdates(
          {
            offset: this.offset(),
            // With updates still being applied Telegram answers at once (they are pending): no long wait asked.
            timeout: busy ? 0 : (this.options.timeoutSeconds ?? 25),
            limit: this.options.limit ?? 100,
            allowed_updates: [...ALLOWED_UPDATES],
          },
          this.abort.signal as Parameters<typeof this.bot.api.getUpdates>[1],
        );
        pollFailures = 0;
        const fresh = updates.filter((u) => u.update_id > this.highestTaken);
        for (const update of fresh) this.take(update);
        if (this.unfinished.size > PIPELINE_MAX_UNFINISHED) {
          await this.settled();
        } else if (fresh.length > 0) {
          // Most batches finish within the grace; a slow one lets the next poll go out beside it.
          await this.waitFor(() => this.unfinished.size === 0, PIPELINE_GRACE_MS);
        } else if (this.unfinished.size > 0) {
          // Nothing new beside the slow ones: poll again when one finishes, or a little later.
          const before = this.unfinished.size;
          await this.waitFor(() => this.unfinished.size < before || this.firstFailed !== Infinity, PIPELINE_REPOLL_MS);
        }
      } catch (error) {
        if (!this.running) return;
        pollFailures++;
        const delay = Math.min(10_000, 250 * 2 ** Math.min(pollFailures, 6));
        this.log.warn(`getUpdates failed (${(error as Error).message}); retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
