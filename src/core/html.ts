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

/** Grapheme clusters (what a reader sees as one character: an emoji ZWJ sequence, a letter with its marks). */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Shortens `text` to at most `max` UTF-16 code units (the unit Telegram
 * counts its limits in, see core/dialogStatus `TOPIC_TITLE_MAX`), ending with
 * `ellipsis` when something was cut. Cuts only between grapheme clusters
 * (Intl.Segmenter): never inside a surrogate pair, an emoji ZWJ sequence, a
 * flag or a letter with its combining marks — those are kept whole or
 * dropped whole. Spaces before the ellipsis are dropped. An ellipsis longer
 * than `max` is left out (the text is then only cut).
 */
export function truncate(text: string, max: number, ellipsis = '…'): string {
  const limit = Number.isFinite(max) ? Math.max(0, Math.floor(max)) : 0;
  if (text.length <= limit) return text;
  const tail = ellipsis.length <= limit ? ellipsis : '';
  const room = limit - tail.length;
  let end = 0;
  // Lazy: stops at the limit, so a long text is not segmented past it.
  for (const { index, segment } of graphemes.segment(text)) {
    if (index + segment.length > room) break;
    end = index + segment.length;
  }
  const kept = text.slice(0, end);
  return (tail ? kept.trimEnd() : kept) + tail;
}
