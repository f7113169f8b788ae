/**
 * A stand-in for 1C's standard OData interface (`…/odata/standard.odata/`),
 * the way the Telegram emulator stands in for Telegram: Hotline's real client
 * talks HTTP to it, and tests read its data as 1C would show it.
 *
 * What it does, and where the behaviour comes from (public 1C sources; the
 * platform documentation itself, its.1c.ru «Стандартный интерфейс OData», is
 * behind a subscription):
 * - Basic authentication; a wrong user or password → 401 with
 *   `WWW-Authenticate: Basic` (the publication's web server asks for it).
 * - `$metadata`: EDMX (always XML) with namespace `StandardODATA`, container
 *   `EnterpriseV8`, one EntitySet per *published* object and one per tabular
 *   section (`Document_X_Товары`). Only what the administrator ticked in
 *   «Настройка стандартного интерфейса OData» is listed
 *   (1cfresh.com/articles/data_odata; infostart.ru/1c/articles/1570140).
 * - JSON shapes: `{"odata.metadata": …, "value": [...]}` for a collection; an
 *   object has `Ref_Key` (Edm.Guid), `DataVersion`, `DeletionMark`; a catalog
 *   item `Code`, `Description`; a document `Number`, `Date`, `Posted`;
 *   references are `<Реквизит>_Key`; a tabular section is an array whose rows
 *   carry `LineNumber` (and the owner's `Ref_Key`)
 *   (lexema-ecm.readthedocs.io «Описание протокола OData / Получение данных»;
 *   the UT 11 order example at oshibku.top/1s-odata-oshibka-500).
 * - `$filter` with `eq` joined by `and`, on strings (`ИНН eq '7707083893'`),
 *   GUIDs (`Owner_Key eq guid'…'`) and booleans (`DeletionMark eq false`).
 * - POST creates (201 and the object), PATCH `(guid'…')` changes (a tabular
 *   section sent in a PATCH replaces the whole section), and the actions
 *   `POST …(guid'…')/Post()?PostingModeOperational=false` and `…/Unpost()`.
 *   Marking a posted document for deletion unposts it, as the platform does.
 * - Errors as `{"odata.error": {"code", "message": {"lang": "ru", "value"}}}`:
 *   - a tabular-section row without `LineNumber` → 500, code `-1`,
 *     «Произошла внутренняя ошибка OData сервиса. Дополнительные сведения
 *     можно найти в технологическом журнале.» (errors24.ru, «Произошла
 *     внутренняя ошибка odata сервиса»: the fix there was adding LineNumber);
 *   - a row posted to the tabular section's own entity set → code `13`,
 *     «Создание строк табличной части напрямую не поддерживается» (same thread);
 *   - the user lacks a right (Post/Unpost included) → «Нарушение прав
 *     доступа!» — OData runs with the rights of the user it signs in as
 *     (errors24.ru «1с odata ошибка 500», answer 2). The status (403) is this
 *     stub's assumption: public threads show the text, not the status;
 *   - an object not published → 404 with «Не найдено описание сущности» (the
 *     wording is this stub's: the sources show only that unpublished objects
 *     are absent from `$metadata`, which is what Hotline relies on);
 *   - the base locked for sessions (update, «Блокировка установки соединений»)
 *     → 503 with «Начало сеанса с информационной базой запрещено» (the
 *     platform's text; itsphera.ru on the lock).
 */
import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';

export type Entity = Record<string, unknown> & { Ref_Key: string; DeletionMark: boolean };

/** What a 1C user may do with an entity set. */
export type Right = 'read' | 'insert' | 'update' | 'post';

export interface OneCODataStub {
  /** `http://127.0.0.1:<port>/bp/odata/standard.odata/` */
  url: string;
  /** The web client's base (`http://127.0.0.1:<port>/bp/`). */
  webUrl: string;
  data: Map<string, Map<string, Entity>>;
  /** Entity sets listed in `$metadata` and served. */
  published: Set<string>;
  /** user → password and rights (`*` = everything). */
  users: Map<string, { password: string; rights: Map<string, Set<Right>> | '*' }>;
  /** Set → every call answers as a locked base. */
  locked: boolean;
  /** Set → Post of a document answers 500 with this 1C message (a check of the document failed). */
  postError: string | undefined;
  /** Every call: method, decoded path with query, user. */
  calls: Array<{ method: string; path: string; user: string | undefined; body?: unknown }>;
  /** The rows of an entity set (copies). */
  rows(set: string): Entity[];
  close(): Promise<void>;
}

const BASE = '/bp/odata/standard.odata/';

