/**
 * Bad input is refused beside the field that is wrong, in words that say what
 * is allowed, never accepted in silence (outside check of the API: unknown
 * keys taken and dropped, a holiday's format named as the page's instead of
 * the API's, `owner=x` without its values, keys of one kind written two ways,
 * only the first bad field of several, Node's English «Bad Request»).
 */
import net from 'node:net';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients } from '../../src/db/schema.js';
import { apiPlugin } from '../../src/platform/api.js';
import { looseObjects, strictInput } from '../../src/platform/strictInput.js';
import { serverText, setApiLocale, type MessageCode } from '../../web/src/api.js';
import { ApiClient, startTestApp, validOffer, validRequest, type TestApp } from '../helpers/app.js';

const UNKNOWN = 'Неизвестное поле: уберите его';

describe('every route of the API takes only the keys it names', () => {
  it('each body and query string of every registered route is a strict object (a new route cannot forget it)', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    const routes: Array<{ method: string; url: string; schema: Record<string, unknown> }> = [];
    // Registered after the API's own hook has filled in what a route leaves out.
    app.addHook('onRoute', (route) => void routes.push({ method: String(route.method), url: route.url, schema: (route.schema ?? {}) as Record<string, unknown> }));
    await app.register(apiPlugin({ getContext: () => { throw new Error('no database in this test'); } }), { prefix: '/api' });
    await app.ready();
    expect(routes.length).toBeGreaterThan(60);
    const loose = routes.flatMap((route) => ['body', 'querystring'].flatMap((part) => looseObjects(route.schema[part]).map((path) => `${route.method} ${route.url} ${part} ${path}`)));
    expect(loose).toEqual([]);
    const withoutQuery = routes.filter((route) => !route.schema.querystring).map((route) => `${route.method} ${route.url}`);
    expect(withoutQuery).toEqual([]);
    await app.close();
  });

  it('the check finds a loose object at any depth, and refuses the route', () => {
    const body = z.strictObject({ week: z.array(z.object({ start: z.string() }).nullable()), inner: z.strictObject({ deep: z.looseObject({}).optional() }) });
    expect(looseObjects(body)).toEqual(['week.[]', 'inner.deep']);
    expect(looseObjects(z.strictObject({ a: z.union([z.string(), z.strictObject({ b: z.string() })]) }))).toEqual([]);
    expect(() => strictInput({ method: 'POST', url: '/x', schema: { body } })).toThrow(/POST \/x: body\.week\.\[\], body\.inner\.deep must be z\.strictObject/);
  });
});

