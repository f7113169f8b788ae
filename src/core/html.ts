/**
 * Text that users typed is escaped wherever it is rendered (ARCHITECTURE.md
 * §5): Telegram's HTML parse mode and the web page both go through here.
 *
 * @example
 * `<b>${escapeHtml(client.name)}</b>` // a name like «<script>» stays text
 * truncate(text, 4096)               // fits a Telegram message
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes &, <, >, " and '. Telegram's HTML mode knows &amp; &lt; &gt;
 * &quot; and every numeric entity, so the result is valid there and in
 * HTML text or attribute values alike.
 */
export function escapeHtml(text: string): string {
  return String(text ?? '').replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/**
 * A person named in a Telegram HTML message so that Telegram notifies them: a
 * link `tg://user?id=…` to their account when we know it (Bot API,
 * «Formatting options»: «inline mention of a user»), else their name as text.
 * The name is escaped here.
 */
export function mentionHtml(person: { name: string; telegramUserId: number | null }): string {
  const name = escapeHtml(person.name);
  return person.telegramUserId ? `<a href="tg://user?id=${Math.trunc(person.telegramUserId)}">${name}</a>` : name;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * Shortens `text` to at most `max` UTF-16 code units (the unit Telegram
 * counts its limits in), ending with `ellipsis` when something was cut. Never
 * splits a surrogate pair, so an emoji is kept whole or dropped whole.
 */
export function truncate(text: string, max: number, ellipsis = '…'): string {
  const limit = Number.isFinite(max) ? Math.max(0, Math.floor(max)) : 0;
  if (text.length <= limit) return text;
  const tail = ellipsis.length <= limit ? ellipsis : '';
  let end = limit - tail.length;
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(0, end) + tail;
}
