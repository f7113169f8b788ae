/**
 * Exactly-once intake: each update is applied in one transaction that also
 * records its `update_id` and fingerprint. A redelivered update finds its id
 * with its fingerprint and changes nothing; an update whose transaction
 * failed is not recorded, so Telegram delivers it again (the poller does not
 * confirm it, the webhook answers 5xx).
 * An error not known to be temporary gets UPDATE_TRIES tries before the
 * update is given up (logged, recorded as handled).
 */
import type { MiddlewareFn } from 'grammy';
import type { Update } from '@grammyjs/types';
import { createHash } from 'node:crypto';
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
 * bytes: the Bot API server stores each update JSON-encoded in its queue and
 * sends that text again (telegram-bot-api Client::add_update_impl pushes the
 * encoded update into its TQueue; getUpdates and the webhook send the stored
 * text). So the fingerprint is a hash of the update as delivered, taken
 * before anything here touches it (makeWellFormed): SHA-256 of its JSON,
 * the first 128 bits in base64url (22 characters). A hash, not fields: two
 * different updates never share it (a ban of two members in one second did,
 * when it was built of ids and times), and it carries no id or time of a
 * person into the database's statements or logs.
 */
export function updateFingerprint(update: Update): string {
  return createHash('sha256').update(JSON.stringify(update)).digest('base64url').slice(0, 22);
}

/**
 * The statement that records `updateId` as applied, run with BEGIN: one row
 * inserted, or the row's list of fingerprints extended when the id is a new
 * update's (a fingerprint not in the list), or started afresh when the row is
 * older than REDELIVERY_WINDOW; none for a redelivery — a fingerprint in the
 * list, or any update on a row of before migration 0037 (no list). Every
 * fingerprint applied under the id is kept, not the last alone: the first
 * server may still redeliver its update after the second server's was applied
 * (an outside review saw X, then Y with X's id, then X again applied twice).
 * The fingerprint is base64url (updateFingerprint), safe as a literal.
 */
function recordApplied(updateId: number, fingerprint: string): string {
  return `INSERT INTO telegram_updates AS u (update_id, fingerprints) VALUES (${Math.trunc(updateId)}, ARRAY['${base64url(fingerprint)}']) ${ON_CONFLICT_NEW_UPDATE}`;
}

/** Where an id is met again: a new update extends the row (or starts it afresh past the window); a redelivery changes nothing. */
const ON_CONFLICT_NEW_UPDATE =
  `ON CONFLICT (update_id) DO UPDATE SET processed_at = now(), ` +
  `fingerprints = CASE WHEN u.processed_at < now() - ${REDELIVERY_WINDOW} THEN EXCLUDED.fingerprints ELSE u.fingerprints || EXCLUDED.fingerprints END ` +
  `WHERE u.processed_at < now() - ${REDELIVERY_WINDOW} OR NOT (u.fingerprints @> EXCLUDED.fingerprints)`;

/** `value` when it is base64url (all a fingerprint is); throws otherwise, so nothing else is ever written into SQL. */
function base64url(value: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new Error('A fingerprint is base64url');
  return value;
}

/** Records an update given up after its tries as handled, so Telegram's redeliveries of it change nothing. */
async function markProcessed(ctx: CommandContext, updateId: number, fingerprint: string): Promise<void> {
  await ctx.database.pool.query(`INSERT INTO telegram_updates AS u (update_id, fingerprints) VALUES ($1, ARRAY[$2::text]) ${ON_CONFLICT_NEW_UPDATE}`, [
    updateId,
    fingerprint,
  ]);
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
    const fingerprint = updateFingerprint(c.update);
    makeWellFormed(c.update);
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
