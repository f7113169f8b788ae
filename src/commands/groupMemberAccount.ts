/**
 * A managers' group member's account follows their membership (docs/SECURITY.md,
 * «membership is the grant»). An account that exists only through the group —
 * made on first use there (ensureManagerUser: no e-mail, no password) — is
 * disabled when its owner leaves or is removed from a managers' group
 * (chat_member left/kicked, or a left_chat_member service message), and
 * enabled again when they come back (only if leaving is what disabled it: an
 * administrator's «disabled» stays). Accounts an administrator made (with an
 * e-mail) keep their platform access: leaving the group is no statement about
 * the platform; they are disabled by an administrator.
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { events, sessions, users } from '../db/schema.js';
import { recordEvent, type CommandContext } from './context.js';

const LEFT = 'user.disabled_left_group';
const BACK = 'user.enabled_rejoined_group';

/** The group-only account of Telegram user `telegramUserId` (no e-mail, no password), if any. */
async function groupOnlyAccount(tx: Tx, telegramUserId: number) {
  const [user] = await tx.db
    .select({ id: users.id, disabledAt: users.disabledAt })
    .from(users)
    .where(and(eq(users.telegramUserId, telegramUserId), isNull(users.email), isNull(users.passwordHash)))
    .for('update');
  return user;
}

/** A member left or was removed from a managers' group (`chatId`): their group-only account is disabled, its sessions end. */
export async function memberLeftManagersGroup(ctx: CommandContext, tx: Tx, telegramUserId: number, chatId: number): Promise<void> {
  const user = await groupOnlyAccount(tx, telegramUserId);
  if (!user || user.disabledAt) return;
  await tx.db.update(users).set({ disabledAt: new Date(), onShiftSince: null }).where(eq(users.id, user.id));
  await tx.db.delete(sessions).where(eq(sessions.userId, user.id));
  tx.afterCommit(() => ctx.live.publish({ channel: 'sessions', type: 'ended', data: { userId: user.id } }));
  await recordEvent(tx, { actor: { telegramUserId }, subjectType: 'user', subjectId: user.id, name: LEFT, before: { disabled: false }, after: { disabled: true, chatId } });
}

/** A member (re)joined a managers' group: a group-only account that leaving disabled is enabled again. */
export async function memberJoinedManagersGroup(tx: Tx, telegramUserId: number, chatId: number): Promise<void> {
  const user = await groupOnlyAccount(tx, telegramUserId);
  if (!user?.disabledAt) return;
  const [last] = await tx.db
    .select({ name: events.name })
    .from(events)
    .where(and(eq(events.subjectType, 'user'), eq(events.subjectId, user.id)))
    .orderBy(desc(events.at), desc(events.id))
    .limit(1);
  if (last?.name !== LEFT) return;
  await tx.db.update(users).set({ disabledAt: null }).where(eq(users.id, user.id));
  await recordEvent(tx, { actor: { telegramUserId }, subjectType: 'user', subjectId: user.id, name: BACK, before: { disabled: true }, after: { disabled: false, chatId } });
}
