/**
 * What the search (src/commands/search.ts) looks in, written once. The word
 * vectors of messages, requests and documents are stored: a column
 * `search_vector` that PostgreSQL computes from these expressions when a row
 * is written (`GENERATED ALWAYS AS (…) STORED`, migration 0029), indexed by
 * GIN and read as it is by the search's newest-first walk (no `to_tsvector`
 * per row read). The column is not declared in src/db/schema.ts on purpose:
 * Drizzle would then read it back with every message and request it
 * selects; nothing but the search reads it, by name (`SEARCH_VECTOR`).
 * A change to an expression here needs a migration that redefines the column.
 * Trigram keys stay expression indexes (PostgreSQL docs, 11.7 "Indexes on
 * Expressions": the query repeats the expression).
 *
 * Full text uses the `russian` configuration (Snowball stemming: «договором»
 * and «договор» are one lexeme); names and identifiers use pg_trgm trigrams
 * (typos, parts of a number or an INN). File names have their separators
 * turned into spaces so «договор_поставки.pdf» reads as words.
 *
 * Each function takes the table's alias with its dot (`m.`), or nothing in
 * the index definition.
 */

/** The stored word vector's column in messages, requests and documents (migration 0029), and request posts (0031). */
export const SEARCH_VECTOR = 'search_vector';

/** The text search configuration of every tsvector and tsquery. */
export const SEARCH_CONFIG = 'russian';

const fileWords = (expression: string) => `translate(coalesce(${expression}, ''), '._-', '   ')`;

/** A dialog message: its text (or caption) and its file's name. */
export const messageVector = (t = '') =>
  `to_tsvector('russian'::regconfig, coalesce(${t}"text", '') || ' ' || ${fileWords(`${t}"media" ->> 'fileName'`)})`;

/** A request: beneficiary, purpose, payer and comment, as words. */
export const requestVector = (t = '') =>
  `to_tsvector('russian'::regconfig, coalesce(${t}"beneficiary" ->> 'name', '') || ' ' || ${t}"purpose" || ' ' || coalesce(${t}"payer" ->> 'name', '') || ' ' || coalesce(${t}"comment", ''))`;

/** A request's identifiers and names for trigram matching: number, payer's INN, beneficiary and payer names. */
export const requestKeys = (t = '') =>
  `lower(${t}"number" || ' ' || coalesce(${t}"payer" ->> 'inn', '') || ' ' || coalesce(${t}"beneficiary" ->> 'name', '') || ' ' || coalesce(${t}"payer" ->> 'name', ''))`;

/** A client's names for trigram matching: first and last name, @username. */
export const clientKeys = (t = '') =>
  `lower(coalesce(${t}"first_name", '') || ' ' || coalesce(${t}"last_name", '') || ' ' || coalesce(${t}"username", ''))`;

/** A post in a request's chat on the platform: its text, as words (migration 0031). */
export const postVector = (t = '') => `to_tsvector('russian'::regconfig, ${t}"text")`;

/** A document's name, as words. */
export const documentVector = (t = '') => `to_tsvector('russian'::regconfig, ${fileWords(`${t}"name"`)})`;
