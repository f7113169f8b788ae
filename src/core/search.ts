/**
 * Search over a prepared list (countries, currencies) as a person types:
 * best match first. Ranking is match-sorter's (a well-kept library used by
 * many autocompletes): an equal name beats one that starts with the text,
 * which beats a word inside a name, then text contained anywhere, then an
 * acronym, then the letters in order. Within a rank the item's own name beats
 * its code, its official name and its other names, in that order; equal
 * matches put the popular ones first (`priority`), then keep the list's order.
 *
 * Pure and browser-safe: the web form filters with it, the tests check it.
 *
 * @example
 * searchOptions([{ code: 'TW', name: 'Тайвань', aliases: ['Китайская Республика'] },
 *                { code: 'CN', name: 'Китай', official: 'КНР (Китайская Народная Республика)' }], 'Кит');
 * // → [CN, TW]: «Китай» starts with the text; Taiwan only through another name
 */
import { matchSorter, rankings } from 'match-sorter';

export interface SearchOption {
  /** ISO code: `CN`, `CNY`. */
  code: string;
  /** The name people use: «Китай». */
  name: string;
  /** The official name when it differs: «КНР (Китайская Народная Республика)». */
  official?: string;
  /** Other names people type: «Поднебесная», «China», the countries of a currency. */
  aliases?: string[];
  /** Among equal matches, a lower priority comes first (popular ones); none comes after all that have one. */
  priority?: number;
}

/**
 * The options matching `query`, best first; all of them, in their order, for
 * an empty query. `limit` cuts the result (no limit when absent).
 */
export function searchOptions<T extends SearchOption>(options: readonly T[], query: string, limit?: number): T[] {
  const text = query.trim();
  const found = !text
    ? [...options]
    : matchSorter(options, text, {
        keys: [
          'name',
          // A code matches only as a whole or at its start: «us» is USD, not every name with «us» inside.
          { key: 'code', threshold: rankings.STARTS_WITH },
          (item) => item.official ?? '',
          (item) => [...(item.aliases ?? [])],
        ],
        // A fuzzy «letters in order» match finds too much in 250 countries: a word must at least contain the text or its acronym.
        threshold: rankings.ACRONYM,
        baseSort: (a, b) => (a.item.priority ?? Infinity) - (b.item.priority ?? Infinity) || a.index - b.index,
      });
  return limit === undefined ? found : found.slice(0, limit);
}
