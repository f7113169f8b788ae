/**
 * Telegram's HTML parse mode: turns `<b>hi</b> &amp; you` into plain text plus
 * MessageEntity objects with UTF-16 offsets (JavaScript string indices are
 * UTF-16 already). Errors carry tdlib's wording and UTF-8 byte offsets, so a
 * bot sees the same "can't parse entities" answer it would get from Telegram.
 */
import type { MessageEntity } from '@grammyjs/types';
import { dateTimeEntity } from './dateTime.js';
import { badRequest, type ApiError } from './errors.js';
import { normalizeUrl } from './urls.js';

type EntityType = MessageEntity['type'];

/** Tag name → entity type; `a`, `pre`, `code`, `blockquote`, `tg-emoji` need attributes too. */
const TAGS: Record<string, EntityType> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
  // <tg-time unix="…" format="…"> (Bot API § "HTML style").
  'tg-time': 'date_time',
};

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const ENTITY_AT = /&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);/y;

interface OpenTag {
  name: string;
  offset: number;
  attributes: Record<string, string>;
  /** Set on a `pre` when a nested `<code class="language-…">` names the language. */
  language?: string;
}

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

function parseError(reason: string): ApiError {
  return badRequest(`can't parse entities: ${reason}`);
}

/** Decodes an HTML entity at `at`; unknown ones stay literal text, like in Telegram. */
function decodeEntity(input: string, at: number): { value: string; end: number } | undefined {
  ENTITY_AT.lastIndex = at;
  const match = ENTITY_AT.exec(input);
  if (!match) return undefined;
  const body = match[1]!;
  let value: string | undefined;
  if (body.startsWith('#x')) value = String.fromCodePoint(Math.min(parseInt(body.slice(2), 16), 0x10ffff));
  else if (body.startsWith('#')) value = String.fromCodePoint(Math.min(parseInt(body.slice(1), 10), 0x10ffff));
  else value = NAMED[body.toLowerCase()];
  return value === undefined ? undefined : { value, end: ENTITY_AT.lastIndex };
}

function decodeAll(value: string): string {
  if (!value.includes('&')) return value;
  let out = '';
  for (let i = 0; i < value.length; ) {
    const decoded = value[i] === '&' ? decodeEntity(value, i) : undefined;
    if (decoded) {
      out += decoded.value;
      i = decoded.end;
    } else out += value[i++];
  }
  return out;
}

const byteOffset = (input: string, at: number): number => Buffer.byteLength(input.slice(0, at));

/** Reads the attributes of a start tag; returns them with the index after `>`. */
function readAttributes(input: string, from: number, tag: string, tagStart: number) {
  const attributes: Record<string, string> = {};
  let i = from;
  for (;;) {
    while (i < input.length && /\s/.test(input[i]!)) i++;
    if (i >= input.length) throw parseError(`Unclosed start tag at byte offset ${byteOffset(input, tagStart)}`);
    if (input[i] === '>') return { attributes, end: i + 1 };
    if (input[i] === '/' && input[i + 1] === '>') return { attributes, end: i + 2 };
    const nameStart = i;
    while (i < input.length && /[a-zA-Z0-9_-]/.test(input[i]!)) i++;
    const name = input.slice(nameStart, i).toLowerCase();
    if (!name) throw parseError(`Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(input, nameStart)}`);
    while (i < input.length && /\s/.test(input[i]!)) i++;
    if (input[i] !== '=') {
      attributes[name] = '';
      continue;
    }
    i++;
    while (i < input.length && /\s/.test(input[i]!)) i++;
    const quote = input[i];
    let value: string;
    if (quote === '"' || quote === "'") {
      const close = input.indexOf(quote, i + 1);
      if (close < 0) throw parseError(`Unclosed start tag at byte offset ${byteOffset(input, tagStart)}`);
      value = input.slice(i + 1, close);
      i = close + 1;
    } else {
      const valueStart = i;
      while (i < input.length && !/[\s>]/.test(input[i]!)) i++;
      value = input.slice(valueStart, i);
    }
    attributes[name] = decodeAll(value);
  }
}

function entityFor(tag: OpenTag, length: number): MessageEntity | undefined {
  const base = { offset: tag.offset, length };
  const type = TAGS[tag.name]!;
  switch (type) {
    case 'text_link': {
      // TDLib normalizes the href (check_link) and drops the link, not the text, when it is no URL.
      const url = tag.attributes.href ? normalizeUrl(tag.attributes.href) : undefined;
      return url ? { ...base, type, url } : undefined;
    }
    case 'date_time':
      return dateTimeEntity(tag.offset, length, tag.attributes.unix, tag.attributes.format, parseError);
    case 'pre':
      return tag.language ? { ...base, type, language: tag.language } : { ...base, type };
    case 'blockquote':
      return { ...base, type: 'expandable' in tag.attributes ? 'expandable_blockquote' : 'blockquote' };
    case 'custom_emoji': {
      const id = tag.attributes['emoji-id'];
      if (!id) throw parseError('Custom emoji entity must have emoji-id attribute');
      return { ...base, type, custom_emoji_id: id };
    }
    default:
      return { ...base, type } as MessageEntity;
  }
}

/** Parses Telegram-flavoured HTML; throws the 400 Telegram answers for bad markup. */
export function parseHtml(input: string): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === '&') {
      const decoded = decodeEntity(input, i);
      if (decoded) {
        text += decoded.value;
        i = decoded.end;
      } else {
        text += ch;
        i++;
      }
      continue;
    }
    if (ch !== '<') {
      const next = input.slice(i).search(/[<&]/);
      const end = next < 0 ? input.length : i + next;
      text += input.slice(i, end);
      i = end;
      continue;
    }
    const tagStart = i;
    if (input[i + 1] === '/') {
      const close = input.indexOf('>', i);
      if (close < 0) throw parseError(`Unclosed end tag at byte offset ${byteOffset(input, tagStart)}`);
      const name = input.slice(i + 2, close).trim().toLowerCase();
      const open = stack.pop();
      if (!open) throw parseError(`Unexpected end tag at byte offset ${byteOffset(input, tagStart)}`);
      if (open.name !== name) {
        throw parseError(`Unmatched end tag at byte offset ${byteOffset(input, tagStart)}, expected "</${open.name}>", found "</${name}>"`);
      }
      const parent = stack[stack.length - 1];
      if (open.name === 'code' && parent?.name === 'pre') {
        // <pre><code class="language-x"> is one pre entity (with a language), as in Telegram.
        const language = open.attributes.class?.match(/^language-(.+)$/)?.[1];
        if (language) parent.language = language;
      } else {
        const entity = entityFor(open, text.length - open.offset);
        if (entity && entity.length > 0) entities.push(entity);
      }
      i = close + 1;
      continue;
    }
    let nameEnd = i + 1;
    while (nameEnd < input.length && /[a-zA-Z0-9-]/.test(input[nameEnd]!)) nameEnd++;
    const name = input.slice(i + 1, nameEnd).toLowerCase();
    if (!name || !(name in TAGS)) throw parseError(`Unsupported start tag "${name}" at byte offset ${byteOffset(input, tagStart)}`);
    const { attributes, end } = readAttributes(input, nameEnd, name, tagStart);
    if (name === 'span' && attributes.class !== 'tg-spoiler') {
      throw parseError(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(input, tagStart)}`);
    }
    stack.push({ name, offset: text.length, attributes });
    i = end;
  }
  const unclosed = stack.pop();
  if (unclosed) throw parseError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}
