/**
 * A large, plausible data set for the insight benchmarks (search, dashboard):
 * clients with Russian names, their dialogs and messages (Russian-looking
 * texts in several word forms, some files), requests in every status with
 * offers, terms and status events, and documents — written by
 * `INSERT … SELECT generate_series` inside PostgreSQL, so 10 million messages
 * take minutes, not hours.
 *
 * Deterministic: the same sizes give the same rows (every choice is a function
 * of the row number), so a benchmark can name what it searches for
 * (`insightProbe`). Call it on an empty, migrated database (the app started
 * once, or `openDatabase`); it adds to what is there (our organization is
 * reused).
 *
 * @example
 * const client = new pg.Client({ connectionString: url }); await client.connect();
 * const data = await generateInsightData(client, { requests: 100_000, messages: 10_000_000 });
 * // data.dialogs === 50_000, data.ourOrganizationId …
 */
import type pg from 'pg';

export interface InsightDataOptions {
  /** Requests to create (default 100,000). */
  requests?: number;
  /** Dialog messages to create (default 10,000,000). */
  messages?: number;
  /** Clients, one dialog each (default requests / 2, at least 10). */
  clients?: number;
  /** Our managers, who answer and own the deals (default 12). */
  managers?: number;
  /** Agent and customer organizations besides ours (defaults 15 and 40). */
  agents?: number;
  customers?: number;
  /** The data spans this many days up to `until` (default 90). */
  days?: number;
  /** The end of the span (default now, to the minute). */
  until?: Date;
  /** Managers' supergroup the dialogs' topics live in. */
  managersChatId?: number;
  /** Logs a line per step with its duration (default: silent). */
  log?: (line: string) => void;
}

export interface InsightData {
  ourOrganizationId: number;
  agentOrganizationIds: number[];
  customerOrganizationIds: number[];
  managerUserIds: number[];
  clients: number;
  dialogs: number;
  messages: number;
  requests: number;
  documents: number;
  /** The span of `created_at` / `sent_at`. */
  from: Date;
  until: Date;
  managersChatId: number;
}

/** Russian first names, last names, words in several forms: the texts' material. */
const FIRST = ['Александр', 'Алексей', 'Анна', 'Виктор', 'Дмитрий', 'Елена', 'Игорь', 'Ирина', 'Марина', 'Михаил', 'Наталья', 'Олег', 'Ольга', 'Павел', 'Сергей', 'Светлана', 'Татьяна', 'Юлия', 'Андрей', 'Николай'];
const LAST = ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров', 'Морозов', 'Волков', 'Алексеев', 'Лебедев', 'Семёнов', 'Егоров', 'Павлов', 'Козлов', 'Степанов', 'Николаев', 'Орлов', 'Андреев', 'Макаров', 'Никитин', 'Захаров'];
const OPENERS = ['Добрый день', 'Здравствуйте', 'Коллеги, привет', 'Подскажите, пожалуйста', 'Спасибо', 'Уточню', 'Напоминаю', 'Хорошо', 'Отлично', 'Принято'];
const VERBS = ['отправил', 'прикрепляю', 'подписали', 'согласовали', 'проверьте', 'нужно оплатить', 'пришлите', 'обновили', 'получили', 'ждём'];
const NOUNS = ['договор', 'договора', 'договором', 'договоре', 'инвойс', 'инвойса', 'спецификацию', 'спецификации', 'контракт', 'контракта', 'счёт', 'счета', 'платёж', 'платежа', 'поставку', 'поставки', 'оборудование', 'оборудования', 'курс', 'курса', 'комиссию', 'реквизиты', 'паспорт сделки', 'акт сверки', 'накладную', 'сертификат'];
const PLACES = ['из Шэньчжэня', 'из Гуанчжоу', 'в Шанхай', 'из Иу', 'в Дубай', 'из Стамбула', 'в Алматы', 'из Нинбо', 'в Мумбаи', 'из Циндао', 'в Ташкент', 'из Сеула'];
const TAILS = ['до пятницы', 'сегодня', 'завтра утром', 'на этой неделе', 'как договаривались', 'по новой ставке', 'без изменений', 'с учётом комиссии', 'в юанях', 'в долларах'];
const FILES = ['Договор_поставки', 'Инвойс', 'Спецификация', 'Контракт', 'Паспорт_сделки', 'Акт_сверки', 'Счёт', 'Платёжное_поручение', 'Сертификат_происхождения', 'Упаковочный_лист'];
const COMPANIES = ['Shenzhen Trading', 'Guangzhou Lighting', 'Yiwu Commodity', 'Ningbo Machinery', 'Qingdao Ocean', 'Dubai General Trading', 'Istanbul Tekstil', 'Shanghai Electronics', 'Tashkent Cotton', 'Almaty Steel', 'Mumbai Pharma', 'Seoul Auto Parts'];
const PURPOSES = ['Оплата по контракту за оборудование', 'Предоплата за товары по инвойсу', 'Оплата поставки по спецификации', 'Оплата услуг по договору', 'Окончательный расчёт по контракту', 'Оплата запчастей по счёту'];
const CURRENCIES = ['CNY', 'USD', 'EUR', 'AED', 'TRY', 'KZT'];
const COUNTRIES = ['CN', 'CN', 'CN', 'AE', 'TR', 'KZ', 'IN', 'KR', 'UZ'];

