/**
 * The API's answers to input a route's schema refused (src/platform/api.ts's
 * error handler): a message beside each refused field saying what is allowed,
 * and Fastify's own refusals of a body, as Russian sentences of the catalogue
 * (src/core/messageCodes.ts) so the page shows them in its language.
 */
import type { FastifyError, FastifyRequest } from 'fastify';
import { messageCode, type MessageCode } from '../core/messageCodes.js';
import { QUERY_REFUSALS } from './queryString.js';

/** Zod's issues as `{ 'beneficiary.swift': message }`. */
export function zodFields(error: FastifyError, request: FastifyRequest): Record<string, string> {
  // No prototype: a refused key named «__proto__» or «constructor» is a field like any other.
  const fields = Object.create(null) as Record<string, string>;
  const input = validatedInput(error, request);
  for (const issue of error.validation ?? []) {
    // fastify-type-provider-zod hands each Zod issue over as `keyword` (its
    // code), `message`, `instancePath` ("/a/b") and the rest in `params`.
    const zodIssue: ZodIssueShape = { ...(issue.params as Omit<ZodIssueShape, 'code' | 'message'>), code: issue.keyword, message: issue.message };
    const pathParts = issue.instancePath.split('/').filter(Boolean);
    if (zodIssue.code === 'unrecognized_keys' && zodIssue.keys?.length) {
      // One message beside each key nobody asked for, not one for the whole form.
      for (const key of zodIssue.keys) fields[[...pathParts, key].join('.')] ??= 'Неизвестное поле: уберите его';
      continue;
    }
    fields[pathParts.join('.') || 'body'] ??= fieldMessage(zodIssue, valueAt(input, pathParts), error.validationContext === 'querystring');
  }
  return fields;
}

/**
 * Fastify's own refusals of a request's body (fastify/lib/errors.js), in the
 * words of our answers instead of its English (the outside check found them
 * on the page). Status codes stay Fastify's (400, 413, 415).
 */
export const FRAMEWORK_REFUSALS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Тело запроса — не JSON: проверьте кавычки, запятые и скобки',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Пустое тело запроса при Content-Type: application/json — пришлите {} или уберите заголовок',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Неподдерживаемый Content-Type: нужен application/json (файлы — multipart/form-data)',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Слишком большой запрос',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Размер тела запроса не совпадает с Content-Length',
  // Refusals of the URL before any route (Fastify's `frameworkErrors`, src/platform/server.ts).
  FST_ERR_BAD_URL: 'Адрес запроса не читается: неверная %-последовательность; символы вне ASCII пришлите %-кодированными в UTF-8, например %D1%8F вместо «я»',
  FST_ERR_MAX_PARAM_LENGTH: 'Слишком длинная часть адреса запроса',
};

/**
 * A refusal of a request before any route sees it, as the API answers:
 * `{ error, code }` (the page shows the code's text in its language).
 * `frameworkRefusal` for Fastify's `frameworkErrors` (a URL its router cannot
 * decode, a path parameter over its length); `clientErrorAnswer` for Node's
 * HTTP parser (`clientError`: raw non-ASCII bytes in the URL, a malformed
 * request line or header, headers too large, a request too slow), where
 * Fastify's default writes English («Bad Request», «Client Error»).
 */
export function frameworkRefusal(error: FastifyError): { status: number; body: { error: string; code?: MessageCode } } {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : error.code === 'FST_ERR_BAD_URL' ? 400 : 500;
  const message = FRAMEWORK_REFUSALS[error.code] ?? (status === 500 ? 'Внутренняя ошибка сервера' : 'Запрос не читается как HTTP/1.1');
  return { status, body: { error: message, code: messageCode(message) } };
}

/** Node's HTTP parser's refusals (`clientError` codes) in our words; anything else is «не читается как HTTP/1.1». */
const CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  HPE_INVALID_URL: { status: 400, message: 'Адрес запроса не читается: символы вне ASCII пришлите %-кодированными в UTF-8, например %D1%8F вместо «я»' },
  HPE_HEADER_OVERFLOW: { status: 431, message: 'Слишком большие заголовки запроса' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'Запрос не пришёл целиком вовремя: повторите его' },
};

