/**
 * Issue 19.1 under load: 500 dialogs (topics) in one managers' group whose
 * status flips — the client writes (🔴), a manager answers (🟢), `/hold` (⏸),
 * `/close` (✅) and the client writing again reopens — while the relay is
 * busy. The app runs in its own process (the built `dist/main.js`), on
 * PostgreSQL; the emulator in a third (bench/statusEmulator.ts), which stamps
 * a client's message going in and its line showing in the topic on its own
 * clock, so this driver's work cannot stall the latencies it reports.
 *
 * - Latency, limits off (as the relay benchmark): client message → mirror in
 *   the topic at 100 updates/s, p50/p99, without status churn and with it
 *   (20 manager steps a second; titles settle after 1 s, so the renames and
 *   card edits fall inside the measured runs). After a warm-up, five pairs of
 *   20-s runs, the order within a pair alternating; the churn's cost is the
 *   median of the pairs' p99 differences. A stress of the app's CPU, not a
 *   scene Telegram allows: ~25 renames a second into one group is 75× the
 *   group's 20 calls a minute.
 * - The relay under the group's real limit (limits on in the app and the
 *   emulator, Telegram's windows ×0.1: 20 calls per 6 s, the title delay
 *   30 s ×0.1 = 3 s): client message → its line in the topic, in Telegram's
 *   time, 10 windows without the churn, then 10 with it — renames and card
 *   edits are housekeeping and wait behind client content, so the churn
 *   should not move the clients' lines.
 * - The group's budget in those churn windows: every call the bot makes into
 *   the group (messages, service messages of topic renames/closes/reopens,
 *   card edits) per window ÷ 20, renames per window, status changes ÷
 *   renames, 429s, and how long after the churn stops every title shows its
 *   dialog's status.
 *
 * The 500 topics are opened with the limits off (a first app process), then
 * the app is started again with them on, on the same database and emulator:
 * opening 500 topics within Telegram's limits would take 25 minutes of the
 * group's budget and measures nothing of the status.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import { SandboxControl } from '../src/sandbox/control.js';
import { startStatusEmulator, type StatusEmulator } from './statusEmulator.js';
import { STATUS_EMOJI, dialogStatusOf } from '../src/core/dialogStatus.js';
import { cpuMeter, freePort, freshPostgres, median, outboxSettled, quantile, spawnBuilt, stop, tempDir, waitFor, type Figure } from './lib.js';

const TOKEN = '1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const DIALOGS = 500;
const TIME_SCALE = 0.1;
const WINDOW_MS = 60_000 * TIME_SCALE;
/** Latency runs of each kind (they alternate, and which goes first alternates too). */
const RUNS = Number(process.env.BENCH_STATUS_RUNS ?? 5);
/**
 * BENCH_STATUS_TABLES=1: each latency run also prints what PostgreSQL did to
 * each table meanwhile (rows read by sequential and index scans, rows
 * updated, of them HOT, dead rows at the end): for diagnosis of work that
 * grows run after run.
 */
const TABLE_STATS = process.env.BENCH_STATUS_TABLES === '1';
/**
 * BENCH_STATUS_STATEMENTS=<PostgreSQL's log file>: the database logs every
 * statement with its duration (`log_min_duration_statement = 0` on that
 * database only), and each latency run prints the statements that took the
 * most time in all (the log's slice written during the run). For diagnosis:
 * logging costs PostgreSQL CPU.
 */
const STATEMENT_LOG = process.env.BENCH_STATUS_STATEMENTS;
/** BENCH_STATUS_LATENCY_ONLY=1: only the latency runs (limits off), for exploratory runs; the rows are written with the whole benchmark. */
const LATENCY_ONLY = process.env.BENCH_STATUS_LATENCY_ONLY === '1';
/** Seconds of each latency run (2,000 messages at 100/s: the p99 is the 20th slowest, not the 10th). */
const RUN_SECONDS = 20;

type Model = 'waiting_us' | 'waiting_client' | 'on_hold' | 'closed';

