/**
 * Messages the bot composes around what users wrote ("✏️ Сообщение изменено:"
 * notes, merged texts, content Telegram refused to copy): one place that keeps
 * the user's formatting and Telegram's length limits.
 *
 * Telegram's rules (Bot API docs, sendMessage / MessageEntity):
 * - `text` is "1-4096 characters after entities parsing", a caption
 *   "0-1024 characters" — longer is refused ("message is too long").
 * - Entity `offset` and `length` are "in UTF-16 code units", which is what a
 *   JavaScript string's `length` counts; so shifting an entity by the length
 *   of the text put before it keeps it on the same characters.
 * Lengths here are UTF-16 units too; that never undercounts Telegram's
 * characters (a character is one or two units), so what fits here fits there.
 */

/** A Bot API MessageEntity, as stored (other fields such as `url` ride along). */
export type Entity = { type: string; offset: number; length: number } & Record<string, unknown>;

/** Text with its entities, as Telegram sends and takes them. */
export interface FormattedText {
  text: string;
  entities?: Entity[];
}

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/** Plain text the bot adds (no entities). */
export function plain(text: string): FormattedText {
  return { text };
}

/** Pieces one after another, entities shifted by what precedes them. */
export function joinTexts(pieces: FormattedText[]): FormattedText {
  let text = '';
  const entities: Entity[] = [];
  for (const piece of pieces) {
    for (const entity of piece.entities ?? []) entities.push({ ...entity, offset: entity.offset + text.length });
    text += piece.text;
  }
  return entities.length ? { text, entities } : { text };
}

/** The part of `source` in [start, end), entities clipped to it and shifted to start at 0. */
export function sliceText(source: FormattedText, start: number, end: number): FormattedText {
  const text = source.text.slice(start, end);
  const entities: Entity[] = [];
  for (const entity of source.entities ?? []) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, end);
    if (to > from) entities.push({ ...entity, offset: from - start, length: to - from });
  }
  return entities.length ? { text, entities } : { text };
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * Where to cut `text` so that the part before is at most `max` units: after
 * a line break or a space in the last quarter if there is one, never inside
 * a surrogate pair (an emoji) or an entity's middle if avoidable.
 */
function cutPoint(text: string, start: number, max: number): number {
  let end = start + max;
  if (end >= text.length) return text.length;
  const window = text.slice(start + Math.floor(max * 0.75), end);
  const newline = window.lastIndexOf('\n');
  const space = window.lastIndexOf(' ');
  const soft = newline >= 0 ? newline : space;
  if (soft >= 0) return start + Math.floor(max * 0.75) + soft + 1;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return end;
}

/**
 * The composed text as Telegram messages of at most `limit` units each: one
 * message when it fits, else consecutive parts (nothing is dropped; an entity
 * that crosses a cut continues in the next part).
 */
export function splitText(source: FormattedText, limit = TEXT_LIMIT): FormattedText[] {
  if (source.text.length <= limit) return [source];
  const parts: FormattedText[] = [];
  for (let start = 0; start < source.text.length; ) {
    const end = cutPoint(source.text, start, limit);
    parts.push(sliceText(source, start, end));
    start = end;
  }
  return parts;
}

/**
 * The composed text cut to `limit` units with `overflow` (e.g. a pointer to
 * the platform, where the whole text is kept) at the end — for places that
 * must stay one message (a caption, an edit of one message).
 */
export function shortenText(source: FormattedText, limit: number, overflow: string): FormattedText {
  if (source.text.length <= limit) return source;
  const end = cutPoint(source.text, 0, Math.max(0, limit - overflow.length));
  return joinTexts([sliceText(source, 0, end), plain(overflow)]);
}

/**
 * A note the bot posts about user content: `header` (the bot's words),
 * then the user's formatted text, split into as many messages as Telegram's
 * limit needs. Every part but the first repeats nothing: it continues.
 */
export function composeNote(header: string, body: FormattedText | undefined, limit = TEXT_LIMIT): FormattedText[] {
  const pieces = [plain(header)];
  if (body?.text) pieces.push(plain('\n'), body);
  return splitText(joinTexts(pieces), limit);
}
