/**
 * Reads behind the request pages: lists (keyset pagination, fast at
 * 100,000 requests), and one request with what its viewer may see.
 * Every read takes the viewer and applies the access rules of
 * `policies/access.ts`.
 */
import { and, asc, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { computeTerms } from '../../core/terms.js';
import { canOffer, canSeeDealRoom, inGeneralList, isStaff, offeredBy, requestAccessForRead, telegramDealsVisible, timelineEntry, type Viewer } from '../../policies/access.js';
import type { Database, Db } from '../../db/index.js';
import { offers, organizations, requests } from '../../db/schema.js';
import { ValidationError } from '../../commands/context.js';
import { DATE_MAX, DATE_MIN, parseIsoDateTime } from '../../core/fields.js';
import { Decimal, parseDecimal } from '../../core/money.js';

export type RequestSort = 'newest' | 'oldest' | 'amountDesc' | 'amountAsc';

export interface ListFilters {
  currency?: string;
  country?: string;
  amountMin?: string;
  amountMax?: string;
  /** ISO date-time, inclusive. */
  from?: string;
  /** ISO date-time, exclusive. */
  to?: string;
  sort?: RequestSort;
  cursor?: string;
  limit?: number;
}

const summaryColumns = {
  id: requests.id,
  number: requests.number,
  status: requests.status,
  origin: requests.origin,
  hidden: requests.hidden,
  amount: requests.amount,
  currency: requests.currency,
  fundingCurrency: requests.fundingCurrency,
  beneficiaryName: sql<string>`${requests.beneficiary}->>'name'`,
  beneficiaryCountry: requests.beneficiaryCountry,
  customerName: organizations.name,
  deadline: requests.deadline,
  createdAt: requests.createdAt,
};

type SummaryRow = { [K in keyof typeof summaryColumns]: unknown } & {
  id: number;
  amount: string;
  createdAt: Date;
  deadline: Date | null;
};

/** Cursor = the sort key and id of the last row, opaque to clients. */
function encodeCursor(key: string, id: number): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

/**
 * The cursor's sort key and id, checked to be what `encodeCursor` makes for
 * this sort (a decimal amount or an ISO time, a positive safe integer id);
 * anything else is a ValidationError (400), never a cast that fails in SQL.
 */
function decodeCursor(cursor: string | undefined, byAmount: boolean): [string, number] | null {
  if (!cursor) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && Number.isSafeInteger(value[1]) && (value[1] as number) > 0) {
    const [key, id] = value as [string, number];
    if (byAmount ? isDecimal(key) : parseIsoDateTime(key)) return [key, id];
  }
  throw new ValidationError('Ссылка на страницу списка устарела или повреждена: откройте список сначала', 'cursor');
}

const isDecimal = (value: string | undefined): value is string => Boolean(value && /^\d{1,13}(\.\d{1,2})?$/.test(value));

/** A list filter's date: a ValidationError when given but not a date the app works with. */
function filterDate(value: string | undefined, field: 'from' | 'to'): Date | null {
  if (!value) return null;
  const date = parseIsoDateTime(value);
  if (!date) throw new ValidationError(`Дата в формате ГГГГ-ММ-ДД, с ${DATE_MIN} по ${DATE_MAX}`, field);
  return date;
}

/** Largest value of `requests.amount`, numeric(20, 2) in src/db/schema.ts. */
const AMOUNT_MAX = '999999999999999999.99';

/**
 * A list filter's amount as a plain decimal string for SQL: a positive decimal
 * (dot or comma, at most 2 decimals, within numeric(20, 2)) read by the same
 * `parseDecimal` as the request form. Anything else (`NaN`, `1e400`, `-1`, too
 * large) is a ValidationError (400) naming the field, never an ignored filter
 * that returns the whole list (issue 16.14/16.18).
 */
