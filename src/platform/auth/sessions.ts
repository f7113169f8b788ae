/**
 * Platform sessions: the http-only cookie `hotline_session` holds a random
 * token, the database keeps only its hash, the user and the CSRF token the
 * web app must echo in `x-csrf-token` on every state-changing call.
 */
import crypto from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { sessions } from '../../db/schema.js';
import { hashToken } from '../../commands/issueSignInLink.js';

export const SESSION_COOKIE = 'hotline_session';
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

export interface SessionRow {
  userId: number;
  csrfToken: string;
  tokenHash: string;
}

/** The most a session may do; only 'manager' exists: what a bot link grants at most. */
export type RoleCap = 'manager';

/**
 * The role a session acts with: its user's role, lowered to the cap. A link
 * from the bot proves a Telegram account, which is a manager's proof, so an
 * admin who signs in by one acts as a manager (ARCHITECTURE §9: a link never
 * grants more than that person's role — and no more than what a link is for).
 */
export function cappedRole<R extends string>(role: R, cap: string | null | undefined): R | 'manager' {
  return cap === 'manager' && role === 'admin' ? 'manager' : role;
}

export async function createSession(
  db: Db,
  userId: number,
  now = new Date(),
  options: { roleCap?: RoleCap } = {},
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const csrfToken = crypto.randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.insert(sessions).values({ tokenHash: hashToken(token), userId, csrfToken, expiresAt, roleCap: options.roleCap ?? null });
  // Housekeeping on sign-in rather than in a job: expired rows are few and cheap to drop.
  await db.delete(sessions).where(and(eq(sessions.userId, userId), lt(sessions.expiresAt, now)));
  return { token, csrfToken, expiresAt };
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

/** Constant-time comparison of the CSRF header with the session's token. */
export function csrfMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
