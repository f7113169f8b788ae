/** Sign-in with e-mail and password, sign-in by a link from the bot, sign-out, and "who am I". */
import { eq, sql } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { messageCode } from './schemas.js';
import { canOffer, canRequest, loadViewer } from '../../policies/access.js';
import { NotFoundError, type CommandContext } from '../../commands/context.js';
import { hashToken } from '../../commands/issueSignInLink.js';
import { REQUEST_LINK_TTL_SECONDS } from '../../commands/issueRequestLink.js';
import { splitTelegramLogin, verifyTelegramLogin } from '../../core/telegramLogin.js';
import { verifyPassword } from '../../commands/password.js';
import { redeemSignInLink } from '../../commands/redeemSignInLink.js';
import { verifySignedQuery } from '../../core/signedLink.js';
import { signInLinks, users } from '../../db/schema.js';
import type { RouteOptions } from '../api.js';
import type { SignedInUser } from '../auth/guard.js';
import { accountKey, DEVICE_COOKIE, DEVICE_COOKIE_TTL_SECONDS, deviceCookieFor, isTrustedDevice } from '../auth/loginLimiter.js';
import { cappedRole, createSession, deleteSession, SESSION_COOKIE, SESSION_TTL_MS, type RoleCap } from '../auth/sessions.js';

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
const error = z.object({ error: z.string(), code: messageCode.optional() });
const linkRefusal = z.object({
  error: z.string(),
  code: messageCode.optional(),
  reason: z.enum(['telegram_required', 'other_manager', 'expired', 'used']),
  owner: z.string().optional(),
  next: z.string().optional(),
});

const LINK_REFUSED = 'Ссылка недействительна или уже использована';
const LINK_EXPIRED = 'Ссылка устарела: она действует несколько минут. Наберите /new в теме клиента ещё раз.';
const LINK_USED = 'По этой ссылке уже вошли: она одноразовая. Наберите /new в теме клиента ещё раз.';
const LINK_NEEDS_TELEGRAM =
  'Откройте ссылку кнопкой «Создать заявку» под сообщением бота в Telegram и подтвердите вход: без подтверждения Telegram ссылка не входит на платформу.';

/** A sign-in link by its token, with its user — read without spending it. */
async function findSignInLink(ctx: CommandContext, token: string) {
  if (!token || token.length > 200) return undefined;
  const [link] = await ctx.database.db.select().from(signInLinks).where(eq(signInLinks.tokenHash, hashToken(token)));
  if (!link) return undefined;
  const [user] = await ctx.database.db
    .select({ id: users.id, name: users.name, telegramUserId: users.telegramUserId, disabledAt: users.disabledAt })
    .from(users)
    .where(link.userId !== null ? eq(users.id, link.userId) : eq(users.telegramUserId, link.telegramUserId ?? -1));
  return { ...link, user };
}

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

