/**
 * The dashboard's numbers, one SQL query per chart (docs/insight.md defines
 * each of them). Everything is counted, summed and ranked in PostgreSQL:
 * money leaves as decimal text (`sum(numeric)::text`), durations as whole
 * seconds, days as `YYYY-MM-DD` cut in the viewer's time zone.
 *
 * A period is `[from, to]`, whole days in `timeZone`: from `from` 00:00 to the
 * end of `to`, both inclusive.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/index.js';

export interface InsightFilter {
  /** First day, `YYYY-MM-DD`, in `timeZone`. */
  from: string;
  /** Last day (inclusive), `YYYY-MM-DD`, in `timeZone`. */
  to: string;
  /** IANA zone the days are cut in (the viewer's, as the web shows dates). */
  timeZone: string;
  /** Only this manager's part (a user id of our staff); null — everyone. */
  managerId: number | null;
}

const lower = (f: InsightFilter) => sql`(${f.from}::date::timestamp at time zone ${f.timeZone})`;
const upper = (f: InsightFilter) => sql`((${f.to}::date + 1)::timestamp at time zone ${f.timeZone})`;
const inPeriod = (column: SQL, f: InsightFilter) => sql`${column} >= ${lower(f)} and ${column} < ${upper(f)}`;
const dayOf = (column: SQL, f: InsightFilter) => sql`(${column} at time zone ${f.timeZone})::date`;
const days = (f: InsightFilter) => sql`select d::date as day from generate_series(${f.from}::date, ${f.to}::date, interval '1 day') d`;

/**
 * Dialogs opened in the period, each with its first answer: the client's
 * first message (`asked_at`) and the first thing a manager sent the client
 * after it (`replied_at`, by `replied_by`) — a message of the topic
 * (direction `out`) or a platform post delivered to the client, whichever
 * came first. A dialog belongs to the manager who answered it first: the
 * message's platform author, else the account with its author's Telegram id.
 *
 * The answer is kept on the dialog by the database as messages and posts
 * are written (`dialogs.first_*`, migration 0025), and so is the dialog's
 * funnel as requests are written (`dialogs.funnel_*`, migration 0030): this
 * reads one entry per dialog of `dialogs_insight_idx`, which holds them all
 * (an index-only scan), and no message or request.
 */
const answeredDialogs = (f: InsightFilter) => sql`
  answered as (
    select d.id, ${dayOf(sql`d.created_at`, f)} as day, d.first_asked_at as asked_at, d.first_answered_at as replied_at,
           coalesce(d.first_answer_user_id, u.id) as replied_by,
           d.funnel_request, d.funnel_accepted, d.funnel_completed, d.funnel_cancelled
    from dialogs d
    left join users u on d.first_answer_user_id is null and u.telegram_user_id = d.first_answer_telegram_id
    where ${inPeriod(sql`d.created_at`, f)}
  ),
  mine as (
    select * from answered where ${f.managerId === null ? sql`true` : sql`replied_by = ${f.managerId}`}
  )`;

/**
 * The dialogs opened in the period as `mine (id, day, funnel_*)`: all of them, or with
 * a manager chosen, those that manager answered first (`answeredDialogs`).
 */
const openedDialogs = (f: InsightFilter) =>
  f.managerId === null
    ? sql`mine as (
        select d.id, ${dayOf(sql`d.created_at`, f)} as day, d.funnel_request, d.funnel_accepted, d.funnel_completed, d.funnel_cancelled
        from dialogs d where ${inPeriod(sql`d.created_at`, f)})`
    : answeredDialogs(f);

/**
 * Requests completed in the period (the `request.status` event that made
 * them `completed`, whose `at` the database keeps on the request as
 * `requests.completed_at`, migration 0030), with the seconds from creation to
 * completion and the manager who created them: the period's entries of
 * `requests_completed_idx`, which holds all three.
 */
const resolvedRequests = (f: InsightFilter) => sql`
  resolved as (
    select r.id, r.created_by, ${dayOf(sql`r.completed_at`, f)} as day, extract(epoch from r.completed_at - r.created_at) as seconds
    from requests r
    where r.completed_at is not null and ${inPeriod(sql`r.completed_at`, f)}
      and ${f.managerId === null ? sql`true` : sql`r.created_by = ${f.managerId}`}
  )`;

/** Requests created in the period (by the manager, when one is chosen). */
const periodRequests = (f: InsightFilter) =>
  sql`${inPeriod(sql`r.created_at`, f)} and ${f.managerId === null ? sql`true` : sql`r.created_by = ${f.managerId}`}`;

const seconds = (expression: SQL) => sql`round(${expression})::bigint`;
const median = (value: SQL) => seconds(sql`percentile_cont(0.5) within group (order by ${value})`);
const p90 = (value: SQL) => seconds(sql`percentile_cont(0.9) within group (order by ${value})`);

