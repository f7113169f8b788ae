/**
 * Issue 21.1: what a managers' group's budget buys under Telegram's limits.
 * Limits on in Hotline and in the emulator, windows ×TIME_SCALE so a
 * Telegram minute takes seconds. Four bursts, each CLIENTS clients per group
 * writing LINES texts at once:
 * - new clients (no topic yet) into one group, and into three;
 * - existing clients (topic and card there, a manager answered them, so the
 *   burst turns each title back to 🔴) into one group, and into three.
 * For each: time from a client's message to its line on screen in the topic
 * (p50/p99, in Telegram's time: bench milliseconds ÷ TIME_SCALE), client lines
 * per Bot API call into the groups (sends, copies, topic creation and renames,
 * edits, reactions — every call Hotline made to a group while the burst
 * drained, cards included), the group's budget used while lines were waiting
 * (messages Telegram's rule counts ÷ 20 per minute), and 429s.
 *
 * The physical ceiling: Telegram lets a group take 20 messages a minute (Bot
 * API FAQ, «My bot is hitting limits»), so a group shows at most
 * 20 × (lines per message) client lines a minute. A client's waiting texts
 * can share one message (merged, up to 4,096 characters); a new client costs
 * one more for the topic, and the card one more after. For LINES texts per
 * client that caps lines per call at LINES/2 while the lines go out (new),
 * LINES/3 with the card; LINES/1 and LINES/2 with the rename (existing).
 */
import type { Message } from '@grammyjs/types';
import { startEmulator, type StartedEmulator } from '../src/sandbox/standalone.js';
import { UserActions } from '../src/sandbox/userActions.js';
import { freePort, freshPostgres, quantile, spawnBuilt, stop, tempDir, until, waitFor, type Figure } from './lib.js';

const TOKEN = '1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
/** Telegram's windows ×0.1: a minute takes 6 s. */
const TIME_SCALE = Number(process.env.BUDGET_TIME_SCALE ?? 0.1);
const WINDOW_MS = 60_000 * TIME_SCALE;
const CLIENTS = Number(process.env.BUDGET_CLIENTS ?? 20);
const LINES = 6;
const PER_MINUTE = 20;

interface Burst {
  kind: 'new' | 'existing';
  groups: number;
}

interface Measured {
  p50: number;
  p99: number;
  lines: number;
  calls: number;
  /** Messages Telegram's rule counts (each copy, each topic service message) into the groups while the burst drained. */
  messages: number;
  /** Mean over the groups of messages counted per full window while lines were waiting ÷ 20; undefined if the burst drained within one window. */
  budgetUse: number | undefined;
  /** Client lines on screen per Telegram minute per group, from the burst to its last line. */
  linesPerMinute: number;
  tooMany: number;
  lost: number;
  /** Topics per group at the end: how the new dialogs were spread. */
  placed: number[];
}

