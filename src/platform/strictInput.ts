/**
 * Every JSON body and query string the platform API takes is a strict Zod
 * object: a key the route does not know is a 400 beside that key
 * («Неизвестное поле: уберите его», `form.unknownField`), never dropped in
 * silence (outside check: unknown keys of the request form, offers, chat
 * posts… were accepted and ignored). src/platform/api.ts runs
 * `strictInput` on every route it registers, so a new route cannot forget it:
 * a route that declares no query string takes none, one that declares no body
 * takes none (or `{}`), and one whose schema has a non-strict object is not
 * registered at all (the server does not start).
 */
import type { RouteOptions } from 'fastify';
import { z } from 'zod';

/** The parts of a Zod 4 schema's definition (`schema._zod.def`) the walk below reads. */
interface ZodDefShape {
  type?: string;
  shape?: Record<string, unknown>;
  catchall?: unknown;
  element?: unknown;
  innerType?: unknown;
  in?: unknown;
  out?: unknown;
  options?: unknown[];
  left?: unknown;
  right?: unknown;
  valueType?: unknown;
  items?: unknown[];
  rest?: unknown;
  getter?: () => unknown;
}

function defOf(schema: unknown): ZodDefShape | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  return (schema as { _zod?: { def?: ZodDefShape } })._zod?.def;
}

/**
 * The paths (`beneficiary`, `week.[]`, or `` for the top) of the objects in
 * a Zod schema that take keys they do not name: `z.object` (strips them) or
 * `z.looseObject` / `.passthrough()` (keeps them). Empty when every object
 * is `z.strictObject`. A schema that is not Zod (a JSON schema) is not read.
 */
export function looseObjects(schema: unknown, path = '', seen = new Set<unknown>()): string[] {
  const def = defOf(schema);
  if (!def || seen.has(schema)) return [];
  seen.add(schema);
  const found: string[] = [];
  const walk = (inner: unknown, innerPath: string) => found.push(...looseObjects(inner, innerPath, seen));
  switch (def.type) {
    case 'object':
      if (defOf(def.catchall)?.type !== 'never') found.push(path);
      for (const [key, value] of Object.entries(def.shape ?? {})) walk(value, path ? `${path}.${key}` : key);
      break;
    case 'array':
      walk(def.element, `${path}.[]`);
      break;
    case 'record':
      walk(def.valueType, `${path}.*`);
      break;
    case 'tuple':
      for (const item of def.items ?? []) walk(item, `${path}.[]`);
      if (def.rest) walk(def.rest, `${path}.[]`);
      break;
    case 'union':
      for (const option of def.options ?? []) walk(option, path);
      break;
    case 'intersection':
      walk(def.left, path);
      walk(def.right, path);
      break;
    case 'pipe':
      // Only what the caller sends is read: a pipe's input side (its output is ours).
      walk(def.in, path);
      break;
    case 'lazy':
      walk(def.getter?.(), path);
      break;
    default:
      // optional, nullable, default, prefault, catch, readonly, nonoptional…
      if (def.innerType) walk(def.innerType, path);
  }
  return found;
}

/** What a route that declares no query string, or no body, takes: nothing (`?x=1`, `{"x":1}` are a 400 naming `x`). */
const NOTHING = z.strictObject({});

/**
 * For an `onRoute` hook (src/platform/api.ts): a route with no `querystring`
 * schema gets one that takes no keys; a POST/PUT/PATCH/DELETE with no `body`
 * schema gets one that takes no body (Fastify gives null), `null` or `{}` — except a multipart upload,
 * which says so with `schema.consumes: ['multipart/form-data']` (its parts are
 * read by src/platform/routes/upload.ts). Then throws when the route's `body`
 * or `querystring` has an object that is not strict; the message names the
 * route and the objects' paths.
 */
export function strictInput(route: Pick<RouteOptions, 'method' | 'url' | 'schema'>): void {
  const schema = (route.schema ??= {});
  const methods = ([] as string[]).concat(route.method);
  schema.querystring ??= NOTHING;
  const multipart = (schema as { consumes?: string[] }).consumes?.includes('multipart/form-data') ?? false;
  if (!multipart && methods.some((method) => !['GET', 'HEAD', 'OPTIONS'].includes(method))) schema.body ??= NOTHING.nullish();
  const problems: string[] = [];
  for (const part of ['body', 'querystring'] as const) {
    for (const path of looseObjects(route.schema?.[part])) problems.push(`${part}${path ? `.${path}` : ''}`);
  }
  if (problems.length) {
    throw new Error(`${String(route.method)} ${route.url}: ${problems.join(', ')} must be z.strictObject (an unknown key is a 400, src/platform/strictInput.ts)`);
  }
}
