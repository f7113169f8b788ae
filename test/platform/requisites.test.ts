/**
 * Our organization's requisites through the admin API: an admin saves them
 * and reads them back (codes stored without spaces, an event in the audit
 * log); a wrong INN, BIC or account answers 400 naming the field and changes
 * nothing; other roles get 403; without our organization the API says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { startTestApp, type ApiClient, type TestApp } from '../helpers/app.js';
import { OUR_REQUISITES, OUR_REQUISITES_STORED } from '../helpers/requisites.js';
import { events, organizations } from '../../src/db/schema.js';

const STORED = OUR_REQUISITES_STORED;

let app: TestApp;
let asAdmin: ApiClient;

const put = (client: ApiClient, body: unknown) => client.request('PUT', '/api/admin/requisites', body);

async function requisitesEvents(): Promise<Array<typeof events.$inferSelect>> {
  return app.ctx.database.db
    .select()
    .from(events)
    .where(and(eq(events.subjectType, 'organization'), eq(events.subjectId, app.ourOrganizationId), eq(events.name, 'organization.requisites_updated')))
    .orderBy(events.id);
}

async function storedRequisites(): Promise<Record<string, string>> {
  const [row] = await app.ctx.database.db.select({ requisites: organizations.requisites }).from(organizations).where(eq(organizations.id, app.ourOrganizationId));
  return row!.requisites;
}

beforeAll(async () => {
  app = await startTestApp();
  asAdmin = await app.signIn(app.admin);
});
afterAll(async () => {
  await app?.stop();
});

describe('our requisites', () => {
  it('start empty: the form gets every field blank and the name of our organization', async () => {
    const response = await asAdmin.get('/api/admin/requisites');
    expect(response.status).toBe(200);
    expect(response.body.organization).toEqual({ id: app.ourOrganizationId, name: 'Наша компания' });
    expect(response.body.requisites).toEqual({ fullName: '', inn: '', kpp: '', ogrn: '', address: '', bank: '', bic: '', corrAccount: '', account: '', director: '' });
  });

  it('an empty form names every field and saves nothing', async () => {
    const response = await put(asAdmin, {});
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual({
      fullName: 'Укажите полное наименование организации',
      inn: 'Укажите ИНН',
      kpp: 'Укажите КПП',
      ogrn: 'Укажите ОГРН',
      address: 'Укажите юридический адрес',
      bank: 'Укажите название банка',
      bic: 'Укажите БИК банка',
      corrAccount: 'Укажите корреспондентский счёт',
      account: 'Укажите расчётный счёт',
      director: 'Укажите руководителя, который подписывает документы',
    });
    expect(await storedRequisites()).toEqual({});
    expect(await requisitesEvents()).toHaveLength(0);
  });

  it('an admin saves valid requisites: 200, stored without spaces, read back, one event with before and after', async () => {
    const response = await put(asAdmin, OUR_REQUISITES);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.requisites).toEqual(STORED);
    const read = await asAdmin.get('/api/admin/requisites');
    expect(read.body.requisites).toEqual(STORED);
    expect(await storedRequisites()).toEqual(STORED);
    const logged = await requisitesEvents();
    expect(logged).toHaveLength(1);
    expect(logged[0]!.actorUserId).toBe(app.admin.userId);
    expect(logged[0]!.after).toMatchObject({ inn: '7728168971', bic: '044525225', account: '40702810938000000001' });
    expect(logged[0]!.before).toMatchObject({ inn: null, account: null });
  });

  it('saving the same values again changes nothing and logs nothing', async () => {
    const response = await put(asAdmin, STORED);
    expect(response.status).toBe(200);
    expect(await requisitesEvents()).toHaveLength(1);
  });

  it.each([
    ['inn', { inn: '7728168972' }, 'ИНН не сходится по контрольной сумме — проверьте цифры'],
    ['inn', { inn: '77281689' }, 'ИНН — 10 цифр у организации или 12 у ИП и физического лица, а введено 8'],
    ['bic', { bic: '04452522' }, 'БИК — 9 цифр, а введено «04452522»'],
    ['bic', { bic: '123456789' }, 'БИК российского банка начинается с 04 — проверьте цифры'],
    ['account', { account: '40702810038000000001' }, 'Расчётный счёт не сходится с БИК банка — проверьте счёт и БИК'],
    ['account', { account: '4070281093800000000' }, 'Расчётный счёт — 20 цифр, а введено 19 символов'],
    ['corrAccount', { corrAccount: '30101810500000000225' }, 'Корреспондентский счёт не сходится с БИК банка — проверьте счёт и БИК'],
    ['kpp', { kpp: '7728' }, 'КПП — 9 символов, а введено 4'],
    ['ogrn', { ogrn: '1027739642282' }, 'ОГРН не сходится по контрольной цифре — проверьте цифры'],
    ['ogrn', { ogrn: '304500116000157' }, 'ОГРН организации — 13 цифр, а введено 15'],
    ['fullName', { fullName: '   ' }, 'Укажите полное наименование организации'],
    ['director', { director: 'Я'.repeat(201) }, 'Руководитель — не длиннее 200 символов'],
  ])('a wrong %s answers 400 naming the field and changes nothing (%j)', async (field, change, message) => {
    const response = await put(asAdmin, { ...OUR_REQUISITES, bank: 'Другой банк', ...change });
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual({ [field]: message });
    expect(response.body.error).toBe(message);
    expect(await storedRequisites()).toEqual(STORED);
    expect(await requisitesEvents()).toHaveLength(1);
  });

  it('a sole proprietor: 12-digit INN, OGRNIP of 15 digits and no KPP', async () => {
    const withKpp = await put(asAdmin, { ...OUR_REQUISITES, inn: '500100732259', ogrn: '304500116000157' });
    expect(withKpp.status).toBe(400);
    expect(withKpp.body.fields).toEqual({ kpp: 'У ИП нет КПП — оставьте поле пустым' });
    const shortOgrn = await put(asAdmin, { ...OUR_REQUISITES, inn: '500100732259', kpp: '' });
    expect(shortOgrn.body.fields).toEqual({ ogrn: 'ОГРНИП — 15 цифр, а введено 13' });
    expect(await storedRequisites()).toEqual(STORED);
  });

  it('a value of the wrong type is a field mistake, not a crash', async () => {
    const response = await put(asAdmin, { ...OUR_REQUISITES, inn: 7728168971 });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.fields)).toEqual(['inn']);
    expect(await storedRequisites()).toEqual(STORED);
  });

  it('keys the form does not edit are kept', async () => {
    await app.ctx.database.db
      .update(organizations)
      .set({ requisites: sql`${organizations.requisites} || '{"phone": "+7 495 000-00-00"}'::jsonb` })
      .where(eq(organizations.id, app.ourOrganizationId));
    const response = await put(asAdmin, { ...OUR_REQUISITES, director: 'Петров Пётр Петрович' });
    expect(response.status).toBe(200);
    expect(await storedRequisites()).toEqual({ ...STORED, director: 'Петров Пётр Петрович', phone: '+7 495 000-00-00' });
    const logged = await requisitesEvents();
    expect(logged).toHaveLength(2);
    expect(logged[1]!.before).toEqual({ director: 'Иванов Иван Иванович' });
    expect(logged[1]!.after).toEqual({ director: 'Петров Пётр Петрович' });
  });

  it('only admins: a manager and an agent get 403 and change nothing; without a session 401', async () => {
    const before = await storedRequisites();
    for (const role of ['manager', 'agent'] as const) {
      const client = await app.signIn(await app.addUser({ role, organization: role === 'agent' ? 'Агент Север' : undefined }));
      expect((await client.get('/api/admin/requisites')).status).toBe(403);
      const response = await put(client, { ...OUR_REQUISITES, director: 'Посторонний' });
      expect(response.status).toBe(403);
      expect(response.body.error).toBe('Это может только администратор');
    }
    expect((await put(app.client(), OUR_REQUISITES)).status).toBe(401);
    expect(await storedRequisites()).toEqual(before);
    expect(await requisitesEvents()).toHaveLength(2);
  });

  it('without an organization marked as ours: the form is told so and saving answers 404 with the reason', async () => {
    await app.ctx.database.db.update(organizations).set({ isOurs: false }).where(eq(organizations.id, app.ourOrganizationId));
    try {
      const read = await asAdmin.get('/api/admin/requisites');
      expect(read.status).toBe(200);
      expect(read.body.organization).toBeNull();
      const response = await put(asAdmin, OUR_REQUISITES);
      expect(response.status).toBe(404);
      expect(response.body.error).toMatch(/Наша организация не отмечена/);
      expect(await requisitesEvents()).toHaveLength(2);
    } finally {
      await app.ctx.database.db.update(organizations).set({ isOurs: true }).where(eq(organizations.id, app.ourOrganizationId));
    }
  });
});
