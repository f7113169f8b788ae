/**
 * `ONEC_MODE=link`: the URL that opens the request's document in 1C, from
 * `ONEC_LINK_TEMPLATE`. `{ref}` is the request's 1C reference (the document's
 * GUID) and `{number}` our request number; both are URL-encoded. Without a
 * known reference, `{ref}` is empty and the template's `{number}` still lets
 * 1C open the list or a new form filtered by the number.
 *
 * @example
 * oneCLink('https://1c.example/base/#e1cib/data/Документ.ЗаказКлиента?ref={ref}', { ref: 'a1b2', number: 'H-7' })
 * // → 'https://1c.example/base/#e1cib/data/Документ.ЗаказКлиента?ref=a1b2'
 */
export function oneCLink(template: string, request: { ref?: string | null; number: string }): string {
  return template.replaceAll('{ref}', encodeURIComponent(request.ref ?? '')).replaceAll('{number}', encodeURIComponent(request.number));
}
