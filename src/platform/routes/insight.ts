/**
 * `/insight/...`: the dashboard's charts, one route and one SQL query each
 * (insightQueries.ts; definitions in docs/insight.md). Only the head of the
 * managers' team — an administrator of our organization (`maySeeDashboard`)
 * — is answered; everyone else gets 403.
 *
 * Every chart takes the same query string:
 * - `from`, `to`: `YYYY-MM-DD`, whole days in the viewer's time zone, both
 *   inclusive; default the last 30 days up to today. `from` after `to`, a
 *   period over 366 days or a date that does not exist → 400 naming the field.
 * - `manager`: a user id of our staff (managers, administrators); unknown → 400.
 * Answers echo the period (`from`, `to`, `timeZone`) beside `rows`.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ForbiddenError } from '../../commands/context.js';
import { FieldErrorCollector } from '../../commands/validation.js';
import type { Db } from '../../db/index.js';
import { maySeeDashboard } from '../../policies/access.js';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { errorBody, rowId } from './schemas.js';
import {
  dialogsPerDay,
  firstResponsePerDay,
  funnel,
  requestsByStatus,
  resolutionPerDay,
  sources,
  staffList,
  timesPerManager,
  volumeByAgent,
  volumeByCurrency,
  type InsightFilter,
} from './insightQueries.js';

/** The longest period one request may ask for, in days. */
export const MAX_PERIOD_DAYS = 366;
const DEFAULT_PERIOD_DAYS = 30;
const FALLBACK_ZONE = 'Europe/Moscow';

const filterQuery = z.strictObject({
  from: z.string().max(10).optional(),
  to: z.string().max(10).optional(),
  manager: rowId.optional(),
});

const period = { from: z.string(), to: z.string(), timeZone: z.string() };
const seconds = z.number().nullable();

/** A real calendar date `YYYY-MM-DD` between 2000 and 2100, or null. */
function calendarDate(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const date = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) return null;
  return text >= '2000-01-01' && text <= '2100-12-31' ? text : null;
}

