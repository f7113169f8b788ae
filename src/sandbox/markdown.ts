/**
 * Telegram's two Markdown parse modes, MarkdownV2 and the legacy Markdown,
 * turning marked-up text into plain text plus MessageEntity objects (UTF-16
 * offsets). The rules and the error wordings follow TDLib's parsers
 * (td/telegram/MessageEntity.cpp: `parse_markdown`, `do_parse_markdown_v2`),
 * which the Bot API server calls for `parse_mode` (Bot API § "Formatting
 * options"), so the most common real-world bot error — an unescaped '.' in
 * MarkdownV2 — is answered here exactly as Telegram answers it. Byte offsets
 * in errors are UTF-8 offsets, as TDLib reports them.
 */
import type { MessageEntity } from '@grammyjs/types';
import { badRequest, type ApiError } from './errors.js';
import type { FormattedText } from './html.js';
import { normalizeUrl } from './urls.js';
import { dateTimeEntity } from './dateTime.js';

function parseError(reason: string): ApiError {
  return badRequest(`can't parse entities: ${reason}`);
}

const byteOffset = (input: string, at: number): number => Buffer.byteLength(input.slice(0, at));
const isSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t';

/** tg://user?id=123 — a text_mention in Telegram (the emulator keeps it a text_link with that URL). */
function linkEntity(offset: number, length: number, url: string): MessageEntity | undefined {
  const normalized = normalizeUrl(url);
  // TDLib drops a link whose URL check_url refuses, keeping the text.
  return normalized ? { type: 'text_link', offset, length, url: normalized } : undefined;
}

/**
 * The legacy Markdown mode (TDLib `parse_markdown`): `*bold*`, `_italic_`,
 * `` `code` ``, ```` ```pre``` ````, `[text](url)`; no nesting; `\` escapes
 * only `_ * ` [` outside entities; an unclosed entity is
 * "Can't find end of the entity starting at byte offset N".
 */
export function parseMarkdown(input: string): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === '\\' && '_*`['.includes(input[i + 1] ?? ' ')) {
      text += input[++i];
      continue;
    }
    if (!'_*`['.includes(c)) {
      text += c;
      continue;
    }
    const begin = i;
    const endCharacter = c === '[' ? ']' : c;
    let isPre = false;
    let language = '';
    i++;
    if (c === '`' && input[i] === '`' && input[i + 1] === '`') {
      i += 2;
      isPre = true;
      let languageEnd = i;
      while (languageEnd < input.length && !isSpace(input[languageEnd]) && input[languageEnd] !== '`') languageEnd++;
      if (i !== languageEnd && languageEnd < input.length && input[languageEnd] !== '`') {
        language = input.slice(i, languageEnd);
        i = languageEnd;
      }
      i = skipOneNewline(input, i);
    }
    const offset = text.length;
    while (i < input.length && (input[i] !== endCharacter || (isPre && !(input[i + 1] === '`' && input[i + 2] === '`')))) text += input[i++];
    if (i >= input.length) throw parseError(`Can't find end of the entity starting at byte offset ${byteOffset(input, begin)}`);
    const length = text.length - offset;
    if (length > 0) {
      if (c === '_') entities.push({ type: 'italic', offset, length });
      else if (c === '*') entities.push({ type: 'bold', offset, length });
      else if (c === '`') {
        if (!isPre) entities.push({ type: 'code', offset, length });
        else entities.push(language ? { type: 'pre', offset, length, language } : { type: 'pre', offset, length });
      } else {
        let url: string;
        if (input[i + 1] !== '(') url = input.slice(begin + 1, i);
        else {
          i += 2;
          const urlStart = i;
          while (i < input.length && input[i] !== ')') i++;
          url = input.slice(urlStart, i);
        }
        const link = linkEntity(offset, length, url);
        if (link) entities.push(link);
      }
    }
    if (isPre) i += 2;
  }
  return { text, entities };
}

