/**
 * The request's chat: dialog messages copied into it (request_messages) and
 * posts written on the platform, in time order; posting; and live updates
 * over Server-Sent Events from the LiveBus channel `request:<id>`.
 * Live events carry ids only — the page refetches through the API, so the
 * access rules apply to what it reads — and each goes only to its audience,
 * checked per event against the viewer's current session and access.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canSeeDealRoom, inAudience, requestAccessForRead, type RequestAccess } from '../../policies/access.js';
import { NotFoundError } from '../../commands/context.js';
import { postRequestMessage } from '../../commands/postRequestMessage.js';
import { previewDealMessages } from '../../commands/dealMessages.js';
import type pg from 'pg';
import type { RouteOptions } from '../api.js';
import { findSignedIn, requireViewer } from '../auth/guard.js';
import { SESSION_COOKIE } from '../auth/sessions.js';
import { decimalInteger, errorBody, idParam } from './schemas.js';
import { underRouteNames } from '../refusals.js';

const chatMessage = z.object({
  id: z.string(),
  authorName: z.string(),
  direction: z.enum(['in', 'out', 'note', 'system', 'platform']),
  text: z.string().nullable(),
  media: z.object({ kind: z.string(), fileName: z.string().optional() }).passthrough().nullable(),
  /** A post written on the platform: where it went besides (`topic`, `client` = topic and client; null = the platform only). */
  deliveredTo: z.enum(['topic', 'client']).nullable().optional(),
  at: z.string(),
});
type ChatMessage = z.infer<typeof chatMessage>;

/**
 * The newest `limit` messages of a request's chat, oldest first. Each side
 * takes its newest rows through its own index (request_messages_chat_idx,
 * request_posts_chat_idx: no sort of the whole history); only then are they merged.
 * A named prepared statement: the chat is read on every live update.
 */
const CHAT_SQL = `
  select id, direction, author_name, text, media, delivered_to, (extract(epoch from at) * 1000)::float8 as at_ms from (
    (select 'm' || m.id as id, m.direction::text as direction,
            case when m.direction = 'in' then nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), '')
                 else coalesce(u.name, m.author_name) end as author_name,
            m.text, m.media, null::text as delivered_to, m.sent_at as at
     from request_messages rm
     join messages m on m.id = rm.message_id
     join dialogs d on d.id = m.dialog_id
     join clients c on c.id = d.client_id
     left join users u on u.id = m.author_user_id
     where rm.request_id = $1 and m.skip = false
     order by rm.sent_at desc, rm.message_id desc
     limit $2)
    union all
    (select 'p' || p.id, 'platform', u.name, p.text, null, p.delivered_to, p.created_at
     from request_posts p
     join users u on u.id = p.author_user_id
     where p.request_id = $1
     order by p.created_at desc, p.id desc
     limit $2)
  ) chat
  order by at desc, id desc
  limit $2`;

export async function loadChat(pool: pg.Pool, requestId: number, limit = 100): Promise<ChatMessage[]> {
  const result = await pool.query<{ id: string; direction: ChatMessage['direction']; author_name: string | null; text: string | null; media: ChatMessage['media']; delivered_to: 'topic' | 'client' | null; at_ms: number }>({
    name: 'hotline_request_chat',
    text: CHAT_SQL,
    values: [requestId, limit],
  });
  return result.rows.reverse().map((row) => ({
    id: row.id,
    direction: row.direction,
    authorName: row.author_name ?? (row.direction === 'in' ? 'Клиент' : 'Hotline'),
    text: row.text,
    media: row.media ?? null,
    ...(row.direction === 'platform' ? { deliveredTo: row.delivered_to } : {}),
    // Milliseconds since the epoch, not a timestamp: parsing 100 timestamp strings cost more than the query.
    at: new Date(row.at_ms).toISOString(),
  }));
}

