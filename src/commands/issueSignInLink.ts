/**
 * A single-use, expiring sign-in token for a user — the primitive behind the
 * bot's `/new` link. Only the token's hash is stored; the raw token goes into
 * the link once. Either `userId` or the manager's `telegramUserId` names the
 * user (resolved when the link is redeemed).
 */
import crypto from 'node:crypto';
import type { Tx } from '../db/index.js';
import { signInLinks } from '../db/schema.js';
import type { CommandContext } from './context.js';
import { ValidationError } from './context.js';

export interface IssueSignInLinkProps {
  userId?: number;
  telegramUserId?: number;
  /** The dialog the link was issued in (the request form ties itself to it). */
  dialogId?: number;
  /** Lifetime; default 15 minutes. */
  ttlSeconds?: number;
}

export interface SignInLink {
  token: string;
  expiresAt: Date;
}

export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export async function issueSignInLink(ctx: CommandContext, props: IssueSignInLinkProps): Promise<SignInLink> {
  return ctx.database.transaction((tx) => issueSignInLinkInTx(tx, props));
}

export async function issueSignInLinkInTx(tx: Tx, props: IssueSignInLinkProps, now = new Date()): Promise<SignInLink> {
  if (props.userId === undefined && props.telegramUserId === undefined) {
    throw new ValidationError('A sign-in link needs userId or telegramUserId');
  }
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + (props.ttlSeconds ?? 15 * 60) * 1000);
  await tx.db.insert(signInLinks).values({
    tokenHash: hashToken(token),
    userId: props.userId ?? null,
    telegramUserId: props.telegramUserId ?? null,
    dialogId: props.dialogId ?? null,
    expiresAt,
  });
  return { token, expiresAt };
}
