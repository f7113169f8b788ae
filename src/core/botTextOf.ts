/**
 * How a core renderer gets the bot's texts without importing the Fluent files
 * (core imports nothing of ours, ARCHITECTURE §3): the caller hands it
 * `textsFor(locale)` from src/commands/botTexts.ts — the managers' language
 * for the topic's notes and card, the client's for what goes to a client.
 */

/**
 * The text `key` of the bot's Fluent files in one language, with `variables` put in. Pass numbers only where a
 * text selects a plural form by them (Fluent formats numbers itself); everything else as strings.
 */
export type BotTextOf = (key: string, variables?: Record<string, string | number>) => string;
