/**
 * Scenario 8 — calls Telegram applied but answered late or never (issue
 * 15.4), on every method the outbox calls: a share of calls is applied at
 * once and answered after 20 s (past the outbox's 15 s timeout) or never.
 * Targets: nothing lost, no unmarked duplicate, nothing out of order, no
 * orphan topic; a repeat is allowed once per lost answer and is marked.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import type { HotlineProcess } from '../helpers/process.js';
import { appEnv, Conversation, appWarnings, expectAlive, outboxFigures, settle, startApp, startWorld, stopApp, TIME_SCALE, type FaultWorld } from './world.js';

const CLIENTS = 8;
const MESSAGES = 20;
/** Every Bot API method the outbox (and the topics and cards it drives) calls. */
const OUTBOX_METHODS = [
  'sendMessage', 'copyMessage', 'copyMessages', 'createForumTopic', 'reopenForumTopic', 'deleteForumTopic', 'closeForumTopic',
  'editMessageText', 'editMessageCaption', 'pinChatMessage', 'unpinChatMessage', 'setMessageReaction', 'sendDocument',
];

let world: FaultWorld | undefined;
let database: TestDatabase | undefined;
let app: HotlineProcess | undefined;
afterAll(async () => {
  await stopApp(app);
  await world?.close();
  await database?.cleanup();
});

describe('calls applied but answered late', () => {
  it('no loss, no unmarked duplicate, no orphan topic', async () => {
    world = await startWorld({ clients: CLIENTS });
    database = await testDatabase();
    app = await startApp(appEnv(world, database));
    await world.control.resetStats();
    // 10% of the outbox's calls applied at once and answered 20 s late (the outbox gives up at 15 s), seeded.
    await world.control.setFaults({ late_rate: 0.1, late_ms: 20_000, methods: OUTBOX_METHODS, seed: 20_261_130, hold_ms: 90_000 });
    const conversation = new Conversation(world, { messages: MESSAGES, paceMs: 1000 });
    conversation.start();
    await conversation.allSent();
    await world.control.clearFaults();
    const faultEndedAt = Date.now();
    const completedAt = await conversation.waitUntilComplete(240_000);
    await conversation.stop();

    const stats = await world.control.stats();
    const { toTopic, toClient } = conversation.tallies(false);
    const figures = await outboxFigures(world, database.url!, toTopic.delivered + toClient.delivered);
    const { problems } = settle(
      'lateAnswers',
      {
        order: 8,
        title: 'Calls applied but answered late, on every outbox method',
        setup:
          `${CLIENTS} clients × ${MESSAGES} messages (one a second each), the manager answering each; one polling instance. ` +
          `While the clients write, 10% of the calls of every outbox method (${OUTBOX_METHODS.join(', ')}) are applied at once and answered 20 s later — after the outbox's 15 s timeout. Flood windows ×${TIME_SCALE}.`,
        notes: [`Calls applied and answered late: ${stats.faults.late}. Bot API calls in all: ${figures.calls}.`],
      },
      conversation,
      { faultEndedAt, completedAt },
      0,
      { callsPerMessage: figures.callsPerMessage, orphanTopics: figures.orphanTopics },
    );
    expectAlive(app);
    expect(problems, appWarnings(app)).toEqual([]);
    expect(completedAt).not.toBeNull();
    expect(stats.faults.late).toBeGreaterThan(0);
  }, 600_000);
});
