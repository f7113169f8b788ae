/**
 * An administrator links a user's Telegram over HTTP (`PATCH /api/admin/users/:id
 * {telegramUserId}`; null unlinks): a manager created on the web could never
 * be linked (400 «Неизвестное поле»), so writing in the managers' group made a
 * second account, and that account — even disabled — kept the id from the
 * real one (outside tester's report).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
