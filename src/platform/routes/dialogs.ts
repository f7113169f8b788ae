/** `/dialogs`: our managers' list of Telegram dialogs — client, last message, open requests; one dialog's client. */
import { eq, sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ForbiddenError, NotFoundError, ValidationError } from '../../commands/context.js';
import { clients, dialogs } from '../../db/schema.js';
import { DATE_MAX, DATE_MIN, parseIsoDateTime } from '../../core/fields.js';
import { decimalInteger, errorBody, idParam } from './schemas.js';
import { underRouteNames } from '../refusals.js';
import { maySeeDialogs } from '../../policies/access.js';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { banClient } from '../../commands/banClient.js';
import { setDialogOwner } from '../../commands/dialogOwner.js';
import { clientFilterSql } from './clientQueries.js';
import { DIALOG_STATUSES, dialogStatusOf, type DialogStatus } from '../../core/dialogStatus.js';
import { setDialogStatus } from '../../commands/dialogStatus.js';
import { workingHistory } from '../../commands/workingHours.js';
import { waitedWorkingMs } from '../../core/workingHours.js';
import { topicLink } from '../../core/topicLink.js';
import { ANSWERABLE_CLIENT } from '../../commands/answerTime.js';

/** `?owner=` refused: the values it takes (the list's filter; a user id is a manager's or an admin's). */
const DIALOG_OWNER_VALUES = 'Допустимые значения: me, none или id пользователя (целое число от 1)';
/** `me`, `none` or a user id in plain decimal digits; anything else is refused with DIALOG_OWNER_VALUES (one message, whichever part is wrong). */
const dialogOwnerFilter = z.string().transform((value, ctx): 'me' | 'none' | number => {
  if (value === 'me' || value === 'none') return value;
  const id = /^\d{1,16}$/.test(value) ? Number(value) : 0;
  if (id >= 1 && Number.isSafeInteger(id)) return id;
  ctx.addIssue({ code: 'custom', message: DIALOG_OWNER_VALUES });
  return z.NEVER;
});

const dialog = z.object({
  id: z.number(),
  /** The client's history page: `/clients/:clientId`. */
  clientId: z.number(),
  clientName: z.string(),
  clientUsername: z.string().nullable(),
  /** As stored: `open`, `on_hold` or `closed`. */
  status: z.string(),
  /** As managers see it (core/dialogStatus): `waiting_us`, `waiting_client`, `on_hold`, `closed`, or `banned` while the client is on the blocklist. */
  dialogStatus: z.enum(DIALOG_STATUSES as [DialogStatus, ...DialogStatus[]]),
  /** Since when the client waits for our answer (ISO 8601, UTC), while the dialog is waiting for us; else null (a banned client waits for nobody). */
  waitingSince: z.string().nullable(),
  lastMessageText: z.string().nullable(),
  lastMessageAt: z.string().nullable(),
  openRequests: z.array(z.object({ id: z.number(), number: z.string(), status: z.string() })),
  /** Set while the client is on the blocklist (commands/banClient): since when (ISO 8601, UTC) and why. */
  ban: z.object({ at: z.string(), reason: z.string() }).nullable(),
  /** Since when the client has blocked the bot (ISO 8601, UTC; commands/setClientBlocked): nothing we send reaches them. Null otherwise. */
  clientBlockedAt: z.string().nullable(),
  /** Where the client came from: their first deep link's parameter (`ads_autumn`), or null. */
  startParameter: z.string().nullable(),
  /** The manager responsible for the dialog (commands/dialogOwner), or null. */
  owner: z.object({ userId: z.number(), name: z.string() }).nullable(),
  /** Working time the client has waited for our answer, whole minutes (core/workingHours), while waiting for us; else null. */
  waitedWorkingMinutes: z.number().nullable(),
  /**
   * Waiting longer than the answer-time limit (ANSWER_TIME_LIMIT_MINUTES, working time); false with the limit off,
   * and for a client who blocked the bot (`clientBlockedAt`: nobody can reach them; their wait is still shown).
   */
  late: z.boolean(),
  /** The client's topic in Telegram (or the sandbox page), when it exists. */
  topicUrl: z.string().nullable(),
  /** The client's labels (core/labels), alphabetical. */
  labels: z.array(z.string()),
});