interface World {
  emulator: StatusEmulator;
  apiRoot: string;
  control: SandboxControl;
  botId: number;
  managerId: number;
  group: number;
  clients: number[];
  /** The topic of each client's dialog. */
  threadOf: Map<number, number>;
  /** The status the driver expects, per client. */
  model: Map<number, Model>;
  pgUrl: string;
  drop: () => Promise<void>;
  dataDir: string;
  app?: ChildProcess;
  /** Listeners of the group's changes (set per phase). */
  onBotCall?: (kind: 'message' | 'edit', service: string | undefined, at: number) => void;
  /** A `#…` line of the bot in the group; `latencyMs` as the emulator's process measured it (client message in → line in the topic). */
  onMirror?: (line: string, latencyMs: number | undefined) => void;
}

/** How the app takes its updates in the latency runs (BENCH_STATUS_MODES, default both: polling, then webhook). */
type Mode = 'polling' | 'webhook';
const MODES = (process.env.BENCH_STATUS_MODES ?? 'polling,webhook').split(',') as Mode[];

async function startApp(w: World, limits: boolean, titleDelaySeconds: number, mode: Mode = 'polling'): Promise<void> {
  const port = await freePort();
  w.app = spawnBuilt({
    PORT: String(port),
    // Webhook mode: the emulator POSTs to the app as Telegram would (src/sandbox/webhook.ts: up to 40 at once, a
    // chat's updates one at a time); polling mode (the default) takes getUpdates batches.
    ...(mode === 'webhook'
      ? { TELEGRAM_MODE: 'webhook', PUBLIC_URL: `http://127.0.0.1:${port}`, TELEGRAM_WEBHOOK_SECRET: 'bench-status-webhook-secret' }
      : {}),
    DATA_DIR: w.dataDir,
    DATABASE_URL: w.pgUrl,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: w.apiRoot,
    TELEGRAM_MANAGERS_CHAT_ID: String(w.group),
    TELEGRAM_RATE_LIMITS: limits ? 'on' : 'off',
    ...(limits ? { TELEGRAM_LIMITS_TIME_SCALE: String(TIME_SCALE) } : {}),
    TOPIC_TITLE_DELAY_SECONDS: String(titleDelaySeconds),
  });
  await waitFor(`http://127.0.0.1:${port}/readyz`, 200, 60_000);
}

