/**
 * The outbox worker: sends the Bot API calls that commands wrote into
 * `telegram_outbox`, in `id` order per chat, within Telegram's limits.
 *
 * - One call per chat is in flight at a time; chats are served in parallel.
 * - A row is leased before it is sent, so several instances never send it
 *   twice while both are alive. The lease names its instance: once that
 *   instance's heartbeat stops (killed, crashed), another one takes the row
 *   over within seconds (src/db/instances.ts); otherwise the lease runs out.
 * - 429 pauses the chat for `retry_after`; 5xx, timeouts and network errors
 *   are retried with backoff, forever — nothing is dropped but calls Telegram
 *   refuses for good (and those are logged and marked failed). What each
 *   failure means (and the one backoff policy) is in ./outboxFailures.ts.
 * - A managers' group the bot cannot post into is paused as a whole, never
 *   its messages failed one by one; a migrated group is followed.
 * - Ids the command could not know (the topic, the mirror of a replied-to or
 *   edited message) are resolved just before sending.
 */
import { createHash } from 'node:crypto';
import { Api, GrammyError } from 'grammy';
import { and, eq, getTableColumns, inArray, isNull, sql } from 'drizzle-orm';
import type { CommandContext } from '../commands/context.js';
import { OUTBOX_CHANNEL, REFRESH_CLIENT_CARD, enqueueTelegram, type OutboxWake } from '../commands/telegramOutbox.js';
import { editedNoteCalls } from '../commands/recordEdit.js';
import { botText, clientLocale, MANAGERS_LOCALE } from '../commands/botTexts.js';
import { joinTexts, type Entity } from '../core/composeText.js';
import { CONTENT_FORBIDDEN, COPY_REFUSED, COPY_SOURCE_GONE, textInsteadOfCopy } from './contentFallback.js';
import { renameTopic, RENAME_TOPIC } from './topicTitle.js';
import { isDatabaseAway } from '../db/index.js';
import { GONE_AFTER_MS, holderGoneSql } from '../db/instances.js';
import { clients, dialogs, HOUSEKEEPING_QUEUES_SQL, HOUSEKEEPING_QUEUE_PREFIXES, messages, telegramOutbox, type OutboxTarget } from '../db/schema.js';
import { metrics } from '../metrics.js';
import { RateLimiter, type Limits, type SendKind, type Take } from './rateLimits.js';
import { Topics, TopicPending } from './topics.js';
import { classifyFailure, markRepeat, postsMessage, retryDelayMs } from './outboxFailures.js';
import { followManagersChatMigration, noticeBotReturn, pauseManagersChat, pausedManagersChats, resumeManagersChat } from '../commands/managersChats.js';
import { ActionCards } from './actionCards.js';
import { REFRESH_ACTION_CARD } from '../commands/actionCards.js';
import { BROADCAST_QUEUE_PREFIX } from '../core/broadcast.js';

type Row = typeof telegramOutbox.$inferSelect;

export interface OutboxOptions {
  /** Telegram's limits, or false to send as fast as the API answers. */
  limits: Limits | false;
  /** Chats served at once. */
  concurrency?: number;
  /** How long a claimed row stays ours; after a crash, another instance waits this long unless it knows we are gone (`instance`). */
  leaseMs?: number;
  /**
   * This process's id in `instances` (src/db/instances.ts), recorded on the
   * rows it leases: when its heartbeat stops, others take them at once.
   * Unset: leases only run out.
   */
  instance?: string;
  /** Give up waiting for one Bot API call after this long (then retry it). */
  callTimeoutMs?: number;
  /** Look for work at least this often even without a wake-up (rows written by other instances). */
  pollMs?: number;
}

/** Calls one queue sends before it gives its slot back (see drain()). */
const SENDS_PER_TURN = 8;

/** How grammY's HttpError (network failure, timeout) starts its message, which retryLater() keeps in last_error. */
const NETWORK_ERROR_PREFIX = 'Network request for ';

/** The note under a manager's message the client never got because they blocked the bot (src/locales, `undelivered-blocked-notice`). */
export const UNDELIVERED_NOTICE = botText(MANAGERS_LOCALE, 'undelivered-blocked-notice');

/** How long a reply waits for the id of the message it answers while that message's call is still out. */
const REPLY_TARGET_WAIT_MS = 30_000;
/** How often the outbox re-reads which managers' groups are paused (another instance may have paused or resumed one). */
const PAUSED_REFRESH_MS = 2_000;

/** The replied-to message is being delivered right now: send the reply once its id is known. */
class WaitForReplyTarget extends Error {
  constructor() {
    super('waiting for the id of the message it replies to (its delivery is still unanswered)');
  }
}

/**
 * A client's texts are merged only while the chat has at least this many calls waiting (a minute of a group's limit)…
 * or, with Telegram's limits on, more than the group's budget lets out now without waiting (mergeAt()).
 */
const MERGE_BACKLOG = 20;

/**
 * How many calls must wait for the chat before a client's texts are merged:
 * with `free` sends left in the chat's budget after this one, the rows after
 * the head that do not fit (pending ≥ free + 2) would wait for the window to
 * reopen — merged, they go now as one message (issue 21.1: a line waits for a
 * call, not for a minute). Never below 2 (a lone text is not merged with
 * nothing), never above MERGE_BACKLOG (limits off: free is Infinity).
 */
export function mergeAt(free: number): number {
  return Math.max(2, Math.min(MERGE_BACKLOG, free + 2));
}
/** The most rows one call carries (an album holds at most 10). */
const MAX_MERGED = 20;
const MERGE_SEPARATOR = '\n';

interface MergeText {
  text: string;
  entities?: Array<{ offset: number; length: number } & Record<string, unknown>>;
}

function mergeText(row: Row): MergeText | undefined {
  return row.payload.merge as MergeText | undefined;
}

/** Several texts as one message: joined by line breaks, entities shifted (src/core/composeText.ts; claim() keeps it within 4,096). */
export function mergeTexts(rows: Row[]): { text: string; entities: MergeText['entities'] } {
  const joined = joinTexts(
    rows.flatMap((row, i) => {
      const part = mergeText(row) ?? { text: '' };
      const piece = { text: part.text, entities: part.entities as Entity[] | undefined };
      return i === 0 ? [piece] : [{ text: MERGE_SEPARATOR }, piece];
    }),
  );
  return { text: joined.text, entities: joined.entities ?? [] };
}

/**
 * `group` (its head first) with the rows of `next` (the queue's following
 * rows, in order) that may go out in the same call: the same coalesce key,
 * not leased by another try, at most an album's 10, 4,096 characters of
 * merged text (Telegram's limit for one message) and MAX_MERGED rows.
 */
function joinRows(group: Row[], next: Row[]): Row[] {
  const head = group[0]!;
  const joined = [...group];
  let length = 0;
  for (const [i, row] of group.entries()) {
    const text = mergeText(row);
    if (text) length += (i ? MERGE_SEPARATOR.length : 0) + text.text.length;
  }
  for (const row of next) {
    if (joined.length >= MAX_MERGED) break;
    if (row.coalesceKey !== head.coalesceKey || (row.leaseUntil && row.leaseUntil.getTime() > Date.now())) break;
    if (head.coalesceKey?.startsWith('album:') && joined.length >= 10) break;
    const text = mergeText(row);
    if (text) {
      length += MERGE_SEPARATOR.length + text.text.length;
      if (length > 4096) break;
    }
    joined.push(row);
  }
  return joined;
}

