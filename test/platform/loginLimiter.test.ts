import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../src/platform/auth/loginLimiter.js';

describe('login limiter', () => {
  it('5 failures within 15 minutes block the e-mail from that IP until the first failure leaves the window', () => {
    const limiter = new LoginLimiter();
    const start = 1_000_000;
    for (let i = 0; i < 5; i++) limiter.fail('Anna@Example.com', '10.0.0.1', start + i * 60_000);
    expect(limiter.retryAfter('anna@example.com', '10.0.0.1', start + 5 * 60_000)).toBe(10 * 60_000);
    expect(limiter.retryAfter('anna@example.com', '10.0.0.2', start + 5 * 60_000)).toBe(0);
    expect(limiter.retryAfter('anna@example.com', '10.0.0.1', start + 15 * 60_000)).toBe(0);
  });

  it('a success clears the count', () => {
    const limiter = new LoginLimiter({ maxFailures: 2 });
    limiter.fail('a@b.c', 'ip', 0);
    limiter.succeed('a@b.c', 'ip');
    limiter.fail('a@b.c', 'ip', 1);
    expect(limiter.retryAfter('a@b.c', 'ip', 2)).toBe(0);
  });
});

describe('login limiter across addresses', () => {
  it('one e-mail guessed from many IPs is stopped after 20 failures in the window', () => {
    const limiter = new LoginLimiter();
    for (let i = 0; i < 20; i++) limiter.fail('victim@example.com', `10.0.0.${i}`, 1000 + i);
    expect(limiter.retryAfter('victim@example.com', '10.9.9.9', 2000)).toBeGreaterThan(0);
    expect(limiter.retryAfter('someone@example.com', '10.9.9.9', 2000)).toBe(0);
  });
});
