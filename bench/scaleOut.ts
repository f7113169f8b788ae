/**
 * Scale-out on simulated separate machines: one, two and three app instances
 * (the built `dist/main.js`, each its own process) in webhook mode on one
 * PostgreSQL, each instance in its own cgroup v1 with the same CPU quota
 * (bench/cgroup.ts; BENCH_SCALEOUT_QUOTA cores, default 0.15), PostgreSQL
 * and this process (emulator, delivery stand-in, load) unrestricted on the
 * rest of the machine. Inbound updates per second until every mirror reached
 * the emulator (limits off), and per instance-core. Every run also checks
 * that each client's texts arrived in its own topic exactly once and in the
 * order sent. Where cgroups are not writable the benchmark skips with a line
 * saying why.
 *
 * Telegram opens up to `max_connections` (40 by default) connections at
 * once, which is what lets several instances share the work, and the
 * instances sit behind one URL. So a small stand-in for Telegram's parallel
 * delivery and a round-robin proxy sits between them, in this process (it
 * predates the emulator's own parallel delivery, src/sandbox/webhook.ts, and
 * keeps the figures comparable with earlier runs): it takes each update from
 * the emulator (answering at once), and POSTs it on with at most 40 in
 * flight, one at a time per chat, round-robin over the instances, retrying
 * until an instance answers 2xx — so an update is still acknowledged only
 * after an instance committed it.
 * The one-instance runs go through the same stand-in, so the ratio compares
 * like with like.
 *
 * `npx tsx bench/scaleOut.ts` prints the figures; `run()` returns them.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Message, Update } from '@grammyjs/types';
import pg from 'pg';
import { startEmulator } from '../src/sandbox/standalone.js';
import { UserActions } from '../src/sandbox/userActions.js';
import { CpuGroup, cgroupSkipReason } from './cgroup.js';
import { cpuMeter, freePort, freshPostgres, groupMessage, median, onEmulatorEvent, outboxSettled, spawnBuilt, stop, tempDir, waitFor, type Figure } from './lib.js';

export const TOKEN = '1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
export const SECRET = 'bench-webhook-secret';
const APP_SECRET = 'bench-app-secret-shared-by-every-instance';

/**
 * The environment of one of several Hotline instances behind the webhook
 * proxy at `deliveryPort`: one database, one bot, one managers' group, the
 * same APP_SECRET, the emulator's limits off (crash and scale-out benches).
 */
export function webhookInstanceEnv(o: { port: number; deliveryPort: number; databaseUrl: string; apiRoot: string; group: number }): Record<string, string> {
  return {
    PORT: String(o.port),
    PUBLIC_URL: `http://127.0.0.1:${o.deliveryPort}`,
    APP_SECRET,
    DATA_DIR: tempDir(),
    DATABASE_URL: o.databaseUrl,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: o.apiRoot,
    TELEGRAM_MANAGERS_CHAT_ID: String(o.group),
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_RATE_LIMITS: 'off',
  };
}
const MAX_CONNECTIONS = 40;
/**
 * The bursts' shapes, by number of clients sending the TOTAL texts between
 * them (BENCH_SCALEOUT_CLIENTS="2000,50" by default):
 * - 2,000 clients, one text each: every instance count does the same work per
 *   update (a text alone in its client's queue is never merged), so the ratio
 *   is scale-out alone — the figure judged against the targets first;
 * - 50 clients, 40 texts each: the outbox merges a client's waiting texts
 *   while the group is backlogged, which a throttled lone instance does more
 *   (fewer Bot API calls per update) than two or three that keep up — the
 *   ratio mixes scale-out with that saving (performance-notes, «Scale-out»).
 */
