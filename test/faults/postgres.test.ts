/**
 * Scenario 3 — PostgreSQL restarted in the middle of the conversation, the
 * app in webhook mode: while the database is away the webhook answers 5xx
 * (so Telegram delivers the update again), and the app reconnects by itself.
 *
 * The restart is `pg_ctlcluster … restart` of a PostgreSQL cluster made for
 * this test (pg_createcluster, on a free port, dropped afterwards) rather than
 * of the machine's `main` cluster: the same server restart for the app, without
 * cutting off whoever else uses `main` at the time.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../helpers/database.js';
import { freePort, type HotlineProcess } from '../helpers/process.js';
import { tempDir } from '../helpers/database.js';
import { startWebhookProxy, type WebhookProxy } from './proxy.js';
import { appEnv, CLIENTS, Conversation, MESSAGES, appWarnings, expectAlive, settle, sleep, startApp, startWorld, stopApp, TIME_SCALE, type FaultWorld } from './world.js';

const run = promisify(execFile);
const VERSION = fs.readdirSync('/etc/postgresql').sort().pop()!;
const CLUSTER = `hotline_faults_${process.pid}`;
const SECRET = 'faults-webhook-secret';

/** Asynchronous: the emulator lives in this process and must keep delivering while the server restarts. */
const pgctl = (...args: string[]) => run('pg_ctlcluster', ['--skip-systemctl-redirect', VERSION, CLUSTER, ...args]);

let world: FaultWorld | undefined;
let app: HotlineProcess | undefined;
let proxy: WebhookProxy | undefined;
let clusterMade = false;
afterAll(async () => {
  await stopApp(app);
  await proxy?.close();
  await world?.close();
  if (clusterMade) execFileSync('pg_dropcluster', ['--stop', VERSION, CLUSTER], { stdio: 'pipe' });
});

describe('PostgreSQL restarted', () => {
  it('webhook mode: 5xx while the database is away, Telegram redelivers, the app reconnects; every message once, in order', async () => {
    const pgPort = await freePort();
    execFileSync('pg_createcluster', ['-p', String(pgPort), VERSION, CLUSTER, '--', '--auth-host=trust', '--auth-local=trust'], { stdio: 'pipe' });
    clusterMade = true;
    await pgctl('start');
    const created = await createPostgresDatabase(`postgres://postgres@127.0.0.1:${pgPort}/postgres`);
    const database = { url: created.url, dataDir: tempDir(), kind: 'postgres' as const, cleanup: () => created.drop() };

    world = await startWorld({ webhookRetryMs: 500 });
    const port = await freePort();
    proxy = await startWebhookProxy([`http://127.0.0.1:${port}`]);
    app = await startApp(
      appEnv(world, database, { TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: SECRET, PORT: String(port), PUBLIC_URL: proxy.url }),
    );
    const conversation = new Conversation(world, { paceMs: 1000 });
    conversation.start();
    await sleep(15_000);
    const before = { ...proxy.answers[0] };
    const restartStarted = Date.now();
    await pgctl('restart');
    const faultEndedAt = Date.now();
    const restartSeconds = (faultEndedAt - restartStarted) / 1000;
    await conversation.allSent();
    const completedAt = await conversation.waitUntilComplete(240_000);
    await conversation.stop();

    const answers = proxy.answers[0]!;
    const failed = Object.entries(answers).filter(([status]) => Number(status) >= 500).reduce((n, [, count]) => n + count, 0);
    const failedBefore = Object.entries(before).filter(([status]) => Number(status) >= 500).reduce((n, [, count]) => n + count, 0);
    const info = await world.started.emulator.bot()!.webhook.lastError;
    const { passed, problems } = settle(
      'postgres',
      {
        order: 3,
        title: 'PostgreSQL restarted mid-run (webhook mode)',
        setup:
          `${CLIENTS} clients × ${MESSAGES} messages (one a second each), the manager answering each; one instance in webhook mode. ` +
          `15 s in, \`pg_ctlcluster --skip-systemctl-redirect ${VERSION} <cluster> restart\` (it took ${restartSeconds.toFixed(1)} s) of the PostgreSQL cluster the app uses ` +
          `(made for the test with pg_createcluster, so other users of the machine's main cluster are not cut off). No Telegram faults. Flood windows ×${TIME_SCALE}.`,
        notes: [
          `Webhook answers: ${Object.entries(answers)
            .map(([status, count]) => `${count} × ${status}`)
            .join(', ')} — the 5xx (${failed - failedBefore} of them around the restart) were delivered again by the emulator, as Telegram does.`,
        ],
      },
      conversation,
      { faultEndedAt, completedAt },
    );
    await created.drop();
    fs.rmSync(database.dataDir, { recursive: true, force: true });
    expectAlive(app);
    expect(problems, appWarnings(app)).toEqual([]);
    expect(completedAt).not.toBeNull();
    expect(passed).toBe(true);
    // The webhook said "not now" while the database was away, and nothing else went wrong.
    expect(failed - failedBefore).toBeGreaterThan(0);
    expect(Object.keys(answers).every((status) => status === '200' || Number(status) >= 500)).toBe(true);
    expect(info?.message ?? '').toMatch(/Wrong response from the webhook: 5\d\d/);
  }, 600_000);
});
