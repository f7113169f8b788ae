import { eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { dialogs } from '../db/schema.js';
import { scheduleActionCard } from './actionCards.js';
import type { CommandContext } from './context.js';
import { recordEvent } from './context.js';
import { enqueueTelegram } from './telegramOutbox.js';

/**
 * The moment a request from a dialog is accepted: every dialog message not
 * marked skip is copied into the request's chat (in dialog order, once — a
 * retried save copies nothing twice), the dialog starts feeding the request's
 * chat with new messages, and the action card is posted into the topic.
 * Runs inside the accepting transaction.
 */
export async function linkRequestToDialog(
  ctx: Pick<CommandContext, 'live'>,
  tx: Tx,
  request: { id: number; dialogId: number | null },
  actor: { userId?: number },
): Promise<{ copied: number }> {
  if (!request.dialogId) return { copied: 0 };
  const [dialog] = await tx.db.select().from(dialogs).where(eq(dialogs.id, request.dialogId)).for('update');
  if (!dialog) return { copied: 0 };
  const copied = await tx.client.query(
    `INSERT INTO request_messages (request_id, message_id, sent_at)
     SELECT $1, id, sent_at FROM messages WHERE dialog_id = $2 AND skip = false ORDER BY seq
     ON CONFLICT DO NOTHING`,
    [request.id, dialog.id],
  );
  await tx.db.update(dialogs).set({ activeRequestId: request.id }).where(eq(dialogs.id, dialog.id));
  await recordEvent(tx, {
    actor,
    subjectType: 'request',
    subjectId: request.id,
    name: 'request.linked_to_dialog',
    after: { dialogId: dialog.id, copiedMessages: copied.rowCount ?? 0 },
  });
  await scheduleActionCard(ctx, tx, request);
  await enqueueTelegram(ctx, tx, { chatId: dialog.managersChatId, method: 'hotline.refreshClientCard', target: { topicOfDialog: dialog.id } });
  tx.afterCommit(() => ctx.live.publish({ channel: `request:${request.id}`, type: 'chat', data: { copied: copied.rowCount }, audience: 'dealRoom' }));
  return { copied: copied.rowCount ?? 0 };
}

