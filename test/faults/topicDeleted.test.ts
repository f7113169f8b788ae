/**
 * Scenario 6 — two instances in webhook mode on one PostgreSQL (a
 * round-robin proxy between them) while managers delete clients' topics
 * mid-dialog (issue 15.1): each dialog gets ONE new topic — not one per
 * instance — every later line shows in it, and every answer reaches its
 * client.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { freePort, type HotlineProcess } from '../helpers/process.js';
import { startWebhookProxy, type WebhookProxy } from './proxy.js';
import { appEnv, Conversation, appWarnings, expectAlive, outboxFigures, settle, sleep, startApp, startWorld, stopApp, TIME_SCALE, type FaultWorld } from './world.js';
import { topicClientName } from '../helpers/telegram.js';

const CLIENTS = 6;
const MESSAGES = 16;
const SECRET = 'faults-webhook-secret';

let world: FaultWorld | undefined;
let database: TestDatabase | undefined;
const apps: HotlineProcess[] = [];
let proxy: WebhookProxy | undefined;
afterAll(async () => {
  await Promise.all(apps.map((app) => stopApp(app)));
  await proxy?.close();
  await world?.close();
  await database?.cleanup();
});

describe('two instances, topics deleted mid-dialog', () => {
  it('each dialog moves to one new topic, nothing lost, duplicated or out of order', async () => {
    world = await startWorld({ clients: CLIENTS });
    database = await testDatabase();
    const ports = [await freePort(), await freePort()];
    proxy = await startWebhookProxy(ports.map((port) => `http://127.0.0.1:${port}`));
    for (const port of ports) {
      apps.push(await startApp(appEnv(world, database, { TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: SECRET, PORT: String(port), PUBLIC_URL: proxy.url })));
    }
    await world.control.resetStats();
    const conversation = new Conversation(world, { messages: MESSAGES, paceMs: 1000 });
    conversation.start();
    await sleep(6_000);
    // Managers delete half the clients' topics, mid-dialog.
    const chat = world.emulator.group(world.group)!;
    const deleted: number[] = [];
    for (const client of world.clients.slice(0, CLIENTS / 2)) {
      const topic = [...chat.topics.values()].find((t) => !t.deleted && topicClientName(t.name).startsWith(client.first_name));
      if (!topic) continue;
      await world.control.deleteTopic({ from: world.manager.id, chat_id: world.group, message_thread_id: topic.id });
      deleted.push(topic.id);
    }
    const faultEndedAt = Date.now();
    await conversation.allSent();
    const completedAt = await conversation.waitUntilComplete(240_000);
    await conversation.stop();

    const { toTopic, toClient } = conversation.tallies(false);
    const figures = await outboxFigures(world, database.url!, toTopic.delivered + toClient.delivered);
    // One live topic per client: no dialog split over two.
    const live = [...chat.topics.values()].filter((t) => !t.deleted);
    const perClient = world.clients.map((c) => live.filter((t) => topicClientName(t.name).startsWith(c.first_name)).length);
    const { problems } = settle(
      'topicDeleted',
      {
        order: 6,
        title: 'Two instances, topics deleted mid-dialog',
        setup:
          `${CLIENTS} clients × ${MESSAGES} messages (one a second each), the manager answering each; two instances in webhook mode on one database behind a round-robin proxy. ` +
          `At 6 s the managers delete the topics of ${deleted.length} clients. Lines mirrored into a deleted topic count as delivered; the manager answers later lines in the client's new topic. Flood windows ×${TIME_SCALE}.`,
        notes: [`Live topics per client at the end: ${perClient.join(', ')} (target: 1 each).`],
      },
      conversation,
      { faultEndedAt, completedAt },
      0,
      { callsPerMessage: figures.callsPerMessage, orphanTopics: figures.orphanTopics },
    );
    apps.forEach(expectAlive);
    expect(problems, appWarnings(apps)).toEqual([]);
    expect(completedAt).not.toBeNull();
    expect(perClient.every((n) => n === 1)).toBe(true);
  }, 600_000);
});
