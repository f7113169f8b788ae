/**
 * The platform's REST API under `/api`: one plugin per resource in
 * `routes/`, registered here. Routes are thin: they validate with zod and
 * call commands. Errors of commands become answers in one place
 * (src/platform/refusals.ts):
 * a mistake in a form → 400 `{ error, fields: { field: message } }`,
 * not visible → 404, not allowed → 403, not signed in → 401. Every error
 * answer also carries the sentences' machine codes (`code`, `fieldCodes`:
 * `{ code, params }`, src/core/messageCodes.ts) so a page shows them in its
 * own language; the Russian `error` / `fields` stay for API clients.
 */
import type { FastifyPluginAsync } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { CommandContext } from '../commands/context.js';
import { parseJsonBody } from './jsonBody.js';
import { refusalCodes, refusalHandler, refuseUnreadableInput } from './refusals.js';
import { strictInput } from './strictInput.js';
import { authHook, SessionCache } from './auth/guard.js';
import { LoginLimiter } from './auth/loginLimiter.js';
import { authRoutes } from './routes/auth.js';
import { adminRoutes } from './routes/admin.js';
import { referenceRoutes } from './routes/reference.js';
import { requestRoutes } from './routes/requests.js';
import { agentRoutes } from './routes/agent.js';
import { offerRoutes } from './routes/offers.js';
import { chatRoutes } from './routes/chat.js';
import { dialogRoutes } from './routes/dialogs.js';
import { termsRoutes } from './routes/terms.js';
import { documentRoutes } from './routes/documents.js';
import { searchRoutes } from './routes/search.js';
import { insightRoutes } from './routes/insight.js';
import { clientRoutes } from './routes/clients.js';
import { quickReplyRoutes } from './routes/quickReplies.js';
import { ratingRoutes } from './routes/ratings.js';
import { broadcastRoutes } from './routes/broadcasts.js';

export interface ApiOptions {
  /** The command context; available once the database is open (earlier calls get 503). */
  getContext: () => CommandContext;
  /** Failed sign-ins allowed per e-mail and IP within the window (tests lower the window). */
  loginLimiter?: LoginLimiter;
  /**
   * The bot token Telegram signs login data with (the sandbox's in sandbox
   * mode); undefined refuses every link sign-in (fail closed).
   */
  telegramLoginToken?: string;
  /** Sign-in and link requests one address may send a minute, whatever their outcome; default 60. */
  signInRequestsPerMinute?: number;
}

/** What each route plugin gets. */
export interface RouteOptions {
  getContext: () => CommandContext;
  loginLimiter: LoginLimiter;
  /** Sign-out evicts its session here. */
  sessionCache: SessionCache;
  telegramLoginToken: string | undefined;
  signInRequestsPerMinute: number;
}

export function apiPlugin(options: ApiOptions): FastifyPluginAsync {
  return async (app) => {
    await app.register(fastifyCookie);
    app.decorateRequest('viewer', null);
    app.decorateRequest('session', null);
    const sessionCache = new SessionCache();
    // Every body and query string is a strict object: an unknown key is a 400, not dropped (strictInput.ts).
    app.addHook('onRoute', (route) => strictInput(route));
    app.addHook('onRequest', authHook(options.getContext, sessionCache));
    // What a caller sends is read exactly or refused before any route runs,
    // for every route (refusals.ts `refuseUnreadableInput`): a query parameter
    // with a broken %-escape or given twice, a NUL (PostgreSQL text cannot hold
    // U+0000, issue 16.2), a lone UTF-16 surrogate — beside the bare field.
    app.addHook('preValidation', refuseUnreadableInput);
    // JSON bodies: UTF-8 only, each key once, no `__proto__` / `constructor` keys (jsonBody.ts).
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
      try {
        done(null, parseJsonBody(body as Buffer));
      } catch (error) {
        done(error as Error, undefined);
      }
    });

    // A JSON route takes JSON only: text/plain (Fastify's default parser made it a string, refused as
    // «Нужен объект с полями») or a multipart form sent to a route that reads no file is a 415,
    // as application/xml is (outside check) — `schema.consumes` names the upload routes.
    app.removeContentTypeParser('text/plain');
    app.addHook('preValidation', async (request) => {
      if (!request.headers['content-type']?.toLowerCase().trimStart().startsWith('multipart/')) return;
      const consumes = (request.routeOptions.schema as { consumes?: string[] } | undefined)?.consumes ?? [];
      if (!consumes.includes('multipart/form-data')) {
        throw Object.assign(new Error('multipart body on a JSON route'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
      }
    });

    // Every refusal, from the error handler below or from a route's own reply, gets its codes here.
    app.addHook('preSerialization', refusalCodes);

    app.setErrorHandler(refusalHandler);

    const routeOptions: RouteOptions = {
      getContext: options.getContext,
      loginLimiter: options.loginLimiter ?? new LoginLimiter(),
      sessionCache,
      telegramLoginToken: options.telegramLoginToken,
      signInRequestsPerMinute: options.signInRequestsPerMinute ?? 60,
    };
    for (const plugin of [authRoutes, adminRoutes, referenceRoutes, requestRoutes, agentRoutes, offerRoutes, chatRoutes, dialogRoutes, termsRoutes, documentRoutes, searchRoutes, insightRoutes, clientRoutes, quickReplyRoutes, ratingRoutes, broadcastRoutes]) {
      await app.register(plugin, routeOptions);
    }
  };
}
