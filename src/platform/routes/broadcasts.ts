/**
 * `/broadcasts`: рассылки (issue 19.5) — a text to every client with a label.
 * Draft → test send to oneself → start → progress → report (JSON and CSV).
 * Our managers and admins only (`maySendBroadcasts`): others get 403 on every
 * route. Thin: every route calls a command (commands/saveBroadcast,
 * testBroadcast, startBroadcast).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { BROADCAST_VARIABLES } from '../../core/broadcast.js';
import { broadcastReport, getBroadcast, listBroadcasts, requireBroadcasts, saveBroadcast, type Broadcast, type Progress, type TestState } from '../../commands/saveBroadcast.js';
import { cancelBroadcast, startBroadcast } from '../../commands/startBroadcast.js';
import { testBroadcast } from '../../commands/testBroadcast.js';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { errorBody, idParam } from './schemas.js';

const progress = z.object({ total: z.number(), sent: z.number(), failed: z.number(), skipped: z.number(), left: z.number() });

const broadcast = z.object({
  id: z.number(),
  title: z.string(),
  /** Telegram HTML (<b> <i> <u> <s> <a href> <code>) with `{client}` / `{manager}`. */
  body: z.string(),
  labels: z.array(z.string()),
  /** draft → sending → done, or cancelled. */
  state: z.enum(['draft', 'sending', 'done', 'cancelled']),
  /** True when the current body was test-sent (a start needs it). */
  tested: z.boolean(),
  /** ISO time of the last test send, and who made it. */
  testedAt: z.string().nullable(),
  testedBy: z.string().nullable(),
  /**
   * Where the current body's test message is (null when not test-sent): `sending` — Telegram has not taken it yet
   * (the page polls); `delivered` — it has, a start is allowed; `failed` — refused, see `testFailure`.
   */
  testDelivery: z.enum(['sending', 'delivered', 'failed']).nullable(),
  /** Why the test failed: `unreachable` — Telegram's 403 (never pressed Start in the bot, or stopped it); `refused` — anything else. */
  testFailure: z.enum(['unreachable', 'refused']).nullable(),
  /** Telegram's words for a failed test (e.g. "Forbidden: bot can't initiate conversation with a user"). */
  testDetail: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progress,
});

const line = z.object({
  clientId: z.number(),
  name: z.string(),
  username: z.string().nullable(),
  telegramUserId: z.number(),
  outcome: z.enum(['pending', 'sent', 'failed', 'skipped']),
  /** opted_out, banned, cancelled (skipped); blocked, failed (failed). */
  reason: z.enum(['opted_out', 'banned', 'cancelled', 'blocked', 'failed']).nullable(),
  /** Telegram's refusal, for failures. */
  detail: z.string().nullable(),
  sentAt: z.string().nullable(),
});

/** Body of create and update; sizes beyond the rules are refused by the command with a field message, these caps only stop abuse. */
const broadcastBody = z.strictObject({ title: z.string().max(1000), body: z.string().max(20_000), labels: z.array(z.string().max(200)).max(100) });

const view = (row: Broadcast & { progress: Progress; testedByName?: string | null; test: TestState }) => ({
  id: row.id,
  title: row.title,
  body: row.body,
  labels: row.labels,
  state: row.state as 'draft' | 'sending' | 'done' | 'cancelled',
  tested: row.testedBody !== null && row.testedBody === row.body,
  testedAt: row.testedAt?.toISOString() ?? null,
  testedBy: row.testedByName ?? null,
  testDelivery: row.test?.delivery ?? null,
  testFailure: row.test?.failure ?? null,
  testDetail: row.test?.detail ?? null,
  startedAt: row.startedAt?.toISOString() ?? null,
  finishedAt: row.finishedAt?.toISOString() ?? null,
  progress: row.progress,
});

/** A CSV cell: quoted, quotes doubled, and a leading = + - @ neutralized (a spreadsheet would run it as a formula). */
function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

const OUTCOME_RU = { pending: 'ещё не отправлено', sent: 'доставлено', failed: 'не доставлено', skipped: 'пропущено' } as const;
const REASON_RU = { opted_out: 'клиент отписался', banned: 'клиент в чёрном списке', cancelled: 'рассылка остановлена', blocked: 'клиент остановил бота или не запускал его', failed: 'Telegram отказал' } as const;