function filterAmount(value: string | undefined, field: 'amountMin' | 'amountMax'): string | null {
  if (value === undefined || value === '') return null;
  const result = parseDecimal(value, { field: field === 'amountMin' ? 'Сумма «от»' : 'Сумма «до»', gender: 'f', maxDecimals: 2, max: AMOUNT_MAX });
  if (!result.ok) throw new ValidationError(result.error, field);
  return result.value.toFixed();
}

/** The WHERE and ORDER BY of a keyset page over `requests`. */
function page(conditions: Array<SQL | undefined>, filters: ListFilters) {
  const sort = filters.sort ?? 'newest';
  const byAmount = sort === 'amountDesc' || sort === 'amountAsc';
  const descending = sort === 'newest' || sort === 'amountDesc';
  const key = byAmount ? requests.amount : requests.createdAt;
  const cursor = decodeCursor(filters.cursor, byAmount);
  if (cursor) {
    const [value, id] = cursor;
    const keyValue = byAmount ? sql`${value}::numeric` : sql`${value}::timestamptz`;
    conditions.push(descending ? sql`(${key}, ${requests.id}) < (${keyValue}, ${id})` : sql`(${key}, ${requests.id}) > (${keyValue}, ${id})`);
  }
  if (filters.currency) conditions.push(eq(requests.currency, filters.currency.toUpperCase()));
  if (filters.country) conditions.push(eq(requests.beneficiaryCountry, filters.country.toUpperCase()));
  const amountMin = filterAmount(filters.amountMin, 'amountMin');
  const amountMax = filterAmount(filters.amountMax, 'amountMax');
  // A range that holds nothing is the caller's slip (the ends swapped), not an empty list (outside check).
  if (amountMin && amountMax && new Decimal(amountMin).gt(amountMax)) throw new ValidationError('Сумма «от» больше суммы «до»', 'amountMin');
  if (amountMin) conditions.push(gte(requests.amount, amountMin));
  if (amountMax) conditions.push(lte(requests.amount, amountMax));
  const from = filterDate(filters.from, 'from');
  const to = filterDate(filters.to, 'to');
  if (from && to && from > to) throw new ValidationError('Дата «с» позже даты «по»', 'from');
  if (from) conditions.push(gte(requests.createdAt, from));
  if (to) conditions.push(lt(requests.createdAt, to));
  const order = descending ? [desc(key), desc(requests.id)] : [asc(key), asc(requests.id)];
  const cursorOf = (row: SummaryRow) => encodeCursor(byAmount ? row.amount : row.createdAt.toISOString(), row.id);
  return { where: and(...conditions), order, cursorOf };
}

async function listPage(db: Db, conditions: Array<SQL | undefined>, filters: ListFilters, offerCountFor?: number) {
  const limit = Math.min(Math.max(filters.limit ?? 20, 1), 100);
  const { where, order, cursorOf } = page(conditions, filters);
  // Agents see how many offers their own organization made; customers see all offers.
  const offerCount =
    offerCountFor === undefined
      ? sql<number>`(select count(*)::int from ${offers} where ${offers.requestId} = ${requests.id})`
      : sql<number>`(select count(*)::int from ${offers} where ${offers.requestId} = ${requests.id} and ${offers.agentOrganizationId} = ${offerCountFor})`;
  const rows = (await db
    .select({ ...summaryColumns, offerCount })
    .from(requests)
    .innerJoin(organizations, eq(organizations.id, requests.customerOrganizationId))
    .where(where)
    .orderBy(...order)
    .limit(limit + 1)) as Array<SummaryRow & { offerCount: number }>;
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  return {
    items: items.map(describeSummary),
    nextCursor: more ? cursorOf(items[items.length - 1]!) : null,
  };
}

function describeSummary(row: SummaryRow & { offerCount: number }) {
  return {
    id: row.id,
    number: row.number as string,
    status: row.status as 'collecting_offers' | 'accepted' | 'completed' | 'cancelled',
    origin: row.origin as 'web' | 'telegram',
    hidden: row.hidden as boolean,
    amount: row.amount,
    currency: row.currency as string,
    fundingCurrency: row.fundingCurrency as string,
    beneficiaryName: (row.beneficiaryName as string | null) ?? '',
    beneficiaryCountry: row.beneficiaryCountry as string | null,
    customerName: row.customerName as string,
    deadline: row.deadline ? row.deadline.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    offerCount: row.offerCount,
  };
}

