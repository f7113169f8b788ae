import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openCommandContext, type CommandTestContext, type TestUser } from '../../test/helpers/app.js';
import { sessions, users } from '../db/schema.js';
import { createOrganization } from './createOrganization.js';
import { createUser } from './createUser.js';
import { updateOrganization } from './updateOrganization.js';
import { updateUser } from './updateUser.js';
import { ForbiddenError } from './context.js';
import { FieldErrors } from './validation.js';
import { verifyPassword } from './password.js';

let t: CommandTestContext;
let admin: TestUser;
let manager: TestUser;
beforeAll(async () => {
  t = await openCommandContext();
  admin = await t.addUser({ role: 'admin' });
  manager = await t.addUser({ role: 'manager' });
});
afterAll(async () => t?.close());

describe('users and organizations (admin)', () => {
  it('an admin adds an agent organization and a user in it; the e-mail is stored lower-case, the password hashed', async () => {
    const organization = await createOrganization(t.ctx, { actor: admin, name: '  Агент Восток  ', kind: 'agent' });
    expect(organization.name).toBe('Агент Восток');
    const user = await createUser(t.ctx, { actor: admin, organizationId: organization.id, role: 'agent', email: 'Olga@Vostok.test', name: 'Ольга', password: 'correct horse battery' });
    expect(user.email).toBe('olga@vostok.test');
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('correct horse battery', user.passwordHash)).toBe(true);
    expect(await verifyPassword('wrong', user.passwordHash)).toBe(false);
  });

  it('only admins manage users and organizations', async () => {
    await expect(createOrganization(t.ctx, { actor: manager, name: 'X', kind: 'agent' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createUser(t.ctx, { actor: manager, organizationId: t.ourOrganizationId, role: 'manager', email: 'x@y.z', name: 'X', password: '0123456789' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('a manager must belong to our organization', async () => {
    const organization = await createOrganization(t.ctx, { actor: admin, name: 'Клиент', kind: 'customer' });
    const error = await createUser(t.ctx, { actor: admin, organizationId: organization.id, role: 'manager', email: 'm@c.test', name: 'M', password: '0123456789' }).catch((e: unknown) => e);
    expect((error as FieldErrors).fields.role).toMatch(/Роль не подходит/);
  });

  it('renaming keeps an event; our organization stays both customer and agent', async () => {
    const renamed = await updateOrganization(t.ctx, { actor: admin, organizationId: t.ourOrganizationId, name: 'Платёжный агент' });
    expect(renamed).toMatchObject({ name: 'Платёжный агент', kind: 'both' });
    await expect(updateOrganization(t.ctx, { actor: admin, organizationId: t.ourOrganizationId, kind: 'agent' })).rejects.toBeInstanceOf(FieldErrors);
  });

  it('disabling a user ends their sessions; an admin cannot disable themselves', async () => {
    const user = await t.addUser({ role: 'agent', organization: 'Агент Сессия' });
    await t.ctx.database.db.insert(sessions).values({ tokenHash: 'h1', userId: user.userId, csrfToken: 'c', expiresAt: new Date(Date.now() + 60_000) });
    await updateUser(t.ctx, { actor: admin, userId: user.userId, disabled: true });
    expect(await t.ctx.database.db.select().from(sessions).where(eq(sessions.userId, user.userId))).toEqual([]);
    const [row] = await t.ctx.database.db.select().from(users).where(eq(users.id, user.userId));
    expect(row!.disabledAt).not.toBeNull();
    await expect(updateUser(t.ctx, { actor: admin, userId: admin.userId, disabled: true })).rejects.toBeInstanceOf(FieldErrors);
  });
});
