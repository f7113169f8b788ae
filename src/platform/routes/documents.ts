/**
 * A request's documents: the list (files of its chat, uploads, 1C and
 * generated ones) and downloads, both for the deal room only (the customer
 * and the accepted agent); anyone else gets 404, as for the chat. Uploads
 * stream into storage as they arrive, then the command checks what they are.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import fastifyMultipart from '@fastify/multipart';
import { attachRequestDocument, authorizeUpload, UPLOAD_LIMIT } from '../../commands/attachRequestDocument.js';
import { ValidationError } from '../../commands/context.js';
import { contentDisposition, documentForDownload, listRequestDocuments } from '../../commands/requestDocuments.js';
import { openStorage } from '../../documents/storage.js';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { errorBody, idParam } from './schemas.js';
import { receiveUpload } from './upload.js';
import { UNTRUSTED_FILE_CSP, untrustedFileCsp } from '../../documents/untrusted.js';

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

/** Images a thumbnail is made of. */
const THUMBNAIL_FROM = /^image\/(png|jpeg|gif|webp)$/;
export const THUMBNAIL_WIDTH = 320;

/** Types a browser may show in place; everything else is always a download. */
const INLINE = /^(image\/(png|jpeg|gif|webp)|audio\/|video\/|application\/pdf$)/;

export const documentRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const tags = ['documents'];
  // The part's own limit sits above ours so that storage, not a silent truncation, refuses the oversized file;
  // two file parts get through so that the route refuses the second one with a reason.
  await instance.register(fastifyMultipart, { limits: { fileSize: UPLOAD_LIMIT + 1024 * 1024, files: 2, fields: 4 } });

  app.post(
    '/requests/:id/documents',
    {
      schema: {
        tags,
        consumes: ['multipart/form-data'],
        summary: 'Uploads a document to the request (multipart: `file`, optional `sendToClient=true` before it); sent into the topic when the request has a dialog',
        params: idParam,
        response: { 200: z.object({ id: z.number(), name: z.string(), mime: z.string().nullable(), size: z.number().nullable() }), 400: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const ctx = getContext();
      const viewer = requireViewer(request);
      // Nothing is stored for a request the viewer cannot upload to (issue 16.6).
      await authorizeUpload(ctx, viewer, request.params.id);
      let sendToClient = false;
      const document = await receiveUpload(
        ctx,
        request,
        reply,
        (upload, storage) => attachRequestDocument(ctx, { actor: viewer, requestId: request.params.id, sendToClient, storage, ...upload }),
        {
          sendToClient: (value) => {
            if (!['true', 'false', '1', '0', 'on'].includes(String(value))) throw new ValidationError('Допустимые значения: true, false, 1, 0, on', 'sendToClient');
            sendToClient = value === 'true' || value === '1' || value === 'on';
          },
        },
      );
      return { id: document.id, name: document.name, mime: document.mime, size: document.size };
    },
  );

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
    '/documents/:id/thumbnail',
    {
      schema: {
        tags,
        summary: `A preview of an image document, at most ${THUMBNAIL_WIDTH} px wide (WebP), made as it streams from storage`,
        params: idParam,
      },
    },
    async (request, reply) => {
      const ctx = getContext();
      const document = await documentForDownload(ctx.database.pool, requireViewer(request), request.params.id);
      if (!THUMBNAIL_FROM.test(document.mime)) throw new ValidationError('У этого файла нет превью');
      const source = await openStorage(ctx.config).get(document.storageKey);
      // sharp (about 20 MB resident with libvips) loads with the first preview, not with every start.
      const { default: sharp } = await import('sharp');
      const resize = sharp({ failOn: 'error', limitInputPixels: 50_000_000 }).rotate().resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true }).webp({ quality: 75 });
      let thumbnail: Buffer;
      try {
        thumbnail = await source.pipe(resize).toBuffer();
      } catch {
        throw new ValidationError('Изображение не читается — превью не сделать');
      }
      return reply.header('content-type', 'image/webp').header('cache-control', 'private, max-age=86400').header('x-content-type-options', 'nosniff').header('content-security-policy', UNTRUSTED_FILE_CSP).send(thumbnail);
    },
  );

  app.get(
    '/documents/:id/download',
    {
      schema: {
        tags,
        summary: 'The bytes of a stored document; `inline=1` shows images, audio, video and PDF in place',
        params: idParam,
        querystring: z.strictObject({ inline: z.enum(['0', '1']).optional() }),
      },
    },
    async (request, reply) => {
      const ctx = getContext();
      const document = await documentForDownload(ctx.database.pool, requireViewer(request), request.params.id);
      const stream = await openStorage(ctx.config).get(document.storageKey);
      const inline = request.query.inline === '1' && INLINE.test(document.mime);
      return reply
        .header('content-type', document.mime)
        .header('content-length', String(document.size))
        .header('content-disposition', contentDisposition(document.name, inline))
        .header('x-content-type-options', 'nosniff')
        // A client's file: no script may run even when it is shown in place (issue 16.3).
        .header('content-security-policy', untrustedFileCsp(document.mime))
        .header('cache-control', 'private, max-age=3600')
        .send(stream);
    },
  );
};
