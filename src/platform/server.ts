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
  type FastifyReply,
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
import { GROUP_PROBLEMS } from '../commands/managersChats.js';
import { metrics } from '../metrics.js';
import { htmlWithPreloads, PRELOADED_PAGES } from './pagePreload.js';
import Negotiator from 'negotiator';
import { isAppPage } from '../core/appPages.js';
import { messageCode } from '../core/messageCodes.js';
import { parseQueryString } from './queryString.js';
import { refusalCodes, refusalHandler, refuseUnreadableInput } from './refusals.js';
import { clientErrorAnswer, frameworkRefusal } from './validationMessages.js';
import { DEFAULT_BODY_LIMIT, isLocalCaller, registerSecurityHeaders, sameSecret, UNAUTHENTICATED_BODY_LIMIT } from './security.js';

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
  /** Managers' groups paused because the bot cannot post there (shown on /readyz; the app still takes traffic). */
  pausedGroups?: () => Promise<Array<{ chatId: number; pausedAt: Date; reason: string; reasonCode: string; waiting: number }>>;
  /** Managers' groups where the bot posts but cannot read managers' messages or create topics (shown on /readyz; the app still takes traffic). */
  unhealthyGroups?: () => Promise<Array<{ chatId: number; problem: string; since: Date }>>;
  /** Whether the app runs without a bot token, against the built-in emulator. */
  sandbox: boolean;
  /** Plugins to register (API routes, the emulator, the webhook…), each with its prefix. */
  plugins?: Array<{ plugin: FastifyPluginAsync; prefix?: string }>;
  /** Trust X-Forwarded-* headers (behind a reverse proxy): true, a hop count, or addresses. */
  trustProxy?: boolean | number | string;
  /** Rewrites a request's URL before routing (sandbox mode: Bot API calls past the emulator's prefix). */
  rewriteUrl?: (url: string) => string;
  /** Built web app; default `dist/web`. */
  webDir?: string;
  /** PUBLIC_URL: an https one turns HSTS on. */
  publicUrl?: string;
  /** METRICS_TOKEN: /metrics asks for it as a bearer token; without it /metrics answers local callers only. */
  metricsToken?: string;
}

/** What the operations routes take in a query string: nothing (`/readyz?x=1` is a 400 naming `x`). */
const NO_QUERY = z.strictObject({});

/**
 * A route's URL pattern (`/api/requests/:id`, `/files/*`) as a regular
 * expression over a request's path: `:name` is one segment, `*` the rest.
 */
