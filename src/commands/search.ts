/**
 * One search over what Hotline stores — clients (name, @username, Telegram
 * id), dialog messages (text, captions, file names), requests (number,
 * beneficiary, purpose, payer and INN, amount, comment), documents (file
 * names) and posts in requests' chats on the platform —
 * as far as the viewer may see each (src/policies/access.ts):
 *
 * - clients, dialogs and their messages: our staff only (`maySeeDialogs`);
 * - requests: the rows `requestAccess` would show (`requestVisibleTo`);
 * - outside our staff, dialog messages only as the chat of a request whose
 *   deal room the viewer is in, skipped ones not (as the chat shows them);
 * - documents: a request's for its deal room (`dealRoomOf`), a dialog's for our staff;
 * - posts in a request's chat: for its deal room (`dealRoomOf`), as the chat shows them.
 *
 * Words are matched by PostgreSQL full text with the `russian` configuration
 * («договором» finds «договор»), names and identifiers by pg_trgm (typos,
 * part of a number or an INN), over the stored vectors and GIN indexes of
 * src/db/searchIndex.ts (migration 0029).
 *
 * Messages, requests and documents come newest first, and they are the
 * newest matches there are, found in at most three steps, each bounded by a
 * number written here, never by the planner's estimate (`newestMatches`):
 * 1. walk the newest `WALK` rows (a btree on the time, newest first) and keep
 *    those whose stored vector matches — a word in one message of a hundred
 *    fills the page here, however many million messages hold it;
 * 2. when the walk found some but not a page, walk again as far as that rate
 *    says a page needs, at most `WALK_MAX` rows;
 * 3. otherwise (a rare word: an article number, a name) the GIN index finds
 *    every match and the newest are sorted out — with plain index scans and
 *    sequential scans switched off for that one statement, so it can be
 *    nothing but the bitmap of the GIN index (a rare number the statistics
 *    guess frequent once walked all ten million messages: two minutes).
 * A word frequent in old rows but absent from the newest `WALK` (or too rare
 * in the newest `WALK_MAX` to fill a page) costs reading its GIN posting list
 * whole and sorting its matches (hundreds of milliseconds at a million): the
 * one slow case left, bounded by the index, not by the table.
 *
 * A name many clients share shows the most similar of the first `CANDIDATES`
 * the trigram index yields; outside our staff, a deal room's chat messages the
 * newest of the first `CANDIDATES` matches. Requests matching exactly (number,
 * INN, amount) come first, found through their own indexes whatever else matches.
 *
 * Results come grouped by dialog (a client and their deals) or, for a request
 * without a dialog, by request; each hit carries plain text and the ranges
 * that matched (src/core/searchText.ts), never HTML.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { clientKeys, requestKeys, SEARCH_VECTOR } from '../db/searchIndex.js';
import { highlightMatched, highlightTypos, highlightWords, MARK_END, MARK_START, markedWords, typoWord, type Highlight, type SearchQuery } from '../core/searchText.js';
import { dealRoomOf, maySeeDialogs, requestVisibleTo, type Viewer } from '../policies/access.js';

/**
 * Most rows the index may yield for a word or a name, of which the newest
 * (the most similar names) are shown (see the module comment).
 */
export const CANDIDATES = 300;

/** Newest rows the first walk reads (step 1 of the module comment). */
export const WALK = 2_000;

/** Most rows the second walk reads (step 2 of the module comment). */
export const WALK_MAX = 50_000;

/** `post`: a message written in a request's chat on the platform (request_posts), not relayed from Telegram. */
export type SearchHitKind = 'client' | 'message' | 'request' | 'document' | 'post';

/** One thing found. */
export interface SearchHit {
  kind: SearchHitKind;
  /** The row's id in its table (clients, messages, requests, documents, request_posts). */
  id: number;
  /** Which field matched: `name`, `telegramId`, `text`, `fileName`, `number`, `inn`, `amount`, `details`. */
  field: 'name' | 'telegramId' | 'text' | 'fileName' | 'number' | 'inn' | 'amount' | 'details';
  /** What to show: plain text (a fragment for long messages), and where the match is in it. */
  text: string;
  ranges: Array<[number, number]>;
  /** When it was written or created (ISO), null for a client. */
  at: string | null;
  /** A message's direction: from the client (`in`), ours (`out`), an internal note. */
  direction?: 'in' | 'out' | 'note' | 'system';
  /** The request it belongs to (a request, its message or document), to link its page. */
  requestId: number | null;
  requestNumber: string | null;
  /** A request's status and amount, for the line that names it. */
  requestStatus?: string;
  amount?: string;
  currency?: string;
}

