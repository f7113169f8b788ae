import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { openCommandContext, validOffer, validRequest, type CommandTestContext, type TestUser } from '../../test/helpers/app.js';
import { events, offers } from '../db/schema.js';
import { createOffer, validateOfferFields } from './createOffer.js';
import { createRequest } from './createRequest.js';
import { ForbiddenError, NotFoundError } from './context.js';
import { FieldErrors } from './validation.js';

let t: CommandTestContext;
let customer: TestUser;
let agent: TestUser;
beforeAll(async () => {
  t = await openCommandContext();
  customer = await t.addUser({ role: 'customer', organization: 'ООО Заказчик' });
  agent = await t.addUser({ role: 'agent', organization: 'Агент' });
});
afterAll(async () => t?.close());

describe('createOffer', () => {
  it('an agent offers: the total is computed, never typed; an event is written', async () => {
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest({ amount: '250000' }) });
    const offer = await createOffer(t.ctx, { actor: agent, requestId: request.id, rate: '12,25', feePercent: '0,750', fixedFee: '1 000', days: '2' });
    // The fee keeps the places typed, as the rate does («0,750 %», issue 17), not the column's four.
    expect(offer).toMatchObject({ rate: '12.25', feePercent: '0.750', fixedFee: '1000.00', total: '3086468.75', days: 2, status: 'active' });
    const [event] = await t.ctx.database.db.select().from(events).where(and(eq(events.subjectType, 'offer'), eq(events.subjectId, offer.id)));
    expect(event).toMatchObject({ subjectType: 'offer', name: 'offer.created' });
  });

  it('a second offer withdraws the first of the same organization', async () => {
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    const first = await createOffer(t.ctx, { actor: agent, requestId: request.id, ...validOffer() });
    await createOffer(t.ctx, { actor: agent, requestId: request.id, ...validOffer({ rate: '12' }) });
    const [row] = await t.ctx.database.db.select().from(offers).where(eq(offers.id, first.id));
    expect(row!.status).toBe('withdrawn');
  });

  it('customers may not offer; unknown requests are not found', async () => {
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    await expect(createOffer(t.ctx, { actor: customer, requestId: request.id, ...validOffer() })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createOffer(t.ctx, { actor: agent, requestId: 424242, ...validOffer() })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('validation names each field', () => {
    const error = (() => {
      try {
        validateOfferFields({ rate: 'abc', feePercent: '200', fixedFee: '-1', days: 1000, validUntil: 'someday' });
      } catch (e) {
        return e as FieldErrors;
      }
    })();
    expect(Object.keys(error!.fields).sort()).toEqual(['days', 'feePercent', 'fixedFee', 'rate', 'validUntil']);
  });
});