/** Skips one line break (LF, CR, CRLF or LFCR) right after a pre's opening fence, as TDLib does. */
function skipOneNewline(input: string, i: number): number {
  if (input[i] !== '\n' && input[i] !== '\r') return i;
  const next = input[i + 1];
  return (next === '\n' || next === '\r') && next !== input[i] ? i + 2 : i + 1;
}

/** `![…](tg://emoji?id=…)` is a custom emoji, `![…](tg://time?unix=…&format=…)` a date_time (Bot API § "MarkdownV2 style"). */
function emojiOrTime(offset: number, length: number, url: string): MessageEntity {
  const emoji = /^tg:\/\/emoji\?id=(\d+)$/.exec(url)?.[1];
  if (emoji) return { type: 'custom_emoji', offset, length, custom_emoji_id: emoji };
  const time = /^tg:\/\/time\?(.*)$/.exec(url)?.[1];
  if (time !== undefined) return dateTimeEntity(offset, length, new URLSearchParams(time).get('unix'), new URLSearchParams(time).get('format'), parseError);
  throw parseError('Custom emoji URL must have an emoji identifier');
}

type V2Type = 'bold' | 'italic' | 'underline' | 'strikethrough' | 'spoiler' | 'text_link' | 'custom_emoji' | 'code' | 'pre';

/** TDLib's names for entity types in "Can't find end of <Type> entity" errors. */
const V2_NAMES: Record<V2Type, string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  text_link: 'TextUrl',
  custom_emoji: 'CustomEmoji',
  code: 'Code',
  pre: 'Pre',
};

interface OpenV2 {
  type: V2Type;
  language?: string;
  offset: number;
  byteAt: number;
}

const RESERVED_V2 = '_*[]()~`>#+-=|{}.!';

/**
 * MarkdownV2 (TDLib `do_parse_markdown_v2`, Bot API § "MarkdownV2 style"):
 * every character of `_*[]()~`>#+-=|{}.!` outside an entity's markup must be
 * escaped with `\` ("Character '.' is reserved and must be escaped with the
 * preceding '\'"); inside code and pre only `` ` `` and `\` are special;
 * entities nest; `__` is underline, `||` spoiler, `![emoji](tg://emoji?id=…)`
 * custom emoji; lines starting with `>` are a block quotation (`**>` an
 * expandable one). An unclosed entity is "Can't find end of <Type> entity at
 * byte offset N".
 */
