/**
 * An agent's offer (предложение) for a request: rate, commission, fixed fee,
 * execution days and validity. The total in the funding currency is computed
 * by `computeTerms`, never typed. A new offer of the same organization
 * replaces its active one (the old one is withdrawn).
 *
 * On a request created from a Telegram dialog the offer is accepted in the
 * same transaction and the dialog's messages join the request's chat.
 */
import { and, eq } from 'drizzle-orm';
import { computeTerms, parseTermsDays, parseTermsDecimal } from '../core/terms.js';
import { Decimal } from '../core/money.js';
import { DATE_NO_SUCH_DAY, isoDateNamesNoDay, parseIsoDateTime } from '../core/fields.js';
import type { Tx } from '../db/index.js';
import { offers, requests } from '../db/schema.js';
import { acceptOfferInTx } from './acceptOffer.js';
import { linkRequestToDialog } from './linkRequestToDialog.js';
import { canOffer, mayChooseDealMessages, requestAccess, type Viewer } from '../policies/access.js';
import { ConflictError, ForbiddenError, recordEvent, ValidationError, type CommandContext } from './context.js';
import { FieldErrorCollector } from './validation.js';

export interface CreateOfferProps {
  /** The agent's user. */
  actor: Viewer;
  requestId: number;
  /** Funding currency per unit of the payment currency, up to 6 decimals. */
  rate: string;
  /** Commission in percent of the amount at the rate, up to 4 decimals. */
  feePercent: string;
  /** Fixed fee in the funding currency. */
  fixedFee: string;
  /** Execution time in days. */
  days: number | string;
  /**
   * The offer expires after this moment: an ISO date (to its end, 23:59:59 UTC) or date-time, a real day in
   * 1990–2100 (core/fields parseIsoDateTime); none = until the request closes. Anything else is refused beside the field.
   */
  validUntil?: string | null;
  /**
   * A request from a dialog: the message its deal starts from (the form's
   * choice); none = since the previous request of the dialog. Must be a
   * message of that dialog, chosen by someone who may see it.
   */
  dealFromMessageId?: number | null;
}

export type OfferRow = typeof offers.$inferSelect;

export interface ValidOfferFields {
  rate: string;
  feePercent: string;
  fixedFee: string;
  days: number;
  validUntil: Date | null;
}

/** Checks the offer form; throws FieldErrors with every mistake beside its field. */
export function validateOfferFields(input: Omit<CreateOfferProps, 'actor' | 'requestId'>, now = new Date()): ValidOfferFields {
  const errors = new FieldErrorCollector();
  const values: Partial<Record<'rate' | 'feePercent' | 'fixedFee', string>> = {};
  for (const field of ['rate', 'feePercent', 'fixedFee'] as const) {
    const result = parseTermsDecimal(field, String(input[field] ?? ''));
    if (result.ok) values[field] = result.value;
    else errors.add(field, result.error);
  }
  const days = parseTermsDays(input.days ?? '');
  if (!days.ok) errors.add('days', days.error);
  let validUntil: Date | null = null;
  const validText = (input.validUntil ?? '').trim();
  if (validText) {
    // Read strictly (core/fields parseIsoDateTime), not by Date's own parser, which takes «1.1.27», «12/01/2027» and
    // 2026-02-31 (as 3 March): the page sends what was typed when it is no date, and it must be refused, not saved.
    const parsed = parseIsoDateTime(validText);
    const date = parsed && /^\d{4}-\d{2}-\d{2}$/.test(validText) ? new Date(`${validText}T23:59:59Z`) : parsed;
    if (isoDateNamesNoDay(validText)) errors.add('validUntil', DATE_NO_SUCH_DAY);
    else if (!date) errors.add('validUntil', 'Дата в формате ГГГГ-ММ-ДД');
    else if (date.getTime() <= now.getTime()) errors.add('validUntil', 'Срок действия должен быть в будущем');
    else validUntil = date;
  }
  errors.throwIfAny();
  return { rate: values.rate!, feePercent: values.feePercent!, fixedFee: values.fixedFee!, days: days.ok ? days.value : 0, validUntil };
}

/** The rate with the places the agent typed (`12,10` → `12.10`), for the accepted terms; undefined if it does not parse. */
function typedRate(rate: unknown): string | undefined {
  const parsed = parseTermsDecimal('rate', String(rate ?? ''));
  return parsed.ok ? parsed.value : undefined;
}

