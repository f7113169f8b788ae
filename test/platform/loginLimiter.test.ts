/**
 * The login throttle (issue 16.9): keyed on the source and on (source,
 * account), never a lockout of the account itself. The limiter's own rules
 * with an injected clock, then the same through the HTTP API from many
 * addresses (X-Forwarded-For, the app trusting its proxy).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceCookieFor, DEVICE_COOKIE, isTrustedDevice, LoginLimiter } from '../../src/platform/auth/loginLimiter.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';

const SECRET = 'test-app-secret-0123456789abcdef0123';

describe('login limiter', () => {
  it('5 failures within 15 minutes hold back that e-mail from that address until the first failure leaves the window', () => {
    const limiter = new LoginLimiter();
    const start = 1_000_000;
    for (let i = 0; i < 5; i++) limiter.fail('Anna@Example.com', '10.0.0.1', {}, start + i * 60_000);
    expect(limiter.admit('anna@example.com', '10.0.0.1', {}, start + 5 * 60_000)).toEqual({ waitMs: 10 * 60_000, by: 'pair' });
    expect(limiter.admit('anna@example.com', '10.0.0.2', {}, start + 5 * 60_000)).toEqual({ waitMs: 0 });
    expect(limiter.admit('anna@example.com', '10.0.0.1', {}, start + 15 * 60_000)).toEqual({ waitMs: 0 });
  });

  it('a success clears the count', () => {
    const limiter = new LoginLimiter({ maxFailures: 2 });
    limiter.fail('a@b.c', 'ip', {}, 0);
    limiter.succeed('a@b.c', 'ip', {}, 1);
    limiter.fail('a@b.c', 'ip', {}, 2);
    expect(limiter.admit('a@b.c', 'ip', {}, 3).waitMs).toBe(0);
  });

  it('one address spraying a password across many accounts is held back after 20 failures — that address only', () => {
    const limiter = new LoginLimiter();
    for (let i = 0; i < 20; i++) limiter.fail(`user${i}@example.com`, '10.6.6.6', {}, 1000 + i);
    expect(limiter.admit('user99@example.com', '10.6.6.6', {}, 2000)).toMatchObject({ by: 'source' });
    expect(limiter.admit('user99@example.com', '10.6.6.6', {}, 2000).waitMs).toBeGreaterThan(0);
    expect(limiter.admit('user99@example.com', '10.7.7.7', {}, 2000)).toEqual({ waitMs: 0 });
  });

  it("a stranger's failures from many addresses never lock the owner out: their device and known address pass, a new address is slowed, not stopped", () => {
    const limiter = new LoginLimiter();
    limiter.succeed('owner@example.com', '10.1.1.1', {}, 0);
    for (let i = 0; i < 50; i++) limiter.fail('owner@example.com', `10.9.${i}.1`, {}, 1000 + i);
    const now = 2000;
    expect(limiter.admit('owner@example.com', '10.5.5.5', { trustedDevice: true }, now)).toEqual({ waitMs: 0 });
    expect(limiter.admit('owner@example.com', '10.1.1.1', {}, now)).toEqual({ waitMs: 0 });
    // An address the account never used: one attempt per minute for the account, however many addresses ask.
    expect(limiter.admit('owner@example.com', '10.3.3.3', {}, now)).toEqual({ waitMs: 0 });
    const slowed = limiter.admit('owner@example.com', '10.4.4.4', {}, now + 1000);
    expect(slowed).toEqual({ waitMs: 59_000, by: 'account' });
    expect(limiter.admit('owner@example.com', '10.4.4.4', {}, now + 60_000)).toEqual({ waitMs: 0 });
    // Other accounts are not touched.
    expect(limiter.admit('other@example.com', '10.4.4.4', {}, now + 1000)).toEqual({ waitMs: 0 });
  });

  it("a trusted browser's own failures count against that browser only", () => {
    const limiter = new LoginLimiter();
    for (let i = 0; i < 5; i++) limiter.fail('owner@example.com', '10.1.1.1', { trustedDevice: true }, i);
    expect(limiter.admit('owner@example.com', '10.1.1.1', { trustedDevice: true }, 10)).toMatchObject({ by: 'pair' });
    expect(limiter.admit('owner@example.com', '10.1.1.1', {}, 10)).toEqual({ waitMs: 0 });
  });

  it('a device cookie is trusted only for its own account and only with its signature', () => {
    const cookie = deviceCookieFor('Owner@Example.com', SECRET);
    expect(isTrustedDevice(cookie, 'owner@example.com', SECRET)).toBe(true);
    expect(isTrustedDevice(cookie, 'someone@example.com', SECRET)).toBe(false);
    expect(isTrustedDevice(cookie, 'owner@example.com', `${SECRET}x`)).toBe(false);
    expect(isTrustedDevice(`${cookie.slice(0, -2)}AA`, 'owner@example.com', SECRET)).toBe(false);
    expect(isTrustedDevice(undefined, 'owner@example.com', SECRET)).toBe(false);
    // The e-mail itself is not in the cookie.
    expect(Buffer.from(cookie.split('.')[0]!, 'base64url').toString()).not.toContain('owner');
  });
});

describe('login throttle over HTTP, from many addresses', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** A sign-in attempt from `ip` (X-Forwarded-For), with a device cookie when given. */
  async function attempt(email: string, password: string, ip: string, device?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-forwarded-for': ip };
    if (device) headers.cookie = `${DEVICE_COOKIE}=${device}`;
    const response = await fetch(`${app.url}/api/auth/sign-in`, { method: 'POST', headers, body: JSON.stringify({ email, password }) });
    const deviceCookie = response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0]!)
      .find((pair) => pair.startsWith(`${DEVICE_COOKIE}=`))
      ?.slice(DEVICE_COOKIE.length + 1);
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { error?: string }, deviceCookie };
  }

  it("a stranger's 30 wrong passwords for the admin from 30 addresses do not lock the admin out", async () => {
    const own = await attempt(ADMIN_EMAIL, ADMIN_PASSWORD, '10.1.0.1');
    expect(own.status).toBe(200);
    expect(own.deviceCookie).toBeTruthy();
    const guesses: { status: number; retryAfter: string | null }[] = [];
    for (let i = 0; i < 30; i++) guesses.push(await attempt(ADMIN_EMAIL, `guess-${i}`, `10.2.0.${i + 1}`));
    // The first 20 are plain wrong passwords; after that, guesses from new addresses are slowed (429 + Retry-After), never free.
    expect(guesses.slice(0, 20).every((guess) => guess.status === 401)).toBe(true);
    const slowed = guesses.filter((guess) => guess.status === 429);
    expect(slowed.length).toBeGreaterThan(0);
    for (const guess of slowed) expect(Number(guess.retryAfter)).toBeGreaterThan(0);
    // The owner's browser (device cookie) gets in — from its usual address and from a new one.
    expect((await attempt(ADMIN_EMAIL, ADMIN_PASSWORD, '10.1.0.1', own.deviceCookie)).status).toBe(200);
    expect((await attempt(ADMIN_EMAIL, ADMIN_PASSWORD, '10.3.0.1', own.deviceCookie)).status).toBe(200);
    // The owner's known address gets in without the cookie too.
    expect((await attempt(ADMIN_EMAIL, ADMIN_PASSWORD, '10.1.0.1')).status).toBe(200);
  });

  it('one address trying one password across many accounts is throttled with 429 + Retry-After; the owner from their own address still signs in', async () => {
    const victim = await app.addUser({ role: 'customer', organization: 'Spray Target LLC' });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await attempt(`spray${i}@test.local`, 'Summer2026!', '10.4.0.1')).status);
    expect(statuses.every((status) => status === 401)).toBe(true);
    const held = await attempt(victim.email, 'Summer2026!', '10.4.0.1');
    expect(held.status).toBe(429);
    expect(Number(held.retryAfter)).toBeGreaterThan(0);
    expect(held.body.error).toMatch(/с этого адреса/);
    // Even the right password from that address waits: the address is held back, whatever it tries.
    expect((await attempt(victim.email, victim.password, '10.4.0.1')).status).toBe(429);
    // The account itself is not: its owner signs in from their own address.
    expect((await attempt(victim.email, victim.password, '10.4.0.2')).status).toBe(200);
  });

  it('more than 60 sign-in requests a minute from one address answer 429 + Retry-After before any password work (@fastify/rate-limit)', async () => {
    const user = await app.addUser({ role: 'customer', organization: 'Flooded LLC' });
    // Malformed bodies: cheap to send, and counted all the same (the cap runs before validation).
    for (let i = 0; i < 60; i++) {
      const response = await fetch(`${app.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.5.0.1' }, body: '{}' });
      expect(response.status).toBe(400);
    }
    const capped = await attempt(user.email, user.password, '10.5.0.1');
    expect(capped.status).toBe(429);
    expect(Number(capped.retryAfter)).toBeGreaterThan(0);
    expect(capped.body.error).toMatch(/с этого адреса/);
    expect((await attempt(user.email, user.password, '10.5.0.2')).status).toBe(200);
  });
});
