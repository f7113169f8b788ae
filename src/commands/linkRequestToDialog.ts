import { eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { dialogs } from '../db/schema.js';
import { scheduleActionCard } from './actionCards.js';
import { copyDealMessages, dealStartSeq } from './dealMessages.js';
import type { CommandContext } from './context.js';
import { recordEvent } from './context.js';
import { enqueueTelegram } from './telegramOutbox.js';

/**
 * The moment a request from a dialog is accepted: the deal's messages
 * (`dealMessages.ts`: not skipped, since the previous request of the dialog
 * or since `fromMessageId`, which must be a message of this dialog) are
 * copied into the request's chat (in dialog order, once — a retried save
 * copies nothing twice), the dialog starts feeding the request's chat with
 * new messages while it is open, and the action card is posted into the
 * topic. Runs inside the accepting transaction.
 */
export async function linkRequestToDialog(
  ctx: Pick<CommandContext, 'live'>,
  tx: Tx,
  request: { id: number; dialogId: number | null },
  actor: { userId?: number },
  fromMessageId?: number | null,
): Promise<{ copied: number }> {
  if (!request.dialogId) return { copied: 0 };
  const [dialog] = await tx.db.select().from(dialogs).where(eq(dialogs.id, request.dialogId)).for('update');
  if (!dialog) return { copied: 0 };
  const fromSeq = await dealStartSeq(tx.client, dialog.id, request.id, fromMessageId);
  const copied = { rowCount: await copyDealMessages(tx.client, request.id, dialog.id, fromSeq) };
  await tx.db.update(dialogs).set({ activeRequestId: request.id }).where(eq(dialogs.id, dialog.id));
  await recordEvent(tx, {
    actor,
    subjectType: 'request',
    subjectId: request.id,
    name: 'request.linked_to_dialog',
    after: { dialogId: dialog.id, copiedMessages: copied.rowCount, fromSeq, ...(fromMessageId ? { chosenFromMessageId: fromMessageId } : {}) },
  });
  await scheduleActionCard(ctx, tx, request);
  await enqueueTelegram(ctx, tx, { chatId: dialog.managersChatId, method: 'hotline.refreshClientCard', target: { topicOfDialog: dialog.id } });
  tx.afterCommit(() => ctx.live.publish({ channel: `request:${request.id}`, type: 'chat', data: { copied: copied.rowCount }, audience: 'dealRoom' }));
  return { copied: copied.rowCount ?? 0 };
}

