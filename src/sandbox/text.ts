/**
 * Message text as Telegram stores it: parse mode applied, limits checked, and
 * the entities Telegram detects on its own (bot commands, mentions, hashtags,
 * links, e-mails) added, so `bot.command('new')` matches a typed "/new".
 */
import type { MessageEntity } from '@grammyjs/types';
import { badRequest, reasons } from './errors.js';
import { parseHtml } from './html.js';

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

const DETECT =
  /(?<url>\bhttps?:\/\/[^\s<>"']+)|(?<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+)|(?<=^|[\s(])(?<bot_command>\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z][A-Za-z0-9_]{2,31})?)(?![\w@/])|(?<=^|[^\w@])(?<mention>@[A-Za-z][A-Za-z0-9_]{3,31})(?!\w)|(?<=^|[^\w#])(?<hashtag>#[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)/gu;
const MAYBE_DETECTABLE = /[/@#:]/;
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
 * Applies the parse mode or the explicit entities. `kind` picks the limit and
 * the error wording: a caption may be empty, a text may not.
 */
export function formatText(input: TextInput, kind: 'text' | 'caption'): { text: string; entities?: MessageEntity[] } {
  let text = input.text;
  let entities = input.entities ?? [];
  if (!entities.length && input.parseMode) {
    if (input.parseMode.toLowerCase() !== 'html') {
      throw badRequest(`unsupported parse_mode "${input.parseMode}" (the sandbox emulator implements HTML only)`);
    }
    ({ text, entities } = parseHtml(text));
  }
  if (kind === 'text' && !text.trim()) throw badRequest(reasons.textEmpty);
  if (kind === 'text' && text.length > TEXT_LIMIT) throw badRequest(reasons.textTooLong);
  if (kind === 'caption' && text.length > CAPTION_LIMIT) throw badRequest(reasons.captionTooLong);
  entities = detectEntities(text, entities);
  return entities.length ? { text, entities } : { text };
}
