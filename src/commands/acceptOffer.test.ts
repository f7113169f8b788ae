import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openCommandContext, validOffer, validRequest, type CommandTestContext, type TestUser } from '../../test/helpers/app.js';
import { offers, requests } from '../db/schema.js';
import { acceptOffer, acceptOfferInTx } from './acceptOffer.js';
import { createOffer, createOfferInTx } from './createOffer.js';
import { createRequest, createRequestInTx } from './createRequest.js';
import { ForbiddenError, NotFoundError, ValidationError } from './context.js';

let t: CommandTestContext;
let customer: TestUser;
let agentA: TestUser;
let agentB: TestUser;
let manager: TestUser;
beforeAll(async () => {
  t = await openCommandContext();
  customer = await t.addUser({ role: 'customer', organization: 'ООО Заказчик' });
  agentA = await t.addUser({ role: 'agent', organization: 'Агент А' });
  agentB = await t.addUser({ role: 'agent', organization: 'Агент Б' });
  manager = await t.addUser({ role: 'manager' });
});
afterAll(async () => t?.close());

describe('acceptOffer', () => {
  it('the customer accepts one offer: final terms on the request, the other declined, a live update after commit', async () => {
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    const a = await createOffer(t.ctx, { actor: agentA, requestId: request.id, ...validOffer() });
    const b = await createOffer(t.ctx, { actor: agentB, requestId: request.id, ...validOffer({ rate: '13' }) });
    const published: string[] = [];
    const off = t.ctx.live.subscribe(`request:${request.id}`, (m) => published.push(m.type));
    const result = await acceptOffer(t.ctx, { actor: customer, offerId: a.id });
    off();
    expect(result.terms).toMatchObject({ amount: '100000.00', rate: '12.25', feePercent: '1.5', fixedFee: '500.00', base: '1225000.00', fee: '18375.00', total: '1243875.00' });
    expect(result.declinedOfferIds).toEqual([b.id]);
    expect(published).toEqual(['status']);
    const [row] = await t.ctx.database.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row).toMatchObject({ status: 'accepted', acceptedOfferId: a.id, version: 2 });
  });

  it('an agent cannot accept: its own offer → ForbiddenError, another agent\'s → NotFoundError', async () => {
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    const a = await createOffer(t.ctx, { actor: agentA, requestId: request.id, ...validOffer() });
    await createOffer(t.ctx, { actor: agentB, requestId: request.id, ...validOffer() });
    await expect(acceptOffer(t.ctx, { actor: agentA, offerId: a.id })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(acceptOffer(t.ctx, { actor: agentB, offerId: a.id })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('an expired offer cannot be accepted', async () => {
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    const a = await createOffer(t.ctx, { actor: agentA, requestId: request.id, ...validOffer({ validUntil: new Date(Date.now() + 1000).toISOString() }) });
    await t.ctx.database.db.update(offers).set({ validUntil: new Date(Date.now() - 1000) }).where(eq(offers.id, a.id));
    await expect(acceptOffer(t.ctx, { actor: customer, offerId: a.id })).rejects.toThrow('Срок действия предложения истёк');
  });

  it('no offers on an accepted request', async () => {
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    const a = await createOffer(t.ctx, { actor: agentA, requestId: request.id, ...validOffer() });
    await acceptOffer(t.ctx, { actor: customer, offerId: a.id });
    await expect(createOffer(t.ctx, { actor: agentB, requestId: request.id, ...validOffer() })).rejects.toBeInstanceOf(NotFoundError);
    const again = await createOffer(t.ctx, { actor: agentA, requestId: request.id, ...validOffer() }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ValidationError);
    expect((again as Error).message).toBe('Заявка уже не собирает предложения');
  });

  it('the deal flow: request from a dialog, our offer and its acceptance in ONE transaction', async () => {
    const result = await t.ctx.database.transaction(async (tx) => {
      const request = await createRequestInTx(tx, { actor: manager, origin: 'telegram', ...validRequest() });
      const offer = await createOfferInTx(tx, { actor: manager, requestId: request.id, ...validOffer() });
      return acceptOfferInTx(tx, { actor: manager, offerId: offer.id });
    });
    const [row] = await t.ctx.database.db.select().from(requests).where(eq(requests.id, result.requestId));
    expect(row).toMatchObject({ status: 'accepted', hidden: true, origin: 'telegram' });
  });

  it('two customers clicking «accept» on two offers at once: one wins, the other is told why', async () => {
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    const a = await createOffer(t.ctx, { actor: agentA, requestId: request.id, ...validOffer() });
    const b = await createOffer(t.ctx, { actor: agentB, requestId: request.id, ...validOffer() });
    const results = await Promise.allSettled([acceptOffer(t.ctx, { actor: customer, offerId: a.id }), acceptOffer(t.ctx, { actor: customer, offerId: b.id })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(ValidationError);
  });
});
