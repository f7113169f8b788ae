/**
 * `/quick-replies`: the quick replies managers send with `/t name` in a
 * client's topic (issue 19.4). Our managers and admins only
 * (`mayUseQuickReplies`): others get 403 on every route.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import fastifyMultipart from '@fastify/multipart';
import { UPLOAD_LIMIT } from '../../commands/attachRequestDocument.js';
import { setQuickReplyFile } from '../../commands/setQuickReplyFile.js';
import { deleteQuickReply, listQuickReplies, requireQuickReplies, saveQuickReply, type QuickReply } from '../../commands/saveQuickReply.js';
import { QUICK_REPLY_VARIABLES } from '../../core/quickReply.js';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { errorBody, idParam } from './schemas.js';
import { receiveUpload } from './upload.js';

const quickReply = z.object({
  id: z.number(),
  /** 1–32 letters (Latin or Cyrillic), digits, `_`, `-`; unique ignoring case. */
  name: z.string(),
  /** Telegram HTML (<b> <i> <u> <s> <a href> <code>) with `{variables}`. */
  body: z.string(),
  /** The file sent with the text as its caption, or null. */
  fileName: z.string().nullable(),
  /** ISO time of the last change. */
  updatedAt: z.string(),
});

const variable = z.object({ name: z.string(), description: z.string() });

/** Body of create and update; sizes beyond the rules are refused by the command with a field message, these caps only stop abuse. */
const quickReplyBody = z.strictObject({ name: z.string().max(200), body: z.string().max(20_000) });

const view = (row: QuickReply & { fileName?: string | null }) => ({ id: row.id, name: row.name, body: row.body, fileName: row.fileName ?? null, updatedAt: row.updatedAt.toISOString() });

export const quickReplyRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  await instance.register(fastifyMultipart, { limits: { fileSize: UPLOAD_LIMIT + 1024 * 1024, files: 2, fields: 2 } });

  /** Every quick reply by name, and the variables a template may use (`{client}`…) with what each means. */
  app.get(
    '/quick-replies',
    {
      schema: {
        tags: ['quick replies'],
        summary: 'Quick replies (our managers and admins only) and the variables templates may use',
        response: { 200: z.object({ items: z.array(quickReply), variables: z.array(variable) }), 401: errorBody, 403: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const { db } = getContext().database;
      await requireQuickReplies({ db }, viewer);
      const items = await listQuickReplies({ db });
      return { items: items.map(view), variables: Object.entries(QUICK_REPLY_VARIABLES).map(([name, description]) => ({ name, description })) };
    },
  );

  /** Creates a quick reply. 400 with `fields.name` / `fields.body` saying what to fix (a taken name, markup Telegram would refuse…). */
  app.post(
    '/quick-replies',
    {
      schema: {
        tags: ['quick replies'],
        summary: 'Creates a quick reply',
        body: quickReplyBody,
        response: { 201: quickReply, 400: errorBody, 401: errorBody, 403: errorBody },
      },
    },
    async (request, reply) => {
      const saved = await saveQuickReply(getContext(), { actor: requireViewer(request), ...request.body });
      return reply.code(201).send(view(saved));
    },
  );

  /** Changes a quick reply's name and text. 404 for an unknown id; 400 as for creating. */
  app.put(
    '/quick-replies/:id',
    {
      schema: {
        tags: ['quick replies'],
        summary: 'Changes a quick reply',
        params: idParam,
        body: quickReplyBody,
        response: { 200: quickReply, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => view(await saveQuickReply(getContext(), { actor: requireViewer(request), id: request.params.id, ...request.body })),
  );

  /** Deletes a quick reply. 404 for an unknown id. */
  app.delete(
    '/quick-replies/:id',
    {
      schema: {
        tags: ['quick replies'],
        summary: 'Deletes a quick reply',
        params: idParam,
        response: { 200: z.object({ deleted: z.literal(true) }), 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      await deleteQuickReply(getContext(), { actor: requireViewer(request), id: request.params.id });
      return { deleted: true as const };
    },
  );

  /**
   * Attaches a file to a quick reply, replacing the one it had (multipart:
   * `file`; PDF, JPEG, PNG, WebP, DOCX, XLSX, DOC, XLS up to 20 MB, as a
   * request's documents). 400 `fields.file` for another type, bytes that are
   * not what the name says, or a file too large; 404 for an unknown reply.
   */
  app.post(
    '/quick-replies/:id/file',
    {
      schema: {
        tags: ['quick replies'],
        consumes: ['multipart/form-data'],
        summary: 'Attaches a file to a quick reply (multipart `file`)',
        params: idParam,
        response: { 200: quickReply, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const ctx = getContext();
      const viewer = requireViewer(request);
      // Nothing is stored for someone who may not keep quick replies.
      await requireQuickReplies(ctx.database, viewer);
      return view(await receiveUpload(ctx, request, reply, (upload, storage) => setQuickReplyFile(ctx, { actor: viewer, id: request.params.id, upload, storage })));
    },
  );

  /** Takes the file away from a quick reply (the text stays). 404 for an unknown reply. */
  app.delete(
    '/quick-replies/:id/file',
    {
      schema: {
        tags: ['quick replies'],
        summary: "Takes a quick reply's file away",
        params: idParam,
        response: { 200: quickReply, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => view(await setQuickReplyFile(getContext(), { actor: requireViewer(request), id: request.params.id, upload: null })),
  );
};