/** The hits of one client's dialog, or of one request without a dialog. */
export interface SearchGroup {
  /** `dialog:<id>` or `request:<id>`. */
  key: string;
  /** The client (our staff only; null otherwise and for requests without a dialog). */
  client: { id: number; name: string; username: string | null; telegramUserId: number } | null;
  dialogId: number | null;
  /** The client's topic, to link it (our staff only). */
  topic: { managersChatId: number; topicId: number } | null;
  /** A group of a request: its id and number. */
  requestId: number | null;
  requestNumber: string | null;
  hits: SearchHit[];
}

export interface SearchOptions {
  /** Most hits of each kind, 1–50. */
  limit: number;
  /**
   * Run the five reads at once, each on a connection of the pool (the API).
   * Not with a transaction's one connection (the bot's /find): there they go one after another.
   */
  parallel?: boolean;
}

interface Row {
  [key: string]: unknown;
}

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);
const fullName = (first: unknown, last: unknown) => [first, last].filter(Boolean).join(' ').trim() || '—';

/**
 * `ts_headline` options: control-character marks around every match. Only
 * the marked words are taken from its output (`markedWords`); the text shown
 * is the stored one, as `ts_headline` drops whatever looks like a tag.
 */
const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, HighlightAll=true`;
/** The stored text without the marks' characters, so a mark in the output is always ours. */
const unmarked = (expression: string) => `translate(coalesce(${expression}, ''), chr(2) || chr(3), '')`;

/**
 * Searches everything the viewer may see for `query` (read by
 * `readSearchQuery`), best first: hits grouped by dialog or request.
 */
export async function search(db: Db, viewer: Viewer, query: SearchQuery, options: SearchOptions): Promise<SearchGroup[]> {
  const staff = await maySeeDialogs(db, viewer);
  const limit = Math.min(Math.max(Math.trunc(options.limit), 1), 50);
  const tsquery = sql`websearch_to_tsquery('russian', ${query.text})`;
  const scored: Array<{ score: number; group: Omit<SearchGroup, 'hits'>; hit: SearchHit }> = [];

  const reads = [
    () => (staff ? findClients(db, query, limit) : Promise.resolve([] as Row[])),
    () => findMessages(db, viewer, staff, tsquery, limit),
    () => findRequests(db, viewer, staff, query, tsquery, limit),
    () => findDocuments(db, viewer, staff, tsquery, limit),
    () => findPosts(db, viewer, staff, tsquery, limit),
  ];
  const rows: Row[][] = [];
  if (options.parallel) rows.push(...(await Promise.all(reads.map((read) => read()))));
  else for (const read of reads) rows.push(await read());
  const [clientRows, messageRows, requestRows, documentRows, postRows] = rows as [Row[], Row[], Row[], Row[], Row[]];

  for (const row of clientRows) {
    const name = fullName(row.first_name, row.last_name);
    const telegramUserId = Number(row.telegram_user_id);
    const byId = query.digits !== null && String(telegramUserId) === query.digits;
    const shown = `${name}${row.username ? ` @${row.username as string}` : ''}`;
    scored.push({
      score: byId ? 10 : 1 + Number(row.score),
      group: dialogGroup(row, staff),
      hit: {
        kind: 'client',
        id: Number(row.id),
        field: byId ? 'telegramId' : 'name',
        ...(byId
          ? { text: `${shown} · ${telegramUserId}`, ranges: [[shown.length + 3, shown.length + 3 + String(telegramUserId).length]] }
          : { text: shown, ranges: typeof row.typo === 'string' ? highlightTypos(shown, row.typo) : highlightWords(shown, query.lower) }),
        at: null,
        requestId: null,
        requestNumber: null,
      },
    });
  }

  for (const row of messageRows) {
    let shown: Highlight = highlightMatched((row.text as string | null) ?? '', markedWords((row.headline as string) ?? ''));
    let field: SearchHit['field'] = 'text';
    const fileName = row.file_name as string | null;
    if (!shown.ranges.length && fileName) {
      shown = { text: fileName, ranges: highlightWords(fileName, query.text) };
      field = 'fileName';
    }
    const requestId = num(row.request_id);
    scored.push({
      score: Number(row.rank),
      group: staff ? dialogGroup(row, staff) : requestGroup(row),
      hit: {
        kind: 'message',
        id: Number(row.id),
        field,
        ...shown,
        at: iso(row.sent_at),
        direction: row.direction as SearchHit['direction'],
        requestId,
        requestNumber: (row.request_number as string | null) ?? null,
      },
    });
  }

  for (const row of requestRows) {
    const number = row.number as string;
    const inn = (row.inn as string | null) ?? '';
    const amount = row.amount as string;
    const exact = (row.exact as string | null) ?? null;
    // The beneficiary and the purpose always; the payer's name and the comment (searched as well) only when a
    // word matched there, so a request found by its comment shows the comment's words marked.
    const words = markedWords((row.headline as string) ?? '');
    // Found by a typo: the names it was found in are shown, the alike words marked.
    const typo = typeof row.typo === 'string' ? row.typo : null;
    const matchedAlso = [row.payer_name, row.comment].filter(
      (part): part is string => typeof part === 'string' && (typo ? highlightTypos(part, typo).length > 0 : highlightMatched(part, words).ranges.length > 0),
    );
    const details = [row.beneficiary_name, row.purpose, ...matchedAlso].filter(Boolean).join(' · ');
    const headline = highlightMatched(details, words);
    const hit: Pick<SearchHit, 'field' | 'text' | 'ranges'> =
      exact === 'inn'
        ? { field: 'inn', text: `ИНН ${inn}`, ranges: [[4, 4 + inn.length]] }
        : exact === 'amount'
          ? { field: 'amount', text: `${amount} ${row.currency as string}`, ranges: [[0, amount.length]] }
          : exact === 'number' || (query.contains && number.toLowerCase().includes(query.lower))
            ? { field: 'number', text: number, ranges: highlightWords(number, query.lower) }
            : typo
              ? { field: 'details', text: details, ranges: highlightTypos(details, typo) }
              : headline.ranges.length
              ? { field: 'details', ...headline }
              : { field: 'details', text: details, ranges: highlightWords(details, query.text) };
    scored.push({
      score: (exact ? 10 : 0) + 1 + Number(row.rank),
      group: row.dialog_id !== null && staff ? dialogGroup(row, staff) : requestGroup({ request_id: row.id, request_number: number }),
      hit: {
        kind: 'request',
        id: Number(row.id),
        ...hit,
        at: iso(row.created_at),
        requestId: Number(row.id),
        requestNumber: number,
        requestStatus: row.status as string,
        amount,
        currency: row.currency as string,
      },
    });
  }

  for (const row of documentRows) {
    const name = row.name as string;
    const requestId = num(row.request_id);
    scored.push({
      score: 0.5,
      group: row.dialog_id !== null && staff ? dialogGroup(row, staff) : requestGroup(row),
      hit: {
        kind: 'document',
        id: Number(row.id),
        field: 'fileName',
        text: name,
        ranges: highlightWords(name, query.text),
        at: iso(row.created_at),
        requestId,
        requestNumber: (row.request_number as string | null) ?? null,
      },
    });
  }

  for (const row of postRows) {
    const author = (row.author_name as string | null) ?? '—';
    const shown = highlightMatched(row.text as string, markedWords((row.headline as string) ?? ''));
    scored.push({
      score: Number(row.rank),
      group: row.dialog_id !== null && staff ? dialogGroup(row, staff) : requestGroup(row),
      hit: {
        kind: 'post',
        id: Number(row.id),
        field: 'text',
        // «Author: text», the author as the request's chat names them.
        text: `${author}: ${shown.text}`,
        ranges: shown.ranges.map(([start, end]) => [start + author.length + 2, end + author.length + 2] as [number, number]),
        at: iso(row.created_at),
        requestId: num(row.request_id),
        requestNumber: (row.request_number as string | null) ?? null,
      },
    });
  }

  // Groups in the order of their best hit; hits within a group best first.
  scored.sort((a, b) => b.score - a.score);
  const groups = new Map<string, SearchGroup>();
  for (const { group, hit } of scored) {
    const existing = groups.get(group.key);
    if (existing) existing.hits.push(hit);
    else groups.set(group.key, { ...group, hits: [hit] });
  }
  return [...groups.values()].slice(0, limit);
}

/** The group of a dialog (our staff) from a row with `dialog_id`, the client's columns and the topic's. */
function dialogGroup(row: Row, staff: boolean): Omit<SearchGroup, 'hits'> {
  const dialogId = num(row.dialog_id);
  if (dialogId === null || !staff) return requestGroup(row);
  return {
    key: `dialog:${dialogId}`,
    client: row.client_id
      ? { id: Number(row.client_id), name: fullName(row.first_name, row.last_name), username: (row.username as string | null) ?? null, telegramUserId: Number(row.telegram_user_id) }
      : null,
    dialogId,
    topic: row.topic_id !== null && row.topic_id !== undefined ? { managersChatId: Number(row.managers_chat_id), topicId: Number(row.topic_id) } : null,
    requestId: null,
    requestNumber: null,
  };
}

/** The group of a request from a row with `request_id` and `request_number` (a client without a dialog gets a group of its own). */
function requestGroup(row: Row): Omit<SearchGroup, 'hits'> {
  const requestId = num(row.request_id);
  return {
    key: requestId === null ? `client:${String(row.client_id ?? row.id)}` : `request:${requestId}`,
    client: null,
    dialogId: null,
    topic: null,
    requestId,
    requestNumber: (row.request_number as string | null) ?? null,
  };
}

/** The client's columns and topic for a row joined to `dialogs d` and `clients c`. */
const CLIENT_COLUMNS = sql.raw(`c.id as client_id, c.first_name, c.last_name, c.username, c.telegram_user_id, d.managers_chat_id, d.topic_id`);

/**
 * Clients by name, @username or Telegram id (trigram keys, db/searchIndex
 * clientKeys). When nothing matches and the query is one word of at least 5
 * letters (core/searchText typoWord), the same read again at the typo bar
 * (TYPO_SIMILARITY) — the tolerance requests' payer and beneficiary names
 * have (`findRequestsByTypo`), so «Ивонов» finds the client «Иванов» too;
 * those rows carry `typo` (the word), for the hit to mark the alike words.
 */
async function findClients(db: Db, query: SearchQuery, limit: number): Promise<Row[]> {
  const keys = sql.raw(clientKeys('c.'));
  const byId = query.digits !== null && query.digits.length <= 15 ? sql` or c.telegram_user_id = ${query.digits}::bigint` : sql``;
  // A name thousands of clients share: the best of the first candidates the trigram index yields, scored once
  // each — through the index always: read in table order instead (the planner's pick when it guesses thousands
  // match), the candidates cost a word_similarity each for every client on the way (70 ms at 50,000 clients).
  const read = (word: string, extra: SQL) => sql`
    select found.id, d.id as dialog_id, ${CLIENT_COLUMNS}, found.score
    from (
      select id, word_similarity(${word}, keys) as score from (
        select c.id, ${keys} as keys from clients c where ${word} <% ${keys}${extra} limit ${CANDIDATES}
      ) candidates
      order by score desc, id desc
      limit ${limit}
    ) found
    join clients c on c.id = found.id
    left join dialogs d on d.client_id = c.id
    order by found.score desc, found.id desc`;
  const rows = await bitmapOnly(db, read(query.lower, byId));
  if (rows.length) return rows;
  // Nothing at all: perhaps a name typed with a wrong letter.
  const typo = typoWord(query);
  if (!typo) return rows;
  return (await bitmapOnly(db, read(typo, sql``), { wordSimilarity: TYPO_SIMILARITY })).map((row) => ({ ...row, typo }));
}

/**
 * The ids of the newest `limit` matches, newest first, in the steps of the
 * module comment: `walk(rows)` reads the newest `rows` rows and returns the
 * matches among them (newest first, at most `limit`); `viaIndex` returns the
 * newest `limit` matches of all rows, found through a GIN index.
 */
async function newestMatches(db: Db, limit: number, walk: (rows: number) => SQL, viaIndex: SQL): Promise<Row[]> {
  const first = (await db.execute<Row>(walk(WALK))).rows;
  if (first.length >= limit) return first;
  if (first.length > 0) {
    // A match every WALK / found rows: read half again as many as a page needs at that rate.
    const rows = Math.min(WALK_MAX, Math.ceil(((WALK * limit) / first.length) * 1.5));
    const second = (await db.execute<Row>(walk(rows))).rows;
    if (second.length >= limit) return second;
  }
  return bitmapOnly(db, viaIndex);
}

/**
 * Runs one read with sequential and plain index scans switched off for it
 * (`SET LOCAL`, in a transaction or a savepoint of the caller's): a
 * condition a GIN index serves is then read through that index's bitmap,
 * whatever the planner estimates — never as a walk along another index
 * filtering row by row, nor as a read of the whole table. The settings are
 * put back before the savepoint ends (they would outlive it in the caller's
 * transaction), and fall back by themselves if the read fails.
 */
async function bitmapOnly(db: Db, statement: SQL, options: { wordSimilarity?: number } = {}): Promise<Row[]> {
  return db.transaction(async (tx) => {
    const before = (
      await tx.execute<{ seq: string; idx: string; only: string; similarity: string | null }>(
        sql`select current_setting('enable_seqscan') as seq, current_setting('enable_indexscan') as idx, current_setting('enable_indexonlyscan') as only,
                   current_setting('pg_trgm.word_similarity_threshold', true) as similarity,
                   set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true), set_config('enable_indexonlyscan', 'off', true)`,
      )
    ).rows[0]!;
    // The typo search's lower bar for `<%` (pg_trgm, F.35.2: word_similarity_threshold, default 0.6), for this statement only.
    if (options.wordSimilarity !== undefined) await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', ${String(options.wordSimilarity)}, true)`);
    const rows = (await tx.execute<Row>(statement)).rows;
    await tx.execute(sql`select set_config('enable_seqscan', ${before.seq}, true), set_config('enable_indexscan', ${before.idx}, true), set_config('enable_indexonlyscan', ${before.only}, true)`);
    if (options.wordSimilarity !== undefined) await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', ${before.similarity || '0.6'}, true)`);
    return rows;
  });
}