export const chatRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext, sessionCache }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const tags = ['chat'];
  // Open streams never go idle: a graceful stop must end them, or closing the server would wait for every open page.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  app.get(
    '/requests/:id/messages',
    {
      schema: {
        tags,
        summary: "The newest `limit` (default 100) messages of the request's chat, oldest first (customer and accepted agent only)",
        params: idParam,
        // Strict: an unknown parameter (a `before=` this route does not page by) is a 400, not silently ignored.
        querystring: z.strictObject({ limit: decimalInteger(1, 2000).optional() }),
        response: { 200: z.array(chatMessage), 404: errorBody },
      },
    },
    async (request, reply) => {
      const { pool } = getContext().database;
      const access = await requestAccessForRead(pool, requireViewer(request), request.params.id);
      if (!canSeeDealRoom(access)) throw new NotFoundError('Заявка не найдена');
      const chat = await loadChat(pool, request.params.id, request.query.limit ?? 100);
      // Serialized here, not checked against the schema item by item: loadChat builds exactly that shape,
      // and the chat is read on every live update by every open page. (A string with a JSON type goes out as it is.)
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(chat) as unknown as ChatMessage[]);
    },
  );

  app.get(
    '/requests/:id/deal-messages',
    {
      schema: {
        tags,
        summary:
          "The deal's messages a request from a dialog would take into its chat when its offer is saved: how many, from when to when, " +
          'from the default point (since the previous request) or from `from` (a message of that dialog, else 400); the points one may start from',
        params: idParam,
        querystring: z.strictObject({ from: decimalInteger(1, Number.MAX_SAFE_INTEGER).optional() }),
        response: {
          200: z.object({
            count: z.number(),
            firstAt: z.string().nullable(),
            lastAt: z.string().nullable(),
            defaultFromMessageId: z.number().nullable(),
            fromMessageId: z.number().nullable(),
            startPoints: z.array(z.object({ id: z.number(), at: z.string(), direction: z.enum(['in', 'out', 'note', 'system']), authorName: z.string().nullable(), preview: z.string(), mediaKind: z.string().nullable() })),
          }),
          400: errorBody,
          403: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { db, pool } = getContext().database;
      return underRouteNames({ dealFromMessageId: 'from' }, () => previewDealMessages(db, pool, requireViewer(request), request.params.id, request.query.from));
    },
  );

  app.post(
    '/requests/:id/messages',
    {
      schema: {
        tags,
        summary:
          "Writes into the request's chat; on a request from a dialog also into the client's topic (marked as written on the platform), " +
          'and with `sendTo: client` to the client as well',
        params: idParam,
        body: z.strictObject({ text: z.string(), sendTo: z.enum(['topic', 'client']).optional() }),
        response: { 200: z.object({ id: z.string(), deliveredTo: z.enum(['topic', 'client']).nullable() }), 400: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const post = await postRequestMessage(getContext(), { actor: requireViewer(request), requestId: request.params.id, text: request.body.text, sendTo: request.body.sendTo });
      return { id: `p${post.id}`, deliveredTo: post.deliveredTo ?? null };
    },
  );

  app.get(
    '/requests/:id/live',
    {
      schema: {
        tags,
        summary:
          'Server-Sent Events: `message`, `offer`, `status`, `terms`, `document` for this request (ids only), each only to its audience; ' +
          'ends with `closed` when the session ends or the viewer loses access',
        params: idParam,
      },
    },
    async (request, reply) => {
      const ctx = getContext();
      const requestId = request.params.id;
      const token = request.cookies[SESSION_COOKIE];
      const opened = request.session;
      await requestAccessForRead(ctx.database.pool, requireViewer(request), requestId);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 3000\n\n');

      /**
       * The access rule again, now: the session still signed in, the user still
       * enabled (findSignedIn), the request still visible to them (policies/access.ts).
       * Checked before every event and every heartbeat, so a change made on another
       * instance is seen too; null when the stream must end.
       */
      const currentAccess = async () => {
        const signedIn = await findSignedIn(ctx.database.pool, token, sessionCache);
        if (!signedIn) return null;
        try {
          return await requestAccessForRead(ctx.database.pool, signedIn.viewer, requestId);
        } catch (error) {
          if (error instanceof NotFoundError) return null;
          throw error;
        }
      };
      // Events are checked one after another, so they reach the page in the order they were published.
      let queue = Promise.resolve();
      let ended = false;
      const check = (send: (access: RequestAccess) => void) => {
        queue = queue
          .then(async () => {
            if (ended) return;
            const access = await currentAccess();
            if (ended) return;
            if (!access) return end('access');
            send(access);
          })
          .catch((error: unknown) => {
            request.log.warn({ err: error }, 'live stream: access check failed; closing the stream');
            end('error');
          });
      };
      const unsubscribe = ctx.live.subscribe(`request:${requestId}`, (message) =>
        check((access) => {
          if (inAudience(access, message.audience ?? 'dealRoom')) raw.write(`event: ${message.type}\ndata: ${JSON.stringify(message.data ?? {})}\n\n`);
        }),
      );
      // Sign-out and a disabled user end the stream at once, not at its next event.
      const stopListening = sessionCache.onEnded((gone) => {
        if ((gone.tokenHash !== undefined && gone.tokenHash === opened?.tokenHash) || (gone.userId !== undefined && gone.userId === opened?.userId)) end('signed_out');
      });
      // Proxies drop silent connections; a comment line every 25 s keeps it open (and re-checks access).
      const heartbeat = setInterval(() => check(() => raw.write(': ping\n\n')), 25_000);
      const close = () => {
        ended = true;
        clearInterval(heartbeat);
        unsubscribe();
        stopListening();
        streams.delete(stop);
      };
      /** Tells the page why (a `closed` event), then ends the response. */
      const end = (reason: 'access' | 'signed_out' | 'error' | 'shutdown') => {
        if (ended) return;
        close();
        if (!raw.writableEnded) raw.end(`event: closed\ndata: ${JSON.stringify({ reason })}\n\n`);
      };
      const stop = () => end('shutdown');
      streams.add(stop);
      request.raw.on('close', close);
      raw.on('error', close);
    },
  );
};
