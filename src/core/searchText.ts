/**
 * The pure parts of the platform's search (src/commands/search.ts): what a
 * typed query means, and where in a found text the match is — as character
 * ranges over plain text, never as HTML, so a page or a Telegram message
 * renders it with its own escaping.
 *
 * @example
 * readSearchQuery('  Договором  ');      // { ok: true, query: { text: 'Договором', … } }
 * highlightFromMarks('a \u0002b\u0003'); // { text: 'a b', ranges: [[2, 3]] }
 * highlightWords('Иванов Пётр', 'иванв'); // [[0, 6]]: a typo still marks the name
 */
import { parseDecimal } from './money.js';

/** Shortest and longest query, in characters (after trimming). */
export const SEARCH_QUERY_MIN = 2;
export const SEARCH_QUERY_MAX = 100;

/** A typed query, read. */
export interface SearchQuery {
  /** The text as typed, trimmed, runs of spaces made one. */
  text: string;
  /** Lower case, a leading `@` dropped (a username is typed with it). */
  lower: string;
  /** `lower` as a LIKE pattern «contains it», with `%`, `_` and `\` escaped; null when shorter than a trigram (3). */
  contains: string | null;
  /** The query as a whole number when it is one (a Telegram id, an INN, part of a request number), else null. */
  digits: string | null;
  /** The query as an amount (`150000`, `150 000,50`), a plain decimal string, else null. */
  amount: string | null;
}

export type ReadSearchQuery = { ok: true; query: SearchQuery } | { ok: false; error: string };

/** Escapes LIKE's wildcards and its escape character (PostgreSQL docs, 9.7.1 LIKE: the default escape is `\`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * Reads what a person typed into the search box or after `/find`. Refuses
 * (with a sentence for a person) a query shorter than 2 or longer than 100
 * characters, or one holding control characters.
 */
export function readSearchQuery(raw: string): ReadSearchQuery {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(raw)) return { ok: false, error: 'В запросе недопустимые управляющие символы' };
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text.length < SEARCH_QUERY_MIN) return { ok: false, error: `Введите хотя бы ${SEARCH_QUERY_MIN} символа` };
  if (text.length > SEARCH_QUERY_MAX) return { ok: false, error: `Запрос длиннее ${SEARCH_QUERY_MAX} символов: сократите его` };
  // websearch_to_tsquery reads «-слово» as «without слово»: a query of exclusions only would match nearly
  // everything (PostgreSQL docs, 12.3.2 "Parsing Queries").
  if (onlyExclusions(text)) return { ok: false, error: 'Добавьте слово, которое нужно найти: «-слово» только исключает' };
  const lower = text.toLowerCase().replace(/^@/, '');
  const compact = text.replace(/[\s\u00a0]/g, '');
  const digits = /^\d{1,19}$/.test(compact) ? compact : null;
  const amountValue = /^\d[\d.,]*$/.test(compact) ? parseDecimal(compact) : null;
  const amount = amountValue && amountValue.gt(0) && amountValue.decimalPlaces() <= 2 && amountValue.lt('1e18') ? amountValue.toFixed() : null;
  return { ok: true, query: { text, lower, contains: lower.length >= 3 ? `%${escapeLike(lower)}%` : null, digits, amount } };
}

/** Every word of the query outside quotes is «-word» (and «or» between them): nothing is looked for. */
function onlyExclusions(text: string): boolean {
  if (text.includes('"')) return false;
  const words = text.split(' ').filter((word) => word.toLowerCase() !== 'or');
  return words.length > 0 && words.every((word) => word.startsWith('-'));
}

/** A highlighted piece of text: plain text and the `[start, end)` ranges (UTF-16 offsets) that matched. */
export interface Highlight {
  text: string;
  ranges: Array<[number, number]>;
}

/** Marks the search query uses around matches in `ts_headline`'s output (stripped from the stored text first). */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';

/**
 * Turns `ts_headline` output made with `MARK_START`/`MARK_END` as its
 * StartSel/StopSel into plain text and ranges; adjacent marked words merge
 * into one range.
 */
