/** `GET /api/search?q=…`: one search over clients, messages, requests and documents, as far as the viewer may see them. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../../commands/context.js';
import { search } from '../../commands/search.js';
import { readSearchQuery, SEARCH_QUERY_MAX } from '../../core/searchText.js';
import { topicLink } from '../../core/topicLink.js';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { decimalInteger, errorBody } from './schemas.js';

const range = z.tuple([z.number(), z.number()]);

const hit = z.object({
  /** `post`: a message in a request's chat written on the platform. */
  kind: z.enum(['client', 'message', 'request', 'document', 'post']),
  id: z.number(),
  field: z.enum(['name', 'telegramId', 'text', 'fileName', 'number', 'inn', 'amount', 'details']),
  /** Plain text (never HTML): the page escapes it as any other text. */
  text: z.string(),
  /** `[start, end)` UTF-16 offsets into `text` that matched. */
  ranges: z.array(range),
  at: z.string().nullable(),
  direction: z.enum(['in', 'out', 'note', 'system']).optional(),
  requestId: z.number().nullable(),
  requestNumber: z.string().nullable(),
  requestStatus: z.string().optional(),
  amount: z.string().optional(),
  currency: z.string().optional(),
});

const group = z.object({
  key: z.string(),
  client: z.object({ id: z.number(), name: z.string(), username: z.string().nullable(), telegramUserId: z.number() }).nullable(),
  dialogId: z.number().nullable(),
  /** The client's topic in Telegram (the sandbox page in sandbox mode); our staff only. */
  topicUrl: z.string().nullable(),
  requestId: z.number().nullable(),
  requestNumber: z.string().nullable(),
  hits: z.array(hit),
});

export const searchRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();

  /**
   * Searches clients (name, @username, Telegram id), dialog messages (text,
   * captions, file names), requests (number, beneficiary, purpose, payer, INN,
   * amount, comment), documents (file names) and posts in requests' chats: Russian word forms match
   * («договором» finds «договор»), names forgive a typo. Every result obeys
   * the access rules (src/commands/search.ts): an agent or a customer never
   * finds a client, a dialog message outside their deal rooms, or a request
   * they could not open.
   *
   * Query: `q` — 2 to 100 characters; `limit` — most hits of each kind and
   * most groups, 1–50 (default 20). 400 with the reason for anything else.
   * Answer: `{ groups }`, best first; hits carry plain text with match ranges.
   */
  app.get(
    '/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Search clients, messages, requests and documents the viewer may see; results grouped by dialog or request, matches as ranges',
        querystring: z.strictObject({ q: z.string().max(SEARCH_QUERY_MAX * 4), limit: decimalInteger(1, 50).optional() }),
        response: { 200: z.object({ query: z.string(), groups: z.array(group) }), 400: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const read = readSearchQuery(request.query.q);
      if (!read.ok) throw new ValidationError(read.error, 'q');
      const ctx = getContext();
      const groups = await search(ctx.database.db, viewer, read.query, { limit: request.query.limit ?? 20, parallel: true });
      return {
        query: read.query.text,
        groups: groups.map(({ topic, ...rest }) => ({ ...rest, topicUrl: topic ? topicLink(ctx.config, topic.managersChatId, topic.topicId) : null })),
      };
    },
  );
};
