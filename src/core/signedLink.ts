/**
 * Signed, short-lived links (ARCHITECTURE.md §1, step 2): the `/new` link a
 * manager gets in the topic carries the client's Telegram id, and nobody can
 * forge or alter one. HMAC-SHA256 over the content plus an expiry; pure
 * computation, so it lives in `core`.
 *
 * Two shapes:
 * - a token, `<payload>.<sig>` in base64url — for cookies and opaque ids;
 * - a signed query, `?tg_id=1293672691&dialog=5&exp=…&sig=…` — readable
 *   links whose every parameter is covered by the signature.
 *
 * @example
 * const url = signedUrl('https://platform.example', '/new', { tg_id: 1293672691, dialog: 5 }, secret, 900);
 * const check = verifySignedQuery(request.query, secret);
 * if (!check.ok) reply(403, check.reason);
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignedPayload = Record<string, string | number>;
export type VerifyFailure = { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };
/** A query whose signature is right but whose time is over: what it said, so the page can tell the way on. */
export type ExpiredQuery = { ok: false; reason: 'expired'; payload: Record<string, string>; expiresAt: Date };

/** Separates the two uses, so a token's signature is never valid as a query's and vice versa. */
const TOKEN_DOMAIN = 'hotline.token.v1\n';
const QUERY_DOMAIN = 'hotline.query.v1\n';
/** Reserved names: the expiry (unix seconds) and the signature. */
const EXP = 'exp';
const SIG = 'sig';
/** A token longer than this is not one of ours; refusing early bounds the work. */
const MAX_TOKEN_LENGTH = 8192;

function hmac(secret: string, domain: string, data: string): string {
  return createHmac('sha256', secret).update(domain).update(data).digest('base64url');
}

/**
 * Compares the signature text as received with the expected text, in
 * constant time. Comparing text rather than decoded bytes matters: base64url
 * is lenient about the spare bits of the last character, so two different
 * strings can decode to the same bytes — and then a tampered link would pass.
 */
function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function requireSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length === 0) throw new Error('signedLink: the secret is empty (APP_SECRET)');
}

function expiryOf(now: Date, ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds < 0) throw new RangeError(`signedLink: ttlSeconds must be ≥ 0, got ${ttlSeconds}`);
  return Math.floor(now.getTime() / 1000) + Math.floor(ttlSeconds);
}

function isExpired(exp: number, now: Date): boolean {
  return now.getTime() >= exp * 1000;
}

/** A URL-safe token carrying `payload` and an expiry `ttlSeconds` from `now`. `exp` is reserved. */
export function signToken(payload: SignedPayload, secret: string, ttlSeconds: number, now: Date = new Date()): string {
  requireSecret(secret);
  if (EXP in payload) throw new Error(`signedLink: "${EXP}" is reserved in a token payload`);
  const body = Buffer.from(JSON.stringify({ ...payload, [EXP]: expiryOf(now, ttlSeconds) }), 'utf8').toString('base64url');
  return `${body}.${hmac(secret, TOKEN_DOMAIN, body)}`;
}

/**
 * Checks a token from `signToken`: the signature first (so nothing of a
 * forged token is even parsed), then the expiry. The payload comes back
 * without `exp`; `expiresAt` tells when it lapses.
 */
export function verifyToken(
  token: string,
  secret: string,
  now: Date = new Date(),
): { ok: true; payload: SignedPayload; expiresAt: Date } | VerifyFailure {
  requireSecret(secret);
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 2) return { ok: false, reason: 'malformed' };
  const [body, sig] = parts as [string, string];
  if (!/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(sig)) return { ok: false, reason: 'malformed' };
  if (!sameSignature(sig, hmac(secret, TOKEN_DOMAIN, body))) return { ok: false, reason: 'bad_signature' };

  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return { ok: false, reason: 'malformed' };
  const entries: [string, string | number][] = [];
  let exp: number | undefined;
  for (const [key, value] of Object.entries(decoded)) {
    if (key === EXP) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return { ok: false, reason: 'malformed' };
      exp = value;
    } else if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) {
      entries.push([key, value]);
    } else {
      return { ok: false, reason: 'malformed' };
    }
  }
  if (exp === undefined) return { ok: false, reason: 'malformed' };
  if (isExpired(exp, now)) return { ok: false, reason: 'expired' };
  return { ok: true, payload: Object.fromEntries(entries), expiresAt: new Date(exp * 1000) };
}

