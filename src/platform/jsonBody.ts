/**
 * The API's JSON body parser (registered by src/platform/api.ts in place of
 * Fastify's): a body is read only as exactly what was sent, else refused with
 * a 400 before any route runs (outside check: invalid UTF-8 bytes were stored
 * as U+FFFD, `{"amount":"1","amount":"2"}` kept the last amount in silence).
 * - bytes that are not UTF-8 (RFC 8259 §8.1: JSON exchanged between systems
 *   is UTF-8) — `request.notUtf8`, the whole body refused;
 * - not JSON — `request.invalidJson`; empty — `request.emptyJson`;
 * - a key given twice in one object (RFC 8259 §4: names SHOULD be unique;
 *   which one a reader keeps is not defined) — `form.twice` beside the key;
 * - a key named `__proto__` or `constructor` (a prototype-pollution probe) —
 *   `form.unknownField` beside the key, as any key no route names.
 * A lone UTF-16 surrogate (`"\ud800"`) is valid JSON syntax but no text: the
 * API's preValidation hook refuses it beside its field (`findIllFormed`).
 */
import { FieldErrors } from '../commands/validation.js';
import { QUERY_REFUSALS } from './queryString.js';
import { FRAMEWORK_REFUSALS } from './validationMessages.js';

/** The sentence for a body that is not UTF-8 (src/core/messageCodes.ts `request.notUtf8`). */
export const NOT_UTF8 = 'Тело запроса не читается: оно не в кодировке UTF-8';
const UNKNOWN = 'Неизвестное поле: уберите его';

/** A refusal of the whole body: a 400 with its sentence (api.ts's error handler sends `message` as `error`). */
function bodyRefusal(message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode: 400 });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A body's bytes read as JSON text: its text and value, or why not (the caller words the refusal). */
export type ReadJson = { ok: true; text: string; value: unknown } | { ok: false; why: 'notUtf8' | 'empty' | 'invalid' };

/** Decodes `raw` as UTF-8 (fatal on bad bytes) and parses it; never throws. Shared by the API's and the sandbox control API's parsers. */
export function readJson(raw: Buffer): ReadJson {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, why: 'notUtf8' };
  }
  if (text.trim() === '') return { ok: false, why: 'empty' };
  try {
    return { ok: true, text, value: JSON.parse(text) };
  } catch {
    return { ok: false, why: 'invalid' };
  }
}

const READ_REFUSALS: Record<Exclude<ReadJson, { ok: true }>['why'], string> = {
  notUtf8: NOT_UTF8,
  empty: FRAMEWORK_REFUSALS.FST_ERR_CTP_EMPTY_JSON_BODY!,
  invalid: FRAMEWORK_REFUSALS.FST_ERR_CTP_INVALID_JSON_BODY!,
};

/** Parses a JSON body as api.ts's content-type parser gets it; throws the refusals above. */
export function parseJsonBody(raw: Buffer): unknown {
  const read = readJson(raw);
  if (!read.ok) throw bodyRefusal(READ_REFUSALS[read.why]);
  const { text, value } = read;
  const problems = keyProblems(text);
  if (problems) throw new FieldErrors(problems);
  return value;
}

interface Frame {
  isObject: boolean;
  /** The dotted path of this object or list (`` for the top). */
  path: string;
  keys: Set<string>;
  /** An object: the last key read, and whether the next string is a key. A list: the index of the item being read. */
  key: string;
  expectKey: boolean;
  index: number;
}

/**
 * Keys given twice in one object, and `__proto__` / `constructor` keys, of a
 * text JSON.parse has read (so its syntax is known good), path → refusal;
 * undefined when none.
 */
export function keyProblems(text: string): Record<string, string> | undefined {
  const problems = Object.create(null) as Record<string, string>;
  const stack: Frame[] = [];
  const join = (path: string, part: string | number) => (path ? `${path}.${part}` : String(part));
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      if (top?.isObject && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const path = join(top.path, key);
        if (top.keys.has(key)) problems[path] ??= QUERY_REFUSALS.twice;
        else if (key === '__proto__' || key === 'constructor') problems[path] ??= UNKNOWN;
        if (path in problems) found = true;
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end;
    } else if (char === '{' || char === '[') {
      const top = stack.at(-1);
      const path = !top ? '' : top.isObject ? join(top.path, top.key) : join(top.path, top.index);
      stack.push({ isObject: char === '{', path, keys: new Set(), key: '', expectKey: char === '{', index: 0 });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',') {
      const top = stack.at(-1);
      if (top?.isObject) top.expectKey = true;
      else if (top) top.index++;
    }
  }
  return found ? problems : undefined;
}

/**
 * The first field (dotted path; `body` for a bare value) whose text or key
 * holds a lone UTF-16 surrogate (`"\ud800"` in JSON: valid syntax, no
 * character; PostgreSQL cannot store it as UTF-8), or undefined.
 */
export function findIllFormed(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? undefined : path || 'body';
  if (!value || typeof value !== 'object' || depth > 32 || Buffer.isBuffer(value)) return undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const itemPath = path ? `${path}.${key}` : key;
    if (!key.isWellFormed()) return itemPath;
    const found = findIllFormed(item, itemPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}