const ownerState = z.object({ owner: z.object({ userId: z.number(), name: z.string() }).nullable(), changed: z.boolean() });

const banState = z.object({ banned: z.boolean(), at: z.string().nullable(), reason: z.string().nullable() });

const dialogClient = z.object({
  id: z.number(),
  client: z.object({ id: z.number(), name: z.string(), username: z.string().nullable(), telegramUserId: z.number() }),
});

export const dialogRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();

  /**
   * One dialog and whom it is with: the client's name, @username and Telegram id.
   * The request form opened from the bot's `/new` link names the client it is for.
   * Our managers and admins only (403 for others, as the list); 404 an unknown dialog.
   */
  app.get(
    '/dialogs/:id',
    {
      schema: {
        tags: ['dialogs'],
        summary: "A dialog's client: name, @username, Telegram id (our managers and admins only)",
        params: idParam,
        response: { 200: dialogClient, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const { db } = getContext().database;
      if (!(await maySeeDialogs(db, viewer))) throw new ForbiddenError('Диалоги видят только менеджеры');
      const [row] = await db
        .select({ id: dialogs.id, clientId: dialogs.clientId, firstName: clients.firstName, lastName: clients.lastName, username: clients.username, telegramUserId: clients.telegramUserId })
        .from(dialogs)
        .innerJoin(clients, eq(clients.id, dialogs.clientId))
        .where(eq(dialogs.id, request.params.id));
      if (!row) throw new NotFoundError('Диалог не найден');
      const name = [row.firstName, row.lastName].filter(Boolean).join(' ').trim();
      return { id: row.id, client: { id: row.clientId, name: name || '—', username: row.username, telegramUserId: row.telegramUserId } };
    },
  );
  app.get(
    '/dialogs',
    {
      schema: {
        tags: ['dialogs'],
        summary: 'Dialogs with clients, most recent first (our managers and admins only)',
        // Strict: this list pages by `before` (an ISO time), so an unknown parameter
        // such as `cursor=` is a 400 rather than silently ignored (issue 16.14).
        querystring: z.strictObject({
          limit: decimalInteger(1, 200).optional(),
          before: z.string().max(40).optional(),
          cursor: z.string().max(200).optional(),
          /** `true`: the blocklist — banned clients only; `false`: everyone else. */
          banned: z.enum(['true', 'false']).optional(),
          /** One client's dialogs: their Telegram user id (the client card's link «Диалог и заявки клиента на платформе»). */
          client: decimalInteger(1, Number.MAX_SAFE_INTEGER).optional(),
          /** `me`: the signed-in manager's dialogs; `none`: dialogs nobody is responsible for; a user id: that manager's. */
          owner: dialogOwnerFilter.optional(),
          /** Only clients who came by this deep link (`ads_autumn`; Telegram's rule: 1–64 of A–Z a–z 0–9 _ -). */
          source: z.string().max(200).optional(),
          /** `true`: only clients who came without a deep-link parameter (not with `source`: 400). */
          withoutSource: z.enum(['true', 'false']).optional(),
          /** Only clients with this label (core/labels; typed forms such as `VIP` or `#vip` are normalised). */
          label: z.string().max(200).optional(),
          /**
           * `recent` (default): the newest message first, paged by `before`; `waiting`: the client waiting longest first, then the rest
           * by recency (banned clients and clients who blocked the bot among the rest).
           */
          sort: z.enum(['recent', 'waiting']).optional(),
          /**
           * `true`: «waiting too long» — only dialogs whose client has waited longer than the answer-time limit
           * (working time, issue 19.3), the longest wait first; empty with the limit off. Not paged by `before`. Never a banned
           * client or one who blocked the bot.
           */
          late: z.enum(['true', 'false']).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(dialog),
            /** The promised answer time in working minutes (ANSWER_TIME_LIMIT_MINUTES); 0 — none, so nobody is ever late. */
            answerTimeLimitMinutes: z.number().int(),
            /**
             * How a dialog gets its owner besides /take and /assign (DIALOG_ASSIGNMENT): `first_answer` — whoever answers
             * the client first; `round_robin` — a new client is dealt to a manager on shift; `manual` — nothing else.
             */
            dialogAssignment: z.enum(['manual', 'first_answer', 'round_robin']),
          }),
        },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const { db } = getContext().database;
      if (!(await maySeeDialogs(db, viewer))) throw new ForbiddenError('Диалоги видят только менеджеры');
      const limit = request.query.limit ?? 50;
      // Named so the answer can say why: the requests list's cursor means nothing here.
      if (request.query.cursor !== undefined) throw new ValidationError('Список диалогов листается параметром before (дата и время ISO), а не cursor', 'cursor');
      const filter = clientFilterSql(request.query, viewer);
      const ctx = getContext();
      const lateOnly = request.query.late === 'true';
      const limitMinutes = ctx.config.answerTime.limitMinutes;
      if (lateOnly && request.query.before !== undefined) throw new ValidationError('Список ждущих слишком долго не листается: before только для всех диалогов', 'before');
      // Late ones: waiting for us since before the limit in wall-clock time (working time never runs faster), then counted in core.
      // A banned client waits for nobody (commands/banClient): never late, last in the «waiting» order. Nor is a
      // client who blocked the bot (commands/setClientBlocked, nobody can reach them): their status and wait stay shown.
      // One rule with the reminders (commands/answerTime ANSWERABLE_CLIENT).
      const waitsForUs = sql`d.status = 'open' and ${ANSWERABLE_CLIENT}`;
      const lateFilter = lateOnly
        ? limitMinutes > 0
          ? sql`${waitsForUs} and d.waiting_since <= now() - make_interval(mins => ${limitMinutes})`
          : sql`false`
        : sql`true`;
      const byWaiting = request.query.sort === 'waiting' || lateOnly;
      if (byWaiting && request.query.before !== undefined) throw new ValidationError('Список по времени ожидания не листается: before только для sort=recent', 'before');
      const before = request.query.before ? parseIsoDateTime(request.query.before) : null;
      if (request.query.before && !before) throw new ValidationError(`Дата в формате ГГГГ-ММ-ДД, с ${DATE_MIN} по ${DATE_MAX}`, 'before');
      const result = await db.execute<{
        id: number;
        client_id: number;
        client_name: string;
        username: string | null;
        status: string;
        waiting_since: Date | null;
        last_text: string | null;
        last_at: Date | null;
        open_requests: Array<{ id: number; number: string; status: string }> | null;
        banned_at: Date | null;
        ban_reason: string | null;
        blocked_at: Date | null;
        start_parameter: string | null;
        owner_user_id: number | null;
        owner_name: string | null;
        managers_chat_id: number;
        topic_id: number | null;
        labels: string[] | null;
      }>(sql`
        select d.id, d.client_id, d.managers_chat_id, d.topic_id, c.banned_at, c.ban_reason, c.blocked_at, c.start_parameter, d.owner_user_id, owner.name as owner_name, trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) as client_name, c.username, d.status, d.waiting_since,
               last.text as last_text, coalesce(d.last_message_at, last.sent_at) as last_at,
               array(select l.label from client_labels l where l.client_id = c.id order by l.label) as labels,
               (select json_agg(json_build_object('id', r.id, 'number', r.number, 'status', r.status) order by r.id)
                  from requests r where r.dialog_id = d.id and r.status in ('collecting_offers', 'accepted')) as open_requests
        from dialogs d
        join clients c on c.id = d.client_id
        left join users owner on owner.id = d.owner_user_id
        left join lateral (
          select m.text, m.sent_at from messages m where m.dialog_id = d.id order by m.seq desc limit 1
        ) last on true
        where ${before ? sql`coalesce(d.last_message_at, d.created_at) < ${before}` : sql`true`}
          and ${filter}
          and ${lateFilter}
        order by ${byWaiting ? sql`case when ${waitsForUs} then d.waiting_since end asc nulls last, case when ${waitsForUs} and d.waiting_since is not null then d.id end asc, ` : sql``}coalesce(d.last_message_at, d.created_at) desc, d.id desc
        limit ${lateOnly ? 1000 : limit}`);
      // Over the hours' history: an edit of the hours does not recount the part of a wait before it.
      const history = await workingHistory(ctx);
      const now = new Date();
      const items = result.rows.map((row) => {
        const waiting = row.status === 'open' && row.waiting_since && !row.banned_at ? new Date(row.waiting_since) : null;
        const waitedMs = waiting ? waitedWorkingMs(history, waiting, now) : null;
        return {
          row,
          waitedWorkingMinutes: waitedMs === null ? null : Math.floor(waitedMs / 60_000),
          late: waitedMs !== null && !row.blocked_at && limitMinutes > 0 && waitedMs >= limitMinutes * 60_000,
          topicUrl: row.topic_id === null ? null : topicLink(ctx.config, Number(row.managers_chat_id), Number(row.topic_id)),
        };
      });
      const shown = lateOnly ? items.filter((item) => item.late).sort((a, b) => b.waitedWorkingMinutes! - a.waitedWorkingMinutes!).slice(0, limit) : items;
      return {
        items: shown.map(({ row, waitedWorkingMinutes, late, topicUrl }) => ({
          id: Number(row.id),
          clientId: Number(row.client_id),
          clientName: row.client_name || '—',
          clientUsername: row.username,
          status: row.status,
          dialogStatus: dialogStatusOf({ status: row.status, waitingSince: row.waiting_since }, { bannedAt: row.banned_at }),
          waitingSince: row.status === 'open' && row.waiting_since && !row.banned_at ? new Date(row.waiting_since).toISOString() : null,
          lastMessageText: row.last_text,
          lastMessageAt: row.last_at ? new Date(row.last_at).toISOString() : null,
          openRequests: row.open_requests ?? [],
          ban: row.banned_at ? { at: new Date(row.banned_at).toISOString(), reason: row.ban_reason ?? '' } : null,
          clientBlockedAt: row.blocked_at ? new Date(row.blocked_at).toISOString() : null,
          startParameter: row.start_parameter,
          owner: row.owner_user_id === null ? null : { userId: Number(row.owner_user_id), name: row.owner_name ?? '—' },
          waitedWorkingMinutes,
          late,
          topicUrl,
          labels: row.labels ?? [],
        })),
        answerTimeLimitMinutes: limitMinutes,
        dialogAssignment: ctx.config.dialogAssignment,
      };
    },
  );

  /**
   * Where clients come from: every deep-link parameter clients came with
   * (core/startParameter) and how many clients came with it, most first;
   * `without`: how many came with none (the list's `withoutSource=true`).
   * Our managers and admins only (403 for others).
   */
  app.get(
    '/dialogs/sources',
    {
      schema: {
        tags: ['dialogs'],
        summary: 'Deep-link sources of clients (the /start parameter) and their client counts (our managers and admins only)',
        response: { 200: z.object({ items: z.array(z.object({ source: z.string(), clients: z.number() })), without: z.number() }), 403: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const { db } = getContext().database;
      if (!(await maySeeDialogs(db, viewer))) throw new ForbiddenError('Диалоги видят только менеджеры');
      // One read of the clients: the group without a parameter first (never cut by the limit), then the sources.
      const result = await db.execute<{ source: string | null; clients: number }>(
        sql`select start_parameter as source, count(*)::int as clients from clients group by 1 order by (start_parameter is null) desc, 2 desc, 1 limit 501`,
      );
      const without = result.rows.find((row) => row.source === null);
      const items = result.rows.flatMap((row) => (row.source === null ? [] : [{ source: row.source, clients: Number(row.clients) }])).slice(0, 500);
      return { items, without: Number(without?.clients ?? 0) };
    },
  );

  /**
   * Who may be responsible for dialogs: our enabled managers and admins
   * (id, name, on shift or not), for the dialogs page's choice. Staff only (403).
   */
  app.get(
    '/dialogs/managers',
    {
      schema: {
        tags: ['dialogs'],
        summary: 'Managers who may be responsible for a dialog (our enabled managers and admins)',
        response: { 200: z.object({ items: z.array(z.object({ userId: z.number(), name: z.string(), onShift: z.boolean() })) }), 403: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const { db } = getContext().database;
      if (!(await maySeeDialogs(db, viewer))) throw new ForbiddenError('Диалоги видят только менеджеры');
      const result = await db.execute<{ id: number; name: string; on_shift: boolean }>(sql`
        select u.id, u.name, u.on_shift_since is not null as on_shift from users u join organizations o on o.id = u.organization_id
        where o.is_ours and u.role in ('manager', 'admin') and u.disabled_at is null order by u.name, u.id limit 500`);
      return { items: result.rows.map((row) => ({ userId: Number(row.id), name: row.name, onShift: Boolean(row.on_shift) })) };
    },
  );

  /**
   * Sets who is responsible for the dialog (the same command as `/take`,
   * `/assign`, `/release` in the topic). Body `{ userId }` — the viewer's own id
   * takes it, another manager's hands it over, null releases it. 200 with the
   * owner (`changed` false when it already was so); 400 when the user may not
   * own dialogs; 403 for anyone but our staff; 404 an unknown dialog.
   */
  app.put(
    '/dialogs/:id/owner',
    {
      schema: {
        tags: ['dialogs'],
        summary: 'Sets the manager responsible for a dialog (as /take, /assign, /release in the topic)',
        params: idParam,
        body: z.strictObject({ userId: z.number().int().positive().nullable() }),
        response: { 200: ownerState, 400: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const { userId } = request.body;
      const how = userId === null ? 'release' : userId === viewer.userId ? 'take' : 'assign';
      return underRouteNames({ ownerUserId: 'userId' }, () => setDialogOwner(getContext(), { actor: viewer, dialogId: request.params.id, ownerUserId: userId, how }));
    },
  );

  /**
   * Puts a dialog on hold, takes it off hold, or closes it and its topic —
   * the same command as `/hold`, `/unhold`, `/close` in the topic. Body
   * `{ change: 'hold' | 'unhold' | 'close' }`. 200 with the status shown now
   * (`changed` false when it already was so); 403 for anyone but our managers
   * and admins; 404 an unknown dialog.
   */
  app.post(
    '/dialogs/:id/status',
    {
      schema: {
        tags: ['dialogs'],
        summary: 'Holds, unholds or closes a dialog (as /hold, /unhold, /close in the topic)',
        params: idParam,
        body: z.strictObject({ change: z.enum(['hold', 'unhold', 'close']) }),
        response: {
          200: z.object({ dialogStatus: z.enum(DIALOG_STATUSES as [DialogStatus, ...DialogStatus[]]), changed: z.boolean() }),
          400: errorBody,
          403: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const state = await setDialogStatus(getContext(), { actor: requireViewer(request), dialogId: request.params.id, change: request.body.change });
      return { dialogStatus: state.status, changed: state.changed };
    },
  );

  /**
   * Puts the dialog's client on the blocklist (the same command as `/ban` in the
   * topic): their messages are stored but not relayed, and the bot sends them
   * nothing. Body `{ reason }` (1–500 characters). 200 with the ban state
   * (`changed` false when already banned); 400 without a reason; 403 for anyone
   * but our managers and admins; 404 an unknown dialog.
   */
  app.put(
    '/dialogs/:id/ban',
    {
      schema: {
        tags: ['dialogs'],
        summary: "Puts a dialog's client on the blocklist, with a reason (as /ban in the topic)",
        params: idParam,
        body: z.strictObject({ reason: z.string().max(2000) }),
        response: { 200: banState.extend({ changed: z.boolean() }), 400: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const state = await banClient(getContext(), { actor: requireViewer(request), dialogId: request.params.id, banned: true, reason: request.body.reason });
      return { banned: state.bannedAt !== null, at: state.bannedAt?.toISOString() ?? null, reason: state.reason, changed: state.changed };
    },
  );

  /** Takes the dialog's client off the blocklist (as `/unban`). 200 with the state; 403 / 404 as above. */
  app.delete(
    '/dialogs/:id/ban',
    {
      schema: {
        tags: ['dialogs'],
        summary: "Takes a dialog's client off the blocklist (as /unban in the topic)",
        params: idParam,
        response: { 200: banState.extend({ changed: z.boolean() }), 403: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const state = await banClient(getContext(), { actor: requireViewer(request), dialogId: request.params.id, banned: false });
      return { banned: false, at: null, reason: null, changed: state.changed };
    },
  );
};
