/**
 * The customer accepts one offer: the terms become final, the request moves
 * to «Принята» through the status machine, every other active offer is
 * declined.
 *
 * `acceptOfferInTx` takes the caller's transaction, so the deal flow can
 * auto-accept the offer it has just created for a Telegram request.
 */
import { and, eq, ne } from 'drizzle-orm';
import { Decimal } from '../core/money.js';
import { computeTerms } from '../core/terms.js';
import type { Tx } from '../db/index.js';
import { offers, requests } from '../db/schema.js';
import { requestAccess, type Viewer } from '../policies/access.js';
import { ForbiddenError, NotFoundError, recordEvent, ValidationError, type CommandContext } from './context.js';
import { nextStatus } from './requestTransition.js';

export interface AcceptOfferProps {
  /** A user of the request's customer organization. */
  actor: Viewer;
  offerId: number;
  /**
   * The rate as the agent typed it (`12.10`), when the caller has it: the
   * offers table keeps 6 places (`12.100000`), the terms keep the typed ones
   * (issue 17.17). Used only when it equals the offer's rate.
   */
  typedRate?: string;
}

export interface AcceptedOffer {
  requestId: number;
  offerId: number;
  /** The final terms stored on the request. */
  terms: Record<string, string>;
  declinedOfferIds: number[];
}

export async function acceptOffer(ctx: CommandContext, props: AcceptOfferProps): Promise<AcceptedOffer> {
  return ctx.database.transaction(async (tx) => {
    const result = await acceptOfferInTx(tx, props);
    tx.afterCommit(() => ctx.live.publish({ channel: `request:${result.requestId}`, type: 'status', data: { status: 'accepted' }, audience: 'viewers' }));
    return result;
  });
}

export async function acceptOfferInTx(tx: Tx, props: AcceptOfferProps, now = new Date()): Promise<AcceptedOffer> {
  const [found] = await tx.db.select({ requestId: offers.requestId }).from(offers).where(eq(offers.id, props.offerId));
  if (!found) throw new NotFoundError('Предложение не найдено');
  const access = await requestAccess(tx.db, props.actor, found.requestId, { forUpdate: true });
  // Agents see their own offers, but only the customer may accept: to anyone else the offer "does not exist".
  const [offer] = await tx.db.select().from(offers).where(eq(offers.id, props.offerId)).for('update');
  if (!offer) throw new NotFoundError('Предложение не найдено');
  if (!access.isCustomer) {
    if (offer.agentOrganizationId === props.actor.organizationId) throw new ForbiddenError('Принять предложение может только заказчик заявки');
    throw new NotFoundError('Предложение не найдено');
  }
  const { request } = access;
  if (offer.status !== 'active') throw new ValidationError('Это предложение уже не активно', 'offer');
  if (offer.validUntil && offer.validUntil.getTime() < now.getTime()) {
    throw new ValidationError('Срок действия предложения истёк', 'offer');
  }
  const status = nextStatus(request.status, 'accept');

  // numeric(20,6) pads the rate to 6 places; the terms show the places typed (or none padded).
  const rate = props.typedRate && new Decimal(props.typedRate).equals(offer.rate) ? props.typedRate : new Decimal(offer.rate).toFixed();
  const computed = computeTerms({
    amount: request.amount,
    rate,
    feePercent: offer.feePercent,
    fixedFee: offer.fixedFee,
    days: offer.days,
  });
  const terms: Record<string, string> = {
    offerId: String(offer.id),
    agentOrganizationId: String(offer.agentOrganizationId),
    amount: request.amount,
    currency: request.currency,
    fundingCurrency: request.fundingCurrency,
    rate: computed.rate,
    feePercent: computed.feePercent,
    fixedFee: computed.fixedFee,
    days: String(computed.days),
    base: computed.base,
    fee: computed.fee,
    total: computed.total,
  };

  await tx.db.update(offers).set({ status: 'accepted' }).where(eq(offers.id, offer.id));
  const declined = await tx.db
    .update(offers)
    .set({ status: 'declined' })
    .where(and(eq(offers.requestId, request.id), ne(offers.id, offer.id), eq(offers.status, 'active')))
    .returning({ id: offers.id });
  await tx.db
    .update(requests)
    .set({ status, acceptedOfferId: offer.id, terms, version: request.version + 1, updatedAt: now })
    .where(eq(requests.id, request.id));

  const actor = { userId: props.actor.userId };
  await recordEvent(tx, {
    actor,
    subjectType: 'request',
    subjectId: request.id,
    name: 'request.status',
    before: { status: request.status },
    after: { status, offerId: offer.id, total: computed.total },
  });
  await recordEvent(tx, { actor, subjectType: 'offer', subjectId: offer.id, name: 'offer.accepted', before: { status: 'active' }, after: { status: 'accepted' } });
  for (const other of declined) {
    await recordEvent(tx, { actor, subjectType: 'offer', subjectId: other.id, name: 'offer.declined', before: { status: 'active' }, after: { status: 'declined' } });
  }
  return { requestId: request.id, offerId: offer.id, terms, declinedOfferIds: declined.map((d) => d.id) };
}