export async function createOffer(ctx: CommandContext, props: CreateOfferProps): Promise<OfferRow & { autoAccepted?: boolean }> {
  return ctx.database.transaction(async (tx) => {
    const [request] = await tx.db.select().from(requests).where(eq(requests.id, props.requestId)).for('update');
    // A request from a Telegram dialog: saving the offer accepts it at once (ARCHITECTURE.md §1, step 5).
    if (request?.dialogId && request.origin === 'telegram') {
      // Who may offer at all, and on this request, before anything about its offers is told (a 409 would reveal a hidden deal).
      await offeringAccess(tx, props);
      const repeated = await repeatedSave(tx, request, props);
      if (repeated) return { ...repeated, autoAccepted: true };
      const offer = await createOfferInTx(tx, props);
      if (props.dealFromMessageId !== undefined && props.dealFromMessageId !== null) {
        const access = await requestAccess(tx.db, props.actor, request.id);
        if (!(await mayChooseDealMessages(tx.db, props.actor, access))) throw new ForbiddenError('Выбрать начало сделки в переписке может только менеджер заказчика заявки');
      }
      await acceptOfferInTx(tx, { actor: props.actor, offerId: offer.id, typedRate: typedRate(props.rate) });
      await linkRequestToDialog(ctx, tx, request, { userId: props.actor.userId }, props.dealFromMessageId);
      tx.afterCommit(() => ctx.live.publish({ channel: `request:${props.requestId}`, type: 'status', data: { status: 'accepted' }, audience: 'viewers' }));
      return { ...offer, status: 'accepted' as const, autoAccepted: true };
    }
    if (props.dealFromMessageId !== undefined && props.dealFromMessageId !== null) {
      throw new ValidationError('У этой заявки нет переписки в Telegram: начало сделки выбирать не из чего', 'dealFromMessageId');
    }
    const offer = await createOfferInTx(tx, props);
    tx.afterCommit(() => ctx.live.publish({ channel: `request:${props.requestId}`, type: 'offer', data: { offerId: offer.id }, audience: 'customer' }));
    return offer;
  });
}

/**
 * The same save again (a double click, a retried request): the offer it
 * already accepted. The same form with *other* values is a ConflictError
 * (409): the deal's terms are final once accepted and change only through
 * the deal's terms editor (`/rate`, `/fee`… or the request page), which
 * records the change and tells the client's topic; silently keeping the old
 * offer while answering «saved» would mislead the manager (issue 16.16).
 */
async function repeatedSave(tx: Tx, request: typeof requests.$inferSelect, props: CreateOfferProps): Promise<OfferRow | undefined> {
  if (request.status !== 'accepted' || !request.acceptedOfferId) return undefined;
  const [accepted] = await tx.db.select().from(offers).where(eq(offers.id, request.acceptedOfferId));
  if (!accepted || accepted.agentOrganizationId !== props.actor.organizationId) return undefined;
  const fields = validateOfferFields(props);
  const same =
    new Decimal(accepted.rate).eq(fields.rate) &&
    new Decimal(accepted.feePercent).eq(fields.feePercent) &&
    new Decimal(accepted.fixedFee).eq(fields.fixedFee) &&
    accepted.days === fields.days;
  if (same) return accepted;
  throw new ConflictError(
    'Предложение по этой заявке уже сохранено и принято, новые значения не применены. ' +
      'Чтобы изменить условия сделки, используйте команды /rate, /fee, /fixed, /days в теме клиента или редактор условий на странице заявки.',
  );
}

/** The request, if the actor's organization may offer and the actor may see it: ForbiddenError (403) / NotFoundError (404) otherwise. */
async function offeringAccess(tx: Tx, props: CreateOfferProps) {
  if (!canOffer(props.actor)) throw new ForbiddenError('Ваша организация не может делать предложения');
  return requestAccess(tx.db, props.actor, props.requestId, { forUpdate: true });
}

export async function createOfferInTx(tx: Tx, props: CreateOfferProps, now = new Date()): Promise<OfferRow> {
  const { request } = await offeringAccess(tx, props);
  const fields = validateOfferFields(props, now);
  if (request.status !== 'collecting_offers') throw new ValidationError('Заявка уже не собирает предложения', 'request');
  const terms = computeTerms({ amount: request.amount, rate: fields.rate, feePercent: fields.feePercent, fixedFee: fields.fixedFee, days: fields.days });

  const replaced = await tx.db
    .update(offers)
    .set({ status: 'withdrawn' })
    .where(and(eq(offers.requestId, request.id), eq(offers.agentOrganizationId, props.actor.organizationId), eq(offers.status, 'active')))
    .returning({ id: offers.id });
  for (const old of replaced) {
    await recordEvent(tx, {
      actor: { userId: props.actor.userId },
      subjectType: 'offer',
      subjectId: old.id,
      name: 'offer.withdrawn',
      before: { status: 'active' },
      after: { status: 'withdrawn' },
    });
  }

  const [offer] = await tx.db
    .insert(offers)
    .values({
      requestId: request.id,
      agentOrganizationId: props.actor.organizationId,
      rate: fields.rate,
      feePercent: fields.feePercent,
      fixedFee: fields.fixedFee,
      total: terms.total,
      days: fields.days,
      validUntil: fields.validUntil,
      status: 'active',
      createdBy: props.actor.userId,
      createdAt: now,
    })
    .returning();
  await recordEvent(tx, {
    actor: { userId: props.actor.userId },
    subjectType: 'offer',
    subjectId: offer!.id,
    name: 'offer.created',
    after: { requestId: request.id, rate: fields.rate, feePercent: fields.feePercent, fixedFee: fields.fixedFee, total: terms.total, days: fields.days },
  });
  return offer!;
}
