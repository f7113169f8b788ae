/**
 * Quick replies (issue 19.4): a saved answer a manager sends with `/t name`.
 *
 * Formatting is a small subset of Telegram's own HTML parse mode (Bot API,
 * «Formatting options», «HTML style»): `<b>`/`<strong>`, `<i>`/`<em>`,
 * `<u>`/`<ins>`, `<s>`/`<strike>`/`<del>`, `<a href="https://…">`, `<code>`,
 * and the entities `&lt; &gt; &amp; &quot;` and numeric ones. Why HTML: a
 * manager writes it by hand or with the page's buttons without learning
 * MarkdownV2's escaping of `. - ( ) !` (every price and date in a template
 * would need backslashes), and Telegram takes it as is. We parse it here, on
 * save, with Telegram's rules (tags closed in order, no unknown tags or
 * attributes, `<`, `>`, `&` escaped, a link needs an absolute http(s) URL —
 * the same rules src/sandbox/html.ts ports from TDLib), so nothing is stored
 * that Telegram would refuse. At send time the template becomes plain text
 * plus MessageEntity objects (UTF-16 offsets), which is what is stored as the
 * manager's message and what goes to Telegram (`entities`, no parse_mode).
 *
 * Variables are written `{name}`: see {@link QUICK_REPLY_VARIABLES}.
 */
import type { MessageEntity } from '@grammyjs/types';
import { truncate } from './html.js';

/** A name: 1–32 letters (Latin or Cyrillic), digits, `_` or `-`; unique ignoring case. */
export const QUICK_REPLY_NAME = /^[A-Za-zА-Яа-яЁё0-9_-]{1,32}$/;
/** Telegram's limit for a message's text, in UTF-16 code units after entities are parsed (Bot API sendMessage). */
export const MESSAGE_TEXT_MAX = 4096;
/** Telegram's limit for a caption (Bot API sendDocument `caption`, 0–1024 characters after entities parsing). */
export const CAPTION_MAX = 1024;

/** Every variable a template may use, with what the page says about it. */
export const QUICK_REPLY_VARIABLES = {
  client: 'имя клиента',
  manager: 'имя менеджера, который отправляет',
  request: 'номер текущей заявки',
  amount: 'сумма текущей заявки (1 000,00)',
  currency: 'валюта платежа (USD)',
  rate: 'курс сделки (12,25)',
  total: 'итого к оплате (12 250,00 ₽)',
} as const;
export type QuickReplyVariable = keyof typeof QUICK_REPLY_VARIABLES;

const TAGS: Record<string, MessageEntity['type']> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  a: 'text_link',
  code: 'code',
};
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const VARIABLE = /\{([^{}\s]{1,40})\}/g;

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

/** The template refused, with a sentence for the person who typed it. */
export class TemplateError extends Error {}

/**
 * Parses the template's HTML into plain text and entities, or throws a
 * TemplateError saying what is wrong and where (the 1-based character).
 */
export function parseTemplateHtml(html: string): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const open: Array<{ name: string; offset: number; url?: string }> = [];
  const where = (i: number) => ` (символ ${i + 1})`;
  for (let i = 0; i < html.length; ) {
    const ch = html[i]!;
    if (ch === '&') {
      const match = /^&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);/.exec(html.slice(i, i + 12));
      if (!match) throw new TemplateError(`Знак «&» пишите как &amp;${where(i)}`);
      const body = match[1]!;
      let value: string | undefined;
      if (body.startsWith('#x') || body.startsWith('#X')) value = safeCodePoint(parseInt(body.slice(2), 16));
      else if (body.startsWith('#')) value = safeCodePoint(parseInt(body.slice(1), 10));
      else value = NAMED[body];
      if (value === undefined) throw new TemplateError(`Неизвестная замена ${match[0]}: можно &lt; &gt; &amp; &quot;${where(i)}`);
      text += value;
      i += match[0].length;
      continue;
    }
    if (ch === '>') throw new TemplateError(`Знак «>» пишите как &gt;${where(i)}`);
    if (ch !== '<') {
      text += ch;
      i += 1;
      continue;
    }
    const end = html.indexOf('>', i);
    if (end < 0) throw new TemplateError(`Знак «<» пишите как &lt;${where(i)}`);
    const tag = html.slice(i + 1, end);
    const closing = /^\/([a-zA-Z]+)\s*$/.exec(tag);
    if (closing) {
      const name = closing[1]!.toLowerCase();
      const top = open.pop();
      if (!top) throw new TemplateError(`Лишний закрывающий тег </${name}>${where(i)}`);
      if (top.name !== name) throw new TemplateError(`Ожидался </${top.name}>, а написан </${name}>${where(i)}`);
      const length = text.length - top.offset;
      if (length > 0) {
        const type = TAGS[name]!;
        entities.push(type === 'text_link' ? { type, offset: top.offset, length, url: top.url! } : ({ type, offset: top.offset, length } as MessageEntity));
      }
      i = end + 1;
      continue;
    }
    const opening = /^([a-zA-Z]+)((?:\s[^]*)?)$/.exec(tag);
    const name = opening?.[1]?.toLowerCase();
    if (!opening || !name || !TAGS[name]) {
      throw new TemplateError(`Тег <${escapeForMessage(tag.split(/\s/)[0] ?? '')}> не поддерживается: можно <b> <i> <u> <s> <a href> <code>${where(i)}`);
    }
    if (open.some((o) => o.name === 'code')) {
      throw new TemplateError(`Внутри <code> теги не работают${where(i)}`);
    }
    const attributes = opening[2]!.trim();
    let url: string | undefined;
    if (name === 'a') {
      const href = /^href\s*=\s*"([^"]*)"$/i.exec(attributes) ?? /^href\s*=\s*'([^']*)'$/i.exec(attributes);
      if (!href) throw new TemplateError(`У ссылки нужен адрес: <a href="https://…">${where(i)}`);
      url = decodeEntities(href[1]!);
      if (!isHttpUrl(url)) throw new TemplateError(`Адрес ссылки должен начинаться с https:// или http://${where(i)}`);
    } else if (attributes) {
      throw new TemplateError(`У тега <${name}> не бывает атрибутов${where(i)}`);
    }
    open.push({ name, offset: text.length, url });
    i = end + 1;
  }
  const unclosed = open.pop();
  if (unclosed) throw new TemplateError(`Тег <${unclosed.name}> не закрыт: допишите </${unclosed.name}>`);
  // Telegram sorts entities by offset (an outer one before the inner one at the same offset).
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