export function routePattern(url: string): RegExp {
  const source = url
    .split(/(:\w+|\*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** Paths that answer before the app is ready. */
const ALWAYS_OPEN = /^\/(healthz|readyz|metrics|docs|tg)(\/|$|\?)/;

export async function createHttpServer(options: ServerOptions): Promise<HttpServer> {
  const app = Fastify({
    loggerInstance: options.log as FastifyBaseLogger,
    // Request lines would drown the relay's own logs; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // Small by default (issue 16.11): uploads are multipart with their own limits, and the emulator's routes set theirs.
    bodyLimit: DEFAULT_BODY_LIMIT,
    // X-Forwarded-For is believed only when an operator says a proxy sets it (TRUST_PROXY).
    trustProxy: (options.trustProxy ?? false) as boolean, // Fastify takes a number or addresses too; its overloads want one type
    // Strict %-decoding: an unreadable or repeated parameter is remembered for the API to refuse (queryString.ts).
    routerOptions: { querystringParser: parseQueryString },
    ...(options.rewriteUrl ? { rewriteUrl: (request: { url?: string }) => options.rewriteUrl!(request.url ?? '/') } : {}),
    // A URL the router cannot decode (`%E0%A4%A`), a path parameter too long: our words and a code, not Fastify's English.
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = frameworkRefusal(error);
      // The reply before any route: its types know no schema, any status goes.
      void (reply as unknown as FastifyReply).code(status).send(body);
    },
    // Raw non-ASCII bytes in the URL, a malformed request: Node's parser refuses before Fastify; answered the same way.
    clientErrorHandler: (error, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorAnswer(error.code));
      socket.destroy(error);
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler((route) => {
    // Refusals (4xx/5xx) are built by our handlers (refusals.ts) and sent as built: a Zod record would
    // assign a refused key named `__proto__` as a prototype and drop it from `fields`.
    if (/^[45]/.test(String(route.httpStatus))) return (data: unknown) => JSON.stringify(data);
    return serializerCompiler(route as Parameters<typeof serializerCompiler>[0]);
  });
  // Every route's methods by its pattern, for the 405 answer of a known address asked with another method.
  const routeMethods: Array<{ pattern: RegExp; methods: string[] }> = [];
  app.addHook('onRoute', (route) => {
    routeMethods.push({ pattern: routePattern(route.url), methods: ([] as string[]).concat(route.method) });
  });
  // Nothing expensive before authentication: the sign-in routes parse at most a few KB (issue 16.11).
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/auth/') && route.bodyLimit === undefined) route.bodyLimit = UNAUTHENTICATED_BODY_LIMIT;
  });
  await registerSecurityHeaders(app, { https: options.publicUrl?.startsWith('https:') ?? false });

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

  // The operations routes refuse like the API (refusals.ts): an unknown query parameter is a 400 naming it,
  // in our words with a code. Probes send none (`GET /healthz`, `GET /readyz`), so nothing they do changes.
  await app.register(async (ops) => {
    ops.addHook('preValidation', refuseUnreadableInput);
    ops.addHook('preSerialization', refusalCodes);
    ops.setErrorHandler(refusalHandler);
    ops.get('/healthz', { schema: { hide: true, querystring: NO_QUERY } }, async () => ({ status: 'ok' }));
    ops.get(
      '/readyz',
      {
        schema: {
          querystring: NO_QUERY,
          tags: ['operations'],
          summary:
            "Ready to take traffic: the database answers and migrations are applied. Managers' groups that are paused or unhealthy are listed, but do not make it fail: clients' intake goes on",
          response: {
            200: z.object({
              status: z.literal('ready'),
              /** Managers' groups where the bot cannot post: their messages wait (none is dropped) until its rights are back. */
              paused_managers_groups: z
                .array(z.object({ chat_id: z.number(), paused_at: z.string(), reason: z.string(), reason_code: z.string(), waiting: z.number() }))
                .optional(),
              /**
               * Managers' groups where the bot can post but not do its whole job: `cannot_read_messages` (a plain member in
               * privacy mode: managers' answers do not reach clients), `cannot_manage_topics` (new clients' messages wait).
               */
              unhealthy_managers_groups: z.array(z.object({ chat_id: z.number(), problem: z.string(), since: z.string() })).optional(),
            }),
            503: z.object({ status: z.literal('starting') }),
          },
        },
      },
      async (_request, reply) => {
        const ready = await options.ready();
        if (!ready) return reply.code(503).send({ status: 'starting' as const });
        const paused = (await options.pausedGroups?.().catch(() => [])) ?? [];
        const unhealthy = (await options.unhealthyGroups?.().catch(() => [])) ?? [];
        return {
          status: 'ready' as const,
          ...(paused.length > 0
            ? {
                paused_managers_groups: paused.map((p) => ({
                  chat_id: p.chatId,
                  paused_at: p.pausedAt.toISOString(),
                  reason: p.reason,
                  reason_code: p.reasonCode,
                  waiting: p.waiting,
                })),
              }
            : {}),
          ...(unhealthy.length > 0 ? { unhealthy_managers_groups: unhealthy.map((u) => ({ chat_id: u.chatId, problem: u.problem, since: u.since.toISOString() })) } : {}),
        };
      },
    );
    // Not public (issue 16.15): it counts sign-ins and errors. A scraper elsewhere presents METRICS_TOKEN;
    // without one set, only callers on this machine that no proxy relays may read it.
    ops.get('/metrics', { schema: { hide: true, querystring: NO_QUERY } }, async (request, reply) => {
      if (options.metricsToken) {
        const [scheme, token] = (request.headers.authorization ?? '').split(' ');
        if (scheme?.toLowerCase() !== 'bearer' || !sameSecret(token, options.metricsToken)) {
          return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').send({ error: 'Send METRICS_TOKEN as a bearer token' });
        }
      } else if (!isLocalCaller(request)) {
        return reply.code(403).send({ error: 'Metrics answer callers on this machine only; set METRICS_TOKEN to scrape from elsewhere' });
      }
      // The managers' groups gauges are the database's view at the moment of the scrape, as /readyz shows it:
      // set here and nowhere else, so no writer holding an older reading can overwrite a newer one.
      const [paused, unhealthy] = await Promise.all([options.pausedGroups?.().catch(() => null), options.unhealthyGroups?.().catch(() => null)]);
      if (paused) metrics.managersChatsPaused.set(paused.length);
      if (unhealthy) for (const problem of GROUP_PROBLEMS) metrics.managersChatsUnhealthy.set({ problem }, unhealthy.filter((u) => u.problem === problem).length);
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    });
    ops.get('/api/meta', { schema: { tags: ['operations'], summary: 'What the web app needs to know at start', querystring: NO_QUERY } }, async () => ({
      product: 'Hotline',
      sandbox: options.sandbox,
    }));
  });

  for (const { plugin, prefix } of options.plugins ?? []) await app.register(plugin, { prefix });

  const webDir = options.webDir ?? webDistDir;
  let webApp: { preloaded: Array<{ path: RegExp; html: string | null }> } | undefined;
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
    // Pages whose code is announced in index.html's head when opened cold (pagePreload.ts), read once.
    const preloaded = PRELOADED_PAGES.map((page) => ({ path: page.path, html: htmlWithPreloads(webDir, page.source) }));
    webApp = { preloaded };
  } else {
    options.log.warn(`The web app is not built (no ${webDir}/index.html); run \`npm run build\``);
  }
  app.setNotFoundHandler((request, reply) => {
    const url = request.url;
    const pathname = url.split('?')[0]!;
    // Client-side routing: a GET outside the API opens the app — with 200 for a page the app routes (core/appPages.ts,
    // the list App.tsx routes by), with 404 for any other path: the app then shows its own «not found» page, and
    // the status says so too (outside check: `/nope` answered 200). Not under /api, /tg, /docs, /metrics in any
    // case (`/API/requests` is the API's 404, not a page), nor the probes with a trailing slash (`/readyz/` must
    // not answer 200 as if ready — outside check). A path with a dot (`/requests/1.5`, `/sign-in.html`) is a file
    // no longer there — a plain 404 for a script or an image asking for it — unless a browser navigates to it
    // (Accept prefers HTML): then the app's «not found» page too, not the API's JSON (outside check).
    const webGet = webApp && request.method === 'GET' && !/^\/(api|tg|docs|metrics|readyz|healthz)(\/|$)/i.test(url);
    if (webGet && (!path.extname(pathname) || prefersHtml(request.headers.accept))) {
      if (!isAppPage(pathname)) return reply.code(404).type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
      const page = webApp!.preloaded.find((candidate) => candidate.html && candidate.path.test(pathname));
      if (page?.html) return reply.type('text/html').header('cache-control', 'no-cache').send(page.html);
      return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
    }
    // A file outside the API that is not there (a script's, an image's, curl's request): a 404 that says so, not the API's words.
    if (webGet) {
      const error = 'Такого файла нет: проверьте адрес';
      return reply.code(404).send({ error, code: messageCode(error) });
    }
    // An address that exists with other methods: 405 naming them (RFC 9110 §15.5.6: with Allow); else 404. In the API's shape.
    const allowed = [...new Set(routeMethods.filter((route) => route.pattern.test(pathname)).flatMap((route) => route.methods))].sort();
    const error = allowed.length ? `Метод ${request.method} по этому адресу не принимается: допустимы ${allowed.join(', ')}` : 'Такого адреса в API нет: проверьте путь запроса';
    const body = { error, code: messageCode(error) };
    if (allowed.length) return reply.code(405).header('allow', allowed.join(', ')).send(body);
    return reply.code(404).send(body);
  });
  return app;
}

/**
 * Whether an Accept header asks for a page first, as a browser's navigation
 * does (`text/html,…,*\/*;q=0.8`): the type it prefers most (RFC 9110
 * §12.5.1, read by `negotiator`, the Express/Koa content negotiation library)
 * is `text/html` or `application/xhtml+xml`. `*\/*` alone (curl, a script or
 * image load), `application/javascript` or no header: false.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const [first] = new Negotiator({ headers: { accept } }).mediaTypes();
  return first === 'text/html' || first === 'application/xhtml+xml';
}
