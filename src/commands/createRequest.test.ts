import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openCommandContext, validRequest, type CommandTestContext, type TestUser } from '../../test/helpers/app.js';
import { beneficiaries, clients, dialogs, events, payers } from '../db/schema.js';
import { createRequest, createRequestInTx } from './createRequest.js';
import { FieldErrors } from './validation.js';
import { ForbiddenError, NotFoundError } from './context.js';

let t: CommandTestContext;
let customer: TestUser;
let manager: TestUser;
beforeAll(async () => {
  t = await openCommandContext();
  customer = await t.addUser({ role: 'customer', organization: 'ООО Заказчик' });
  manager = await t.addUser({ role: 'manager' });
});
afterAll(async () => t?.close());

describe('createRequest', () => {
  it('a customer fills the form → a numbered request collecting offers, with its event', async () => {
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    expect(request).toMatchObject({ status: 'collecting_offers', origin: 'web', hidden: false, amount: '100000.00', customerOrganizationId: customer.organizationId });
    expect(request.number).toMatch(/^\d{4}-\d{6}$/);
    const rows = await t.ctx.database.db.select().from(events).where(eq(events.subjectId, request.id));
    expect(rows.find((e) => e.subjectType === 'request')).toMatchObject({ name: 'request.created', actorUserId: customer.userId });
  });

  it('numbers go up by one within a year', async () => {
    const a = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    const b = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    expect(Number(b.number.slice(5))).toBe(Number(a.number.slice(5)) + 1);
  });

  it('every mistake is reported at once, beside its field', async () => {
    const error = await createRequest(t.ctx, { actor: customer, ...validRequest({ amount: '0', currency: 'XYZ', payer: { name: '', inn: '1' } }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FieldErrors);
    expect(Object.keys((error as FieldErrors).fields).sort()).toEqual(['amount', 'currency', 'payer.inn', 'payer.name']);
  });

  it('a purpose template with holes is refused beside the field; ISO dates in it are stored ДД.ММ.ГГГГ (issue 17.2)', async () => {
    const error = await createRequest(t.ctx, { actor: customer, ...validRequest({ purpose: 'Оплата по контракту № … от … за товары' }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FieldErrors);
    expect((error as FieldErrors).fields).toEqual({ purpose: 'Назначение платежа не заполнено до конца: укажите номер (после «№»), дату (после «от»).' });
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest({ purpose: 'Оплата по контракту № 15 от 2026-10-01 за товары' }) });
    expect(request.purpose).toBe('Оплата по контракту № 15 от 01.10.2026 за товары');
  });

  it('an agent may not create requests', async () => {
    const agent = await t.addUser({ role: 'agent', organization: 'Агент' });
    await expect(createRequest(t.ctx, { actor: agent, ...validRequest() })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('from a dialog (Telegram) → linked, hidden from the general list; the client\'s beneficiary is remembered', async () => {
    const [client] = await t.ctx.database.db.insert(clients).values({ telegramUserId: 1293672691, firstName: 'Ли' }).returning();
    const [dialog] = await t.ctx.database.db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 7 }).returning();
    const request = await createRequest(t.ctx, { actor: manager, dialogId: dialog!.id, ...validRequest({ beneficiary: { ...validRequest().beneficiary, name: 'Client Supplier' } }) });
    expect(request).toMatchObject({ origin: 'telegram', hidden: true, dialogId: dialog!.id, customerOrganizationId: t.ourOrganizationId });
    const [known] = await t.ctx.database.db.select().from(beneficiaries).where(eq(beneficiaries.name, 'Client Supplier'));
    expect(known).toMatchObject({ clientId: client!.id, organizationId: t.ourOrganizationId });
  });

  it('an unknown dialog is NotFoundError', async () => {
    await expect(createRequest(t.ctx, { actor: manager, dialogId: 999999, ...validRequest() })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('runs inside a caller\'s transaction: a rollback leaves no request and no known payer', async () => {
    const marker = { name: 'ООО Откат', inn: '7707083893', kpp: '773601002' };
    await expect(
      t.ctx.database.transaction(async (tx) => {
        await createRequestInTx(tx, { actor: customer, ...validRequest({ payer: marker }) });
        throw new Error('caller fails');
      }),
    ).rejects.toThrow('caller fails');
    const rows = await t.ctx.database.db.select().from(payers).where(eq(payers.kpp, '773601002'));
    expect(rows).toEqual([]);
  });

  it('the same beneficiary used twice is one known row, counted', async () => {
    const other = await t.addUser({ role: 'customer', organization: 'ООО Счётчик' });
    await createRequest(t.ctx, { actor: other, ...validRequest() });
    await createRequest(t.ctx, { actor: other, ...validRequest() });
    const rows = await t.ctx.database.db.select().from(beneficiaries).where(eq(beneficiaries.organizationId, other.organizationId));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.usedCount).toBe(2);
  });
});

describe('createRequest from a dialog', () => {
  it("only our staff may tie a request to a dialog; to anyone else the dialog does not exist", async () => {
    const [client] = await t.ctx.database.db.insert(clients).values({ telegramUserId: 42424242 }).returning();
    const [dialog] = await t.ctx.database.db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1009, topicId: 9 }).returning();
    await expect(createRequest(t.ctx, { actor: customer, dialogId: dialog!.id, ...validRequest() })).rejects.toBeInstanceOf(NotFoundError);
  });
});