/** Entity types the stub knows: their scalar properties (for `$metadata`) and tabular sections. */
const TYPES: Record<string, { properties: Record<string, string>; tables?: Record<string, Record<string, string>> }> = {
  Catalog_Организации: { properties: { Code: 'Edm.String', Description: 'Edm.String', ИНН: 'Edm.String', КПП: 'Edm.String' } },
  Catalog_Валюты: { properties: { Code: 'Edm.String', Description: 'Edm.String' } },
  Catalog_Контрагенты: {
    properties: { Code: 'Edm.String', Description: 'Edm.String', НаименованиеПолное: 'Edm.String', ИНН: 'Edm.String', КПП: 'Edm.String', ЮридическоеФизическоеЛицо: 'Edm.String' },
  },
  Catalog_ДоговорыКонтрагентов: {
    properties: { Code: 'Edm.String', Description: 'Edm.String', Owner_Key: 'Edm.Guid', Организация_Key: 'Edm.Guid', ВидДоговора: 'Edm.String', ВалютаВзаиморасчетов_Key: 'Edm.Guid' },
  },
  Document_СчетНаОплатуПокупателю: {
    properties: {
      Number: 'Edm.String',
      Date: 'Edm.DateTime',
      Posted: 'Edm.Boolean',
      Организация_Key: 'Edm.Guid',
      Контрагент_Key: 'Edm.Guid',
      ДоговорКонтрагента_Key: 'Edm.Guid',
      ВалютаДокумента_Key: 'Edm.Guid',
      СуммаДокумента: 'Edm.Double',
      СуммаВключаетНДС: 'Edm.Boolean',
      Комментарий: 'Edm.String',
    },
    tables: { Товары: { LineNumber: 'Edm.Int64', Содержание: 'Edm.String', Количество: 'Edm.Double', Цена: 'Edm.Double', Сумма: 'Edm.Double', СтавкаНДС: 'Edm.String' } },
  },
};

/** Every entity set a Бухгалтерия 3.0 publication for Hotline needs. */
export const HOTLINE_ENTITY_SETS = [
  'Catalog_Организации',
  'Catalog_Валюты',
  'Catalog_Контрагенты',
  'Catalog_ДоговорыКонтрагентов',
  'Document_СчетНаОплатуПокупателю',
  'Document_СчетНаОплатуПокупателю_Товары',
];

const odataError = (res: http.ServerResponse, status: number, code: string, message: string) => {
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
  res.end(JSON.stringify({ 'odata.error': { code, message: { lang: 'ru', value: message } } }));
};

/** `A eq 'x' and B eq guid'…' and C eq false` → predicates; undefined for anything else. */
function parseFilter(filter: string): Array<[string, unknown]> | undefined {
  const parts = filter.split(/\s+and\s+/);
  const out: Array<[string, unknown]> = [];
  for (const part of parts) {
    const m = /^\s*([\p{L}\p{N}_]+)\s+eq\s+(?:'((?:[^']|'')*)'|guid'([0-9a-f-]{36})'|(true|false))\s*$/u.exec(part);
    if (!m) return undefined;
    out.push([m[1]!, m[2] !== undefined ? m[2].replaceAll("''", "'") : m[3] !== undefined ? m[3] : m[4] === 'true']);
  }
  return out;
}

function metadata(published: Set<string>): string {
  const types: string[] = [];
  const sets: string[] = [];
  const prop = (name: string, type: string) => `<Property Name="${name}" Type="${type}" Nullable="true"/>`;
  for (const [name, type] of Object.entries(TYPES)) {
    if (!published.has(name)) continue;
    const props = [`<Property Name="Ref_Key" Type="Edm.Guid" Nullable="false"/>`, prop('DataVersion', 'Edm.String'), prop('DeletionMark', 'Edm.Boolean')];
    for (const [p, t] of Object.entries(type.properties)) props.push(prop(p, t));
    for (const [table, columns] of Object.entries(type.tables ?? {})) {
      const row = `${name}_${table}_RowType`;
      props.push(`<Property Name="${table}" Type="Collection(StandardODATA.${row})" Nullable="true"/>`);
      types.push(`<ComplexType Name="${row}">${prop('Ref_Key', 'Edm.Guid')}${Object.entries(columns).map(([c, t]) => prop(c, t)).join('')}</ComplexType>`);
      if (published.has(`${name}_${table}`)) {
        types.push(`<EntityType Name="${name}_${table}"><Key><PropertyRef Name="Ref_Key"/><PropertyRef Name="LineNumber"/></Key>${prop('Ref_Key', 'Edm.Guid')}${Object.entries(columns).map(([c, t]) => prop(c, t)).join('')}</EntityType>`);
        sets.push(`<EntitySet Name="${name}_${table}" EntityType="StandardODATA.${name}_${table}"/>`);
      }
    }
    types.push(`<EntityType Name="${name}"><Key><PropertyRef Name="Ref_Key"/></Key>${props.join('')}</EntityType>`);
    sets.push(`<EntitySet Name="${name}" EntityType="StandardODATA.${name}"/>`);
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" Version="1.0">` +
    `<edmx:DataServices xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" m:DataServiceVersion="3.0">` +
    `<Schema xmlns="http://schemas.microsoft.com/ado/2009/11/edm" Namespace="StandardODATA">${types.join('')}` +
    `<EntityContainer Name="EnterpriseV8" m:IsDefaultEntityContainer="true">${sets.join('')}</EntityContainer></Schema>` +
    `</edmx:DataServices></edmx:Edmx>`
  );
}