function safeCodePoint(code: number): string | undefined {
  if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return String.fromCodePoint(code);
}

function decodeEntities(value: string): string {
  return value.replace(/&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);/g, (whole, body: string) =>
    body.startsWith('#x') ? (safeCodePoint(parseInt(body.slice(2), 16)) ?? whole) : body.startsWith('#') ? (safeCodePoint(parseInt(body.slice(1), 10)) ?? whole) : NAMED[body]!,
  );
}

function escapeForMessage(value: string): string {
  return value.slice(0, 20);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** The variables a template uses, in order of first use. */
export function templateVariables(body: string): string[] {
  const seen = new Set<string>();
  for (const match of body.matchAll(VARIABLE)) seen.add(match[1]!);
  return [...seen];
}

/** A field's sentence for the template's body, or null when it is fine to store; `variables`: those it may use (a broadcast's are fewer, core/broadcast). */
export function checkTemplateBody(body: string, variables: Readonly<Record<string, string>> = QUICK_REPLY_VARIABLES): string | null {
  if (!body.trim()) return 'Напишите текст';
  const unknown = templateVariables(body).find((name) => !(name in variables));
  if (unknown) return `Неизвестная переменная {${unknown}}: можно ${Object.keys(variables).map((v) => `{${v}}`).join(' ')}`;
  let parsed: FormattedText;
  try {
    parsed = parseTemplateHtml(body);
  } catch (error) {
    if (error instanceof TemplateError) return error.message;
    throw error;
  }
  if (!parsed.text.trim()) return 'Напишите текст';
  if (parsed.text.length > MESSAGE_TEXT_MAX) return `Текст длиннее ${MESSAGE_TEXT_MAX} символов — столько Telegram не отправит`;
  // What is sent has the variables filled: the text must fit with the longest value each may take.
  const longest = parseTemplateHtml(body.replace(VARIABLE, (_whole, name: string) => 'x'.repeat(VARIABLE_LONGEST[name] ?? VARIABLE_LONGEST_OTHER)));
  if (longest.text.length > MESSAGE_TEXT_MAX) return `С подставленными переменными текст может выйти длиннее ${MESSAGE_TEXT_MAX} символов — сократите его`;
  return null;
}

/**
 * The longest value a variable can take, in UTF-16 units: a name is a Telegram
 * first name and last name, 64 characters each (Bot API User; TDLib's limit)
 * with a space, or a platform user's name (at most 200); the rest are numbers
 * and amounts. Telegram's 64 are not UTF-16 units (an emoji counts 2 here), so
 * renderTemplate fits the names to these lengths, with «…» when cut.
 */
const VARIABLE_LONGEST: Readonly<Record<string, number>> = { client: 129, manager: 200 };
const VARIABLE_LONGEST_OTHER = 40;

/** A field's sentence for a template's name, or null when it is fine. */
export function checkTemplateName(name: string): string | null {
  if (!name) return 'Напишите название';
  if (!QUICK_REPLY_NAME.test(name)) return 'Название: 1–32 буквы, цифры, _ или -, без пробелов';
  return null;
}

/**
 * The template with its variables filled, as plain text and entities. Values
 * are text, never markup (escaped before parsing). Throws a TemplateError
 * naming the first variable that has no value (no deal yet, no terms yet).
 */
export function renderTemplate(body: string, values: Partial<Record<QuickReplyVariable, string>>): FormattedText {
  const missing = templateVariables(body).find((name) => !values[name as QuickReplyVariable]);
  if (missing) throw new TemplateError(missing);
  // A name is fitted to the length checkTemplateBody allowed for it, so what passed that check fits Telegram's
  // 4096 when sent: a Telegram name is 64 characters a part, which is up to 128 UTF-16 units with emoji.
  const fitted = (name: string, value: string) => (VARIABLE_LONGEST[name] === undefined ? value : truncate(value, VARIABLE_LONGEST[name]));
  const html = body.replace(VARIABLE, (_whole, name: string) => escapeText(fitted(name, values[name as QuickReplyVariable]!)));
  return parseTemplateHtml(html);
}

function escapeText(value: string): string {
  return value.replace(/[&<>"]/g, (ch) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' } as Record<string, string>)[ch]};`);
}

/**
 * Which templates `/t query` means: the one named exactly (ignoring case),
 * else those whose names start with it. Empty query → every name.
 */
export function matchTemplates<T extends { name: string }>(templates: readonly T[], query: string): { exact?: T; matches: T[] } {
  const key = query.trim().toLowerCase();
  const exact = templates.find((t) => t.name.toLowerCase() === key);
  if (exact) return { exact, matches: [exact] };
  return { matches: templates.filter((t) => t.name.toLowerCase().startsWith(key)) };
}
