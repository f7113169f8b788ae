/**
 * Reads over many clients for the platform: the filters the dialogs list and
 * the export of clients share (label, source, owner, blocklist), and the
 * export's rows, read in pages so that 50 000 clients never sit in memory at
 * once. Access is checked by the routes (policies/access `mayExportClients`,
 * `maySeeDialogs`): these queries assume a viewer who may see every client.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { ValidationError } from '../../commands/context.js';
import { isStartParameter } from '../../core/startParameter.js';
import { LABEL_MAX, normaliseLabel } from '../../core/labels.js';
import type { Viewer } from '../../policies/access.js';

/** The lists' filters, as the query string gives them (already shape-checked by zod). */
export interface ClientFilters {
  /** `true`: banned clients only; `false`: everyone else. */
  banned?: 'true' | 'false';
  /** `me`, `none`, or a manager's user id. */
  owner?: 'me' | 'none' | number;
  /** A deep-link parameter (core/startParameter). */
  source?: string;
  /**
   * `true`: only clients who came without a deep-link parameter (a separate key: every text of 1–64 A–Z a–z 0–9 _ -
   * is a parameter Telegram can carry, so no value of `source` can mean «none»); not with `source`.
   */
  withoutSource?: 'true' | 'false';
  /** A label as typed (normalised here, core/labels). */
  label?: string;
  /** One client: their Telegram user id. */
  client?: number;
}

/**
 * The SQL condition of the filters over `clients c` left-joined to `dialogs d`.
 * Errors: 400 ValidationError `source` / `label` for a value that breaks its rule, `withoutSource` beside a `source`.
 */
export function clientFilterSql(filters: ClientFilters, viewer: Viewer): SQL {
  if (filters.withoutSource === 'true' && filters.source !== undefined) {
    throw new ValidationError('Источник и «без параметра ссылки» вместе не бывают: выберите одно', 'withoutSource');
  }
  if (filters.source !== undefined && !isStartParameter(filters.source)) {
    throw new ValidationError('Источник — параметр ссылки t.me/…?start=: от 1 до 64 латинских букв, цифр, _ и -', 'source');
  }
  const label = filters.label === undefined ? undefined : normaliseLabel(filters.label);
  if (filters.label !== undefined && label === undefined) {
    throw new ValidationError(`Метка в фильтре: от 1 до ${LABEL_MAX} букв, цифр, _ или -, без пробелов`, 'label');
  }
  const owner = filters.owner;
  return sql.join(
    [
      owner === undefined ? sql`true` : owner === 'none' ? sql`d.owner_user_id is null` : sql`d.owner_user_id = ${owner === 'me' ? viewer.userId : owner}`,
      filters.source === undefined ? sql`true` : sql`c.start_parameter = ${filters.source}`,
      filters.withoutSource === 'true' ? sql`c.start_parameter is null` : sql`true`,
      filters.banned === undefined ? sql`true` : filters.banned === 'true' ? sql`c.banned_at is not null` : sql`c.banned_at is null`,
      label === undefined ? sql`true` : sql`exists (select 1 from client_labels l where l.client_id = c.id and l.label = ${label})`,
      filters.client === undefined ? sql`true` : sql`c.telegram_user_id = ${filters.client}`,
    ],
    sql` and `,
  );
}

/** One client as exported: dates as Date (UTC), money as decimal strings. */
export interface ExportRow {
  clientId: number;
  name: string;
  username: string | null;
  telegramUserId: number;
  language: string | null;
  labels: string[];
  startParameter: string | null;
  firstContactAt: Date;
  lastContactAt: Date | null;
  requests: number;
  completedRequests: number;
  /** Currency code → the sum of the amounts of the client's completed requests in it, a decimal string (`12500.00`). */
  volume: Record<string, string>;
  owner: string | null;
}

/** Clients read per query while exporting. */
export const EXPORT_PAGE = 1000;

/** The currencies the filtered clients completed requests in, alphabetical: the export's volume columns. */
export async function exportCurrencies(db: Db, where: SQL): Promise<string[]> {
  const result = await db.execute<{ currency: string }>(sql`
    select distinct r.currency from requests r join dialogs d on d.id = r.dialog_id join clients c on c.id = d.client_id
     where r.status = 'completed' and ${where} order by 1`);
  return result.rows.map((row) => row.currency);
}

/**
 * The filtered clients, oldest first, EXPORT_PAGE at a time (keyset on the
 * client id: each page is one short query, no connection is held between
 * pages). Volumes count completed requests of the client's dialog only.
 */
export async function* exportRows(db: Db, where: SQL): AsyncGenerator<ExportRow> {
  let after = 0;
  for (;;) {
    const result = await db.execute<{
      id: number;
      first_name: string;
      last_name: string | null;
      username: string | null;
      telegram_user_id: number;
      language: string | null;
      start_parameter: string | null;
      created_at: Date | string;
      last_at: Date | string | null;
      owner_name: string | null;
      labels: string[] | null;
      requests: number;
      completed: number;
      volume: Record<string, string> | null;
    }>(sql`
      select c.id, c.first_name, c.last_name, c.username, c.telegram_user_id, c.language, c.start_parameter, c.created_at,
             coalesce(d.last_message_at, (select max(m.sent_at) from messages m where m.dialog_id = d.id)) as last_at,
             owner.name as owner_name,
             array(select l.label from client_labels l where l.client_id = c.id order by l.label) as labels,
             (select count(*)::int from requests r where r.dialog_id = d.id) as requests,
             (select count(*)::int from requests r where r.dialog_id = d.id and r.status = 'completed') as completed,
             (select json_object_agg(v.currency, v.total) from (
                select r.currency, sum(r.amount)::text as total from requests r
                 where r.dialog_id = d.id and r.status = 'completed' group by r.currency) v) as volume
        from clients c
        left join dialogs d on d.client_id = c.id
        left join users owner on owner.id = d.owner_user_id
       where c.id > ${after} and ${where}
       order by c.id
       limit ${EXPORT_PAGE}`);
    for (const row of result.rows) {
      yield {
        clientId: Number(row.id),
        name: [row.first_name, row.last_name].filter(Boolean).join(' ').trim(),
        username: row.username,
        telegramUserId: Number(row.telegram_user_id),
        language: row.language,
        labels: row.labels ?? [],
        startParameter: row.start_parameter,
        firstContactAt: new Date(row.created_at),
        lastContactAt: row.last_at === null ? null : new Date(row.last_at),
        requests: Number(row.requests),
        completedRequests: Number(row.completed),
        volume: row.volume ?? {},
        owner: row.owner_name,
      };
    }
    if (result.rows.length < EXPORT_PAGE) return;
    after = Number(result.rows[result.rows.length - 1]!.id);
  }
}
