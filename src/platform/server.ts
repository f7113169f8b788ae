/**
 * The HTTP server: Fastify with pino logs, zod schemas (validation, types and
 * OpenAPI from one definition), health and readiness probes, Prometheus
 * metrics, and the built web app with client-side routing fallback.
 *
 * The server listens before the database is ready, so `/healthz` answers at
 * once and `/readyz` tells orchestrators when the app can take traffic; until
 * then every other API call answers 503.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import { metrics } from '../metrics.js';

export const webDistDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** The Fastify instance with our logger and the zod type provider. */
export type HttpServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ServerOptions {
  log: Logger;
  /** True once the database answers and migrations are applied. */
  ready: () => Promise<boolean>;
  /** Whether the app runs without a bot token, against the built-in emulator. */
  sandbox: boolean;
  /** Plugins to register (API routes, the emulator, the webhook…), each with its prefix. */
  plugins?: Array<{ plugin: FastifyPluginAsync; prefix?: string }>;
  /** Trust X-Forwarded-* headers (behind a reverse proxy): true, a hop count, or addresses. */
  trustProxy?: boolean | number | string;
  /** Built web app; default `dist/web`. */
  webDir?: string;
}

/** Paths that answer before the app is ready. */
const ALWAYS_OPEN = /^\/(healthz|readyz|metrics|docs|tg)(\/|$|\?)/;

export async function createHttpServer(options: ServerOptions): Promise<HttpServer> {
  const app = Fastify({
    loggerInstance: options.log as FastifyBaseLogger,
    // Request lines would drown the relay's own logs; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 60 * 1024 * 1024,
    // X-Forwarded-For is believed only when an operator says a proxy sets it (TRUST_PROXY).
    trustProxy: (options.trustProxy ?? false) as boolean, // Fastify takes a number or addresses too; its overloads want one type
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  let isReady = false;
  app.addHook('onRequest', async (request, reply) => {
    if (isReady || ALWAYS_OPEN.test(request.url) || !request.url.startsWith('/api')) return;
    isReady = await options.ready();
    if (!isReady) return reply.code(503).header('retry-after', '2').send({ error: 'Hotline is starting, try again in a moment' });
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Hotline API', version: '1.0.0', description: 'Payment requests, offers and dialogs.' },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'hotline_session' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Ready to take traffic: the database answers and migrations are applied',
        response: { 200: z.object({ status: z.literal('ready') }), 503: z.object({ status: z.literal('starting') }) },
      },
    },
    async (_request, reply) => {
      const ready = await options.ready();
      return ready ? { status: 'ready' as const } : reply.code(503).send({ status: 'starting' as const });
    },
  );
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get('/api/meta', { schema: { tags: ['operations'], summary: 'What the web app needs to know at start' } }, async () => ({
    product: 'Hotline',
    sandbox: options.sandbox,
  }));

  for (const { plugin, prefix } of options.plugins ?? []) await app.register(plugin, { prefix });

  const webDir = options.webDir ?? webDistDir;
  if (fs.existsSync(path.join(webDir, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: webDir,
      wildcard: false,
      index: ['index.html'],
      // The build writes .br and .gz beside each text asset (web/compress.ts).
      preCompressed: true,
      cacheControl: false,
      setHeaders(reply, filePath) {
        // Vite names assets by their content: a changed file has a new name.
        if (filePath.includes(`${path.sep}assets${path.sep}`)) reply.header('cache-control', 'public, max-age=31536000, immutable');
        else reply.header('cache-control', 'no-cache');
      },
    });
    // Client-side routing: any unknown GET outside the API opens the app.
    app.setNotFoundHandler((request, reply) => {
      const url = request.url;
      if (request.method === 'GET' && !/^\/(api|tg|docs|metrics)(\/|$)/.test(url) && !path.extname(url.split('?')[0]!)) {
        return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
      }
      return reply.code(404).send({ error: 'Not found' });
    });
  } else {
    options.log.warn(`The web app is not built (no ${webDir}/index.html); run \`npm run build\``);
  }
  return app;
}
