/**
 * `/clients/...`: one client on one timeline (`/clients/:id/history`) — their
 * dialog, every request made from it and each status it went through, every
 * document of the dialog and its requests, each label put on or taken off;
 * the client's labels (`/clients/:id/labels`, the same command as `/label` in
 * the topic), the labels in use (`/clients/labels`) and the export of clients
 * as CSV or XLSX (`/clients/export`). Each rating the client gave a completed request (issue 19.8) is on the
 * timeline too.
 * The same rule as the client's dialog and its Telegram deals: our managers
 * and administrators only (`maySeeDialogs`, `mayLabelClients`,
 * `mayExportClients`), 403 for others; an unknown client is 404.
 */
import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '../../commands/context.js';
import { clients, dialogs, requestRatings, requests } from '../../db/schema.js';
import { mayExportClients, mayLabelClients, maySeeDialogs } from '../../policies/access.js';
import { labelClient, labelsInUse, labelsOf } from '../../commands/labelClient.js';
import { decimalInteger } from './schemas.js';
import { clientFilterSql, exportCurrencies, exportRows } from './clientQueries.js';
import { EXPORT_TYPES, exportStream } from '../clientExport.js';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { errorBody, idParam } from './schemas.js';

/** The newest entries shown; older ones are counted in `truncated`. */
export const HISTORY_LIMIT = 500;

const entry = z.object({
  /** ISO time. */
  at: z.string(),
  /** `broadcast`: a broadcast (issue 19.5) to the client — its title in `documentName`, its outcome (sent, failed, skipped, pending) in `status`, who started it in `actorName`. */
  kind: z.enum(['dialog', 'request', 'status', 'document', 'rating', 'broadcast', 'label_added', 'label_removed']),
  requestId: z.number().nullable(),
  requestNumber: z.string().nullable(),
  /** Request: its current status; status: the status reached. */
  status: z.string().nullable(),
  /** Request: amount (decimal text) and currency. */
  amount: z.string().nullable(),
  currency: z.string().nullable(),
  documentId: z.number().nullable(),
  documentName: z.string().nullable(),
  actorName: z.string().nullable(),
  /** Rating: the client's score, 1–5, and their comment (null when they wrote none). */
  score: z.number().nullable(),
  comment: z.string().nullable(),
  /** label_added / label_removed: the label. */
  label: z.string().nullable(),
});

const history = z.object({
  client: z.object({
    id: z.number(),
    name: z.string(),
    username: z.string().nullable(),
    telegramUserId: z.number(),
    firstSeenAt: z.string(),
    /** Since when the client has blocked the bot (ISO 8601, UTC; commands/setClientBlocked): nothing we send reaches them. Null otherwise. */
    blockedAt: z.string().nullable(),
    /** The client's labels now (core/labels), alphabetical. */
    labels: z.array(z.string()),
    /** The deep-link parameter the client came by (`ads_autumn`, core/startParameter); null: they came without one. */
    startParameter: z.string().nullable(),
  }),
  dialogId: z.number().nullable(),
  entries: z.array(entry),
  /** Entries older than the shown ones. */
  truncated: z.number(),
  /** What Hotline does not store yet, so the page can say so instead of showing nothing. */
  notStored: z.array(z.enum(['ratings', 'labels'])),
});

const labelsState = z.object({ labels: z.array(z.string()), added: z.array(z.string()), removed: z.array(z.string()) });