/**
 * Queues of housekeeping the group's budget serves after content: topic titles (commands/dialogStatus `titleQueue`),
 * answer-time reminders (commands/answerTime `reminderQueue`), client cards (commands/telegramOutbox `cardQueue`:
 * a new topic's first card too, see jobs/topics) and the bot's reactions (`markQueue`). Issue 21.1: what managers
 * need first — the clients' words — goes first.
 */
export const isHousekeeping = (queue: string): boolean => HOUSEKEEPING_QUEUE_PREFIXES.some((prefix) => queue.startsWith(prefix));

/**
 * Housekeeping queues drained at once, at most (of `concurrency`): enough for
 * the titles and cards of a busy hotline (a rename and its card take ~10 ms:
 * two slots serve ~200 a second, where Telegram lets one group have 20 a
 * minute), few enough that they never crowd the clients' lines (bench/dialogStatus.ts).
 */
const HOUSEKEEPING_SLOTS = 2;

/** How the budget serves a queue's sends (jobs/rateLimits SendKind): housekeeping leaves the group's reserve to content. */
const sendKind = (queue: string): SendKind => (isBroadcast(queue) ? 'bulk' : isHousekeeping(queue) ? 'housekeeping' : 'content');

/**
 * Queues of a broadcast's messages (core/broadcast, issue 19.5): served after
 * every other due queue, within the bot's bulk pace (Limits.broadcastPerSecond),
 * and on at most half of the concurrent slots, so the relay never waits for them.
 */
const isBroadcast = (queue: string): boolean => queue.startsWith(BROADCAST_QUEUE_PREFIX);

/**
 * Plans of the outbox's prepared statements. PostgreSQL plans a prepared
 * statement anew at every execution (a custom plan) while the plan it would
 * keep (generic) is estimated dearer than the custom ones (docs: PREPARE,
 * "plan_cache_mode"; src/backend/utils/cache/plancache.c choose_custom_plan).
 * A parameter the planner can read in a custom plan and not in the generic
 * one — an array's length (`= ANY($n)`), a bound's place in the histogram
 * (`id > $n`), a value a partial index's predicate names — made the custom
 * plans look cheaper for good: the round's statements were planned at every
 * call, ~8% of PostgreSQL's CPU in the relay benchmark (perf, stop 35). Such
 * parameters are read through a sub-select, `(SELECT $n)`, which neither kind
 * of plan can see into, and fixed values are written in, so both plans are
 * the same and the generic one is kept after five executions.
 */
const hidden = (parameter: string) => `(SELECT ${parameter})`;

/**
 * Each queue has one owner among the live instances (issue 21.2): the
 * instance whose place in the live list (`instances` by id, heartbeat within
 * GONE_AFTER_MS) is the queue's number modulo their count — the number the
 * queue's name ends with (a dialog's id, a chat's id: consecutive dialogs
 * alternate owners), else a hash of the name. Only the owner claims the
 * queue's rows, so two instances never race for one client's queue (a lost
 * race is a claim that waited for the other's row lock and found nothing).
 * An instance not in the list (no heartbeat, or none yet) and a single
 * instance own everything. When an instance dies, its queues pass to the
 * others as soon as it drops out of the list (the same GONE_AFTER_MS its
 * leases are taken over after, src/db/instances.ts). Ownership only decides
 * who tries: the lease still decides who sends.
 */
const LIVE_INSTANCES_SQL = `WITH live AS (
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS n FROM instances
     WHERE GREATEST(heartbeat_at, pg_postmaster_start_time()) >= now() - make_interval(secs => ${GONE_AFTER_MS / 1000})),
  me AS (SELECT k, n FROM live WHERE id = ${hidden('$1::text')})`;
export const QUEUE_MINE_SQL = `(me.n IS NULL OR mod(abs(COALESCE(substring(queue from ':(-?[0-9]{1,15})$')::bigint, hashtext(queue)::bigint)), me.n) = me.k)`;

interface Head {
  id: number;
  queue: string;
  chat_id: string;
  not_before: Date;
  lease_until: Date | null;
  mine: boolean;
  live: number;
  /** This instance's place in the live list (QUEUE_MINE_SQL's `me.k`); null when it is not in the list. */
  place: number | null;
}

/**
 * Whether an instance at `place` of `live` live instances owns `queue` by the
 * rule of QUEUE_MINE_SQL, where it can be told without the database: true or
 * false for a name ending in a number, undefined for one PostgreSQL hashes
 * (`hashtext`) — and undefined when the instance's place is not known.
 */
export function ownsQueue(queue: string, place: number | null | undefined, live: number): boolean | undefined {
  if (live <= 1) return true;
  if (place === null || place === undefined) return undefined;
  const number = /:(-?[0-9]{1,15})$/.exec(queue)?.[1];
  if (number === undefined) return undefined;
  return Math.abs(Number(number)) % live === place;
}

/**
 * An SQL text literal of `value` (NULL::text for null), for a value written
 * into a statement instead of passed as a parameter. Standard-conforming
 * strings (on by default since PostgreSQL 9.1 and in PGlite): a quote is
 * doubled, nothing else is special.
 */
const textLiteral = (value: string | null) => (value === null ? 'NULL::text' : `'${value.replace(/'/g, "''")}'::text`);

/**
 * The dispatch round's reads: each queue's first pending row (by id), of
 * content's queues or of housekeeping's, as seen by `instance`. No parameter
 * at all: the instance's id is written in. With its id as a parameter the
 * statement stayed custom-planned for good (113 of 128 calls, stop 35): the
 * heads' estimated cost grows with the pending rows, PostgreSQL prices the
 * generic plan once and compares it with the average of every custom plan
 * since PREPARE (plancache.c choose_custom_plan), so after one ANALYZE during
 * a backlog the generic plan never looked cheap again. A statement without
 * parameters has only the generic plan.
 */
const headsSql = (kind: 'content' | 'housekeeping', instance: string | null) => {
  const me = textLiteral(instance);
  return `${LIVE_INSTANCES_SQL.replace(hidden('$1::text'), me)}
     SELECT h.*, ${QUEUE_MINE_SQL} AS mine, coalesce(me.n, 1)::int AS live, me.k::int AS place
       FROM (SELECT DISTINCT ON (queue) id, queue, chat_id, not_before,
                    CASE WHEN ${holderGoneSql('lease_holder', me)} THEN NULL ELSE lease_until END AS lease_until
               FROM telegram_outbox WHERE state = 'pending' AND ${kind === 'content' ? 'NOT ' : ''}${HOUSEKEEPING_QUEUES_SQL}
              ORDER BY queue, id) h
       LEFT JOIN me ON true`;
};

/**
 * How often, at most, the dispatch round reads housekeeping's heads (see
 * dispatch()). A title or a card waits up to this long more: titles wait
 * TOPIC_TITLE_DELAY_SECONDS anyway, and all of it waits for the group's content.
 */
const HOUSEKEEPING_SCAN_MS = 200;

/**
 * How long another instance's queue may stand due with its head unleased and
 * unchanged before this instance takes it: its owner is alive (heartbeating)
 * but not sending — its outbox stopped or has no slots. A dead owner is not
 * waited for: it leaves the live list after GONE_AFTER_MS.
 */
const OWNER_GRACE_MS = 3_000;
/** How often an instance with live siblings looks for rows they wrote into its queues (their wake-ups are in-process). */
const SHARED_POLL_MS = 100;

