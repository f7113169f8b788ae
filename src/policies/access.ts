/**
 * Who may see and do what, per row. Every platform read and command goes
 * through these checks; a row the viewer may not see is "not found" (never
 * "forbidden"), so ids cannot be probed.
 *
 * - A request's customer organization sees it all: offers, chat, documents.
 * - An agent organization sees requests collecting offers that are not hidden,
 *   and every request it offered on; of the offers only its own; the chat and
 *   documents only once its offer is accepted.
 * - Customers never see the general list.
 * - A Telegram deal (a request made from a client's dialog) is the client's
 *   conversation: on our side only our staff (managers, administrators) see
 *   it — the same rule for the web, the bot and the live stream.
 * - What is derived from a request (its timeline, live events, counts,
 *   autocomplete) goes to the same audience as the data it is derived from:
 *   see `Audience`, `timelineEntry`.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type pg from 'pg';
import type { Db } from '../db/index.js';
import { offers, organizations, requests, users } from '../db/schema.js';
import { NotFoundError } from '../core/errors.js';

export type Role = 'admin' | 'manager' | 'agent' | 'customer';
export type OrganizationKind = 'customer' | 'agent' | 'both';

/** The signed-in user as access rules see them. */
export interface Viewer {
  userId: number;
  organizationId: number;
  role: Role;
  organizationKind: OrganizationKind;
}

/** The viewer's organization may place requests. */
export const canRequest = (viewer: Viewer) => viewer.organizationKind !== 'agent' && viewer.role !== 'agent';
/** The viewer's organization may make offers. */
export const canOffer = (viewer: Viewer) => viewer.organizationKind !== 'customer' && viewer.role !== 'customer';

/**
 * Lists follow the one rule of their resource, on every channel: a viewer the
 * resource is not for is refused (403), never answered an empty list that
 * looks like "nothing yet" (the team24 outside check, fault 5).
 *
 * - The agents' general list (`GET /api/agent/requests`, with or without
 *   `mine`): whoever may make offers (`canOffer`).
 * - The organization's own requests (`GET /api/requests`): whoever may place
 *   requests (`canRequest`) — the page «Мои заявки» is shown to them only.
 */
export const mayListGeneralRequests = canOffer;
/** See `mayListGeneralRequests`. */
export const mayListOwnRequests = canRequest;

/**
 * The request form's remembered payers and beneficiaries
 * (`/api/reference/payers`, `/api/reference/beneficiaries`): for whoever may
 * place requests (`canRequest`, the form's audience); refused (403) for
 * everyone else. Our organization's payers only for its staff: they are our
 * clients' companies and keep no link to the client (a beneficiary does, and
 * the route hides a client's from others). Returns the refusal's sentence,
 * or null when allowed.
 */
export async function requestFormReferenceRefusal(db: Db, viewer: Viewer, list: 'payers' | 'beneficiaries'): Promise<string | null> {
  if (!canRequest(viewer)) return 'Плательщики и получатели из заявок доступны только тем, кто создаёт заявки';
  if (list === 'payers' && !isStaff(viewer) && (await isOurOrganization(db, viewer.organizationId))) {
    return 'Плательщики нашей организации — компании наших клиентов: их видят только менеджеры';
  }
  return null;
}

/**
 * Our staff: managers and administrators (createUser lets these roles exist
 * only in our organization). Only they see clients' dialogs and the Telegram
 * deals made of them, and only they act in the managers' group.
 */
export const isStaff = (viewer: Pick<Viewer, 'role'>) => viewer.role === 'manager' || viewer.role === 'admin';

/** The organization is ours (the hotline's owner). */
export async function isOurOrganization(db: Db, organizationId: number): Promise<boolean> {
  const [row] = await db.select({ isOurs: organizations.isOurs }).from(organizations).where(eq(organizations.id, organizationId));
  return row?.isOurs ?? false;
}

/** The dialogs page and everything of a client's conversation: our staff only. */
export async function maySeeDialogs(db: Db, viewer: Viewer): Promise<boolean> {
  return isStaff(viewer) && (await isOurOrganization(db, viewer.organizationId));
}

/** Who is responsible for a dialog (`/take`, `/assign`, `/release`, `/shift`, the dialogs page): our staff. */
export async function mayOwnDialogs(db: Db, viewer: Viewer): Promise<boolean> {
  return maySeeDialogs(db, viewer);
}

