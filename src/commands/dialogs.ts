/**
 * Dialog bookkeeping shared by the relay commands: opening a client's dialog
 * in the least loaded managers' group, numbering its messages, and copying
 * new messages into the request chat of a linked request.
 */
import { and, eq, notExists, sql, type SQL } from 'drizzle-orm';
import { prepared, type Tx } from '../db/index.js';
import { clients, dialogTopics, dialogs, messages, organizations, requestMessages, users } from '../db/schema.js';
import { ourStaffCondition } from './ensureManagerUser.js';
import type { CommandContext } from './context.js';
import { currentManagersChatId } from './managersChats.js';
import type { TelegramPerson } from './relayTypes.js';
import { dealNewDialog } from './dialogOwner.js';

export type Dialog = typeof dialogs.$inferSelect;
export type Client = typeof clients.$inferSelect;
export type StoredMessage = typeof messages.$inferSelect;

/** True when Telegram shows the person differently from the stored client (what the client card shows). */
export function clientDiffers(client: Client, person: TelegramPerson): boolean {
  return (
    client.firstName !== person.first_name ||
    client.lastName !== (person.last_name ?? null) ||
    client.username !== (person.username ?? null) ||
    client.language !== (person.language_code ?? null)
  );
}

/** Creates or updates the client; tells whether what the client card shows has changed. */
export async function upsertClient(tx: Tx, person: TelegramPerson): Promise<{ client: Client; created: boolean; changed: boolean }> {
  const [existing] = await tx.db.select().from(clients).where(eq(clients.telegramUserId, person.id)).for('update');
  const values = {
    firstName: person.first_name,
    lastName: person.last_name ?? null,
    username: person.username ?? null,
    language: person.language_code ?? null,
  };
  if (!existing) {
    const [inserted] = await tx.db
      .insert(clients)
      .values({ telegramUserId: person.id, ...values })
      .onConflictDoNothing()
      .returning();
    if (inserted) return { client: inserted, created: true, changed: false };
    // Another transaction created it a moment ago.
    const [other] = await tx.db.select().from(clients).where(eq(clients.telegramUserId, person.id)).for('update');
    return { client: other!, created: false, changed: false };
  }
  const changed = clientDiffers(existing, person);
  if (!changed) return { client: existing, created: false, changed };
  const [updated] = await tx.db
    .update(clients)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(clients.id, existing.id))
    .returning();
  return { client: updated!, created: false, changed };
}

/**
 * The managers' group with the fewest dialogs; a dialog never moves once
 * opened. New dialogs are placed one at a time (a transaction lock, held to
 * commit): clients opening at once were otherwise all counted against the
 * same committed dialogs and sent to the same group, which then had its 20
 * messages a minute for all of them while the other groups idled (issue 21.1,
 * bench/budget.ts).
 */