export class TelegramOutbox {
  private readonly limiter: RateLimiter;
  readonly topics: Topics;
  private readonly cards: ActionCards;
  /** Queues being drained by this process. */
  private readonly busy = new Set<string>();
  /** Other instances' queues whose head was due and unleased at the last dispatch: that head, and since when (ms). */
  private foreignHeads = new Map<string, { head: number; since: number }>();
  /** Live instances at the last dispatch that found rows (LIVE_INSTANCES_SQL). */
  private liveInstances = 1;
  /** This instance's place in the live list as the last heads read said (see ownsQueue). */
  private place: number | null | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private unsubscribe: (() => void) | undefined;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly callTimeoutMs: number;
  private readonly pollMs: number;
  private readonly instance: string | null;
  /** The heads' reads of this instance, parameterless (see headsSql). */
  private readonly headsStatements: Record<'content' | 'housekeeping', { name: string; text: string }>;
  /** A Bot API call failed on the network (Telegram unreachable or too slow) since the last success. */
  private unreachable = false;
  private readonly statements: ReturnType<TelegramOutbox['buildStatements']>;

  constructor(
    private readonly ctx: CommandContext,
    private readonly api: Api,
    options: OutboxOptions,
  ) {
    this.limiter = new RateLimiter(options.limits);
    this.concurrency = options.concurrency ?? 32;
    this.callTimeoutMs = options.callTimeoutMs ?? 15_000;
    // Topics and action cards call the Bot API inside a leased row too: the
    // same timeout as the outbox's own calls (not grammY's 60 s), or a held
    // call would outlive the lease and another instance could take the row
    // over — and create the topic again — while this one still waits.
    const timed = new Api(api.token, { ...api.options, timeoutSeconds: Math.ceil(this.callTimeoutMs / 1000) });
    this.topics = new Topics(ctx, timed, this.limiter);
    this.cards = new ActionCards(ctx, timed, this.limiter);
    // Long enough for one call, short so that a crashed instance's row is taken over soon.
    this.leaseMs = options.leaseMs ?? this.callTimeoutMs + 5_000;
    this.pollMs = options.pollMs ?? 500;
    this.instance = options.instance ?? null;
    this.statements = this.buildStatements();
    // Named per instance: a process holding outboxes of two instances (the tests) shares a pool, and a prepared
    // statement's name is per connection.
    const tag = createHash('sha256').update(this.instance ?? '').digest('hex').slice(0, 12);
    this.headsStatements = {
      content: { name: `hotline_outbox_heads_content_${tag}`, text: headsSql('content', this.instance) },
      housekeeping: { name: `hotline_outbox_heads_housekeeping_${tag}`, text: headsSql('housekeeping', this.instance) },
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.ctx.live.subscribe(OUTBOX_CHANNEL, (message) => {
      // Rows written here for queues a live sibling owns are its to send: it finds them by its SHARED_POLL_MS round, and
      // a round here would only read them as not ours (one heads read per update of 2 in 3 with three instances).
      const queues = (message.data as OutboxWake | undefined)?.queues;
      if (queues && this.liveInstances > 1 && queues.every((queue) => ownsQueue(queue, this.place, this.liveInstances) === false)) return;
      this.wake();
    });
    this.loop = this.run();
  }

  /** Stops taking rows; calls in flight finish (or their lease runs out). */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
    const deadline = Date.now() + this.callTimeoutMs;
    while (this.busy.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  wake(): void {
    this.woken = true;
    this.wokenSinceScan = true;
    this.wakeUp?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  /**
   * Counts what was sent in the last second before this process started — by
   * this instance before a restart, or by another one — in the bot's and the
   * private chats' windows: Telegram counts them, and a limiter starting empty
   * let a fast restart in the middle of a broadcast send another second's worth
   * at once (10 × 429: test/relay/broadcasts.test.ts, a restart mid-broadcast).
   * Reads the newest sent rows by id (the primary key: a bounded read, no index
   * on sent_at), as ages measured by the database, so clocks need not agree.
   * Not restored: a group's minute — the rows cannot tell which sends Telegram
   * counted (a deployment that ran with the limits off), and a restored minute
   * would hold the group's clients' lines for up to a minute after every
   * restart; a group's 429 after a restart pauses that group for Telegram's
   * retry_after and loses nothing.
   */
  private async restoreWindows(): Promise<void> {
    const windowMs = this.limiter.botWindowMs;
    if (windowMs <= 0) return;
    const recent = await this.ctx.database.pool.query<{ chat_id: string; age_ms: number }>({
      text: `SELECT chat_id, extract(epoch FROM now() - sent_at) * 1000 AS age_ms
               FROM (SELECT chat_id, sent_at FROM telegram_outbox WHERE state = 'sent' ORDER BY id DESC LIMIT 200) newest
              WHERE sent_at > now() - make_interval(secs => $1::float8)
              ORDER BY sent_at`,
      values: [windowMs / 1000],
    });
    const now = Date.now();
    for (const row of recent.rows) this.limiter.restore(Number(row.chat_id), now - Number(row.age_ms));
  }

  private async run(): Promise<void> {
    try {
      await this.restoreWindows();
    } catch (error) {
      this.ctx.log.warn(`Telegram outbox: the budget's windows were not restored (${(error as Error).message}); starting with them empty`);
    }
    while (this.running) {
      this.woken = false;
      let nextMs = this.pollMs;
      try {
        nextMs = Math.min(nextMs, await this.dispatch());
      } catch (error) {
        this.ctx.log.warn(`Telegram outbox: ${(error as Error).message}; retrying`);
        nextMs = 1000;
      }
      await this.sleep(Math.max(0, nextMs));
    }
  }

  /**
   * The pending heads of the queues the `kind` selects (headsSql). A lease
   * whose holder is gone counts as none: its row is due now. `mine`: the
   * queue's owner (QUEUE_MINE_SQL); `live`: live instances.
   */
  private async heads(kind: 'content' | 'housekeeping'): Promise<Head[]> {
    const result = await this.ctx.database.pool.query<Head>(this.headsStatements[kind]);
    return result.rows;
  }

  /**
   * Housekeeping's heads as last read (at most HOUSEKEEPING_SCAN_MS old), by
   * queue; a queue leaves when a drain starts on it (the next read finds its
   * next row, if any). Stale entries cost nothing but a claim that finds
   * nothing: the claim, not this list, decides what is sent.
   */
  private housekeepingHeads = new Map<string, Head>();
  private housekeepingReadAt = -Infinity;
  /** A wake (a write, a drain's end) came after housekeeping's heads were read: they may be missing a new row. */
  private wokenSinceScan = true;

  /**
   * Starts a drain for every queue whose head row is due; returns ms until the next one is.
   *
   * Content's heads are read every round (a round follows every drain's end and
   * every write); housekeeping's — titles waiting out their delay, cards,
   * reminders, marks, hundreds of rows under a status storm — at most every
   * HOUSEKEEPING_SCAN_MS: reading and sorting them after each drain was the
   * outbox's largest cost under churn (docs/PERFORMANCE.md «Dialog status»,
   * ~230 rounds a second × 500 title rows), and housekeeping waits for the
   * group's content anyway.
   */
  private async dispatch(): Promise<number> {
    const content = await this.heads('content');
    let now = Date.now();
    if (now - this.housekeepingReadAt >= HOUSEKEEPING_SCAN_MS) {
      this.wokenSinceScan = false;
      const housekeeping = await this.heads('housekeeping');
      this.housekeepingReadAt = now;
      this.housekeepingHeads = new Map(housekeeping.map((h) => [h.queue, h]));
    }
    const heads = { rows: [...content, ...this.housekeepingHeads.values()] };
    metrics.outboxBacklog.set(heads.rows.length);
    await this.refreshPaused();
    // The queue waiting longest goes first: in name order, more busy queues
    // than `concurrency` would keep the ones sorting last (the managers'
    // topics, after the clients' chats) waiting until the others ran dry.
    // Broadcasts after everything else (isBroadcast).
    heads.rows.sort((a, b) => Number(isBroadcast(a.queue)) - Number(isBroadcast(b.queue)) || a.id - b.id);
    let bulkBusy = [...this.busy].filter(isBroadcast).length;
    let housekeepingBusy = [...this.busy].filter(isHousekeeping).length;
    now = Date.now();
    // Housekeeping after content (ARCHITECTURE §5): a topic's title waits while its group has other calls due or out.
    const contentDue = new Set(
      heads.rows.filter((h) => !isHousekeeping(h.queue) && (h.not_before.getTime() <= now || this.busy.has(h.queue))).map((h) => h.chat_id),
    );
    let nextMs = this.pollMs;
    const waiting = new Map<string, { head: number; since: number }>();
    for (const head of heads.rows) {
      const chatId = Number(head.chat_id);
      if (this.busy.has(head.queue)) continue;
      if (!head.mine) {
        // Another live instance's queue: it is left to its owner while the owner moves it on. A head that stood due
        // and unleased for OWNER_GRACE_MS (an owner alive but not sending: its outbox stopped, or sends nothing) is taken.
        const free = head.not_before.getTime() <= now && !(head.lease_until && head.lease_until.getTime() > now);
        if (!free) continue;
        const seen = this.foreignHeads.get(head.queue);
        const since = seen?.head === head.id ? seen.since : now;
        waiting.set(head.queue, { head: head.id, since });
        if (now - since < OWNER_GRACE_MS) {
          nextMs = Math.min(nextMs, since + OWNER_GRACE_MS - now);
          continue;
        }
      }
      const housekeeping = isHousekeeping(head.queue);
      if (housekeeping && contentDue.has(head.chat_id)) continue;
      // Housekeeping trickles: a gap in the content would otherwise start up to `concurrency` renames and card
      // renders at once, and the client line that comes next would share the CPU and the database with all of them.
      if (housekeeping && housekeepingBusy >= HOUSEKEEPING_SLOTS) continue;
      const bulk = isBroadcast(head.queue);
      if (bulk && bulkBusy >= Math.max(1, Math.floor(this.concurrency / 2))) break;
      const due = Math.max(
        head.not_before.getTime() - now,
        head.lease_until ? head.lease_until.getTime() - now : 0,
        this.limiter.wait(chatId, now, sendKind(head.queue)),
      );
      if (due > 0) {
        nextMs = Math.min(nextMs, due);
        continue;
      }
      if (this.busy.size >= this.concurrency) break;
      const queue = head.queue;
      this.busy.add(queue);
      if (bulk) bulkBusy++;
      if (housekeeping) {
        housekeepingBusy++;
        this.housekeepingHeads.delete(queue);
      }
      void this.drain(queue, chatId)
        .catch((error: unknown) => this.ctx.log.warn(`Telegram outbox, ${queue}: ${(error as Error).message}`))
        .finally(() => {
          this.busy.delete(queue);
          this.wake();
        });
    }
    this.foreignHeads = waiting;
    // Several live instances: rows for this one's queues are also written by the others, whose wake-ups do not reach it.
    // (With nothing pending the count is not read: the last one read stands.)
    this.liveInstances = heads.rows[0]?.live ?? this.liveInstances;
    if (heads.rows[0]) this.place = heads.rows[0].place;
    if (this.liveInstances > 1) nextMs = Math.min(nextMs, SHARED_POLL_MS);
    // Rows may have been written since the read (a wake came): read again once the scan's pace allows. Heads already
    // read need no faster rounds than before: their time is in nextMs above, and their group's content or a freed slot
    // ends in a drain's wake. (Re-reading for them alone polled every 200 ms while a title waited out its delay, or a
    // paused group's cards waited for hours.)
    if (this.wokenSinceScan) nextMs = Math.min(nextMs, Math.max(1, this.housekeepingReadAt + HOUSEKEEPING_SCAN_MS - Date.now()));
    return nextMs;
  }

  /**
   * Sends the queue's due rows one after another until none is due, the
   * chat's budget says wait, or it had its turn (then the slot goes back, and
   * the queue waiting longest gets it — it may be this one again).
   */
  private async drain(queue: string, chatId: number): Promise<void> {
    for (let sent = 0; this.running && sent < SENDS_PER_TURN; sent++) {
      const takenAt = Date.now();
      if (!this.limiter.tryTake(chatId, takenAt, sendKind(queue))) return;
      const rows = await this.claim(queue, mergeAt(this.limiter.free(chatId, takenAt)));
      if (rows.length === 0) {
        this.limiter.giveBack(chatId, takenAt);
        return;
      }
      // Hotline's own steps (a card, a title) take their budget call by call: this take goes back.
      const own = rows[0]!.method.startsWith('hotline.');
      if (own) this.limiter.giveBack(chatId, takenAt);
      const budget: Take = { takenAt };
      await this.send(rows, budget);
      // Spent (by a topic created first) and not renewed: the call that spent it settled it.
      if (!own && !budget.spent) this.limiter.settle(chatId, budget.takenAt);
      // Nothing was waiting behind these rows when they were claimed: the drain ends here. A row written since
      // is found by the dispatch round its end starts (the wake in dispatch()), as after any drain.
      if (rows.length === 1 && this.claimed.get(rows[0]!)?.more === false) return;
    }
  }

  /**
   * The hot statements, prepared once (PostgreSQL parses and plans each once
   * per connection). The claim also tells whether the head's chat is
   * backlogged (see MERGE_BACKLOG), so that a text head needs no second query.
   */
  private buildStatements() {
    const db = this.ctx.database.db;
    const claim = db
      .update(telegramOutbox)
      .set({
        leaseUntil: sql`now() + make_interval(secs => ${sql.placeholder('leaseSeconds')}::float8)`,
        leaseHolder: sql`${sql.placeholder('instance')}::text`,
        attempts: sql`${telegramOutbox.attempts} + 1`,
        // Claimed before and no failure recorded: the last try died mid-call
        // (a crash, or a call that outlived its lease) — Telegram may have it.
        // A row whose holder is gone is taken at once (src/db/instances.ts).
        maybeApplied: sql`${telegramOutbox.maybeApplied} OR (${telegramOutbox.attempts} > 0 AND ${telegramOutbox.lastError} IS NULL)`,
        // This try has no failure yet: an earlier try's (a 429, a 5xx) must not make a later try that died mid-call
        // look failed — its repeat would go out unmarked (test/faults/takeover.test.ts saw it). The SET above reads
        // the old value.
        lastError: null,
      })
      .where(
        sql`${telegramOutbox.id} = (SELECT id FROM telegram_outbox WHERE queue = ${sql.placeholder('queue')}::text AND state = 'pending' ORDER BY id LIMIT 1 FOR UPDATE)
          AND ${telegramOutbox.notBefore} <= now()
          AND (${telegramOutbox.leaseUntil} IS NULL OR ${telegramOutbox.leaseUntil} < now()
               OR (${telegramOutbox.leaseHolder} IS DISTINCT FROM ${sql.placeholder('instance')}::text AND ${sql.raw(holderGoneSql('telegram_outbox.lease_holder', 'NULL'))}))`,
      )
      .returning({
        ...getTableColumns(telegramOutbox),
        // Whether the queue has a row after this one: a drain that sent its last row stops without a claim that finds nothing.
        // (Columns of the claimed row are written out qualified: drizzle renders them bare in RETURNING, where a bare
        // name inside a subquery means the subquery's own table.)
        more: sql<boolean>`EXISTS (SELECT 1 FROM telegram_outbox n WHERE n.queue = telegram_outbox.queue AND n.state = 'pending' AND n.id > telegram_outbox.id)`,
        // The dialog's topic, read in the same statement (not cached: as fresh as a read just after), when it and its card exist;
        // otherwise null and Topics.ensure() reads, creates or posts what is missing.
        knownTopic: sql<number | null>`(SELECT CASE WHEN d.client_card_message_id IS NOT NULL THEN d.topic_id END FROM dialogs d
          WHERE d.id = (telegram_outbox.target->>'topicOfDialog')::bigint)`,
        backlogged: sql<boolean>`CASE WHEN ${telegramOutbox.coalesceKey} LIKE 'text:%' THEN
          (SELECT count(*) FROM (SELECT 1 FROM telegram_outbox b WHERE b.chat_id = telegram_outbox.chat_id AND b.state = 'pending' LIMIT ${sql.placeholder('mergeAt')}::int) backlog) >= ${sql.placeholder('mergeAt')}::int
          ELSE false END`,
      })
      .prepare('hotline_outbox_claim');
    const following = db
      .select()
      .from(telegramOutbox)
      .where(
        and(
          eq(telegramOutbox.queue, sql.placeholder('queue')),
          // Written in, not a parameter, and the bound hidden: one plan kept (see `hidden`), on the partial index of pending rows.
          sql`${telegramOutbox.state} = 'pending'`,
          sql`${telegramOutbox.id} > (SELECT ${sql.placeholder('headId')}::bigint)`,
        ),
      )
      .orderBy(telegramOutbox.id)
      .limit(MAX_MERGED - 1)
      .prepare('hotline_outbox_following');
    return { claim, following };
  }

  /**
   * What the claim read beside a head row: whether its queue had more pending
   * rows then (`more`), and the dialog's topic id if it had a topic and a card
   * (`knownTopic`). Keyed by the head row object, dropped with it.
   */
  private readonly claimed = new WeakMap<Row, { more: boolean; knownTopic: number | undefined }>();

  /** Leases the queue's head row, and the rows that go out with it in one call. */
  private async claim(queue: string, mergeAtPending: number): Promise<Row[]> {
    const [claimed] = await this.statements.claim.execute({ queue, leaseSeconds: this.leaseMs / 1000, instance: this.instance, mergeAt: mergeAtPending });
    if (!claimed) return [];
    const { backlogged, more, knownTopic, ...head } = claimed;
    const headId = head.id;
    this.claimed.set(head, { more, knownTopic: knownTopic === null ? undefined : Number(knownTopic) });
    if (!head.coalesceKey) return [head];
    // A row tried before on its own goes out on its own again (a repeat must be the same message).
    if (head.attempts > 1 && head.batchHead !== headId) return [head];
    if (head.coalesceKey.startsWith('text:') && head.batchHead !== headId && !backlogged) return [head];
    if (head.batchHead === headId) {
      // Tried before: the same rows again, so a repeat is the same message.
      const batch = await this.ctx.database.db
        .select()
        .from(telegramOutbox)
        .where(and(eq(telegramOutbox.batchHead, headId), eq(telegramOutbox.state, 'pending')))
        .orderBy(telegramOutbox.id);
      await this.markBatch(headId, batch);
      return batch;
    }
    // Nothing was behind the head when it was claimed: nothing to merge (no read for it).
    if (!more) return [head];
    const next = await this.statements.following.execute({ queue, headId });
    const group = joinRows([head], next);
    if (group.length > 1) await this.markBatch(headId, group);
    return group;
  }

  /**
   * A text's rows, with what the client wrote while its call waited for the
   * dialog's topic — created first with the message's place in the group's
   * budget, so the message's own place may come up to a window later: the
   * texts that arrived meanwhile go in the same message (issue 21.1: a burst
   * of new clients shows each client's lines in one message, not the first
   * line alone and the rest a window later), when the group could not take
   * them one by one either (mergeAt, counted on this queue alone). Only
   * before the first try: a repeat is the same message.
   */
  private async extend(rows: Row[], chatId: number): Promise<Row[]> {
    const head = rows[0]!;
    if (!head.coalesceKey?.startsWith('text:') || head.attempts > 1 || rows.length >= MAX_MERGED) return rows;
    const next = await this.statements.following.execute({ queue: head.queue, headId: rows.at(-1)!.id });
    if (rows.length === 1 && 1 + next.length < mergeAt(this.limiter.free(chatId))) return rows;
    const group = joinRows(rows, next);
    if (group.length === rows.length) return rows;
    await this.markBatch(head.id, group);
    return group;
  }

  /**
   * One statement: the rows know their batch (a repeat after a crash sends the
   * same rows as one message), and the rows after the head are leased with it.
   */
  private async markBatch(headId: number, rows: Row[]): Promise<void> {
    await this.ctx.database.pool.query({
      name: 'hotline_outbox_batch',
      text: `UPDATE telegram_outbox
                SET batch_head = $1,
                    lease_until = CASE WHEN id = $1 THEN lease_until ELSE now() + make_interval(secs => $3::float8) END,
                    lease_holder = $4::text
              WHERE id = ANY(${hidden('$2::bigint[]')}::bigint[])`,
      values: [headId, rows.map((r) => r.id), this.leaseMs / 1000, this.instance],
    });
  }

  /** The Telegram id of a stored dialog message on one side (undefined if it never got there). */
  private async telegramIdOf(messageId: number, side: 'client' | 'topic'): Promise<number | undefined> {
    const [row] = await this.ctx.database.db
      .select({ client: messages.clientChatMessageId, topic: messages.topicMessageId })
      .from(messages)
      .where(eq(messages.id, messageId));
    return (side === 'client' ? row?.client : row?.topic) ?? undefined;
  }

  /**
   * The dialog message a reply points at when intake could not tell (the
   * replied-to mirror was still being sent): looked up by its Telegram id now,
   * and recorded on the reply for the platform's chat.
   */
  private async repliedTo(head: Row, ref: NonNullable<OutboxTarget['replyToTelegram']>): Promise<number | undefined> {
    const column = ref.side === 'client' ? messages.clientChatMessageId : messages.topicMessageId;
    const [found] = await this.ctx.database.db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.dialogId, ref.dialogId), eq(column, ref.telegramMessageId)))
      .limit(1);
    if (!found && (await this.mirrorInFlight(head, ref))) throw new WaitForReplyTarget();
    const reply = head.link?.messages?.[0];
    if (found && reply !== undefined) {
      await this.ctx.database.db
        .update(messages)
        .set({ replyToMessageId: found.id })
        .where(and(eq(messages.id, reply), isNull(messages.replyToMessageId)));
    }
    return found?.id;
  }

