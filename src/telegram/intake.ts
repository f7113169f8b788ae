/**
 * Exactly-once intake: each update is applied in one transaction that also
 * records its `update_id` and fingerprint. A redelivered update finds its id
 * with the same fingerprint and changes nothing; an update whose transaction failed is not recorded, so Telegram
 * delivers it again (the poller does not confirm it, the webhook answers 5xx).
 * An error not known to be temporary gets UPDATE_TRIES tries before the
 * update is given up (logged, recorded as handled).
 */
import type { MiddlewareFn } from 'grammy';
import type { Update } from '@grammyjs/types';
import type { CommandContext } from '../commands/context.js';
import { isTransientDatabaseError } from '../db/index.js';
import { metrics } from '../metrics.js';
import { replaceNul } from '../core/fields.js';
import type { HotlineContext } from './context.js';
import { describeUpdate, safeErrorMessage } from '../logRedaction.js';

/**
 * A recorded update id older than this is no redelivery: Telegram keeps an
 * update a day at most (telegram-bot-api Client.cpp, Client::add_update_impl
 * queues it until now + the timeout its caller gives, at most 86400 s for the
 * kinds Hotline asks for; TQueue drops it then), and after a week without
 * updates it picks ids anew at random (Bot API docs, Update.update_id), so a
 * new update may carry an id applied long ago. Two days leave a margin.
 */
const REDELIVERY_WINDOW = `interval '2 days'`;

/**
 * What tells a redelivery of an update from a new update Telegram gave the
 * same id, within REDELIVERY_WINDOW: ids start anew at random after a week
 * of silence, and a bot moved between Telegram's cloud Bot API and a
 * self-hosted server (TELEGRAM_API_ROOT) gets the other server's ids at once
 * — a new id may equal one applied an hour ago. A redelivery is the same
 * update (the Bot API server keeps it serialized in its queue, telegram-bot-api
 * Client::add_update_impl), so it has the same fingerprint; a new update
 * differs in its kind, chat, message, author or time. Shape: `kind:` and the
 * payload's chat id, message id, own id (a callback query's), date, edit
 * date, user and member status, `:`-joined (empty where absent), at most 256
 * characters. Only compared, never shown or logged.
 */
export function updateFingerprint(update: Update): string {
  const kind = Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown';
  const body = ((update as unknown as Record<string, unknown>)[kind] ?? {}) as FingerprintBody;
  const parts = [
    body.chat?.id ?? body.message?.chat?.id,
    body.message_id ?? body.message?.message_id,
    body.id,
    body.date,
    body.edit_date,
    body.from?.id ?? body.user?.id ?? body.new_chat_member?.user?.id,
    body.new_chat_member?.status,
  ];
  return `${kind}:${parts.map((part) => (part === undefined ? '' : String(part))).join(':')}`.slice(0, 256);
}

/** The payload fields updateFingerprint reads (any update kind has some of them). */
interface FingerprintBody {
  id?: string | number;
  chat?: { id?: number };
  message?: { chat?: { id?: number }; message_id?: number };
  message_id?: number;
  date?: number;
  edit_date?: number;
  from?: { id?: number };
  user?: { id?: number };
  new_chat_member?: { user?: { id?: number }; status?: string };
}

/** An SQL text literal (standard-conforming strings: a quote doubled, nothing else special). */
const textLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * The statement that records `updateId` as applied, run with BEGIN: one row
 * inserted, or a row taken over when the id is a new update's (recorded
 * before REDELIVERY_WINDOW, or with another fingerprint); none for a
 * redelivery — the id applied within the window with the same fingerprint,
 * or with none (a row of before migration 0037).
 */
function recordApplied(updateId: number, fingerprint: string): string {
  return (
    `INSERT INTO telegram_updates (update_id, fingerprint) VALUES (${Math.trunc(updateId)}, ${textLiteral(fingerprint)}) ON CONFLICT (update_id) ` +
    `DO UPDATE SET processed_at = now(), fingerprint = EXCLUDED.fingerprint WHERE telegram_updates.processed_at < now() - ${REDELIVERY_WINDOW} ` +
    `OR telegram_updates.fingerprint <> EXCLUDED.fingerprint`
  );
}

async function markProcessed(ctx: CommandContext, updateId: number, fingerprint: string): Promise<void> {
  await ctx.database.pool.query(
    'INSERT INTO telegram_updates (update_id, fingerprint) VALUES ($1, $2) ON CONFLICT (update_id) DO UPDATE SET processed_at = now(), fingerprint = EXCLUDED.fingerprint',
    [updateId, fingerprint],
  );
}

