/**
 * Scenario 4 — two Hotline instances in webhook mode on one PostgreSQL
 * database, Telegram's updates spread over both by a round-robin proxy: each
 * message reaches its chat exactly once — both outboxes work the same table,
 * and no call is sent by both.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { freePort, type HotlineProcess } from '../helpers/process.js';
import { startWebhookProxy, type WebhookProxy } from './proxy.js';
import { appEnv, CLIENTS, Conversation, appWarnings, expectAlive, MESSAGES, settle, startApp, startWorld, stopApp, TIME_SCALE, type FaultWorld } from './world.js';

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

/** Bot API calls the instance's outbox made, from its /metrics. */
async function outboxSent(app: HotlineProcess): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('hotline_telegram_outbox_sent_total'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

describe('two instances', () => {
  it('webhook mode, updates spread over both: every message once, in order, in the right chat and topic', async () => {
    world = await startWorld();
    database = await testDatabase();
    const ports = [await freePort(), await freePort()];
    proxy = await startWebhookProxy(ports.map((port) => `http://127.0.0.1:${port}`));
    for (const port of ports) {
      apps.push(
        await startApp(appEnv(world, database, { TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: SECRET, PORT: String(port), PUBLIC_URL: proxy.url })),
      );
    }
    const conversation = new Conversation(world, { paceMs: 1000 });
    // Answers from here on: a start-up 503 to a setup update (an instance still
    // connecting) is Telegram's to retry and not what this scenario checks.
    proxy.resetCounts();
    const began = Date.now();
    conversation.start();
    await conversation.allSent();
    const completedAt = await conversation.waitUntilComplete(240_000);
    await conversation.stop();

    const sent = await Promise.all(apps.map(outboxSent));
    const updates = proxy.answers.map((a) => a['200'] ?? 0);
    const { passed, problems } = settle(
      'twoInstances',
      {
        order: 4,
        title: 'Two instances in webhook mode on one PostgreSQL',
        setup:
          `${CLIENTS} clients × ${MESSAGES} messages (one a second each), the manager answering each; two instances (separate processes) in webhook mode on one database, ` +
          `a round-robin proxy handing Telegram's webhook calls to one, then the other. No Telegram faults. Flood windows ×${TIME_SCALE}. ` +
          'There is no fault to end here: "drain" is the time from the start of the conversation until the last message arrived.',
        notes: [
          `Updates applied: ${updates.join(' and ')} by the two instances; Bot API calls sent from their outboxes: ${sent.join(' and ')}.`,
          'Each outbox row is leased (`lease_until`) before it is sent, so the instances never send the same row; duplicates above are counted in the chats themselves.',
        ],
      },
      conversation,
      { faultEndedAt: began, completedAt },
    );
    apps.forEach(expectAlive);
    expect(problems, appWarnings(apps)).toEqual([]);
    expect(completedAt).not.toBeNull();
    expect(passed).toBe(true);
    // Both instances really took part.
    expect(Math.min(...updates)).toBeGreaterThan(0);
    expect(Math.min(...sent)).toBeGreaterThan(0);
    expect(proxy.answers.every((a) => Object.keys(a).every((status) => status === '200')), `webhook answers per instance: ${JSON.stringify(proxy.answers)}; ${proxy.refusals.join(' | ')}; ${apps.flatMap((app) => app.output().split('\n').filter((line) => line.includes('not applied'))).join(' | ')}`).toBe(true);
  }, 600_000);
});