  /**
   * True while a call that puts a message of this dialog on `ref.side` is out
   * at Telegram unanswered: the message may be on screen (and replied to)
   * before its id comes back. Waited for at most `REPLY_TARGET_WAIT_MS`.
   */
  private async mirrorInFlight(head: Row, ref: NonNullable<OutboxTarget['replyToTelegram']>): Promise<boolean> {
    if (Date.now() - head.createdAt.getTime() > REPLY_TARGET_WAIT_MS) return false;
    // A call whose sender is gone is not waited for (its row is taken over, and its repeat marked).
    const { rows } = await this.ctx.database.pool.query(
      `SELECT 1 FROM telegram_outbox o
        WHERE o.state = 'pending' AND o.lease_until > now() AND NOT ${holderGoneSql('o.lease_holder', 'NULL')} AND o.id <> $1 AND o.link->>'side' = $2
          AND (o.link->'messages'->>0)::bigint IN (SELECT id FROM messages WHERE dialog_id = $3)
        LIMIT 1`,
      [head.id, ref.side, ref.dialogId],
    );
    return rows.length > 0;
  }

  /** The Bot API call for `rows`, with every id resolved. Undefined: nothing to send (the target never arrived). */
  private async prepare(rows: Row[], take?: Take): Promise<{ method: string; params: Record<string, unknown> } | undefined> {
    const head = rows[0]!;
    const target = head.target ?? {};
    // `merge` and `fallback` are Hotline's notes on the row, not Bot API parameters.
    const { merge: _merge, fallback: _fallback, ...payload } = head.payload;
    const params: Record<string, unknown> = { ...payload, chat_id: head.chatId };
    if (target.topicOfDialog !== undefined) params.message_thread_id = this.claimed.get(head)?.knownTopic ?? (await this.topics.ensure(target.topicOfDialog, take));
    const replyToMessage = target.replyToMessage ?? (target.replyToTelegram ? await this.repliedTo(head, target.replyToTelegram) : undefined);
    if (replyToMessage !== undefined && target.side) {
      const replyTo = await this.telegramIdOf(replyToMessage, target.side);
      if (replyTo) params.reply_parameters = { message_id: replyTo, allow_sending_without_reply: true };
    }
    if (target.message !== undefined && target.side) {
      const id = await this.telegramIdOf(target.message, target.side);
      if (!id) return undefined;
      params.message_id = id;
    }
    if (rows.length > 1 && head.coalesceKey?.startsWith('text:')) {
      const { from_chat_id: _from, message_id: _id, ...rest } = params;
      return { method: 'sendMessage', params: { ...rest, ...mergeTexts(rows) } };
    }
    if (rows.length > 1 && head.method === 'copyMessage') {
      const { message_id: _first, ...rest } = params;
      return { method: 'copyMessages', params: { ...rest, message_ids: rows.map((r) => r.payload.message_id) } };
    }
    return { method: head.method, params };
  }

