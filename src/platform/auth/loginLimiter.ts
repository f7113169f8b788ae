/**
 * Slows down password guessing: after 5 failed sign-ins for one e-mail from
 * one IP within 15 minutes, further attempts answer 429 until the window
 * moves on. A success clears the count. In-process: each instance counts its
 * own attempts (enough for the single-instance embedded mode; several
 * instances multiply the budget by their number).
 */
export interface LoginLimiterOptions {
  maxFailures?: number;
  windowMs?: number;
}

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  readonly maxFailures: number;
  readonly windowMs: number;

  constructor(options: LoginLimiterOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
  }

  private key(email: string, ip: string): string {
    return `${email.trim().toLowerCase()}|${ip}`;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Milliseconds to wait before the next attempt, or 0 when it may go ahead. */
  retryAfter(email: string, ip: string, now = Date.now()): number {
    const list = this.recent(this.key(email, ip), now);
    if (list.length < this.maxFailures) return 0;
    return list[list.length - this.maxFailures]! + this.windowMs - now;
  }

  fail(email: string, ip: string, now = Date.now()): void {
    const key = this.key(email, ip);
    const list = this.recent(key, now);
    list.push(now);
    this.failures.set(key, list);
    if (this.failures.size > 100_000) this.sweep(now);
  }

  succeed(email: string, ip: string): void {
    this.failures.delete(this.key(email, ip));
  }

  private sweep(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
  }
}