const CLIENT_COUNTS: number[] = (process.env.BENCH_SCALEOUT_CLIENTS ?? '2000,50').split(',').map(Number);
/** Texts per burst; BENCH_SCALEOUT_TOTAL for shorter exploratory runs (the rows are written with the default). */
const TOTAL = Number(process.env.BENCH_SCALEOUT_TOTAL ?? 2000);
/** Bursts per instance count (interleaved); BENCH_SCALEOUT_RUNS for exploratory runs. */
const RUNS = Number(process.env.BENCH_SCALEOUT_RUNS ?? 3);
/** CPU quota of each instance, in cores. */
const QUOTA = Number(process.env.BENCH_SCALEOUT_QUOTA ?? 0.15);
/** Instance counts compared; BENCH_SCALEOUT_INSTANCES="1,3" for exploratory runs (must include 1: the ratios are against it). */
const INSTANCES: number[] = (process.env.BENCH_SCALEOUT_INSTANCES ?? '1,2,3').split(',').map(Number);
/**
 * BENCH_SCALEOUT_STATEMENTS=<PostgreSQL's log file>: the burst's database logs
 * every statement (`log_statement = all` on that database only), and each
 * burst prints how many statements of each kind it ran per update (the log's
 * slice written during the burst). For diagnosis: logging costs PostgreSQL CPU.
 */
const STATEMENT_LOG = process.env.BENCH_SCALEOUT_STATEMENTS;
const TARGETS: Record<number, number> = { 2: 1.8, 3: 2.5 };

/** The chat an update belongs to (its order is kept). */
function chatOf(update: Update): number {
  const body = Object.entries(update).find(([key]) => key !== 'update_id')?.[1] as
    | { chat?: { id: number }; message?: Message; from?: { id: number } }
    | undefined;
  return body?.chat?.id ?? body?.message?.chat.id ?? body?.from?.id ?? 0;
}

