/**
 * Slows password guessing on `POST /api/auth/sign-in` without handing a
 * stranger a way to lock an owner out (ARCHITECTURE §9: "throttling never lets
 * a stranger lock out an owner"; OWASP Authentication Cheat Sheet — per-source
 * limits plus device cookies instead of account lockout).
 *
 * Failed sign-ins are counted in a sliding window (`windowMs`, 15 min) under
 * three keys:
 *
 * 1. **source** (the client IP), across every account — `maxFailuresPerSource`
 *    (20). One address trying a password across many accounts (spraying) gets
 *    429 + Retry-After; only that address is held back.
 * 2. **(source, account)** — `maxFailures` (5). One address guessing one
 *    account gets 429 for that pair only; the owner elsewhere is not touched.
 * 3. **account**, from every source — `maxFailuresPerAccount` (20): the
 *    account is under a distributed guess. This is never a lockout:
 *    - a *trusted* attempt passes as if nothing happened: one carrying this
 *      account's device cookie (set on a successful sign-in from that browser,
 *      `DEVICE_COOKIE`), or from an address this account signed in from
 *      successfully before (`knownSourceMs`, 30 days);
 *    - an untrusted attempt is slowed to one per `slowdownMs` (60 s) for the
 *      account, so rotating addresses buys an attacker a few guesses per
 *      window, and the owner on a new device waits at most that long.
 *
 * A device-cookie attempt is counted under (device, account) instead of the
 * address, so a stranger behind the owner's NAT cannot use the address's
 * counters against the owner's own browser.
 *
 * On top of this, @fastify/rate-limit caps raw requests per address on the
 * sign-in and link routes (see routes/auth.ts): it bounds the scrypt work an
 * address can ask for, whatever the outcome.
 *
 * In-process: each instance counts its own attempts (enough for the
 * single-instance embedded mode; several instances multiply the budget by
 * their number). Memory is bounded: keys fall out with their window, and a
 * sweep runs when the maps grow large.
 */
import crypto from 'node:crypto';
import { signToken, verifyToken } from '../../core/signedLink.js';

/** The cookie that marks a browser where an account signed in successfully (signed with APP_SECRET, HMAC of the account key). */
export const DEVICE_COOKIE = 'hotline_device';
/** How long a device cookie is honoured, seconds (a year). */
export const DEVICE_COOKIE_TTL_SECONDS = 365 * 24 * 3600;

export interface LoginLimiterOptions {
  /** Failures per (source, account) in the window; default 5. */
  maxFailures?: number;
  /** Failures per source across all accounts; default 20. */
  maxFailuresPerSource?: number;
  /** Failures per account from all sources before untrusted attempts are slowed; default 20. */
  maxFailuresPerAccount?: number;
  /** The window, ms; default 15 minutes. */
  windowMs?: number;
  /** Under a distributed attack, one untrusted attempt per this many ms per account; default 60 s. */
  slowdownMs?: number;
  /** How long a successful sign-in makes its address a known source of that account, ms; default 30 days. */
  knownSourceMs?: number;
}

/** Go ahead (`waitMs` 0, no `by`), or wait `waitMs` (> 0) because of the counter `by`. */
export type Throttle = { waitMs: 0 } | { waitMs: number; by: 'source' | 'pair' | 'account' };

/** The account part of every key: the e-mail as sign-in compares it (trimmed, lower case). */
export function accountKey(email: string): string {
  return email.trim().toLowerCase();
}

/** A short, non-reversible tag of the account for the device cookie (the e-mail itself never goes into a cookie). */
function accountTag(email: string): string {
  return crypto.createHash('sha256').update(accountKey(email)).digest('base64url').slice(0, 22);
}

/** The device cookie's value for `email` after a successful sign-in. */
export function deviceCookieFor(email: string, secret: string, now = new Date()): string {
  return signToken({ a: accountTag(email) }, secret, DEVICE_COOKIE_TTL_SECONDS, now);
}

