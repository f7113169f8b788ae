import { eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { dialogs } from '../db/schema.js';
import { inTransaction, recordEvent, type CommandContext } from './context.js';
import type { Dialog } from './dialogs.js';

export interface Props {
  dialog: Dialog;
  /** `closed` when a manager closed the topic, `open` when it was reopened. */
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
    await tx.db.update(dialogs).set({ status: props.status }).where(eq(dialogs.id, props.dialog.id));
    await recordEvent(tx, {
      actor: { telegramUserId: props.managerTelegramId },
      subjectType: 'dialog',
      subjectId: props.dialog.id,
      name: `dialog.topic_${props.status === 'closed' ? 'closed' : 'reopened'}`,
      before: { status: props.dialog.status },
      after: { status: props.status },
    });
  });
}
