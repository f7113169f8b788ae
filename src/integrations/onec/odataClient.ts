/**
 * A small client of 1C's standard OData interface (`…/odata/standard.odata/`,
 * OData v3, JSON, basic authentication) and the sorting of its failures into
 * what a manager or an administrator can act on.
 *
 * 1C's error body is `{"odata.error": {"code": "…", "message": {"lang": "ru", "value": "…"}}}`
 * (test/helpers/onecOData.ts lists the sources). The code alone says little
 * (`-1` covers most failures), so the kind is read from the status, the text
 * and, for a 404/400, from `$metadata`: an entity set absent there is not
 * published in the interface.
 */
import type { Config } from '../../config.js';
import { botText, MANAGERS_LOCALE } from '../../commands/botTexts.js';

/** What went wrong, in the terms of who can fix it. */
export type OneCFailure =
  /** network error, timeout, 502–504, a 5xx without 1C's JSON: try again later */
  | 'unreachable'
  /** the infobase refuses sessions (update, «Блокировка установки соединений»): try again later */
  | 'locked'
  /** 401: wrong ONEC_USER / ONEC_PASSWORD */
  | 'auth'
  /** the 1C user lacks a right on the entity */
  | 'rights'
  /** the entity set is not published in the standard OData interface */
  | 'unpublished'
  /** 1C refused the data (a check failed, an internal error): its message says why */
  | 'rejected';

export class OneCODataError extends Error {
  constructor(
    readonly failure: OneCFailure,
    /** The entity set the call was about. */
    readonly entitySet: string,
    /** What Hotline was doing: `read`, `insert`, `update`, `post`, `unpost`. */
    readonly operation: 'read' | 'insert' | 'update' | 'post' | 'unpost',
    /** 1C's own message (Russian), if it sent one. */
    readonly oneCMessage: string | undefined,
    readonly status?: number,
  ) {
    super(`1C ${operation} ${entitySet}: ${failure}${status ? ` (HTTP ${status})` : ''}${oneCMessage ? `: ${oneCMessage}` : ''}`);
    this.name = 'OneCODataError';
  }

  /** Worth retrying by itself (the queue's backoff), without anyone changing anything. */
  get transient(): boolean {
    return this.failure === 'unreachable' || this.failure === 'locked';
  }
}

export type ODataEntity = Record<string, unknown> & { Ref_Key: string; DeletionMark?: boolean; Posted?: boolean; Number?: string };

/** A string literal in `$filter` (single quotes doubled, as OData v3 wants). */
export const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;
/** A GUID literal in `$filter` or a key. */
export const guid = (value: string) => `guid'${value}'`;

export class ODataClient {
  private published: Promise<Set<string>> | undefined;

  constructor(
    private readonly settings: Pick<Config['onec'], 'url' | 'user' | 'password'>,
    private readonly timeoutMs = 20_000,
  ) {}