/** A dialog's status (`/hold`, `/unhold`, `/close`, the dialogs page's buttons): whoever sees clients' dialogs — our staff. */
export async function mayChangeDialogStatus(db: Db, viewer: Viewer): Promise<boolean> {
  return maySeeDialogs(db, viewer);
}

/** The blocklist (`/ban`, the dialogs page): whoever sees clients' dialogs — our staff. */
export async function mayBanClients(db: Db, viewer: Viewer): Promise<boolean> {
  return maySeeDialogs(db, viewer);
}

/**
 * Quick replies (issue 19.4): our staff create, edit, delete and send them
 * (`/t` in a topic, the quick replies page); others are refused (403).
 */
export async function mayUseQuickReplies(db: Db, viewer: Viewer): Promise<boolean> {
  return maySeeDialogs(db, viewer);
}

/**
 * Broadcasts (issue 19.5): writing to every client with a label is our
 * staff's — managers and administrators of our organization, who see those
 * clients' dialogs anyway; agents and customers are refused (403) on every
 * route (create, test send, start, progress, report). The test send goes to
 * the sender's own Telegram, so starting needs no higher role: the team
 * lead's review is the test message, not a permission.
 */
export async function maySendBroadcasts(db: Db, viewer: Viewer): Promise<boolean> {
  return maySeeDialogs(db, viewer);
}

/** Clients' ratings per manager (issue 19.8): our staff, as the dialogs they come from (403 for others). */
export async function maySeeRatings(db: Db, viewer: Viewer): Promise<boolean> {
  return maySeeDialogs(db, viewer);
}

/**
 * Labels on clients (issue 19.5: `/label`, `/unlabel`, the client page, the
 * lists' label filter) and the export of clients: who may label a client is
 * who may see the client — clients are seen through their dialogs, so our
 * staff (`maySeeDialogs`); others are refused (403), on every channel.
 */
export async function mayLabelClients(db: Db, viewer: Viewer): Promise<boolean> {
  return maySeeDialogs(db, viewer);
}

/** The export of clients (CSV, XLSX): the clients the viewer may see — our staff see them all, others none (403). */
export async function mayExportClients(db: Db, viewer: Viewer): Promise<boolean> {
  return maySeeDialogs(db, viewer);
}

/**
 * The dashboard (`/insight`: counts, response times, volumes over every
 * dialog and request): the head of the managers' team — an administrator of
 * our organization. Managers, agents and customers are refused (403) on
 * every channel that serves it (the API; the page asks the API).
 */
export async function maySeeDashboard(db: Db, viewer: Viewer): Promise<boolean> {
  return viewer.role === 'admin' && (await isOurOrganization(db, viewer.organizationId));
}

/**
 * The deal's messages of a request from a dialog — which dialog messages its
 * chat takes, from which point (the offer form's preview and choice): those
 * who run the deal (`mayRunDeal`) and see clients' dialogs (`maySeeDialogs`).
 */
export async function mayChooseDealMessages(db: Db, viewer: Viewer, access: RequestAccess): Promise<boolean> {
  return mayRunDeal(access) && (await maySeeDialogs(db, viewer));
}

/** Loads an enabled user as a viewer; null when there is none. */
export async function loadViewer(db: Db, userId: number): Promise<(Viewer & { name: string; email: string | null; organizationName: string; timeZone: string }) | null> {
  const [row] = await db
    .select({
      userId: users.id,
      organizationId: users.organizationId,
      role: users.role,
      name: users.name,
      email: users.email,
      timeZone: users.timeZone,
      disabledAt: users.disabledAt,
      organizationKind: organizations.kind,
      organizationName: organizations.name,
    })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.organizationId))
    .where(eq(users.id, userId));
  if (!row || row.disabledAt) return null;
  const { disabledAt: _disabled, ...viewer } = row;
  return viewer;
}

/** The SQL condition "the viewer's organization has an offer on this request". */
export function offeredBy(organizationId: number): SQL {
  return sql`exists (select 1 from ${offers} where ${offers.requestId} = ${requests.id} and ${offers.agentOrganizationId} = ${organizationId})`;
}

/**
 * The SQL condition for lists: the Telegram deals of the viewer's own
 * organization only for its staff (see `decide`); undefined when there is nothing to hide.
 */
