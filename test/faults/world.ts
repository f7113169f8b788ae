/**
 * The fault scenarios' common ground: the Telegram emulator with a bot, a
 * manager and the managers' forum; Hotline as a child process (the way it
 * runs in production, so it can be killed); and a conversation — clients
 * writing, the manager answering each message as it shows in the topic — with
 * the counts of what arrived where.
 */
import type { User } from '@grammyjs/types';
import pg from 'pg';
import { ChatState } from '../../src/sandbox/chat.js';
import type { TelegramEmulator } from '../../src/sandbox/emulator.js';
import { startEmulator, type StartedEmulator } from '../../src/sandbox/standalone.js';
export { seeded } from '../../src/sandbox/faults.js';
import { SandboxControlError, type SandboxControl } from '../../src/sandbox/control.js';
import type { TestDatabase } from '../helpers/database.js';
import { spawnHotline, waitForStatus, type HotlineProcess } from '../helpers/process.js';
import { BOT_TOKEN, topicClientName } from '../helpers/telegram.js';
import { recordResult, type Tally } from './report.js';
import { REPEAT_MARK } from '../../src/jobs/outboxFailures.js';

const MARKED = `${REPEAT_MARK}\n`;

/** Telegram's flood windows shrunk 20×: "20 a minute" per group becomes 20 per 3 s. */
export const TIME_SCALE = 0.05;
export const CLIENTS = 50;
export const MESSAGES = 40;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface FaultWorld {
  started: StartedEmulator;
  emulator: TelegramEmulator;
  control: SandboxControl;
  bot: User;
  manager: User;
  group: number;
  clients: User[];
  close(): Promise<void>;
}

export async function startWorld(options: { clients?: number; webhookRetryMs?: number } = {}): Promise<FaultWorld> {
  const started = await startEmulator({ webhookRetryMs: options.webhookRetryMs });
  const control = started.control;
  const bot = await control.createBot({ token: BOT_TOKEN, username: 'hotline_test_bot', first_name: 'Hotline' });
  const manager = await control.createUser({ first_name: 'Мария' });
  const group = await control.createGroup({ title: 'Менеджеры', member_ids: [manager.id], bot_ids: [bot.id] });
  await control.setLimits({ enabled: true, time_scale: TIME_SCALE });
  const clients: User[] = [];
  for (let c = 0; c < (options.clients ?? CLIENTS); c++) clients.push(await control.createUser({ first_name: `F${String(c).padStart(2, '0')}` }));
  return { started, emulator: started.emulator, control, bot, manager, group: group.id, clients, close: () => started.close() };
}