async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  return (await db.execute<T & Record<string, unknown>>(query)).rows as T[];
}

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** Per day of the period: dialogs opened (zero days included). */
export async function dialogsPerDay(db: Db, f: InsightFilter): Promise<Array<{ day: string; dialogs: number }>> {
  const result = await rows<{ day: string; dialogs: string }>(
    db,
    sql`with ${openedDialogs(f)}
        select to_char(days.day, 'YYYY-MM-DD') as day, count(mine.id) as dialogs
        from (${days(f)}) days left join mine on mine.day = days.day
        group by days.day order by days.day`,
  );
  return result.map((row) => ({ day: row.day, dialogs: Number(row.dialogs) }));
}

/** Per day: first-response seconds (median, p90) over the dialogs opened that day and answered. */
export async function firstResponsePerDay(db: Db, f: InsightFilter): Promise<Array<{ day: string; answered: number; median: number | null; p90: number | null }>> {
  const value = sql`extract(epoch from mine.replied_at - mine.asked_at)`;
  const result = await rows<Record<string, unknown>>(
    db,
    sql`with ${answeredDialogs(f)}
        select to_char(days.day, 'YYYY-MM-DD') as day, count(mine.replied_at) as answered, ${median(value)} as median, ${p90(value)} as p90
        from (${days(f)}) days left join mine on mine.day = days.day and mine.replied_at is not null
        group by days.day order by days.day`,
  );
  return result.map((row) => ({ day: String(row.day), answered: Number(row.answered), median: num(row.median), p90: num(row.p90) }));
}

/** Per day: resolution seconds (median, p90) over the requests completed that day. */
export async function resolutionPerDay(db: Db, f: InsightFilter): Promise<Array<{ day: string; completed: number; median: number | null; p90: number | null }>> {
  const value = sql`resolved.seconds`;
  const result = await rows<Record<string, unknown>>(
    db,
    sql`with ${resolvedRequests(f)}
        select to_char(days.day, 'YYYY-MM-DD') as day, count(resolved.id) as completed, ${median(value)} as median, ${p90(value)} as p90
        from (${days(f)}) days left join resolved on resolved.day = days.day
        group by days.day order by days.day`,
  );
  return result.map((row) => ({ day: String(row.day), completed: Number(row.completed), median: num(row.median), p90: num(row.p90) }));
}

export interface ManagerTimes {
  managerId: number;
  manager: string;
  answered: number;
  firstResponseMedian: number | null;
  firstResponseP90: number | null;
  completed: number;
  resolutionMedian: number | null;
  resolutionP90: number | null;
}

/**
 * Per manager: first response (over the dialogs they answered first) and
 * resolution (over the requests they created and that were completed in the
 * period). Answers not tied to a platform account are left out.
 */
export async function timesPerManager(db: Db, f: InsightFilter): Promise<ManagerTimes[]> {
  const response = sql`extract(epoch from mine.replied_at - mine.asked_at)`;
  const result = await rows<Record<string, unknown>>(
    db,
    sql`with ${answeredDialogs(f)}, ${resolvedRequests(f)},
        responses as (
          select mine.replied_by as user_id, count(*) as answered, ${median(response)} as median, ${p90(response)} as p90
          from mine where mine.replied_by is not null group by mine.replied_by
        ),
        resolutions as (
          select resolved.created_by as user_id, count(*) as completed, ${median(sql`resolved.seconds`)} as median, ${p90(sql`resolved.seconds`)} as p90
          from resolved where resolved.created_by is not null group by resolved.created_by
        )
        select u.id, u.name, coalesce(responses.answered, 0) as answered, responses.median as fr_median, responses.p90 as fr_p90,
               coalesce(resolutions.completed, 0) as completed, resolutions.median as res_median, resolutions.p90 as res_p90
        from responses full join resolutions on resolutions.user_id = responses.user_id
        join users u on u.id = coalesce(responses.user_id, resolutions.user_id)
        order by u.name, u.id`,
  );
  return result.map((row) => ({
    managerId: Number(row.id),
    manager: String(row.name),
    answered: Number(row.answered),
    firstResponseMedian: num(row.fr_median),
    firstResponseP90: num(row.fr_p90),
    completed: Number(row.completed),
    resolutionMedian: num(row.res_median),
    resolutionP90: num(row.res_p90),
  }));
}

export interface Funnel {
  dialogs: number;
  withRequest: number;
  accepted: number;
  completed: number;
  cancelled: number;
}

/**
 * The funnel over the dialogs opened in the period: how many have a request,
 * one whose offer was accepted, one completed, one cancelled. Each dialog's
 * four answers are kept on it by the database (`dialogs.funnel_*`, migration
 * 0030, recomputed from its requests whenever one is written), so this counts
 * the period's entries of `dialogs_insight_idx` and reads no request.
 */
