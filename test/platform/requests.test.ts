/**
 * Requests and offers through the API, as customers and agents of different
 * organizations: every access rule (what one may not see answers 404),
 * validation messages beside their fields, the offer → accept flow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, validOffer, validRequest, type ApiClient, type TestApp, type TestUser } from '../helpers/app.js';
import { createRequest } from '../../src/commands/createRequest.js';
import { eq } from 'drizzle-orm';
import { clients, dialogs, messages, offers, requestMessages, requests } from '../../src/db/schema.js';

let app: TestApp;
let customer: TestUser;
let otherCustomer: TestUser;
let agentA: TestUser;
let agentB: TestUser;
let agentC: TestUser;
let manager: TestUser;
let asCustomer: ApiClient;
let asOtherCustomer: ApiClient;
let asAgentA: ApiClient;
let asAgentB: ApiClient;
let asAgentC: ApiClient;
let asManager: ApiClient;

beforeAll(async () => {
  app = await startTestApp();
  customer = await app.addUser({ role: 'customer', organization: 'ООО Заказчик', name: 'Ирина Заказчик' });
  otherCustomer = await app.addUser({ role: 'customer', organization: 'ООО Другой заказчик' });
  agentA = await app.addUser({ role: 'agent', organization: 'Агент А', name: 'Антон Агент' });
  agentB = await app.addUser({ role: 'agent', organization: 'Агент Б' });
  agentC = await app.addUser({ role: 'agent', organization: 'Агент В' });
  manager = await app.addUser({ role: 'manager' });
  [asCustomer, asOtherCustomer, asAgentA, asAgentB, asAgentC, asManager] = (await Promise.all(
    [customer, otherCustomer, agentA, agentB, agentC, manager].map((user) => app.signIn(user)),
  )) as [ApiClient, ApiClient, ApiClient, ApiClient, ApiClient, ApiClient];
});
afterAll(async () => {
  await app?.stop();
});

async function newRequest(client = asCustomer, overrides: Record<string, unknown> = {}): Promise<number> {
  const response = await client.post('/api/requests', validRequest(overrides));
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.id;
}

describe('request form validation', () => {
  it('an empty form names every required field in Russian', async () => {
    const response = await asCustomer.post('/api/requests', {
      amount: '',
      currency: '',
      beneficiary: { name: '', country: '' },
      purpose: '',
      payer: { name: '', inn: '' },
    });
    expect(response.status).toBe(400);
    expect(response.body.fields).toMatchObject({
      amount: expect.stringMatching(/Сумма/),
      currency: 'Выберите валюту платежа',
      'beneficiary.name': 'Укажите получателя',
      'beneficiary.country': 'Выберите страну получателя',
      'beneficiary.swift': 'Укажите SWIFT/BIC банка получателя',
      'beneficiary.account': 'Укажите счёт или IBAN получателя',
      purpose: 'Укажите назначение платежа',
      'payer.name': 'Укажите плательщика',
      'payer.inn': expect.stringMatching(/ИНН/),
    });
  });

  it.each([
    ['amount', { amount: '-5' }, /Сумма/],
    ['amount', { amount: '0' }, /больше нуля/],
    ['amount', { amount: '12.345' }, /2 знаков после запятой/],
    ['amount', { amount: 'abc' }, /Сумма/],
    ['amount', { amount: '1000000000001' }, /не больше/],
    ['currency', { currency: 'ZZZ' }, /Нет такой валюты/],
    ['fundingCurrency', { fundingCurrency: 'QQQ' }, /Нет такой валюты/],
    ['beneficiary.country', { beneficiary: { ...validRequest().beneficiary, country: 'QQ' } }, /страны/],
    ['beneficiary.swift', { beneficiary: { ...validRequest().beneficiary, swift: 'BKCH' } }, /SWIFT\/BIC — 8 или 11/],
    ['beneficiary.account', { currency: 'EUR', beneficiary: { ...validRequest().beneficiary, country: 'DE', cnaps: '', account: 'DE89370400440532013001' } }, /IBAN не сходится/],
    ['beneficiary.cnaps', { beneficiary: { ...validRequest().beneficiary, cnaps: '' } }, /CNAPS/],
    ['beneficiary.cnaps', { beneficiary: { ...validRequest().beneficiary, cnaps: '12345' } }, /CNAPS — 12 цифр/],
    ['payer.inn', { payer: { name: 'ООО', inn: '7707083894', kpp: '773601001' } }, /контрольной сумме/],
    ['payer.kpp', { payer: { name: 'ООО', inn: '7707083893', kpp: '77' } }, /КПП/],
    ['payer.kpp', { payer: { name: 'ООО', inn: '7707083893' } }, /КПП/],
    ['deadline', { deadline: '2020-01-01' }, /уже прошла/],
    ['deadline', { deadline: 'завтра' }, /ГГГГ-ММ-ДД/],
    ['documents.contractDate', { documents: { contractDate: '2999-01-01' } }, /в будущем/],
    // What the page sends when a typed date is no date (DateField keepTyped).
    ['documents.contractDate', { documents: { contractDate: '31.02.2026' } }, /^Дата в формате ГГГГ-ММ-ДД$/],
    ['documents.invoiceDate', { documents: { invoiceDate: '2026-02-31' } }, /^Такого дня в календаре нет/],
    ['documents.contractDate', { documents: { contractDate: '2026-13-45' } }, /^Такого дня в календаре нет/],
    ['deadline', { deadline: '31.02.2026' }, /^Такой даты нет/],
    ['purpose', { purpose: 'x'.repeat(501) }, /500/],
    ['beneficiary.address', { beneficiary: { ...validRequest().beneficiary, address: 'x'.repeat(301) } }, /300/],
    ['payer.name', { payer: { name: 'x'.repeat(301), inn: '7707083893', kpp: '773601001' } }, /300/],
  ])('%s: %j → a message beside the field', async (field, overrides, message) => {
    const response = await asCustomer.post('/api/requests', validRequest(overrides));
    expect(response.status).toBe(400);
    expect(response.body.fields[field]).toMatch(message);
  });

  it('a valid IBAN passes; amounts keep their decimals exactly', async () => {
    const id = await newRequest(asCustomer, {
      amount: '1 225 000,55',
      currency: 'EUR',
      beneficiary: { name: 'Muster GmbH', country: 'DE', swift: 'COBADEFFXXX', account: 'DE89 3704 0044 0532 0130 00' },
    });
    const page = await asCustomer.get(`/api/requests/${id}`);
    expect(page.body.request.amount).toBe('1225000.55');
    expect(page.body.request.beneficiary.account).toBe('DE89370400440532013000');
  });

  it('an agent cannot create requests (403)', async () => {
    const response = await asAgentA.post('/api/requests', validRequest());
    expect(response.status).toBe(403);
  });

  it('a malformed body is a 400 with fields, never a 500', async () => {
    const response = await asCustomer.post('/api/requests', { amount: { evil: true } });
    expect(response.status).toBe(400);
    expect(response.body.fields).toBeTypeOf('object');
  });
});

describe('offer form validation', () => {
  let requestId: number;
  beforeAll(async () => {
    requestId = await newRequest();
  });

  it.each([
    ['rate', { rate: '' }, /Курс не указан/],
    ['rate', { rate: '0' }, /больше нуля/],
    ['rate', { rate: '12.1234567' }, /6 знаков/],
    ['feePercent', { feePercent: '101' }, /не больше 100/],
    ['feePercent', { feePercent: '-1' }, /отрицательн/],
    ['fixedFee', { fixedFee: '1.001' }, /2 знаков/],
    ['days', { days: 400 }, /от 0 до 365/],
    ['days', { days: '1.5' }, /целым числом/],
    ['validUntil', { validUntil: '2020-01-01' }, /в будущем/],
    // What the page sends when a typed date is no date (DateField keepTyped): refused, not read by Date's own parser.
    ['validUntil', { validUntil: '31.02.2026' }, /^Дата в формате ГГГГ-ММ-ДД$/],
    ['validUntil', { validUntil: '1.1.27' }, /^Дата в формате ГГГГ-ММ-ДД$/],
    ['validUntil', { validUntil: '12/01/2027' }, /^Дата в формате ГГГГ-ММ-ДД$/],
    ['validUntil', { validUntil: '2027-02-31' }, /^Такого дня в календаре нет/],
    ['validUntil', { validUntil: '2027-02-29T12:00:00Z' }, /^Такого дня в календаре нет/],
  ])('%s: %j → a message beside the field', async (field, overrides, message) => {
    const response = await asAgentA.post(`/api/requests/${requestId}/offers`, validOffer(overrides));
    expect(response.status).toBe(400);
    expect(response.body.fields[field]).toMatch(message);
  });

  it('a date that is no date is refused beside its field with its code, and nothing is saved (request and offer)', async () => {
    const count = async () => ({
      requests: (await app.ctx.database.db.select({ id: requests.id }).from(requests)).length,
      offers: (await app.ctx.database.db.select({ id: offers.id }).from(offers)).length,
    });
    const before = await count();
    const request = await asCustomer.post('/api/requests', validRequest({ documents: { contractDate: '2026-02-31' }, deadline: '31.02.2027' }));
    expect(request.status).toBe(400);
    expect(request.body.fields).toEqual({ 'documents.contractDate': 'Такого дня в календаре нет — проверьте число и месяц', deadline: expect.stringMatching(/^Такой даты нет/) });
    expect(request.body.fieldCodes).toMatchObject({ 'documents.contractDate': { code: 'hours.noSuchDate' }, deadline: { code: 'deadline.noSuchDate' } });
    const offer = await asAgentA.post(`/api/requests/${requestId}/offers`, validOffer({ validUntil: '31.02.2027' }));
    expect(offer.status).toBe(400);
    expect(offer.body.fields).toEqual({ validUntil: 'Дата в формате ГГГГ-ММ-ДД' });
    expect(offer.body.fieldCodes).toEqual({ validUntil: { code: 'date.isoFormat' } });
    expect(await count()).toEqual(before);
  });

  it('a customer cannot make offers (403)', async () => {
    expect((await asOtherCustomer.post(`/api/requests/${requestId}/offers`, validOffer())).status).toBe(403);
  });
});

describe('customer → agents → accept', () => {
  let requestId: number;
  let offerA: number;
  let offerB: number;

  it('agents of other organizations see a new web request in their list; other customers do not', async () => {
    requestId = await newRequest();
    const list = await asAgentA.get('/api/agent/requests?limit=100');
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { id: number }) => r.id)).toContain(requestId);
    // A customer has no general list: refused with the reason, in Russian with its code for the page (not an empty list).
    const refused = await asOtherCustomer.get('/api/agent/requests');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'Общий список заявок видят только организации, которые делают предложения', code: { code: 'access.generalListOffersOnly' } });
    expect((await asOtherCustomer.get(`/api/requests/${requestId}`)).status).toBe(404);
    expect((await asOtherCustomer.get('/api/requests')).body.items.map((r: { id: number }) => r.id)).not.toContain(requestId);
  });

  it('an offer stores the total computed on the server (100 000 × 12.25 + 1.5 % + 500)', async () => {
    // A total of the agent's own is not taken: a key the API does not know is refused beside it.
    const forged = await asAgentA.post(`/api/requests/${requestId}/offers`, validOffer({ total: '1' }));
    expect(forged.status).toBe(400);
    expect(forged.body.fields).toEqual({ total: 'Неизвестное поле: уберите его' });
    const a = await asAgentA.post(`/api/requests/${requestId}/offers`, validOffer());
    expect(a.status).toBe(200);
    expect(a.body.total).toBe('1243875.00');
    offerA = a.body.id;
    const b = await asAgentB.post(`/api/requests/${requestId}/offers`, validOffer({ rate: '12.4', feePercent: '0', fixedFee: '0', days: 1 }));
    offerB = b.body.id;
    expect(b.body.total).toBe('1240000.00');
  });

  it('each agent sees only its own offer; the customer sees both side by side', async () => {
    const pageA = await asAgentA.get(`/api/requests/${requestId}`);
    expect(pageA.body.offers.map((o: { id: number }) => o.id)).toEqual([offerA]);
    expect(pageA.body.viewer).toMatchObject({ isCustomer: false, canAccept: false, canChat: false });
    const pageB = await asAgentB.get(`/api/requests/${requestId}`);
    expect(pageB.body.offers.map((o: { id: number }) => o.id)).toEqual([offerB]);
    const page = await asCustomer.get(`/api/requests/${requestId}`);
    expect(page.body.offers.map((o: { id: number }) => o.id)).toEqual([offerA, offerB]);
    expect(page.body.offers[0]).toMatchObject({ agentName: 'Агент А', base: '1225000.00', fee: '18375.00', fixedFee: '500.00', total: '1243875.00' });
  });

  it('a second offer of the same agent replaces its first', async () => {
    const again = await asAgentB.post(`/api/requests/${requestId}/offers`, validOffer({ rate: '12.3', feePercent: '0', fixedFee: '0', days: 1 }));
    const page = await asCustomer.get(`/api/requests/${requestId}`);
    const statuses = Object.fromEntries(page.body.offers.map((o: { id: number; status: string }) => [o.id, o.status]));
    expect(statuses).toEqual({ [offerA]: 'active', [offerB]: 'withdrawn', [again.body.id]: 'active' });
    offerB = again.body.id;
  });

  it('nobody but the customer can accept: another agent or another customer get 404, the offering agent 403', async () => {
    expect((await asAgentB.post(`/api/offers/${offerA}/accept`)).status).toBe(404);
    expect((await asAgentC.post(`/api/offers/${offerA}/accept`)).status).toBe(404);
    expect((await asOtherCustomer.post(`/api/offers/${offerA}/accept`)).status).toBe(404);
    expect((await asAgentA.post(`/api/offers/${offerA}/accept`)).status).toBe(403);
    expect((await asCustomer.post('/api/offers/999999/accept')).status).toBe(404);
  });

  it('the chat and documents are closed to agents before acceptance (404)', async () => {
    expect((await asAgentA.get(`/api/requests/${requestId}/messages`)).status).toBe(404);
    expect((await asAgentA.post(`/api/requests/${requestId}/messages`, { text: 'hi' })).status).toBe(404);
    expect((await asOtherCustomer.get(`/api/requests/${requestId}/messages`)).status).toBe(404);
    expect((await asCustomer.get(`/api/requests/${requestId}/messages`)).status).toBe(200);
  });

  it('the customer accepts offer A: the request is accepted with final terms, B is declined', async () => {
    const accepted = await asCustomer.post(`/api/offers/${offerA}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.declinedOfferIds).toEqual([offerB]);
    const page = await asCustomer.get(`/api/requests/${requestId}`);
    expect(page.body.request.status).toBe('accepted');
    expect(page.body.request.terms).toMatchObject({ rate: '12.25', total: '1243875.00', fee: '18375.00' });
    expect(page.body.offers.map((o: { status: string }) => o.status)).toEqual(['accepted', 'withdrawn', 'declined']);
    const again = await asCustomer.post(`/api/offers/${offerB}/accept`);
    expect(again.status).toBe(400);
  });

  it('the timeline says who changed what, old → new', async () => {
    const page = await asCustomer.get(`/api/requests/${requestId}`);
    const timeline = page.body.timeline as Array<{ name: string; actorName: string; before: any; after: any }>;
    expect(timeline[0]).toMatchObject({ name: 'request.created', actorName: 'Ирина Заказчик (ООО Заказчик)' });
    const status = timeline.find((e) => e.name === 'request.status');
    expect(status).toMatchObject({ before: { status: 'collecting_offers' }, after: { status: 'accepted', offerId: offerA } });
    expect(timeline.map((e) => e.name)).toEqual(expect.arrayContaining(['offer.created', 'offer.accepted', 'offer.declined', 'offer.withdrawn']));
  });

  it('after acceptance: the accepted agent enters the chat; the declined one sees the request but not the terms; others get 404', async () => {
    const pageA = await asAgentA.get(`/api/requests/${requestId}`);
    expect(pageA.body.viewer.canChat).toBe(true);
    expect(pageA.body.request.terms.total).toBe('1243875.00');
    const pageB = await asAgentB.get(`/api/requests/${requestId}`);
    expect(pageB.status).toBe(200);
    expect(pageB.body.request.terms).toBeNull();
    const statusEvent = pageB.body.timeline.find((e: { name: string }) => e.name === 'request.status');
    expect(statusEvent.after).toEqual({ status: 'accepted' });
    expect((await asAgentB.get(`/api/requests/${requestId}/messages`)).status).toBe(404);
    expect((await asAgentC.get(`/api/requests/${requestId}`)).status).toBe(404);
    expect((await asAgentC.get('/api/agent/requests?limit=100')).body.items.map((r: { id: number }) => r.id)).not.toContain(requestId);
    const mine = await asAgentB.get('/api/agent/requests?mine=1');
    expect(mine.body.items.map((r: { id: number }) => r.id)).toContain(requestId);
  });

  it('the chat: customer and accepted agent write, both read; text is stored as typed', async () => {
    expect((await asCustomer.post(`/api/requests/${requestId}/messages`, { text: '<b>Здравствуйте</b>' })).status).toBe(200);
    expect((await asAgentA.post(`/api/requests/${requestId}/messages`, { text: 'Добрый день' })).status).toBe(200);
    expect((await asAgentA.post(`/api/requests/${requestId}/messages`, { text: '   ' })).body.fields.text).toBe('Напишите сообщение');
    const chat = await asAgentA.get(`/api/requests/${requestId}/messages`);
    expect(chat.body.map((m: { authorName: string; text: string }) => [m.authorName, m.text])).toEqual([
      ['Ирина Заказчик', '<b>Здравствуйте</b>'],
      ['Антон Агент', 'Добрый день'],
    ]);
  });

  it('only the customer completes; a completed request cannot be cancelled', async () => {
    expect((await asAgentA.post(`/api/requests/${requestId}/status`, { action: 'complete' })).status).toBe(403);
    expect((await asAgentC.post(`/api/requests/${requestId}/status`, { action: 'complete' })).status).toBe(404);
    expect((await asCustomer.post(`/api/requests/${requestId}/status`, { action: 'complete' })).body.status).toBe('completed');
    const cancel = await asCustomer.post(`/api/requests/${requestId}/status`, { action: 'cancel' });
    expect(cancel.status).toBe(400);
    expect(cancel.body.error).toBe('Заявка уже завершена — отменить её нельзя');
  });

  it('ids that do not exist answer 404 like ids one may not see', async () => {
    expect((await asCustomer.get('/api/requests/987654321')).status).toBe(404);
    expect((await asAgentA.post('/api/requests/987654321/offers', validOffer())).status).toBe(404);
    expect((await asCustomer.get('/api/requests/abc')).status).toBe(400);
  });
});

describe('a request created from Telegram', () => {
  let hiddenId: number;

  beforeAll(async () => {
    const viewer = { ...manager };
    const created = await createRequest(app.ctx, { actor: viewer, origin: 'telegram', ...validRequest() } as never);
    hiddenId = created.id;
    expect(created.hidden).toBe(true);
  });

  it('is absent from every agent list and its page answers 404 to other agents', async () => {
    for (const client of [asAgentA, asAgentB, asAgentC]) {
      const list = await client.get('/api/agent/requests?limit=100');
      expect(list.body.items.map((r: { id: number }) => r.id)).not.toContain(hiddenId);
      expect((await client.get(`/api/requests/${hiddenId}`)).status).toBe(404);
      expect((await client.post(`/api/requests/${hiddenId}/offers`, validOffer())).status).toBe(404);
      expect((await client.get(`/api/requests/${hiddenId}/live`)).status).toBe(404);
    }
  });

  it('our manager (its customer) sees it and may offer on it', async () => {
    const page = await asManager.get(`/api/requests/${hiddenId}`);
    expect(page.status).toBe(200);
    expect(page.body.request).toMatchObject({ origin: 'telegram', hidden: true });
    expect((await asManager.post(`/api/requests/${hiddenId}/offers`, validOffer())).status).toBe(200);
  });
});

describe("the agents' list", () => {
  let ids: number[] = [];
  let agentsList: ApiClient;

  beforeAll(async () => {
    const lister = await app.addUser({ role: 'customer', organization: 'ООО Список' });
    const asLister = await app.signIn(lister);
    ids = [];
    for (let i = 1; i <= 25; i++) {
      ids.push(await newRequest(asLister, { amount: String(1000 * i), currency: i % 2 ? 'USD' : 'AED', beneficiary: { ...validRequest().beneficiary, country: i % 2 ? 'US' : 'AE', cnaps: '' } }));
    }
    agentsList = asAgentC;
  });

  it('pages by cursor, newest first, without repeats', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: number }>; nextCursor: string | null } } = await agentsList.get(`/api/agent/requests?limit=10&currency=USD${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((r) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const usd = ids.filter((_, i) => (i + 1) % 2 === 1);
    expect(seen).toEqual([...usd].reverse());
  });

  it('filters by country and amount range, sorts by amount', async () => {
    const response = await agentsList.get('/api/agent/requests?country=AE&amountMin=4000&amountMax=10000&sort=amountAsc');
    expect(response.body.items.map((r: { amount: string }) => r.amount)).toEqual(['4000.00', '6000.00', '8000.00', '10000.00']);
    const desc = await agentsList.get('/api/agent/requests?currency=AED&sort=amountDesc&limit=3');
    expect(desc.body.items.map((r: { amount: string }) => r.amount)).toEqual(['24000.00', '22000.00', '20000.00']);
    const next = await agentsList.get(`/api/agent/requests?currency=AED&sort=amountDesc&limit=3&cursor=${desc.body.nextCursor}`);
    expect(next.body.items.map((r: { amount: string }) => r.amount)).toEqual(['18000.00', '16000.00', '14000.00']);
  });

  it('filters by creation date', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await agentsList.get(`/api/agent/requests?from=${future}`)).body.items).toEqual([]);
    expect((await agentsList.get(`/api/agent/requests?to=${future}&limit=5`)).body.items).toHaveLength(5);
  });
});

describe('reference lists and autocomplete', () => {
  it('currencies start with the most used', async () => {
    const response = await asCustomer.get('/api/reference/currencies');
    expect(response.body.slice(0, 7).map((c: { code: string }) => c.code)).toEqual(['CNY', 'USD', 'EUR', 'AED', 'HKD', 'TRY', 'INR']);
    expect(response.body[0].name).toMatch(/юан/i);
  });

  it('countries have Russian names', async () => {
    const response = await asCustomer.get('/api/reference/countries');
    expect(response.body.find((c: { code: string }) => c.code === 'CN').name).toMatch(/Китай|КНР/);
  });

  it("known beneficiaries and payers are the organization's own", async () => {
    await newRequest(asCustomer, { beneficiary: { ...validRequest().beneficiary, name: 'Guangzhou Unique Supplier' } });
    const mine = await asCustomer.get('/api/reference/beneficiaries?q=unique');
    expect(mine.body).toHaveLength(1);
    expect(mine.body[0].details).toMatchObject({ swift: 'BKCHCNBJ', cnaps: '104584000003', country: 'CN' });
    expect((await asOtherCustomer.get('/api/reference/beneficiaries?q=unique')).body).toEqual([]);
    const payers = await asCustomer.get('/api/reference/payers?q=7707');
    expect(payers.body[0]).toMatchObject({ inn: '7707083893', kpp: '773601001' });
    expect((await asCustomer.get('/api/reference/beneficiaries?q=%25')).status).toBe(200);
  });

  it('a lookup for a dialog the viewer cannot see is 404 «Диалог не найден» (the rule of POST /api/requests {dialogId})', async () => {
    expect((await asManager.get('/api/reference/beneficiaries?q=Unique')).status).toBe(200);
    const missing = await asManager.get('/api/reference/beneficiaries?q=Unique&dialogId=999999');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('Диалог не найден');
    expect((await asManager.get('/api/reference/payers?dialogId=999999')).status).toBe(404);
    // A customer sees no dialogs at all: any dialogId is one they cannot see.
    expect((await asCustomer.get('/api/reference/payers')).status).toBe(200);
    const customers = await asCustomer.get('/api/reference/payers?dialogId=1');
    expect(customers.status).toBe(404);
    expect(customers.body.error).toBe('Диалог не найден');
    expect((await asCustomer.get('/api/reference/beneficiaries?dialogId=1')).status).toBe(404);
  });

  it('known payers are filtered by `q`: a part of the name, the start of the INN, a name with one wrong letter', async () => {
    await newRequest(asCustomer, { payer: { name: 'ООО «Лютик»', inn: '500100732259' } });
    const names = async (q: string) => {
      // No `q` at all for «every payer»: `?q=` with nothing is a 400 (src/platform/queryString.ts), as the form leaves it out.
      const response = await asCustomer.get(`/api/reference/payers${q ? `?q=${encodeURIComponent(q)}` : ''}`);
      expect(response.status, q).toBe(200);
      return response.body.map((p: { name: string }) => p.name);
    };
    // A name typed with no digits no longer lists every payer (its INN's «starts with» was «like '%'»).
    expect(await names('Лютик')).toEqual(['ООО «Лютик»']);
    expect(await names('ромашк')).toEqual(['ООО «Ромашка»']);
    expect(await names('5001')).toEqual(['ООО «Лютик»']);
    // One wrong letter, as the search finds payers' names (5 letters or more); a shorter guess finds nothing.
    expect(await names('Лютек')).toEqual(['ООО «Лютик»']);
    expect(await names('Ромошка')).toEqual(['ООО «Ромашка»']);
    expect(await names('Лтик')).toEqual([]);
    expect(await names('Незабудка')).toEqual([]);
    expect((await names('')).length).toBeGreaterThanOrEqual(2);
  });

  it("a request saved with another name for a known INN keeps its own name and does not rename the organization's payer", async () => {
    const first = await newRequest(asCustomer, { payer: { name: 'ООО «Ромашка»', inn: '7707083893', kpp: '773601001' } });
    const renamed = await newRequest(asCustomer, { payer: { name: 'ООО «Ромашка-Опечатка»', inn: '7707083893', kpp: '773601001' } });
    // The stored payer (the autocomplete every later form offers) is as it was.
    const stored = (await asCustomer.get('/api/reference/payers?q=7707083893')).body;
    expect(stored).toEqual([expect.objectContaining({ name: 'ООО «Ромашка»', inn: '7707083893', kpp: '773601001' })]);
    // Each request shows the payer as it was saved with it.
    expect((await asCustomer.get(`/api/requests/${renamed}`)).body.request.payer.name).toBe('ООО «Ромашка-Опечатка»');
    expect((await asCustomer.get(`/api/requests/${first}`)).body.request.payer.name).toBe('ООО «Ромашка»');
  });
});

describe('dialogs and admin pages', () => {
  it("a manager sees each dialog with its client, last message and open requests", async () => {
    const { db } = app.ctx.database;
    const [client] = await db.insert(clients).values({ telegramUserId: 900100, firstName: 'Ли', lastName: 'Вэй', username: 'liwei' }).returning();
    const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 77, lastMessageAt: new Date() }).returning();
    await db.insert(messages).values([
      { dialogId: dialog!.id, seq: 1, direction: 'in', text: 'Здравствуйте', sentAt: new Date(Date.now() - 1000) },
      { dialogId: dialog!.id, seq: 2, direction: 'in', text: 'Нужно оплатить инвойс', sentAt: new Date() },
    ]);
    const request = await createRequest(app.ctx, { actor: manager, dialogId: dialog!.id, ...validRequest() } as never);
    const response = await asManager.get('/api/dialogs');
    expect(response.body.items[0]).toMatchObject({
      id: dialog!.id,
      clientName: 'Ли Вэй',
      clientUsername: 'liwei',
      lastMessageText: 'Нужно оплатить инвойс',
      openRequests: [{ id: request.id, number: request.number, status: 'collecting_offers' }],
    });
    // The deal flow copies dialog messages into the request's chat; they merge with platform posts in time order.
    const copied = await db.select({ id: messages.id, sentAt: messages.sentAt }).from(messages).where(eq(messages.dialogId, dialog!.id));
    await db.insert(requestMessages).values(copied.map((m) => ({ requestId: request.id, messageId: m.id, sentAt: m.sentAt })));
    await asManager.post(`/api/requests/${request.id}/messages`, { text: 'Принято' });
    const chat = await asManager.get(`/api/requests/${request.id}/messages`);
    expect(chat.body.map((m: { authorName: string; direction: string; text: string }) => [m.authorName, m.direction, m.text])).toEqual([
      ['Ли Вэй', 'in', 'Здравствуйте'],
      ['Ли Вэй', 'in', 'Нужно оплатить инвойс'],
      [manager.name, 'platform', 'Принято'],
    ]);
  });

  it('dialogs are for our managers; agents and customers get 403', async () => {
    expect((await asManager.get('/api/dialogs')).status).toBe(200);
    expect((await asAgentA.get('/api/dialogs')).status).toBe(403);
    expect((await asCustomer.get('/api/dialogs')).status).toBe(403);
  });

  it('the admin API is for admins only', async () => {
    expect((await asManager.get('/api/admin/users')).status).toBe(403);
    expect((await asAgentA.post('/api/admin/organizations', { name: 'X', kind: 'agent' })).status).toBe(403);
  });

  it('admins add organizations and users; a role must fit its organization', async () => {
    const admin = await app.signIn(app.admin);
    const organization = await admin.post('/api/admin/organizations', { name: 'Новый агент', kind: 'agent' });
    expect(organization.status).toBe(200);
    const wrongRole = await admin.post('/api/admin/users', { organizationId: organization.body.id, role: 'customer', email: 'n@agent.test', name: 'N', password: 'long-enough-pw' });
    expect(wrongRole.status).toBe(400);
    expect(wrongRole.body.fields.role).toMatch(/Роль не подходит/);
    const short = await admin.post('/api/admin/users', { organizationId: organization.body.id, role: 'agent', email: 'bad', name: '', password: 'short' });
    expect(Object.keys(short.body.fields).sort()).toEqual(['email', 'name', 'password']);
    const created = await admin.post('/api/admin/users', { organizationId: organization.body.id, role: 'agent', email: 'N@Agent.test', name: 'Нина', password: 'long-enough-pw' });
    expect(created.status).toBe(200);
    const duplicate = await admin.post('/api/admin/users', { organizationId: organization.body.id, role: 'agent', email: 'n@agent.test', name: 'Нина', password: 'long-enough-pw' });
    expect(duplicate.body.fields.email).toMatch(/уже есть/);
    const signedIn = await app.client().post('/api/auth/sign-in', { email: 'n@agent.test', password: 'long-enough-pw' });
    expect(signedIn.status).toBe(200);
    const renamed = await admin.patch(`/api/admin/organizations/${app.ourOrganizationId}`, { name: 'Платёжный агент «Восток»', kind: 'agent' });
    expect(renamed.status).toBe(400);
    expect(renamed.body.fields.kind).toMatch(/и заказчик, и агент/);

    // A kind its users' roles would not fit is refused, naming the role and how many: the agent organization has one agent.
    const toCustomer = await admin.patch(`/api/admin/organizations/${organization.body.id}`, { kind: 'customer' });
    expect(toCustomer.status).toBe(400);
    expect(toCustomer.body.fields.kind).toBe('Организация не может стать только заказчиком: в ней пользователи с ролью «агент» (1) — сначала смените им роль или организацию');
    expect(toCustomer.body.fieldCodes.kind).toEqual({ code: 'organization.kindHasAgents', params: { count: '1' } });
    const customers = await admin.post('/api/admin/organizations', { name: 'Новый заказчик', kind: 'customer' });
    for (const [i, name] of ['Ольга', 'Павел'].entries()) {
      const user = await admin.post('/api/admin/users', { organizationId: customers.body.id, role: 'customer', email: `c${i}@customer.test`, name, password: 'long-enough-pw' });
      expect(user.status).toBe(200);
    }
    const toAgent = await admin.patch(`/api/admin/organizations/${customers.body.id}`, { kind: 'agent' });
    expect(toAgent.status).toBe(400);
    expect(toAgent.body.fields.kind).toMatch(/ролью «клиент» \(2\)/);
    const list = await admin.get('/api/admin/organizations');
    expect(list.body.find((o: { id: number }) => o.id === customers.body.id).kind).toBe('customer');
    // «both» fits everyone.
    expect((await admin.patch(`/api/admin/organizations/${customers.body.id}`, { kind: 'both' })).status).toBe(200);
  });
});