/** Hotline's environment against this world: real limits (scaled), PostgreSQL, polling unless `extra` says otherwise. */
export function appEnv(world: FaultWorld, database: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  if (!database.url) throw new Error('The fault scenarios run on PostgreSQL only (TEST_DATABASE_URL)');
  return {
    DATA_DIR: database.dataDir,
    DATABASE_URL: database.url,
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_API_ROOT: world.started.apiRoot,
    TELEGRAM_MANAGERS_CHAT_ID: String(world.group),
    TELEGRAM_RATE_LIMITS: 'on',
    TELEGRAM_LIMITS_TIME_SCALE: String(TIME_SCALE),
    ADMIN_EMAIL: 'admin@test.local',
    ADMIN_PASSWORD: 'admin-password-123',
    APP_SECRET: 'faults-app-secret-0123456789abcdef0123456789',
    // Info: a few lines per topic and fault, no per-message lines; shown by appWarnings() when a scenario fails.
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** Starts Hotline as a process and waits until it is ready. */
export async function startApp(env: Record<string, string>, timeoutMs = 90_000): Promise<HotlineProcess> {
  const app = await spawnHotline(env);
  try {
    await waitForStatus(`${app.url}/readyz`, 200, timeoutMs);
  } catch (error) {
    app.child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${app.output().slice(-4000)}`, { cause: error });
  }
  return app;
}

export async function kill(app: HotlineProcess | undefined): Promise<void> {
  if (!app || app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill('SIGKILL');
  await app.exited;
}

/** SIGTERM, as a deploy does; SIGKILL if it does not exit within 30 s. */
export async function stopApp(app: HotlineProcess | undefined): Promise<void> {
  if (!app || app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 30_000);
  await app.exited;
  clearTimeout(timer);
}

const CLIENT_LINE = /^F\d+: \d+$/;
const ANSWER = 'Ответ ';

/** Counts `observed` (whole messages, in arrival order) against `expected` (lines, in sending order). */
export function tally(
  expected: string[],
  observed: string[],
  belongs: (line: string) => boolean,
  tolerateRepeats: boolean,
  /** Lines that could not arrive (written in the group while the bot was not in it): missing ones are not lost. */
  unreachable: ReadonlySet<string> = new Set(),
): Tally {
  let repeatedAfterKill = 0;
  let repeatedMarked = 0;
  const kept: string[] = [];
  const shown = new Set<string>();
  for (const raw of observed) {
    // A repeat of a call whose answer was lost carries the mark: allowed once, counted apart.
    const marked = raw.startsWith(MARKED);
    const message = marked ? raw.slice(MARKED.length) : raw;
    const lines = message.split('\n');
    if (marked && lines.every((line) => shown.has(line))) {
      repeatedMarked++;
      continue;
    }
    for (const line of lines) shown.add(line);
    if (tolerateRepeats && kept[kept.length - 1] === message) repeatedAfterKill++;
    else kept.push(message);
  }
  const lines = kept.flatMap((m) => m.split('\n'));
  const index = new Map(expected.map((text, i) => [text, i]));
  const seen = new Map<string, number>();
  let unexpected = 0;
  let outOfOrder = 0;
  let last = -1;
  for (const line of lines) {
    const at = index.get(line);
    if (at === undefined || !belongs(line)) {
      unexpected++;
      continue;
    }
    const count = (seen.get(line) ?? 0) + 1;
    seen.set(line, count);
    if (count > 1) continue;
    if (at < last) outOfOrder++;
    last = Math.max(last, at);
  }
  const duplicated = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
  const whileBotOut = expected.filter((line) => unreachable.has(line) && !seen.has(line)).length;
  return { sent: expected.length, delivered: seen.size, duplicated, repeatedAfterKill, repeatedMarked, outOfOrder, lost: expected.length - seen.size - whileBotOut, whileBotOut, unexpected };
}

export function addTallies(tallies: Tally[]): Tally {
  const sum: Tally = { sent: 0, delivered: 0, duplicated: 0, repeatedAfterKill: 0, repeatedMarked: 0, outOfOrder: 0, lost: 0, whileBotOut: 0, unexpected: 0 };
  for (const t of tallies) for (const key of Object.keys(sum) as Array<keyof Tally>) sum[key] += t[key];
  return sum;
}

interface Seen {
  /** The bot's messages in this client's topics, oldest first (merged mirrors hold several lines). */
  topic: string[];
  /** The thread each of this client's lines showed in, by line. */
  threadOf: Map<string, number>;
  /** The bot's answers in this client's private chat, oldest first. */
  chat: string[];
  /** The client's topic that still exists (the last one a mirror showed in). */
  liveThread?: number;
}

/**
 * Clients write `F07: 0`, `F07: 1`… one after another, `paceMs` apart; the
 * manager watches the topics and answers each new client line once, in the
 * topic it showed in, with `Ответ F07: 0`. What arrived is read from the
 * emulator's state (what Telegram's users would see).
 */
export class Conversation {
  readonly sent = new Map<number, string[]>();
  readonly answers = new Map<number, string[]>();
  /**
   * Answers the manager wrote while the bot was not a member of the group.
   * Bot API: a bot receives updates only from chats it is a member of (and
   * cannot read a chat's history later), so these can never reach Hotline —
   * counted apart, not as lost.
   */
  readonly writtenWhileBotOut = new Set<string>();
  private managerLoop: Promise<void> | undefined;
  private managing = false;
  private sending: Promise<void> | undefined;
  sendingDone = false;

  constructor(
    private readonly world: FaultWorld,
    private readonly options: { messages?: number; paceMs?: number } = {},
  ) {
    for (const client of world.clients) {
      this.sent.set(client.id, []);
      this.answers.set(client.id, []);
    }
  }

  /** Starts the clients and the manager; resolves at once. */
  start(): void {
    this.sending = this.sendAll().finally(() => (this.sendingDone = true));
    this.managing = true;
    this.managerLoop = this.manage();
  }

  async stop(): Promise<void> {
    this.managing = false;
    await this.sending?.catch(() => undefined);
    await this.managerLoop;
  }

  /** Resolves when every client has sent all its messages (the emulator took them). */
  async allSent(): Promise<void> {
    await this.sending;
  }

  private async sendAll(): Promise<void> {
    const { messages = MESSAGES, paceMs = 1000 } = this.options;
    await Promise.all(
      this.world.clients.map(async (client, c) => {
        // Clients start a little apart, as people do.
        await sleep((c * paceMs) / this.world.clients.length);
        for (let i = 0; i < messages; i++) {
          const text = `${client.first_name}: ${i}`;
          this.sent.get(client.id)!.push(text);
          await this.world.control.sendMessage({ from: client.id, text });
          await sleep(paceMs);
        }
      }),
    );
  }

  private async manage(): Promise<void> {
    while (this.managing) {
      const seen = this.read();
      await Promise.all(
        this.world.clients.map(async (client) => {
          const answered = this.answers.get(client.id)!;
          const done = new Set(answered.map((a) => a.slice(ANSWER.length)));
          const view = seen.get(client.id)!;
          for (const line of view.topic.flatMap((m) => m.split('\n'))) {
            if (done.has(line) || !line.startsWith(`${client.first_name}: `)) continue;
            // A line whose topic was deleted is answered in the client's topic that exists now.
            const thread = view.threadOf.get(line) ?? view.liveThread;
            if (thread === undefined) continue;
            const text = `${ANSWER}${line}`;
            // The bot's membership when the emulator took the message is between these two readings.
            const inBefore = this.botInGroup();
            try {
              await this.world.control.sendMessage({ from: this.world.manager.id, chat_id: this.world.group, message_thread_id: thread, text });
            } catch (error) {
              // The topic was deleted between reading it and answering (Telegram: 400 "message thread not found"):
              // a person would answer in the client's topic as it is now — the next round does.
              if (error instanceof SandboxControlError && error.status === 400) continue;
              throw error;
            }
            done.add(line);
            answered.push(text);
            if (!inBefore || !this.botInGroup()) this.writtenWhileBotOut.add(text);
          }
        }),
      );
      await sleep(300);
    }
  }

  private botInGroup(): boolean {
    return this.world.emulator.group(this.world.group)!.isMember(this.world.bot.id);
  }

  /** What each client's topics and private chat show now. */
  read(): Map<number, Seen> {
    const { emulator, group, clients, bot } = this.world;
    const byName = new Map(clients.map((c) => [c.first_name, c.id]));
    const seen = new Map<number, Seen>(clients.map((c) => [c.id, { topic: [], threadOf: new Map(), chat: [] }]));
    const chat = emulator.group(group)!;
    for (const stored of chat.messages.values()) {
      const { message } = stored;
      if (stored.service || stored.threadId === undefined || !message.from?.is_bot) continue;
      // A message in a topic a manager deleted was delivered (and is counted); one deleted on its own is gone.
      const topicDeleted = chat.topics.get(stored.threadId)?.deleted === true;
      if (stored.deleted && !topicDeleted) continue;
      const raw = message.text ?? '';
      const marked = raw.startsWith(MARKED);
      const text = marked ? raw.slice(MARKED.length) : raw;
      if (!text.split('\n').every((line) => CLIENT_LINE.test(line))) continue;
      const owner = byName.get(topicClientName(chat.topics.get(stored.threadId)?.name ?? ''));
      // A mirror in a topic of no client: counted against the client whose line it is (as unexpected there).
      const target = seen.get(owner ?? byName.get(text.split(':')[0]!) ?? -1);
      if (!target) continue;
      target.topic.push(raw);
      if (!topicDeleted) for (const line of text.split('\n')) if (!target.threadOf.has(line)) target.threadOf.set(line, stored.threadId);
      if (!topicDeleted) target.liveThread = stored.threadId;
    }
    for (const client of clients) {
      const privateChat = emulator.chats.get(ChatState.privateKey(bot.id, client.id));
      if (!privateChat) continue;
      for (const stored of privateChat.messages.values()) {
        if (stored.deleted || !stored.message.from?.is_bot) continue;
        const raw = stored.message.text ?? '';
        const text = raw.startsWith(MARKED) ? raw.slice(MARKED.length) : raw;
        if (text.startsWith(ANSWER)) seen.get(client.id)!.chat.push(raw);
      }
    }
    return seen;
  }

  /** Every client line is in its topic, every one answered, every answer in the client's chat. */
  complete(): boolean {
    if (!this.sendingDone) return false;
    const seen = this.read();
    return this.world.clients.every((client) => {
      const view = seen.get(client.id)!;
      const lines = new Set(view.topic.flatMap((m) => m.split('\n')));
      const answers = new Set(view.chat.map((m) => (m.startsWith(MARKED) ? m.slice(MARKED.length) : m)));
      return this.sent.get(client.id)!.every((text) => lines.has(text) && (answers.has(`${ANSWER}${text}`) || this.writtenWhileBotOut.has(`${ANSWER}${text}`)));
    });
  }

  /** Waits until complete(); returns when that was (ms since epoch), or null at the deadline. */
  async waitUntilComplete(timeoutMs: number): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.complete()) return Date.now();
      await sleep(250);
    }
    return null;
  }

  /** The counts in both directions; `tolerateRepeats` only where the process was killed. */
  tallies(tolerateRepeats: boolean): { toTopic: Tally; toClient: Tally; perClient: Array<{ name: string; toTopic: Tally; toClient: Tally }> } {
    const seen = this.read();
    const perClient = this.world.clients.map((client) => {
      const view = seen.get(client.id)!;
      const own = (prefix: string) => (line: string) => line.startsWith(`${prefix}${client.first_name}: `);
      return {
        name: client.first_name,
        toTopic: tally(this.sent.get(client.id)!, view.topic, own(''), tolerateRepeats),
        toClient: tally(this.answers.get(client.id)!, view.chat, own(ANSWER), tolerateRepeats, this.writtenWhileBotOut),
      };
    });
    return {
      toTopic: addTallies(perClient.map((p) => p.toTopic)),
      toClient: addTallies(perClient.map((p) => p.toClient)),
      perClient,
    };
  }
}

/**
 * Records the scenario's figures (before asserting, so a failure is reported
 * too) and asserts the targets: nothing lost, duplicated, out of order or in
 * the wrong chat; with `kills`, at most one repeat per queue per kill.
 */
export function settle(
  file: string,
  meta: { order: number; title: string; setup: string; notes?: string[] },
  conversation: Conversation,
  times: { faultEndedAt: number; completedAt: number | null },
  kills = 0,
  extra: { callsPerMessage?: number; orphanTopics?: number } = {},
): { passed: boolean; problems: string[] } {
  const { toTopic, toClient, perClient } = conversation.tallies(kills > 0);
  const problems: string[] = [];
  for (const p of perClient) {
    for (const [direction, t] of [['client → topic', p.toTopic], ['manager → client', p.toClient]] as const) {
      if (t.lost || t.duplicated || t.outOfOrder || t.unexpected || t.repeatedAfterKill > kills) {
        problems.push(`${p.name} ${direction}: ${JSON.stringify(t)}`);
      }
    }
  }
  const passed = problems.length === 0 && times.completedAt !== null;
  const drainSeconds = times.completedAt === null ? null : Math.max(0, (times.completedAt - times.faultEndedAt) / 1000);
  recordResult(file, {
    ...meta,
    notes: meta.notes ?? [],
    rows: [
      { direction: 'client → topic', tally: toTopic },
      { direction: 'manager → client', tally: toClient },
    ],
    drainSeconds,
    passed: passed && (extra.orphanTopics ?? 0) === 0,
    ...extra,
  });
  if (extra.orphanTopics) problems.push(`${extra.orphanTopics} orphan topics`);
  return { passed, problems };
}

/**
 * FAULTS_TRACE=1 prints, every 5 s, how far the conversation got and what
 * the outbox holds — for finding where a slow drain spends its time.
 */
export function traceProgress(conversation: Conversation, databaseUrl: string | undefined): () => void {
  if (!process.env.FAULTS_TRACE || !databaseUrl) return () => undefined;
  const began = Date.now();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  pool.on('error', () => undefined);
  const timer = setInterval(() => {
    const seen = conversation.read();
    let mirrored = 0;
    let answered = 0;
    for (const view of seen.values()) {
      mirrored += view.topic.flatMap((m) => m.split('\n')).length;
      answered += view.chat.length;
    }
    const asked = [...conversation.answers.values()].reduce((n, a) => n + a.length, 0);
    pool
      .query<{ kind: string; pending: number; stalled: number; leased: number; waiting: number }>(
        `SELECT split_part(queue, ':', 1) AS kind, count(*)::int AS pending,
                count(*) FILTER (WHERE lease_until > now())::int AS leased,
                count(*) FILTER (WHERE not_before > now())::int AS waiting,
                count(*) FILTER (WHERE id IN (SELECT DISTINCT ON (queue) id FROM telegram_outbox WHERE state = 'pending' ORDER BY queue, id)
                                   AND not_before < now() - interval '5 seconds' AND (lease_until IS NULL OR lease_until < now()))::int AS stalled
           FROM telegram_outbox WHERE state = 'pending' GROUP BY 1`,
      )
      .then(
        ({ rows }) => rows.map((r) => `${r.kind}: ${r.pending} pending, ${r.leased} leased, ${r.waiting} backing off, ${r.stalled} heads due >5 s`).join('; '),
        (error: Error) => error.message,
      )
      .then((outbox) =>
        process.stdout.write(`[${((Date.now() - began) / 1000).toFixed(0)} s] mirrored ${mirrored}, answered ${asked}, answers delivered ${answered}; ${outbox}\n`),
      );
  }, 5000);
  return () => {
    clearInterval(timer);
    void pool.end();
  };
}

/**
 * The app's warnings and errors (and what it did with topics), the last
 * `limit` lines of each process: the message of a failed scenario's
 * assertion, so that a CI log shows why, not only what, was lost.
 */
export function appWarnings(apps: HotlineProcess | undefined | Array<HotlineProcess | undefined>, limit = 40): string {
  const list = (Array.isArray(apps) ? apps : [apps]).filter((app): app is HotlineProcess => app !== undefined);
  return list
    .map((app, index) => {
      const lines = app
        .output()
        .split('\n')
        .filter((line) => /"level":(4|5|6)0|[Tt]opic/.test(line))
        .slice(-limit);
      return `— instance ${index + 1}, its warnings and topic lines:\n${lines.join('\n')}`;
    })
    .join('\n');
}

/** The process is still running: a crash is a failure of its own, shown with the end of its output. */
export function expectAlive(app: HotlineProcess | undefined): void {
  if (!app) throw new Error('The app was never started');
  if (app.child.exitCode !== null || app.child.signalCode !== null) {
    throw new Error(`Hotline exited (${app.child.exitCode ?? app.child.signalCode}) during the scenario:\n${app.output().slice(-4000)}`);
  }
}

/** Methods that are not the outbox's sending (intake, start-up). */
const NOT_SENDING = new Set(['getupdates', 'getme', 'setwebhook', 'deletewebhook', 'setmycommands', 'getfile', 'getwebhookinfo']);

/**
 * Bot API calls made per delivered message (both directions), and the
 * topics the bot created that no dialog owns (live topics that are not a
 * dialog's current topic) — the figures that show a hot retry loop and
 * orphans left by lost answers.
 */
export async function outboxFigures(world: FaultWorld, databaseUrl: string, delivered: number): Promise<{ callsPerMessage: number; orphanTopics: number; calls: number }> {
  const stats = await world.control.stats();
  const calls = Object.entries(stats.calls)
    .filter(([method]) => !NOT_SENDING.has(method.toLowerCase()))
    .reduce((sum, [, n]) => sum + n, 0);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const { rows } = await pool.query<{ topic_id: number }>('SELECT topic_id FROM dialogs WHERE topic_id IS NOT NULL');
    const owned = new Set(rows.map((r) => Number(r.topic_id)));
    const chat = world.emulator.group(world.group)!;
    const orphanTopics = [...chat.topics.values()].filter((topic) => !topic.deleted && !owned.has(topic.id)).length;
    return { callsPerMessage: delivered ? calls / delivered : 0, orphanTopics, calls };
  } finally {
    await pool.end();
  }
}
