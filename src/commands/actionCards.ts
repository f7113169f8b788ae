/**
 * Keeping a request's action card in step with the request: any command that
 * changes what the card shows schedules a refresh. One pending refresh per
 * request is enough — the outbox renders the card when it sends it — so a
 * burst of changes costs one edit (the debounce).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { actionCards, dialogs, telegramOutbox, type requests } from '../db/schema.js';
import type { CommandContext } from './context.js';
import { enqueueTelegram } from './telegramOutbox.js';

export const REFRESH_ACTION_CARD = 'hotline.refreshActionCard';

/** Schedules (once) the refresh of the request's card; requests without a dialog have none. */
export async function scheduleActionCard(
  ctx: Pick<CommandContext, 'live'>,
  tx: Tx,
  request: Pick<typeof requests.$inferSelect, 'id' | 'dialogId'>,
): Promise<void> {
  if (!request.dialogId) return;
  const [dialog] = await tx.db.select().from(dialogs).where(eq(dialogs.id, request.dialogId));
  if (!dialog) return;
  const [pending] = await tx.db
    .select({ id: telegramOutbox.id })
    .from(telegramOutbox)
    .where(
      and(
        eq(telegramOutbox.chatId, dialog.managersChatId),
        eq(telegramOutbox.state, 'pending'),
        eq(telegramOutbox.method, REFRESH_ACTION_CARD),
        sql`${telegramOutbox.payload}->>'requestId' = ${String(request.id)}`,
        sql`${telegramOutbox.leaseUntil} is null`,
      ),
    )
    .limit(1);
  if (pending) return;
  await tx.db
    .insert(actionCards)
    .values({ requestId: request.id, managersChatId: dialog.managersChatId, topicId: dialog.topicId })
    .onConflictDoNothing();
  await enqueueTelegram(ctx, tx, {
    chatId: dialog.managersChatId,
    method: REFRESH_ACTION_CARD,
    payload: { requestId: request.id },
    target: { topicOfDialog: dialog.id },
  });
}

/** Remembers which destructive button awaits its confirming press (or none). */
export async function setCardConfirming(
  ctx: Pick<CommandContext, 'live'>,
  tx: Tx,
  request: Pick<typeof requests.$inferSelect, 'id' | 'dialogId'>,
  confirming: 'complete' | 'cancel' | null,
): Promise<void> {
  await tx.db.update(actionCards).set({ confirming }).where(eq(actionCards.requestId, request.id));
  await scheduleActionCard(ctx, tx, request);
}
