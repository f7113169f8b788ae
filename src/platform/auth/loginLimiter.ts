/**
 * Slows down password guessing: after 5 failed sign-ins for one e-mail from
 * one IP within 15 minutes, further attempts answer 429 until the window
 * moves on; a success clears the count. A second, looser cap counts one
 * e-mail's failures from every IP (20 per window), so rotating addresses — or
 * a forged X-Forwarded-For — does not buy more guesses. In-process: each
 * instance counts its own attempts (enough for the single-instance embedded
 * mode; several instances multiply the budget by their number).
 */
export interface LoginLimiterOptions {
  /** Failures per e-mail and IP; default 5. */
  maxFailures?: number;
  /** Failures per e-mail from all IPs; default 20. */
  maxFailuresPerEmail?: number;
  windowMs?: number;
}

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  readonly maxFailures: number;
  readonly maxFailuresPerEmail: number;
  readonly windowMs: number;

  constructor(options: LoginLimiterOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.maxFailuresPerEmail = options.maxFailuresPerEmail ?? 20;
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
  }

  private keys(email: string, ip: string): { pair: string; email: string } {
    const normalized = email.trim().toLowerCase();
    return { pair: `${normalized}|${ip}`, email: `${normalized}|*` };
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  private wait(key: string, max: number, now: number): number {
    const list = this.recent(key, now);
    if (list.length < max) return 0;
    return list[list.length - max]! + this.windowMs - now;
  }

  /** Milliseconds to wait before the next attempt, or 0 when it may go ahead. */
  retryAfter(email: string, ip: string, now = Date.now()): number {
    const keys = this.keys(email, ip);
    return Math.max(this.wait(keys.pair, this.maxFailures, now), this.wait(keys.email, this.maxFailuresPerEmail, now));
  }

  fail(email: string, ip: string, now = Date.now()): void {
    for (const key of Object.values(this.keys(email, ip))) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > 100_000) this.sweep(now);
  }

  /** A success clears this address's count; the e-mail-wide count runs out with its window. */
  succeed(email: string, ip: string): void {
    this.failures.delete(this.keys(email, ip).pair);
  }

  private sweep(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
  }
}