/** The agents' general list (or, with `mine`, the requests the viewer's organization offered on). */
export function listAgentRequests(db: Db, viewer: Viewer, filters: ListFilters & { mine?: boolean }) {
  if (!canOffer(viewer)) return Promise.resolve({ items: [], nextCursor: null });
  return listPage(db, [filters.mine ? offeredBy(viewer.organizationId) : inGeneralList, telegramDealsVisible(viewer)], filters, viewer.organizationId);
}

/** The viewer's organization's own requests. */
export function listCustomerRequests(db: Db, viewer: Viewer, filters: ListFilters & { status?: string }) {
  const conditions: Array<SQL | undefined> = [eq(requests.customerOrganizationId, viewer.organizationId), telegramDealsVisible(viewer)];
  if (filters.status) conditions.push(sql`${requests.status}::text = ${filters.status}`);
  return listPage(db, conditions, filters);
}

const TIMELINE_EVENTS = ['request.created', 'request.status', 'request.terms_changed'];

/** $2: the viewer's agent organization, or null for the customer (who sees every offer). */
const OFFERS_SQL = `
  select o.id, o.request_id, o.agent_organization_id, org.name as agent_name, o.rate, o.fee_percent, o.fixed_fee, o.total, o.days,
         o.valid_until, o.status, o.created_at
  from offers o
  join organizations org on org.id = o.agent_organization_id
  where o.request_id = $1 and ($2::bigint is null or o.agent_organization_id = $2)
  order by o.created_at, o.id`;

const DOCUMENTS_SQL = `
  select id, name, mime, size, source, state, created_at from documents where request_id = $1 order by created_at, id limit 500`;

/** The request's own events of the timeline kinds, and the events of the offers the viewer sees ($3 as in OFFERS_SQL). */
const EVENTS_SQL = `
  select e.id, e.at, e.name, e.subject_type, e.before, e.after, u.name as actor_name, org.name as actor_organization
  from events e
  left join users u on u.id = e.actor_user_id
  left join organizations org on org.id = u.organization_id
  where (e.subject_type = 'request' and e.subject_id = $1 and e.name = any($2::text[]))
     or (e.subject_type = 'offer' and e.subject_id in (
          select id from offers where request_id = $1 and ($3::bigint is null or agent_organization_id = $3)))
  order by e.at, e.id
  limit 500`;

interface OfferRow {
  id: number;
  request_id: number;
  agent_organization_id: number;
  agent_name: string;
  rate: string;
  fee_percent: string;
  fixed_fee: string;
  total: string;
  days: number;
  valid_until: Date | null;
  status: 'active' | 'accepted' | 'declined' | 'withdrawn';
  created_at: Date;
}

interface DocumentRow {
  id: number;
  name: string;
  mime: string | null;
  size: number | null;
  source: string;
  state: string;
  created_at: Date;
}

interface EventRow {
  id: number;
  at: Date;
  name: string;
  subject_type: string;
  before: unknown;
  after: unknown;
  actor_name: string | null;
  actor_organization: string | null;
}