/**
 * Forgets applied updates older than REDELIVERY_WINDOW (they can no longer be
 * redelivered: see there), so `telegram_updates` holds two days of updates
 * instead of every update ever. Returns how many rows went. Run hourly
 * (jobs/tableMaintenance `FORGET_APPLIED_UPDATES`).
 */
export async function forgetAppliedUpdates(pool: CommandContext['database']['pool']): Promise<number> {
  const result = await pool.query(`DELETE FROM telegram_updates WHERE processed_at < now() - ${REDELIVERY_WINDOW}`);
  return result.rowCount ?? 0;
}

/**
 * Replaces lone UTF-16 surrogates and NUL characters in every string of an
 * update, in place, with U+FFFD (one code unit for one, so entity offsets
 * stay right). JSON may
 * carry them (`"\ud83d"`), but PostgreSQL's jsonb refuses them, and text we
 * store or send on must be well-formed.
 */
export function makeWellFormed<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (typeof item === 'string') {
      // U+0000 too: PostgreSQL text and jsonb cannot hold it, and an update
      // that fails to store is a client's message silently lost (issue 16.18).
      const wellFormed = item.isWellFormed() ? item : item.toWellFormed();
      const stored = replaceNul(wellFormed);
      if (stored !== item) record[key] = stored;
    } else if (item && typeof item === 'object') makeWellFormed(item);
  }
  return value;
}

/**
 * Tries of an update that failed with an error not known to be temporary,
 * before it is given up as one we cannot apply. Not 1: an error we did not
 * classify may still be a race or an overload (a unique key two instances
 * wrote at once, a statement cancelled under load) — given up on the first
 * try, a client's message would be lost where a second try applies it
 * (bench/scaleOut.ts: 4 of 50 first messages recorded as handled with no
 * client row, three instances on a saturated machine). Not unbounded: a
 * poison update would hold up its chat (the poller confirms nothing past it)
 * and be redelivered forever.
 */
export const UPDATE_TRIES = 3;

/** Failed tries per update id, in this process (bounded: the oldest are forgotten). */
const failedTries = new Map<number, number>();
const FAILED_TRIES_KEPT = 10_000;

/**
 * Counts a failed try of `updateId`; true when it may be tried again
 * (fewer than UPDATE_TRIES so far in this process). Exported for tests.
 */
export function tryAgain(updateId: number): boolean {
  const tries = (failedTries.get(updateId) ?? 0) + 1;
  failedTries.delete(updateId);
  if (tries >= UPDATE_TRIES) return false;
  failedTries.set(updateId, tries);
  if (failedTries.size > FAILED_TRIES_KEPT) failedTries.delete(failedTries.keys().next().value!);
  return true;
}

export function exactlyOnce(ctx: CommandContext): MiddlewareFn<HotlineContext> {
  return async (c, next) => {
    const updateId = c.update.update_id;
    makeWellFormed(c.update);
    const fingerprint = updateFingerprint(c.update);
    try {
      // The update's id is recorded with BEGIN, in one round trip (it is an integer Telegram gave).
      const applied = await ctx.database.transaction(
        async (tx) => {
          if (tx.begun?.rowCount === 0) return false;
          c.tx = tx;
          await next();
          return true;
        },
        { begin: recordApplied(updateId, fingerprint) },
      );
      if (applied) metrics.updatesProcessed.inc();
      if (failedTries.size > 0) failedTries.delete(updateId);
    } catch (error) {
      // The database is away or the transaction lost a race: not applied, Telegram delivers it again.
      if (isTransientDatabaseError(error)) throw error;
      // Ids and kind only: an update carries a client's words and files, which never go to a log (issue 16.17).
      if (tryAgain(updateId)) {
        ctx.log.warn({ err: error, ...describeUpdate(c.update) }, `Update ${updateId} failed (${safeErrorMessage(error)}); it will be tried again`);
        throw error;
      }
      // A bug or an input we cannot handle: log it and move on, rather than
      // have Telegram redeliver the same poison update forever.
      ctx.log.error({ err: error, ...describeUpdate(c.update) }, `Update ${updateId} could not be applied: ${safeErrorMessage(error)}`);
      await markProcessed(ctx, updateId, fingerprint);
    }
  };
}
