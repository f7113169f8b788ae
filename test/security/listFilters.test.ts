/**
 * Issue 16.14/16.18: list filters, paging parameters and path ids are checked
 * at the boundary. A bad value answers 400 with a reason naming the field —
 * never a 200 with the unfiltered list, never a 500 — and a valid value still
 * filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients, dialogs } from '../../src/db/schema.js';
import { startTestApp, validRequest, type ApiClient, type TestApp } from '../helpers/app.js';

let app: TestApp;
let customer: ApiClient;
let agent: ApiClient;
let manager: ApiClient;
let smallId: number;
let largeId: number;

beforeAll(async () => {
  app = await startTestApp();
  customer = await app.signIn(await app.addUser({ role: 'customer', organization: 'ООО Фильтры' }));
  agent = await app.signIn(await app.addUser({ role: 'agent', organization: 'Агент Фильтры' }));
  manager = await app.signIn(await app.addUser({ role: 'manager' }));
  const small = await customer.post('/api/requests', validRequest({ amount: '1000' }));
  const large = await customer.post('/api/requests', validRequest({ amount: '50000' }));
  expect(small.status, JSON.stringify(small.body)).toBe(200);
  expect(large.status, JSON.stringify(large.body)).toBe(200);
  smallId = small.body.id;
  largeId = large.body.id;
  // One Telegram dialog whose last message is in 2026, for the dialogs list's `before`.
  const [client] = await app.ctx.database.db.insert(clients).values({ telegramUserId: 777001, firstName: 'Клиент' }).returning({ id: clients.id });
  await app.ctx.database.db.insert(dialogs).values({ clientId: client!.id, managersChatId: -100777, lastMessageAt: new Date('2026-06-01T10:00:00Z') });
});
afterAll(async () => {
  await app?.stop();
});

const ids = (body: { items: Array<{ id: number }> }) => body.items.map((item) => item.id);

describe('money filters of the request lists', () => {
  it.each(['NaN', '1e400', '-1', '99999999999999999999'])('GET /api/requests?amountMin=%s is a 400 naming amountMin; a valid amountMin still filters', async (value) => {
    const bad = await customer.get(`/api/requests?amountMin=${encodeURIComponent(value)}`);
    expect(bad.status).toBe(400);
    expect(bad.body.fields.amountMin).toMatch(/Сумма/);
    const good = await customer.get('/api/requests?amountMin=10000');
    expect(good.status).toBe(200);
    expect(ids(good.body)).toEqual([largeId]);
  });

  it.each(['NaN', '1e400', '-1', '99999999999999999999'])('GET /api/requests?amountMax=%s is a 400 naming amountMax; a valid amountMax still filters', async (value) => {
    const bad = await customer.get(`/api/requests?amountMax=${encodeURIComponent(value)}`);
    expect(bad.status).toBe(400);
    expect(bad.body.fields.amountMax).toMatch(/Сумма/);
    const good = await customer.get('/api/requests?amountMax=10000.50');
    expect(good.status).toBe(200);
    expect(ids(good.body)).toEqual([smallId]);
  });

  it('the agent list refuses the same bad amounts and a hex limit, and filters by a valid one', async () => {
    for (const query of ['amountMin=NaN', 'amountMax=1e400', 'amountMin=-1', 'amountMax=99999999999999999999', 'limit=0x10', 'limit=1e1']) {
      const bad = await agent.get(`/api/agent/requests?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.error, query).toBeTruthy();
    }
    const all = await agent.get('/api/agent/requests');
    expect(all.status).toBe(200);
    expect(ids(all.body)).toEqual(expect.arrayContaining([smallId, largeId]));
    const good = await agent.get('/api/agent/requests?amountMin=10000');
    expect(good.status).toBe(200);
    expect(ids(good.body)).toContain(largeId);
    expect(ids(good.body)).not.toContain(smallId);
  });

  it('a refused amount filter names its field by a key the English page translates, not a Russian literal', async () => {
    const bad = await customer.get('/api/requests?amountMax=-1');
    expect(bad.status).toBe(400);
    expect(bad.body.fieldCodes.amountMax.params.field).toBe('@field.amountMax');
  });

  it('a range that holds nothing (amountMin above amountMax, from after to) is a 400 naming its start on both lists, not an empty list; a range of one value still finds it', async () => {
    for (const [who, list] of [[customer, '/api/requests'], [agent, '/api/agent/requests']] as const) {
      const amounts = await who.get(`${list}?amountMin=10&amountMax=1`);
      expect(amounts.status, list).toBe(400);
      expect(amounts.body.fields, list).toEqual({ amountMin: 'Сумма «от» больше суммы «до»' });
      expect(amounts.body.fieldCodes.amountMin, list).toEqual({ code: 'list.amountMinAboveMax' });
      const dates = await who.get(`${list}?from=2026-03-01&to=2026-01-01`);
      expect(dates.status, list).toBe(400);
      expect(dates.body.fields, list).toEqual({ from: 'Дата «с» позже даты «по»' });
      expect(dates.body.fieldCodes.from, list).toEqual({ code: 'insight.fromAfterTo' });
      const one = await who.get(`${list}?amountMin=1000&amountMax=1000`);
      expect(one.status, list).toBe(200);
      expect(ids(one.body), list).toContain(smallId);
      expect(ids(one.body), list).not.toContain(largeId);
    }
  });

  it('a limit written in hex or with an exponent is a 400; a decimal one still limits', async () => {
    expect((await customer.get('/api/requests?limit=0x1')).status).toBe(400);
    expect((await customer.get('/api/requests?limit=1e0')).status).toBe(400);
    const good = await customer.get('/api/requests?limit=1');
    expect(good.status).toBe(200);
    expect(good.body.items).toHaveLength(1);
  });
});

describe('paging parameters', () => {
  it('GET /api/dialogs?cursor=garbage is a 400 naming cursor; a valid `before` still pages', async () => {
    const bad = await manager.get('/api/dialogs?cursor=garbage');
    expect(bad.status).toBe(400);
    expect(bad.body.fields.cursor).toBeTruthy();
    const badBefore = await manager.get('/api/dialogs?before=garbage');
    expect(badBefore.status).toBe(400);
    expect(badBefore.body.fields.before).toMatch(/ГГГГ-ММ-ДД/);
    expect((await manager.get('/api/dialogs')).body.items).toHaveLength(1);
    const earlier = await manager.get('/api/dialogs?before=2026-01-01');
    expect(earlier.status).toBe(200);
    expect(earlier.body.items).toHaveLength(0);
    expect((await manager.get('/api/dialogs?before=2027-01-01')).body.items).toHaveLength(1);
  });

  it('GET /api/requests/:id/messages?before=abc is a 400 (the chat pages by limit only); a valid limit still answers', async () => {
    const bad = await customer.get(`/api/requests/${smallId}/messages?before=abc`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBeTruthy();
    expect((await customer.get(`/api/requests/${smallId}/messages?limit=0x10`)).status).toBe(400);
    const good = await customer.get(`/api/requests/${smallId}/messages?limit=10`);
    expect(good.status).toBe(200);
    expect(Array.isArray(good.body)).toBe(true);
  });
});

describe('path ids are plain decimal digits', () => {
  it.each(['0x10', '1e3', '1.0', '+1', '-1', ' 1'])('GET /api/requests/%s is a 400 naming id, not another request', async (value) => {
    const bad = await customer.get(`/api/requests/${encodeURIComponent(value)}`);
    expect(bad.status).toBe(400);
    expect(bad.body.fields.id).toBeTruthy();
  });

  it('the same id in decimal digits still opens the request', async () => {
    const good = await customer.get(`/api/requests/${smallId}`);
    expect(good.status).toBe(200);
    expect(good.body.id ?? good.body.request?.id).toBe(smallId);
  });

  it('ids of other routes (chat, offers) refuse hex and exponents too', async () => {
    expect((await customer.get('/api/requests/0x1/messages')).status).toBe(400);
    expect((await agent.post('/api/requests/1e0/offers', {})).status).toBe(400);
  });
});
