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

/** `issueSignInLinkInTx` in a transaction of its own. */
export async function issueSignInLink(ctx: CommandContext, props: IssueSignInLinkProps): Promise<SignInLink> {
  return ctx.database.transaction((tx) => issueSignInLinkInTx(tx, props));
}

/**
 * Stores a new link's token hash and returns the raw token with its expiry
 * (`now` + `ttlSeconds`, default 15 minutes).
 *
 * Throws a TypeError when neither `userId` nor `telegramUserId` is given: a
 * caller's mistake, not a person's input — no route or bot command lets
 * anyone ask for a link (the bot's `/new` goes through issueRequestLink with
 * the manager's user id). It is therefore no ValidationError: that would be
 * a 400 refusal with a sentence for people, and this one has none to say.
 */
export async function issueSignInLinkInTx(tx: Tx, props: IssueSignInLinkProps, now = new Date()): Promise<SignInLink> {
  if (props.userId === undefined && props.telegramUserId === undefined) {
    throw new TypeError('issueSignInLink: pass userId or telegramUserId');
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
