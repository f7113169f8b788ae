/**
 * A request's documents: the list (files of its chat, uploads, 1C and
 * generated ones) and downloads, both for the deal room only (the customer
 * and the accepted agent); anyone else gets 404, as for the chat.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentDisposition, documentForDownload, listRequestDocuments } from '../../commands/requestDocuments.js';
import { openStorage } from '../../documents/storage.js';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { errorBody, idParam } from './schemas.js';

const requestDocument = z.object({
  id: z.number(),
  name: z.string(),
  mime: z.string().nullable(),
  size: z.number().nullable(),
  source: z.enum(['chat', 'onec', 'generated', 'upload']),
  state: z.enum(['pending', 'stored', 'too_large', 'failed']),
  error: z.string().nullable(),
  messageId: z.number().nullable(),
  authorName: z.string().nullable(),
  at: z.string(),
});

/** Types a browser may show in place; everything else is always a download. */
const INLINE = /^(image\/(png|jpeg|gif|webp)|audio\/|video\/|application\/pdf$)/;

export const documentRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const tags = ['documents'];

  app.get(
    '/requests/:id/documents',
    {
      schema: {
        tags,
        summary: "The request's documents with source, author, time, size and state (customer and accepted agent only)",
        params: idParam,
        response: { 200: z.array(requestDocument), 404: errorBody },
      },
    },
    async (request) => listRequestDocuments(getContext().database.pool, requireViewer(request), request.params.id),
  );

  app.get(
    '/documents/:id/download',
    {
      schema: {
        tags,
        summary: 'The bytes of a stored document; `inline=1` shows images, audio, video and PDF in place',
        params: idParam,
        querystring: z.object({ inline: z.enum(['0', '1']).optional() }),
      },
    },
    async (request, reply) => {
      const ctx = getContext();
      const document = await documentForDownload(ctx.database.pool, requireViewer(request), request.params.id);
      const stream = await openStorage(ctx.config.storageUrl).get(document.storageKey);
      const inline = request.query.inline === '1' && INLINE.test(document.mime);
      return reply
        .header('content-type', document.mime)
        .header('content-length', String(document.size))
        .header('content-disposition', contentDisposition(document.name, inline))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, max-age=3600')
        .send(stream);
    },
  );
};
