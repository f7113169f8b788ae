/**
 * Issue 16.4: what is derived from a request goes to the same audience as
 * the data it comes from. A deal's terms (the winning rate and total) are the
 * deal room's — the customer and the agent whose offer won. A competitor whose
 * offer was declined still sees the request, but neither its terms nor their
 * history, however it asks: the page's terms, the timeline, the offers, the
 * lists, the chat and the documents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApp, validOffer, validRequest, type TestApp } from '../helpers/app.js';

let app: TestApp;
let customer: ApiClient;
let winner: ApiClient;
let loser: ApiClient;
let stranger: ApiClient;
let requestId: number;

/** The rate and the total after the customer's change: a competitor must never read them. */
const SECRET_RATE = '13.7391';
const SECRET_TOTAL = '1395018.65';

beforeAll(async () => {
  app = await startTestApp();
  customer = await app.signIn(await app.addUser({ role: 'customer', organization: 'ООО Аудитория' }));
  winner = await app.signIn(await app.addUser({ role: 'agent', organization: 'Агент Победитель' }));
  loser = await app.signIn(await app.addUser({ role: 'agent', organization: 'Агент Проигравший' }));
  stranger = await app.signIn(await app.addUser({ role: 'agent', organization: 'Агент Посторонний' }));

  const created = await customer.post('/api/requests', validRequest());
  requestId = created.body.id;
  const winning = await winner.post(`/api/requests/${requestId}/offers`, validOffer({ rate: '12.25' }));
  const losing = await loser.post(`/api/requests/${requestId}/offers`, validOffer({ rate: '12.40' }));
  expect(losing.status).toBe(200);
  expect((await customer.post(`/api/offers/${winning.body.id}/accept`)).status).toBe(200);
  // The customer agrees a new rate with the winner: 100 000 × 13.7391 = 1 373 910; +1.5 % = 20 608.65; +500 = 1 395 018.65.
  const changed = await customer.post(`/api/requests/${requestId}/terms`, { command: 'rate', value: SECRET_RATE });
  expect(changed.status).toBe(200);
  expect(changed.body.totalAfter).toBe(SECRET_TOTAL);
}, 300_000);
afterAll(async () => {
  await app?.stop();
});

describe('a declined competitor', () => {
  it('opens the request page: the status, its own declined offer — no terms, no terms change on the timeline', async () => {
    const page = await loser.get(`/api/requests/${requestId}`);
    expect(page.status).toBe(200);
    expect(page.body.request.status).toBe('accepted');
    expect(page.body.request.terms).toBeNull();
    expect(page.body.request.acceptedOfferId).toBeNull();
    expect(page.body.offers.map((o: { status: string; rate: string }) => [o.status, o.rate])).toEqual([['declined', '12.40']]);
    const names = page.body.timeline.map((e: { name: string }) => e.name);
    expect(names).not.toContain('request.terms_changed');
    expect(names).toContain('request.status');
    // The acceptance shows as a status only, not which offer won at what price.
    for (const entry of page.body.timeline.filter((e: { name: string }) => e.name === 'request.status')) {
      expect(entry.after).toEqual({ status: 'accepted' });
    }
    const text = JSON.stringify(page.body);
    expect(text).not.toContain(SECRET_RATE);
    expect(text).not.toContain(SECRET_TOTAL);
    expect(text).not.toContain('12.25');
  });

  it('lists its offers: the request with its own offer count, no terms', async () => {
    const mine = await loser.get('/api/agent/requests?mine=1');
    const row = mine.body.items.find((r: { id: number }) => r.id === requestId);
    expect(row.offerCount).toBe(1);
    expect(JSON.stringify(mine.body)).not.toContain(SECRET_TOTAL);
  });

  it('is refused the chat, the documents and the terms editor (404, as if they did not exist)', async () => {
    expect((await loser.get(`/api/requests/${requestId}/messages`)).status).toBe(404);
    expect((await loser.get(`/api/requests/${requestId}/documents`)).status).toBe(404);
    const edit = await loser.post(`/api/requests/${requestId}/terms`, { command: 'rate', value: '1' });
    expect(edit.status).toBe(403);
    expect(JSON.stringify(edit.body)).not.toContain(SECRET_TOTAL);
  });
});

describe('the deal room', () => {
  it('the customer and the winning agent see the terms change on the timeline, with the new total', async () => {
    for (const party of [customer, winner]) {
      const page = await party.get(`/api/requests/${requestId}`);
      expect(page.body.request.terms.total).toBe(SECRET_TOTAL);
      const change = page.body.timeline.find((e: { name: string }) => e.name === 'request.terms_changed');
      expect(change.after).toMatchObject({ field: 'rate', value: SECRET_RATE, total: SECRET_TOTAL });
    }
  });

  it('an agent that never offered does not see the accepted request at all', async () => {
    expect((await stranger.get(`/api/requests/${requestId}`)).status).toBe(404);
  });
});