/** The raw HTTP answer to a request Node could not parse (Fastify's `clientErrorHandler`), UTF-8 JSON. */
export function clientErrorAnswer(errorCode: string | undefined): string {
  const { status, message } = CLIENT_ERRORS[errorCode ?? ''] ?? { status: 400, message: 'Запрос не читается как HTTP/1.1' };
  const body = JSON.stringify({ error: message, code: messageCode(message) });
  const reason = status === 400 ? 'Bad Request' : status === 408 ? 'Request Timeout' : 'Request Header Fields Too Large';
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`;
}

/** The parts of a Zod 4 issue the messages below read (zod's `$ZodIssue`). */
interface ZodIssueShape {
  code?: string;
  message?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  keys?: string[];
  values?: unknown[];
  /** `too_small` / `too_big`: false when the bound itself is refused (`.positive()`, `.gt()`). */
  inclusive?: boolean;
  /** `invalid_type`: what the schema wanted (`string`, `number`, `int`, `array`, …). */
  expected?: string;
  errors?: ZodIssueShape[][];
}

/** What the failed schema was checking: the body, the query string or the path's parameters. */
function validatedInput(error: FastifyError, request: FastifyRequest): unknown {
  switch (error.validationContext) {
    case 'body': return request.body;
    case 'querystring': return request.query;
    case 'params': return request.params;
    default: return undefined;
  }
}

function valueAt(input: unknown, path: string[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * A field's refusal that says what is allowed (issue 20: «limit=500» got
 * only «Неверное значение»). Russian sentences of the catalogue
 * (src/core/messageCodes.ts, `form.*`), so the page shows them in its
 * language. A sentence of our own a schema carries (a regex's message in
 * Russian) is kept; Zod's own English defaults never reach the caller.
 */
function fieldMessage(issue: ZodIssueShape, value: unknown, inQuery: boolean): string {
  // A query parameter given with nothing after `=` (`?limit=`) is there, but empty: not «required».
  if (inQuery && value === '') return EMPTY_PARAMETER;
  // Left out, or sent empty (null or '': a select with nothing chosen) where a value is needed.
  if ((value === undefined || value === null || value === '') && (issue.code === 'invalid_type' || issue.code === 'invalid_union' || issue.code === 'invalid_value')) return 'Обязательное поле';
  // `1e400` in JSON reads as Infinity: no field takes it, whatever its type.
  if (typeof value === 'number' && !Number.isFinite(value)) return 'Число слишком большое: JSON-число должно быть конечным (меньше 1,8e308)';
  const own = ownMessage(issue);
  if (own) return own;
  // A union of plain types (text or number or null) refused a value of another type (`{…}` for a КПП): name the types it takes.
  const types = issue.code === 'invalid_union' ? unionTypes(issue) : undefined;
  if (types) return `Нужно одно из: ${types}`;
  switch (issue.code) {
    case 'too_big':
      if (issue.origin === 'string') return `Максимальная длина: ${String(issue.maximum)}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Не больше ${String(issue.maximum)} в списке`;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        return issue.inclusive === false ? `Число меньше ${String(issue.maximum)}` : `Число не больше ${String(issue.maximum)}`;
      }
      break;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'Заполните поле' : `Минимальная длина: ${String(issue.minimum)}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Хотя бы ${String(issue.minimum)} в списке`;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        // `.positive()` is «greater than 0», not «at least 0».
        return issue.inclusive === false ? `Число больше ${String(issue.minimum)}` : `Число не меньше ${String(issue.minimum)}`;
      }
      break;
    case 'invalid_type':
      switch (issue.expected) {
        case 'int': return 'Нужно целое число';
        case 'number': return 'Нужно число';
        case 'string': return 'Нужен текст';
        case 'boolean': return 'Нужно true или false';
        case 'array': return 'Нужен список';
        case 'object': return 'Нужен объект с полями';
      }
      break;
    case 'invalid_value':
      if (issue.values?.length && issue.values.length <= 12) return `Допустимые значения: ${issue.values.map(String).join(', ')}`;
      break;
  }
  return 'Неверное значение';
}

/** What the page shows for `?limit=` (src/core/messageCodes.ts `form.emptyParameter`). */
export const EMPTY_PARAMETER = QUERY_REFUSALS.empty;

/** The type words of `Нужно одно из: …` (src/core/messageCodes.ts MESSAGE_PHRASES `type.*`). */
const TYPE_WORDS: Record<string, string> = { string: 'текст', number: 'число', int: 'целое число', boolean: 'true или false', null: 'null', array: 'список', object: 'объект с полями' };

/** `текст, число, null` when each branch of a union refused the value only for its type; undefined otherwise. */
function unionTypes(issue: ZodIssueShape): string | undefined {
  const words: string[] = [];
  for (const branch of issue.errors ?? []) {
    const [only, ...more] = branch;
    const word = only?.code === 'invalid_type' && !more.length ? TYPE_WORDS[only.expected ?? ''] : undefined;
    if (!word) return undefined;
    if (!words.includes(word)) words.push(word);
  }
  return words.length ? words.join(', ') : undefined;
}

/** A Russian message a schema set itself (Zod's defaults are English), here or in a union's branches. */
function ownMessage(issue: ZodIssueShape): string | undefined {
  if (issue.message && /[А-Яа-яЁё]/.test(issue.message)) return issue.message;
  for (const branch of issue.errors ?? []) {
    for (const inner of branch) {
      const found = ownMessage(inner);
      if (found) return found;
    }
  }
  return undefined;
}
