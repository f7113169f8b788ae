/**
 * Issue 16.8, 16.14 and 16.18: one validation per field at the boundary,
 * the same in every channel. Bad input answers 400 with a reason (never a
 * 500), an ambiguous number is refused showing both readings, and a client's
 * Telegram text with a NUL is kept (the NUL shown as U+FFFD), not dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { messages } from '../../src/db/schema.js';
import { ApiClient, validRequest } from '../helpers/app.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';

let t: TelegramWorld;
let admin: ApiClient;
let customer: ApiClient;
let organizationId: number;

/** Text with no-break spaces (Russian digit groups) as plain ones. */
const plain = (text: string | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');
const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  t = await startTelegramWorld();
  admin = new ApiClient(t.hotline.url);
  expect((await admin.signIn('admin@test.local', 'admin-password-123')).status).toBe(200);
  const organization = await admin.post('/api/admin/organizations', { name: 'ООО Проверка', kind: 'customer' });
  expect(organization.status).toBe(200);
  organizationId = organization.body.id;
  const created = await admin.post('/api/admin/users', { organizationId, role: 'customer', email: 'check@test.local', name: 'Клиент Проверка', password: 'password-123456' });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  customer = new ApiClient(t.hotline.url);
  expect((await customer.signIn('check@test.local', 'password-123456')).status).toBe(200);
});
afterAll(async () => {
  await t?.stop();
});

describe('numbers two locales read differently (16.8)', () => {
  it.each([
    ['100,000', '100 000 или 100'],
    ['1,500', '1 500 или 1,5'],
    ['1.500', '1 500 или 1,5'],
  ])('the request form refuses amount «%s», showing both readings; nothing is stored', async (amount, readings) => {
    const before = (await customer.get('/api/requests')).body.items.length;
    const response = await customer.post('/api/requests', validRequest({ amount }));
    expect(response.status).toBe(400);
    expect(plain(response.body.fields.amount)).toContain(readings);
    expect(response.body.fields.amount).toContain('можно понять двояко');
    expect(response.body.fieldCodes.amount.code).toBe('decimal.ambiguous');
    expect((await customer.get('/api/requests')).body.items.length).toBe(before);
  });

  it('an unambiguous amount is stored exactly', async () => {
    const response = await customer.post('/api/requests', validRequest({ amount: '100 000,50' }));
    expect(response.status).toBe(200);
    const page = await customer.get(`/api/requests/${response.body.id}`);
    expect(JSON.stringify(page.body)).toContain('100000.50');
  });
});

describe('bad input answers 400 with a reason (16.14)', () => {
  it.each([
    ['a cursor that is not ours', () => customer.get(`/api/requests?cursor=${cursor(['yesterday', 1])}`), 'cursor'],
    ['a cursor that is not JSON', () => customer.get('/api/requests?cursor=abc'), 'cursor'],
    ['a date before the app’s range', () => customer.get(`/api/requests?from=${encodeURIComponent('-200000-01-01T00:00:00Z')}`), 'from'],
    ['a date after the app’s range', () => customer.get('/api/requests?to=9999-01-01'), 'to'],
    ['a date that does not exist', () => customer.get('/api/requests?from=2026-02-30'), 'from'],
    ['NUL in an autocomplete query', () => customer.get('/api/reference/beneficiaries?q=%00'), 'q'],
    ['NUL in a form field', () => customer.post('/api/requests', validRequest({ purpose: 'Оплата\u0000' })), 'purpose'],
    ['NUL in a nested form field', () => customer.post('/api/requests', validRequest({ payer: { name: 'ООО\u0000', inn: '7707083893', kpp: '773601001' } })), 'payer.name'],
  ] as const)('%s', async (_name, call, field) => {
    const response = await call();
    expect(response.status).toBe(400);
    expect(typeof response.body.error).toBe('string');
    expect(Object.keys(response.body.fields ?? {})).toContain(field);
  });

  it('PATCH /api/admin/users/:id {} says what is missing', async () => {
    const users = (await admin.get('/api/admin/users')).body as Array<{ id: number; email: string }>;
    const target = users.find((u) => u.email === 'check@test.local')!;
    const response = await admin.patch(`/api/admin/users/${target.id}`, {});
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/Укажите, что изменить/);
  });

  it('a new user with a Telegram ID another user already has: 400 naming the field, nothing created', async () => {
    const organizationId = ((await admin.get('/api/admin/organizations')).body as Array<{ id: number; isOurs: boolean }>).find((o) => o.isOurs)!.id;
    const first = await admin.post('/api/admin/users', { organizationId, role: 'manager', email: 'tg-first@test.local', name: 'Первый', password: 'password-123456', telegramUserId: 5550001 });
    expect(first.status).toBe(200);
    const second = await admin.post('/api/admin/users', { organizationId, role: 'manager', email: 'tg-second@test.local', name: 'Второй', password: 'password-123456', telegramUserId: 5550001 });
    expect(second.status).toBe(400);
    expect(second.body.fields.telegramUserId).toContain('Первый');
    const emails = ((await admin.get('/api/admin/users')).body as Array<{ email: string }>).map((u) => u.email);
    expect(emails).not.toContain('tg-second@test.local');
  });
});

