/**
 * An administrator links a user's Telegram over HTTP (`PATCH /api/admin/users/:id
 * {telegramUserId}`; null unlinks): a manager created on the web could never
 * be linked (400 «Неизвестное поле»), so writing in the managers' group made a
 * second account, and that account — even disabled — kept the id from the
 * real one (outside tester's report).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { ensureManagerUser } from '../../src/commands/ensureManagerUser.js';
import { events, users } from '../../src/db/schema.js';
import { startTestApp, type ApiClient, type TestApp } from '../helpers/app.js';

let app: TestApp;
let admin: ApiClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await app.signIn(app.admin);
});
afterAll(async () => {
  await app?.stop();
});

const userRow = async (id: number) => ((await admin.get('/api/admin/users')).body as Array<{ id: number; telegramUserId: number | null; disabled: boolean }>).find((u) => u.id === id)!;

describe('linking a user to Telegram', () => {
  it('sets and clears the Telegram id; an enabled holder refuses, named; a disabled holder gives it up', async () => {
    const web = await app.addUser({ role: 'manager', name: 'Ирина Веб' });
    const fromGroup = await app.addUser({ role: 'manager', name: 'Пётр Группа', telegramUserId: 7001 });

    const taken = await admin.patch(`/api/admin/users/${web.userId}`, { telegramUserId: 7001 });
    expect(taken.status, JSON.stringify(taken.body)).toBe(400);
    expect(taken.body.fields?.telegramUserId, JSON.stringify(taken.body)).toBe('Этот Telegram ID уже у пользователя «Пётр Группа»');
    expect((await userRow(web.userId)).telegramUserId).toBeNull();
    // Creating a user with it is refused the same way while the holder is enabled.
    const created = await admin.post('/api/admin/users', { organizationId: app.ourOrganizationId, role: 'manager', email: 'x@our.test', name: 'X', password: 'long-enough-pw', telegramUserId: 7001 });
    expect(created.status).toBe(400);
    expect(created.body.fields.telegramUserId).toMatch(/«Пётр Группа»/);

    expect((await admin.patch(`/api/admin/users/${fromGroup.userId}`, { disabled: true })).status).toBe(200);
    const linked = await admin.patch(`/api/admin/users/${web.userId}`, { telegramUserId: 7001 });
    expect(linked.status).toBe(200);
    expect(linked.body.telegramUserId).toBe(7001);
    expect((await userRow(fromGroup.userId)).telegramUserId).toBeNull();

    const cleared = await admin.patch(`/api/admin/users/${web.userId}`, { telegramUserId: null });
    expect(cleared.status).toBe(200);
    expect((await userRow(web.userId)).telegramUserId).toBeNull();
    // Free again: a new user may have it.
    const another = await admin.post('/api/admin/users', { organizationId: app.ourOrganizationId, role: 'manager', email: 'y@our.test', name: 'Y', password: 'long-enough-pw', telegramUserId: 7001 });
    expect(another.status).toBe(200);
    expect((await userRow(another.body.id)).telegramUserId).toBe(7001);

    expect((await admin.patch(`/api/admin/users/${web.userId}`, { telegramUserId: 'abc' })).status).toBe(400);
  });
});

describe('a password for an account without an e-mail', () => {
  it('is refused beside the field, in Russian with a code the page translates, and nothing is changed (the whole PATCH)', async () => {
    // A manager's account made from the managers' group: no e-mail, no password.
    const { id } = await app.ctx.database.transaction((tx) => ensureManagerUser(tx, { id: 7301, first_name: 'Семён', last_name: 'Безпочты' }));
    const eventsBefore = await app.ctx.database.db.select({ id: events.id }).from(events).where(eq(events.subjectId, id));

    const refused = await admin.patch(`/api/admin/users/${id}`, { password: 'long-enough-pw', name: 'Семён Новый' });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.fields).toEqual({ password: 'У пользователя нет e-mail: пароль без e-mail не даёт войти — задать его нельзя' });
    expect(refused.body.fieldCodes.password).toEqual({ code: 'user.passwordNoEmail' });
    // A too short one gets the same answer first: no password would do for this account, however long.
    expect((await admin.patch(`/api/admin/users/${id}`, { password: 'x' })).body.fields).toEqual({ password: 'У пользователя нет e-mail: пароль без e-mail не даёт войти — задать его нельзя' });

    const [row] = await app.ctx.database.db.select({ email: users.email, passwordHash: users.passwordHash, name: users.name }).from(users).where(eq(users.id, id));
    expect(row).toEqual({ email: null, passwordHash: null, name: 'Семён Безпочты' });
    expect(await app.ctx.database.db.select({ id: events.id }).from(events).where(eq(events.subjectId, id))).toEqual(eventsBefore);

    // The rest of the account can still be changed; an e-mail cannot be removed through this route (no such field).
    expect((await admin.patch(`/api/admin/users/${id}`, { name: 'Семён Новый' })).status).toBe(200);
    const web = await app.addUser({ role: 'manager', name: 'Ольга Почта' });
    const noEmail = await admin.patch(`/api/admin/users/${web.userId}`, { email: null });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.fields).toEqual({ email: 'Неизвестное поле: уберите его' });
    // An account with an e-mail still gets its new password, and signs in with it.
    expect((await admin.patch(`/api/admin/users/${web.userId}`, { password: 'another-long-pw' })).status).toBe(200);
    expect((await app.client().signIn(web.email, 'another-long-pw')).status).toBe(200);
  });
});