/**
 * How alike a name must be for the typo search (pg_trgm word_similarity:
 * trigrams shared with the best-matching part of a name over the trigrams of
 * both). One wrong letter inside a word touches 3 of its trigrams: in a word
 * of 6 letters 4 of 7 stay shared (4 / (7 + 7 − 4) = 0.4), of 5 letters 3 of
 * 6 (3 / 9 = 0.33) — far below pg_trgm's default 0.6, which the normal
 * search keeps; 0.3 is pg_trgm's own default for `%`. Measured on the
 * search tests (test/platform/search.test.ts) on PGlite and PostgreSQL.
 */
export const TYPO_SIMILARITY = 0.3;

/**
 * The typo search of requests by a name (the payer's, the beneficiary's —
 * the trigram keys, db/searchIndex requestKeys): run only when nothing else
 * matched and the query is one word of at least 5 letters (core/searchText
 * typoWord), so it never adds noise to a search that found something. The
 * candidates come through the trigram GIN index (at most CANDIDATES), the
 * most alike first.
 */
async function findRequestsByTypo(db: Db, visible: SQL, keys: SQL, word: string, limit: number): Promise<number[]> {
  const rows = await bitmapOnly(
    db,
    sql`
      select id from (
        select requests.id, word_similarity(${word}, ${keys}) as score from requests where ${word} <% ${keys} and ${visible} limit ${CANDIDATES}
      ) candidates
      order by score desc, id desc
      limit ${limit}`,
    { wordSimilarity: TYPO_SIMILARITY },
  );
  return rows.map((row) => Number(row.id));
}