  private async call(method: string, params: Record<string, unknown>): Promise<unknown> {
    const raw = this.api.raw as unknown as Record<string, (p: unknown, signal?: AbortSignal) => Promise<unknown>>;
    const fn = raw[method];
    if (!fn) throw new Error(`Unknown Bot API method ${method}`);
    return fn(params, AbortSignal.timeout(this.callTimeoutMs));
  }

  /**
   * Sends `rows` as one call; `budget.takenAt`: when drain() took the chat's
   * budget for it (renewed here if the call had to wait; spent on the
   * dialog's topic if that had to be created first, and then taken anew).
   */
  private async send(rows: Row[], budget: Take = { takenAt: Date.now() }): Promise<void> {
    const head = rows[0]!;
    /** Set once the row's own call is out: only then may Telegram have applied it. */
    const attempt: { sending: boolean; threadId?: number } = { sending: false };
    try {
      if (head.method === REFRESH_CLIENT_CARD) {
        await this.topics.refreshCard(head.target!.topicOfDialog!);
        await this.done(rows, null);
        return;
      }
      if (head.method === RENAME_TOPIC) {
        await renameTopic(this.ctx, this.api, this.topics, this.limiter, head.target!.topicOfDialog!);
        await this.done(rows, null);
        return;
      }
      if (head.method === REFRESH_ACTION_CARD) {
        const threadId = await this.topics.ensure(head.target!.topicOfDialog!);
        attempt.threadId = threadId;
        await this.cards.refresh(Number(head.payload.requestId), head.chatId, threadId);
        await this.done(rows, null);
        return;
      }
      let call = await this.prepare(rows, budget);
      if (!call) {
        await this.fail(rows, 'the message it refers to was never delivered');
        return;
      }
      if (budget.spent) {
        // The topic was created first, with this message's place in the budget: the message waits for one of its own
        // (up to a window), and what the client wrote meanwhile goes with it.
        budget.takenAt = await this.limiter.take(head.chatId);
        budget.spent = false;
        const more = await this.extend(rows, head.chatId);
        if (more.length > rows.length) {
          rows = more;
          call = await this.prepare(rows);
          if (!call) {
            await this.fail(rows, 'the message it refers to was never delivered');
            return;
          }
        }
      } else if (head.target?.topicOfDialog !== undefined) {
        // Hotline's other steps before the call may have waited: the message's take is renewed, so it counts from
        // when it really goes (RateLimiter.retake).
        budget.takenAt = await this.limiter.retake(head.chatId, budget.takenAt);
      }
      attempt.threadId = call.params.message_thread_id as number | undefined;
      // An album is several messages for Telegram's limits (the first was taken by drain()).
      if (call.method === 'copyMessages') for (let i = 1; i < rows.length; i++) this.limiter.record(head.chatId);
      // An earlier try may have put the message on screen already: the repeat is marked.
      const calls = head.maybeApplied && postsMessage(call.method) ? markRepeat(call, await this.storedOf(head), await this.textFor(head, 'repeat-mark')) : [call];
      let result: unknown;
      attempt.sending = true;
      for (const one of calls) {
        result = await this.call(one.method, one.params).catch((error: unknown) => {
          // Refused, or (for managers only) deleted by the client before it went out: sent as text.
          // A manager's message deleted before it reached the client stays unsent: the manager took it back.
          const gone = error instanceof GrammyError && COPY_SOURCE_GONE.test(error.description) && head.target?.side === 'topic';
          // A group that refuses this content (photos…) but not text: the message goes as text with the reason; no pause.
          // Should the text be refused too, that error pauses the group as before.
          const forbidden = error instanceof GrammyError && head.chatId < 0 && CONTENT_FORBIDDEN.test(error.description);
          if (/^copyMessages?$/.test(one.method) && error instanceof GrammyError && (COPY_REFUSED.test(error.description) || gone || forbidden)) {
            return this.sendAsText(rows, one.params, error.description);
          }
          throw error;
        });
      }
      metrics.outboxSent.inc({ method: call.method });
      await this.recordSent(rows, result);
      if (this.unreachable) await this.reachableAgain();
      if (this.pausedChats.has(head.chatId)) await this.resume(head.chatId);
    } catch (error) {
      await this.handleError(rows, error, attempt);
    }
  }

