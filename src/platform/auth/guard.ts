/**
 * Who is calling: reads the session cookie on every API request, loads the
 * user (as a `Viewer`), and enforces CSRF on state-changing calls — a session
 * without the matching `x-csrf-token` header answers 403.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import type { loadViewer, Viewer } from '../../policies/access.js';
import type { CommandContext } from '../../commands/context.js';
import { hashToken } from '../../commands/issueSignInLink.js';
import { cappedRole, csrfMatches, SESSION_COOKIE, type SessionRow } from './sessions.js';

export type SignedInUser = NonNullable<Awaited<ReturnType<typeof loadViewer>>>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, or null. */
    viewer: SignedInUser | null;
    session: SessionRow | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Calls that start a session cannot carry its CSRF token yet (JSON-only bodies keep cross-site forms out). */
const NO_SESSION_NEEDED = /^\/api\/auth\/(sign-in|link)(\?|$)/;

/** Signed-in lookups kept a few seconds: every API call needs one. */
export const SESSION_CACHE_MS = 5_000;
/** Signed-in lookups kept at most; the least recently used go first (a pushed-out one is read from the database again). */
const SESSIONS_KEPT = 10_000;
type SignedIn = { session: SessionRow; viewer: SignedInUser };
/** One session ended (`tokenHash`), or every session of a user (`userId`). */
export type SessionEnded = { tokenHash: string; userId?: undefined } | { userId: number; tokenHash?: undefined };

/**
 * Remembers recent session lookups by token hash for `SESSION_CACHE_MS`, at
 * most SESSIONS_KEPT of them (lru-cache's LRUCache). Signing out evicts at
 * once; so does a command that ends a user's sessions (it publishes
 * `sessions` on the LiveBus), so a disabled user is out at once on this
 * instance. Other changes (an organization renamed) show within
 * `SESSION_CACHE_MS`.
 */
export class SessionCache {
  private readonly entries = new LRUCache<string, SignedIn>({ max: SESSIONS_KEPT, ttl: SESSION_CACHE_MS });
  private subscribed = false;
  private readonly endedListeners = new Set<(ended: SessionEnded) => void>();

  /**
   * Calls `listener` whenever a session ends on this instance (sign-out, a
   * sign-in replacing it) or all of a user's do (disabled, new password):
   * open live streams close on it. Returns the function that stops listening.
   */
  onEnded(listener: (ended: SessionEnded) => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  /** The lookup kept for `tokenHash` (a session token's SHA-256, hex), or undefined when none is kept or it expired. */
  get(tokenHash: string): SignedIn | undefined {
    return this.entries.get(tokenHash);
  }

  /** Keeps a signed-in lookup for SESSION_CACHE_MS (unknown tokens are not kept: findSignedIn). */
  set(tokenHash: string, value: SignedIn): void {
    this.entries.set(tokenHash, value);
  }

  /** Forgets session `tokenHash` and tells the listeners it ended. */
  evict(tokenHash: string): void {
    this.entries.delete(tokenHash);
    for (const listener of [...this.endedListeners]) listener({ tokenHash });
  }

  /** Forgets every kept session of `userId` and tells the listeners they ended. */
  evictUser(userId: number): void {
    const gone: string[] = [];
    for (const [key, value] of this.entries.entries()) if (value.session.userId === userId) gone.push(key);
    for (const key of gone) this.entries.delete(key);
    for (const listener of [...this.endedListeners]) listener({ userId });
  }

  /** Listens for "this user's sessions ended" once the command context exists. */
  listen(ctx: CommandContext): void {
    if (this.subscribed) return;
    this.subscribed = true;
    ctx.live.subscribe('sessions', (message) => {
      const userId = (message.data as { userId?: number } | undefined)?.userId;
      if (typeof userId === 'number') this.evictUser(userId);
    });
  }
}

export function authHook(getContext: () => CommandContext, cache: SessionCache) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    request.viewer = null;
    request.session = null;
    const ctx = getContext();
    cache.listen(ctx);
    const found = await findSignedIn(ctx.database.pool, request.cookies[SESSION_COOKIE], cache);
    if (found) {
      request.viewer = found.viewer;
      request.session = found.session;
    }
    if (SAFE_METHODS.has(request.method) || NO_SESSION_NEEDED.test(request.url)) return;
    if (!request.session) return reply.code(401).send({ error: 'Войдите в систему' });
    if (!csrfMatches(request.session.csrfToken, request.headers['x-csrf-token'])) {
      return reply.code(403).send({ error: 'Нет CSRF-токена: обновите страницу и повторите' });
    }
  };
}

/**
 * The session and its user in one round trip, as a named prepared statement:
 * this runs on every API call, so it skips the query builder. Null when the
 * token is unknown, expired or signed out, or the user is disabled. Long-lived
 * calls (the live stream) ask again before every event.
 */
export async function findSignedIn(pool: pg.Pool, token: string | undefined, cache: SessionCache): Promise<SignedIn | null> {
  if (!token || token.length > 100) return null;
  const tokenHash = hashToken(token);
  const cached = cache.get(tokenHash);
  if (cached) return cached;
  const result = await pool.query<{
    user_id: number;
    csrf_token: string;
    organization_id: number;
    role: SignedInUser['role'];
    name: string;
    email: string | null;
    time_zone: string;
    kind: SignedInUser['organizationKind'];
    organization_name: string;
    role_cap: string | null;
  }>({
    name: 'hotline_signed_in',
    text: `select s.user_id, s.csrf_token, s.role_cap, u.organization_id, u.role, u.name, u.email, u.time_zone, o.kind, o.name as organization_name
           from sessions s
           join users u on u.id = s.user_id
           join organizations o on o.id = u.organization_id
           where s.token_hash = $1 and s.expires_at > now() and u.disabled_at is null`,
    values: [tokenHash],
  });
  const row = result.rows[0];
  // Unknown tokens are not cached: a session created a moment later must work at once.
  if (!row) return null;
  const found: SignedIn = {
    session: { userId: Number(row.user_id), csrfToken: row.csrf_token, tokenHash },
    viewer: {
      userId: Number(row.user_id),
      organizationId: Number(row.organization_id),
      role: cappedRole(row.role, row.role_cap),
      name: row.name,
      email: row.email,
      timeZone: row.time_zone,
      organizationKind: row.kind,
      organizationName: row.organization_name,
    },
  };
  cache.set(tokenHash, found);
  return found;
}

/** The signed-in viewer, or a 401 answer. */
export function requireViewer(request: FastifyRequest): Viewer & SignedInUser {
  if (!request.viewer) throw new UnauthorizedError();
  return request.viewer;
}

export class UnauthorizedError extends Error {
  constructor() {
    super('Войдите в систему');
    this.name = 'UnauthorizedError';
  }
}