/** A list of ids as one `bigint[]` parameter. */
const idArray = (ids: number[]) => sql`${`{${ids.join(',')}}`}::bigint[]`;
const vectorOf = (alias: string) => sql.raw(`${alias}."${SEARCH_VECTOR}"`);

async function findMessages(db: Db, viewer: Viewer, staff: boolean, tsquery: SQL, limit: number): Promise<Row[]> {
  const vector = vectorOf('m');
  // The headline (it parses the text again) only for the rows shown.
  const headline = sql`ts_headline('russian', ${sql.raw(unmarked('m.text'))}, ${tsquery}, ${HEADLINE_OPTIONS})`;
  if (staff) {
    const found = await newestMatches(
      db,
      limit,
      (rows) => sql`
        select m.id from (select id, sent_at, ${sql.raw(`"${SEARCH_VECTOR}"`)} from messages order by sent_at desc, id desc limit ${rows}) m
        where ${vector} @@ ${tsquery}
        order by m.sent_at desc, m.id desc
        limit ${limit}`,
      sql`select m.id from messages m where ${vector} @@ ${tsquery} order by m.sent_at desc, m.id desc limit ${limit}`,
    );
    if (!found.length) return [];
    const result = await db.execute<Row>(sql`
      select m.id, m.dialog_id, m.direction, m.sent_at, m.text, m.media ->> 'fileName' as file_name, 0 as rank, ${headline} as headline, ${CLIENT_COLUMNS}
      from messages m
      join dialogs d on d.id = m.dialog_id
      join clients c on c.id = d.client_id
      where m.id = any(${idArray(found.map((row) => Number(row.id)))})
      order by m.sent_at desc, m.id desc`);
    return result.rows;
  }
  // Outside our staff: the chats of the requests whose deal room the viewer is in.
  const result = await db.execute<Row>(sql`
    select m.id, m.direction, m.sent_at, m.text, m.media ->> 'fileName' as file_name, 0 as rank, found.request_id, found.request_number, ${headline} as headline
    from (
      select id, request_id, request_number from (
        select m.id, m.sent_at, requests.id as request_id, requests.number as request_number
        from requests
        join request_messages rm on rm.request_id = requests.id
        join messages m on m.id = rm.message_id
        where ${dealRoomOf(viewer)} and m.skip = false and ${vector} @@ ${tsquery}
        limit ${CANDIDATES}
      ) candidates
      order by sent_at desc, id desc
      limit ${limit}
    ) found
    join messages m on m.id = found.id
    order by m.sent_at desc, m.id desc`);
  return result.rows;
}

