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
import { botText, MANAGERS_LOCALE } from './botTexts.js';
import { enqueueTelegram, OUTBOX_CHANNEL } from './telegramOutbox.js';

/**
 * Where the statements run: the pool (the outbox), or an intake
 * transaction's own client (`tx.client`) — never the pool from inside a
 * transaction: the embedded server serializes transactions, so a second
 * connection would wait for the first forever.
 */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/** The live channel of the managers' groups' changes: `migrated` ({ from, to }). */
export const MANAGERS_CHATS_CHANNEL = 'managers-chats';

export interface PausedGroup {
  chatId: number;
  pausedAt: Date;
  /** Telegram's answer (or the bot's own update) that paused it, as it came: English. */
  reason: string;
  /** The kind of `reason`, for texts people read in their language (web/src/messages.ts `admin.paused.reason.*`). */
  reasonCode: PauseReasonCode;
  /** Calls waiting for the group. */
  waiting: number;
}

/**
 * Why a group is paused, as a code: `removed` — the bot is out of the group;
 * `muted` — it may not send there (demoted, restricted); `not_forum` — the
 * group has no topics; `gone` — the chat is no more (deleted, deactivated,
 * upgraded); `other` — an answer not known here (its text is shown as is).
 */
export type PauseReasonCode = 'removed' | 'muted' | 'not_forum' | 'gone' | 'other';

/** The code of a stored pause reason: the bot's own words (managersGroup.ts) or Telegram's answer (outboxFailures.ts GROUP_UNAVAILABLE). */
export function pauseReasonCode(reason: string): PauseReasonCode {
  if (/removed from the group|bot was kicked|bot is not a member/i.test(reason)) return 'removed';
  if (/may not send|not enough rights|have no rights to send|CHAT_WRITE_FORBIDDEN|CHAT_RESTRICTED|CHAT_ADMIN_REQUIRED/i.test(reason)) return 'muted';
  if (/not a forum/i.test(reason)) return 'not_forum';
  if (/chat not found|deactivated|upgraded/i.test(reason)) return 'gone';
  return 'other';
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
  return rows.map((r) => ({ chatId: Number(r.chat_id), pausedAt: r.paused_at, reason: r.pause_reason ?? '', reasonCode: pauseReasonCode(r.pause_reason ?? ''), waiting: r.waiting }));
}

/**
 * What keeps a managers' group from working fully while the bot can still
 * post there: `cannot_read_messages` — the bot is a plain member (or
 * restricted) with privacy mode on, so Telegram does not give it managers'
 * plain messages and their answers never reach clients (Bot API § Privacy
 * mode: "bots added as administrators always receive all messages");
 * `cannot_manage_topics` — an administrator without "Manage Topics", so a
 * new client's topic cannot be created (createForumTopic: "the bot must be
 * an administrator in the chat … and must have the can_manage_topics
 * administrator rights").
 */
export type GroupProblem = 'cannot_read_messages' | 'cannot_manage_topics';

export const GROUP_PROBLEMS: readonly GroupProblem[] = ['cannot_read_messages', 'cannot_manage_topics'];

const PROBLEM_COLUMN: Record<GroupProblem, string> = {
  cannot_read_messages: 'cannot_read_since',
  cannot_manage_topics: 'cannot_manage_topics_since',
};

export interface UnhealthyGroup {
  chatId: number;
  problem: GroupProblem;
  since: Date;
}

/**
 * Records whether `problem` holds in the group now. The change is a
 * conditional write, so across instances and repeated updates exactly one
 * caller sees it: `began` (it did not hold until now), `ended` (it held until
 * now), or null (nothing changed) — the caller tells people only on a change.
 */
export async function setGroupProblem(db: Queryable, chatId: number, problem: GroupProblem, holds: boolean): Promise<'began' | 'ended' | null> {
  const column = PROBLEM_COLUMN[problem];
  if (holds) {
    const { rows } = await db.query(
      `INSERT INTO managers_chats (chat_id, ${column}, updated_at) VALUES ($1, now(), now())
       ON CONFLICT (chat_id) DO UPDATE SET ${column} = now(), updated_at = now() WHERE managers_chats.${column} IS NULL
       RETURNING chat_id`,
      [chatId],
    );
    return rows.length > 0 ? 'began' : null;
  }
  const { rows } = await db.query(`UPDATE managers_chats SET ${column} = NULL, updated_at = now() WHERE chat_id = $1 AND ${column} IS NOT NULL RETURNING chat_id`, [chatId]);
  return rows.length > 0 ? 'ended' : null;
}

/**
 * A right the bot lacked in the group is back (Manage Topics): the calls that
 * were backing off for want of it (outboxFailures.ts RIGHT_MISSING, Telegram's
 * "not enough rights to …") are due now, their backoff started afresh, so a
 * new client's waiting message does not wait out a backoff. True when any was.
 */
export async function releaseRightWaiters(db: Queryable, chatId: number): Promise<boolean> {
  const released = await db.query(
    `UPDATE telegram_outbox SET not_before = now(), attempts = LEAST(attempts, 1)
      WHERE chat_id = $1 AND state = 'pending' AND not_before > now() AND last_error ILIKE '%not enough rights%'`,
    [chatId],
  );
  return (released.rowCount ?? 0) > 0;
}

/** What to do about each problem, for the log (operators read English). */
const FIX: Record<GroupProblem, string> = {
  cannot_read_messages:
    "managers' answers in the topics do not reach clients (in privacy mode a plain member bot gets only commands, mentions and replies to it); " +
    'make the bot an administrator of the group, or turn privacy mode off in @BotFather (/setprivacy → Disable) and add the bot to the group again',
  cannot_manage_topics:
    "new clients' messages wait while their topics cannot be created; make the bot an administrator of the group with the right Manage Topics",
};

