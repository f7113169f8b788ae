/**
 * One check per field, shared by every channel (web form, REST API, Telegram
 * commands): the limits of text a person types and of dates, so that what
 * one channel accepts another never refuses, and nothing outside the
 * database's own domain (a NUL byte, a year PostgreSQL cannot store) ever
 * reaches SQL. Messages are Russian sentences for the person who typed it.
 */

/** Shortest password (also ADMIN_PASSWORD's rule in config.ts). */
export const PASSWORD_MIN_LENGTH = 10;
/**
 * Longest password: the same when it is set and when it is used to sign in
 * (the sign-in route's limit), so a password that can be set can be used.
 * Long enough for any pass phrase; bounds the hashing work.
 */
export const PASSWORD_MAX_LENGTH = 1000;
/** Longest user name (a person's full name with room to spare). */
export const USER_NAME_MAX_LENGTH = 200;
/** Longest e-mail address (RFC 3696 errata: 320 characters). */
export const EMAIL_MAX_LENGTH = 320;
/** Longest file name kept for a document (characters, extension included). */
export const FILE_NAME_MAX_LENGTH = 200;

/** Why a new password is not acceptable, or null. */
export function passwordProblem(password: string | undefined): string | null {
  if (!password || password.length < PASSWORD_MIN_LENGTH) return `Пароль: не короче ${PASSWORD_MIN_LENGTH} символов`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Пароль: не длиннее ${PASSWORD_MAX_LENGTH} символов`;
  if (password.includes('\u0000')) return 'Пароль не может содержать символ NUL';
  return null;
}

/** Why a user name (already trimmed) is not acceptable, or null. */
export function userNameProblem(name: string): string | null {
  if (!name) return 'Укажите имя';
  if (name.length > USER_NAME_MAX_LENGTH) return `Имя: не длиннее ${USER_NAME_MAX_LENGTH} символов`;
  return null;
}

/**
 * PostgreSQL text cannot hold U+0000 (it refuses the whole value with
 * 22021). Text that came from outside and must be kept (a client's Telegram
 * message) has it replaced by U+FFFD, the replacement character, so the
 * person still sees that something was there.
 */
export function replaceNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/**
 * The dotted path of the first string holding a NUL byte inside a parsed
 * body, query or params object (`'beneficiary.name'`, `'q'`), or undefined.
 * Keys count too: JSON object keys can carry NUL as well.
 */
export function findNul(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : undefined;
  if (!value || typeof value !== 'object' || depth > 32) return undefined;
  if (Buffer.isBuffer(value)) return undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const itemPath = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return itemPath;
    const found = findNul(item, itemPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Dates the app works with: contracts, invoices, deadlines, list filters.
 * Far inside PostgreSQL's range (4713 BC – 294276 AD), and wide enough for
 * any real document.
 */
export const DATE_MIN = '1990-01-01';
export const DATE_MAX = '2100-12-31';

/**
 * An ISO date (`2026-12-01`) or date-time (`2026-12-01T10:00:00Z`, with an
 * offset or Z) inside [DATE_MIN, DATE_MAX], as a Date; null when it is not
 * one. A four-digit year only: `+275000-01-01` and `-000001-01-01` are
 * refused, as are dates that do not exist (`2026-02-30`).
 */
export function parseIsoDateTime(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text.trim());
  if (!match) return null;
  const [, year, month, day] = match;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (calendar.getUTCFullYear() !== Number(year) || calendar.getUTCMonth() !== Number(month) - 1 || calendar.getUTCDate() !== Number(day)) return null;
  const date = new Date(match[4] ? text.trim() : `${year}-${month}-${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return null;
  const iso = `${year}-${month}-${day}`;
  if (iso < DATE_MIN || iso > DATE_MAX) return null;
  return date;
}

/** What a date written YYYY-MM-DD that names no day is told (isoDateNamesNoDay): message code `hours.noSuchDate`, also the working hours' (core/workingHours). */
export const DATE_NO_SUCH_DAY = 'Такого дня в календаре нет — проверьте число и месяц';

/**
 * Whether `text` is written as an ISO date (`YYYY-MM-DD`, a time may follow)
 * whose day the calendar has not — 2026-02-31, 2027-02-29, 2026-13-01,
 * 2026-01-00 —: such a date is told DATE_NO_SUCH_DAY, not that its format is
 * wrong or that it lies in the future. False for any other text.
 */
export function isoDateNamesNoDay(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(text.trim());
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1000) return false;
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day;
}
