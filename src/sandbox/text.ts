/**
 * Message text as Telegram stores it: parse mode applied, limits checked, and
 * the entities Telegram detects on its own (bot commands, mentions, hashtags,
 * links, e-mails, cashtags like `$USD` — TDLib `find_cashtags`: `$` and 3 to 8
 * capital letters) added, so `bot.command('new')` matches a typed "/new".
 */
import type { MessageEntity } from '@grammyjs/types';
import { badRequest, reasons } from './errors.js';
import { parseHtml } from './html.js';
import { parseMarkdown, parseMarkdownV2 } from './markdown.js';
import { normalizeUrl } from './urls.js';

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

const DETECT =
  /(?<url>\bhttps?:\/\/[^\s<>"']+)|(?<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+)|(?<=^|[\s(])(?<bot_command>\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z][A-Za-z0-9_]{2,31})?)(?![\w@/])|(?<=^|[^\w@])(?<mention>@[A-Za-z][A-Za-z0-9_]{3,31})(?!\w)|(?<=^|[^\w#])(?<hashtag>#[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)|(?<=^|[^\w$])(?<cashtag>\$[A-Z]{3,8})(?![\w$])/gu;
const MAYBE_DETECTABLE = /[/@#:$]/;
/** Formatting may overlap detected entities; anything else (code, links) hides them. */
const FORMATTING = new Set<MessageEntity['type']>(['bold', 'italic', 'underline', 'strikethrough', 'spoiler']);

function detectEntities(text: string, explicit: MessageEntity[]): MessageEntity[] {
  if (!MAYBE_DETECTABLE.test(text)) return explicit;
  const found: MessageEntity[] = [];
  for (const match of text.matchAll(DETECT)) {
    const [type, value] = Object.entries(match.groups!).find(([, v]) => v !== undefined)!;
    const trimmed = type === 'url' ? value!.replace(/[.,;:!?)]+$/, '') : value!;
    const offset = match.index!;
    const end = offset + trimmed.length;
    const hidden = explicit.some((e) => !FORMATTING.has(e.type) && e.offset < end && offset < e.offset + e.length);
    if (!hidden) found.push({ type, offset, length: trimmed.length } as MessageEntity);
  }
  if (!found.length) return explicit;
  return [...explicit, ...found].sort((a, b) => a.offset - b.offset || b.length - a.length);
}

export interface TextInput {
  text: string;
  parseMode?: string;
  entities?: MessageEntity[];
}

/**
 * Parses `text` with `parseMode`. The Bot API server (telegram-bot-api
 * Client.cpp, `get_formatted_text`) lower-cases the mode, treats "" and
 * "none" as plain text, runs TDLib's parser for "html", "markdown" and
 * "markdownv2" (ignoring any `entities` then) and refuses anything else with
 * "unsupported parse_mode".
 */
function parse(input: TextInput): { text: string; entities: MessageEntity[]; explicit: boolean } {
  const mode = (input.parseMode ?? '').toLowerCase();
  if (mode === '' || mode === 'none') return { text: input.text, entities: input.entities ?? [], explicit: true };
  if (mode === 'html') return { ...parseHtml(input.text), explicit: false };
  if (mode === 'markdownv2') return { ...parseMarkdownV2(input.text), explicit: false };
  if (mode === 'markdown') return { ...parseMarkdown(input.text), explicit: false };
  throw badRequest('unsupported parse_mode');
}

/**
 * Entities given by the bot must lie inside the text (TDLib
 * `get_message_entities`/`fix_formatted_text` refuse an entity that runs past
 * its end); a text_link's URL is normalized like a parsed one.
 */
function checkExplicit(text: string, entities: MessageEntity[]): MessageEntity[] {
  return entities.map((entity) => {
    const { offset, length } = entity;
    if (!Number.isInteger(offset) || offset < 0) throw badRequest(`entity offset ${String(offset)} is invalid`);
    if (!Number.isInteger(length) || length < 0) throw badRequest(`entity length ${String(length)} is invalid`);
    if (offset + length > text.length) throw badRequest('entity beyond the end of the text');
    if (entity.type === 'text_link') {
      const url = normalizeUrl(entity.url);
      if (!url) throw badRequest(`can't parse entities: wrong HTTP URL`);
      return { ...entity, url };
    }
    return entity;
  });
}

/** Whitespace TDLib's fix_formatted_text strips from both ends of a text. */
const EDGE_SPACE = /[\s\u200b\u2060\ufeff]/u;

/**
 * Strips leading and trailing whitespace, moving and clipping the entities
 * (TDLib `fix_formatted_text`): so "  hi  " is stored as "hi", and an edit that
 * only adds spaces is "message is not modified".
 */
function trim(text: string, entities: MessageEntity[]): { text: string; entities: MessageEntity[] } {
  let start = 0;
  let end = text.length;
  while (start < end && EDGE_SPACE.test(text[start]!)) start++;
  while (end > start && EDGE_SPACE.test(text[end - 1]!)) end--;
  if (start === 0 && end === text.length) return { text, entities };
  const kept: MessageEntity[] = [];
  for (const entity of entities) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, end);
    if (to > from) kept.push({ ...entity, offset: from - start, length: to - from });
  }
  return { text: text.slice(start, end), entities: kept };
}

/** Length as Telegram limits it: in characters (code points), not UTF-16 units — 2,500 emoji fit in 4,096. */
export const characterCount = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

/**
 * Applies the parse mode or the explicit entities, trims, checks the limit and
 * detects the automatic entities. `kind` picks the limit and the error
 * wording: a caption may be empty, a text may not.
 */
export function formatText(input: TextInput, kind: 'text' | 'caption'): { text: string; entities?: MessageEntity[] } {
  const parsed = parse(input);
  const checked = parsed.explicit ? checkExplicit(parsed.text, parsed.entities) : parsed.entities;
  const trimmed = trim(parsed.text, checked);
  const text = trimmed.text;
  let entities = trimmed.entities;
  if (kind === 'text' && !text) throw badRequest(reasons.textEmpty);
  if (kind === 'text' && characterCount(text) > TEXT_LIMIT) throw badRequest(reasons.textTooLong);
  if (kind === 'caption' && characterCount(text) > CAPTION_LIMIT) throw badRequest(reasons.captionTooLong);
  entities = detectEntities(text, entities);
  return entities.length ? { text, entities } : { text };
}
