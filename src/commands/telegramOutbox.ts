/**
 * Commands never call Telegram: they write Bot API calls into the durable
 * outbox in their own transaction, and the outbox worker sends them in order
 * per chat after commit (src/jobs/telegramOutbox.ts).
 */
import { sql } from 'drizzle-orm';
import { prepared, type Tx } from '../db/index.js';
import { telegramOutbox, type OutboxLink, type OutboxTarget } from '../db/schema.js';
import type { CommandContext } from './context.js';

export interface TelegramCall {
  /** The chat the call goes to: the unit of ordering and of Telegram's limits. */
  chatId: number;
  /** A Bot API method, or a Hotline step the worker performs (`hotline.refreshClientCard`). */
  method: string;
  payload?: Record<string, unknown>;
  target?: OutboxTarget;
  link?: OutboxLink;
  coalesceKey?: string;
  /** The outbox queue (rows of one queue go out in order); by default the dialog's topic or the chat. */
  queue?: string;
  /** Hold the call until then (e.g. to let an album's other parts arrive). */
  notBefore?: Date;
}

/** The LiveBus channel the outbox worker listens on to wake up at once. */
export const OUTBOX_CHANNEL = 'telegram-outbox';

/** The outbox step that brings a dialog's client card up to date, or posts it (src/jobs/topics.ts refreshCard). */
export const REFRESH_CLIENT_CARD = 'hotline.refreshClientCard';

/**
 * The queue of a dialog's client card: apart from its messages, and
 * housekeeping (src/jobs/telegramOutbox.ts isHousekeeping) — it waits while
 * the group has content due, so a card never costs the group's budget
 * before a client's words (issue 21.1). Refreshes waiting side by side go
 * out as one (their coalesce key): the step reads the card's data when it runs.
 */
export const cardQueue = (dialogId: number): string => `card:${dialogId}`;

/**
 * The queue of the bot's reactions in a managers' group (the lasting marks of
 * core/topicMarks, 👌 on a command): housekeeping as well — a mark on a
 * message already shown can wait for the clients' words.
 */
export const markQueue = (chatId: number): string => `mark:${chatId}`;

/** Where a call goes by default: a card or a reaction to its housekeeping queue, a dialog's message to the dialog's queue, else the chat's. */
function defaultQueue(call: TelegramCall): string {
  const dialogId = call.target?.topicOfDialog;
  if (call.method === REFRESH_CLIENT_CARD && dialogId !== undefined) return cardQueue(dialogId);
  if (call.method === 'setMessageReaction' && call.chatId < 0) return markQueue(call.chatId);
  return dialogId !== undefined ? `dialog:${dialogId}` : `chat:${call.chatId}`;
}

/** The INSERT of one outbox row, prepared once per connection (Drizzle built it anew for every message). */
function insertOneCall(tx: Tx) {
  const value = (name: string, type: string) => sql`${sql.placeholder(name)}::${sql.raw(type)}`;
  return prepared(tx, 'enqueue_telegram_call', (db, name) =>
    db
      .insert(telegramOutbox)
      .values({
        chatId: value('chatId', 'bigint'),
        queue: value('queue', 'text'),
        method: value('method', 'text'),
        payload: value('payload', 'jsonb'),
        target: value('target', 'jsonb'),
        link: value('link', 'jsonb'),
        coalesceKey: value('coalesceKey', 'text'),
        notBefore: sql`coalesce(${value('notBefore', 'timestamptz')}, now())`,
      })
      .prepare(name),
  );
}

export async function enqueueTelegram(ctx: Pick<CommandContext, 'live'>, tx: Tx, ...calls: TelegramCall[]): Promise<void> {
  if (calls.length === 0) return;
  const rows = calls.map((call) => ({
    chatId: call.chatId,
    queue: call.queue ?? defaultQueue(call),
    method: call.method,
    payload: call.payload ?? {},
    target: call.target ?? null,
    link: call.link ?? null,
    coalesceKey: call.coalesceKey ?? (call.method === REFRESH_CLIENT_CARD && call.target?.topicOfDialog !== undefined ? cardQueue(call.target.topicOfDialog) : null),
    notBefore: call.notBefore ?? null,
  }));
  if (rows.length === 1) {
    // One call — a client's line, a manager's answer, a title: the relay's every message. Prepared once per connection.
    const [row] = rows as [(typeof rows)[number]];
    await insertOneCall(tx).execute({
      ...row,
      payload: JSON.stringify(row.payload),
      target: row.target === null ? null : JSON.stringify(row.target),
      link: row.link === null ? null : JSON.stringify(row.link),
      notBefore: row.notBefore?.toISOString() ?? null,
    });
  } else {
    await tx.db.insert(telegramOutbox).values(rows.map(({ notBefore, ...row }) => ({ ...row, ...(notBefore ? { notBefore } : {}) })));
  }
  // The queues written go with the wake: an instance that does not own any of them leaves them to their owner (jobs/telegramOutbox).
  const queues = [...new Set(rows.map((row) => row.queue))];
  tx.afterCommit(() => ctx.live.publish({ channel: OUTBOX_CHANNEL, type: 'wake', data: { queues } satisfies OutboxWake }));
}

/** What a wake on OUTBOX_CHANNEL may carry: the queues rows were written to (absent: anything may be due). */
export interface OutboxWake {
  queues: string[];
}


/**
 * An album's parts arrive as separate updates, sometimes seconds apart (each
 * part is uploaded on its own). Its calls wait until no part came for this
 * long — each new part restarts the wait…
 */
export const ALBUM_QUIET_MS = 1500;
/** …but never longer than this after the first part, so a lone part (or a slow upload) does not hold the dialog up. */
export const ALBUM_MAX_WAIT_MS = 6000;

/** The outbox key of an album's calls: its rows go out as one copyMessages. */
export const albumKey = (mediaGroupId: string): string => `album:${mediaGroupId}`;

/**
 * Called after a part of album `mediaGroupId` was enqueued: every waiting
 * part of it (this one too) is due ALBUM_QUIET_MS from now, at most
 * ALBUM_MAX_WAIT_MS after the album's first part. Rows already taken by a
 * worker are left alone (a part later than that goes on its own).
 */
export async function holdAlbum(tx: Tx, mediaGroupId: string): Promise<void> {
  await tx.db.execute(sql`
    UPDATE telegram_outbox SET not_before = LEAST(
        now() + make_interval(secs => ${ALBUM_QUIET_MS / 1000}::float8),
        (SELECT min(created_at) FROM telegram_outbox WHERE coalesce_key = ${albumKey(mediaGroupId)} AND state = 'pending') + make_interval(secs => ${ALBUM_MAX_WAIT_MS / 1000}::float8))
     WHERE coalesce_key = ${albumKey(mediaGroupId)} AND state = 'pending' AND lease_until IS NULL AND batch_head IS NULL`);
}
