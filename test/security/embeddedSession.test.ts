/**
 * Issue 16.2: on the embedded database (PGlite behind pglite-socket) one bad
 * request must not poison the one PostgreSQL session every connection
 * shares. Before the fix, a NUL byte in the sign-in e-mail made pg-pool drop
 * its only connection; the replacement met the old connection's named
 * prepared statements and every signed-in call and the outbox failed with
 * 42P05 until a restart.
 *
 * A battery of bad inputs goes through the HTTP API (signed out and signed
 * in); each answers 4xx with a reason. Then the platform and the relay still
 * work: a page loads, a request is created, a client's message reaches the
 * managers' topic and a manager's reply reaches the client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type ApiResponse } from '../helpers/app.js';
import { testDatabase } from '../helpers/database.js';
import { startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';
import { validRequest } from '../helpers/app.js';

let t: TelegramWorld;
let customer: ApiClient;

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  t = await startTelegramWorld({ database: await testDatabase({ forceEmbedded: true }) });
  const admin = new ApiClient(t.hotline.url);
  expect((await admin.signIn('admin@test.local', 'admin-password-123')).status).toBe(200);
  customer = admin;
  // Warm the relay's named statements, as a running system has them.
  const first = await t.newClient('Первый');
  await t.control.sendMessage({ from: first.id, text: 'Здравствуйте' });
  await t.waitForTopic(first, { textIncludes: 'Здравствуйте' });
});
afterAll(async () => {
  await t?.stop();
  await t?.database.cleanup();
});

describe('bad inputs on the embedded database', () => {
  it('are refused with a reason, and the platform and the relay keep working', async () => {
    expect(t.hotline.database().embedded).toBe(true);

    const stranger = new ApiClient(t.hotline.url);
    const unauthenticated: Array<[string, () => Promise<ApiResponse>]> = [
      ['NUL in the sign-in e-mail', () => stranger.post('/api/auth/sign-in', { email: 'a\u0000@b.c', password: 'x' })],
      ['NUL in the sign-in password', () => stranger.post('/api/auth/sign-in', { email: 'a@b.c', password: 'x\u0000y' })],
      ['NUL in a link token', () => stranger.post('/api/auth/link', { token: 'abc\u0000' })],
    ];
    const signedIn: Array<[string, () => Promise<ApiResponse>]> = [
      ['a cursor that is not a date', () => customer.get(`/api/requests?cursor=${cursor(['not a date', 1])}`)],
      ['a cursor that is not a number (amount sort)', () => customer.get(`/api/requests?sort=amountDesc&cursor=${cursor(['12abc', 1])}`)],
      ['a cursor with a huge id', () => customer.get(`/api/requests?cursor=${cursor([new Date().toISOString(), 1e300])}`)],
      ['a cursor that is not base64 JSON', () => customer.get('/api/requests?cursor=%%%')],
      ['a date before PostgreSQL’s range', () => customer.get(`/api/requests?from=${encodeURIComponent('-200000-01-01T00:00:00Z')}`)],
      ['a date after PostgreSQL’s range', () => customer.get(`/api/requests?to=${encodeURIComponent('+275000-01-01T00:00:00Z')}`)],
      ['%00 in an autocomplete query', () => customer.get('/api/reference/beneficiaries?q=%00')],
      ['%00 in the payers autocomplete', () => customer.get('/api/reference/payers?q=a%00b')],
      ['%00 in a list filter', () => customer.get('/api/requests?currency=%00')],
      ['a dialog id past bigint', () => customer.get('/api/reference/beneficiaries?dialogId=99999999999999999999')],
      ['a request with a NUL in the purpose', () => customer.post('/api/requests', validRequest({ purpose: 'Оплата\u0000' }))],
      ['a request with a deadline in year 9999', () => customer.post('/api/requests', validRequest({ deadline: '9999-12-31' }))],
      ['a request with a contract in year 1', () => customer.post('/api/requests', validRequest({ documents: { contractNumber: 'C', contractDate: '0001-01-01' } }))],
      ['an empty admin user change', () => customer.patch('/api/admin/users/1', {})],
    ];
    for (const [name, call] of [...unauthenticated, ...signedIn]) {
      const response = await call();
      expect(response.status, name).toBeGreaterThanOrEqual(400);
      expect(response.status, name).toBeLessThan(500);
      expect(typeof response.body?.error, name).toBe('string');
    }

    // The platform: a signed-in page and a write still work.
    expect((await customer.get('/api/requests')).status).toBe(200);
    expect((await customer.get('/api/reference/beneficiaries?q=Shen')).status).toBe(200);
    const created = await customer.post('/api/requests', validRequest());
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect((await customer.get(`/api/requests/${created.body.id}`)).status).toBe(200);

    // The relay: a new client's message reaches the managers, a manager's reply reaches the client (the outbox).
    const client = await t.newClient('После');
    await t.control.sendMessage({ from: client.id, text: 'Сообщение после атаки' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Сообщение после атаки' });
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Ответ менеджера' });
    const privateChat = await t.control.waitFor({ chat_id: client.id, text_includes: 'Ответ менеджера' });
    expect(privateChat.messages.some((m) => m.text === 'Ответ менеджера')).toBe(true);
  });

  it('a query that fails in SQL drops no named statement of the relay (the session is reset for the new connection)', async () => {
    // Any failure in SQL, whatever its cause: pg-pool drops the connection
    // and opens a new one to the same PGlite session.
    const { pool } = t.hotline.database();
    for (const [text, values] of [
      ['select $1::text', ['a\u0000b']],
      ['select $1::int', ['abc']],
      ['select $1::timestamptz', ['-300000-01-01']],
    ] as const) {
      await expect(pool.query(text, [...values])).rejects.toThrow();
    }
    expect((await customer.get('/api/requests')).status).toBe(200);
    const client = await t.newClient('Ещё');
    await t.control.sendMessage({ from: client.id, text: 'После ошибок в SQL' });
    const topic = await t.waitForTopic(client, { textIncludes: 'После ошибок в SQL' });
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Ответ после ошибок' });
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Ответ после ошибок' });
  });
});