/** Whether `cookie` is a device cookie this app issued for `email` (signature, expiry and account checked). */
export function isTrustedDevice(cookie: string | undefined, email: string, secret: string, now = new Date()): boolean {
  if (!cookie) return false;
  const checked = verifyToken(cookie, secret, now);
  return checked.ok && checked.payload.a === accountTag(email);
}

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  /** account → address → when it last signed in successfully. */
  private readonly knownSources = new Map<string, Map<string, number>>();
  /** account → when the last untrusted attempt was let through while slowed. */
  private readonly slowedUntil = new Map<string, number>();
  readonly maxFailures: number;
  readonly maxFailuresPerSource: number;
  readonly maxFailuresPerAccount: number;
  readonly windowMs: number;
  readonly slowdownMs: number;
  readonly knownSourceMs: number;

  constructor(options: LoginLimiterOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.maxFailuresPerSource = options.maxFailuresPerSource ?? 20;
    this.maxFailuresPerAccount = options.maxFailuresPerAccount ?? 20;
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.slowdownMs = options.slowdownMs ?? 60 * 1000;
    this.knownSourceMs = options.knownSourceMs ?? 30 * 24 * 3600 * 1000;
  }

  private keys(email: string, ip: string, trustedDevice: boolean) {
    const account = accountKey(email);
    return { pair: trustedDevice ? `device|${account}` : `pair|${ip}|${account}`, source: `source|${ip}`, account: `account|${account}` };
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

  /** Whether `ip` signed in successfully to this account within `knownSourceMs`. */
  isKnownSource(email: string, ip: string, now = Date.now()): boolean {
    const at = this.knownSources.get(accountKey(email))?.get(ip);
    return at !== undefined && now - at < this.knownSourceMs;
  }

  /**
   * May this attempt go ahead? `trustedDevice`: it carries this account's
   * device cookie (`isTrustedDevice`). When the answer is 0 and the account is
   * slowed, the attempt takes the account's slot (call once per attempt).
   */
  admit(email: string, ip: string, options: { trustedDevice?: boolean } = {}, now = Date.now()): Throttle {
    const trustedDevice = options.trustedDevice ?? false;
    const keys = this.keys(email, ip, trustedDevice);
    const pair = this.wait(keys.pair, this.maxFailures, now);
    if (pair > 0) return { waitMs: pair, by: 'pair' };
    if (trustedDevice) return { waitMs: 0 };
    const source = this.wait(keys.source, this.maxFailuresPerSource, now);
    if (source > 0) return { waitMs: source, by: 'source' };
    if (this.isKnownSource(email, ip, now)) return { waitMs: 0 };
    if (this.recent(keys.account, now).length < this.maxFailuresPerAccount) return { waitMs: 0 };
    // Under attack from many addresses: untrusted attempts share one slot per slowdownMs.
    const until = this.slowedUntil.get(keys.account) ?? 0;
    if (until > now) return { waitMs: until - now, by: 'account' };
    this.slowedUntil.set(keys.account, now + this.slowdownMs);
    return { waitMs: 0 };
  }

  fail(email: string, ip: string, options: { trustedDevice?: boolean } = {}, now = Date.now()): void {
    const keys = this.keys(email, ip, options.trustedDevice ?? false);
    // A trusted browser's failures count against itself only: they are the owner's typos, not an attack on the account.
    const counted = options.trustedDevice ? [keys.pair] : [keys.pair, keys.source, keys.account];
    for (const key of counted) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > 100_000 || this.slowedUntil.size > 100_000) this.sweep(now);
  }

  /** A success clears this address's (or device's) count for the account and makes the address a known source of it. */
  succeed(email: string, ip: string, options: { trustedDevice?: boolean } = {}, now = Date.now()): void {
    const keys = this.keys(email, ip, options.trustedDevice ?? false);
    this.failures.delete(keys.pair);
    this.failures.delete(this.keys(email, ip, false).pair);
    const account = accountKey(email);
    const sources = this.knownSources.get(account) ?? new Map<string, number>();
    sources.delete(ip);
    sources.set(ip, now);
    // The few most recent addresses per account are enough; the oldest goes first.
    if (sources.size > 20) sources.delete(sources.keys().next().value!);
    this.knownSources.set(account, sources);
    if (this.knownSources.size > 100_000) this.knownSources.delete(this.knownSources.keys().next().value!);
  }

  private sweep(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
    for (const [key, until] of this.slowedUntil) if (until <= now) this.slowedUntil.delete(key);
  }
}
