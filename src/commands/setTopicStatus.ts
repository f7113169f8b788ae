import { eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { dialogs } from '../db/schema.js';
import { inTransaction, recordEvent, type CommandContext } from './context.js';
import type { Dialog } from './dialogs.js';
import { queueTopicTitle } from './dialogStatus.js';

export interface Props {
  dialog: Dialog;
  /** `closed` when a manager closed the topic (in Telegram, or the bot on `/close`), `open` when it was reopened. */
  status: 'open' | 'closed';
  managerTelegramId?: number;
}

/**
 * Remembers that a manager closed or reopened a dialog's topic. A closed
 * topic is reopened by the client's next message (recordClientMessage).
 */
export async function setTopicStatus(ctx: CommandContext, props: Props, tx?: Tx): Promise<void> {
  await inTransaction(ctx, tx, async (tx) => {
    if (props.dialog.status === props.status) return;
    // Reopened: the dialog is open again (a hold ends too); closed: the conversation is over, nobody waits.
    await tx.db
      .update(dialogs)
      .set({ status: props.status, ...(props.status === 'closed' ? { waitingSince: null } : {}) })
      .where(eq(dialogs.id, props.dialog.id));
    await recordEvent(tx, {
      actor: { telegramUserId: props.managerTelegramId },
      subjectType: 'dialog',
      subjectId: props.dialog.id,
      name: `dialog.topic_${props.status === 'closed' ? 'closed' : 'reopened'}`,
      before: { status: props.dialog.status },
      after: { status: props.status },
    });
    await queueTopicTitle(ctx, tx, props.dialog);
  });
}
