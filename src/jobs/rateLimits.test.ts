import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rateLimits.js';

const GROUP = -100123;
/** Telegram's group limit with the window shrunk to 1 s: 20 messages a second. */
const limits = { perBotPerSecond: 1000, perPrivateChatPerSecond: 1, perGroupPerMinute: 20, broadcastPerSecond: 1000, timeScale: 1 / 60 };

describe('the outbox rate limiter', () => {
  it('takes at most 20 sends into a group per window, and the window reopens a window after the first', () => {
    const limiter = new RateLimiter(limits);
    for (let i = 0; i < 20; i++) expect(limiter.tryTake(GROUP, 0)).toBe(true);
    expect(limiter.tryTake(GROUP, 10)).toBe(false);
    expect(limiter.wait(GROUP, 10)).toBe(990);
    expect(limiter.tryTake(GROUP, 1000)).toBe(true);
  });

  it('sends answered late count from their answer, as Telegram counts them on arrival', () => {
    const limiter = new RateLimiter(limits);
    for (let i = 0; i < 20; i++) expect(limiter.tryTake(GROUP, 0)).toBe(true);
    // Telegram had them at 300 ms: its window reopens at 1,300 ms, not 1,000.
    for (let i = 0; i < 20; i++) limiter.settle(GROUP, 0, 300);
    expect(limiter.wait(GROUP, 1005)).toBe(295);
    expect(limiter.tryTake(GROUP, 1005)).toBe(false);
    expect(limiter.tryTake(GROUP, 1300)).toBe(true);
  });

  it('giving a send back frees its place at once', () => {
    const limiter = new RateLimiter(limits);
    for (let i = 0; i < 20; i++) limiter.tryTake(GROUP, 0);
    limiter.giveBack(GROUP);
    expect(limiter.tryTake(GROUP, 1)).toBe(true);
    expect(limiter.tryTake(GROUP, 2)).toBe(false);
  });
});