  /**
   * A bot text (src/locales) for the reader of a row's chat: the client's
   * language in a client's private chat, the managers' (Russian) elsewhere.
   */
  private async textFor(head: Row, key: 'repeat-mark' | 'edited-note'): Promise<string> {
    if (head.chatId < 0) return botText('ru', key);
    const [client] = await this.ctx.database.db.select({ language: clients.language }).from(clients).where(eq(clients.telegramUserId, head.chatId));
    return botText(clientLocale(client?.language), key);
  }

  /** The stored dialog message a row mirrors (text, entities, media kind), to mark a repeat. */
  private async storedOf(head: Row): Promise<Parameters<typeof markRepeat>[1]> {
    const messageId = head.link?.messages?.[0];
    if (messageId === undefined) return undefined;
    const [row] = await this.ctx.database.db
      .select({ text: messages.text, entities: messages.entities, media: messages.media })
      .from(messages)
      .where(eq(messages.id, messageId));
    if (!row) return undefined;
    const merged = mergeText(head);
    return {
      text: merged?.text ?? row.text,
      entities: (merged?.entities ?? row.entities ?? null) as Array<{ offset: number; length: number } & Record<string, unknown>> | null,
      mediaKind: (row.media as { kind?: string } | null)?.kind ?? null,
    };
  }

