/**
 * How the API refuses (src/platform/api.ts, and the operations routes of
 * src/platform/server.ts): one error handler turning the commands' errors,
 * the schemas' refusals and Fastify's own into `{ error, fields }` answers
 * with the right status, and one preSerialization hook adding the sentences'
 * machine codes (`code`, `fieldCodes`, src/core/messageCodes.ts) so a page
 * shows them in its own language.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../commands/context.js';
import { FieldErrors } from '../commands/validation.js';
import { findNul } from '../core/fields.js';
import { messageCode } from '../core/messageCodes.js';
import { findIllFormed } from './jsonBody.js';
import { queryProblems } from './queryString.js';
import { UnauthorizedError } from './auth/guard.js';
import { FRAMEWORK_REFUSALS, zodFields } from './validationMessages.js';

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
export function withMessageCodes(body: { error?: unknown; fields?: unknown }): Record<string, unknown> {
  const coded: Record<string, unknown> = { ...body };
  const code = typeof body.error === 'string' ? messageCode(body.error) : undefined;
  if (code) coded.code = code;
  if (body.fields && typeof body.fields === 'object') {
    // No prototype: a refused key named «__proto__» keeps its code.
    const fieldCodes = Object.create(null) as Record<string, unknown>;
    for (const [field, message] of Object.entries(body.fields as Record<string, unknown>)) {
      const fieldCode = typeof message === 'string' ? messageCode(message) : undefined;
      if (fieldCode) fieldCodes[field] = fieldCode;
    }
    if (Object.keys(fieldCodes).length) coded.fieldCodes = fieldCodes;
  }
  return coded;
}

/**
 * The API's error handler: a mistake in a form → 400 `{ error, fields: { field: message } }`,
 * not visible → 404, not allowed → 403, a conflict → 409, not signed in → 401,
 * Fastify's refusals of a body in our words with its status, a value the database
 * refused → 400, anything else → 500 (logged with the route's pattern).
 */
export function refusalHandler(raw: FastifyError, request: FastifyRequest, reply: FastifyReply) {
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
}

/** preSerialization hook: every refusal (an answer of 400 and up with an `error` sentence) gets its codes. */
export async function refusalCodes(_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (reply.statusCode < 400 || !payload || typeof payload !== 'object' || typeof (payload as { error?: unknown }).error !== 'string') return payload;
  return withMessageCodes(payload as { error?: unknown; fields?: unknown });
}

/**
 * Runs a route's command and answers its refusals under the names the caller
 * sent: a command's field (`ownerUserId`, `dealFromMessageId`) is renamed to
 * the route's (`userId` in the body, `from` in the query), given as
 * `{ commandField: routeField }`. Outside check: refusals were keyed by names
 * the caller never sent, so a page could not put them beside its field.
 */
export async function underRouteNames<T>(names: Record<string, string>, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof FieldErrors) {
      const renamed = Object.fromEntries(Object.entries(error.fields).map(([field, message]) => [names[field] ?? field, message]));
      throw new FieldErrors(renamed);
    }
    if (error instanceof ValidationError && error.field && Object.hasOwn(names, error.field)) throw new ValidationError(error.message, names[error.field]);
    throw error;
  }
}

/** A lone UTF-16 surrogate in a text (src/core/messageCodes.ts `form.surrogate`). */
export const LONE_SURROGATE = 'Недопустимый символ: одиночная половина суррогатной пары UTF-16 (\\uD800–\\uDFFF)';

/**
 * preValidation hook of the API (and of the operations routes): what a caller
 * sent that cannot be taken as sent is a 400 beside its bare field (`q`,
 * `payer.name`), whether it came in the path, the query string or the body,
 * before any schema or SQL sees it — a query parameter with a broken
 * %-escape or given twice (queryString.ts), a NUL (PostgreSQL text cannot
 * hold U+0000, issue 16.2), a lone UTF-16 surrogate (jsonBody.ts `findIllFormed`).
 */
export async function refuseUnreadableInput(request: FastifyRequest): Promise<void> {
  const unreadable = queryProblems(request.query);
  if (unreadable) throw new FieldErrors(unreadable);
  for (const value of [request.params, request.query, request.body]) {
    const nul = findNul(value);
    if (nul) throw new FieldErrors({ [nul]: 'Недопустимый символ NUL (\\0) в поле' });
    const broken = findIllFormed(value);
    if (broken) throw new FieldErrors({ [broken]: LONE_SURROGATE });
  }
}