export const clientRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();

  /**
   * A client's history, newest first: `dialog` (opened), `request` (created:
   * number, amount, currency, current status), `status` (a status the request
   * reached, by whom), `document` (a file of the dialog or of its requests),
   * `rating` (the client rated a completed request: score 1–5, comment),
   * `label_added` / `label_removed` (`label`, by whom).
   * At most HISTORY_LIMIT entries; `truncated` counts the rest.
   */
  app.get(
    '/clients/:id/history',
    {
      schema: {
        tags: ['dialogs'],
        summary: "A client's dialog, requests, statuses and documents on one timeline (our managers and admins only)",
        params: idParam,
        response: { 200: history, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const { db } = getContext().database;
      if (!(await maySeeDialogs(db, viewer))) throw new ForbiddenError('Историю клиента видят только менеджеры');
      const [client] = await db.select().from(clients).where(eq(clients.id, request.params.id));
      if (!client) throw new NotFoundError('Клиент не найден');
      const [dialog] = await db.select({ id: dialogs.id }).from(dialogs).where(eq(dialogs.clientId, client.id));
      const dialogId = dialog?.id ?? null;
      const result = await db.execute<Record<string, unknown>>(sql`
        with own_requests as (select r.* from requests r where r.dialog_id = ${dialogId}),
        timeline as (
          select d.created_at as at, 'dialog' as kind, null::bigint as request_id, null as request_number, d.status as status,
                 null as amount, null as currency, null::bigint as document_id, null as document_name, null as actor_name, null as label
            from dialogs d where d.id = ${dialogId}
          union all
          select r.created_at, 'request', r.id, r.number, r.status::text, r.amount::text, r.currency, null, null, u.name, null
            from own_requests r left join users u on u.id = r.created_by
          union all
          select e.at, 'status', r.id, r.number, e.after ->> 'status', null, null, null, null, u.name, null
            from events e join own_requests r on r.id = e.subject_id left join users u on u.id = e.actor_user_id
           where e.subject_type = 'request' and e.name = 'request.status'
          union all
          select doc.created_at, 'document', doc.request_id, r.number, null, null, null, doc.id, doc.name, null, null
            from documents doc left join own_requests r on r.id = doc.request_id
           where doc.dialog_id = ${dialogId} or doc.request_id in (select id from own_requests)
          union all
          select coalesce(o.sent_at, br.updated_at), 'broadcast', null, null,
                 case when br.state = 'skipped' then 'skipped' else coalesce(o.state::text, 'pending') end, null, null, null, b.title, u.name, null
            from broadcast_recipients br join broadcasts b on b.id = br.broadcast_id
            left join telegram_outbox o on o.id = br.outbox_id left join users u on u.id = b.started_by
           where br.client_id = ${client.id} and br.state <> 'pending'
          union all
          select e.at, case e.name when 'client.label_added' then 'label_added' else 'label_removed' end, null, null, null, null, null, null, null, u.name, e.after ->> 'label'
            from events e left join users u on u.id = e.actor_user_id
           where e.subject_type = 'client' and e.subject_id = ${client.id} and e.name in ('client.label_added', 'client.label_removed')
        )
        select *, count(*) over () as total from timeline order by at desc,
          -- At one instant the later step first: a status after the request it changed, after the dialog it came from.
          case kind when 'label_added' then 0 when 'label_removed' then 0 when 'status' then 0 when 'document' then 1 when 'request' then 2 else 3 end, document_id desc nulls last
        limit ${HISTORY_LIMIT}`);
      const rows = result.rows;
      // The client's ratings (issue 19.8), at the time they pressed a score.
      const rated =
        dialogId === null
          ? []
          : await db
              .select({ at: requestRatings.ratedAt, requestId: requests.id, number: requests.number, score: requestRatings.score, comment: requestRatings.comment })
              .from(requestRatings)
              .innerJoin(requests, eq(requests.id, requestRatings.requestId))
              .where(and(eq(requestRatings.dialogId, dialogId), isNotNull(requestRatings.score)))
              .orderBy(desc(requestRatings.ratedAt))
              .limit(HISTORY_LIMIT);
      const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
      const id = (value: unknown) => (value === null || value === undefined ? null : Number(value));
      const entries = [
        ...rows.map((row) => ({
          at: new Date(row.at as string | Date).toISOString(),
          kind: row.kind as 'dialog' | 'request' | 'status' | 'document' | 'broadcast' | 'label_added' | 'label_removed',
          requestId: id(row.request_id),
          requestNumber: text(row.request_number),
          status: text(row.status),
          amount: text(row.amount),
          currency: text(row.currency),
          documentId: id(row.document_id),
          documentName: text(row.document_name),
          actorName: text(row.actor_name),
          score: null,
          comment: null,
          label: text(row.label),
        })),
        ...rated.map((rating) => ({
          at: rating.at!.toISOString(),
          kind: 'rating' as const,
          requestId: rating.requestId,
          requestNumber: rating.number,
          status: null,
          amount: null,
          currency: null,
          documentId: null,
          documentName: null,
          actorName: null,
          score: rating.score,
          comment: rating.comment,
          label: null,
        })),
      ]
        // Newest first (the sort is stable: entries of one instant keep the timeline's order).
        .sort((a, b) => b.at.localeCompare(a.at))
        .slice(0, HISTORY_LIMIT);
      return {
        client: {
          id: client.id,
          name: [client.firstName, client.lastName].filter(Boolean).join(' ').trim() || '—',
          username: client.username,
          telegramUserId: client.telegramUserId,
          firstSeenAt: client.createdAt.toISOString(),
          blockedAt: client.blockedAt?.toISOString() ?? null,
          labels: await labelsOf({ db }, client.id),
          startParameter: client.startParameter,
        },
        dialogId,
        entries,
        truncated: Math.max(0, Number(rows[0]?.total ?? 0) + rated.length - entries.length),
        notStored: [] as Array<'ratings' | 'labels'>,
      };
    },
  );

  /**
   * Puts labels on a client and takes labels off — the same command as
   * `/label` and `/unlabel` in the topic (commands/labelClient). Body
   * `{ add?: string[], remove?: string[] }`, each label as typed (normalised
   * by core/labels). 200 with the labels now and what changed; 400 beside
   * each label that breaks the rule (`add.0`, `remove.1`), or `add` for one
   * too many (nothing changed); 403
   * for anyone but our staff; 404 an unknown client.
   */
  app.post(
    '/clients/:id/labels',
    {
      schema: {
        tags: ['dialogs'],
        summary: 'Adds and removes labels on a client (as /label, /unlabel in the topic; our managers and admins only)',
        params: idParam,
        body: z.strictObject({ add: z.array(z.string().max(200)).max(50).optional(), remove: z.array(z.string().max(200)).max(50).optional() }),
        response: { 200: labelsState, 400: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => labelClient(getContext(), { actor: requireViewer(request), clientId: request.params.id, ...request.body }),
  );

  /** Every label in use and how many clients carry it, most used first (the lists' filter). Our staff only (403). */
  app.get(
    '/clients/labels',
    {
      schema: {
        tags: ['dialogs'],
        summary: 'Labels in use and their client counts (our managers and admins only)',
        response: { 200: z.object({ items: z.array(z.object({ label: z.string(), clients: z.number() })) }), 403: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const { db } = getContext().database;
      if (!(await mayLabelClients(db, viewer))) throw new ForbiddenError('Метки клиентов ставят только менеджеры');
      return { items: await labelsInUse({ db }) };
    },
  );

  /**
   * The export of clients (platform/clientExport): `format=csv|xlsx`, the
   * dialogs list's filters (`label`, `source`, `withoutSource`, `owner`, `banned`, `client`, as
   * `GET /dialogs`) and `lang=ru|en` for the header row (and the CSV
   * separator: `;` Russian, `,` English). Streams an attachment
   * `clients-YYYY-MM-DD.csv|xlsx`, oldest client first. 400 for a filter that
   * breaks its rule; 403 for anyone but our staff (clients are seen only by
   * them: an agent or a customer exports nothing).
   */
  app.get(
    '/clients/export',
    {
      schema: {
        tags: ['dialogs'],
        summary: 'Clients as a CSV or XLSX file, with the dialogs list filters (our managers and admins only)',
        querystring: z.strictObject({
          format: z.enum(['csv', 'xlsx']),
          lang: z.enum(['ru', 'en']).optional(),
          banned: z.enum(['true', 'false']).optional(),
          owner: z.union([z.enum(['me', 'none']), decimalInteger(1, Number.MAX_SAFE_INTEGER)]).optional(),
          source: z.string().max(200).optional(),
          withoutSource: z.enum(['true', 'false']).optional(),
          label: z.string().max(200).optional(),
          client: decimalInteger(1, Number.MAX_SAFE_INTEGER).optional(),
        }),
      },
    },
    async (request, reply) => {
      const viewer = requireViewer(request);
      const { db } = getContext().database;
      if (!(await mayExportClients(db, viewer))) throw new ForbiddenError('Выгружать клиентов могут только менеджеры');
      const { format, lang = 'ru', ...filters } = request.query;
      const where = clientFilterSql(filters, viewer);
      const currencies = await exportCurrencies(db, where);
      const name = `clients-${new Date().toISOString().slice(0, 10)}.${format}`;
      // Dates in the business time zone (BUSINESS_TIME_ZONE), named in their columns' headers.
      const stream = exportStream(format, lang, currencies, exportRows(db, where), getContext().config.answerTime.timeZone);
      stream.on('error', (error) => request.log.warn(`The export of clients broke off: ${error.message}`));
      return reply
        .header('content-type', EXPORT_TYPES[format])
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );
};