async function findRequests(db: Db, viewer: Viewer, staff: boolean, query: SearchQuery, tsquery: SQL, limit: number): Promise<Row[]> {
  const keys = sql.raw(requestKeys('requests.'));
  // Exact matches, each through its index: the number, the payer's INN (inside the trigram keys), the amount.
  const exactMatches: SQL[] = [sql`requests.number = ${query.text}`];
  if (query.digits) exactMatches.push(sql`(${keys} like ${`%${query.digits}%`} and requests.payer ->> 'inn' = ${query.digits})`);
  if (query.amount) exactMatches.push(sql`requests.amount = ${query.amount}::numeric`);
  const exact = sql`case when requests.number = ${query.text} then 'number'
                         when ${query.digits ?? ''} <> '' and requests.payer ->> 'inn' = ${query.digits ?? ''} then 'inn'
                         when ${query.amount ?? '-1'}::numeric = requests.amount then 'amount' end`;
  // Words and parts of identifiers: the newest matches (a word may be in thousands of requests).
  const wordMatches: SQL[] = [];
  if (query.contains) wordMatches.push(sql`${keys} like ${query.contains}`);
  wordMatches.push(sql`${vectorOf('requests')} @@ ${tsquery}`);
  const words = sql.join(wordMatches, sql` or `);
  const visible = requestVisibleTo(viewer);
  // Through those indexes always: never a walk along the time filtering every request on the way.
  const exactRows = await bitmapOnly(
    db,
    sql`
      select requests.id, ${exact} as exact
      from requests
      where ${visible} and (${sql.join(exactMatches, sql` or `)})
      order by requests.created_at desc, requests.id desc
      limit ${limit}`,
  );
  const wordRows = await newestMatches(
    db,
    limit,
    (rows) => sql`
      select requests.id from (select * from requests order by created_at desc, id desc limit ${rows}) requests
      where (${words}) and ${visible}
      order by requests.created_at desc, requests.id desc
      limit ${limit}`,
    sql`select requests.id from requests where (${words}) and ${visible} order by requests.created_at desc, requests.id desc limit ${limit}`,
  );
  const exactOf = new Map(exactRows.map((row) => [Number(row.id), row.exact as string | null]));
  let ids = [...exactOf.keys(), ...wordRows.map((row) => Number(row.id)).filter((id) => !exactOf.has(id))].slice(0, limit);
  // Nothing at all: perhaps a name typed with a wrong letter («Ивонов» for «Иванов»).
  const typo = ids.length === 0 ? typoWord(query) : null;
  if (typo) ids = await findRequestsByTypo(db, visible, keys, typo, limit);
  if (!ids.length) return [];
  const shown = `concat_ws(' · ', r.beneficiary ->> 'name', r.purpose, r.payer ->> 'name', r.comment)`;
  const result = await db.execute<Row>(sql`
    select r.id, r.number, r.dialog_id, r.status, r.amount::text as amount, r.currency, r.beneficiary ->> 'name' as beneficiary_name, r.purpose,
           r.payer ->> 'inn' as inn, r.payer ->> 'name' as payer_name, r.comment, r.created_at, 0 as rank,
           ts_headline('russian', ${sql.raw(unmarked(shown))}, ${tsquery}, ${HEADLINE_OPTIONS}) as headline,
           ${staff ? CLIENT_COLUMNS : sql.raw('null as client_id')}
    from unnest(${idArray(ids)}) with ordinality as found(id, position)
    join requests r on r.id = found.id
    ${staff ? sql`left join dialogs d on d.id = r.dialog_id left join clients c on c.id = d.client_id` : sql``}
    order by found.position`);
  return result.rows.map((row) => ({ ...row, exact: exactOf.get(Number(row.id)) ?? null, typo }));
}

