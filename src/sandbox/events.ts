/**
 * The emulator's change feed: every visible change (a message, an edit, a pin…)
 * gets a sequence number. The sandbox page long-polls it to update live, and
 * `waitFor` re-checks its condition on each event instead of sleeping.
 */
export type SandboxEventType =
  | 'message'
  | 'edit'
  | 'delete'
  | 'pin'
  | 'unpin'
  | 'topic'
  | 'reaction'
  | 'callback_query'
  | 'callback_answer'
  | 'chat_action'
  | 'block'
  | 'chat'
  | 'user'
  | 'reset';

export interface SandboxEvent {
  seq: number;
  /** Unix milliseconds. */
  at: number;
  type: SandboxEventType;
  /** The chat as its bot sees it: the user's id for a private chat, -100… for a group. */
  chat_id?: number;
  /** The bot of a private chat. */
  bot_id?: number;
  message_thread_id?: number;
  message_id?: number;
  /** Small type-specific details (callback answer text, chat action…). */
  data?: Record<string, unknown>;
}

const KEEP = 10_000;

export class EventLog {
  private events: SandboxEvent[] = [];
  private seq = 0;
  private listeners = new Set<() => void>();

  get lastSeq(): number {
    return this.seq;
  }

  emit(event: Omit<SandboxEvent, 'seq' | 'at'>): void {
    const full = event as SandboxEvent;
    full.seq = ++this.seq;
    full.at = Date.now();
    this.events.push(full);
    // Trim in batches so the log stays O(1) per event.
    if (this.events.length > KEEP * 2) this.events = this.events.slice(-KEEP);
    if (this.listeners.size) for (const listener of [...this.listeners]) listener();
  }

  since(after: number): SandboxEvent[] {
    const first = this.events.findIndex((e) => e.seq > after);
    return first < 0 ? [] : this.events.slice(first);
  }

  /** Resolves on the next event or after `timeoutMs`/abort, whichever comes first. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done);
      this.listeners.add(done);
    });
  }

  /** Wakes every waiter (the emulator is closing). */
  wakeAll(): void {
    for (const listener of [...this.listeners]) listener();
  }

  restore(seq: number): void {
    this.seq = seq;
  }
}
