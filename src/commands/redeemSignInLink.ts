/**
 * Redeems a sign-in token once: marks it used and returns the user it names.
 * An unknown, expired or used token, or one whose user is missing or disabled,
 * is NotFoundError — the caller answers "the link is invalid" without detail.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { signInLinks, users } from '../db/schema.js';
import { NotFoundError, recordEvent, type CommandContext } from './context.js';
import { hashToken } from './issueSignInLink.js';

export interface RedeemedSignInLink {
  userId: number;
  dialogId: number | null;
}

export async function redeemSignInLink(ctx: CommandContext, props: { token: string }, now = new Date()): Promise<RedeemedSignInLink> {
  if (!props.token || props.token.length > 200) throw new NotFoundError('Ссылка недействительна');
  return ctx.database.transaction(async (tx) => {
    const [link] = await tx.db
      .update(signInLinks)
      .set({ usedAt: now })
      .where(and(eq(signInLinks.tokenHash, hashToken(props.token)), isNull(signInLinks.usedAt), gt(signInLinks.expiresAt, now)))
      .returning();
    if (!link) throw new NotFoundError('Ссылка недействительна');
    const [user] = await tx.db
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          link.userId !== null ? eq(users.id, link.userId) : eq(users.telegramUserId, link.telegramUserId ?? -1),
          isNull(users.disabledAt),
        ),
      );
    if (!user) throw new NotFoundError('Ссылка недействительна');
    await recordEvent(tx, { actor: { userId: user.id }, subjectType: 'user', subjectId: user.id, name: 'user.signedInByLink', after: { dialogId: link.dialogId } });
    return { userId: user.id, dialogId: link.dialogId };
  });
}