describe('refusals through the API', () => {
  let app: TestApp;
  let admin: ApiClient;
  let manager: ApiClient;
  let customer: ApiClient;
  let agent: ApiClient;
  let requestId: number;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.signIn(app.admin);
    manager = await app.signIn(await app.addUser({ role: 'manager' }));
    customer = await app.signIn(await app.addUser({ role: 'customer', organization: 'ООО Строгий' }));
    agent = await app.signIn(await app.addUser({ role: 'agent', organization: 'Агент Строгий' }));
    const created = await customer.post('/api/requests', validRequest());
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    requestId = created.body.id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('an unknown key of a body is a 400 beside that key (also inside an object and a list item), and nothing is stored', async () => {
    const before = (await customer.get('/api/requests')).body.items.length;
    const top = await customer.post('/api/requests', { ...validRequest(), priority: 'high' });
    expect(top.status).toBe(400);
    expect(top.body.fields).toEqual({ priority: UNKNOWN });
    expect(top.body.fieldCodes.priority).toEqual({ code: 'form.unknownField' });
    const nested = await customer.post('/api/requests', validRequest({ payer: { name: 'ООО Ромашка', inn: '7707083893', kpp: '773601001', ogrn: '1' } }));
    expect(nested.body.fields).toEqual({ 'payer.ogrn': UNKNOWN });
    expect((await customer.get('/api/requests')).body.items.length).toBe(before);

    const offer = await agent.post(`/api/requests/${requestId}/offers`, { ...validOffer(), discount: '5' });
    expect(offer.status).toBe(400);
    expect(offer.body.fields).toEqual({ discount: UNKNOWN });

    const chat = await customer.post(`/api/requests/${requestId}/messages`, { text: 'Здравствуйте', urgent: true });
    expect(chat.body.fields).toEqual({ urgent: UNKNOWN });

    const user = await admin.post('/api/admin/users', { organizationId: app.ourOrganizationId, role: 'manager', email: 'extra@test.local', name: 'Лишний', password: 'password-123456', isAdmin: true });
    expect(user.body.fields).toEqual({ isAdmin: UNKNOWN });
    expect((await admin.get('/api/admin/users')).body.map((u: { email: string }) => u.email)).not.toContain('extra@test.local');

    const terms = await customer.post(`/api/requests/${requestId}/terms`, { command: 'undo', value: '', force: true });
    expect(terms.body.fields).toEqual({ force: UNKNOWN });

    const hours = (await admin.get('/api/admin/working-hours')).body;
    const week = [{ start: '09:00', end: '18:00', lunch: '13:00' }, ...hours.week.slice(1)];
    const savedHours = await admin.request('PUT', '/api/admin/working-hours', { week, holidays: hours.holidays, workdays: hours.workdays, offHoursAnswer: hours.offHoursAnswer });
    expect(savedHours.status).toBe(400);
    expect(savedHours.body.fields).toEqual({ 'week.0.lunch': UNKNOWN });

    // A route that takes no body: a body with a key is refused, `{}` is not.
    const signOut = await (await app.signIn(app.admin)).post('/api/auth/sign-out', { everywhere: true });
    expect(signOut.body.fields).toEqual({ everywhere: UNKNOWN });
    expect((await (await app.signIn(app.admin)).request('POST', '/api/auth/sign-out')).status).toBe(200);
    expect((await (await app.signIn(app.admin)).post('/api/auth/sign-out', {})).status).toBe(200);
  });

  it('an unknown query parameter is a 400 beside it, on a route with a query and on one without', async () => {
    for (const path of ['/api/requests?x=1', '/api/reference/currencies?x=1', `/api/requests/${requestId}?x=1`, '/api/auth/me?x=1']) {
      const response = await customer.get(path);
      expect(response.status, path).toBe(400);
      expect(response.body.fields, path).toEqual({ x: UNKNOWN });
    }
    expect((await customer.get('/api/requests?sort=oldest')).status).toBe(200);
  });

  it("a holiday the API cannot read names the API's format, ISO YYYY-MM-DD", async () => {
    const hours = (await admin.get('/api/admin/working-hours')).body;
    const response = await admin.request('PUT', '/api/admin/working-hours', { week: hours.week, holidays: ['30.11.2026'], workdays: [], offHoursAnswer: false });
    expect(response.status).toBe(400);
    expect(response.body.fields['holidays.0']).toBe('Дата в формате ГГГГ-ММ-ДД, с 1990 по 2100 год');
    expect(response.body.fieldCodes['holidays.0']).toEqual({ code: 'hours.date' });
  });

  it('a dialogs filter by an owner it does not know names the values it takes', async () => {
    for (const owner of ['x', '0', '-1']) {
      const response = await manager.get(`/api/dialogs?owner=${owner}`);
      expect(response.status, owner).toBe(400);
      expect(response.body.fields, owner).toEqual({ owner: 'Допустимые значения: me, none или id пользователя (целое число от 1)' });
      expect(response.body.fieldCodes.owner).toEqual({ code: 'dialogs.ownerFilter' });
    }
    for (const owner of ['me', 'none', '5']) expect((await manager.get(`/api/dialogs?owner=${owner}`)).status, owner).toBe(200);
  });

  it('a NUL is refused beside the bare field, in the query string as in the body', async () => {
    const query = await customer.get('/api/reference/beneficiaries?q=%00');
    expect(query.status).toBe(400);
    expect(Object.keys(query.body.fields)).toEqual(['q']);
    const tooLong = await customer.get(`/api/reference/beneficiaries?q=${'я'.repeat(101)}`);
    expect(Object.keys(tooLong.body.fields)).toEqual(['q']);
  });

  it("a client's label that breaks the rule is refused beside its item, every bad one at once, nothing changed", async () => {
    // A client straight in the table: the labels route needs only its id.
    const [row] = await app.ctx.database.db.insert(clients).values({ telegramUserId: 990001, firstName: 'Метка' }).returning({ id: clients.id });
    const clientId = row!.id;
    const response = await manager.post(`/api/clients/${clientId}/labels`, { add: ['два слова', 'vip', 'и-so'], remove: ['ok', 'три слова тут'] });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.fields).sort()).toEqual(['add.0', 'add.2', 'remove.1']);
    expect(response.body.fields['add.0']).toMatch(/^Метка «два слова» не подходит/);
    expect(response.body.fieldCodes['add.0'].code).toBe('labels.form');
    const fine = await manager.post(`/api/clients/${clientId}/labels`, { add: ['vip'] });
    expect(fine.status).toBe(200);
    expect(fine.body.labels).toEqual(['vip']);
  });

  it('a broadcast label that breaks the rule is keyed by its item too', async () => {
    const response = await admin.post('/api/broadcasts', { title: 'Новости', body: 'Текст', labels: ['vip', 'два слова'] });
    expect(response.status).toBe(400);
    expect(response.body.fields['labels.1']).toMatch(/^Метка «два слова» не подходит/);
  });

  it('the dashboard names every bad date of its period at once', async () => {
    const response = await admin.get('/api/insight/dialogs?from=x&to=y');
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.fields).sort()).toEqual(['from', 'to']);
    const both = await admin.get('/api/insight/dialogs?from=2026-13-01&to=2026-11-30&manager=99999');
    expect(Object.keys(both.body.fields).sort()).toEqual(['from', 'manager']);
  });

  /** A request written byte by byte: fetch would percent-encode what the check sends raw. */
  const rawGet = (path: Buffer, headers = '') =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(app.url);
      const socket = net.connect(Number(url.port), url.hostname, () => {
        socket.write(Buffer.concat([Buffer.from('GET '), path, Buffer.from(` HTTP/1.1\r\nHost: ${url.host}\r\n${headers}Connection: close\r\n\r\n`)]));
      });
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const [head = '', body = ''] = text.split('\r\n\r\n');
        resolve({ status: Number(head.split(' ')[1]), body });
      });
    });

  it('a URL with raw UTF-8 bytes or a broken %-escape is refused in Russian with a code, in English on the English page', async () => {
    setApiLocale('en');
    try {
      for (const [path, code] of [
        [Buffer.from('/api/requests?sort=сделка'), 'request.rawUrl'],
        [Buffer.from('/api/requests/сделка'), 'request.rawUrl'],
        [Buffer.from('/api/%E0%A4%A'), 'request.badUrl'],
        [Buffer.from('/api/requests/%E0%A4%A'), 'request.badUrl'],
      ] as const) {
        const answer = await rawGet(path);
        expect(answer.status, path.toString()).toBe(400);
        const body = JSON.parse(answer.body) as { error: string; code: MessageCode };
        expect(body.error, path.toString()).toMatch(/^Адрес запроса не читается: .*%D1%8F вместо «я»$/);
        expect(body.code, path.toString()).toEqual({ code });
        // What the English page shows for it.
        expect(serverText(body.error, body.code)).toMatch(/^The request URL cannot be read/);
      }
    } finally {
      setApiLocale('ru');
    }
  });

  /** A body sent as raw bytes (the API client would re-encode it), with the customer's session. */
  const rawPost = async (path: string, body: string | Buffer, method = 'POST') => {
    const response = await fetch(app.url + path, {
      method,
      headers: { cookie: customer.cookie, 'x-csrf-token': customer.csrfToken, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return { status: response.status, body: (await response.json()) as { error: string; code?: MessageCode; fields?: Record<string, string>; fieldCodes?: Record<string, MessageCode> } };
  };
  const requestCount = async () => (await customer.get('/api/requests')).body.items.length as number;
  const BAD_ESCAPE = 'Неверная %-последовательность: значение не читается как UTF-8 (например, «я» — это %D1%8F)';
  const TWICE = 'Указано дважды: оставьте одно значение';

  it('a query parameter with a broken %-escape or bytes that are not UTF-8 is a 400 beside it, not searched for as typed', async () => {
    setApiLocale('en');
    try {
      for (const [path, field] of [
        ['/api/search?q=%ZZ', 'q'],
        ['/api/search?q=%E0%A4%A', 'q'],
        ['/api/search?q=%FF%FE', 'q'],
        // U+D800 written as UTF-8 bytes: no character.
        ['/api/search?q=%ED%A0%80', 'q'],
        ['/api/requests?currency=%', 'currency'],
        ['/api/search?q=x&%ZZ=1', '%ZZ'],
        [`/api/requests/${requestId}/messages?limit=%G1`, 'limit'],
      ] as const) {
        const response = await customer.get(path);
        expect(response.status, path).toBe(400);
        expect(response.body.fields, path).toEqual({ [field]: BAD_ESCAPE });
        expect(response.body.fieldCodes[field], path).toEqual({ code: 'form.badEscape' });
        expect(serverText(response.body.fields[field], response.body.fieldCodes[field]), path).toMatch(/^A broken %-sequence/);
      }
    } finally {
      setApiLocale('ru');
    }
    // A well-formed escape is still read: «я» as %D1%8F.
    expect((await customer.get('/api/search?q=%D1%8F%D1%8F')).status).toBe(200);
  });

  it('a query parameter named __proto__, constructor or prototype is named as unknown, on the API and beside it', async () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      for (const path of [`/api/search?q=x&${name}=1`, `/api/requests?${name}=1`, `/api/meta?${name}=1`]) {
        const response = await customer.get(path);
        expect(response.status, path).toBe(400);
        expect(Object.keys(response.body.fields), path).toEqual([name]);
        expect(response.body.fields[name], path).toBe(UNKNOWN);
        expect(Object.keys(response.body.fieldCodes), path).toEqual([name]);
      }
    }
  });

  it('a query parameter given twice says so; one with an empty value says it is empty, not «required»', async () => {
    for (const path of ['/api/search?q=x&limit=1&limit=2', '/api/requests?limit=1&limit=1', '/api/requests?sort=newest&sort=oldest']) {
      const response = await customer.get(path);
      expect(response.status, path).toBe(400);
      expect(Object.values(response.body.fields), path).toEqual([TWICE]);
      expect(Object.values(response.body.fieldCodes), path).toEqual([{ code: 'form.twice' }]);
    }
    for (const [path, field] of [['/api/search?q=x&limit=', 'limit'], ['/api/requests?limit', 'limit'], ['/api/requests?sort=', 'sort'], ['/api/dialogs?owner=', 'owner']] as const) {
      const response = await (path.startsWith('/api/dialogs') ? manager : customer).get(path);
      expect(response.status, path).toBe(400);
      expect(response.body.fields, path).toEqual({ [field]: 'Пустое значение параметра: укажите значение' });
      expect(response.body.fieldCodes[field], path).toEqual({ code: 'form.emptyParameter' });
    }
  });

  it('a JSON key given twice is refused beside it (at any depth), never «the last one wins»; nothing is stored', async () => {
    const before = await requestCount();
    const body = JSON.stringify(validRequest());
    const top = await rawPost('/api/requests', body.replace('{', '{"amount":"1",'));
    expect(top.status).toBe(400);
    expect(top.body.fields).toEqual({ amount: TWICE });
    expect(top.body.fieldCodes).toEqual({ amount: { code: 'form.twice' } });
    const nested = await rawPost('/api/requests', body.replace('"payer":{', '"payer":{"inn":"7707083893",'));
    expect(nested.body.fields).toEqual({ 'payer.inn': TWICE });
    const inList = await rawPost(`/api/clients/1/labels`, '{"add":[{"a":1,"a":2}]}');
    expect(inList.body.fields).toEqual({ 'add.0.a': TWICE });
    expect(await requestCount()).toBe(before);
    // The same keys in different objects are no repeat.
    expect((await rawPost('/api/requests', body)).status).toBe(200);
  });

  it('a JSON key __proto__ or constructor is named as unknown, not a field-less «not JSON»', async () => {
    const before = await requestCount();
    const body = JSON.stringify(validRequest());
    const proto = await rawPost('/api/requests', body.replace('{', '{"__proto__":{"isAdmin":true},'));
    expect(proto.status).toBe(400);
    expect(Object.keys(proto.body.fields!)).toEqual(['__proto__']);
    expect(proto.body.fields!.__proto__).toBe(UNKNOWN);
    const constructor = await rawPost('/api/requests', body.replace('"payer":{', '"payer":{"constructor":{"prototype":{}},'));
    expect(constructor.body.fields).toEqual({ 'payer.constructor': UNKNOWN });
    expect(await requestCount()).toBe(before);
  });

  it('a body with bytes that are not UTF-8 is refused whole, not stored with U+FFFD', async () => {
    const before = await requestCount();
    const [head, tail] = JSON.stringify(validRequest({ purpose: 'Оплата SPLIT по договору' })).split('SPLIT');
    for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe0, 0x80, 0x80]]) {
      const answer = await rawPost('/api/requests', Buffer.concat([Buffer.from(head!), Buffer.from(bad), Buffer.from(tail!)]));
      expect(answer.status, String(bad)).toBe(400);
      expect(answer.body).toEqual({ error: 'Тело запроса не читается: оно не в кодировке UTF-8', code: { code: 'request.notUtf8' } });
    }
    expect(await requestCount()).toBe(before);
    setApiLocale('en');
    try {
      const answer = await rawPost('/api/requests', Buffer.from([0x7b, 0xff, 0x7d]));
      expect(serverText(answer.body.error, answer.body.code)).toBe('The request body cannot be read: it is not UTF-8');
    } finally {
      setApiLocale('ru');
    }
  });

  it('a lone UTF-16 surrogate in a JSON string is refused beside its field before anything is written', async () => {
    const before = await requestCount();
    const body = JSON.stringify(validRequest());
    for (const [text, field] of [
      [body.replace('{', '{"comment":"\\ud800",'), 'comment'],
      [body.replace('"kpp":"773601001"', '"kpp":"77360100\\udfff"'), 'payer.kpp'],
    ] as const) {
      const answer = await rawPost('/api/requests', text);
      expect(answer.status, field).toBe(400);
      expect(answer.body.fields, field).toEqual({ [field]: 'Недопустимый символ: одиночная половина суррогатной пары UTF-16 (\\uD800–\\uDFFF)' });
      expect(answer.body.fieldCodes![field], field).toEqual({ code: 'form.surrogate' });
    }
    const offer = await fetch(`${app.url}/api/requests/${requestId}/offers`, {
      method: 'POST',
      headers: { cookie: agent.cookie, 'x-csrf-token': agent.csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify(validOffer()).replace('{', '{"validUntil":"2027-01-01\\ud83d",'),
    });
    expect(offer.status).toBe(400);
    expect(Object.keys(((await offer.json()) as { fields: object }).fields)).toEqual(['validUntil']);
    expect(await requestCount()).toBe(before);
    // A whole pair (an emoji) is text like any other.
    expect((await customer.post('/api/requests', validRequest({ comment: 'Срочно \ud83d\ude80' }))).status).toBe(200);
  });

  it('a value of the wrong kind says which kinds the field takes; a number JSON cannot hold says it is too large', async () => {
    const before = await requestCount();
    const kpp = await customer.post('/api/requests', validRequest({ payer: { name: 'ООО Ромашка', inn: '7707083893', kpp: { value: '773601001' } } }));
    expect(kpp.status).toBe(400);
    expect(kpp.body.fields).toEqual({ 'payer.kpp': 'Нужен текст' });
    const amount = await customer.post('/api/requests', validRequest({ amount: [100] }));
    expect(amount.body.fields).toEqual({ amount: 'Нужно одно из: текст, число' });
    expect(amount.body.fieldCodes.amount).toEqual({ code: 'form.types', params: { types: '@type.text, @type.number' } });
    setApiLocale('en');
    try {
      expect(serverText(amount.body.fields.amount, amount.body.fieldCodes.amount)).toBe('One of these is needed: text, a number');
    } finally {
      setApiLocale('ru');
    }
    expect(await requestCount()).toBe(before);

    const days = await fetch(`${app.url}/api/requests/${requestId}/offers`, {
      method: 'POST',
      headers: { cookie: agent.cookie, 'x-csrf-token': agent.csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify(validOffer()).replace(/"days":("[^"]*"|[^,}]*)/, '"days":1e400'),
    });
    expect(days.status).toBe(400);
    const refused = (await days.json()) as { fields: Record<string, string>; fieldCodes: Record<string, MessageCode> };
    expect(refused.fields).toEqual({ days: 'Число слишком большое: JSON-число должно быть конечным (меньше 1,8e308)' });
    expect(refused.fieldCodes.days).toEqual({ code: 'form.numberInfinite' });
  });

  it('a JSON number in an identifier or text field is refused, not turned into other digits; an amount takes only a number it can keep exactly; an id is a number, not "2"', async () => {
    const before = await requestCount();
    const raw = async (path: string, body: string, who: ApiClient = customer) => {
      const response = await fetch(`${app.url}${path}`, { method: 'POST', headers: { cookie: who.cookie, 'x-csrf-token': who.csrfToken, 'content-type': 'application/json' }, body });
      return { status: response.status, body: (await response.json()) as { id?: number; fields?: Record<string, string>; fieldCodes?: Record<string, MessageCode> } };
    };
    const form = JSON.stringify(validRequest());
    for (const [field, from, to] of [
      ['beneficiary.account', '"account":"6222021234567890"', '"account":12345678901234567890'],
      ['beneficiary.account', '"account":"6222021234567890"', '"account":1e10'],
      ['documents.contractNumber', '"contractNumber":"C-1"', '"contractNumber":1e3'],
      ['documents.invoiceNumber', '"invoiceNumber":"INV-7"', '"invoiceNumber":12.50'],
      ['payer.inn', '"inn":"7707083893"', '"inn":7707083893'],
    ] as const) {
      expect(form).toContain(from);
      const answer = await raw('/api/requests', form.replace(from, to));
      expect(answer.status, to).toBe(400);
      expect(answer.body.fields, to).toEqual({ [field]: 'Нужен текст' });
      expect(answer.body.fieldCodes?.[field], to).toEqual({ code: 'form.text' });
    }
    for (const amount of ['1e308', '12345678901234567890', '0.1234567890123456789']) {
      const answer = await raw('/api/requests', form.replace('"amount":"100000"', `"amount":${amount}`));
      expect(answer.status, amount).toBe(400);
      expect(answer.body.fields?.amount, amount).toMatch(/экспонентой.*пришлите значение текстом/);
      expect(answer.body.fieldCodes?.amount, amount).toEqual({ code: 'form.inexactNumber' });
    }
    const offer = await raw(`/api/requests/${requestId}/offers`, JSON.stringify(validOffer()).replace('"rate":"12.25"', '"rate":1e-7'), agent);
    expect(offer.body.fields).toEqual({ rate: expect.stringMatching(/экспонентой/) });
    expect(await requestCount()).toBe(before);
    // A number it keeps exactly is still an amount, as before.
    const exact = await raw('/api/requests', form.replace('"amount":"100000"', '"amount":1500.25'));
    expect(exact.status, JSON.stringify(exact.body)).toBe(200);
    expect((await customer.get(`/api/requests/${exact.body.id}`)).body.request.amount).toBe('1500.25');

    const organizations = (await admin.get('/api/admin/organizations')).body as Array<{ id: number }>;
    const user = { organizationId: String(organizations[0]!.id), role: 'customer', email: 'typed@example.com', name: 'Строка', password: 'correct horse battery 1' };
    const typed = await admin.post('/api/admin/users', user);
    expect(typed.status).toBe(400);
    expect(typed.body.fields).toEqual({ organizationId: 'Нужно число' });
  });

  it('a refusal of a document or of a dialog status carries its code, so an English page can translate it', async () => {
    for (const path of ['/api/documents/999999/download', '/api/documents/999999/thumbnail']) {
      const missing = await customer.get(path);
      expect(missing.status, path).toBe(404);
      expect(missing.body, path).toMatchObject({ error: 'Документ не найден', code: { code: 'file.notFound' } });
    }
    const status = await customer.post('/api/dialogs/1/status', { change: 'hold' });
    expect(status.status).toBe(403);
    expect(status.body).toMatchObject({ error: 'Статус диалога меняют только менеджеры', code: { code: 'dialogs.statusStaffOnly' } });
    setApiLocale('en');
    try {
      expect(serverText(status.body.error, status.body.code)).toBe("Only managers change a dialog's status");
    } finally {
      setApiLocale('ru');
    }
  });

  it('text/plain or a multipart form sent to a JSON route (sign-in included) is a 415 naming the type, as application/xml is; nothing is stored', async () => {
    const before = await requestCount();
    const form = new FormData();
    form.append('email', 'x@example.com');
    for (const [path, who, headers, body] of [
      ['/api/auth/sign-in', undefined, { 'content-type': 'text/plain' }, JSON.stringify({ email: 'x@example.com', password: 'y' })],
      ['/api/auth/sign-in', undefined, {}, form],
      ['/api/auth/sign-in', undefined, { 'content-type': 'application/xml' }, '<a/>'],
      ['/api/requests', customer, { 'content-type': 'text/plain' }, JSON.stringify(validRequest())],
      ['/api/requests', customer, {}, form],
    ] as Array<[string, ApiClient | undefined, Record<string, string>, string | FormData]>) {
      const auth: Record<string, string> = who ? { cookie: who.cookie, 'x-csrf-token': who.csrfToken } : {};
      const response = await fetch(`${app.url}${path}`, { method: 'POST', headers: { ...auth, ...headers }, body });
      expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(415);
      expect(await response.json()).toMatchObject({ error: 'Неподдерживаемый Content-Type: нужен application/json (файлы — multipart/form-data)' });
    }
    expect(await requestCount()).toBe(before);
  });

  it('a currency or country filter that is no code names the filter and the shape of a code, never an empty list', async () => {
    for (const [query, field, message] of [
      ['currency=ZZZ', 'currency', 'Нет такой валюты: нужен код ISO 4217 из трёх латинских букв, например USD'],
      ['currency=US', 'currency', 'Нет такой валюты: нужен код ISO 4217 из трёх латинских букв, например USD'],
      ['currency=%20USD', 'currency', 'Нет такой валюты: нужен код ISO 4217 из трёх латинских букв, например USD'],
      ['country=QQ', 'country', 'Нет такой страны: нужен код ISO 3166-1 из двух латинских букв, например CN'],
      ['country=CHN', 'country', 'Нет такой страны: нужен код ISO 3166-1 из двух латинских букв, например CN'],
    ] as const) {
      for (const [who, list] of [[customer, '/api/requests'], [agent, '/api/agent/requests']] as const) {
        const response = await who.get(`${list}?${query}`);
        expect(response.status, `${list}?${query}`).toBe(400);
        expect(response.body.fields, `${list}?${query}`).toEqual({ [field]: message });
        expect(response.body.fieldCodes[field].code).toBe(`filter.${field}`);
      }
    }
    const usd = await customer.get('/api/requests?currency=USD&country=CN');
    expect(usd.status).toBe(200);
  });

  it('an unknown address answers in our words with a code; a known one asked with another method is a 405 naming the methods', async () => {
    setApiLocale('en');
    try {
      for (const [method, path] of [['GET', '/api/nope'], ['POST', '/api/requests/1/nope'], ['GET', '/api'], ['DELETE', '/nope.php']] as const) {
        const response = await customer.request(method, path);
        expect(response.status, path).toBe(404);
        expect(response.body, path).toEqual({ error: 'Такого адреса в API нет: проверьте путь запроса', code: { code: 'request.notFound' } });
        expect(serverText(response.body.error, response.body.code)).toBe('The API has no such address: check the request path');
      }
      const wrong = await customer.request('DELETE', '/api/search?q=x');
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('GET, HEAD');
      expect(wrong.body).toEqual({
        error: 'Метод DELETE по этому адресу не принимается: допустимы GET, HEAD',
        code: { code: 'request.methodNotAllowed', params: { method: 'DELETE', allowed: 'GET, HEAD' } },
      });
      expect(serverText(wrong.body.error, wrong.body.code)).toBe('Method DELETE is not accepted at this address: allowed are GET, HEAD');
      const put = await customer.request('PUT', `/api/requests/${requestId}/messages`, {});
      expect(put.status).toBe(405);
      expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    } finally {
      setApiLocale('ru');
    }
  });

  it('the operations routes refuse an unknown query parameter too; probes without one still answer', async () => {
    for (const path of ['/api/meta?x=1', '/readyz?x=1', '/healthz?x=1', '/api/meta?x=1&x=2']) {
      const response = await customer.get(path);
      expect(response.status, path).toBe(400);
      expect(Object.keys(response.body.fields), path).toEqual(['x']);
      expect(response.body.code, path).toBeTruthy();
    }
    expect((await customer.get('/readyz')).body).toMatchObject({ status: 'ready' });
    expect((await customer.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await customer.get('/api/meta')).status).toBe(200);
  });
});