export async function funnel(db: Db, f: InsightFilter): Promise<Funnel> {
  const [row] = await rows<Record<string, unknown>>(
    db,
    sql`with ${openedDialogs(f)}
        select count(*) as dialogs, count(*) filter (where funnel_request) as with_request, count(*) filter (where funnel_accepted) as accepted,
               count(*) filter (where funnel_completed) as completed, count(*) filter (where funnel_cancelled) as cancelled
        from mine`,
  );
  return {
    dialogs: Number(row?.dialogs ?? 0),
    withRequest: Number(row?.with_request ?? 0),
    accepted: Number(row?.accepted ?? 0),
    completed: Number(row?.completed ?? 0),
    cancelled: Number(row?.cancelled ?? 0),
  };
}

/**
 * Volume per currency: the amounts of requests created in the period whose
 * offer was accepted and that were not cancelled (accepted or completed),
 * summed in SQL; `volume` is decimal text.
 */
export async function volumeByCurrency(db: Db, f: InsightFilter): Promise<Array<{ currency: string; requests: number; volume: string }>> {
  const result = await rows<{ currency: string; requests: string; volume: string }>(
    db,
    sql`select r.currency, count(*) as requests, sum(r.amount)::text as volume
        from requests r
        where ${periodRequests(f)} and r.accepted_offer_id is not null and r.status in ('accepted', 'completed')
        group by r.currency order by sum(r.amount) desc, r.currency`,
  );
  return result.map((row) => ({ currency: row.currency, requests: Number(row.requests), volume: row.volume }));
}

/**
 * The same volume per payment agent (the organization whose offer was
 * accepted) and currency. The agent is kept on the request
 * (`requests.accepted_agent_id`, set from the offer by migration 0030's
 * trigger), so the period's entries of `requests_insight_idx` are summed
 * first and only the few sums are joined to the agents' names.
 */
export async function volumeByAgent(db: Db, f: InsightFilter): Promise<Array<{ agentId: number; agent: string; currency: string; requests: number; volume: string }>> {
  const result = await rows<{ agent_id: string; agent: string; currency: string; requests: string; volume: string }>(
    db,
    sql`with sums as (
          select r.accepted_agent_id, r.currency, count(*) as requests, sum(r.amount) as volume
          from requests r
          where ${periodRequests(f)} and r.accepted_offer_id is not null and r.status in ('accepted', 'completed')
          group by r.accepted_agent_id, r.currency
        )
        select a.id as agent_id, a.name as agent, sums.currency, sums.requests, sums.volume::text as volume
        from sums join organizations a on a.id = sums.accepted_agent_id
        order by a.name, a.id, sums.currency`,
  );
  return result.map((row) => ({ agentId: Number(row.agent_id), agent: row.agent, currency: row.currency, requests: Number(row.requests), volume: row.volume }));
}

/** Requests created in the period by their status now (every status listed, zeros included). */
export async function requestsByStatus(db: Db, f: InsightFilter): Promise<Array<{ status: string; requests: number }>> {
  const result = await rows<{ status: string; requests: string }>(
    db,
    sql`with counted as (select r.status, count(*) as requests from requests r where ${periodRequests(f)} group by r.status)
        select s.status::text as status, coalesce(counted.requests, 0) as requests
        from unnest(enum_range(null::request_status)) as s(status)
        left join counted on counted.status = s.status
        order by s.status`,
  );
  return result.map((row) => ({ status: row.status, requests: Number(row.requests) }));
}

/**
 * Clients who first wrote in the period, by the start parameter of their
 * first deep link (`clients.start_parameter`, `/start ads_x` → `ads_x`);
 * `source: null` — they opened the bot without one. Most first. The manager
 * filter does not apply (a source is the client's, not a manager's).
 */
export async function sources(db: Db, f: InsightFilter): Promise<Array<{ source: string | null; clients: number }>> {
  const result = await rows<{ source: string | null; clients: string }>(
    db,
    sql`select c.start_parameter as source, count(*) as clients from clients c
        where ${inPeriod(sql`c.created_at`, f)}
        group by c.start_parameter order by count(*) desc, c.start_parameter nulls last`,
  );
  return result.map((row) => ({ source: row.source, clients: Number(row.clients) }));
}

/** Our staff who may be picked in the manager filter: managers and administrators of our organization, by name. */
export async function staffList(db: Db): Promise<Array<{ id: number; name: string }>> {
  const result = await rows<{ id: string; name: string }>(
    db,
    sql`select u.id, u.name from users u join organizations o on o.id = u.organization_id
        where o.is_ours and u.role in ('manager', 'admin') order by u.name, u.id`,
  );
  return result.map((row) => ({ id: Number(row.id), name: row.name }));
}
