/**
 * Creates a payment request (заявка) in status «Сбор предложений».
 *
 * A request from the web belongs to the creator's organization. A request from
 * Telegram (`origin: 'telegram'`, with the `dialogId` of the client's dialog)
 * belongs to our organization and is hidden from the agents' general list
 * while it collects offers.
 */
import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { beneficiaries, dialogs, payers, requests } from '../db/schema.js';
import { canRequest, maySeeDialogs, type Viewer } from '../policies/access.js';
import { ForbiddenError, NotFoundError, recordEvent, type CommandContext } from './context.js';
import { nextRequestNumber } from './requestNumber.js';
import { validateRequestFields, type RequestFields, type ValidRequestFields } from './requestFields.js';

export interface CreateRequestProps extends RequestFields {
  /** The user who fills the form. */
  actor: Viewer;
  /** `telegram` when created from a dialog's signed link; default `web`. */
  origin?: 'web' | 'telegram';
  /** The client's dialog the request comes from (Telegram requests). */
  dialogId?: number;
}

export type CreatedRequest = typeof requests.$inferSelect;

/** The command in its own transaction; publishes to live pages after commit. */
export async function createRequest(ctx: CommandContext, props: CreateRequestProps): Promise<CreatedRequest> {
  return ctx.database.transaction((tx) => createRequestInTx(tx, props, new Date(), ctx.config.answerTime.timeZone));
}

/**
 * The same inside a caller's transaction (the deal flow creates a request and its offer in one).
 * `timeZone` (BUSINESS_TIME_ZONE) says which calendar day is today for the deadline and document dates.
 */
export async function createRequestInTx(tx: Tx, props: CreateRequestProps, now = new Date(), timeZone?: string): Promise<CreatedRequest> {
  const origin = props.origin ?? (props.dialogId ? 'telegram' : 'web');
  if (!canRequest(props.actor)) throw new ForbiddenError('Ваша организация не может создавать заявки');
  const fields = validateRequestFields(props, now, timeZone);
  let clientId: number | null = null;
  if (props.dialogId !== undefined) {
    // Dialogs are our hotline's: only our staff see one and turn it into a request.
    if (!(await maySeeDialogs(tx.db, props.actor))) throw new NotFoundError('Диалог не найден');
    const [dialog] = await tx.db.select({ clientId: dialogs.clientId }).from(dialogs).where(eq(dialogs.id, props.dialogId));
    if (!dialog) throw new NotFoundError('Диалог не найден');
    clientId = dialog.clientId;
  }
  const number = await nextRequestNumber(tx, now);
  const [request] = await tx.db
    .insert(requests)
    .values({
      number,
      customerOrganizationId: props.actor.organizationId,
      dialogId: props.dialogId ?? null,
      origin,
      status: 'collecting_offers',
      hidden: origin === 'telegram',
      amount: fields.amount,
      currency: fields.currency,
      fundingCurrency: fields.fundingCurrency,
      beneficiary: fields.beneficiary,
      beneficiaryCountry: fields.beneficiary.country,
      purpose: fields.purpose,
      documents: fields.documents,
      payer: fields.payer,
      deadline: fields.deadline,
      comment: fields.comment,
      createdBy: props.actor.userId,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await rememberBeneficiaryAndPayer(tx, props.actor.organizationId, clientId, fields, now);
  await recordEvent(tx, {
    actor: { userId: props.actor.userId },
    subjectType: 'request',
    subjectId: request!.id,
    name: 'request.created',
    after: { status: 'collecting_offers', amount: fields.amount, currency: fields.currency, origin },
  });
  return request!;
}

/**
 * The next form's autocomplete offers what was used here (one row per
 * beneficiary and per payer). A payer already known by its INN and KPP keeps
 * its stored name: a request saved with another name for the same INN keeps
 * that name in its own `requests.payer` (what its page, chat and documents
 * show), but does not rename the organization's payer under every later form
 * (the team24 outside check, fault 4: a save silently rewrote shared
 * reference data). The form says beside the name when the stored one differs
 * (web NewRequestPage, `request.payer.storedNameDiffers`).
 */
async function rememberBeneficiaryAndPayer(tx: Tx, organizationId: number, clientId: number | null, fields: ValidRequestFields, now: Date) {
  const { beneficiary, payer } = fields;
  const key = `${beneficiary.name.toLowerCase().replace(/\s+/g, ' ')}|${beneficiary.account ?? ''}`;
  await tx.db
    .insert(beneficiaries)
    .values({ organizationId, clientId, key, name: beneficiary.name, details: beneficiary, lastUsedAt: now })
    .onConflictDoUpdate({
      target: [beneficiaries.organizationId, beneficiaries.key],
      set: {
        details: beneficiary,
        name: beneficiary.name,
        clientId: sql`coalesce(excluded.client_id, ${beneficiaries.clientId})`,
        usedCount: sql`${beneficiaries.usedCount} + 1`,
        lastUsedAt: now,
      },
    });
  await tx.db
    .insert(payers)
    .values({ organizationId, inn: payer.inn!, kpp: payer.kpp ?? '', name: payer.name!, lastUsedAt: now })
    .onConflictDoUpdate({
      target: [payers.organizationId, payers.inn, payers.kpp],
      set: { usedCount: sql`${payers.usedCount} + 1`, lastUsedAt: now },
    });
}