/**
 * The text a query signature covers: every parameter but `sig`, sorted by
 * name, JSON-encoded so no choice of names or values can make two different
 * sets of parameters look alike.
 */
function canonicalQuery(params: Record<string, string>): string {
  const entries = Object.keys(params)
    .filter((key) => key !== SIG)
    .sort()
    .map((key) => [key, params[key]]);
  return JSON.stringify(entries);
}

/** The query parameters (including `exp` and `sig`) that make `params` a signed link. */
export function signQuery(params: SignedPayload, secret: string, ttlSeconds: number, now: Date = new Date()): Record<string, string> {
  requireSecret(secret);
  if (EXP in params || SIG in params) throw new Error(`signedLink: "${EXP}" and "${SIG}" are reserved query parameters`);
  const query: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(params)) query[key] = String(value);
  query[EXP] = String(expiryOf(now, ttlSeconds));
  query[SIG] = hmac(secret, QUERY_DOMAIN, canonicalQuery(query));
  return query;
}

/**
 * A full link: `signedUrl('https://platform.example', '/new', { tg_id: 1293672691 }, secret, 900)`
 * → `https://platform.example/new?tg_id=1293672691&exp=…&sig=…`.
 */
export function signedUrl(
  base: string,
  path: string,
  params: SignedPayload,
  secret: string,
  ttlSeconds: number,
  now: Date = new Date(),
): string {
  const query = new URLSearchParams(signQuery(params, secret, ttlSeconds, now)).toString();
  const root = base.replace(/\/+$/, '');
  const tail = path.startsWith('/') ? path : `/${path}`;
  return `${root}${tail}?${query}`;
}

/**
 * Checks a query from `signedUrl` as the web framework parsed it. Changing,
 * adding or removing any parameter breaks the signature. The payload comes
 * back as strings, without `exp` and `sig` — also with an `expired` answer,
 * whose signature was checked all the same.
 */
export function verifySignedQuery(
  query: Record<string, unknown>,
  secret: string,
  now: Date = new Date(),
): { ok: true; payload: Record<string, string>; expiresAt: Date } | { ok: false; reason: 'malformed' | 'bad_signature' } | ExpiredQuery {
  requireSecret(secret);
  if (typeof query !== 'object' || query === null) return { ok: false, reason: 'malformed' };
  // Null prototype: a parameter named «__proto__» must be an ordinary (signed) key.
  const params: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(query)) {
    // A repeated parameter arrives as an array: never ours.
    if (typeof value !== 'string') return { ok: false, reason: 'malformed' };
    params[key] = value;
  }
  const sig = params[SIG];
  const expText = params[EXP];
  if (!sig || !expText || !/^[A-Za-z0-9_-]+$/.test(sig) || !/^\d{1,15}$/.test(expText)) return { ok: false, reason: 'malformed' };
  if (!sameSignature(sig, hmac(secret, QUERY_DOMAIN, canonicalQuery(params)))) return { ok: false, reason: 'bad_signature' };
  const exp = Number(expText);
  const payload = Object.fromEntries(Object.entries(params).filter(([key]) => key !== SIG && key !== EXP));
  if (isExpired(exp, now)) return { ok: false, reason: 'expired', payload, expiresAt: new Date(exp * 1000) };
  return { ok: true, payload, expiresAt: new Date(exp * 1000) };
}
