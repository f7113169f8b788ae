/**
 * The health of the managers' groups: a group where the bot cannot post
 * (removed, demoted, restricted) is paused as a whole — its messages wait in
 * the outbox, in order, none fails — and resumes when the bot's rights come
 * back (its `my_chat_member`, or a call that goes through). A group that
 * became a supergroup (`migrate_to_chat_id`) is followed: its dialogs, topics,
 * cards and waiting calls move to the new id.
 */
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Tx } from '../db/index.js';
import type { CommandContext } from './context.js';
import { OUTBOX_CHANNEL } from './telegramOutbox.js';

/**
 * Where the statements run: the pool (the outbox), or an intake
 * transaction's own client (`tx.client`) — never the pool from inside a
 * transaction: the embedded server serializes transactions, so a second
 * connection would wait for the first forever.
 */
export type Queryable = Pick<pg.ClientBase, 'query'>;

export interface PausedGroup {
  chatId: number;
  pausedAt: Date;
  reason: string;
  /** Calls waiting for the group. */
  waiting: number;
}

/**
 * Pauses the group (idempotent; the first reason is kept while it stays
 * paused) and holds its waiting calls for `holdMs`. True when this call
 * paused it (it was running until now).
 */
export async function pauseManagersChat(db: Queryable, chatId: number, reason: string, holdMs: number): Promise<boolean> {
  const { rows } = await db.query<{ was_paused: boolean }>(
    `WITH before AS (SELECT paused_at FROM managers_chats WHERE chat_id = $1)
     INSERT INTO managers_chats (chat_id, paused_at, pause_reason, updated_at) VALUES ($1, now(), $2, now())
     ON CONFLICT (chat_id) DO UPDATE SET paused_at = coalesce(managers_chats.paused_at, now()),
       pause_reason = coalesce(managers_chats.pause_reason, $2), updated_at = now()
     RETURNING (SELECT paused_at IS NOT NULL FROM before) AS was_paused`,
    [chatId, reason],
  );
  // Its calls, and the copies of its messages to clients (they read from it: the same 403 until the bot is back).
  await db.query(
    `UPDATE telegram_outbox SET not_before = greatest(not_before, now() + make_interval(secs => $2::float8))
      WHERE (chat_id = $1 OR payload->>'from_chat_id' = $3) AND state = 'pending'`,
    [chatId, holdMs / 1000, String(chatId)],
  );
  return rows[0]?.was_paused !== true;
}

/**
 * Resumes a paused group: its waiting calls are due at once, in their order,
 * their backoff starts afresh. Returns since when it was paused, or null
 * when it was not paused (nothing changed).
 */
export async function resumeManagersChat(db: Queryable, chatId: number): Promise<Date | null> {
  // The self-join reads the row as it was before this update: the pause's start.
  const resumed = await db.query<{ paused_at: Date }>(
    `UPDATE managers_chats m SET paused_at = NULL, pause_reason = NULL, updated_at = now()
       FROM managers_chats before WHERE before.chat_id = m.chat_id AND m.chat_id = $1 AND m.paused_at IS NOT NULL
     RETURNING before.paused_at`,
    [chatId],
  );
  const pausedAt = resumed.rows[0]?.paused_at;
  if (!pausedAt) return null;
  await db.query(
    `UPDATE telegram_outbox SET not_before = now(), attempts = LEAST(attempts, 1)
      WHERE (chat_id = $1 OR payload->>'from_chat_id' = $2) AND state = 'pending' AND not_before > now()`,
    [chatId, String(chatId)],
  );
  return new Date(pausedAt);
}

