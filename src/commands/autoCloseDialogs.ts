/**
 * Auto-close (issue 19.1, DIALOG_AUTO_CLOSE_HOURS): dialogs nobody wrote in
 * for that long are closed with their topics, a few per managers' group per
 * run, so that the closes (closeForumTopic, the ✅ title, the card) stay a
 * small share of the group's 20 messages a minute (the ✅ title goes after
 * client content, commands/dialogStatus).
 * The client's next message reopens the dialog (recordClientMessage).
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import { dialogs } from '../db/schema.js';
import { inTransaction, recordEvent, type CommandContext } from './context.js';
import { queueTopicTitle } from './dialogStatus.js';
import { enqueueTelegram } from './telegramOutbox.js';

/**
 * Dialogs closed per managers' group per run: 3 closes cost about 9 of the
 * group's 20 messages a minute (close, title, card) when runs come a minute apart.
 */
export const AUTO_CLOSE_PER_GROUP = 3;

export interface Props {
  /** Inactivity, in hours, after which a dialog is closed (> 0). */
  hours: number;
  /** At most this many dialogs per managers' group in this run. */
  perGroup?: number;
}

/**
 * Closes up to `perGroup` dialogs per managers' group whose last message is
 * older than `hours` (oldest first); returns how many it closed. Each close
 * is one conditional write (still inactive, not closed yet), in its own
 * transaction with its event (actor: nobody) and its Telegram calls.
 */
export async function autoCloseDialogs(ctx: CommandContext, props: Props): Promise<number> {
  const perGroup = props.perGroup ?? AUTO_CLOSE_PER_GROUP;
  const cutoff = sql`now() - make_interval(secs => ${props.hours * 3600}::float8)`;
  const due = await ctx.database.db.execute<{ id: number }>(sql`
    select id from (
      select d.id, row_number() over (partition by d.managers_chat_id order by coalesce(d.last_message_at, d.created_at), d.id) as n
        from dialogs d
       where d.status <> 'closed' and coalesce(d.last_message_at, d.created_at) < ${cutoff}) stale
     where n <= ${perGroup}`);
  let closed = 0;
  for (const { id } of due.rows) {
    const done = await inTransaction(ctx, undefined, async (tx) => {
      const [dialog] = await tx.db
        .update(dialogs)
        .set({ status: 'closed', waitingSince: null })
        .where(and(eq(dialogs.id, Number(id)), ne(dialogs.status, 'closed'), sql`coalesce(${dialogs.lastMessageAt}, ${dialogs.createdAt}) < ${cutoff}`))
        .returning();
      if (!dialog) return false;
      await recordEvent(tx, {
        subjectType: 'dialog',
        subjectId: dialog.id,
        name: 'dialog.auto_closed',
        after: { status: 'closed', hours: props.hours },
      });
      if (dialog.topicId !== null) {
        // Telegram shows the close itself (a service message): no notice of ours on top. In the dialog's own
        // queue, so that a reopen by the client's next message always comes after it.
        await enqueueTelegram(ctx, tx, { chatId: dialog.managersChatId, method: 'closeForumTopic', target: { topicOfDialog: dialog.id } });
        await queueTopicTitle(ctx, tx, dialog);
      }
      tx.afterCommit(() => ctx.live.publish({ channel: 'dialogs', type: 'message', data: { dialogId: dialog.id } }));
      return true;
    });
    if (done) closed++;
  }
  return closed;
}