/** Today's date in `timeZone`, `YYYY-MM-DD`. */
function today(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

const addDays = (day: string, count: number) => new Date(Date.parse(`${day}T00:00:00Z`) + count * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

function validZone(zone: string | undefined): string {
  try {
    if (zone) {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return zone;
    }
  } catch {
    /* a zone this runtime does not know: the organization's default */
  }
  return FALLBACK_ZONE;
}

/**
 * The filter of one chart request: the period checked and defaulted, the
 * manager checked against our staff. Throws FieldErrors (400) with every
 * bad field at once (`from`, `to`, `manager`), not only the first.
 */
export async function readFilter(db: Db, query: z.infer<typeof filterQuery>, timeZone: string | undefined): Promise<InsightFilter> {
  const zone = validZone(timeZone);
  const errors = new FieldErrorCollector();
  const to = query.to === undefined ? today(zone) : calendarDate(query.to);
  if (!to) errors.add('to', 'Дата «по» — в формате ГГГГ-ММ-ДД, существующий день с 2000 по 2100 год');
  const from = query.from === undefined ? (to ? addDays(to, -(DEFAULT_PERIOD_DAYS - 1)) : null) : calendarDate(query.from);
  if (query.from !== undefined && !from) errors.add('from', 'Дата «с» — в формате ГГГГ-ММ-ДД, существующий день с 2000 по 2100 год');
  if (from && to && from > to) errors.add('from', 'Дата «с» позже даты «по»');
  else if (from && to && daysBetween(from, to) + 1 > MAX_PERIOD_DAYS) errors.add('from', `Период — не больше ${MAX_PERIOD_DAYS} дней`);
  if (query.manager !== undefined && !(await staffList(db)).some((user) => user.id === query.manager)) errors.add('manager', 'Такого менеджера нет');
  errors.throwIfAny();
  return { from: from!, to: to!, timeZone: zone, managerId: query.manager ?? null };
}

export const insightRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const tags = ['insight'];

  /** The viewer's filter, or 403 for anyone but the head of team. */
  const authorized = async (request: FastifyRequest, query: z.infer<typeof filterQuery>) => {
    const viewer = requireViewer(request);
    const { db } = getContext().database;
    if (!(await maySeeDashboard(db, viewer))) throw new ForbiddenError('Панель показателей видит только руководитель (администратор)');
    return { db, filter: await readFilter(db, query, viewer.timeZone) };
  };
  const echo = (f: InsightFilter) => ({ from: f.from, to: f.to, timeZone: f.timeZone });
  const errors = { 400: errorBody, 401: errorBody, 403: errorBody };

  /** The manager filter's choices: our managers and administrators, by name. */
  app.get(
    '/insight/managers',
    { schema: { tags, summary: 'Managers for the dashboard filter (head of team only)', response: { 200: z.object({ rows: z.array(z.object({ id: z.number(), name: z.string() })) }), 401: errorBody, 403: errorBody } } },
    async (request) => {
      const { db } = await authorized(request, {});
      return { rows: await staffList(db) };
    },
  );

  /** Dialogs opened per day (zero days listed). */
  app.get(
    '/insight/dialogs',
    {
      schema: {
        tags,
        summary: 'Dialogs opened per day of the period (head of team only)',
        querystring: filterQuery,
        response: { 200: z.object({ ...period, rows: z.array(z.object({ day: z.string(), dialogs: z.number() })) }), ...errors },
      },
    },
    async (request) => {
      const { db, filter } = await authorized(request, request.query);
      return { ...echo(filter), rows: await dialogsPerDay(db, filter) };
    },
  );

  /** First response per day: seconds, median and p90, over the dialogs opened that day that were answered. */
  app.get(
    '/insight/first-response',
    {
      schema: {
        tags,
        summary: 'First response time per day: median and p90 in seconds (head of team only)',
        querystring: filterQuery,
        response: { 200: z.object({ ...period, rows: z.array(z.object({ day: z.string(), answered: z.number(), median: seconds, p90: seconds })) }), ...errors },
      },
    },
    async (request) => {
      const { db, filter } = await authorized(request, request.query);
      return { ...echo(filter), rows: await firstResponsePerDay(db, filter) };
    },
  );

  /** Resolution per day: seconds from a request's creation to its completion, median and p90, by day of completion. */
  app.get(
    '/insight/resolution',
    {
      schema: {
        tags,
        summary: 'Resolution time per day: median and p90 in seconds (head of team only)',
        querystring: filterQuery,
        response: { 200: z.object({ ...period, rows: z.array(z.object({ day: z.string(), completed: z.number(), median: seconds, p90: seconds })) }), ...errors },
      },
    },
    async (request) => {
      const { db, filter } = await authorized(request, request.query);
      return { ...echo(filter), rows: await resolutionPerDay(db, filter) };
    },
  );

  /** First response and resolution per manager (seconds, median and p90). */
  app.get(
    '/insight/managers-times',
    {
      schema: {
        tags,
        summary: 'First response and resolution per manager: counts, median and p90 in seconds (head of team only)',
        querystring: filterQuery,
        response: {
          200: z.object({
            ...period,
            rows: z.array(
              z.object({
                managerId: z.number(),
                manager: z.string(),
                answered: z.number(),
                firstResponseMedian: seconds,
                firstResponseP90: seconds,
                completed: z.number(),
                resolutionMedian: seconds,
                resolutionP90: seconds,
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { db, filter } = await authorized(request, request.query);
      return { ...echo(filter), rows: await timesPerManager(db, filter) };
    },
  );

  /** The funnel dialog → request → accepted → completed / cancelled, counted in dialogs. */
  app.get(
    '/insight/funnel',
    {
      schema: {
        tags,
        summary: 'Funnel over the dialogs opened in the period: with a request, accepted, completed, cancelled (head of team only)',
        querystring: filterQuery,
        response: {
          200: z.object({ ...period, rows: z.object({ dialogs: z.number(), withRequest: z.number(), accepted: z.number(), completed: z.number(), cancelled: z.number() }) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { db, filter } = await authorized(request, request.query);
      return { ...echo(filter), rows: await funnel(db, filter) };
    },
  );

  /** Volume per currency: decimal text, summed in SQL. */
  app.get(
    '/insight/volume-currency',
    {
      schema: {
        tags,
        summary: 'Volume of accepted and completed requests per currency, decimal strings (head of team only)',
        querystring: filterQuery,
        response: { 200: z.object({ ...period, rows: z.array(z.object({ currency: z.string(), requests: z.number(), volume: z.string() })) }), ...errors },
      },
    },
    async (request) => {
      const { db, filter } = await authorized(request, request.query);
      return { ...echo(filter), rows: await volumeByCurrency(db, filter) };
    },
  );

  /** Volume per payment agent and currency: decimal text, summed in SQL. */
  app.get(
    '/insight/volume-agent',
    {
      schema: {
        tags,
        summary: 'Volume of accepted and completed requests per agent and currency, decimal strings (head of team only)',
        querystring: filterQuery,
        response: {
          200: z.object({ ...period, rows: z.array(z.object({ agentId: z.number(), agent: z.string(), currency: z.string(), requests: z.number(), volume: z.string() })) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { db, filter } = await authorized(request, request.query);
      return { ...echo(filter), rows: await volumeByAgent(db, filter) };
    },
  );

  /** Requests created in the period by their current status. */
  app.get(
    '/insight/statuses',
    {
      schema: {
        tags,
        summary: 'Requests created in the period by current status (head of team only)',
        querystring: filterQuery,
        response: { 200: z.object({ ...period, rows: z.array(z.object({ status: z.string(), requests: z.number() })) }), ...errors },
      },
    },
    async (request) => {
      const { db, filter } = await authorized(request, request.query);
      return { ...echo(filter), rows: await requestsByStatus(db, filter) };
    },
  );

  /** Clients who first wrote in the period, by the start parameter of their first deep link (null: none). */
  app.get(
    '/insight/sources',
    {
      schema: {
        tags,
        summary: 'New clients by source (the start parameter of their first deep link; null: none), most first (head of team only)',
        querystring: filterQuery,
        response: { 200: z.object({ ...period, rows: z.array(z.object({ source: z.string().nullable(), clients: z.number() })) }), ...errors },
      },
    },
    async (request) => {
      const { db, filter } = await authorized(request, request.query);
      return { ...echo(filter), rows: await sources(db, filter) };
    },
  );
};