/** The groups paused now, with how many calls wait for each. */
export async function pausedManagersChats(db: Queryable): Promise<PausedGroup[]> {
  const { rows } = await db.query<{ chat_id: string; paused_at: Date; pause_reason: string | null; waiting: number }>(
    `SELECT m.chat_id, m.paused_at, m.pause_reason,
            (SELECT count(*)::int FROM telegram_outbox o WHERE o.chat_id = m.chat_id AND o.state = 'pending') AS waiting
       FROM managers_chats m WHERE m.paused_at IS NOT NULL ORDER BY m.chat_id`,
  );
  return rows.map((r) => ({ chatId: Number(r.chat_id), pausedAt: r.paused_at, reason: r.pause_reason ?? '', waiting: r.waiting }));
}

/**
 * The group `from` is now the supergroup `to` (Telegram answered a call
 * with `parameters.migrate_to_chat_id`, or sent `migrate_to_chat_id`):
 * dialogs, their topic history, action cards and waiting calls follow it,
 * in one transaction. The running process's list of managers' groups is
 * updated too; other instances learn it from `managers_chats.migrated_to`.
 */
export async function followManagersChatMigration(ctx: Pick<CommandContext, 'database' | 'config' | 'live' | 'log'>, from: number, to: number, tx?: Tx): Promise<void> {
  const run = async (t: Tx) => {
    await t.db.execute(sql`UPDATE dialogs SET managers_chat_id = ${to} WHERE managers_chat_id = ${from}`);
    await t.db.execute(sql`UPDATE dialog_topics SET managers_chat_id = ${to} WHERE managers_chat_id = ${from}`);
    await t.db.execute(sql`UPDATE action_cards SET managers_chat_id = ${to} WHERE managers_chat_id = ${from}`);
    await t.db.execute(sql`
      UPDATE telegram_outbox SET
        chat_id = CASE WHEN chat_id = ${from} THEN ${to} ELSE chat_id END,
        queue = CASE WHEN queue = ${`chat:${from}`} THEN ${`chat:${to}`} ELSE queue END,
        payload = CASE WHEN payload->>'from_chat_id' = ${String(from)} THEN jsonb_set(payload, '{from_chat_id}', to_jsonb(${to}::bigint)) ELSE payload END,
        not_before = now()
      WHERE state = 'pending' AND (chat_id = ${from} OR payload->>'from_chat_id' = ${String(from)})`);
    await t.db.execute(sql`
      INSERT INTO managers_chats (chat_id, migrated_to, updated_at) VALUES (${from}, ${to}, now())
      ON CONFLICT (chat_id) DO UPDATE SET migrated_to = ${to}, paused_at = NULL, pause_reason = NULL, updated_at = now()`);
  };
  if (tx) await run(tx);
  else await ctx.database.transaction(run);
  const ids = ctx.config.telegram.managersChatIds;
  const at = ids.indexOf(from);
  if (at >= 0) ids[at] = to;
  else if (!ids.includes(to)) ids.push(to);
  ctx.log.warn(`The managers' group ${from} became the supergroup ${to} (migrate_to_chat_id); its dialogs and waiting messages moved there`);
  ctx.live.publish({ channel: OUTBOX_CHANNEL, type: 'wake' });
}

/** The managers' group a configured id stands for now (after migrations). */
export async function currentManagersChatId(tx: Tx, chatId: number): Promise<number> {
  let current = chatId;
  for (let hops = 0; hops < 5; hops++) {
    const result = (await tx.db.execute(sql`SELECT migrated_to FROM managers_chats WHERE chat_id = ${current} AND migrated_to IS NOT NULL`)) as unknown as {
      rows: Array<{ migrated_to: string | number }>;
    };
    const next = result.rows[0]?.migrated_to;
    if (next === undefined) return current;
    current = Number(next);
  }
  return current;
}

/** True when `chatId` is a group a configured managers' group migrated to. */
export async function isMigratedManagersChat(tx: Tx, chatId: number): Promise<boolean> {
  const result = (await tx.db.execute(sql`SELECT 1 FROM managers_chats WHERE migrated_to = ${chatId} LIMIT 1`)) as unknown as { rows: unknown[] };
  return result.rows.length > 0;
}