export const authRoutes: FastifyPluginAsync<RouteOptions> = async (
  instance,
  { getContext, loginLimiter, sessionCache, telegramLoginToken, signInRequestsPerMinute },
) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();

  const startSession = async (reply: FastifyReply, userId: number, roleCap?: RoleCap) => {
    const ctx = getContext();
    const created = await createSession(ctx.database.db, userId, new Date(), { roleCap });
    reply.setCookie(SESSION_COOKIE, created.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.config.publicUrl.startsWith('https:'),
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    const viewer = await loadViewer(ctx.database.db, userId);
    return { user: viewer ? describeUser({ ...viewer, role: cappedRole(viewer.role, roleCap) }) : null, csrfToken: created.csrfToken };
  };

  app.get(
    '/auth/me',
    { schema: { tags: ['auth'], summary: 'The signed-in user and the CSRF token (user null when signed out)', response: { 200: session } } },
    async (request) => (request.viewer ? { user: describeUser(request.viewer), csrfToken: request.session!.csrfToken } : { user: null }),
  );

  // Per address, whatever the outcome: bounds the scrypt work and link guessing one address can ask for
  // (the failure-keyed throttle is LoginLimiter's; see its doc comment for the whole design).
  await instance.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`Слишком много попыток входа с этого адреса. Попробуйте снова через ${Math.max(1, Math.ceil(context.ttl / 1000))} с.`), {
        statusCode: context.statusCode,
      }),
  });
  const perAddress = { rateLimit: { max: signInRequestsPerMinute, timeWindow: 60_000 } };

  /**
   * Sign-in with e-mail and password. 200 the session (and the device cookie
   * that marks this browser as the account's own); 401 a wrong e-mail or
   * password (the same answer for both); 429 + Retry-After (seconds) when
   * LoginLimiter holds the attempt back — by address, by (address, account), or
   * an account under attack slowing untrusted attempts — or when the address
   * sends more than `signInRequestsPerMinute` requests a minute.
   */
  app.post(
    '/auth/sign-in',
    {
      config: perAddress,
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password; sets the session cookie',
        body: z.strictObject({ email: z.string().max(320), password: z.string().max(1000) }),
        response: { 200: session, 401: error, 429: error },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const { database, config } = getContext();
      const trustedDevice = isTrustedDevice(request.cookies[DEVICE_COOKIE], email, config.appSecret);
      const throttle = loginLimiter.admit(email, request.ip, { trustedDevice });
      if ('by' in throttle) {
        const minutes = Math.max(1, Math.ceil(throttle.waitMs / 60_000));
        return reply
          .code(429)
          .header('retry-after', String(Math.ceil(throttle.waitMs / 1000)))
          .send({
            error:
              throttle.by === 'source'
                ? `Слишком много неудачных попыток входа с этого адреса. Попробуйте снова через ${minutes} мин.`
                : `Слишком много неудачных попыток входа. Попробуйте снова через ${minutes} мин.`,
          });
      }
      const [user] = await database.db
        .select({ id: users.id, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
        .from(users)
        .where(sql`lower(${users.email}) = ${accountKey(email)}`);
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok || user.disabledAt) {
        loginLimiter.fail(email, request.ip, { trustedDevice });
        return reply.code(401).send({ error: 'Неверный e-mail или пароль' });
      }
      loginLimiter.succeed(email, request.ip, { trustedDevice });
      if (request.session) {
        await deleteSession(database.db, request.session.tokenHash);
        sessionCache.evict(request.session.tokenHash);
      }
      reply.setCookie(DEVICE_COOKIE, deviceCookieFor(email, config.appSecret), {
        path: '/api/auth',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.publicUrl.startsWith('https:'),
        maxAge: DEVICE_COOKIE_TTL_SECONDS,
      });
      return startSession(reply, user.id);
    },
  );

  /**
   * The bot's `/new` link, opened through Telegram's `login_url` button. The
   * query holds two signed parts, checked before the single-use token is spent:
   * - ours: `tg_id`, `dialog`, `manager` (the Telegram id of who typed /new),
   *   `token`, `exp`, `sig` — HMAC with APP_SECRET (core/signedLink.ts);
   * - Telegram's: `id`, `first_name`, …, `auth_date`, `hash` — HMAC keyed by
   *   SHA256(bot token) (core/telegramLogin.ts; Telegram's Checking authorization).
   * It signs in only when Telegram's `id` is the link's `manager`, `auth_date`
   * is within the link's lifetime, and the token is unused and unexpired; the
   * session is capped at the manager role (an admin's too).
   *
   * Answers: 200 the session (+ `next`, the form of the link's dialog);
   * 404 `Ссылка недействительна…` for anything not ours (no signature, a forged
   * or altered one, an unknown token, a bad Telegram hash) — nothing spent;
   * 403 `reason: 'telegram_required'` when Telegram's data is absent (a copied
   * URL, or sign-in declined in Telegram); 403 `reason: 'other_manager'` with
   * `owner`, the name of whose link it is; 410 `reason: 'expired' | 'used'`
   * with the way on — and `next` when the caller is already signed in as the
   * link's manager, so they can continue to that client's form.
   */
  app.post(
    '/auth/link',
    {
      config: perAddress,
      schema: {
        tags: ['auth'],
        summary: "Sign in by the bot's /new link: `query` is the whole query the page was opened with (the link's signed parameters and Telegram's login data)",
        body: z.strictObject({ token: z.string().max(200), query: z.record(z.string(), z.string().max(1000)).optional() }),
        response: { 200: session, 403: linkRefusal, 404: error, 410: linkRefusal, 429: error },
      },
    },
    async (request, reply) => {
      const ctx = getContext();
      const refuse = () => reply.code(404).send({ error: LINK_REFUSED });
      // Without the signed query the token is nothing: a bare token used to work (the query was optional).
      if (!request.body.query) return refuse();
      const { telegram, rest, malformed } = splitTelegramLogin(request.body.query);
      const checked = verifySignedQuery(rest, ctx.config.appSecret);
      if (!checked.ok && checked.reason !== 'expired') return refuse();
      const payload = checked.payload;
      if (payload.token !== request.body.token || !/^[1-9]\d{0,15}$/.test(payload.manager ?? '')) return refuse();
      const managerTelegramId = Number(payload.manager);

      const link = await findSignInLink(ctx, request.body.token);
      if (!link || !link.user || link.user.disabledAt || link.user.telegramUserId !== managerTelegramId) return refuse();
      const continueTo = link.dialogId ? `/new?dialog=${link.dialogId}` : undefined;
      const gone = (reason: 'expired' | 'used') =>
        reply.code(410).send({
          error: reason === 'used' ? LINK_USED : LINK_EXPIRED,
          reason,
          // Already signed in as this manager: the form for that client is one click away.
          ...(continueTo && request.viewer?.userId === link.user!.id ? { next: continueTo } : {}),
        });
      if (link.usedAt) return gone('used');
      if (!checked.ok || link.expiresAt.getTime() <= Date.now()) return gone('expired');

      const proof = malformed
        ? ({ ok: false, reason: 'malformed' } as const)
        : verifyTelegramLogin(telegram, telegramLoginToken ?? '', { maxAgeSeconds: REQUEST_LINK_TTL_SECONDS });
      if (!proof.ok) {
        if (proof.reason === 'absent') return reply.code(403).send({ error: LINK_NEEDS_TELEGRAM, reason: 'telegram_required' });
        if (proof.reason === 'stale') return gone('expired');
        return refuse();
      }
      if (proof.user.id !== managerTelegramId) {
        return reply.code(403).send({
          error: `Эта ссылка создана для другого менеджера (${link.user.name}) и входит на платформу только под его учётной записью. Чтобы создать заявку, наберите /new в теме клиента сами.`,
          reason: 'other_manager',
          owner: link.user.name,
        });
      }

      const redeemed = await redeemSignInLink(ctx, { token: request.body.token }).catch((e: unknown) => {
        if (e instanceof NotFoundError) return null;
        throw e;
      });
      // Spent a moment ago by a concurrent request, or the user was disabled meanwhile.
      if (!redeemed) return gone('used');
      if (request.session) {
        await deleteSession(ctx.database.db, request.session.tokenHash);
        sessionCache.evict(request.session.tokenHash);
      }
      const result = await startSession(reply, redeemed.userId, 'manager');
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
