/**
 * Scenario 7 — the managers' group loses the bot and gets it back (issue
 * 15.2): the bot is kicked for 20 s (every call to the group answers 403
 * "Forbidden: bot was kicked from the supergroup chat"), then made an
 * administrator again. The group is paused, not its messages failed; when
 * the rights return everything arrives, in order. Answers the manager writes
 * while the bot is out never reach any bot (Bot API: a bot receives updates
 * only from chats it is a member of): they are counted apart, and managers
 * are told in the group, once the bot is back, that they did not reach
 * clients.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import type { HotlineProcess } from '../helpers/process.js';
import { REPEAT_MARK } from '../../src/jobs/outboxFailures.js';
import { appEnv, Conversation, appWarnings, expectAlive, outboxFigures, settle, sleep, startApp, startWorld, stopApp, TIME_SCALE, type FaultWorld } from './world.js';

const CLIENTS = 8;
const MESSAGES = 20;
const KICKED_MS = 20_000;

let world: FaultWorld | undefined;
let database: TestDatabase | undefined;
let app: HotlineProcess | undefined;
afterAll(async () => {
  await stopApp(app);
  await world?.close();
  await database?.cleanup();
});

describe('the managers\' group loses and regains the bot', () => {
  it('paused while the bot is out, everything delivered in order once it is back', async () => {
    world = await startWorld({ clients: CLIENTS });
    database = await testDatabase();
    app = await startApp(appEnv(world, database));
    await world.control.resetStats();
    const conversation = new Conversation(world, { messages: MESSAGES, paceMs: 1000 });
    conversation.start();
    await sleep(5_000);
    await world.control.addMember(world.group, { user_id: world.bot.id, status: 'kicked' });
    await sleep(KICKED_MS);
    const metricsWhileOut = await (await fetch(`${app.url}/metrics`)).text();
    await world.control.addMember(world.group, { user_id: world.bot.id, status: 'administrator' });
    const faultEndedAt = Date.now();
    await conversation.allSent();
    const completedAt = await conversation.waitUntilComplete(240_000);
    await conversation.stop();

    const { toTopic, toClient } = conversation.tallies(false);
    const figures = await outboxFigures(world, database.url!, toTopic.delivered + toClient.delivered);
    const paused = /^hotline_managers_chats_paused 1$/m.test(metricsWhileOut);
    // The notice in the group's General topic (no thread) once the bot is back.
    const shown = [...world.emulator.group(world.group)!.messages.values()].filter(
      (m) => !m.deleted && m.message.from?.id === world!.bot.id && m.threadId === undefined && (m.message.text ?? '').includes('до клиентов не дошли'),
    );
    // A repeat after a lost answer carries the repeat mark and is allowed once (docs/RELIABILITY.md).
    const notices = shown.filter((m) => !(m.message.text ?? '').startsWith(REPEAT_MARK)).length;
    const noticesRepeated = shown.length - notices;
    const { problems } = settle(
      'groupRights',
      {
        order: 7,
        title: 'The managers\' group loses the bot and gets it back',
        setup:
          `${CLIENTS} clients × ${MESSAGES} messages (one a second each), the manager answering each; one polling instance. ` +
          `At 5 s the bot is kicked from the managers' group for ${KICKED_MS / 1000} s (403 "bot was kicked from the supergroup chat"), then made an administrator again. Flood windows ×${TIME_SCALE}.`,
        notes: [
          `While the bot was out, /metrics showed the group paused: ${paused ? 'yes' : 'no'}. Bot API calls in all: ${figures.calls}.`,
          `Answers written while the bot was out of the group: ${conversation.writtenWhileBotOut.size}; notices to managers that they did not reach clients: ${notices} (plus ${noticesRepeated} marked repeat).`,
        ],
      },
      conversation,
      { faultEndedAt, completedAt },
      0,
      { callsPerMessage: figures.callsPerMessage, orphanTopics: figures.orphanTopics },
    );
    expectAlive(app);
    expect(problems, appWarnings(app)).toEqual([]);
    expect(completedAt).not.toBeNull();
    expect(paused).toBe(true);
    expect(notices).toBe(1);
  }, 600_000);
});
