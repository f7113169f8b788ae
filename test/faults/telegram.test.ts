/**
 * Scenario 1 — Telegram misbehaves: 10% of Bot API calls answer 500, 5% are
 * held past the client's timeout, a burst of 429s asks for up to 30 s, and
 * then the Bot API is unreachable for 60 s — while 50 clients write 40
 * messages each and the manager answers every one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import type { HotlineProcess } from '../helpers/process.js';
import { appEnv, CLIENTS, Conversation, MESSAGES, appWarnings, expectAlive, settle, sleep, startApp, startWorld, stopApp, TIME_SCALE, traceProgress, type FaultWorld } from './world.js';

let world: FaultWorld | undefined;
let database: TestDatabase | undefined;
let app: HotlineProcess | undefined;
afterAll(async () => {
  await stopApp(app);
  await world?.close();
  await database?.cleanup();
});

/**
 * The outbox gives up on a Bot API call after 15 s (topic creation and cards
 * included), grammY's client elsewhere after 60 s: a held call is kept 90 s,
 * so the app's own timeout always fires first (the emulator counts that).
 */
const HOLD_MS = 90_000;
const BACKGROUND = { error_rate: 0.1, timeout_rate: 0.05, hold_ms: HOLD_MS, seed: 20_261_126 };
const BURST_MS = 10_000;
const OUTAGE_MS = 60_000;

describe('Telegram faults', () => {
  it('500s, timeouts, a 429 burst and 60 s unreachable: every message in the right chat and topic, once, in order', async () => {
    world = await startWorld();
    database = await testDatabase();
    app = await startApp(appEnv(world, database));
    const { control } = world;
    const conversation = new Conversation(world, { paceMs: 1000 });

    await control.setFaults(BACKGROUND);
    const stopTrace = traceProgress(conversation, database.url);
    conversation.start();
    await sleep(10_000);
    await control.setFaults({ ...BACKGROUND, too_many_rate: 0.5, retry_after: 1, retry_after_max: 30 });
    await sleep(BURST_MS);
    await control.setFaults(BACKGROUND);
    await sleep(5_000);
    await control.setFaults({ ...BACKGROUND, unreachable: true });
    await sleep(OUTAGE_MS);
    // The network is back; the 500s and timeouts go on while the backlog drains.
    await control.setFaults(BACKGROUND);
    const faultEndedAt = Date.now();
    await conversation.allSent();
    const completedAt = await conversation.waitUntilComplete(300_000);
    await control.clearFaults();
    stopTrace();
    await conversation.stop();

    const stats = await control.stats();
    const calls = Object.values(stats.calls).reduce((a, b) => a + b, 0);
    const { passed, problems } = settle(
      'telegram',
      {
        order: 1,
        title: 'Telegram faults: 500s, timeouts, 429 bursts, Bot API unreachable',
        setup:
          `${CLIENTS} clients × ${MESSAGES} messages (one a second each), the manager answering each in the topic; one polling instance. ` +
          `Throughout: 10% of Bot API calls answer 500, 5% are held ${HOLD_MS / 1000} s without being applied (the app's own timeout — 15 s for the outbox's calls — fires first). ` +
          `At 10 s: a ${BURST_MS / 1000} s burst where half the calls answer 429 with retry_after 1–30 s. ` +
          `At 25 s: the Bot API unreachable for ${OUTAGE_MS / 1000} s (every connection dropped, getUpdates too). Flood windows ×${TIME_SCALE}.`,
        notes: [
          `The 500s and held calls go on while the backlog drains: the manager's 40 answers to a client go out one after another, ` +
            `and each held call costs its queue the outbox's 15 s call timeout — the slowest of the 100 queues sets the drain time.`,
          `Bot API calls ${calls}; injected: ${stats.faults.error} × 500, ${stats.faults.timeout} held (${stats.timeouts_given_up} given up by the client's timeout, ${stats.timeouts_dropped} outwaited the hold), ` +
            `${stats.faults.too_many} × 429, ${stats.faults.unreachable} connections dropped while unreachable; 429s in all (with the flood limits): ${stats.too_many_requests}.`,
        ],
      },
      conversation,
      { faultEndedAt, completedAt },
    );
    expectAlive(app);
    expect(problems, appWarnings(app)).toEqual([]);
    expect(completedAt).not.toBeNull();
    expect(passed).toBe(true);
    // The faults really happened.
    expect(stats.faults.error).toBeGreaterThan(0);
    expect(stats.faults.timeout).toBeGreaterThan(0);
    expect(stats.faults.too_many).toBeGreaterThan(0);
    expect(stats.faults.unreachable).toBeGreaterThan(0);
    // Every held call was given up by the app's own timeout, none outwaited the hold.
    expect(stats.timeouts_given_up).toBeGreaterThan(0);
    expect(stats.timeouts_dropped).toBe(0);
  }, 600_000);
});
