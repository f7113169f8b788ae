/**
 * `login_url` inline buttons, as Telegram handles them (Bot API, LoginUrl):
 * the bot sends `{ text, login_url: { url, forward_text?, bot_username?,
 * request_write_access? } }`; when a user presses it, Telegram opens `url`
 * with the user's authorization data added to the query string — `id`,
 * `first_name`, `last_name`, `username`, `photo_url`, `auth_date`, `hash` —
 * "the same as described in Receiving authorization data"
 * (https://core.telegram.org/widgets/login#receiving-authorization-data), the
 * hash being HMAC-SHA256 of the data-check-string keyed by SHA256(bot token).
 * No update reaches the bot: the press is between the user and the site.
 *
 * Where the emulator is lighter than Telegram: Telegram requires an HTTPS URL
 * on the domain linked to the bot in @BotFather (/setdomain) and asks the user
 * to confirm; the emulator accepts http(s) on any host (the sandbox runs on
 * http://localhost) and the press is the confirmation. A user without a
 * photo gets no `photo_url`, as in Telegram (absent fields are not sent).
 */
import type { InlineKeyboardButton, User } from '@grammyjs/types';
import { telegramLoginHash } from '../core/telegramLogin.js';
import { badRequest } from './errors.js';

/** What Telegram answers for a malformed login_url (Bot API server: "BUTTON_URL_INVALID"). */
const URL_INVALID = 'BUTTON_URL_INVALID';

/** Checks a button's `login_url` the way sendMessage does; called while validating reply_markup. */
export function validateLoginUrlButton(button: Record<string, unknown>): void {
  if (!('login_url' in button)) return;
  const login = button.login_url as Record<string, unknown> | null;
  if (typeof login !== 'object' || login === null || typeof login.url !== 'string') {
    throw badRequest("can't parse inline keyboard button: LoginUrl must be an Object");
  }
  let parsed: URL;
  try {
    parsed = new URL(login.url);
  } catch {
    throw badRequest(URL_INVALID);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw badRequest(URL_INVALID);
}

/**
 * The URL the user's app opens when `user` presses a `login_url` button of
 * the bot whose token is `botToken`: the button's URL plus the signed
 * authorization data of `user` (auth_date = `now`).
 */
export function loginUrlFor(url: string, user: User, botToken: string, now: Date = new Date()): string {
  const fields: Record<string, string> = { id: String(user.id), first_name: user.first_name, auth_date: String(Math.floor(now.getTime() / 1000)) };
  if (user.last_name) fields.last_name = user.last_name;
  if (user.username) fields.username = user.username;
  const target = new URL(url);
  for (const [key, value] of Object.entries(fields)) target.searchParams.set(key, value);
  target.searchParams.set('hash', telegramLoginHash(fields, botToken));
  return target.toString();
}

/** The login_url button of a message: by its text, else the only one. */
export function findLoginUrlButton(buttons: InlineKeyboardButton[], text?: string): InlineKeyboardButton.LoginButton | undefined {
  const logins = buttons.filter((b): b is InlineKeyboardButton.LoginButton => 'login_url' in b && b.login_url !== undefined);
  if (text !== undefined) return logins.find((b) => b.text === text);
  return logins.length === 1 ? logins[0] : undefined;
}