export function telegramDealsVisible(viewer: Viewer): SQL | undefined {
  if (isStaff(viewer)) return undefined;
  return sql`not (${requests.dialogId} is not null and ${requests.customerOrganizationId} = ${viewer.organizationId})`;
}

/** The SQL condition "this request is in the agents' general list". */
export const inGeneralList: SQL = sql`(${requests.status} = 'collecting_offers' and ${requests.hidden} = false)`;

/**
 * `decide` as an SQL condition on `requests`, for reads over many requests at
 * once (search): the rows `requestAccess` would let the viewer see. Keep the
 * two in step — test/platform/search.test.ts checks them against each other.
 */
export function requestVisibleTo(viewer: Viewer): SQL {
  const own = sql`${requests.customerOrganizationId} = ${viewer.organizationId}`;
  const asAgent = canOffer(viewer) ? sql`(${offeredBy(viewer.organizationId)} or ${inGeneralList})` : sql`false`;
  return sql`((${own} or ${asAgent}) and ${telegramDealsVisible(viewer) ?? sql`true`})`;
}

/**
 * `canSeeDealRoom` as an SQL condition on `requests` (the chat, the
 * documents): a request the viewer sees, as its customer or as the agent whose
 * offer was accepted.
 */
export function dealRoomOf(viewer: Viewer): SQL {
  const acceptedAgent = canOffer(viewer)
    ? sql`exists (select 1 from ${offers} where ${offers.id} = ${requests.acceptedOfferId} and ${offers.agentOrganizationId} = ${viewer.organizationId})`
    : sql`false`;
  return sql`(${requestVisibleTo(viewer)} and (${requests.customerOrganizationId} = ${viewer.organizationId} or ${acceptedAgent}))`;
}

export type RequestRow = typeof requests.$inferSelect;

/** How the viewer relates to a request they may see. */
export interface RequestAccess {
  request: RequestRow;
  /** The customer organization's name (read in the same query). */
  customerName: string;
  isCustomer: boolean;
  /** The viewer's organization offered on it. */
  hasOffered: boolean;
  /** The viewer's organization's offer was accepted: it works on the request with the customer. */
  isAcceptedAgent: boolean;
}

/**
 * Loads a request the viewer may see, or throws NotFoundError.
 * Pass `forUpdate` inside a transaction that changes the request.
 */
export async function requestAccess(db: Db, viewer: Viewer, requestId: number, options: { forUpdate?: boolean } = {}): Promise<RequestAccess> {
  const query = db
    .select({ request: requests, customerName: organizations.name })
    .from(requests)
    .innerJoin(organizations, eq(organizations.id, requests.customerOrganizationId))
    .where(eq(requests.id, requestId));
  const [row] = options.forUpdate ? await query.for('update', { of: requests }) : await query;
  if (!row) throw new NotFoundError('Заявка не найдена');
  const { request, customerName } = row;
  const ownOfferIds = canOffer(viewer)
    ? (
        await db
          .select({ id: offers.id })
          .from(offers)
          .where(and(eq(offers.requestId, requestId), eq(offers.agentOrganizationId, viewer.organizationId)))
      ).map((offer) => offer.id)
    : [];
  return decide(viewer, request, customerName, ownOfferIds);
}

/** The rule itself, given the request and the viewer's organization's offers on it. */
function decide(viewer: Viewer, request: RequestRow, customerName: string, ownOfferIds: number[]): RequestAccess {
  // A Telegram deal's customer is our organization; its other roles (agent, customer) must not read the client's conversation.
  if (request.dialogId !== null && request.customerOrganizationId === viewer.organizationId && !isStaff(viewer)) {
    throw new NotFoundError('Заявка не найдена');
  }
  const isCustomer = request.customerOrganizationId === viewer.organizationId;
  const hasOffered = ownOfferIds.length > 0;
  const isAcceptedAgent = request.acceptedOfferId !== null && ownOfferIds.includes(request.acceptedOfferId);
  const inList = request.status === 'collecting_offers' && !request.hidden && canOffer(viewer);
  if (!isCustomer && !hasOffered && !inList) throw new NotFoundError('Заявка не найдена');
  return { request, customerName, isCustomer, hasOffered, isAcceptedAgent };
}