export function parseMarkdownV2(input: string): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: OpenV2[] = [];
  let quote: { offset: number; expandable: boolean } | undefined;
  const closeQuote = (end: number) => {
    if (quote && end > quote.offset) entities.push({ type: quote.expandable ? 'expandable_blockquote' : 'blockquote', offset: quote.offset, length: end - quote.offset });
    quote = undefined;
  };
  for (let i = 0; i < input.length; i++) {
    const atLineStart = i === 0 || input[i - 1] === '\n';
    const inCode = stack.length > 0 && (stack.at(-1)!.type === 'code' || stack.at(-1)!.type === 'pre');
    if (atLineStart && !inCode) {
      if (input.startsWith('**>', i) && !quote) {
        quote = { offset: text.length, expandable: true };
        i += 2;
        continue;
      }
      if (input[i] === '>') {
        quote ??= { offset: text.length, expandable: false };
        continue;
      }
      // A line without '>' ends the quotation before the line break that precedes it.
      if (quote && i > 0) closeQuote(text.length - 1);
    }
    const c = input[i]!;
    if (c === '\\' && i + 1 < input.length && input.charCodeAt(i + 1) > 0 && input.charCodeAt(i + 1) <= 126) {
      text += input[++i];
      continue;
    }
    // `||` closing the last line of an expandable quotation marks it expandable; it is no spoiler.
    const atLineEnd = i + 2 === input.length || input[i + 2] === '\n';
    if (quote?.expandable && !inCode && input.startsWith('||', i) && atLineEnd && stack.at(-1)?.type !== 'spoiler') {
      i++;
      continue;
    }
    const reserved = inCode ? '`' : RESERVED_V2;
    if (!reserved.includes(c)) {
      text += c;
      continue;
    }
    const top = stack.at(-1);
    let isEnd = false;
    if (top) {
      switch (top.type) {
        case 'bold':
          isEnd = c === '*';
          break;
        case 'italic':
          isEnd = c === '_' && input[i + 1] !== '_';
          break;
        case 'underline':
          isEnd = c === '_' && input[i + 1] === '_';
          break;
        case 'strikethrough':
          isEnd = c === '~';
          break;
        case 'spoiler':
          isEnd = c === '|' && input[i + 1] === '|';
          break;
        case 'code':
          isEnd = c === '`';
          break;
        case 'pre':
          isEnd = c === '`' && input[i + 1] === '`' && input[i + 2] === '`';
          break;
        case 'text_link':
        case 'custom_emoji':
          isEnd = c === ']';
          break;
      }
    }
    if (!isEnd) {
      const byteAt = byteOffset(input, i);
      let type: V2Type;
      let language: string | undefined;
      if (c === '_' && input[i + 1] === '_') {
        type = 'underline';
        i++;
      } else if (c === '_') type = 'italic';
      else if (c === '*') type = 'bold';
      else if (c === '~') type = 'strikethrough';
      else if (c === '|' && input[i + 1] === '|') {
        type = 'spoiler';
        i++;
      } else if (c === '[') type = 'text_link';
      else if (c === '!' && input[i + 1] === '[') {
        type = 'custom_emoji';
        i++;
      } else if (c === '`' && input[i + 1] === '`' && input[i + 2] === '`') {
        type = 'pre';
        i += 3;
        let languageEnd = i;
        while (languageEnd < input.length && !isSpace(input[languageEnd]) && input[languageEnd] !== '`') languageEnd++;
        if (i !== languageEnd && languageEnd < input.length && input[languageEnd] !== '`') {
          language = input.slice(i, languageEnd);
          i = languageEnd;
        }
        i = skipOneNewline(input, i) - 1;
      } else if (c === '`') type = 'code';
      else throw parseError(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
      stack.push(language ? { type, language, offset: text.length, byteAt } : { type, offset: text.length, byteAt });
      continue;
    }
    const open = stack.pop()!;
    const offset = open.offset;
    const length = text.length - offset;
    let entity: MessageEntity | undefined;
    switch (open.type) {
      case 'underline':
      case 'spoiler':
        i++;
        entity = { type: open.type, offset, length };
        break;
      case 'pre':
        i += 2;
        entity = open.language ? { type: 'pre', offset, length, language: open.language } : { type: 'pre', offset, length };
        break;
      case 'text_link':
      case 'custom_emoji': {
        let url: string;
        if (input[i + 1] !== '(') {
          if (open.type === 'custom_emoji') throw parseError(`Custom emoji entity must contain a tg://emoji URL`);
          url = text.slice(offset);
        } else {
          i += 2;
          const urlStart = i;
          url = '';
          while (i < input.length && input[i] !== ')') {
            if (input[i] === '\\' && i + 1 < input.length && input.charCodeAt(i + 1) > 0 && input.charCodeAt(i + 1) <= 126) {
              url += input[i + 1];
              i += 2;
              continue;
            }
            url += input[i++];
          }
          if (input[i] !== ')') throw parseError(`Can't find end of a URL at byte offset ${byteOffset(input, urlStart)}`);
        }
        if (open.type === 'custom_emoji') entity = emojiOrTime(offset, length, url);
        else entity = linkEntity(offset, length, url);
        break;
      }
      default:
        entity = { type: open.type, offset, length } as MessageEntity;
    }
    // An empty entity is skipped, as in TDLib.
    if (entity && length > 0) entities.push(entity);
  }
  const unclosed = stack.at(-1);
  if (unclosed) throw parseError(`Can't find end of ${V2_NAMES[unclosed.type]} entity at byte offset ${unclosed.byteAt}`);
  closeQuote(text.length);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}