async function burst({ kind, groups: groupCount }: Burst): Promise<Measured> {
  const started: StartedEmulator = await startEmulator();
  const emu = started.emulator;
  const bot = emu.createBot({ token: TOKEN, username: 'bench_bot', firstName: 'Bench' });
  const manager = emu.createUser({ first_name: 'Manager' });
  const groups: number[] = [];
  for (let i = 0; i < groupCount; i++) groups.push(emu.createGroup({ title: `G${i}`, memberIds: [manager.id], botIds: [bot.id] }).chat.id);
  const clients: number[] = [];
  for (let i = 0; i < CLIENTS * groupCount; i++) clients.push(emu.createUser({ first_name: `C${i}` }).id);
  started.control.setLimits({ enabled: true, time_scale: TIME_SCALE });
  const pg = await freshPostgres();
  const port = await freePort();
  const app = spawnBuilt({
    PORT: String(port),
    DATA_DIR: tempDir(),
    DATABASE_URL: pg.url,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: started.apiRoot,
    TELEGRAM_MANAGERS_CHAT_ID: groups.join(','),
    TELEGRAM_RATE_LIMITS: 'on',
    TELEGRAM_LIMITS_TIME_SCALE: String(TIME_SCALE),
    // Production settles a title for 30 s; scaled like the windows.
    TOPIC_TITLE_DELAY_SECONDS: String(30 * TIME_SCALE),
  });
  const users = new UserActions(emu);
  try {
    await waitFor(`http://127.0.0.1:${port}/readyz`, 200, 60_000);
    const groupKeys = new Map(groups.map((g) => [emu.group(g)!.key, g]));
    let measuring = false;
    /** Per group: when each counted message (cost) and each call went. */
    const counted = new Map<number, number[]>(groups.map((g) => [g, []]));
    const calls = new Map<number, number>(groups.map((g) => [g, 0]));
    // Every call Telegram's limits count passes here once (with its messages as `cost`); edits and reactions below.
    const take = emu.limits.take.bind(emu.limits);
    emu.limits.take = (botId, chatKey, isGroup, cost = 1, now = Date.now()) => {
      const refused = take(botId, chatKey, isGroup, cost, now);
      const group = groupKeys.get(chatKey);
      if (measuring && !refused && group !== undefined) {
        calls.set(group, calls.get(group)! + 1);
        for (let i = 0; i < cost; i++) counted.get(group)!.push(now);
      }
      return refused;
    };
    const sentAt = new Map<string, number>();
    const seen = new Map<string, number>();
    /** Topics (group:thread) that have their card: thread ids repeat across groups. */
    const cards = new Set<string>();
    const log = emu.events;
    const emit = log.emit.bind(log);
    log.emit = (event) => {
      emit(event);
      if (event.chat_id === undefined || !groups.includes(event.chat_id)) return;
      if (measuring && (event.type === 'edit' || event.type === 'reaction')) calls.set(event.chat_id, calls.get(event.chat_id)! + 1);
      if (event.type !== 'message') return;
      const stored = emu.group(event.chat_id)?.messages.get(event.message_id!);
      const message = (stored as { message?: Message } | undefined)?.message;
      const text = message?.text ?? '';
      if (text.includes('Telegram ID:')) cards.add(`${event.chat_id}:${message!.message_thread_id ?? 0}`);
      const at = Date.now();
      for (const line of text.split('\n')) if (line.startsWith('#') && !seen.has(line)) seen.set(line, at);
    };
    /** Client i's group and topic (Hotline places a new dialog in the group with the fewest). */
    const topicOf = (i: number): [number, number] => {
      for (const g of groups) {
        const topic = [...emu.group(g)!.topics.values()].find((t) => !t.deleted && t.name.split(' ').slice(1).join(' ') === `C${i}`);
        if (topic) return [g, topic.id];
      }
      throw new Error(`no topic for C${i}`);
    };

    if (kind === 'existing') {
      // Each client wrote before: topic and card are there; a manager answered (the title turns 🟢).
      for (const [i, client] of clients.entries()) users.send({ from: client, text: `#w${i}` });
      await until(() => clients.every((_, i) => seen.has(`#w${i}`)) && cards.size >= clients.length, 'the warm-up lines and cards', 300_000, 50);
      for (const [i] of clients.entries()) {
        const [group, topic] = topicOf(i);
        users.send({ from: manager.id, chat_id: group, message_thread_id: topic, text: `Answer ${i}` });
      }
      await until(
        () => groups.every((g) => [...emu.group(g)!.topics.values()].filter((t) => !t.deleted).every((t) => t.name.startsWith('🟢'))),
        'the titles turned 🟢',
        300_000,
        50,
      );
      // A full window with nothing sent: the burst meets a full budget.
      await new Promise((r) => setTimeout(r, WINDOW_MS * 1.2));
    }

    measuring = true;
    const tooManyBefore = emu.stats.view().too_many_requests;
    const start = Date.now();
    for (let line = 0; line < LINES; line++) {
      for (const [i, client] of clients.entries()) {
        const text = `#b${i}-${line}`;
        sentAt.set(text, Date.now());
        users.send({ from: client, text });
      }
    }
    const wanted = [...sentAt.keys()];
    const timeout = Date.now() + Math.max(120_000, WINDOW_MS * 40);
    await until(() => wanted.every((t) => seen.has(t)) || Date.now() > timeout, 'the burst on screen', timeout - Date.now() + 1000, 20);
    const lastLine = Math.max(...wanted.map((t) => seen.get(t) ?? 0));
    // Cards, renames: what the burst left for after (a new client's card, a title turning 🔴) — counted as calls too.
    const settle = Date.now() + Math.max(60_000, WINDOW_MS * 20);
    const housekeepingDone = () =>
      cards.size >= clients.length && (kind === 'new' || groups.every((g) => [...emu.group(g)!.topics.values()].filter((t) => !t.deleted).every((t) => t.name.startsWith('🔴'))));
    await until(() => housekeepingDone() || Date.now() > settle, 'cards and titles', settle - Date.now() + 1000, 50);
    // A last look: anything still on its way for a moment.
    await new Promise((r) => setTimeout(r, 500));
    measuring = false;

    const placed = groups.map((g) => [...emu.group(g)!.topics.values()].filter((t) => !t.deleted).length);
    const latencies = wanted.filter((t) => seen.has(t)).map((t) => (seen.get(t)! - sentAt.get(t)!) / TIME_SCALE);
    const fullWindows = Math.floor((lastLine - start) / WINDOW_MS);
    const budgetUse =
      fullWindows >= 1
        ? groups.reduce((sum, g) => sum + counted.get(g)!.filter((at) => at >= start && at < start + fullWindows * WINDOW_MS).length / (PER_MINUTE * fullWindows), 0) / groupCount
        : undefined;
    const lines = wanted.filter((t) => seen.has(t)).length;
    const totalCalls = [...calls.values()].reduce((a, b) => a + b, 0);
    return {
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      lines,
      calls: totalCalls,
      messages: [...counted.values()].reduce((a, b) => a + b.length, 0),
      budgetUse,
      linesPerMinute: lines / groupCount / (Math.max(1, lastLine - start) / WINDOW_MS),
      tooMany: emu.stats.view().too_many_requests - tooManyBefore,
      lost: wanted.length - lines,
      placed,
    };
  } finally {
    await stop(app);
    await started.close();
    await pg.drop();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const scale = `windows ×${TIME_SCALE}, ${CLIENTS} clients a group × ${LINES} texts at once`;
  let tooMany = 0;
  let lost = 0;
  for (const kind of ['new', 'existing'] as const) {
    for (const groups of [1, 3]) {
      const m = await burst({ kind, groups });
      tooMany += m.tooMany;
      lost += m.lost;
      const where = groups === 1 ? 'one group' : 'three groups';
      const who = kind === 'new' ? 'new clients' : 'existing clients (topic, card, answered)';
      // The ceiling's lines per call for this burst: every client's texts in one message, plus the topic (new) and the card (new) or the rename (existing).
      const ideal = kind === 'new' ? LINES / 3 : LINES / 2;
      const perCall = m.lines / Math.max(1, m.calls);
      console.log(`  ${kind} × ${groups}: ${JSON.stringify(m)}`);
      figures.push({
        area: 'Budget',
        what: `limits on (${scale}), ${who} into ${where}: client message → its line in the topic, p50 / p99 in Telegram's time`,
        value: `${seconds(m.p50)} / ${seconds(m.p99)}`,
      });
      figures.push({
        area: 'Budget',
        what: `the same: client lines per Bot API call into the group${groups === 1 ? '' : 's'}, cards and titles included (${m.lines} lines, ${m.calls} calls; the ceiling for this burst ${ideal.toFixed(1)})`,
        value: `${perCall.toFixed(2)} (${Math.round((100 * perCall) / ideal)}% of the ceiling)`,
        target: '≥ 1.5',
        ok: perCall >= 1.5,
      });
      figures.push({
        area: 'Budget',
        what: `the same: the group's budget used while lines waited (messages Telegram counts per minute ÷ 20, mean per group); lines on screen per minute per group`,
        value: `${m.budgetUse === undefined ? '— (drained within one minute)' : m.budgetUse.toFixed(2)}; ${m.linesPerMinute.toFixed(1)} lines/min`,
        target: '≥ 0.9',
        ok: m.budgetUse === undefined ? undefined : m.budgetUse >= 0.9,
      });
    }
  }
  figures.push({ area: 'Budget', what: 'the four bursts: 429 answers the emulator (Telegram\'s limits) gave; lines lost', value: `${tooMany}; ${lost}`, target: '0; 0', ok: tooMany === 0 && lost === 0 });
  return figures;
}
