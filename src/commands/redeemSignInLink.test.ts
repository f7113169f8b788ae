import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openCommandContext, type CommandTestContext } from '../../test/helpers/app.js';
import { clients, dialogs, signInLinks } from '../db/schema.js';
import { hashToken, issueSignInLink } from './issueSignInLink.js';
import { redeemSignInLink } from './redeemSignInLink.js';
import { NotFoundError } from './context.js';
import { updateUser } from './updateUser.js';

let t: CommandTestContext;
beforeAll(async () => {
  t = await openCommandContext();
});
afterAll(async () => t?.close());

describe('sign-in links', () => {
  it('manager types /new → a single-use token naming them by Telegram id; only its hash is stored', async () => {
    const manager = await t.addUser({ role: 'manager', telegramUserId: 777 });
    const [client] = await t.ctx.database.db.insert(clients).values({ telegramUserId: 1293672691 }).returning();
    const [dialog] = await t.ctx.database.db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001, topicId: 3 }).returning();
    const link = await issueSignInLink(t.ctx, { telegramUserId: 777, dialogId: dialog!.id });
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await t.ctx.database.db.select().from(signInLinks).where(eq(signInLinks.tokenHash, hashToken(link.token)));
    expect(row).toBeDefined();
    expect(JSON.stringify(row)).not.toContain(link.token);
    expect(await redeemSignInLink(t.ctx, { token: link.token })).toEqual({ userId: manager.userId, dialogId: dialog!.id });
    await expect(redeemSignInLink(t.ctx, { token: link.token })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('expired, forged, or for a disabled user → NotFoundError', async () => {
    const user = await t.addUser({ role: 'manager' });
    const expired = await issueSignInLink(t.ctx, { userId: user.userId, ttlSeconds: -5 });
    await expect(redeemSignInLink(t.ctx, { token: expired.token })).rejects.toBeInstanceOf(NotFoundError);
    await expect(redeemSignInLink(t.ctx, { token: 'not-a-token' })).rejects.toBeInstanceOf(NotFoundError);
    const admin = await t.addUser({ role: 'admin' });
    const link = await issueSignInLink(t.ctx, { userId: user.userId });
    await updateUser(t.ctx, { actor: admin, userId: user.userId, disabled: true });
    await expect(redeemSignInLink(t.ctx, { token: link.token })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a Telegram id without a platform account → NotFoundError; a link must name someone', async () => {
    const link = await issueSignInLink(t.ctx, { telegramUserId: 123456789 });
    await expect(redeemSignInLink(t.ctx, { token: link.token })).rejects.toBeInstanceOf(NotFoundError);
    // Naming no one is a caller's mistake (no route or command asks for a link): a TypeError, not a refusal for people.
    await expect(issueSignInLink(t.ctx, {})).rejects.toBeInstanceOf(TypeError);
  });

  it('two tabs redeeming the same link at once: exactly one signs in', async () => {
    const user = await t.addUser({ role: 'manager' });
    const link = await issueSignInLink(t.ctx, { userId: user.userId });
    const results = await Promise.allSettled([redeemSignInLink(t.ctx, link), redeemSignInLink(t.ctx, link)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
