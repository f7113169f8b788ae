/**
 * Telegram's proof of who opened a link: the authorization data Telegram adds
 * to a `login_url` button's URL (Bot API, LoginUrl) — the same data the Login
 * Widget gives. Rules from https://core.telegram.org/widgets/login#checking-authorization:
 *
 * - the data is `id`, `first_name`, `last_name`, `username`, `photo_url`,
 *   `auth_date` and `hash` (absent fields are simply not sent);
 * - data-check-string = every received field but `hash`, as `key=value`,
 *   sorted by key, joined by "\n";
 * - secret_key = SHA256(bot_token) (the raw 32 bytes);
 * - `hash` = hex(HMAC-SHA256(data-check-string, secret_key));
 * - "check the auth_date field to prevent the use of outdated data".
 *
 * Pure computation (no I/O), so it lives in `core`. The emulator signs with
 * `telegramLoginHash` too, exactly as Telegram does.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The names Telegram adds to the URL; everything else in the query is ours. */
export const TELEGRAM_LOGIN_FIELDS = ['id', 'first_name', 'last_name', 'username', 'photo_url', 'auth_date', 'hash'] as const;
const FIELD_SET = new Set<string>(TELEGRAM_LOGIN_FIELDS);

export interface TelegramLoginUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  photo_url?: string;
  /** Unix seconds when the user confirmed the sign-in. */
  auth_date: number;
}

export type TelegramLoginFailure = { ok: false; reason: 'absent' | 'malformed' | 'bad_hash' | 'stale' };

/** The data-check-string of Telegram's rule: every field but `hash`, `key=value`, sorted, "\n"-joined. */
export function dataCheckString(fields: Record<string, string>): string {
  return Object.keys(fields)
    .filter((key) => key !== 'hash')
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('\n');
}

/** hex(HMAC-SHA256(data-check-string, SHA256(botToken))) — what Telegram puts in `hash`. */
export function telegramLoginHash(fields: Record<string, string>, botToken: string): string {
  const secretKey = createHash('sha256').update(botToken).digest();
  return createHmac('sha256', secretKey).update(dataCheckString(fields)).digest('hex');
}

/**
 * Splits a query into Telegram's authorization fields and the rest (ours).
 * A repeated parameter (an array) is never Telegram's: it comes back as
 * `malformed` in `telegram` so the check refuses it.
 */
export function splitTelegramLogin(query: Record<string, unknown>): { telegram: Record<string, string>; rest: Record<string, unknown>; malformed: boolean } {
  const telegram: Record<string, string> = Object.create(null);
  const rest: Record<string, unknown> = Object.create(null);
  let malformed = false;
  for (const [key, value] of Object.entries(query)) {
    if (!FIELD_SET.has(key)) rest[key] = value;
    else if (typeof value === 'string') telegram[key] = value;
    else malformed = true;
  }
  return { telegram, rest, malformed };
}

/**
 * Checks Telegram's authorization fields with the bot's token. `maxAgeSeconds`
 * bounds how old `auth_date` may be (a little clock skew into the future is
 * allowed, `futureSkewSeconds`). No `hash` at all is `absent`: the person
 * opened the bare URL (copied it, or declined to share their account).
 */
export function verifyTelegramLogin(
  fields: Record<string, string>,
  botToken: string,
  options: { maxAgeSeconds: number; futureSkewSeconds?: number; now?: Date },
): { ok: true; user: TelegramLoginUser } | TelegramLoginFailure {
  if (!botToken) return { ok: false, reason: 'bad_hash' };
  if (fields.hash === undefined) return { ok: false, reason: 'absent' };
  const { hash, id, auth_date: authDate, first_name: firstName } = fields;
  if (!/^[0-9a-f]{64}$/.test(hash) || !id || !/^[1-9]\d{0,15}$/.test(id) || !authDate || !/^\d{1,12}$/.test(authDate) || firstName === undefined) {
    return { ok: false, reason: 'malformed' };
  }
  for (const value of Object.values(fields)) if (value.length > 1000) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(telegramLoginHash(fields, botToken), 'utf8');
  if (!timingSafeEqual(expected, Buffer.from(hash, 'utf8'))) return { ok: false, reason: 'bad_hash' };
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const age = nowSeconds - Number(authDate);
  if (age > options.maxAgeSeconds || age < -(options.futureSkewSeconds ?? 60)) return { ok: false, reason: 'stale' };
  const user: TelegramLoginUser = { id: Number(id), first_name: firstName, auth_date: Number(authDate) };
  if (fields.last_name !== undefined) user.last_name = fields.last_name;
  if (fields.username !== undefined) user.username = fields.username;
  if (fields.photo_url !== undefined) user.photo_url = fields.photo_url;
  return { ok: true, user };
}