describe('one rule per field, in every channel (16.18)', () => {
  it('the web form takes deadlines within the two years the Telegram /deadline command allows', async () => {
    const far = await customer.post('/api/requests', validRequest({ deadline: '9999-12-31' }));
    expect(far.status).toBe(400);
    expect(far.body.fields.deadline).toMatch(/не позже чем через 2 года/);
    const past = await customer.post('/api/requests', validRequest({ deadline: '2020-01-01' }));
    expect(past.body.fields.deadline).toMatch(/уже прошла/);
    const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    expect((await customer.post('/api/requests', validRequest({ deadline: inAYear }))).status).toBe(200);
  });

  it('contract and invoice dates in year 1 (or any year PostgreSQL cannot hold) are refused with a reason', async () => {
    for (const contractDate of ['0001-01-01', '1899-12-31']) {
      const response = await customer.post('/api/requests', validRequest({ documents: { contractNumber: 'C-1', contractDate } }));
      expect(response.status, contractDate).toBe(400);
      expect(response.body.fields['documents.contractDate']).toMatch(/раньше 1990/);
    }
    const future = await customer.post('/api/requests', validRequest({ documents: { invoiceNumber: 'I', invoiceDate: '2999-01-01' } }));
    expect(future.body.fields['documents.invoiceDate']).toMatch(/в будущем/);
  });

  it('a password can be set only as long as it can be used to sign in; user names have a limit', async () => {
    const tooLong = await admin.post('/api/admin/users', { organizationId, role: 'customer', email: 'long@test.local', name: 'Длинный', password: 'p'.repeat(1001) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.fields.password).toMatch(/не длиннее 1000/);
    const longest = await admin.post('/api/admin/users', { organizationId, role: 'customer', email: 'long@test.local', name: 'Длинный', password: 'p'.repeat(1000) });
    expect(longest.status).toBe(200);
    expect((await new ApiClient(t.hotline.url).signIn('long@test.local', 'p'.repeat(1000))).status).toBe(200);
    const reset = await admin.patch(`/api/admin/users/${longest.body.id}`, { password: 'q'.repeat(1001) });
    expect(reset.status).toBe(400);
    expect(reset.body.fields.password).toMatch(/не длиннее 1000/);

    const named = await admin.post('/api/admin/users', { organizationId, role: 'customer', email: 'named@test.local', name: 'Я'.repeat(201), password: 'password-123456' });
    expect(named.status).toBe(400);
    expect(named.body.fields.name).toMatch(/не длиннее 200/);
    const renamed = await admin.patch(`/api/admin/users/${longest.body.id}`, { name: 'Я'.repeat(201) });
    expect(renamed.status).toBe(400);
  });

  it("a client's Telegram text with a NUL is relayed and stored, the NUL stored as U+FFFD", async () => {
    const client = await t.newClient('Нуль');
    await t.control.sendMessage({ from: client.id, text: 'Счёт\u0000 №5' });
    // The managers get the client's message (copied by Telegram as it was sent)…
    const topic = await t.waitForTopic(client, { textIncludes: '№5' });
    expect(visible(topic).some((m) => m.text?.startsWith('Счёт') && m.text.endsWith(' №5'))).toBe(true);
    // …and Hotline keeps it, the NUL stored as U+FFFD.
    const stored = await t.hotline.database().db.select({ text: messages.text }).from(messages).where(eq(messages.text, 'Счёт\uFFFD №5'));
    expect(stored).toHaveLength(1);
  });
});

describe('a refused request says what is wrong, in our words, and changes nothing (outside check of issue 20)', () => {
  const raw = (client: ApiClient, method: string, path: string, body: string | undefined, contentType: string | undefined) =>
    fetch(t.hotline.url + path, {
      method,
      headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as { error: string; code?: { code: string } } }));

  it("Fastify's own refusals of a body come in Russian with a code, never its English", async () => {
    const broken = await raw(customer, 'POST', '/api/requests', '{"amount": ', 'application/json');
    expect(broken).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^Тело запроса — не JSON/), code: { code: 'request.invalidJson' } } });
    const empty = await raw(customer, 'POST', '/api/requests', '', 'application/json');
    expect(empty).toMatchObject({ status: 400, body: { code: { code: 'request.emptyJson' } } });
    const xml = await raw(customer, 'POST', '/api/requests', '<request/>', 'text/xml');
    expect(xml).toMatchObject({ status: 415, body: { code: { code: 'request.mediaType' } } });
    for (const answer of [broken, empty, xml]) expect(answer.body.error).not.toMatch(/[A-Za-z]{4,} (is|cannot|Media)/);
  });

  it('a field of the wrong type, a bound the schema excludes, a key named __proto__: a message beside the field', async () => {
    const typed = await customer.post('/api/requests', { ...validRequest(), amount: [1], comment: 5 });
    expect(typed.status).toBe(400);
    expect(typed.body.fields).toMatchObject({ comment: 'Нужен текст' });
    const offer = await customer.post('/api/requests/1/offers', { rate: '90', feePercent: '1', fixedFee: '0', days: '2', dealFromMessageId: 0 });
    expect(offer.status).toBe(400);
    // «.positive()»: 0 itself is refused, so the message may not say «at least 0».
    expect(offer.body.fields.dealFromMessageId).toBe('Число больше 0');
    expect(offer.body.fieldCodes.dealFromMessageId).toEqual({ code: 'form.numberAbove', params: { min: '0' } });
    const proto = await customer.get('/api/search?q=договор&__proto__=1');
    expect(proto.status).toBe(400);
    // Named beside the key (a literal `{ __proto__: … }` would set a prototype, so the key is checked by name).
    expect(Object.keys(proto.body.fields)).toEqual(['__proto__']);
    expect(proto.body.fields.__proto__).toBe('Неизвестное поле: уберите его');
    const huge = await customer.get('/api/search?q=договор&limit=99999999999999999');
    expect(huge.body.fields.limit).toBe('Число не больше 50');
    const exclusionsOnly = await customer.get('/api/search?q=-договор');
    expect(exclusionsOnly.status).toBe(400);
    expect(exclusionsOnly.body.fields.q).toMatch(/^Добавьте слово, которое нужно найти/);
  });
});