/**
 * The ids of `table`'s newest rows (by `created_at`, `id`) that satisfy
 * `where` (written over `alias`), found as `newestMatches` does: the newest
 * rows walked first, the index when the walk finds too few.
 */
function newestByCreation(db: Db, table: 'documents' | 'request_posts', alias: string, where: SQL, limit: number): Promise<Row[]> {
  const from = sql.raw(table);
  const as = sql.raw(alias);
  const order = sql.raw(`${alias}.created_at desc, ${alias}.id desc`);
  return newestMatches(
    db,
    limit,
    (rows) => sql`select ${as}.id from (select * from ${from} order by created_at desc, id desc limit ${rows}) ${as} where ${where} order by ${order} limit ${limit}`,
    sql`select ${as}.id from ${from} ${as} where ${where} order by ${order} limit ${limit}`,
  );
}

/**
 * Posts in requests' chats on the platform whose deal room the viewer is in
 * (`dealRoomOf`, as the chat shows them: our staff too only there), newest
 * matches first, as messages are found (`newestMatches`).
 */
async function findPosts(db: Db, viewer: Viewer, staff: boolean, tsquery: SQL, limit: number): Promise<Row[]> {
  // A correlated check per found post, not a join (as for documents).
  const visible = sql`exists (select 1 from requests where requests.id = p.request_id and ${dealRoomOf(viewer)})`;
  const found = await newestByCreation(db, 'request_posts', 'p', sql`${vectorOf('p')} @@ ${tsquery} and ${visible}`, limit);
  if (!found.length) return [];
  const result = await db.execute<Row>(sql`
    select p.id, p.text, p.request_id, p.created_at, 0 as rank, r.number as request_number, r.dialog_id, u.name as author_name,
           ts_headline('russian', ${sql.raw(unmarked('p.text'))}, ${tsquery}, ${HEADLINE_OPTIONS}) as headline
           ${staff ? sql`, ${CLIENT_COLUMNS}` : sql``}
    from request_posts p
    join requests r on r.id = p.request_id
    join users u on u.id = p.author_user_id
    ${staff ? sql`left join dialogs d on d.id = r.dialog_id left join clients c on c.id = d.client_id` : sql``}
    where p.id = any(${idArray(found.map((row) => Number(row.id)))})
    order by p.created_at desc, p.id desc`);
  return result.rows;
}

