/**
 * Completes or cancels a request — «Завершить» / «Отменить» on the request
 * page and the same buttons on the action card in the client's topic — through
 * the status machine, with an event row. Cancelling a request that still
 * collects offers declines them.
 *
 * Both channels call `changeRequestStatus`, and every effect that follows
 * from the change lives here, not in a channel's handler: the 1C sync, the
 * client's rating request, the action card (final: no buttons, unpinned; a
 * pending «— подтвердите» is dropped), the client card's line of the request,
 * the platform page's live update. A change made on the page thus shows in
 * the topic without anyone pressing the card (bug: the page's «Завершить»
 * left the card «Принята», pinned, with live buttons).
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { actionCards, dialogs, offers, requests } from '../db/schema.js';
import { mayRunDeal, requestAccess, type Viewer } from '../policies/access.js';
import { ForbiddenError, inTransaction, recordEvent, type CommandContext } from './context.js';
import { nextStatus, type RequestAction } from './requestTransition.js';
import { scheduleOneCSync } from './requestOneCDocuments.js';
import { askForRating } from './rateRequest.js';
import { scheduleActionCard } from './actionCards.js';
import { enqueueTelegram, REFRESH_CLIENT_CARD } from './telegramOutbox.js';

export interface ChangeRequestStatusProps {
  /** A user of the request's customer organization (from the topic: the acting manager). */
  actor: Viewer;
  requestId: number;
  action: Extract<RequestAction, 'complete' | 'cancel'>;
}

/**
 * Changes the request's status and runs everything that follows from it (see
 * the module's comment), for either channel.
 *
 * @param tx the caller's transaction (the Telegram update's, so the button's
 *   answer and the change commit together); none = a transaction of its own.
 * @returns the request's id and its new status.
 * @throws ForbiddenError when the actor may not run the request's deal
 *   (policies/access.ts `mayRunDeal`); NotFoundError when they may not see it;
 *   ValidationError when the status machine (core/requestStatus.ts) refuses
 *   the action, e.g. completing a request that is already completed.
 */
export async function changeRequestStatus(ctx: CommandContext, props: ChangeRequestStatusProps, tx?: Tx) {
  return inTransaction(ctx, tx, async (tx) => {
    const result = await changeRequestStatusInTx(tx, props);
    await scheduleOneCSync(ctx, tx, result.requestId);
    if (result.status === 'completed') await askForRating(ctx, tx, result.requestId);
    await refreshTopicCards(ctx, tx, result.requestId, result.dialogId);
    tx.afterCommit(() => ctx.live.publish({ channel: `request:${props.requestId}`, type: 'status', data: { status: result.status }, audience: 'viewers' }));
    return { requestId: result.requestId, status: result.status };
  });
}

/**
 * The client's topic after a status change of a request from a dialog: the
 * action card, if one was posted (it is posted when the deal is accepted —
 * linkRequestToDialog), forgets a pending confirmation and is re-rendered by
 * the outbox (final: buttons removed, unpinned — jobs/actionCards.ts); the
 * client card is re-rendered with the request's new status. Nothing for a
 * request without a dialog.
 */
async function refreshTopicCards(ctx: Pick<CommandContext, 'live'>, tx: Tx, requestId: number, dialogId: number | null): Promise<void> {
  if (dialogId === null) return;
  const [dialog] = await tx.db.select({ managersChatId: dialogs.managersChatId }).from(dialogs).where(eq(dialogs.id, dialogId));
  if (!dialog) return;
  const cards = await tx.db.update(actionCards).set({ confirming: null }).where(eq(actionCards.requestId, requestId)).returning({ requestId: actionCards.requestId });
  if (cards.length > 0) await scheduleActionCard(ctx, tx, { id: requestId, dialogId });
  await enqueueTelegram(ctx, tx, { chatId: dialog.managersChatId, method: REFRESH_CLIENT_CARD, target: { topicOfDialog: dialogId } });
}

async function changeRequestStatusInTx(tx: Tx, props: ChangeRequestStatusProps, now = new Date()) {
  const access = await requestAccess(tx.db, props.actor, props.requestId, { forUpdate: true });
  if (!mayRunDeal(access)) throw new ForbiddenError('Изменить статус может только заказчик заявки');
  const { request } = access;
  const status = nextStatus(request.status, props.action);
  await tx.db.update(requests).set({ status, version: request.version + 1, updatedAt: now }).where(eq(requests.id, request.id));
  const actor = { userId: props.actor.userId };
  await recordEvent(tx, { actor, subjectType: 'request', subjectId: request.id, name: 'request.status', before: { status: request.status }, after: { status } });
  // A closed request's chat ends with its deal: the dialog's later messages belong to the next one.
  await tx.db.update(dialogs).set({ activeRequestId: null }).where(eq(dialogs.activeRequestId, request.id));
  if (props.action === 'cancel') {
    const declined = await tx.db
      .update(offers)
      .set({ status: 'declined' })
      .where(and(eq(offers.requestId, request.id), eq(offers.status, 'active')))
      .returning({ id: offers.id });
    for (const offer of declined) {
      await recordEvent(tx, { actor, subjectType: 'offer', subjectId: offer.id, name: 'offer.declined', before: { status: 'active' }, after: { status: 'declined' } });
    }
  }
  return { requestId: request.id, status, dialogId: request.dialogId };
}