  /** The entity sets listed in `$metadata` (fetched once per client). */
  entitySets(): Promise<Set<string>> {
    this.published ??= this.request('GET', '$metadata', '$metadata', 'read', undefined, 'application/xml')
      .then((text) => new Set([...String(text).matchAll(/<EntitySet\s+Name="([^"]+)"/g)].map((m) => m[1]!)))
      .catch((error: unknown) => {
        this.published = undefined;
        throw error;
      });
    return this.published;
  }

  /** Rows of `set` matching `filter` (`$filter` text), at most `top`. */
  async list(set: string, filter?: string, top?: number): Promise<ODataEntity[]> {
    const query = [filter ? `$filter=${encodeURIComponent(filter)}` : '', top ? `$top=${top}` : ''].filter(Boolean).join('&');
    const answer = (await this.request('GET', set, `${encodeURIComponent(set)}?$format=json${query ? `&${query}` : ''}`, 'read')) as { value?: ODataEntity[] };
    return answer.value ?? [];
  }

  /** One object by its Ref_Key; undefined when 1C has no such object (deleted). */
  async get(set: string, key: string): Promise<ODataEntity | undefined> {
    try {
      return (await this.request('GET', set, `${encodeURIComponent(set)}(${guid(key)})?$format=json`, 'read')) as ODataEntity;
    } catch (error) {
      if (error instanceof OneCODataError && error.status === 404 && error.failure === 'rejected') return undefined;
      throw error;
    }
  }

  create(set: string, body: Record<string, unknown>): Promise<ODataEntity> {
    return this.request('POST', set, `${encodeURIComponent(set)}?$format=json`, 'insert', body) as Promise<ODataEntity>;
  }

  update(set: string, key: string, body: Record<string, unknown>): Promise<ODataEntity> {
    return this.request('PATCH', set, `${encodeURIComponent(set)}(${guid(key)})?$format=json`, 'update', body) as Promise<ODataEntity>;
  }

  /** `Post` (non-operational posting, as a back-office document) or `Unpost`. */
  async act(set: string, key: string, action: 'Post' | 'Unpost'): Promise<void> {
    const query = action === 'Post' ? '?PostingModeOperational=false' : '';
    await this.request('POST', set, `${encodeURIComponent(set)}(${guid(key)})/${action}()${query}`, action === 'Post' ? 'post' : 'unpost');
  }

  private async request(
    method: string,
    set: string,
    path: string,
    operation: OneCODataError['operation'],
    body?: unknown,
    accept = 'application/json',
  ): Promise<unknown> {
    const { url, user, password } = this.settings;
    const root = url!.endsWith('/') ? url! : `${url!}/`;
    const headers: Record<string, string> = { accept };
    if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
    if (body !== undefined) headers['content-type'] = 'application/json;charset=utf-8';
    let response: Response;
    try {
      response = await fetch(root + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch {
      throw new OneCODataError('unreachable', set, operation, undefined);
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      if (accept !== 'application/json') return text;
      return text ? JSON.parse(text) : undefined;
    }
    let message: string | undefined;
    let code: string | undefined;
    try {
      const parsed = JSON.parse(text) as { 'odata.error'?: { code?: string; message?: { value?: string } } };
      message = parsed['odata.error']?.message?.value;
      code = parsed['odata.error']?.code;
    } catch {
      /* not 1C's JSON: a proxy or the web server answered */
    }
    const status = response.status;
    if (status === 401) throw new OneCODataError('auth', set, operation, message, status);
    if (status === 503 || /Начало сеанса с информационной базой запрещено|база заблокирована|блокировка установки соединений/i.test(message ?? '')) {
      throw new OneCODataError('locked', set, operation, message, status);
    }
    if (status === 403 || /Нарушение прав доступа|Недостаточно прав/i.test(message ?? '')) throw new OneCODataError('rights', set, operation, message, status);
    if ((status === 404 || status === 400) && set !== '$metadata') {
      const published = await this.entitySets().catch(() => undefined);
      if (published && !published.has(set)) throw new OneCODataError('unpublished', set, operation, message, status);
    }
    if (status >= 500 && code === undefined) throw new OneCODataError('unreachable', set, operation, undefined, status);
    throw new OneCODataError('rejected', set, operation, message ?? `HTTP ${status}`, status);
  }
}

/** «Справочник Контрагенты», «Документ СчетНаОплатуПокупателю, табличная часть Товары». */
export function entityLabel(set: string): string {
  const [kind, name, table] = set.split('_');
  const what = kind === 'Catalog' ? 'Справочник' : kind === 'Document' ? 'Документ' : kind;
  return `${what} ${name}${table ? `, табличная часть ${table}` : ''}`;
}

/**
 * The sentence a manager reads in the topic: what happened and who does what.
 * The retrying kinds end with «повторю»; the others with what to press after
 * the fix. Texts: the bot's Fluent files (`onec-failure-*`), in the managers'
 * language; the 1C objects keep 1C's own names (entityLabel), as its menus show them.
 */
export function failureSentence(error: OneCODataError, user: string | undefined): string {
  const t = (key: string, variables?: Record<string, string>) => botText(MANAGERS_LOCALE, key, variables);
  const who = user ? `«${user}»` : 'Hotline';
  const again = t('onec-failure-again');
  const said = error.oneCMessage ? ` ${t('onec-failure-said', { message: error.oneCMessage.split('\n')[0]! })}` : '';
  const operation = t(`onec-operation-${error.operation}`);
  const entity = entityLabel(error.entitySet);
  switch (error.failure) {
    case 'unreachable':
      return t('onec-failure-unreachable');
    case 'locked':
      return t('onec-failure-locked', { said });
    case 'auth':
      return t('onec-failure-auth', { who, again });
    case 'rights':
      return t('onec-failure-rights', { who, operation, entity, said, again });
    case 'unpublished':
      return t('onec-failure-unpublished', { entity, again });
    case 'rejected': {
      // 1C's own words about its technological log («технологическом журнале») send the admin there.
      const journal = /технологическом журнале/.test(error.oneCMessage ?? '') ? `${t('onec-failure-journal')} ` : '';
      return t('onec-failure-rejected', { operation, entity, message: error.oneCMessage ?? t('onec-failure-no-message'), journal, again });
    }
  }
}