/** One request with its offers, timeline and documents, as far as the viewer may see them. */
export async function loadRequestPage(database: Pick<Database, 'pool'>, viewer: Viewer, requestId: number) {
  const access = await requestAccessForRead(database.pool, viewer, requestId);
  const { request, isCustomer } = access;
  const dealRoom = canSeeDealRoom(access);
  // The page's three reads are fixed SQL run as named prepared statements: this page is hot, and
  // building the queries each time cost more than running them. All go out together.
  const client = database.pool;
  const agentFilter = isCustomer ? null : viewer.organizationId;
  const [offerResult, documentResult, eventResult] = await Promise.all([
    client.query<OfferRow>({ name: 'hotline_page_offers', text: OFFERS_SQL, values: [request.id, agentFilter] }),
    dealRoom
      ? client.query<DocumentRow>({ name: 'hotline_page_documents', text: DOCUMENTS_SQL, values: [request.id] })
      : Promise.resolve({ rows: [] as DocumentRow[] }),
    client.query<EventRow>({ name: 'hotline_page_events', text: EVENTS_SQL, values: [request.id, TIMELINE_EVENTS, agentFilter] }),
  ]);
  const offerRows = offerResult.rows;
  const documentRows = documentResult.rows.map((row) => ({
    id: Number(row.id),
    name: row.name,
    mime: row.mime,
    size: row.size === null ? null : Number(row.size),
    source: row.source,
    state: row.state,
    createdAt: row.created_at,
  }));
  const eventRows = eventResult.rows.map((row) => ({
    id: Number(row.id),
    at: row.at,
    name: row.name,
    subjectType: row.subject_type,
    before: row.before,
    after: row.after,
    actorName: row.actor_name,
    actorOrganization: row.actor_organization,
  }));
  const visibleOffers = offerRows.map((offer) => {
    const terms = computeTerms({ amount: request.amount, rate: offer.rate, feePercent: offer.fee_percent, fixedFee: offer.fixed_fee, days: offer.days });
    return {
      id: Number(offer.id),
      requestId: Number(offer.request_id),
      agentOrganizationId: Number(offer.agent_organization_id),
      agentName: offer.agent_name,
      rate: terms.rate,
      feePercent: terms.feePercent,
      fixedFee: terms.fixedFee,
      base: terms.base,
      fee: terms.fee,
      total: offer.total,
      days: offer.days,
      validUntil: offer.valid_until ? offer.valid_until.toISOString() : null,
      status: offer.status,
      createdAt: offer.created_at.toISOString(),
    };
  });

  const collecting = request.status === 'collecting_offers';
  return {
    request: {
      id: request.id,
      number: request.number,
      status: request.status,
      origin: request.origin,
      hidden: request.hidden,
      amount: request.amount,
      currency: request.currency,
      fundingCurrency: request.fundingCurrency,
      beneficiaryName: request.beneficiary.name ?? '',
      beneficiaryCountry: request.beneficiaryCountry,
      customerName: access.customerName,
      customerOrganizationId: request.customerOrganizationId,
      deadline: request.deadline ? request.deadline.toISOString() : null,
      createdAt: request.createdAt.toISOString(),
      offerCount: visibleOffers.length,
      beneficiary: request.beneficiary,
      purpose: request.purpose,
      documents: request.documents,
      payer: request.payer,
      comment: request.comment,
      // The terms name the chosen agent and its price: only for those in the deal.
      terms: dealRoom ? request.terms : null,
      acceptedOfferId: dealRoom ? request.acceptedOfferId : null,
      // The client's dialog, for the link to their history: our staff only (the rule of the dialogs).
      dialogId: isStaff(viewer) ? request.dialogId : null,
    },
    viewer: {
      isCustomer,
      canOffer: collecting && canOffer(viewer),
      canAccept: collecting && isCustomer,
      canChangeStatus: isCustomer && (collecting || request.status === 'accepted'),
      canChat: dealRoom,
    },
    offers: visibleOffers,
    // Every entry goes through the audience rule: a declined competitor sees no terms change.
    timeline: eventRows.flatMap((row) => {
      const visible = timelineEntry(access, row);
      if (!visible) return [];
      return [
        {
          id: row.id,
          at: row.at.toISOString(),
          actorName: row.actorName ? `${row.actorName}${row.actorOrganization ? ` (${row.actorOrganization})` : ''}` : null,
          name: row.name,
          subjectType: row.subjectType,
          ...visible,
        },
      ];
    }),
    documents: documentRows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
  };
}
