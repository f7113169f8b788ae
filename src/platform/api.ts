/**
 * The platform's REST API under `/api`: one plugin per resource in
 * `routes/`, registered here. Routes are thin: they validate with zod and
 * call commands. Errors of commands become answers here, in one place:
 * a mistake in a form → 400 `{ error, fields: { field: message } }`,
 * not visible → 404, not allowed → 403, not signed in → 401. Every error
 * answer also carries the sentences' machine codes (`code`, `fieldCodes`:
 * `{ code, params }`, src/core/messageCodes.ts) so a page shows them in its
 * own language; the Russian `error` / `fields` stay for API clients.
 */
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { CommandContext } from '../commands/context.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../commands/context.js';
import { FieldErrors } from '../commands/validation.js';
import { findNul } from '../core/fields.js';
import { messageCode } from '../core/messageCodes.js';
import { FRAMEWORK_REFUSALS, zodFields } from './validationMessages.js';
import { strictInput } from './strictInput.js';
import { authHook, SessionCache, UnauthorizedError } from './auth/guard.js';
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

/**
 * PostgreSQL's class 22 "data exception" (a bad date, number or encoding in
 * a value: 22P02, 22008, 22003, 22021…), possibly wrapped by Drizzle
 * (`cause`). Source: PostgreSQL docs, Appendix A "Error Codes".
 */
function isDataException(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code)) return true;
  }
  return false;
}

/** PostgreSQL's 23505 unique_violation, possibly wrapped by Drizzle (Appendix A "Error Codes"). */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (e.code === '23505') return true;
  }
  return false;
}

/** An error answer with the codes of its sentences added (those the catalogue knows). */
function withMessageCodes(body: { error?: unknown; fields?: unknown }): Record<string, unknown> {
  const coded: Record<string, unknown> = { ...body };
  const code = typeof body.error === 'string' ? messageCode(body.error) : undefined;
  if (code) coded.code = code;
  if (body.fields && typeof body.fields === 'object') {
    const fieldCodes: Record<string, unknown> = {};
    for (const [field, message] of Object.entries(body.fields as Record<string, unknown>)) {
      const fieldCode = typeof message === 'string' ? messageCode(message) : undefined;
      if (fieldCode) fieldCodes[field] = fieldCode;
    }
    if (Object.keys(fieldCodes).length) coded.fieldCodes = fieldCodes;
  }
  return coded;
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
    // PostgreSQL text cannot hold U+0000: a NUL anywhere in what a caller
    // sends is refused here, for every route, before any SQL (issue 16.2).
    // Keyed by the bare field (`q`, `payer.name`), as the schemas' refusals
    // are, whether it came in the path, the query string or the body.
    app.addHook('preValidation', async (request) => {
      for (const value of [request.params, request.query, request.body]) {
        const field = findNul(value);
        if (field) throw new FieldErrors({ [field]: 'Недопустимый символ NUL (\\0) в поле' });
      }
    });

    // Every refusal, from the error handler below or from a route's own reply, gets its codes here.
    app.addHook('preSerialization', async (_request, reply, payload: unknown) => {
      if (reply.statusCode < 400 || !payload || typeof payload !== 'object' || typeof (payload as { error?: unknown }).error !== 'string') return payload;
      return withMessageCodes(payload as { error?: unknown; fields?: unknown });
    });

    app.setErrorHandler((raw: FastifyError, request, reply) => {
      const error: unknown = raw;
      if (error instanceof FieldErrors) return reply.code(400).send({ error: error.message, fields: error.fields });
      if (error instanceof ValidationError) {
        return reply.code(400).send({ error: error.message, fields: error.field ? { [error.field]: error.message } : {} });
      }
      if (error instanceof NotFoundError) return reply.code(404).send({ error: error.message });
      if (error instanceof ForbiddenError) return reply.code(403).send({ error: error.message });
      if (error instanceof ConflictError) return reply.code(409).send({ error: error.message });
      if (error instanceof UnauthorizedError) return reply.code(401).send({ error: error.message });
      if (raw.validation) return reply.code(400).send({ error: 'Проверьте поля формы', fields: zodFields(raw, request) });
      const framework = raw.code ? FRAMEWORK_REFUSALS[raw.code] : undefined;
      if (framework && raw.statusCode && raw.statusCode < 500) return reply.code(raw.statusCode).send({ error: framework });
      if (raw.statusCode && raw.statusCode < 500) return reply.code(raw.statusCode).send({ error: raw.message });
      if (isUniqueViolation(raw)) {
        // Two callers raced for one unique value a command had checked (an e-mail, a Telegram ID): the loser is told.
        request.log.warn(`API ${request.method} ${request.routeOptions.url ?? 'unmatched route'}: unique value taken meanwhile (23505)`);
        return reply.code(409).send({ error: 'Такая запись уже есть: обновите страницу и проверьте' });
      }
      if (isDataException(raw)) {
        // A value outside the database's domain that no route check caught:
        // the caller's mistake, not ours (fail closed with a reason), but
        // logged — a route should have refused it before SQL.
        request.log.warn(`API ${request.method} ${request.routeOptions.url ?? 'unmatched route'}: value refused by the database (${(raw as { code?: string }).code})`);
        return reply.code(400).send({ error: 'Неверное значение в запросе' });
      }
      // The route's pattern, not its URL: a query string may carry what someone typed (issue 16.17).
      request.log.error({ err: raw }, `API ${request.method} ${request.routeOptions.url ?? 'unmatched route'} failed`);
      return reply.code(500).send({ error: 'Внутренняя ошибка сервера' });
    });

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