const snakeToCamel = (key: string) => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * `requestAccess` for pages that only read: the request, its customer's name
 * and the viewer's offers in one round trip, as a named prepared statement
 * (the request page and its chat are read on every live update).
 */
export async function requestAccessForRead(pool: Pick<pg.Pool, 'query'>, viewer: Viewer, requestId: number): Promise<RequestAccess> {
  const result = await pool.query<Record<string, unknown>>({
    name: 'hotline_request_access',
    text: `select r.*, o.name as customer_name__,
                  array(select f.id from offers f where f.request_id = r.id and f.agent_organization_id = $2) as own_offer_ids__
           from requests r
           join organizations o on o.id = r.customer_organization_id
           where r.id = $1`,
    values: [requestId, viewer.organizationId],
  });
  const row = result.rows[0];
  if (!row) throw new NotFoundError('Заявка не найдена');
  const { customer_name__: customerName, own_offer_ids__: ownOfferIds, ...columns } = row;
  const request = Object.fromEntries(Object.entries(columns).map(([key, value]) => [snakeToCamel(key), value])) as RequestRow;
  const offerIds = canOffer(viewer) ? (ownOfferIds as Array<string | number>).map(Number) : [];
  return decide(viewer, request, customerName as string, offerIds);
}

/**
 * Changing a request — its terms, its status — from the page or from the
 * topic (`/rate`, the card's buttons): its customer only. In Telegram the
 * customer is our organization, acting through a manager (`managerRefusal`).
 */
export const mayRunDeal = (access: RequestAccess) => access.isCustomer;

/**
 * Why a person in the managers' group may not act there as a manager, or
 * null when they may. Group membership is Telegram's proof of who is a
 * manager; the platform account says whether that still holds: a disabled
 * account or a role other than manager or administrator refuses every
 * command and card button, as the platform refuses their sign-in.
 */
export function managerRefusal(user: { role: Role; disabledAt: Date | null }): string | null {
  if (user.disabledAt) return 'Ваша учётная запись Hotline отключена: команды и кнопки карточки вам недоступны. Обратитесь к администратору.';
  if (!isStaff(user)) return 'Команды и кнопки карточки доступны только менеджерам Hotline, а у вашей учётной записи другая роль.';
  return null;
}

/** Chat and documents: the customer, and the agent whose offer was accepted. */
export const canSeeDealRoom = (access: RequestAccess) => access.isCustomer || access.isAcceptedAgent;

/**
 * Who receives a piece of request-derived data (a live event, a timeline
 * entry): `viewers` — everyone who may see the request; `customer` — its
 * customer only; `dealRoom` — the customer and the agent whose offer was
 * accepted (the terms, the chat, the documents).
 */
export type Audience = 'viewers' | 'customer' | 'dealRoom';

/** Whether the viewer, related to the request as `access` says, is in `audience`. */
export function inAudience(access: RequestAccess, audience: Audience): boolean {
  if (audience === 'viewers') return true;
  if (audience === 'customer') return access.isCustomer;
  return canSeeDealRoom(access);
}

/** One row of the request's history, as stored in `events`. */
export interface TimelineEvent {
  name: string;
  subjectType: string;
  before: unknown;
  after: unknown;
}

const record = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, unknown>) : null);
const statusOnly = (value: unknown) => {
  const row = record(value);
  return row && 'status' in row ? { status: row.status } : null;
};

/**
 * What the viewer sees of one history event, or null when it is not for
 * them. Outside the deal room a status change shows the status only (not
 * which offer won at what price), a change of the terms is not shown at all,
 * and an event of a kind this rule does not know is the deal room's: a new
 * kind is hidden until someone decides who may see it.
 * Offer events reach this rule already filtered to the offers the viewer sees
 * (all for the customer, its own for an agent).
 */
export function timelineEntry(access: RequestAccess, event: TimelineEvent): { before: Record<string, unknown> | null; after: Record<string, unknown> | null } | null {
  if (canSeeDealRoom(access)) return { before: record(event.before), after: record(event.after) };
  // The viewer's own organization's offer: its own data.
  if (event.subjectType === 'offer') return { before: record(event.before), after: record(event.after) };
  switch (event.name) {
    case 'request.created':
      return { before: null, after: statusOnly(event.after) };
    case 'request.status':
      return { before: statusOnly(event.before), after: statusOnly(event.after) };
    default:
      return null;
  }
}
