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
});
