/**
 * The group's budget as the topic steps spend it (topics, titles, cards): a
 * call counts from Telegram's answer, not from when it was taken, or a busy
 * group gets a 21st call within Telegram's minute (bench/dialogStatus.ts).
 */
import { describe, expect, it } from 'vitest';
import { RateLimiter, type Take } from '../../src/jobs/rateLimits.js';

const GROUP = -1001234567890;

describe('the group budget of a call made with sending()', () => {
  it('counts the call from its answer: the window reopens a minute after the answer, not after the take', async () => {
    const limiter = new RateLimiter({ perBotPerSecond: 30, perPrivateChatPerSecond: 1, perGroupPerMinute: 1, timeScale: 1 });
    const before = Date.now();
    // A call that takes a second on the way (a slow network, a busy Telegram).
    const result = await limiter.sending(GROUP, () => new Promise<string>((resolve) => setTimeout(() => resolve('sent'), 1000)));
    expect(result).toBe('sent');
    // Half a second after a minute from the take the call still counts: it reached Telegram later.
    expect(limiter.wait(GROUP, before + 60_500)).toBeGreaterThan(0);
  });

  it('a refused call is counted too (Telegram may have counted it), and the error reaches the caller', async () => {
    const limiter = new RateLimiter({ perBotPerSecond: 30, perPrivateChatPerSecond: 1, perGroupPerMinute: 1, timeScale: 1 });
    await expect(limiter.sending(GROUP, () => Promise.reject(new Error('Bad Request')))).rejects.toThrow('Bad Request');
    expect(limiter.wait(GROUP)).toBeGreaterThan(0);
  });

  it('a call given a take (the outbox\'s, for a message that needs the topic first) spends it instead of waiting for another, and marks it spent (issue 21.1)', async () => {
    const limiter = new RateLimiter({ perBotPerSecond: 30, perPrivateChatPerSecond: 1, perGroupPerMinute: 1, timeScale: 1 });
    const take: Take = { takenAt: Date.now() };
    expect(limiter.tryTake(GROUP, take.takenAt)).toBe(true);
    // The group's only place is the message's: without spending it the topic's call would wait a minute for another.
    expect(await limiter.sending(GROUP, async () => 'topic', 'content', take)).toBe('topic');
    expect(take.spent).toBe(true);
    // One send counted, not two.
    expect(limiter.free(GROUP)).toBe(0);
    limiter.giveBack(GROUP);
    expect(limiter.free(GROUP)).toBe(1);
  });

  it('limits off: the call is made at once', async () => {
    const limiter = new RateLimiter(false);
    expect(await limiter.sending(GROUP, async () => 1)).toBe(1);
    expect(limiter.wait(GROUP)).toBe(0);
  });
});

describe('when a client\'s texts are merged (issue 21.1)', () => {
  it('as soon as the group\'s budget cannot take the waiting calls one by one, never for a lone text, at most at a minute\'s backlog', async () => {
    const { mergeAt } = await import('../../src/jobs/telegramOutbox.js');
    const limiter = new RateLimiter({ perBotPerSecond: 30, perPrivateChatPerSecond: 1, perGroupPerMinute: 20, timeScale: 1 });
    const now = Date.now();
    expect(limiter.free(GROUP, now)).toBe(20);
    for (let i = 0; i < 17; i++) limiter.record(GROUP, now);
    // 3 sends left now: 5 calls waiting (this one and 4 more) would leave one for the next window — merge.
    expect(mergeAt(limiter.free(GROUP, now))).toBe(5);
    expect(mergeAt(0)).toBe(2);
    expect(mergeAt(new RateLimiter(false).free(GROUP))).toBe(20);
  });
});
