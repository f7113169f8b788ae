/**
 * One bot's update queue with Telegram's semantics: an update stays until a
 * getUpdates `offset` above its id confirms it (or a webhook delivery
 * succeeds); long polls wait for the first new update; allowed_updates filters
 * updates when they are created, not when they are read.
 */
import type { Update } from '@grammyjs/types';
import { ApiError, reasons } from './errors.js';

export type UpdateKind = Exclude<keyof Update, 'update_id'>;

/** Telegram sends these only to bots that ask for them in allowed_updates. */
const OPT_IN = new Set<string>(['chat_member', 'message_reaction', 'message_reaction_count']);

interface Poll {
  wake: () => void;
  fail: (error: ApiError) => void;
}

export class UpdateQueue {
  private pending: Update[] = [];
  private nextId = 1;
  private allowed: Set<string> | undefined;
  private poll: Poll | undefined;
  /** Called after every new update; the webhook deliverer listens here. */
  onPush: (() => void) | undefined;

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
    if (!this.wants(kind)) return false;
    this.pending.push({ update_id: this.nextId++, [kind]: payload } as Update);
    this.poll?.wake();
    this.onPush?.();
    return true;
  }

  /** getUpdates' offset: drops ids below a positive offset; a negative one keeps the last -offset updates. */
  confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) {
      this.pending = this.pending.slice(offset);
      return;
    }
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

  dropAll(): void {
    this.pending = [];
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

  toJSON(): { pending: Update[]; nextId: number; allowed?: string[] } {
    return { pending: this.pending, nextId: this.nextId, allowed: this.allowedUpdates };
  }

  load(data: ReturnType<UpdateQueue['toJSON']>): void {
    this.pending = data.pending;
    this.nextId = data.nextId;
    this.allowed = data.allowed && new Set(data.allowed);
  }
}
