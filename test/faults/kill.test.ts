/**
 * Scenario 2 — the process is killed with SIGKILL three times at random
 * points of the conversation and started again each time.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import type { HotlineProcess } from '../helpers/process.js';
import { appEnv, CLIENTS, Conversation, kill, MESSAGES, seeded, appWarnings, expectAlive, settle, sleep, startApp, startWorld, stopApp, TIME_SCALE, type FaultWorld } from './world.js';

let world: FaultWorld | undefined;
let database: TestDatabase | undefined;
let app: HotlineProcess | undefined;
afterAll(async () => {
  await stopApp(app);
  await world?.close();
  await database?.cleanup();
});

const KILLS = 3;
const SEED = 9;

describe('SIGKILL', () => {
  it('killed three times at random points and restarted: nothing lost, order kept, at most the in-flight call repeated per queue and kill', async () => {
    world = await startWorld();
    database = await testDatabase();
    const env = appEnv(world, database);
    app = await startApp(env);
    const conversation = new Conversation(world, { paceMs: 1000 });
    conversation.start();

    const random = seeded(SEED);
    const points: string[] = [];
    const began = Date.now();
    for (let k = 0; k < KILLS; k++) {
      // Somewhere 2–12 s into the running process: mid-intake, mid-send, mid-topic creation.
      const after = 2000 + Math.floor(random() * 10_000);
      await sleep(after);
      await kill(app);
      points.push(`${((Date.now() - began) / 1000).toFixed(1)} s`);
      app = await startApp(env);
    }
    const faultEndedAt = Date.now();
    await conversation.allSent();
    const completedAt = await conversation.waitUntilComplete(240_000);
    await conversation.stop();

    const { passed, problems } = settle(
      'kill',
      {
        order: 2,
        title: 'SIGKILL three times, restarted',
        setup:
          `${CLIENTS} clients × ${MESSAGES} messages (one a second each), the manager answering each; one polling instance, killed with SIGKILL ` +
          `${KILLS} times at seeded random points (2–12 s after each start; here at ${points.join(', ')} into the run) and started again at once. ` +
          `No Telegram faults. Flood windows ×${TIME_SCALE}. Drain is counted from the moment the last restart was ready.`,
      },
      conversation,
      { faultEndedAt, completedAt },
      KILLS,
    );
    expectAlive(app);
    expect(problems, appWarnings(app)).toEqual([]);
    expect(completedAt).not.toBeNull();
    expect(passed).toBe(true);
  }, 600_000);
});
