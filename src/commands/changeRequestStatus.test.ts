import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { openCommandContext, validOffer, validRequest, type CommandTestContext, type TestUser } from '../../test/helpers/app.js';
import { events, offers } from '../db/schema.js';
import { acceptOffer } from './acceptOffer.js';
import { changeRequestStatus } from './changeRequestStatus.js';
import { createOffer } from './createOffer.js';
import { createRequest } from './createRequest.js';
import { ForbiddenError, ValidationError } from './context.js';

let t: CommandTestContext;
let customer: TestUser;
let agent: TestUser;
beforeAll(async () => {
  t = await openCommandContext();
  customer = await t.addUser({ role: 'customer', organization: 'ООО Заказчик' });
  agent = await t.addUser({ role: 'agent', organization: 'Агент' });
});
afterAll(async () => t?.close());

describe('changeRequestStatus', () => {
  it('accepted → completed, with an event old → new', async () => {
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    const offer = await createOffer(t.ctx, { actor: agent, requestId: request.id, ...validOffer() });
    await acceptOffer(t.ctx, { actor: customer, offerId: offer.id });
    await expect(changeRequestStatus(t.ctx, { actor: agent, requestId: request.id, action: 'complete' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await changeRequestStatus(t.ctx, { actor: customer, requestId: request.id, action: 'complete' })).toEqual({ requestId: request.id, status: 'completed' });
    const rows = await t.ctx.database.db.select().from(events).where(and(eq(events.subjectId, request.id), eq(events.name, 'request.status')));
    expect(rows.map((r) => [r.before, r.after])).toContainEqual([{ status: 'accepted' }, { status: 'completed' }]);
  });

  it('cancelling while collecting declines the active offers', async () => {
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    const offer = await createOffer(t.ctx, { actor: agent, requestId: request.id, ...validOffer() });
    await changeRequestStatus(t.ctx, { actor: customer, requestId: request.id, action: 'cancel' });
    const [row] = await t.ctx.database.db.select().from(offers).where(eq(offers.id, offer.id));
    expect(row!.status).toBe('declined');
  });

  it('the status machine refuses with a sentence: completing a request that collects offers', async () => {
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    const error = await changeRequestStatus(t.ctx, { actor: customer, requestId: request.id, action: 'complete' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/собирает предложения/);
  });
});