/**
 * Records whether `problem` holds in the group now (setGroupProblem, a
 * conditional update: across instances exactly one caller sees a change) and
 * tells people of a change once: an error line when it begins, a warning line
 * when it ends, and a notice in the group (unless `silent`: the bot is out of
 * the group and its pause says so). When topics may be created again, the
 * calls that waited for it are due at once. `cause` says, for the log, what
 * showed it (a my_chat_member, or Telegram's own refusal of createForumTopic);
 * with `startup`, a problem that still holds is logged again without a notice.
 */
export async function recordGroupProblem(
  ctx: Pick<CommandContext, 'database' | 'live' | 'log'>,
  chatId: number,
  problem: GroupProblem,
  holds: boolean,
  options: { cause: string; silent?: boolean; startup?: boolean },
): Promise<'began' | 'ended' | null> {
  const change = await setGroupProblem(ctx.database.pool, chatId, problem, holds);
  const what = problem === 'cannot_read_messages' ? "cannot read managers' messages" : 'cannot create topics';
  if (change === 'began' || (options.startup && holds && change === null)) {
    ctx.log.error(`Managers' group ${chatId}: the bot ${what} (${options.cause}): ${FIX[problem]}.`);
  }
  if (change === 'ended' && problem === 'cannot_manage_topics' && (await releaseRightWaiters(ctx.database.pool, chatId))) {
    ctx.live.publish({ channel: OUTBOX_CHANNEL, type: 'wake' });
  }
  if (change === 'ended') ctx.log.warn(`Managers' group ${chatId}: the bot ${problem === 'cannot_read_messages' ? "reads managers' messages" : 'may create topics'} again (${options.cause})`);
  if (change && !options.silent) {
    const text = botText(MANAGERS_LOCALE, `managers-group-${problem.replaceAll('_', '-')}-${change}`);
    await ctx.database.transaction((tx) => enqueueTelegram(ctx, tx, { chatId, method: 'sendMessage', payload: { text } }));
  }
  return change;
}

/** The problems that hold now, per group (migrated-away groups excluded). */
export async function unhealthyManagersChats(db: Queryable): Promise<UnhealthyGroup[]> {
  const { rows } = await db.query<{ chat_id: string; cannot_read_since: Date | null; cannot_manage_topics_since: Date | null }>(
    `SELECT chat_id, cannot_read_since, cannot_manage_topics_since FROM managers_chats
      WHERE migrated_to IS NULL AND (cannot_read_since IS NOT NULL OR cannot_manage_topics_since IS NOT NULL) ORDER BY chat_id`,
  );
  return rows.flatMap((r) => [
    ...(r.cannot_read_since ? [{ chatId: Number(r.chat_id), problem: 'cannot_read_messages' as const, since: new Date(r.cannot_read_since) }] : []),
    ...(r.cannot_manage_topics_since ? [{ chatId: Number(r.chat_id), problem: 'cannot_manage_topics' as const, since: new Date(r.cannot_manage_topics_since) }] : []),
  ]);
}

/**
 * The bot was removed from the group at `at` (its `my_chat_member`:
 * kicked/left): what managers write there from now on never reaches Hotline.
 * The first removal's time is kept until the bot is back.
 */
export async function markBotRemoved(db: Queryable, chatId: number, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO managers_chats (chat_id, removed_at, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (chat_id) DO UPDATE SET removed_at = coalesce(managers_chats.removed_at, $2), updated_at = now()`,
    [chatId, at],
  );
}

/**
 * The bot is back in a group it was removed from — seen by its
 * `my_chat_member` or by a call into the group that went through, whichever
 * comes first. Clears the removal with a conditional update and returns
 * since when the bot was out to exactly one caller (null to the others):
 * that caller tells managers, once.
 */
export async function takeBotReturn(db: Queryable, chatId: number): Promise<Date | null> {
  const { rows } = await db.query<{ removed_at: Date }>(
    `UPDATE managers_chats m SET removed_at = NULL, updated_at = now()
       FROM managers_chats before WHERE before.chat_id = m.chat_id AND m.chat_id = $1 AND m.removed_at IS NOT NULL
     RETURNING before.removed_at`,
    [chatId],
  );
  return rows[0] ? new Date(rows[0].removed_at) : null;
}

const clock = (at: Date) => `${at.toISOString().slice(11, 19)} UTC`;

/**
 * The notice managers get when the bot is back in their group: messages
 * written there between `from` (the bot was removed) and `to` (its return)
 * did not reach clients.
 */
export function outageNotice(from: Date, to: Date): string {
  return botText(MANAGERS_LOCALE, 'bot-back-in-group-notice', { from: clock(from), to: clock(to) });
}

/**
 * The bot is back in `chatId` (seen at `at`): when it had been removed, and
 * this caller is the first to see it back (takeBotReturn), managers get the
 * outage notice — once, in the group's General topic, through the outbox.
 * Bot API: a bot receives updates only from chats it is a member of and
 * cannot fetch a chat's history later, so what managers wrote meanwhile never
 * reached Hotline.
 */
export async function noticeBotReturn(ctx: Pick<CommandContext, 'live'>, tx: Tx, chatId: number, at: Date): Promise<boolean> {
  const removedAt = await takeBotReturn(tx.client, chatId);
  if (!removedAt) return false;
  await enqueueTelegram(ctx, tx, { chatId, method: 'sendMessage', payload: { text: outageNotice(removedAt, at) } });
  return true;
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
  // The Telegram adapter registers the managers' command menu in the new chat (telegram/managersGroupHealth.ts).
  ctx.live.publish({ channel: MANAGERS_CHATS_CHANNEL, type: 'migrated', data: { from, to } });
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