export const broadcastRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const load = async (viewer: ReturnType<typeof requireViewer>, id: number) => view(await getBroadcast(getContext().database, viewer, id));

  /** Every broadcast, newest first, with progress; the variables a text may use; the labels clients have (with counts) to choose from. */
  app.get(
    '/broadcasts',
    {
      schema: {
        tags: ['broadcasts'],
        summary: 'Broadcasts (our managers and admins only), their variables and the labels to choose from',
        response: {
          200: z.object({ items: z.array(broadcast), variables: z.array(z.object({ name: z.string(), description: z.string() })), labels: z.array(z.object({ label: z.string(), clients: z.number() })) }),
          401: errorBody,
          403: errorBody,
        },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const { db } = getContext().database;
      const items = await listBroadcasts({ db }, viewer);
      const labels = await db.execute<{ label: string; clients: number }>(
        sql`select label, count(*)::int as clients from client_labels group by label order by label limit 500`,
      );
      return {
        items: items.map(view),
        variables: Object.entries(BROADCAST_VARIABLES).map(([name, description]) => ({ name, description })),
        labels: labels.rows.map((row) => ({ label: row.label, clients: Number(row.clients) })),
      };
    },
  );

  /** Creates a draft. 400 with `fields.title` / `fields.body` / `fields.labels` saying what to fix. */
  app.post(
    '/broadcasts',
    { schema: { tags: ['broadcasts'], summary: 'Creates a broadcast draft', body: broadcastBody, response: { 201: broadcast, 400: errorBody, 401: errorBody, 403: errorBody } } },
    async (request, reply) => {
      const viewer = requireViewer(request);
      const saved = await saveBroadcast(getContext(), { actor: viewer, ...request.body });
      return reply.code(201).send(await load(viewer, saved.id));
    },
  );

  /** One broadcast with its progress (the page polls it while sending). 404 for an unknown id. */
  app.get(
    '/broadcasts/:id',
    { schema: { tags: ['broadcasts'], summary: 'A broadcast and its progress', params: idParam, response: { 200: broadcast, 401: errorBody, 403: errorBody, 404: errorBody } } },
    async (request) => load(requireViewer(request), request.params.id),
  );

  /** Changes a draft (its test send is forgotten when the text changes). 409 once started; 400 as for creating. */
  app.put(
    '/broadcasts/:id',
    {
      schema: {
        tags: ['broadcasts'],
        summary: 'Changes a broadcast draft',
        params: idParam,
        body: broadcastBody,
        response: { 200: broadcast, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      await saveBroadcast(getContext(), { actor: viewer, id: request.params.id, ...request.body });
      return load(viewer, request.params.id);
    },
  );

  /** Sends the draft to the signed-in person's own Telegram. 400 when their account has no Telegram id; 409 once started. */
  app.post(
    '/broadcasts/:id/test',
    {
      schema: {
        tags: ['broadcasts'],
        summary: "Test send to oneself (the signed-in user's Telegram)",
        params: idParam,
        response: { 200: broadcast, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      await testBroadcast(getContext(), { actor: viewer, id: request.params.id });
      return load(viewer, request.params.id);
    },
  );

  /**
   * Starts sending. 409 when the current text was not test-sent, was tested by someone else, its test message is not
   * (yet) taken by Telegram, or it was started already; 400 when no client has its labels (commands/startBroadcast).
   */
  app.post(
    '/broadcasts/:id/start',
    {
      schema: {
        tags: ['broadcasts'],
        summary: 'Starts a tested broadcast',
        params: idParam,
        response: { 200: broadcast, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      await startBroadcast(getContext(), { actor: viewer, id: request.params.id });
      return load(viewer, request.params.id);
    },
  );

  /** Stops a sending broadcast: recipients not yet handed to Telegram are skipped. 409 when it is not sending. */
  app.post(
    '/broadcasts/:id/cancel',
    {
      schema: { tags: ['broadcasts'], summary: 'Stops a sending broadcast', params: idParam, response: { 200: broadcast, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } },
    },
    async (request) => {
      const viewer = requireViewer(request);
      await cancelBroadcast(getContext(), { actor: viewer, id: request.params.id });
      return load(viewer, request.params.id);
    },
  );

  /** Who got it and who did not, and why: every recipient, by name. */
  app.get(
    '/broadcasts/:id/report',
    {
      schema: { tags: ['broadcasts'], summary: "A broadcast's report: each recipient's outcome", params: idParam, response: { 200: z.object({ items: z.array(line) }), 401: errorBody, 403: errorBody, 404: errorBody } },
    },
    async (request) => ({ items: await broadcastReport(getContext().database, requireViewer(request), request.params.id) }),
  );

  /** The report as a CSV file (UTF-8 with BOM, `;`-separated as Russian Excel opens it; Russian headings). */
  app.get(
    '/broadcasts/:id/report.csv',
    { schema: { tags: ['broadcasts'], summary: "A broadcast's report as CSV", params: idParam, response: { 200: z.string(), 401: errorBody, 403: errorBody, 404: errorBody } } },
    async (request, reply) => {
      const viewer = requireViewer(request);
      await requireBroadcasts(getContext().database, viewer);
      const items = await broadcastReport(getContext().database, viewer, request.params.id);
      const rows = [
        ['Клиент', 'Username', 'Telegram ID', 'Итог', 'Причина', 'Ответ Telegram', 'Доставлено (UTC)'],
        // The username without its `@` (as in the export of clients): Excel reads a cell starting with `@` as a formula,
        // so `@name` would need csvCell's `'` guard and show as `'@name`. A Telegram username is [A-Za-z0-9_] (Telegram's
        // rule), so without the `@` it can never start a formula and needs no guard; free text keeps the guard.
        ...items.map((i) => [i.name, i.username ?? '', i.telegramUserId, OUTCOME_RU[i.outcome], i.reason ? REASON_RU[i.reason] : '', i.detail ?? '', i.sentAt ?? '']),
      ];
      const csv = '\uFEFF' + rows.map((r) => r.map(csvCell).join(';')).join('\r\n') + '\r\n';
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="broadcast-${request.params.id}.csv"`)
        .send(csv);
    },
  );
};
