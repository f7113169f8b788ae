/**
 * Who is calling: reads the session cookie on every API request, loads the
 * user (as a `Viewer`), and enforces CSRF on state-changing calls — a session
 * without the matching `x-csrf-token` header answers 403.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { loadViewer, type Viewer } from '../../commands/access.js';
import type { CommandContext } from '../../commands/context.js';
import { csrfMatches, findSession, SESSION_COOKIE, type SessionRow } from './sessions.js';

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
    const session = await findSession(database.db, request.cookies[SESSION_COOKIE]);
    if (session) {
      const viewer = await loadViewer(database.db, session.userId);
      if (viewer) {
        request.viewer = viewer;
        request.session = session;
      }
    }
    if (SAFE_METHODS.has(request.method) || NO_SESSION_NEEDED.test(request.url)) return;
    if (!request.session) return reply.code(401).send({ error: 'Войдите в систему' });
    if (!csrfMatches(request.session.csrfToken, request.headers['x-csrf-token'])) {
      return reply.code(403).send({ error: 'Нет CSRF-токена: обновите страницу и повторите' });
    }
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
