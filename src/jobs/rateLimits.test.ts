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

describe('giving back a send among others answered meanwhile', () => {
  it('frees the place of that send, not of a later one answered since (which Telegram still counts)', () => {
    const limiter = new RateLimiter(limits);
    // A call taken at 100 ms…
    limiter.tryTake(GROUP, 100);
    // …a Hotline step takes at 300 ms (its own calls take their own budget)…
    limiter.tryTake(GROUP, 300);
    // …the call is answered at 400 ms: Telegram counts it until 1,400 ms…
    limiter.settle(GROUP, 100, 400);
    // …and the step gives its take back.
    limiter.giveBack(GROUP, 300);
    // At 1,350 ms the call answered at 400 ms still counts: 19 places, not 20.
    for (let i = 0; i < 19; i++) expect(limiter.tryTake(GROUP, 1350)).toBe(true);
    expect(limiter.tryTake(GROUP, 1350)).toBe(false);
  });
});

describe('a take renewed when its call goes later (retake)', () => {
  it('a take older than the window is taken again from now, waiting for room: the window never holds more than 20', async () => {
    const limiter = new RateLimiter({ ...limits, timeScale: 1 / 600 }); // a 100 ms window
    const first = Date.now();
    limiter.tryTake(GROUP, first);
    for (let i = 0; i < 19; i++) limiter.tryTake(GROUP, first);
    // The window passes (a topic was being created); meanwhile 20 other sends took the freed places.
    await new Promise((r) => setTimeout(r, 120));
    for (let i = 0; i < 20; i++) expect(limiter.tryTake(GROUP)).toBe(true);
    const renewed = await limiter.retake(GROUP, first);
    // It had to wait for a place: counted from when it could go, a window after the others.
    expect(renewed - first).toBeGreaterThanOrEqual(200);
  });
});

describe('the group reserve for content (titles, cards, reactions are housekeeping)', () => {
  const reserved = { ...limits, groupReserveForContent: 5 };

  it('housekeeping stops at 15 of a group’s 20, and the last 5 still go to clients’ words at once', () => {
    const limiter = new RateLimiter(reserved);
    for (let i = 0; i < 15; i++) expect(limiter.tryTake(GROUP, 0, 'housekeeping')).toBe(true);
    expect(limiter.tryTake(GROUP, 1, 'housekeeping')).toBe(false);
    expect(limiter.wait(GROUP, 1, 'housekeeping')).toBe(999);
    for (let i = 0; i < 5; i++) expect(limiter.tryTake(GROUP, 2)).toBe(true);
    expect(limiter.tryTake(GROUP, 3)).toBe(false);
  });

  it('content may use the whole window, and then housekeeping waits for 6 places to be free', () => {
    const limiter = new RateLimiter(reserved);
    for (let i = 0; i < 20; i++) expect(limiter.tryTake(GROUP, i * 10)).toBe(true);
    // At 1,000 ms the first send leaves the window: 1 free, content may go, housekeeping may not.
    expect(limiter.wait(GROUP, 1000)).toBe(0);
    expect(limiter.wait(GROUP, 1000, 'housekeeping')).toBe(50);
    expect(limiter.tryTake(GROUP, 1050, 'housekeeping')).toBe(true);
  });

  it('a private chat has no reserve: housekeeping there waits only as long as content would', () => {
    const limiter = new RateLimiter(reserved);
    expect(limiter.tryTake(42, 0, 'housekeeping')).toBe(true);
    expect(limiter.wait(42, 10, 'housekeeping')).toBeGreaterThan(0);
    expect(limiter.wait(42, 10, 'housekeeping')).toBe(limiter.wait(42, 10));
    expect(limiter.tryTake(42, 20, 'housekeeping')).toBe(true);
  });
});

describe('windows restored after a restart', () => {
  it('sends of the last second before the restart count in the bot’s second and the private chat’s, not in a group’s minute', () => {
    const limiter = new RateLimiter({ ...limits, perBotPerSecond: 30, timeScale: 1 });
    for (let i = 0; i < 30; i++) limiter.restore(100 + i, 500);
    // The bot's second is full until 1,500 ms: a new process may not add a second's worth at once.
    expect(limiter.wait(1, 600)).toBe(900);
    expect(limiter.wait(100, 1500)).toBe(0);
    limiter.restore(GROUP, 1600);
    // The group's minute starts empty (see TelegramOutbox.restoreWindows); only the bot's second holds the send.
    expect(limiter.free(GROUP, 1600)).toBe(20);
  });
});
