/**
 * The platform's query-string parser (Fastify's `querystringParser`,
 * src/platform/server.ts). It reads `a=1&b=2` as fast-querystring did
 * (`+` is a space, a key without `=` has the value ''), but remembers what
 * cannot be read as sent, so a route refuses it beside the parameter instead
 * of taking it reinterpreted (outside check: `?q=%ZZ` was searched for
 * literally, `?limit=1&limit=2` was refused as «Неверное значение»):
 * - a broken %-escape or one that is not UTF-8 (`%ZZ`, `%E0%A4%A`, an encoded
 *   surrogate `%ED%A0%80`) — QUERY_REFUSALS.badEscape;
 * - a parameter given twice — QUERY_REFUSALS.twice (no route of the API takes
 *   a list by repeating a key);
 * - a parameter with an empty value (`?limit=`, `?from`) — QUERY_REFUSALS.empty:
 *   left out is «no filter», sent empty is a mistake, not read as either
 *   (the web app leaves empty filters out, web/src/api.ts `query`).
 * The parsed object has no prototype, so `__proto__`, `constructor` are keys
 * like any other (refused as unknown by the route's strict schema).
 * `queryProblems` gives them, keyed by parameter, for the API's hook
 * (src/platform/api.ts); routes outside the API (the emulator's Bot API)
 * read the same values as before and ignore them.
 */

/** Refusals of a parameter that cannot be read as sent (src/core/messageCodes.ts `form.badEscape`, `form.twice`). */
export const QUERY_REFUSALS = {
  badEscape: 'Неверная %-последовательность: значение не читается как UTF-8 (например, «я» — это %D1%8F)',
  twice: 'Указано дважды: оставьте одно значение',
  empty: 'Пустое значение параметра: укажите значение',
} as const;

const problemsOf = new WeakMap<object, Record<string, string>>();

/** `decodeURIComponent` with `+` as a space; undefined for a broken or non-UTF-8 escape. */
function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.includes('+') ? text.replace(/\+/g, ' ') : text);
  } catch {
    return undefined;
  }
}

/**
 * `name=value&…` (without the `?`) as `{ name: value }`, a repeated name as
 * a list of its values; what could not be decoded is kept as sent. Its
 * problems are for `queryProblems`.
 */
export function parseQueryString(query: string): Record<string, string | string[]> {
  const result = Object.create(null) as Record<string, string | string[]>;
  if (query.length === 0) return result;
  const problems = Object.create(null) as Record<string, string>;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawName = equals === -1 ? pair : pair.slice(0, equals);
    const rawValue = equals === -1 ? '' : pair.slice(equals + 1);
    const name = decode(rawName);
    const value = decode(rawValue);
    const key = name ?? rawName;
    if (name === undefined || value === undefined) problems[key] ??= QUERY_REFUSALS.badEscape;
    else if (value === '') problems[key] ??= QUERY_REFUSALS.empty;
    const previous = result[key];
    if (previous === undefined) {
      result[key] = value ?? rawValue;
    } else {
      problems[key] ??= QUERY_REFUSALS.twice;
      result[key] = ([] as string[]).concat(previous, value ?? rawValue);
    }
  }
  if (Object.keys(problems).length) problemsOf.set(result, problems);
  return result;
}

/** The parameters of a parsed query string that could not be read as sent, parameter → refusal; undefined when none. */
export function queryProblems(query: unknown): Record<string, string> | undefined {
  return query && typeof query === 'object' ? problemsOf.get(query) : undefined;
}
