/**
 * Who is calling: reads the session cookie on every API request, loads the
 * user (as a `Viewer`), and enforces CSRF on state-changing calls — a session
 * without the matching `x-csrf-token` header answers 403.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { loadViewer, Viewer } from '../../commands/access.js';
import type { CommandContext } from '../../commands/context.js';
import { hashToken } from '../../commands/issueSignInLink.js';
import { csrfMatches, SESSION_COOKIE, type SessionRow } from './sessions.js';

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

export function authHook(getContext: () => CommandContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    request.viewer = null;
    request.session = null;
    const { database } = getContext();
    const found = await findSignedIn(database.pool, request.cookies[SESSION_COOKIE]);
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
 * this runs on every API call, so it skips the query builder.
 */
async function findSignedIn(pool: pg.Pool, token: string | undefined): Promise<{ session: SessionRow; viewer: SignedInUser } | null> {
  if (!token || token.length > 100) return null;
  const tokenHash = hashToken(token);
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
  }>({
    name: 'hotline_signed_in',
    text: `select s.user_id, s.csrf_token, u.organization_id, u.role, u.name, u.email, u.time_zone, o.kind, o.name as organization_name
           from sessions s
           join users u on u.id = s.user_id
           join organizations o on o.id = u.organization_id
           where s.token_hash = $1 and s.expires_at > now() and u.disabled_at is null`,
    values: [tokenHash],
  });
  const row = result.rows[0];
  if (!row) return null;
  return {
    session: { userId: Number(row.user_id), csrfToken: row.csrf_token, tokenHash },
    viewer: {
      userId: Number(row.user_id),
      organizationId: Number(row.organization_id),
      role: row.role,
      name: row.name,
      email: row.email,
      timeZone: row.time_zone,
      organizationKind: row.kind,
      organizationName: row.organization_name,
    },
  };
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
