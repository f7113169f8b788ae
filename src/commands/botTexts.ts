/**
 * The texts the bot sends, kept the grammY ecosystem's way: Fluent files, one
 * per language, in src/locales (`ru.ftl`, `en.ftl`), read by @grammyjs/i18n
 * (ARCHITECTURE §4, «bot texts»). Clients get their own language
 * (`clientLocale`); managers keep the managers' language (`MANAGERS_LOCALE`).
 * Moved so far: every text to clients; the managers' command answers
 * (src/telegram/managerCommands.ts); the deal notes (core/termsNote), the
 * client card (core/clientCard), the requisites warning and the 1C answers
 * (commands/requestOneCDocuments), 1C's failures (integrations/onec
 * odataClient `failureSentence`, http), the action card (core/actionCard),
 * the deal's answers to managers (telegram/deal.ts: /new's link, the card
 * buttons' answers).
 * Core renderers get `textsFor(locale)`. Still Russian strings in their
 * modules: the OData job's progress notes (integrations/onec/odata.ts), the
 * relay's notes (jobs/contentFallback, media, telegramOutbox), topicName's
 * «Клиент 123».
 *
 * Texts are rendered where a command writes its Bot API call into the
 * outbox, so a client's greeting, an «edited» note or a repeat mark goes out
 * in the language the client had then.
 *
 * @example
 * botText('en', 'greeting'); // 'Hello! We have received your message — …'
 * botText(clientLocale('pt-br'), 'greeting'); // English: Portuguese is not kept, English is the fallback
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import type { BotTextOf } from '../core/botTextOf.js';

export type BotLocale = 'ru' | 'en';

/** The managers' group reads one language: Russian (ARCHITECTURE: Russian UI by default). */
export const MANAGERS_LOCALE: BotLocale = 'ru';

/** src/locales next to src/commands (dist/locales next to dist/commands once built). */
const LOCALES_DIR = fileURLToPath(new URL('../locales/', import.meta.url));

const i18n = new I18n({
  defaultLocale: 'ru',
  // No Unicode isolation marks around variables: Telegram shows the text as is.
  fluentBundleOptions: { useIsolating: false },
});
for (const locale of ['ru', 'en'] as const) {
  i18n.loadLocaleSync(locale, { source: fs.readFileSync(`${LOCALES_DIR}${locale}.ftl`, 'utf8') });
}

/**
 * Languages whose speakers read Russian more readily than English (the
 * countries our clients come from): they get Russian, like a client whose
 * Telegram tells no language. Everyone else gets English.
 */
const READS_RUSSIAN = new Set(['ru', 'uk', 'be', 'kk', 'ky', 'uz', 'tg', 'tk', 'hy', 'az', 'ka', 'mn']);

/**
 * The language the bot writes to a client in, from Telegram's `language_code`
 * (an IETF tag: `en`, `en-US`, `pt-br`) stored on the client; Russian when
 * unknown.
 */
export function clientLocale(languageCode: string | null | undefined): BotLocale {
  const primary = (languageCode ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if (!primary) return 'ru';
  return READS_RUSSIAN.has(primary) ? 'ru' : 'en';
}

/**
 * The text `key` of the Fluent files in `locale`, with `variables` put in.
 * A key missing from a language falls back to Russian; a key missing
 * everywhere is a programming error and comes back as `{key}` (and @grammyjs/i18n warns).
 */
export function botText(locale: BotLocale, key: string, variables?: Record<string, string | number>): string {
  return i18n.t(locale, key, variables);
}

/** `botText` bound to one language, for a core renderer (core/botTextOf). */
export function textsFor(locale: BotLocale): BotTextOf {
  return (key, variables) => botText(locale, key, variables);
}