export function highlightFromMarks(marked: string): Highlight {
  let text = '';
  const ranges: Array<[number, number]> = [];
  let start: number | null = null;
  for (const ch of marked) {
    if (ch === MARK_START) start = text.length;
    else if (ch === MARK_END) {
      if (start !== null && text.length > start) {
        const last = ranges[ranges.length - 1];
        // «<b>договор</b> <b>поставки</b>» reads as one match.
        if (last && /^\s*$/.test(text.slice(last[1], start))) last[1] = text.length;
        else ranges.push([start, text.length]);
      }
      start = null;
    } else text += ch;
  }
  return { text, ranges };
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Longest text a hit shows: a longer one is cut to a fragment around its first match. */
export const FRAGMENT_MAX = 160;

/**
 * The stored `text` itself (never rewritten: `ts_headline` would drop what
 * looks like tags), with every whole-word occurrence of `words` marked — the
 * words PostgreSQL matched, read from `ts_headline`'s marks — and cut to a
 * fragment of about `max` characters around the first match, `…` where cut.
 */
export function highlightMatched(text: string, words: readonly string[], max = FRAGMENT_MAX): Highlight {
  const wanted = new Set(words.map((w) => w.toLowerCase()));
  let ranges: Array<[number, number]> = [];
  for (const match of text.matchAll(WORD)) {
    if (wanted.has(match[0].toLowerCase())) ranges.push([match.index, match.index + match[0].length]);
  }
  if (text.length <= max) return { text, ranges };
  const first = ranges[0]?.[0] ?? 0;
  const firstEnd = ranges[0]?.[1] ?? 0;
  let start = Math.max(0, Math.min(first - Math.floor(max / 4), text.length - max));
  // Start and end at a word boundary when one is near — never so that the first match falls outside (a
  // boundary found left of the start would push the end left of a match near the text's end).
  if (start > 0) {
    const boundary = text.lastIndexOf(' ', start) + 1;
    if (boundary > 0 && boundary + max >= firstEnd) start = boundary;
  }
  let end = Math.min(text.length, start + max);
  if (end < text.length) {
    const boundary = text.lastIndexOf(' ', end);
    if (boundary > start + max / 2 && boundary >= firstEnd) end = boundary;
  }
  const prefix = start > 0 ? '…' : '';
  const shift = prefix.length - start;
  ranges = ranges.filter(([s, e]) => s >= start && e <= end).map(([s, e]) => [s + shift, e + shift]);
  return { text: `${prefix}${text.slice(start, end)}${end < text.length ? '…' : ''}`, ranges };
}

/** The words `ts_headline` marked (MARK_START … MARK_END), lower case, once each. */
export function markedWords(marked: string): string[] {
  const { text, ranges } = highlightFromMarks(marked);
  return [...new Set(ranges.flatMap(([s, e]) => [...text.slice(s, e).toLowerCase().matchAll(WORD)].map((m) => m[0])))];
}

/** How many leading letters two words must share to count as the same word with another ending or a typo near the end. */
function stemLength(word: string): number {
  return word.length <= 3 ? word.length : Math.max(3, Math.min(word.length - 2, 6));
}

/**
 * Ranges of the words in `text` that match a word of `query` — the same
 * word, or one sharing its first letters (another ending, a typo late in the
 * word: «иванв» marks «Иванов»), or containing it («0001» in «2026-000123»
 * marks that number's part). For trigram matches, where PostgreSQL says a
 * row matched but not where.
 */
export function highlightWords(text: string, query: string): Array<[number, number]> {
  const terms = [...query.toLowerCase().matchAll(WORD)].map((m) => m[0]);
  if (!terms.length) return [];
  const ranges: Array<[number, number]> = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0].toLowerCase();
    const start = match.index;
    for (const term of terms) {
      const inside = term.length >= 3 ? word.indexOf(term) : -1;
      if (inside >= 0) {
        ranges.push([start + inside, start + inside + term.length]);
        break;
      }
      const stem = stemLength(term);
      if (word.length >= stem && word.slice(0, stem) === term.slice(0, stem)) {
        ranges.push([start, start + word.length]);
        break;
      }
    }
  }
  return ranges;
}

/** Shortest query word the typo search tries (letters): below it one wrong letter leaves too little to go on. */
export const TYPO_MIN_LETTERS = 5;

/**
 * The word a typo search can look for (commands/search, the names'
 * fallback): the query when it is one word of at least TYPO_MIN_LETTERS
 * letters, lower case; else null.
 */
export function typoWord(query: SearchQuery): string | null {
  return /^\p{L}+$/u.test(query.lower) && [...query.lower].length >= TYPO_MIN_LETTERS ? query.lower : null;
}

/** Levenshtein distance of two short words, stopping early above `most` (returns most + 1 then). */
function editDistance(a: string, b: string, most: number): number {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > most) return most + 1;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    if (Math.min(...row) > most) return most + 1;
    previous = row;
  }
  return previous[y.length]!;
}

/**
 * Ranges of the words in `text` within two letters' edits of `word` (or
 * within one for words under 8 letters): where a typo search's row matched
 * («ивонов» marks «Иванов»). Case-insensitive.
 */
export function highlightTypos(text: string, word: string): Array<[number, number]> {
  const most = [...word].length >= 8 ? 2 : 1;
  const ranges: Array<[number, number]> = [];
  for (const match of text.matchAll(WORD)) {
    if (editDistance(match[0].toLowerCase(), word.toLowerCase(), most) <= most) ranges.push([match.index, match.index + match[0].length]);
  }
  return ranges;
}