/** The emulator, one group, 500 clients each with a topic (opened limits off), the app running limits off. */
async function world(): Promise<World> {
  const emulator = startStatusEmulator();
  const { apiRoot, botId, managerId, group, clients } = await emulator.setup(TOKEN, DIALOGS);
  const db = await freshPostgres();
  if (STATEMENT_LOG) {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const name = new URL(db.url).pathname.slice(1);
    await admin.query(`ALTER DATABASE "${name}" SET log_min_duration_statement = 0`);
    // BENCH_STATUS_EXPLAIN=1: the plans of statements over 1 ms too (auto_explain), to find what reads whole tables.
    if (process.env.BENCH_STATUS_EXPLAIN === '1') {
      await admin.query(`ALTER DATABASE "${name}" SET session_preload_libraries = 'auto_explain'`);
      await admin.query(`ALTER DATABASE "${name}" SET auto_explain.log_min_duration = '1ms'`);
    }
    await admin.end();
  }
  const w: World = {
    emulator,
    apiRoot,
    control: new SandboxControl(apiRoot),
    botId,
    managerId,
    group,
    clients,
    threadOf: new Map(),
    model: new Map(),
    pgUrl: db.url,
    drop: db.drop,
    dataDir: tempDir(),
  };
  emulator.onEvent = (event) => {
    if (event.ev === 'call') {
      w.onBotCall?.(event.kind, event.service, event.at);
      return;
    }
    if (event.line.startsWith('#w')) w.threadOf.set(Number(event.line.slice(2)), event.thread);
    w.onMirror?.(event.line, event.latencyMs);
  };
  await startApp(w, false, 1);
  for (const client of clients) {
    w.emulator.client(client, `#w${client}`);
    w.model.set(client, 'waiting_us');
  }
  const deadline = Date.now() + 300_000;
  while (w.threadOf.size < DIALOGS) {
    if (Date.now() > deadline) throw new Error(`only ${w.threadOf.size} of ${DIALOGS} topics opened`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await settled(w);
  return w;
}

async function withDb<T>(w: World, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: w.pgUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Waits until the outbox has nothing left to send (titles included). */
function settled(w: World, timeoutMs = 120_000): Promise<number> {
  return outboxSettled(w.pgUrl, timeoutMs, 200);
}

/** Dialogs whose topic title does not show the status stored in the database. */
async function wrongTitles(w: World): Promise<number> {
  const rows = await withDb(w, async (c) => (await c.query<{ topic_id: number; status: string; waiting_since: Date | null }>(`SELECT topic_id, status, waiting_since FROM dialogs WHERE topic_id IS NOT NULL`)).rows);
  const topics = new Map(await w.emulator.topics());
  let wrong = 0;
  for (const row of rows) {
    const emoji = STATUS_EMOJI[dialogStatusOf({ status: row.status, waitingSince: row.waiting_since })];
    if (!topics.get(Number(row.topic_id))?.startsWith(emoji)) wrong++;
  }
  return wrong;
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

/**
 * One step of a manager on a random open dialog: answer a waiting client
 * (🟢), or `/hold` (⏸), or `/close` (✅). Returns whether the status the
 * driver expects changed.
 */
async function managerStep(w: World): Promise<boolean> {
  const client = pick(w.clients);
  const now = w.model.get(client)!;
  const thread = w.threadOf.get(client)!;
  const roll = Math.random();
  let text: string;
  let next: Model;
  if (now === 'closed') return false;
  if (now === 'waiting_us' && roll < 0.6) [text, next] = ['Ответ менеджера', 'waiting_client'];
  else if (now !== 'on_hold' && roll < 0.8) [text, next] = ['/hold', 'on_hold'];
  else [text, next] = ['/close', 'closed'];
  // Refused: the topic is still closed (the client's message reopening it is on its way): skip.
  if (!(await w.emulator.manager(thread, text))) return false;
  w.model.set(client, next);
  return now !== next;
}

/** A client writes: its dialog waits for us (reopened if closed). Returns whether the expected status changed. */
function clientStep(w: World, client: number, text: string): boolean {
  w.emulator.client(client, text);
  const before = w.model.get(client);
  w.model.set(client, 'waiting_us');
  return before !== 'waiting_us';
}

/**
 * Client messages at `rate` a second for `seconds`, and manager steps at
 * `managerRate` a second meanwhile. Returns the latencies client message →
 * mirror in the topic, and the status changes made.
 */
async function drive(w: World, tag: string, rate: number, managerRate: number, seconds: number, waitMirrorsMs = 30_000, keepListening = false): Promise<{ latencies: number[]; changes: number; sent: number }> {
  const prefix = `#${tag}`;
  const latencies: number[] = [];
  w.onMirror = (line, latencyMs) => {
    if (latencyMs !== undefined && line.startsWith(prefix)) latencies.push(latencyMs);
  };
  let changes = 0;
  const total = Math.round(rate * seconds);
  const managerSteps = Math.round(managerRate * seconds);
  const started = Date.now();
  const events = [
    ...Array.from({ length: total }, (_, i) => ({ at: (i * 1000) / rate, client: i })),
    ...Array.from({ length: managerSteps }, (_, i) => ({ at: ((i + 0.5) * 1000) / managerRate, client: -1 })),
  ].sort((a, b) => a.at - b.at);
  for (const event of events) {
    const wait = started + event.at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (event.client < 0) {
      if (await managerStep(w)) changes++;
      continue;
    }
    const text = `${prefix}${event.client}`;
    if (clientStep(w, pick(w.clients), text)) changes++;
  }
  const deadline = Date.now() + waitMirrorsMs;
  while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  // keepListening: the caller reads `latencies` later (mirrors still arriving) and clears w.onMirror itself.
  if (!keepListening) w.onMirror = undefined;
  return { latencies, changes, sent: total };
}

/** The statements of the log's slice from byte `from`, by total duration: the top `top` as lines. */
function statementTimes(from: number, top = 12): string {
  const fd = fs.openSync(STATEMENT_LOG!, 'r');
  const size = fs.fstatSync(fd).size;
  const buffer = Buffer.alloc(size - from);
  fs.readSync(fd, buffer, 0, buffer.length, from);
  fs.closeSync(fd);
  const kinds = new Map<string, { n: number; ms: number }>();
  let all = 0;
  // A record: "… LOG:  duration: 0.123 ms  execute name: SELECT …" then continuation lines (tab-indented).
  for (const record of buffer.toString('utf8').split(/\n(?=\S)/)) {
    const m = /LOG:\s+duration: ([\d.]+) ms\s+(parse|bind|execute|statement)[^:]*:\s*([\s\S]*)$/.exec(record);
    if (!m) continue;
    const ms = Number(m[1]);
    const kind = `${m[2]} ${m[3]!.replace(/\s+/g, ' ').replace(/'[^']*'/g, '?').replace(/\$\d+/g, '$').slice(0, 110)}`;
    const k = kinds.get(kind) ?? { n: 0, ms: 0 };
    k.n++;
    k.ms += ms;
    kinds.set(kind, k);
    all += ms;
  }
  const lines = [...kinds].sort((a, b) => b[1].ms - a[1].ms).slice(0, top).map(([kind, k]) => `    ${k.ms.toFixed(0).padStart(6)} ms ${String(k.n).padStart(6)}×  ${kind}`);
  return `  statements: ${all.toFixed(0)} ms in all\n${lines.join('\n')}`;
}

type TableStats = Map<string, { seq: number; idx: number; upd: number; hot: number; dead: number; live: number }>;

/** Per-table counters of this database (pg_stat_user_tables; PostgreSQL reports them with a delay of up to a second, so a run's are read after it settled). */
async function tableStats(w: World): Promise<TableStats> {
  return withDb(w, async (c) => {
    await c.query('SELECT pg_stat_clear_snapshot()');
    const rows = (await c.query<{ relname: string; seq: string; idx: string; upd: string; hot: string; dead: string; live: string }>(
      `SELECT relname, seq_tup_read AS seq, coalesce(idx_tup_fetch, 0) AS idx, n_tup_upd AS upd, n_tup_hot_upd AS hot, n_dead_tup AS dead, n_live_tup AS live FROM pg_stat_user_tables`,
    )).rows;
    return new Map(rows.map((r) => [r.relname, { seq: Number(r.seq), idx: Number(r.idx), upd: Number(r.upd), hot: Number(r.hot), dead: Number(r.dead), live: Number(r.live) }]));
  });
}

/** The tables whose counters moved most between two snapshots, one line. */
function tableDelta(before: TableStats, after: TableStats): string {
  const parts: Array<[number, string]> = [];
  for (const [name, a] of after) {
    const b = before.get(name) ?? { seq: 0, idx: 0, upd: 0, hot: 0, dead: 0, live: 0 };
    const read = a.seq - b.seq + a.idx - b.idx;
    const upd = a.upd - b.upd;
    if (read + upd === 0) continue;
    parts.push([read + upd, `${name}: seq ${a.seq - b.seq}, idx ${a.idx - b.idx}, upd ${upd} (hot ${a.hot - b.hot}), dead ${a.dead}, live ${a.live}`]);
  }
  return parts.sort((x, y) => y[0] - x[0]).slice(0, 8).map((p) => p[1]).join(' | ');
}

async function close(w: World): Promise<void> {
  if (w.app) await stop(w.app);
  await w.emulator.close();
  await w.drop();
}

/**
 * The latency rows (limits off) with the app taking its updates by `mode`:
 * alternating 20-s runs without and with the status churn.
 */
async function latencyRows(w: World, mode: Mode): Promise<Figure[]> {
  const rows: Figure[] = [];
  // ── Latency, limits off: alternate runs without and with the status churn.
  // A first short run warms the app's and the driver's code paths (it is not
  // counted); then the kinds alternate, and which one goes first alternates
  // too, so neither always follows the other's settling. The longest
  // event-loop stall of the emulator's process (where the latencies are
  // stamped) and of this driver are logged beside each run: a stall of the
  // emulator's shows as latency of the app, one of the driver's only delays
  // when messages are sent.
  await drive(w, `warm-${mode}-`, 100, 20, 3);
  await settled(w);
  const quiet = { p50: [] as number[], p99: [] as number[] };
  const churn = { p50: [] as number[], p99: [] as number[], changes: 0, renames: 0 };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const measure = async (kind: 'without' | 'with', i: number): Promise<string> => {
    let renames = 0;
    w.onBotCall = (_kind, service) => {
      if (service === 'forum_topic_edited') renames++;
    };
    loop.reset();
    loop.enable();
    const tablesBefore = TABLE_STATS ? await tableStats(w) : undefined;
    const logFrom = STATEMENT_LOG ? fs.statSync(STATEMENT_LOG).size : 0;
    await w.emulator.loop('start');
    const cpu = cpuMeter([w.app!.pid!], new URL(w.pgUrl).pathname.slice(1));
    const run = await drive(w, `${mode[0]}${kind === 'with' ? 'c' : 'q'}${i}-`, 100, kind === 'with' ? 20 : 0, RUN_SECONDS);
    const used = cpu();
    if (STATEMENT_LOG) console.log(`  ${kind} ${i}:\n${statementTimes(logFrom)}`);
    const emulatorStall = await w.emulator.loop('stop');
    loop.disable();
    const stall = Math.round(loop.max / 1e6);
    await settled(w);
    if (tablesBefore) {
      await new Promise((r) => setTimeout(r, 1000));
      console.log(`  tables (${kind} ${i}): ${tableDelta(tablesBefore, await tableStats(w))}`);
    }
    w.onBotCall = undefined;
    const into = kind === 'with' ? churn : quiet;
    const ms = (x: number) => Math.round(x * 10) / 10;
    into.p50.push(ms(quantile(run.latencies, 0.5)));
    into.p99.push(ms(quantile(run.latencies, 0.99)));
    if (kind === 'with') {
      churn.changes += run.changes;
      churn.renames += renames;
    }
    return `${kind} churn p50/p99 ${into.p50.at(-1)}/${into.p99.at(-1)} ms (${run.latencies.length} of ${run.sent}; CPU s: app ${used.apps[0]!.toFixed(1)}, PostgreSQL ${used.postgres.toFixed(1)}; longest stall of the emulator ${emulatorStall} ms, of the driver ${stall} ms${kind === 'with' ? `, ${run.changes} status changes, ${renames} renames` : ''})`;
  };
  for (let i = 0; i < RUNS; i++) {
    const order: Array<'without' | 'with'> = i % 2 === 0 ? ['without', 'with'] : ['with', 'without'];
    const lines: string[] = [];
    for (const kind of order) lines.push(await measure(kind, i));
    console.log(`${mode} run ${i + 1}: ${lines.join('; ')}`);
  }
  const q99 = median(quiet.p99);
  const c99 = median(churn.p99);
  // Runs of the two kinds are paired (run i of each, back to back): the
  // median of the pairs' differences cancels what drifts on a shared machine
  // (other processes' load) between one pair and the next.
  const differences = churn.p99.map((c, i) => Math.round((c - quiet.p99[i]!) * 10) / 10);
  const added = median(differences);
  rows.push({
    area: 'Dialog status',
    what: `${mode === 'webhook' ? 'webhook mode (the emulator POSTs up to 40 updates at once, a chat\'s one at a time): ' : ''}client message → mirror in the topic at 100 updates/s into ${DIALOGS} topics, PostgreSQL, limits off, both stamped in the emulator's own process, without status churn: p50 / p99 (median of ${RUNS} runs of ${RUN_SECONDS} s; p99 of each run: ${quiet.p99.join(', ')} ms)`,
    value: `${Math.round(median(quiet.p50))} / ${Math.round(q99)} ms`,
    target: 'p99 ≤ 50 ms',
    ok: q99 <= 50,
  });
  rows.push({
    area: 'Dialog status',
    what: `${mode === 'webhook' ? 'webhook mode: ' : ''}the same with 20 manager steps/s (answer 🟢, /hold ⏸, /close ✅; clients' messages 🔴 and reopen), titles settling after 1 s: p50 / p99 (median of ${RUNS} runs, each right before or after one without; p99 of each run: ${churn.p99.join(', ')} ms; ${churn.changes} status changes, ${churn.renames} renames); what the churn added to the p99, median of the ${RUNS} pairs' differences`,
    value: `${Math.round(median(churn.p50))} / ${Math.round(c99)} ms; ${added >= 0 ? '+' : ''}${Math.round(added)} ms`,
    target: 'p99 ≤ 50 ms, added ≤ 5 ms',
    ok: c99 <= 50 && added <= 5,
  });

  return rows;
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  // Each mode on a world of its own (a fresh database, emulator and 500 topics): PostgreSQL's work per run grows with
  // the runs on one database (performance-notes «what grew run by run»), so a mode measured second would pay for the
  // first one's runs.
  let w: World | undefined;
  for (const mode of MODES) {
    if (w) await close(w);
    w = await world();
    if (mode !== 'polling') {
      await stop(w.app!);
      await startApp(w, false, 1, mode);
      await settled(w);
    }
    figures.push(...(await latencyRows(w, mode)));
  }
  if (!w) throw new Error('BENCH_STATUS_MODES names no mode');

  if (LATENCY_ONLY) {
    await close(w);
    return figures;
  }

  // ── The group's budget, limits on (app and emulator), on the same database and topics.
  await stop(w.app!);
  await w.emulator.limits(true, TIME_SCALE);
  await startApp(w, true, 30 * TIME_SCALE);
  const calls: number[] = [];
  const renames: number[] = [];
  const windows = 10;
  const clientRate = 1;
  const managerRate = 1;
  // The relay under the group's real limit, first without the churn: the
  // client's line in the topic, in Telegram's time (×1/TIME_SCALE).
  w.onBotCall = undefined;
  const plainLimited = await drive(w, 'Lq', clientRate, 0, (windows * WINDOW_MS) / 1000, 120_000);
  await settled(w, 300_000);
  w.onBotCall = (_kind, service, at) => {
    calls.push(at);
    if (service === 'forum_topic_edited') renames.push(at);
  };
  const statsBefore = await w.control.stats();
  const started = Date.now();
  const busy = await drive(w, 'L', clientRate, managerRate, (windows * WINDOW_MS) / 1000, 0, true);
  const ended = Date.now();
  const wrongAtEnd = await wrongTitles(w);
  // Every title right: the outbox emptied (its last renames sent, and every client line).
  const drainMs = await settled(w, 300_000);
  w.onMirror = undefined;
  const wrongAfter = await wrongTitles(w);
  const telegramSeconds = (ms: number) => ms / TIME_SCALE / 1000;
  const limited = {
    without: { p50: telegramSeconds(quantile(plainLimited.latencies, 0.5)), p99: telegramSeconds(quantile(plainLimited.latencies, 0.99)), n: plainLimited.latencies.length, sent: plainLimited.sent },
    with: { p50: telegramSeconds(quantile(busy.latencies, 0.5)), p99: telegramSeconds(quantile(busy.latencies, 0.99)), n: busy.latencies.length, sent: busy.sent },
  };
  console.log(`limits on: client line in the topic, Telegram's time: without churn p50/p99 ${limited.without.p50.toFixed(1)}/${limited.without.p99.toFixed(1)} s (${limited.without.n} of ${limited.without.sent}); with ${limited.with.p50.toFixed(1)}/${limited.with.p99.toFixed(1)} s (${limited.with.n} of ${limited.with.sent})`);
  const statsAfter = await w.control.stats();
  const tooMany = statsAfter.too_many_requests - statsBefore.too_many_requests;
  w.onBotCall = undefined;
  // Windows after the first (a bucket starts full: Telegram lets the first 20 through at once).
  const perWindow: number[] = [];
  const renamesPerWindow: number[] = [];
  for (let k = 1; k < windows; k++) {
    const from = started + k * WINDOW_MS;
    const to = from + WINDOW_MS;
    perWindow.push(calls.filter((at) => at >= from && at < to).length);
    renamesPerWindow.push(renames.filter((at) => at >= from && at < to).length);
  }
  // The strictest view: the most calls in any 6 s, sliding from call to call.
  let maxSliding = 0;
  for (let i = 0, j = 0; i < calls.length; i++) {
    while (calls[i]! - calls[j]! >= WINDOW_MS) j++;
    if (calls[i]! >= started + WINDOW_MS) maxSliding = Math.max(maxSliding, i - j + 1);
  }
  const meanCalls = perWindow.reduce((a, b) => a + b, 0) / perWindow.length;
  const meanRenames = renamesPerWindow.reduce((a, b) => a + b, 0) / renamesPerWindow.length;
  const renamesDuring = renames.filter((at) => at < ended).length;
  console.log(`limits on: calls per window ${perWindow.join(' ')}; renames ${renamesPerWindow.join(' ')}; max in a sliding window ${maxSliding}; 429s ${tooMany}; wrong titles at end ${wrongAtEnd}, after drain ${wrongAfter} (${drainMs} ms)`);
  figures.push({
    area: 'Dialog status',
    what: `limits on (windows ×${TIME_SCALE}), ${DIALOGS} topics, ${clientRate} client message + ${managerRate} manager step a second (×10 in Telegram's time) for ${windows} windows: all the bot's calls into the group per window ÷ 20 (mean; most in any sliding window)`,
    value: `${(meanCalls / 20).toFixed(2)} (${maxSliding} of 20)`,
    target: '≤ 1',
    ok: meanCalls / 20 <= 1 && maxSliding <= 20,
  });
  figures.push({
    area: 'Dialog status',
    what: 'limits on: topic renames (editForumTopic) per group per Telegram minute, mean',
    value: meanRenames.toFixed(1),
  });
  figures.push({
    area: 'Dialog status',
    what: 'limits on: status changes ÷ renames sent while the churn ran (coalescing)',
    value: `${(busy.changes / Math.max(1, renamesDuring)).toFixed(1)} (${busy.changes} changes, ${renamesDuring} renames)`,
    target: '> 1',
    ok: busy.changes > renamesDuring,
  });
  figures.push({
    area: 'Dialog status',
    what: "limits on: 429 answers Telegram (the emulator) had to give during the churn",
    value: String(tooMany),
    target: '0',
    ok: tooMany === 0,
  });
  const lost = limited.without.sent - limited.without.n + limited.with.sent - limited.with.n;
  figures.push({
    area: 'Dialog status',
    what: `limits on, the relay under the group's real limit: client message → its line in the topic, in Telegram's time, ${clientRate} client message a second (${clientRate * WINDOW_MS / 1000} a Telegram minute), ${windows} windows without the churn then ${windows} with it (${managerRate} manager step a second; renames and card edits wait behind client content): p50 / p99 without → with`,
    value: `${limited.without.p50.toFixed(1)} / ${limited.without.p99.toFixed(1)} s → ${limited.with.p50.toFixed(1)} / ${limited.with.p99.toFixed(1)} s${lost ? `; ${lost} lines not seen` : ''}`,
    target: 'with ≤ without + 1 s (Telegram time), every line seen',
    ok: lost === 0 && limited.with.p99 <= limited.without.p99 + 1,
  });
  figures.push({
    area: 'Dialog status',
    what: `limits on: titles not showing their dialog's status when the churn stopped, of ${DIALOGS}; then time until every title is right (outbox empty)`,
    value: `${wrongAtEnd}; ${Number.isNaN(drainMs) ? 'not within 300 s' : `${(drainMs / 1000).toFixed(0)} s (${((drainMs / 1000) / (60 * TIME_SCALE)).toFixed(1)} Telegram minutes), ${wrongAfter} wrong then`}`,
  });
  await close(w);
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await run()) console.log(`${figure.what}: ${figure.value}${figure.target ? ` (target ${figure.target})` : ''}`);
}
