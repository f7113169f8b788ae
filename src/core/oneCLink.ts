import { navigationRef } from './oneCOData.js';

/**
 * `ONEC_MODE=link`: the URL that opens the request's document in 1C, from
 * `ONEC_LINK_TEMPLATE`. `{ref}` is the request's 1C reference — a GUID is
 * turned into the 32 digits a navigation link's `ref` takes (navigationRef in
 * oneCOData.ts) — and `{number}` our request number; both are URL-encoded. Without a
 * known reference, `{ref}` is empty and the template's `{number}` still lets
 * 1C open the list or a new form filtered by the number.
 *
 * @example
 * oneCLink('https://1c.example/base/#e1cib/data/Документ.ЗаказКлиента?ref={ref}', { ref: 'a1b2', number: 'H-7' })
 * // → 'https://1c.example/base/#e1cib/data/Документ.ЗаказКлиента?ref=a1b2'
 */
export function oneCLink(template: string, request: { ref?: string | null; number: string }): string {
  // A GUID (what the HTTP service answers as `ref`) is not what a navigation link takes: 1C wants its 32 digits reordered.
  const ref = request.ref && isGuid(request.ref) ? navigationRef(request.ref) : (request.ref ?? '');
  return template.replaceAll('{ref}', encodeURIComponent(ref)).replaceAll('{number}', encodeURIComponent(request.number));
}

const isGuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
