/**
 * What every command needs: the database (for its one transaction), the job
 * queue (side effects leave as jobs written in that transaction) and the
 * settings. Adapters build one context at start-up and pass it to commands.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database, Tx } from '../db/index.js';
import type { Jobs } from '../db/jobs.js';
import { events } from '../db/schema.js';
import type { LiveBus } from './live.js';

export interface CommandContext {
  database: Database;
  jobs: Jobs;
  config: Config;
  live: LiveBus;
  log: Logger;
}

// The errors live in core so that the access rules (src/policies) throw the same ones as commands.
export { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors.js';

/** Who acts: a platform user, or a Telegram user without an account yet. */
export interface Actor {
  userId?: number;
  telegramUserId?: number;
}

/** Writes one audit-log row inside the command's transaction. */
export async function recordEvent(
  tx: Tx,
  event: {
    actor?: Actor;
    subjectType: 'request' | 'offer' | 'dialog' | 'message' | 'client' | 'user' | 'organization' | 'document' | 'quick_reply' | 'broadcast';
    subjectId: number;
    name: string;
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await tx.db.insert(events).values({
    actorUserId: event.actor?.userId ?? null,
    actorTelegramId: event.actor?.telegramUserId ?? null,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    name: event.name,
    before: event.before ?? null,
    after: event.after ?? null,
  });
}

/**
 * Runs `fn` in `tx` when given (the caller's transaction — e.g. the one that
 * records a Telegram update as processed), else in a transaction of its own.
 */
export function inTransaction<T>(ctx: Pick<CommandContext, 'database'>, tx: Tx | undefined, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return tx ? fn(tx) : ctx.database.transaction(fn);
}
