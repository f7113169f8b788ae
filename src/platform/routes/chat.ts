/**
 * The request's chat: dialog messages copied into it (request_messages) and
 * posts written on the platform, in time order; posting; and live updates
 * over Server-Sent Events from the LiveBus channel `request:<id>`.
 * Live events carry ids only — the page refetches through the API, so the
 * access rules apply to what it reads.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canSeeDealRoom, requestAccessForRead } from '../../policies/access.js';
import { NotFoundError } from '../../commands/context.js';
import { postRequestMessage } from '../../commands/postRequestMessage.js';
import type pg from 'pg';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { errorBody, idParam } from './schemas.js';

const chatMessage = z.object({
  id: z.string(),
  authorName: z.string(),
  direction: z.enum(['in', 'out', 'note', 'system', 'platform']),
  text: z.string().nullable(),
  media: z.object({ kind: z.string(), fileName: z.string().optional() }).passthrough().nullable(),
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
  select id, direction, author_name, text, media, (extract(epoch from at) * 1000)::float8 as at_ms from (
    (select 'm' || m.id as id, m.direction::text as direction,
            case when m.direction = 'in' then nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), '')
                 else coalesce(u.name, m.author_name) end as author_name,
            m.text, m.media, m.sent_at as at
     from request_messages rm
     join messages m on m.id = rm.message_id
     join dialogs d on d.id = m.dialog_id
     join clients c on c.id = d.client_id
     left join users u on u.id = m.author_user_id
     where rm.request_id = $1 and m.skip = false
     order by rm.sent_at desc, rm.message_id desc
     limit $2)
    union all
    (select 'p' || p.id, 'platform', u.name, p.text, null, p.created_at
     from request_posts p
     join users u on u.id = p.author_user_id
     where p.request_id = $1
     order by p.created_at desc, p.id desc
     limit $2)
  ) chat
  order by at desc, id desc
  limit $2`;

export async function loadChat(pool: pg.Pool, requestId: number, limit = 100): Promise<ChatMessage[]> {
  const result = await pool.query<{ id: string; direction: ChatMessage['direction']; author_name: string | null; text: string | null; media: ChatMessage['media']; at_ms: number }>({
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
    // Milliseconds since the epoch, not a timestamp: parsing 100 timestamp strings cost more than the query.
    at: new Date(row.at_ms).toISOString(),
  }));
}

export const chatRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
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
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(2000).optional() }),
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

  app.post(
    '/requests/:id/messages',
    {
      schema: {
        tags,
        summary: "Writes into the request's chat",
        params: idParam,
        body: z.object({ text: z.string() }),
        response: { 200: z.object({ id: z.string() }), 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const post = await postRequestMessage(getContext(), { actor: requireViewer(request), requestId: request.params.id, text: request.body.text });
      return { id: `p${post.id}` };
    },
  );

  app.get(
    '/requests/:id/live',
    { schema: { tags, summary: 'Server-Sent Events: `message`, `offer`, `status`… for this request (ids only)', params: idParam } },
    async (request, reply) => {
      const ctx = getContext();
      await requestAccessForRead(ctx.database.pool, requireViewer(request), request.params.id);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 3000\n\n');
      const unsubscribe = ctx.live.subscribe(`request:${request.params.id}`, (message) => {
        raw.write(`event: ${message.type}\ndata: ${JSON.stringify(message.data ?? {})}\n\n`);
      });
      // Proxies drop silent connections; a comment line every 25 s keeps it open.
      const heartbeat = setInterval(() => raw.write(': ping\n\n'), 25_000);
      const close = () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(end);
      };
      const end = () => {
        close();
        raw.end();
      };
      streams.add(end);
      request.raw.on('close', close);
      raw.on('error', close);
    },
  );
};