/** An SQL array literal of texts (our own constants: no user input). */
const array = (values: readonly string[]) => `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]::text[]`;
/** Pick from an array by a hash of `expression` (mixed with `salt`, so columns vary independently). */
const pick = (values: readonly string[], expression: string, salt: number) => `(${array(values)})[1 + (abs(hashint4((${expression})::int # ${salt})::bigint) % ${values.length})]`;

/** What `generateInsightData` wrote that a benchmark can look for: a request number, an INN, a client's name, a message word. */
export function insightProbe(index: number): { requestNumber: string; inn: string } {
  return { requestNumber: `2026-${String(index).padStart(6, '0')}`, inn: innOf(index) };
}

/** The payer INN of request `g` (10 digits; checksums are not computed for generated rows). */
function innOf(g: number): string {
  return String(7700000000 + ((g * 7919) % 99999999)).padStart(10, '0');
}

/**
 * Fills the database; returns what it made. Secondary indexes of the big
 * tables (messages, request_messages) are dropped during the load and built
 * again after it (one build is many times faster than 10 million inserts
 * into a GIN index).
 */
export async function generateInsightData(client: pg.ClientBase, options: InsightDataOptions = {}): Promise<InsightData> {
  const requests = options.requests ?? 100_000;
  const messages = options.messages ?? 10_000_000;
  const clients = options.clients ?? Math.max(10, Math.floor(requests / 2));
  const managers = options.managers ?? 12;
  const agents = options.agents ?? 15;
  const customers = options.customers ?? 40;
  const days = options.days ?? 90;
  const until = options.until ?? new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const from = new Date(until.getTime() - days * 86_400_000);
  const managersChatId = options.managersChatId ?? -1001900000001;
  const log = options.log ?? (() => undefined);
  const spanSeconds = days * 86_400;
  const step = async (what: string, text: string, values: unknown[] = []) => {
    const started = Date.now();
    const result = await client.query(text, values);
    log(`${what}: ${result.rowCount ?? 0} rows, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };

  await client.query(`set maintenance_work_mem = '512MB'`);
  const ours = await client.query<{ id: string }>(`select id from organizations where is_ours order by id limit 1`);
  const ourOrganizationId = ours.rows[0]
    ? Number(ours.rows[0].id)
    : Number((await client.query<{ id: string }>(`insert into organizations (name, kind, is_ours) values ('Hotline', 'both', true) returning id`)).rows[0]!.id);
  const ids = async (text: string, values: unknown[]) => (await client.query<{ id: string }>(text, values)).rows.map((r) => Number(r.id));
  const agentOrganizationIds = await ids(`insert into organizations (name, kind) select 'Агент ' || g, 'agent' from generate_series(1, $1::int) g returning id`, [agents]);
  const customerOrganizationIds = await ids(`insert into organizations (name, kind) select 'ООО Клиент ' || g, 'customer' from generate_series(1, $1::int) g returning id`, [customers]);
  const managerUserIds = await ids(
    `insert into users (organization_id, role, email, name) select $1::bigint, 'manager', 'insight-manager-' || g || '-' || $1::bigint || '@bench.local', ${pick(FIRST, 'g', 11)} || ' ' || ${pick(LAST, 'g', 12)} from generate_series(1, $2::int) g returning id`,
    [ourOrganizationId, managers],
  );

  // Clients and their dialogs: created evenly over the span; a dialog per client, its topic id = its row number.
  const firstClient = Number((await client.query<{ id: string }>(`select coalesce(max(id), 0) + 1 as id from clients`)).rows[0]!.id);
  await step(
    'clients',
    `insert into clients (telegram_user_id, first_name, last_name, username, language, created_at, updated_at)
     select 7000000000 + g, ${pick(FIRST, 'g', 1)}, ${pick(LAST, 'g', 2)}, case when g % 3 = 0 then null else 'client_' || g end,
            case when g % 10 = 0 then 'en' else 'ru' end,
            $2::timestamptz + ((g - 1)::float8 / $1 * $3) * interval '1 second', $2::timestamptz
     from generate_series(1, $1::int) g`,
    [clients, from, spanSeconds],
  );
  const firstDialog = Number((await client.query<{ id: string }>(`select coalesce(max(id), 0) + 1 as id from dialogs`)).rows[0]!.id);
  await step(
    'dialogs',
    `insert into dialogs (client_id, managers_chat_id, topic_id, status, created_at)
     select c.id, $2, (c.id - $1 + 1)::int, case when c.id % 4 = 0 then 'closed' else 'open' end, c.created_at
     from clients c where c.id >= $1`,
    [firstClient, managersChatId],
  );

  // Messages: message g belongs to dialog g mod D, position g div D; a reply every few minutes after the dialog opened.
  const dropped = await dropSecondaryIndexes(client, ['messages']);
  // The dialogs' first answers (migration 0025) are worked out once at the end, with the indexes back,
  // not by the per-statement trigger over ten million rows without them.
  const firstAnswersKept = await hasFirstAnswers(client);
  if (firstAnswersKept) await client.query('alter table messages disable trigger messages_first_answers_added');
  await step(
    'messages',
    `insert into messages (dialog_id, seq, direction, author_user_id, author_name, text, media, sent_at, created_at)
     select d0 + (g % nd), (g / nd + 1)::int,
            (case when g % 11 = 10 then 'note' when (g / nd) % 2 = 0 then 'in' else 'out' end)::message_direction,
            case when (g / nd) % 2 = 1 or g % 11 = 10 then ($6::bigint[])[1 + (g % nd) % array_length($6::bigint[], 1)] end,
            null,
            case when g % 50 = 7 then null else
              ${pick(OPENERS, 'g', 3)} || ', ' || ${pick(VERBS, 'g', 4)} || ' ' || ${pick(NOUNS, 'g', 5)} || ' ' || ${pick(PLACES, 'g', 6)} || ' ' || ${pick(TAILS, 'g', 7)}
              || case when g % 5 = 0 then ', арт. ' || (g % 100003) else '' end end,
            case when g % 50 = 7 then jsonb_build_object('kind', 'document', 'fileName', ${pick(FILES, 'g', 8)} || '_' || (g % 100003) || '.pdf', 'mimeType', 'application/pdf') end,
            least($5::timestamptz, $4::timestamptz + (((g % nd)::float8 / nd) * $7 + (g / nd) * 420 + (g % 97)) * interval '1 second'),
            $5::timestamptz
     from (select $1::bigint as d0, $2::bigint as nd) k, generate_series(0, $3::bigint - 1) g`,
    [firstDialog, clients, messages, from, until, managerUserIds, spanSeconds],
  );
  await step(
    'dialogs: last message',
    `update dialogs d set last_message_at = m.last from (select dialog_id, max(sent_at) as last from messages where dialog_id >= $1 group by dialog_id) m where m.dialog_id = d.id`,
    [firstDialog],
  );
  await step(
    'documents of files',
    `insert into documents (dialog_id, message_id, source, state, name, mime, size, created_at)
     select dialog_id, id, 'chat', 'stored', media ->> 'fileName', 'application/pdf', 100000 + id % 900000, sent_at
     from messages where dialog_id >= $1 and media is not null`,
    [firstDialog],
  );

  // Requests: 7 of 10 from a client's dialog (our organization is the customer), the rest on the web.
  const firstRequest = Number((await client.query<{ id: string }>(`select coalesce(max(id), 0) + 1 as id from requests`)).rows[0]!.id);
  await step(
    'requests',
    `insert into requests (number, customer_organization_id, dialog_id, origin, status, hidden, amount, currency, funding_currency, beneficiary, beneficiary_country,
                           purpose, payer, created_by, created_at, updated_at)
     select '2026-' || lpad(g::text, 6, '0'),
            case when g % 10 < 7 then $1 else ($2::bigint[])[1 + g % array_length($2::bigint[], 1)] end,
            case when g % 10 < 7 then $3::bigint + (g::bigint * 7 % $4::bigint) end,
            (case when g % 10 < 7 then 'telegram' else 'web' end)::request_origin,
            (case when g % 20 < 2 then 'collecting_offers' when g % 20 < 6 then 'accepted' when g % 20 < 17 then 'completed' else 'cancelled' end)::request_status,
            g % 10 < 7,
            (1000 + abs(hashint4(g # 21)::bigint) % 5000000)::numeric + (g % 100)::numeric / 100,
            ${pick(CURRENCIES, 'g', 22)}, 'RUB',
            jsonb_build_object('name', ${pick(COMPANIES, 'g', 23)} || ' Co. ' || (g % 997), 'country', ${pick(COUNTRIES, 'g', 24)}),
            ${pick(COUNTRIES, 'g', 24)},
            ${pick(PURPOSES, 'g', 25)} || ' № ' || (g % 9973),
            jsonb_build_object('name', 'ООО «' || ${pick(LAST, 'g', 26)} || ' и партнёры»', 'inn', lpad((7700000000 + ((g::bigint * 7919) % 99999999))::text, 10, '0')),
            ($6::bigint[])[1 + g % array_length($6::bigint[], 1)],
            $7::timestamptz + ((g - 1)::float8 / $5 * $8) * interval '1 second',
            $7::timestamptz + ((g - 1)::float8 / $5 * $8) * interval '1 second' + (g % 72) * interval '1 hour'
     from generate_series(1, $5::int) g`,
    [ourOrganizationId, customerOrganizationIds, firstDialog, clients, requests, managerUserIds, from, spanSeconds],
  );
  // One offer a request past collecting: our organization's on a Telegram deal, an agent's on the web.
  await step(
    'offers',
    `insert into offers (request_id, agent_organization_id, rate, fee_percent, fixed_fee, total, days, status, created_at)
     select r.id, case when r.dialog_id is not null then $2 else ($3::bigint[])[1 + r.id % array_length($3::bigint[], 1)] end,
            (10 + (r.id % 300)::numeric / 100), 1.5, 500, round(r.amount * (10 + (r.id % 300)::numeric / 100) * 1.015 + 500, 2), 1 + r.id % 5,
            (case when r.status = 'cancelled' then 'declined' else 'accepted' end)::offer_status,
            r.created_at + interval '20 minutes'
     from requests r where r.id >= $1 and r.status <> 'collecting_offers'`,
    [firstRequest, ourOrganizationId, agentOrganizationIds],
  );
  await step(
    'requests: accepted offers and terms',
    `update requests r set accepted_offer_id = o.id,
            terms = jsonb_build_object('offerId', o.id::text, 'agentOrganizationId', o.agent_organization_id::text, 'amount', r.amount::text, 'currency', r.currency,
                                       'rate', o.rate::text, 'feePercent', o.fee_percent::text, 'fixedFee', o.fixed_fee::text, 'total', o.total::text, 'days', o.days::text)
     from offers o where o.request_id = r.id and r.id >= $1 and o.status = 'accepted'`,
    [firstRequest],
  );
  await step(
    'events',
    `insert into events (at, actor_user_id, subject_type, subject_id, name, before, after)
     select r.created_at, r.created_by, 'request', r.id, 'request.created', null,
            jsonb_build_object('status', 'collecting_offers', 'amount', r.amount::text, 'currency', r.currency, 'origin', r.origin)
     from requests r where r.id >= $1
     union all
     select r.created_at + interval '20 minutes', r.created_by, 'request', r.id, 'request.status', jsonb_build_object('status', 'collecting_offers'), jsonb_build_object('status', 'accepted')
     from requests r where r.id >= $1 and r.status in ('accepted', 'completed')
     union all
     select r.updated_at, r.created_by, 'request', r.id, 'request.status', jsonb_build_object('status', case when r.status = 'completed' then 'accepted' else 'collecting_offers' end),
            jsonb_build_object('status', r.status)
     from requests r where r.id >= $1 and r.status in ('completed', 'cancelled')`,
    [firstRequest],
  );
  await step(
    'dialogs: active requests',
    `update dialogs d set active_request_id = r.id
     from (select distinct on (dialog_id) dialog_id, id from requests where id >= $1 and dialog_id is not null and status in ('collecting_offers', 'accepted') order by dialog_id, id desc) r
     where r.dialog_id = d.id`,
    [firstRequest],
  );
  await restoreIndexes(client, dropped, log);
  if (firstAnswersKept) {
    await client.query('alter table messages enable trigger messages_first_answers_added');
    await step('dialogs: first answers', `select dialog_first_answers_refresh(array(select id from dialogs where id >= $1))`, [firstDialog]);
  }
  const analyzed = Date.now();
  await client.query('analyze');
  log(`analyze: ${((Date.now() - analyzed) / 1000).toFixed(1)} s`);
  const documents = Number((await client.query<{ n: string }>(`select count(*) as n from documents where dialog_id >= $1`, [firstDialog])).rows[0]!.n);

  return { ourOrganizationId, agentOrganizationIds, customerOrganizationIds, managerUserIds, clients, dialogs: clients, messages, requests, documents, from, until, managersChatId };
}

/** Whether the database keeps the dialogs' first answers (migration 0025 applied). */
async function hasFirstAnswers(client: pg.ClientBase): Promise<boolean> {
  return (await client.query(`select 1 from pg_proc where proname = 'dialog_first_answers_refresh'`)).rowCount === 1;
}

/** Drops the non-unique, non-primary indexes of `tables`; returns their definitions to build again. */
async function dropSecondaryIndexes(client: pg.ClientBase, tables: string[]): Promise<Array<{ name: string; definition: string }>> {
  const result = await client.query<{ name: string; definition: string }>(
    `select i.relname as name, pg_get_indexdef(i.oid) as definition
     from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
     where t.relname = any($1::text[]) and not x.indisunique and not x.indisprimary and t.relnamespace = 'public'::regnamespace`,
    [tables],
  );
  for (const row of result.rows) await client.query(`drop index "${row.name}"`);
  return result.rows;
}

async function restoreIndexes(client: pg.ClientBase, indexes: Array<{ name: string; definition: string }>, log: (line: string) => void): Promise<void> {
  for (const index of indexes) {
    const started = Date.now();
    await client.query(index.definition);
    log(`index ${index.name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