async function leastLoadedGroup(tx: Tx, groups: number[]): Promise<number> {
  if (groups.length === 0) throw new Error('No managers\' group is configured (TELEGRAM_MANAGERS_CHAT_ID)');
  if (groups.length === 1) return groups[0]!;
  await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext('hotline.dialog_placement'))`);
  const counts = await tx.db
    .select({ chatId: dialogs.managersChatId, n: sql<number>`count(*)::int` })
    .from(dialogs)
    .groupBy(dialogs.managersChatId);
  const load = new Map(counts.map((row) => [row.chatId, row.n]));
  return groups.reduce((best, id) => ((load.get(id) ?? 0) < (load.get(best) ?? 0) ? id : best));
}

/**
 * The client's dialog, locked for this transaction (so messages get their
 * numbers in order), opened if it does not exist yet. Two first messages at
 * once still open one dialog: the unique client_id decides.
 */
export async function openDialog(ctx: Pick<CommandContext, 'config'>, tx: Tx, client: Client): Promise<{ dialog: Dialog; opened: boolean }> {
  const [existing] = await tx.db.select().from(dialogs).where(eq(dialogs.clientId, client.id)).for('update');
  if (existing) return { dialog: existing, opened: false };
  // A configured group that became a supergroup is the supergroup now.
  const groups = await Promise.all(ctx.config.telegram.managersChatIds.map((id) => currentManagersChatId(tx, id)));
  const managersChatId = await leastLoadedGroup(tx, groups);
  const [created] = await tx.db.insert(dialogs).values({ clientId: client.id, managersChatId }).onConflictDoNothing().returning();
  if (created) {
    await dealNewDialog(ctx, tx, created);
    return { dialog: created, opened: true };
  }
  const [other] = await tx.db.select().from(dialogs).where(eq(dialogs.clientId, client.id)).for('update');
  return { dialog: other!, opened: false };
}

/**
 * The dialog of a managers' topic, locked for this transaction; undefined
 * for topics Hotline did not open. Any topic the dialog ever had counts (its
 * history in `dialog_topics`): a manager who answers in a topic the dialog
 * has since moved away from still reaches the client.
 */
export async function dialogOfTopic(tx: Tx, managersChatId: number, topicId: number): Promise<Dialog | undefined> {
  // Prepared once per connection: it runs for every message a manager writes in a topic.
  const [dialog] = await prepared(tx, 'dialog_of_topic', (db, name) =>
    db
      .select()
      .from(dialogs)
      .where(and(eq(dialogs.managersChatId, sql`${sql.placeholder('chat')}::bigint`), eq(dialogs.topicId, sql`${sql.placeholder('topic')}::integer`)))
      .for('update')
      .prepare(name),
  ).execute({ chat: managersChatId, topic: topicId });
  if (dialog) return dialog;
  const [earlier] = await tx.db
    .select({ dialog: dialogs })
    .from(dialogTopics)
    .innerJoin(dialogs, eq(dialogs.id, dialogTopics.dialogId))
    .where(and(eq(dialogTopics.managersChatId, managersChatId), eq(dialogTopics.topicId, topicId)))
    .for('update', { of: dialogs });
  return earlier?.dialog;
}

/**
 * How long a createForumTopic whose answer was lost keeps other tries from
 * creating a second topic: long enough for Telegram's `forum_topic_created`
 * to arrive and be adopted, short enough that a topic Telegram never created
 * does not hold the dialog up for long.
 */
export const TOPIC_CLAIM_MS = 30_000;

type Executor = { execute: (query: SQL) => Promise<unknown> } | Tx['db'];

/**
 * Makes `topicId` the dialog's topic if the dialog has none (one conditional
 * update: the first topic wins across instances) and records it in the
 * dialog's topic history. Returns the dialog's topic after that: `topicId`
 * when it won (or the same topic was adopted already — the outbox saving
 * createForumTopic's answer and the intake adopting its `forum_topic_created`
 * may both get there), another id when the dialog already had one (then
 * `topicId` is an orphan to delete), undefined if the dialog has no topic still.
 *
 * The loser's answer is read by a second statement: under READ COMMITTED an
 * UPDATE that waited for another transaction's row lock re-checks the new row
 * version, but a subquery of the same statement still reads the snapshot taken
 * before the wait, where the dialog had no topic yet.
 */
export async function adoptTopic(db: Tx['db'], dialogId: number, managersChatId: number, topicId: number): Promise<number | undefined> {
  const result = await (db as Executor).execute(sql`
    WITH adopted AS (
      UPDATE dialogs SET topic_id = ${topicId}, status = 'open', topic_claimed_at = NULL, topic_claim_name = NULL,
             client_card_message_id = CASE WHEN topic_id IS NULL THEN NULL ELSE client_card_message_id END
       WHERE id = ${dialogId} AND (topic_id IS NULL OR topic_id = ${topicId})
      RETURNING id),
    remembered AS (
      INSERT INTO dialog_topics (managers_chat_id, topic_id, dialog_id)
      SELECT ${managersChatId}, ${topicId}, id FROM adopted
      ON CONFLICT DO NOTHING)
    SELECT id FROM adopted`);
  if ((result as { rows: unknown[] }).rows.length > 0) return topicId;
  const current = await (db as Executor).execute(sql`SELECT topic_id FROM dialogs WHERE id = ${dialogId}`);
  const rows = (current as { rows: Array<{ topic_id: number | null }> }).rows;
  return rows[0]?.topic_id ?? undefined;
}

/**
 * The next position in the dialog, as an SQL expression for the INSERT
 * itself (one round trip less); use it with the dialog locked.
 */
export function nextSeq(dialogId: number | SQL) {
  return sql<number>`(SELECT coalesce(max(${messages.seq}), 0) + 1 FROM ${messages} WHERE ${messages.dialogId} = ${dialogId})`;
}

/** The stored message with this Telegram id on one side of the dialog. */
export async function messageByTelegramId(
  tx: Tx,
  dialogId: number,
  side: 'client' | 'topic',
  telegramMessageId: number,
): Promise<StoredMessage | undefined> {
  const column = side === 'client' ? messages.clientChatMessageId : messages.topicMessageId;
  const [message] = await tx.db
    .select()
    .from(messages)
    .where(and(eq(messages.dialogId, dialogId), eq(column, telegramMessageId)))
    .orderBy(sql`${messages.seq} desc`)
    .limit(1);
  return message;
}

/**
 * A dialog linked to an accepted request keeps feeding the request's chat:
 * new messages (not skipped) are added to it as they are stored.
 */
export async function feedRequestChat(
  ctx: Pick<CommandContext, 'live'>,
  tx: Tx,
  dialog: Dialog,
  message: StoredMessage,
): Promise<void> {
  if (!dialog.activeRequestId || message.skip) return;
  await tx.db.insert(requestMessages).values({ requestId: dialog.activeRequestId, messageId: message.id, sentAt: message.sentAt }).onConflictDoNothing();
  const requestId = dialog.activeRequestId;
  tx.afterCommit(() => ctx.live.publish({ channel: `request:${requestId}`, type: 'message', data: { messageId: message.id }, audience: 'dealRoom' }));
}

/**
 * A returning client's message, the hot path of the relay: the client's
 * dialog locked and its `last_message_at` set, with the client, in one
 * prepared statement. Undefined on first contact (no dialog yet) and, with
 * `unlessStaff`, when the account is one of our staff (commands/
 * ensureManagerUser `ourStaffCondition`) — whose private messages are no
 * client's and must not touch the dialog they once had: the relay asks both
 * questions in this one round trip, and only an undefined answer costs the
 * staff read (telegram/relay.ts).
 */
export async function touchDialogOfClient(
  tx: Tx,
  telegramUserId: number,
  at: Date,
  options: { unlessStaff?: boolean } = {},
): Promise<{ client: Client; dialog: Dialog } | undefined> {
  const unlessStaff = options.unlessStaff ?? false;
  const statement = prepared(tx, unlessStaff ? 'touch_dialog_of_client_not_staff' : 'touch_dialog_of_client', (db, name) => {
    const staff = db
      .select({ one: sql`1` })
      .from(users)
      .innerJoin(organizations, eq(organizations.id, users.organizationId))
      .where(ourStaffCondition(sql`${clients.telegramUserId}`));
    return db
      .update(dialogs)
      .set({ lastMessageAt: sql`${sql.placeholder('at')}::timestamptz` })
      .from(clients)
      .where(and(eq(clients.telegramUserId, sql.placeholder('user')), eq(dialogs.clientId, clients.id), unlessStaff ? notExists(staff) : undefined))
      .returning({ dialog: dialogs, client: clients })
      .prepare(name);
  });
  const [row] = await statement.execute({ user: telegramUserId, at: at.toISOString() });
  return row;
}
