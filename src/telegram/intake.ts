/**
 * Exactly-once intake: each update is applied in one transaction that also
 * records its `update_id`. A redelivered update finds its id and changes
 * nothing; an update whose transaction failed is not recorded, so Telegram
 * delivers it again (the poller does not confirm it, the webhook answers 5xx).
 */
import type { MiddlewareFn } from 'grammy';
import type { CommandContext } from '../commands/context.js';
import { isTransientDatabaseError } from '../db/index.js';
import { metrics } from '../metrics.js';
import { replaceNul } from '../core/fields.js';
import type { HotlineContext } from './context.js';
import { describeUpdate, safeErrorMessage } from '../logRedaction.js';

async function markProcessed(ctx: CommandContext, updateId: number): Promise<void> {
  await ctx.database.pool.query('INSERT INTO telegram_updates (update_id) VALUES ($1) ON CONFLICT DO NOTHING', [updateId]);
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

export function exactlyOnce(ctx: CommandContext): MiddlewareFn<HotlineContext> {
  return async (c, next) => {
    const updateId = c.update.update_id;
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
        { begin: `INSERT INTO telegram_updates (update_id) VALUES (${Math.trunc(updateId)}) ON CONFLICT DO NOTHING` },
      );
      if (applied) metrics.updatesProcessed.inc();
    } catch (error) {
      // The database is away or the transaction lost a race: not applied, Telegram delivers it again.
      if (isTransientDatabaseError(error)) throw error;
      // A bug or an input we cannot handle: log it and move on, rather than
      // have Telegram redeliver the same poison update forever.
      // Ids and kind only: an update carries a client's words and files, which never go to a log (issue 16.17).
      ctx.log.error({ err: error, ...describeUpdate(c.update) }, `Update ${updateId} could not be applied: ${safeErrorMessage(error)}`);
      await markProcessed(ctx, updateId);
    }
  };
}
