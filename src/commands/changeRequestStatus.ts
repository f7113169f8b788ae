/**
 * Completes or cancels a request (the customer's buttons «Завершить» and
 * «Отменить»), through the status machine, with an event row. Cancelling a
 * request that still collects offers declines them.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { dialogs, offers, requests } from '../db/schema.js';
import { mayRunDeal, requestAccess, type Viewer } from '../policies/access.js';
import { ForbiddenError, recordEvent, type CommandContext } from './context.js';
import { nextStatus, type RequestAction } from './requestTransition.js';
import { scheduleOneCSync } from './requestOneCDocuments.js';
import { askForRating } from './rateRequest.js';

export interface ChangeRequestStatusProps {
  /** A user of the request's customer organization (from the topic: the acting manager). */
  actor: Viewer;
  requestId: number;
  action: Extract<RequestAction, 'complete' | 'cancel'>;
}

export async function changeRequestStatus(ctx: CommandContext, props: ChangeRequestStatusProps) {
  return ctx.database.transaction(async (tx) => {
    const result = await changeRequestStatusInTx(tx, props);
    await scheduleOneCSync(ctx, tx, result.requestId);
    if (result.status === 'completed') await askForRating(ctx, tx, result.requestId);
    tx.afterCommit(() => ctx.live.publish({ channel: `request:${props.requestId}`, type: 'status', data: { status: result.status }, audience: 'viewers' }));
    return result;
  });
}

export async function changeRequestStatusInTx(tx: Tx, props: ChangeRequestStatusProps, now = new Date()) {
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
  return { requestId: request.id, status };
}
