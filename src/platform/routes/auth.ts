/** Sign-in with e-mail and password, sign-in by a link from the bot, sign-out, and "who am I". */
import { sql } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canOffer, canRequest, loadViewer } from '../../policies/access.js';
import { NotFoundError } from '../../commands/context.js';
import { verifyPassword } from '../../commands/password.js';
import { redeemSignInLink } from '../../commands/redeemSignInLink.js';
import { verifySignedQuery } from '../../core/signedLink.js';
import { users } from '../../db/schema.js';
import type { RouteOptions } from '../api.js';
import type { SignedInUser } from '../auth/guard.js';
import { createSession, deleteSession, SESSION_COOKIE, SESSION_TTL_MS } from '../auth/sessions.js';

const me = z.object({
  id: z.number(),
  email: z.string().nullable(),
  name: z.string(),
  role: z.enum(['admin', 'manager', 'agent', 'customer']),
  organizationId: z.number(),
  organizationName: z.string(),
  organizationKind: z.enum(['customer', 'agent', 'both']),
  timeZone: z.string(),
  canRequest: z.boolean(),
  canOffer: z.boolean(),
});
const session = z.object({ user: me.nullable(), csrfToken: z.string().optional(), next: z.string().optional() });
const error = z.object({ error: z.string() });

export function describeUser(viewer: SignedInUser): z.infer<typeof me> {
  return {
    id: viewer.userId,
    email: viewer.email,
    name: viewer.name,
    role: viewer.role,
    organizationId: viewer.organizationId,
    organizationName: viewer.organizationName,
    organizationKind: viewer.organizationKind,
    timeZone: viewer.timeZone,
    canRequest: canRequest(viewer),
    canOffer: canOffer(viewer),
  };
}

/** A scrypt run against a fixed hash, so unknown e-mails take as long as wrong passwords. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export const authRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext, loginLimiter, sessionCache }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();

  const startSession = async (reply: FastifyReply, userId: number) => {
    const ctx = getContext();
    const created = await createSession(ctx.database.db, userId);
    reply.setCookie(SESSION_COOKIE, created.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.config.publicUrl.startsWith('https:'),
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    const viewer = await loadViewer(ctx.database.db, userId);
    return { user: viewer ? describeUser(viewer) : null, csrfToken: created.csrfToken };
  };

  app.get(
    '/auth/me',
    { schema: { tags: ['auth'], summary: 'The signed-in user and the CSRF token (user null when signed out)', response: { 200: session } } },
    async (request) => (request.viewer ? { user: describeUser(request.viewer), csrfToken: request.session!.csrfToken } : { user: null }),
  );

  app.post(
    '/auth/sign-in',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password; sets the session cookie',
        body: z.object({ email: z.string().max(320), password: z.string().max(1000) }),
        response: { 200: session, 401: error, 429: error },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const wait = loginLimiter.retryAfter(email, request.ip);
      if (wait > 0) {
        const minutes = Math.max(1, Math.ceil(wait / 60_000));
        return reply
          .code(429)
          .header('retry-after', String(Math.ceil(wait / 1000)))
          .send({ error: `Слишком много неудачных попыток входа. Попробуйте снова через ${minutes} мин.` });
      }
      const { database } = getContext();
      const [user] = await database.db
        .select({ id: users.id, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
        .from(users)
        .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`);
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok || user.disabledAt) {
        loginLimiter.fail(email, request.ip);
        return reply.code(401).send({ error: 'Неверный e-mail или пароль' });
      }
      loginLimiter.succeed(email, request.ip);
      if (request.session) {
        await deleteSession(database.db, request.session.tokenHash);
        sessionCache.evict(request.session.tokenHash);
      }
      return startSession(reply, user.id);
    },
  );

  app.post(
    '/auth/link',
    {
      schema: {
        tags: ['auth'],
        summary: "Sign in by a single-use link token from the bot; `query` is the whole signed query of the bot's /new link, checked first",
        body: z.object({ token: z.string().max(200), query: z.record(z.string(), z.string().max(500)).optional() }),
        response: { 200: session, 404: error },
      },
    },
    async (request, reply) => {
      const ctx = getContext();
      const { query } = request.body;
      // The bot's /new link is signed as a whole: a changed client, dialog or token breaks it before the token is spent.
      if (query) {
        const verified = verifySignedQuery(query, ctx.config.appSecret);
        if (!verified.ok || verified.payload.token !== request.body.token) {
          return reply.code(404).send({ error: 'Ссылка недействительна или уже использована' });
        }
      }
      const redeemed = await redeemSignInLink(ctx, { token: request.body.token }).catch((e: unknown) => {
        if (e instanceof NotFoundError) return null;
        throw e;
      });
      if (!redeemed) return reply.code(404).send({ error: 'Ссылка недействительна или уже использована' });
      if (request.session) {
        await deleteSession(ctx.database.db, request.session.tokenHash);
        sessionCache.evict(request.session.tokenHash);
      }
      const result = await startSession(reply, redeemed.userId);
      return { ...result, ...(redeemed.dialogId ? { next: `/new?dialog=${redeemed.dialogId}` } : {}) };
    },
  );

  app.post(
    '/auth/sign-out',
    { schema: { tags: ['auth'], summary: 'Ends the session', response: { 200: z.object({ ok: z.literal(true) }) } } },
    async (request, reply) => {
      if (request.session) {
        await deleteSession(getContext().database.db, request.session.tokenHash);
        sessionCache.evict(request.session.tokenHash);
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );
};