/**
 * Starts the stub with one organization (ИНН `organizationInn`) and the ruble
 * in Catalog_Валюты, every Hotline entity published, and the user
 * `hotline` / `secret` with all rights.
 */
export async function startOneCODataStub(options: { organizationInn?: string } = {}): Promise<OneCODataStub> {
  const data = new Map<string, Map<string, Entity>>();
  const table = (set: string) => {
    let rows = data.get(set);
    if (!rows) data.set(set, (rows = new Map()));
    return rows;
  };
  const numbers = new Map<string, number>();
  const insert = (set: string, fields: Record<string, unknown>): Entity => {
    const entity: Entity = { Ref_Key: crypto.randomUUID(), DataVersion: crypto.randomBytes(6).toString('base64'), DeletionMark: false, ...fields } as Entity;
    if (set.startsWith('Document_')) {
      const next = (numbers.get(set) ?? 0) + 1;
      numbers.set(set, next);
      entity.Number = `БП00-${String(next).padStart(6, '0')}`;
      entity.Posted = false;
    } else if (entity.Code === undefined) {
      entity.Code = String(table(set).size + 1).padStart(9, '0');
    }
    table(set).set(entity.Ref_Key, entity);
    return entity;
  };
  insert('Catalog_Организации', { Description: 'ООО «Платёжный агент»', ИНН: options.organizationInn ?? '7702070139', КПП: '770201001' });
  insert('Catalog_Валюты', { Code: '643', Description: 'руб.' });
  insert('Catalog_Валюты', { Code: '840', Description: 'USD' });

  const stub: OneCODataStub = {
    url: '',
    webUrl: '',
    data,
    published: new Set(HOTLINE_ENTITY_SETS),
    users: new Map([['hotline', { password: 'secret', rights: '*' }]]),
    locked: false,
    postError: undefined,
    calls: [],
    rows: (set) => [...table(set).values()].map((e) => structuredClone(e)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const may = (user: string, set: string, right: Right) => {
    const rights = stub.users.get(user)?.rights;
    return rights === '*' || Boolean(rights?.get(set)?.has(right));
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const target = req.url ?? '/';
      const [rawPath, rawQuery = ''] = target.split('?', 2) as [string, string?];
      const path = decodeURIComponent(rawPath);
      const query = Object.fromEntries(
        rawQuery
          .split('&')
          .filter(Boolean)
          .map((pair) => {
            const [k, v = ''] = pair.split('=', 2) as [string, string?];
            return [decodeURIComponent(k), decodeURIComponent(v)];
          }),
      );
      const auth = req.headers.authorization ?? '';
      const [user, password] = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':', 2) : [undefined, undefined];
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      stub.calls.push({ method: req.method ?? 'GET', path: `${path}${rawQuery ? `?${decodeURIComponent(rawQuery)}` : ''}`, user, body });

      if (!path.startsWith(BASE)) return void res.writeHead(404).end('Not found');
      const known = user ? stub.users.get(user) : undefined;
      if (!known || known.password !== password) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="1C:Enterprise"', 'content-type': 'text/plain;charset=utf-8' });
        return void res.end('');
      }
      if (stub.locked) {
        return odataError(res, 503, '-1', 'Начало сеанса с информационной базой запрещено.\nБлокировка установлена для выполнения регламентных работ.');
      }
      const rest = path.slice(BASE.length);
      if (rest === '$metadata') {
        res.writeHead(200, { 'content-type': 'application/xml;charset=utf-8' });
        return void res.end(metadata(stub.published));
      }
      const m = /^([\p{L}\p{N}_]+)(?:\(guid'([0-9a-f-]{36})'\))?(?:\/(Post|Unpost)(?:\(\))?)?$/u.exec(rest);
      if (!m) return odataError(res, 400, '1', `Неверный формат адреса: ${rest}`);
      const [, set, key, action] = m as unknown as [string, string, string | undefined, string | undefined];
      if (!stub.published.has(set)) return odataError(res, 404, '9', `Не найдено описание сущности "${set}"`);
      const rows = table(set);
      const deny = () => odataError(res, 403, '-1', 'Нарушение прав доступа!');
      const send = (status: number, entity: Entity | Record<string, unknown>) => {
        res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
        res.end(JSON.stringify({ 'odata.metadata': `${stub.url}$metadata#${set}/@Element`, ...entity }));
      };
      const tables = TYPES[set]?.tables ?? {};
      /** 1C needs LineNumber on every row of a tabular section it is sent. */
      const rowsOk = (fields: Record<string, unknown>) =>
        Object.keys(tables).every((t) => !Array.isArray(fields[t]) || (fields[t] as Array<Record<string, unknown>>).every((row) => row.LineNumber !== undefined && row.LineNumber !== ''));
      const withRowKeys = (entity: Entity) => {
        for (const t of Object.keys(tables)) {
          if (Array.isArray(entity[t])) entity[t] = (entity[t] as Array<Record<string, unknown>>).map((row) => ({ Ref_Key: entity.Ref_Key, ...row, LineNumber: String(row.LineNumber) }));
        }
        return entity;
      };

      if (req.method === 'GET' && !key) {
        if (!may(user!, set, 'read')) return deny();
        let value = [...rows.values()];
        if (query.$filter) {
          const predicates = parseFilter(query.$filter);
          if (!predicates) return odataError(res, 400, '1', `Ошибка разбора выражения $filter: ${query.$filter}`);
          value = value.filter((e) => predicates.every(([p, v]) => e[p] === v));
        }
        if (query.$top) value = value.slice(0, Number(query.$top));
        res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
        return void res.end(JSON.stringify({ 'odata.metadata': `${stub.url}$metadata#${set}`, value }));
      }
      const entity = key ? rows.get(key) : undefined;
      if (key && !entity) return odataError(res, 404, '6', `Не найден объект с ключом ${key}`);
      if (req.method === 'GET') {
        if (!may(user!, set, 'read')) return deny();
        return send(200, entity!);
      }
      if (req.method === 'POST' && action) {
        if (!may(user!, set, 'post')) return deny();
        if (action === 'Post') {
          if (stub.postError) return odataError(res, 500, '-1', stub.postError);
          if (entity!.DeletionMark) return odataError(res, 500, '-1', 'Помеченный на удаление документ не может быть проведен!');
          entity!.Posted = true;
        } else {
          entity!.Posted = false;
        }
        entity!.DataVersion = crypto.randomBytes(6).toString('base64');
        res.writeHead(200);
        return void res.end();
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return odataError(res, 400, '1', 'Ошибка разбора тела запроса');
      const fields = body as Record<string, unknown>;
      if (req.method === 'POST' && !key) {
        if (/_[^_]+$/.test(set) && TYPES[set.replace(/_[^_]+$/, '')]?.tables?.[set.split('_').at(-1)!]) {
          return odataError(res, 400, '13', 'Создание строк табличной части напрямую не поддерживается');
        }
        if (!may(user!, set, 'insert')) return deny();
        if (!rowsOk(fields)) return odataError(res, 500, '-1', 'Произошла внутренняя ошибка OData сервиса. Дополнительные сведения можно найти в технологическом журнале.');
        const { Ref_Key: _ignored, Posted: _posted, Number: _number, ...rest } = fields;
        return send(201, structuredClone(withRowKeys(insert(set, rest))));
      }
      if (req.method === 'PATCH' && entity) {
        if (!may(user!, set, 'update')) return deny();
        if (!rowsOk(fields)) return odataError(res, 500, '-1', 'Произошла внутренняя ошибка OData сервиса. Дополнительные сведения можно найти в технологическом журнале.');
        const { Ref_Key: _ignored, Posted: _posted, ...rest } = fields;
        Object.assign(entity, rest);
        if (rest.DeletionMark === true && entity.Posted) entity.Posted = false;
        entity.DataVersion = crypto.randomBytes(6).toString('base64');
        return send(200, structuredClone(withRowKeys(entity)));
      }
      return odataError(res, 405, '1', `Метод ${req.method} не поддерживается`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  stub.url = `http://127.0.0.1:${port}${BASE}`;
  stub.webUrl = `http://127.0.0.1:${port}/bp/`;
  return stub;
}
