/**
 * Counters for benchmarks and the sandbox page: calls per method, 429s and
 * injected faults, messages per chat. Plain increments, nothing per call
 * beyond a map lookup.
 */
export interface StatsView {
  calls: Record<string, number>;
  /** Every 429 answered: flood limits and injected ones. */
  too_many_requests: number;
  faults: { error: number; timeout: number; too_many: number; unreachable: number; late: number };
  /** Held ("timeout") calls the client gave up on before the emulator dropped them: the client's own timeout fired. */
  timeouts_given_up: number;
  /** Held calls the emulator dropped when `hold_ms` ran out (the client waited longer than that). */
  timeouts_dropped: number;
  errors: Record<string, number>;
  messages_per_chat: Record<string, number>;
  updates_queued: number;
}

export class Stats {
  private calls = new Map<string, number>();
  private errors = new Map<number, number>();
  private messages = new Map<number, number>();
  private tooMany = 0;
  private faults = { error: 0, timeout: 0, too_many: 0, unreachable: 0, late: 0 };
  private givenUp = 0;
  private dropped = 0;
  private updates = 0;

  call(method: string): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
  }

  error(code: number): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
    if (code === 429) this.tooMany++;
  }

  fault(kind: keyof Stats['faults']): void {
    this.faults[kind]++;
  }

  /** A held call closed by the client before its hold ran out. */
  givenUpByClient(): void {
    this.givenUp++;
  }

  /** A held call dropped by the emulator when its hold ran out. */
  droppedByEmulator(): void {
    this.dropped++;
  }

  message(chatId: number): void {
    this.messages.set(chatId, (this.messages.get(chatId) ?? 0) + 1);
  }

  update(): void {
    this.updates++;
  }

  reset(): void {
    this.calls.clear();
    this.errors.clear();
    this.messages.clear();
    this.tooMany = 0;
    this.faults = { error: 0, timeout: 0, too_many: 0, unreachable: 0, late: 0 };
    this.givenUp = 0;
    this.dropped = 0;
    this.updates = 0;
  }

  view(): StatsView {
    return {
      calls: Object.fromEntries(this.calls),
      too_many_requests: this.tooMany,
      faults: { ...this.faults },
      timeouts_given_up: this.givenUp,
      timeouts_dropped: this.dropped,
      errors: Object.fromEntries(this.errors),
      messages_per_chat: Object.fromEntries(this.messages),
      updates_queued: this.updates,
    };
  }
}