async function findDocuments(db: Db, viewer: Viewer, staff: boolean, tsquery: SQL, limit: number): Promise<Row[]> {
  // A correlated check per found document, not a join: a join reads every request to hash them.
  const inDealRoom = sql`(doc.request_id is not null and exists (select 1 from requests where requests.id = doc.request_id and ${dealRoomOf(viewer)}))`;
  const visible = staff ? sql`(doc.dialog_id is not null or ${inDealRoom})` : inDealRoom;
  // The newest matches first; the request's number and the client's columns for those only.
  const found = await newestByCreation(db, 'documents', 'doc', sql`${vectorOf('doc')} @@ ${tsquery} and ${visible}`, limit);
  if (!found.length) return [];
  const result = await db.execute<Row>(sql`
    select doc.id, doc.name, doc.request_id, r.number as request_number, doc.dialog_id, doc.created_at
           ${staff ? sql`, ${CLIENT_COLUMNS}` : sql``}
    from documents doc
    left join requests r on r.id = doc.request_id
    ${staff ? sql`left join dialogs d on d.id = doc.dialog_id left join clients c on c.id = d.client_id` : sql``}
    where doc.id = any(${idArray(found.map((row) => Number(row.id)))})
    order by doc.created_at desc, doc.id desc`);
  return result.rows;
}