  /**
   * Telegram has the message: its row must be marked sent, or it goes out
   * again. While the database is away (a restart) that is retried here, as
   * long as the outbox runs, instead of falling through to handleError —
   * which could not record anything either, and the row would be sent a
   * second time once its lease ran out.
   */
  private async recordSent(rows: Row[], result: unknown): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.done(rows, result);
      } catch (error) {
        if (!this.running || !isDatabaseAway(error)) throw error;
        if (attempt === 1) this.ctx.log.warn(`Telegram outbox: sent ${rows[0]!.method} to ${rows[0]!.chatId}, but could not record it (${(error as Error).message}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }

  /** Marks the rows sent and records what Telegram answered (the mirrors' message ids). */
  private async done(rows: Row[], result: unknown): Promise<void> {
    const ids = Array.isArray(result)
      ? (result as Array<{ message_id: number }>).map((r) => r.message_id)
      : result && typeof result === 'object' && 'message_id' in result
        ? rows.map(() => (result as { message_id: number }).message_id)
        : [];
    // One statement (atomic without BEGIN/COMMIT): the mirrors' ids and the rows marked sent.
    // The messages are found by their key (`m.id = ANY($4)`), not by joining the recordset: the planner
    // guesses 100 rows for jsonb_to_recordset and, on a table it thinks small, read every message for each send.
    const links = rows.flatMap((row, i) =>
      row.link?.messages && row.link.side && ids[i] !== undefined
        ? row.link.messages.map((messageId) => ({ messageId, side: row.link!.side!, telegramId: ids[i]! }))
        : [],
    );
    await this.ctx.database.pool.query({
      name: 'hotline_outbox_done',
      text: `WITH linked AS (
         UPDATE messages m SET
           topic_message_id = CASE WHEN l.side = 'topic' THEN l.telegram_id ELSE m.topic_message_id END,
           client_chat_message_id = CASE WHEN l.side = 'client' THEN l.telegram_id ELSE m.client_chat_message_id END
         FROM jsonb_to_recordset($1::jsonb) AS l(message_id bigint, side text, telegram_id int)
         WHERE m.id = l.message_id AND m.id = ANY(${hidden('$4::bigint[]')}::bigint[])
         RETURNING m.id)
       UPDATE telegram_outbox SET state = 'sent', sent_at = now(), lease_until = NULL, last_error = NULL, result = $2::jsonb
        WHERE id = ANY(${hidden('$3::bigint[]')}::bigint[])`,
      values: [
        JSON.stringify(links.map((l) => ({ message_id: l.messageId, side: l.side, telegram_id: l.telegramId }))),
        ids.length ? JSON.stringify({ message_ids: ids }) : null,
        rows.map((r) => r.id),
        links.map((l) => l.messageId),
      ],
    });
  }

  private async fail(rows: Row[], reason: string): Promise<void> {
    const dialogId = rows[0]!.target?.topicOfDialog;
    if (dialogId === undefined) this.ctx.log.warn(`Telegram outbox: ${rows[0]!.method} to ${rows[0]!.chatId} failed for good: ${reason}`);
    // Into a dialog's topic: managers will not see it in Telegram; said loudly, with where it still is.
    else this.ctx.log.error(`Telegram outbox: ${rows[0]!.method} to ${rows[0]!.chatId} (the topic of dialog ${dialogId}) failed for good: ${reason}; managers see it only on the platform (the dialog's page)`);
    await this.ctx.database.db
      .update(telegramOutbox)
      .set({ state: 'failed', leaseUntil: null, lastError: reason })
      .where(inArray(telegramOutbox.id, rows.map((r) => r.id)));
  }

  /**
   * Puts the rows back for another try, through the one backoff policy
   * (retryDelayMs): the delay grows with the row's counted attempts.
   * `count: false` for waits that are not the message's failure (Telegram's
   * 429), which then only set a floor (`floorMs`). `maybeApplied` records
   * that Telegram may have shown the message (its repeat will be marked).
   */
  private async retryLater(rows: Row[], reason: string, options: { count?: boolean; floorMs?: number; maybeApplied?: boolean } = {}): Promise<void> {
    const count = options.count ?? true;
    const attempts = rows[0]!.attempts - (count ? 0 : 1);
    const ms = count ? retryDelayMs(attempts, options.floorMs) : Math.max(options.floorMs ?? 0, 0);
    await this.ctx.database.db
      .update(telegramOutbox)
      .set({
        notBefore: new Date(Date.now() + ms),
        leaseUntil: null,
        lastError: reason,
        ...(options.maybeApplied ? { maybeApplied: true } : {}),
        ...(count ? {} : { attempts: sql`${telegramOutbox.attempts} - 1` }),
      })
      .where(inArray(telegramOutbox.id, rows.map((r) => r.id)));
  }

  private async handleError(rows: Row[], error: unknown, attempt: { sending: boolean; threadId?: number }): Promise<void> {
    const head = rows[0]!;
    const target = head.target ?? {};
    if (error instanceof WaitForReplyTarget || error instanceof TopicPending) return this.retryLater(rows, error.message);
    const fromChatId = Number((head.payload as { from_chat_id?: unknown } | null)?.from_chat_id);
    const failure = classifyFailure(error, {
      chatId: head.chatId,
      fromChatId: Number.isSafeInteger(fromChatId) ? fromChatId : undefined,
      method: head.method,
      inTopic: target.topicOfDialog !== undefined,
    });
    switch (failure.kind) {
      case 'rate_limited':
        this.limiter.pause(head.chatId, failure.ms);
        this.ctx.log.debug(`Telegram asked to wait ${failure.ms} ms before the next message to ${head.chatId}`);
        return this.retryLater(rows, failure.reason, { count: false, floorMs: failure.ms });
      case 'retry':
        if (failure.network) this.unreachable = true;
        this.ctx.log.debug(`Telegram outbox: ${head.method} to ${head.chatId}: ${failure.reason}; will retry`);
        return this.retryLater(rows, failure.reason, { maybeApplied: attempt.sending && failure.maybeApplied && postsMessage(head.method) });
      case 'not_modified':
        return this.done(rows, null);
      case 'topic_gone':
        await this.topics.forget(target.topicOfDialog!, attempt.threadId);
        return this.retryLater(rows, failure.reason);
      case 'topic_closed': {
        // Reopened once per try; the try itself is counted and backed off like any other.
        const [dialog] = await this.ctx.database.db.select().from(dialogs).where(eq(dialogs.id, target.topicOfDialog!));
        if (dialog?.topicId) await this.api.reopenForumTopic(dialog.managersChatId, dialog.topicId).catch(() => undefined);
        return this.retryLater(rows, failure.reason);
      }
      case 'group_unavailable':
        await this.pause(failure.chatId, failure.reason, retryDelayMs(head.attempts));
        return this.retryLater(rows, failure.reason);
      case 'group_migrated':
        await followManagersChatMigration(this.ctx, head.chatId, failure.to);
        return this.retryLater(rows, failure.reason, { count: false });
      case 'client_unreachable':
        return this.clientUnreachable(rows, failure.reason);
      case 'cant_edit':
        return this.postEditedNote(rows);
      case 'refused':
        return this.fail(rows, failure.reason);
    }
  }

  /** Managers' groups paused now (refreshed by dispatch(); another instance may have paused one). */
  private pausedChats = new Set<number>();
  private pausedReadAt = 0;

  private async refreshPaused(): Promise<void> {
    if (Date.now() - this.pausedReadAt < PAUSED_REFRESH_MS) return;
    this.pausedReadAt = Date.now();
    const paused = await pausedManagersChats(this.ctx.database.pool);
    this.pausedChats = new Set(paused.map((p) => p.chatId));
  }

  /**
   * The bot cannot post into the group: the whole group waits (its calls
   * held for `holdMs`, then one tries again — the probe), nothing fails.
   */
  private async pause(chatId: number, reason: string, holdMs: number): Promise<void> {
    const paused = await pauseManagersChat(this.ctx.database.pool, chatId, reason, holdMs);
    this.pausedChats.add(chatId);
    if (paused) {
      // What managers must do: a group without topics needs Topics turned on (a basic group then becomes a supergroup, which is followed); otherwise the bot's rights.
      const fix = /not a forum/i.test(reason)
        ? 'turn on Topics in the group\'s settings; a basic group then becomes a supergroup, which Hotline follows'
        : 'give it back its admin rights';
      this.ctx.log.error(`Managers' group ${chatId} is paused: Telegram answered "${reason}". Its messages wait and go out in order once the bot may post there again (${fix}).`);
    }
  }

  private async resume(chatId: number): Promise<void> {
    this.pausedChats.delete(chatId);
    if (await resumeManagersChat(this.ctx.database.pool, chatId)) {
      this.ctx.log.warn(`Managers' group ${chatId} is reachable again; its waiting messages go out now`);
      this.wake();
    }
    // A call went through before the bot's my_chat_member said it is back: the
    // outage notice is still told once, by whichever of the two sees it first.
    if (await this.ctx.database.transaction((tx) => noticeBotReturn(this.ctx, tx, chatId, new Date()))) this.wake();
  }

  /**
   * A call went through after network failures: Telegram is reachable again.
   * Rows that were backing off because of the network (their backoff grew
   * with every failed try while Telegram was away, up to 30 s) are due now,
   * and their next failure backs off from the start, so the backlog drains
   * as soon as the network is back instead of a backoff later.
   */
  private async reachableAgain(): Promise<void> {
    this.unreachable = false;
    const released = await this.ctx.database.pool.query(
      `UPDATE telegram_outbox SET not_before = now(), attempts = LEAST(attempts, 1)
        WHERE state = 'pending' AND not_before > now() AND last_error LIKE $1`,
      [`${NETWORK_ERROR_PREFIX}%`],
    );
    if (released.rowCount) this.wake();
  }

  /** The client blocked the bot: mark the messages undelivered and tell the managers in the topic. */
  private async clientUnreachable(rows: Row[], description: string): Promise<void> {
    await this.ctx.database.transaction(async (tx) => {
      await tx.db
        .update(telegramOutbox)
        .set({ state: 'failed', leaseUntil: null, lastError: description })
        .where(inArray(telegramOutbox.id, rows.map((r) => r.id)));
      const messageIds = rows.flatMap((r) => r.link?.messages ?? []);
      if (messageIds.length === 0) return;
      await tx.db.update(messages).set({ deliveryError: 'blocked' }).where(inArray(messages.id, messageIds));
      const [client] = await tx.db.select().from(clients).where(eq(clients.telegramUserId, rows[0]!.chatId));
      if (!client) return;
      const learnt = !client.blockedAt;
      if (learnt) await tx.db.update(clients).set({ blockedAt: new Date() }).where(eq(clients.id, client.id));
      const [dialog] = await tx.db.select().from(dialogs).where(eq(dialogs.clientId, client.id));
      if (!dialog) return;
      await enqueueTelegram(
        this.ctx,
        tx,
        {
          chatId: dialog.managersChatId,
          method: 'sendMessage',
          payload: { text: UNDELIVERED_NOTICE },
          target: { topicOfDialog: dialog.id, replyToMessage: messageIds[0], side: 'topic' },
        },
        // Learnt only now (no my_chat_member came): the card shows it from now on, with since when.
        ...(learnt ? [{ chatId: dialog.managersChatId, method: REFRESH_CLIENT_CARD, target: { topicOfDialog: dialog.id } }] : []),
      );
      if (learnt) tx.afterCommit(() => this.ctx.live.publish({ channel: 'dialogs', type: 'message', data: { dialogId: dialog.id } }));
    });
  }

  /**
   * Telegram refused to copy the message (src/jobs/contentFallback.ts): it
   * goes as text instead, into the same place, replying where the copy would
   * have; the first part stands for the message (its mirror).
   */
  private async sendAsText(rows: Row[], params: Record<string, unknown>, description: string): Promise<{ message_id: number }> {
    const head = rows[0]!;
    const parts = await textInsteadOfCopy(this.ctx, rows.flatMap((r) => r.link?.messages ?? []), head.target?.side, description);
    const { from_chat_id: _from, message_id: _id, message_ids: _ids, caption: _caption, caption_entities: _entities, parse_mode: _mode, ...place } = params;
    let first: { message_id: number } | undefined;
    for (const part of parts) {
      if (first) this.limiter.record(head.chatId);
      const sent = (await this.call('sendMessage', {
        ...place,
        ...(first ? { reply_parameters: undefined } : {}),
        text: part.text,
        ...(part.entities ? { entities: part.entities } : {}),
        link_preview_options: { is_disabled: true },
      })) as { message_id: number };
      first ??= sent;
    }
    this.ctx.log.info(`Telegram outbox: ${head.method} to ${head.chatId} was refused (${description}); sent as text instead`);
    return first!;
  }

  /**
   * The mirror cannot be edited: the new text goes as a note replying to it
   * (with its formatting, split to Telegram's limit), new media as a copy of
   * the edited message replying to it.
   */
  private async postEditedNote(rows: Row[]): Promise<void> {
    const head = rows[0]!;
    const target = { ...head.target, replyToMessage: head.target?.message, message: undefined };
    const fallback = head.payload.fallback as { from_chat_id: number; message_id: number } | undefined;
    const media = head.payload.media as { caption?: string; caption_entities?: Entity[] } | undefined;
    const text = String(head.payload.text ?? head.payload.caption ?? media?.caption ?? '');
    const entities = (head.payload.entities ?? head.payload.caption_entities ?? media?.caption_entities) as Entity[] | undefined;
    await this.ctx.database.transaction(async (tx) => {
      await tx.db
        .update(telegramOutbox)
        .set({ state: 'failed', leaseUntil: null, lastError: 'could not edit; posted a note instead' })
        .where(eq(telegramOutbox.id, head.id));
      if (head.method === 'editMessageMedia' && fallback) {
        await enqueueTelegram(this.ctx, tx, { chatId: head.chatId, method: 'copyMessage', payload: fallback, target });
        return;
      }
      await enqueueTelegram(this.ctx, tx, ...editedNoteCalls(head.chatId, { text, entities: entities?.length ? entities : undefined }, target, await this.textFor(head, 'edited-note')));
    });
  }
}