/** Prints the statements PostgreSQL logged since `from` (bytes into STATEMENT_LOG), by kind, per update. */
function printStatements(instances: number, from: number, updates: number): void {
  const fd = fs.openSync(STATEMENT_LOG!, 'r');
  const size = fs.fstatSync(fd).size;
  const buffer = Buffer.alloc(size - from);
  fs.readSync(fd, buffer, 0, buffer.length, from);
  fs.closeSync(fd);
  const kinds = new Map<string, number>();
  let total = 0;
  for (const line of buffer.toString('utf8').split('\n')) {
    const m = /LOG:\s+(?:statement|execute [^:]*):\s*(.*)$/.exec(line);
    if (!m) continue;
    const name = /execute ([^:<][^:]*):/.exec(line)?.[1];
    const kind = name ?? m[1]!.replace(/\s+/g, ' ').replace(/'[^']*'/g, '?').replace(/\$\d+/g, '$').slice(0, 90);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    total++;
  }
  console.log(`scaleout ${instances}: ${(total / updates).toFixed(2)} statements per update`);
  for (const [kind, n] of [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${(n / updates).toFixed(3)}  ${kind}`);
}

/** Telegram's parallel webhook delivery, in front of `targets`. */
export class ParallelDelivery {
  private readonly queues = new Map<number, string[]>();
  private readonly busy = new Set<number>();
  private readonly outSince = new Map<number, number>();
  /** Per chat, each delivery tried: update id → the instance's port: its answer (0 = no answer). */
  readonly answers = new Map<number, string[]>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: MAX_CONNECTIONS });
  private inFlight = 0;
  private turn = 0;
  private server: http.Server | undefined;
  /** Deliveries an instance did not take (status → count; 0 = no answer), retried. */
  readonly retried = new Map<number, number>();
  /** Why deliveries got no answer (error code → count), for diagnosis (BENCH_DEBUG). */
  readonly errors = new Map<string, number>();

  constructor(private readonly targets: URL[]) {}

  async listen(port: number): Promise<void> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const chat = chatOf(JSON.parse(body) as Update);
        this.queues.set(chat, [...(this.queues.get(chat) ?? []), body]);
        response.end();
        this.pump();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
  }

  private pump(): void {
    for (const [chat, queue] of this.queues) {
      if (this.inFlight >= MAX_CONNECTIONS) return;
      if (this.busy.has(chat) || queue.length === 0) continue;
      this.busy.add(chat);
      this.outSince.set(chat, performance.now());
      this.inFlight++;
      void this.deliver(chat, queue[0]!);
    }
  }

  private async deliver(chat: number, body: string): Promise<void> {
    const target = this.targets[this.turn++ % this.targets.length]!;
    const status = await new Promise<number>((resolve) => {
      const request = http.request(
        target,
        { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-telegram-bot-api-secret-token': SECRET } },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        this.errors.set(error.code ?? error.message, (this.errors.get(error.code ?? error.message) ?? 0) + 1);
        resolve(0);
      });
      request.end(body);
    });
    this.answers.set(chat, [...(this.answers.get(chat) ?? []), `${(JSON.parse(body) as Update).update_id}→${target.port}:${status}`]);
    if (status >= 200 && status < 300) {
      const queue = this.queues.get(chat)!;
      queue.shift();
      if (queue.length === 0) this.queues.delete(chat);
    } else {
      this.retried.set(status, (this.retried.get(status) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 50));
    }
    this.busy.delete(chat);
    this.inFlight--;
    this.pump();
  }

  /** The chats with updates not yet accepted: how many each holds, and whether one is out at an instance now (and since when, ms). */
  stuck(): string {
    const now = performance.now();
    return [...this.queues]
      .filter(([, queue]) => queue.length > 0)
      .map(([chat, queue]) => `${chat}: ${queue.length}${this.busy.has(chat) ? `, out for ${Math.round(now - (this.outSince.get(chat) ?? now))} ms` : ', not out'}`)
      .join('; ');
  }

  /** Updates taken from the emulator and not yet accepted by an instance. */
  pending(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.length;
    return n;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** What the group showed of the burst: every client's texts in its own topic, once each, in the order sent. */
export interface Integrity {
  lost: number;
  duplicated: number;
  outOfOrder: number;
  wrongTopic: number;
}

interface Burst {
  perSecond: number;
  /** The burst's texts per message in the group (the outbox merges a client's texts while the group has ≥ 20 calls waiting). */
  textsPerMessage: number;
  /** Deliveries an instance refused during the burst (status → count), retried until taken. */
  retried: Map<number, number>;
  integrity: Integrity;
  /**
   * Shares of one core over the burst: each instance (its cgroup), our
   * database's PostgreSQL backends, this process (emulator, delivery,
   * clients), the whole machine; and the share of the burst's CFS periods in
   * which the instances were throttled (mean over the instances).
   */
  cpu: { apps: number[]; postgres: number; bench: number; machine: number; throttled: number };
}

/**
 * Inbound updates per second with `instances` app processes, each in a cgroup
 * of `quota` cores, until all `TOTAL` texts from `clientCount` clients
 * (round-robin: text i from client i mod clientCount) are mirrored. Every
 * client writes a warm-up line first (its topic opened) before the instances
 * go into their cgroups: neither start-up nor new topics are measured.
 */
export async function throughput(instances: number, quota: number, clientCount: number): Promise<Burst> {
  const started = await startEmulator();
  const { emulator } = started;
  const bot = emulator.createBot({ token: TOKEN, username: 'bench_bot', firstName: 'Bench' });
  const manager = emulator.createUser({ first_name: 'Manager' });
  const group = emulator.createGroup({ title: 'Managers', memberIds: [manager.id], botIds: [bot.id] }).chat.id;
  const clients = Array.from({ length: clientCount }, (_, i) => emulator.createUser({ first_name: `C${i}` }).id);
  const database = await freshPostgres();
  if (STATEMENT_LOG) {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`ALTER DATABASE "${new URL(database.url).pathname.slice(1)}" SET log_statement = 'all'`);
    await admin.end();
  }
  const ports = await Promise.all(Array.from({ length: instances }, () => freePort()));
  const delivery = new ParallelDelivery(ports.map((port) => new URL(`http://127.0.0.1:${port}/telegram/webhook`)));
  const deliveryPort = await freePort();
  await delivery.listen(deliveryPort);
  const apps: ReturnType<typeof spawnBuilt>[] = [];
  const groups: CpuGroup[] = [];
  // Each client's topic (from its warm-up line), each text's copies, each client's last text seen.
  const topicOf = new Map<number, number>();
  const copies = new Map<number, number>();
  const lastSeen = new Map<number, number>();
  const integrity: Integrity = { lost: 0, duplicated: 0, outOfOrder: 0, wrongTopic: 0 };
  /** Messages in the group carrying the burst's texts (a merged message carries several). */
  let calls = 0;
  onEmulatorEvent(emulator, (event) => {
    if (event.type !== 'message' || event.chat_id !== group) return;
    const message = groupMessage(emulator, group, event.message_id!);
    const topic = message?.message_thread_id ?? event.message_thread_id ?? 0;
    if (/^#m\d+/.test(message?.text ?? '')) calls++;
    for (const line of (message?.text ?? '').split('\n')) {
      const warm = /^#w(\d+)/.exec(line);
      if (warm) topicOf.set(Number(warm[1]), topic);
      const text = /^#m(\d+)/.exec(line);
      if (!text) continue;
      const i = Number(text[1]);
      const client = clients[i % clients.length]!;
      const seen = copies.get(i) ?? 0;
      copies.set(i, seen + 1);
      if (seen > 0) integrity.duplicated++;
      if (topicOf.get(client) !== topic) integrity.wrongTopic++;
      if ((lastSeen.get(client) ?? -1) > i) integrity.outOfOrder++;
      lastSeen.set(client, Math.max(lastSeen.get(client) ?? -1, i));
    }
  });
  try {
    // One after another: the first applies the migrations.
    for (const port of ports) {
      const app = spawnBuilt(webhookInstanceEnv({ port, deliveryPort, databaseUrl: database.url, apiRoot: started.apiRoot, group }));
      apps.push(app);
      await waitFor(`http://127.0.0.1:${port}/readyz`, 200, 60_000);
    }
    // The clients' messages go into the emulator in this process, not through its HTTP control API
    // (as in bench/relay.ts): Telegram's side is not what is measured.
    const users = new UserActions(emulator);
    const sendAll = async (texts: Array<[client: number, text: string]>) => {
      for (let i = 0; i < texts.length; i++) {
        users.send({ from: texts[i]![0], text: texts[i]![1] });
        if (i % 200 === 199) await new Promise((r) => setImmediate(r));
      }
    };
    // Warm-up: every client's topic exists before the clock starts.
    await sendAll(clients.map((client) => [client, `#w${client}`]));
    // Bounded: once a run waited here for 18 minutes for 4 of the 50 warm-up lines (their updates never reached an instance).
    const warmDeadline = Date.now() + 120_000 + clientCount * 100;
    while (topicOf.size < clients.length) {
      if (Date.now() > warmDeadline) {
        const missing = clients.filter((client) => !topicOf.has(client));
        const db = new pg.Client({ connectionString: database.url });
        await db.connect();
        const state = await db.query(
          `SELECT c.telegram_user_id AS client, (SELECT count(*) FROM messages m WHERE m.dialog_id = d.id) AS stored, d.topic_id,
                  (SELECT string_agg(o.method || '/' || o.state || coalesce('/' || o.last_error, ''), ', ') FROM telegram_outbox o WHERE o.queue = 'dialog:' || d.id) AS outbox
             FROM clients c LEFT JOIN dialogs d ON d.client_id = c.id WHERE c.telegram_user_id = ANY($1::bigint[])`,
          [missing],
        );
        const tried = missing.map((client) => delivery.answers.get(client) ?? []);
        const ids = tried.flat().map((entry) => Number(entry.split('→')[0]));
        const recorded = await db.query('SELECT update_id FROM telegram_updates WHERE update_id = ANY($1::bigint[])', [ids]);
        const updates = await db.query('SELECT count(*) AS n FROM telegram_updates');
        await db.end();
        throw new Error(
          `scaleout ${instances}: only ${topicOf.size} of ${clients.length} warm-up lines arrived in 120 s; missing clients ${missing.join(', ')}; ` +
            `delivery stand-in: ${delivery.pending()} updates waiting (${delivery.stuck()}); emulator: ${emulator.bot(bot.id)?.queue.size ?? '?'} updates undelivered; ` +
            `updates recorded ${updates.rows[0].n}; in the database: ${JSON.stringify(state.rows)}; ` +
            `their deliveries (update→port:status): ${tried.map((t) => t.join(' ')).join('; ')} (instances on ports ${ports.join(', ')}); ` +
            `of those update ids recorded as applied: ${recorded.rows.map((r: { update_id: string }) => r.update_id).join(', ') || 'none'}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    // Then each instance into its own "machine" (start-up and opening topics are not what is measured; under the
    // quota they took minutes per run).
    for (const [k, app] of apps.entries()) {
      const machine = CpuGroup.create(`scaleout-${k + 1}`, quota);
      groups.push(machine);
      machine.add(app.pid!);
    }
    // Let the warm-up's tail (cards, copies still in the outbox) finish before the clock starts.
    if (Number.isNaN(await outboxSettled(database.url))) throw new Error('scaleout: outbox rows still pending 120 s after the warm-up');
    if (process.env.BENCH_DEBUG) console.log(`scaleout: ${instances} ready and warm at ${Math.round(performance.now())} ms`);
    delivery.retried.clear();
    delivery.errors.clear();
    const cpu = cpuMeter(apps.map((app) => app.pid!), new URL(database.url).pathname.slice(1));
    const appCpu = groups.map((g) => g.usageSeconds());
    const throttledBefore = groups.map((g) => g.throttling());
    const logFrom = STATEMENT_LOG ? fs.statSync(STATEMENT_LOG).size : 0;
    const begun = performance.now();
    await sendAll(Array.from({ length: TOTAL }, (_, i) => [clients[i % clients.length]!, `#m${i}`]));
    const deadline = Date.now() + 300_000;
    while (copies.size < TOTAL) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const seconds = (performance.now() - begun) / 1000;
    const used = cpu();
    if (STATEMENT_LOG) printStatements(instances, logFrom, copies.size);
    if (process.env.BENCH_DEBUG) {
      console.log(`scaleout ${instances}: ${Math.round(copies.size / ((performance.now() - begun) / 1000))}/s, ${(copies.size / Math.max(1, calls)).toFixed(2)} texts per message; no answer: ${JSON.stringify(Object.fromEntries(delivery.errors))}`);
    }
    const throttled = groups.map((g, k) => {
      const [before, after] = [throttledBefore[k]!, g.throttling()];
      return (after.throttled - before.throttled) / Math.max(1, after.periods - before.periods);
    });
    // A late copy would be a duplicate: give one a moment to show before counting.
    await new Promise((r) => setTimeout(r, 1000));
    integrity.lost = TOTAL - copies.size;
    return {
      perSecond: copies.size / seconds,
      textsPerMessage: copies.size / Math.max(1, calls),
      retried: new Map(delivery.retried),
      integrity,
      cpu: {
        // The cgroup's own count where cpuacct is there (it includes every thread and child), else /proc.
        apps: groups.map((g, k) => {
          const [before, after] = [appCpu[k], g.usageSeconds()];
          return (before !== undefined && after !== undefined ? after - before : used.apps[k]!) / seconds;
        }),
        postgres: used.postgres / seconds,
        bench: used.bench / seconds,
        machine: used.machine / seconds,
        throttled: throttled.reduce((a, b) => a + b, 0) / throttled.length,
      },
    };
  } finally {
    for (const app of apps) await stop(app);
    for (const machine of groups) machine.destroy();
    await delivery.close();
    await started.close();
    await database.drop();
  }
}

export async function run(): Promise<Figure[]> {
  const skip = cgroupSkipReason();
  if (skip) {
    return [{ area: 'Scale-out', what: `one, two and three instances on simulated separate machines (cgroup CPU quotas): skipped — ${skip}`, value: 'skipped' }];
  }
  const figures: Figure[] = [];
  for (const clientCount of CLIENT_COUNTS) figures.push(...(await series(clientCount)));
  return figures;
}

/** One workload (`clientCount` clients sharing the TOTAL texts): RUNS bursts of each instance count, interleaved, and its rows. */
async function series(clientCount: number): Promise<Figure[]> {
  const bursts = new Map<number, Burst[]>(INSTANCES.map((n) => [n, []]));
  // Interleaved, so a change in the machine's other load hits every size alike.
  for (let i = 0; i < RUNS; i++) for (const n of INSTANCES) bursts.get(n)!.push(await throughput(n, QUOTA, clientCount));
  const middle = (list: Burst[]) => list.find((b) => b.perSecond === median(list.map((x) => x.perSecond)))!;
  const mid = new Map(INSTANCES.map((n) => [n, middle(bursts.get(n)!)]));
  const all = [...bursts.values()].flat();
  const sum = (key: keyof Integrity) => all.reduce((total, b) => total + b.integrity[key], 0);
  const integrity: Integrity = { lost: sum('lost'), duplicated: sum('duplicated'), outOfOrder: sum('outOfOrder'), wrongTopic: sum('wrongTopic') };
  const clean = Object.values(integrity).every((n) => n === 0);
  const retried = new Map<number, number>();
  for (const burst of all) for (const [status, n] of burst.retried) retried.set(status, (retried.get(status) ?? 0) + n);
  const refused = [...retried].map(([status, n]) => `${status === 0 ? 'no answer' : status}: ${n}`).join(', ');
  const cores = os.cpus().length;
  const single = mid.get(1)!.perSecond;
  const perCore = (n: number) => mid.get(n)!.perSecond / (n * QUOTA);
  const share = (n: number) => {
    const { cpu } = mid.get(n)!;
    const apps = cpu.apps.reduce((a, b) => a + b, 0);
    return `${n}: instances ${cpu.apps.map((c) => c.toFixed(2)).join(' + ')} (throttled in ${Math.round(cpu.throttled * 100)} % of periods), PostgreSQL ${cpu.postgres.toFixed(2)}, emulator and load ${cpu.bench.toFixed(2)}, other ${Math.max(0, cpu.machine - apps - cpu.postgres - cpu.bench).toFixed(2)} — ${cpu.machine.toFixed(2)} of ${cores} busy`;
  };
  const perUpdate = (n: number) => {
    const { cpu, perSecond } = mid.get(n)!;
    const apps = cpu.apps.reduce((a, b) => a + b, 0);
    return `${n}: ${((apps * 1000) / perSecond).toFixed(2)} / ${((cpu.postgres * 1000) / perSecond).toFixed(2)}`;
  };
  const machines = `each instance in its own cgroup with ${QUOTA} of a core (CFS quota), PostgreSQL and the emulator and load unrestricted on the rest of ${cores} cores`;
  const each = TOTAL / clientCount;
  const shape = `${clientCount.toLocaleString('en')} clients, ${each === 1 ? 'one text each' : `${each.toLocaleString('en')} texts each`}`;
  return [
    {
      area: 'Scale-out',
      what: `${shape}: webhook mode on one PostgreSQL, ${TOTAL.toLocaleString('en')} texts until all mirrored (each client's topic opened before), limits off, ${MAX_CONNECTIONS} webhook connections round-robin; ${machines}: one / two / three instances (median of ${RUNS} each, interleaved${refused ? `; deliveries refused and retried — ${refused}` : ''})`,
      value: INSTANCES.map((n) => `${Math.round(mid.get(n)!.perSecond)}/s`).join(' / '),
    },
    {
      area: 'Scale-out',
      what: `${shape}: updates/s per instance-core (updates/s ÷ (instances × quota)): one / two / three`,
      value: INSTANCES.map((n) => `${Math.round(perCore(n))}`).join(' / '),
    },
    ...INSTANCES.filter((n) => TARGETS[n]).map((n) => {
      const ratio = mid.get(n)!.perSecond / single;
      return {
        area: 'Scale-out',
        what: `${shape}: ${n === 2 ? 'two' : 'three'} instances ÷ one, inbound updates/s (each instance on its own simulated machine; runs: ${bursts
          .get(n)!
          .map((b, i) => (b.perSecond / bursts.get(1)![i]!.perSecond).toFixed(2))
          .join(', ')} against the one-instance run beside it)`,
        value: `${ratio.toFixed(2)}×`,
        target: `≥ ${TARGETS[n]}×`,
        ok: ratio >= TARGETS[n]! && clean,
      };
    }),
    {
      area: 'Scale-out',
      what: `${shape}: all ${all.length} bursts (${(all.length * TOTAL).toLocaleString('en')} texts): texts lost; duplicated; out of order within a client; in another client's topic`,
      value: `${integrity.lost}; ${integrity.duplicated}; ${integrity.outOfOrder}; ${integrity.wrongTopic}`,
      target: '0; 0; 0; 0',
      ok: clean,
    },
    {
      area: 'Scale-out',
      what: `${shape}: CPU per update in those median bursts (ms of one core): instances (all together) / PostgreSQL — by number of instances`,
      value: INSTANCES.map(perUpdate).join('; '),
    },
    {
      area: 'Scale-out',
      what: `${shape}: texts per message in the managers' group in those median bursts (a client's waiting texts are merged while the group has ≥ 20 calls waiting): by number of instances`,
      value: INSTANCES.map((n) => `${n}: ${mid.get(n)!.textsPerMessage.toFixed(2)}`).join('; '),
    },
    {
      area: 'Scale-out',
      what: `${shape}: cores busy during those median bursts (CPU seconds per second), by number of instances`,
      value: INSTANCES.map(share).join('; '),
    },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await run()) console.log(`${figure.what}: ${figure.value}${figure.target ? ` (target ${figure.target})` : ''}`);
}
