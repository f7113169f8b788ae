/**
 * What never reaches a log line (issue 16.17): the parameters of a failing
 * SQL statement (Drizzle puts them into its error's message and stack as
 * `params: …` — e-mails, names, message texts, requisites), a database
 * error's `detail` (`Key (email)=(…) already exists`), and whole Telegram
 * updates. Errors are logged with their class, code, SQL text and stack;
 * updates by their id and kind only.
 */
import { stdSerializers } from 'pino';
import type { Update } from '@grammyjs/types';

/** Drizzle's `Failed query: <sql>\nparams: <values>`: the values run to the end of the message, or to the stack's first frame. */
const DRIZZLE_PARAMS = /\nparams: [\s\S]*?(?=\n\s+at |$)/g;

/**
 * PostgreSQL quotes the offending input at the end of some messages:
 * `invalid input syntax for type integer: "…"`, `date/time field value out
 * of range: "…"`, `invalid input value for enum role: "…"`.
 */
const QUOTED_INPUT = /: "(?:[^"\n]|"")*"(?=\n|$)/g;

/** `text` with every failing query's parameters, and inputs PostgreSQL quotes back, cut out. */
export function scrubLogText(text: string): string {
  const withoutParams = text.includes('\nparams: ') ? text.replace(DRIZZLE_PARAMS, '\nparams: [redacted]') : text;
  return withoutParams.replace(QUOTED_INPUT, ': "[redacted]"');
}

/** Fields of an error (or its causes) that carry values a user typed. */
const VALUE_FIELDS = ['params', 'parameters', 'detail', 'update', 'payload', 'body'] as const;

type SerializedError = ReturnType<typeof stdSerializers.err> & Record<string, unknown>;

function scrubSerialized(serialized: SerializedError, depth = 0): SerializedError {
  if (typeof serialized.message === 'string') serialized.message = scrubLogText(serialized.message);
  if (typeof serialized.stack === 'string') serialized.stack = scrubLogText(serialized.stack);
  for (const field of VALUE_FIELDS) if (field in serialized) serialized[field] = '[redacted]';
  const cause = serialized.cause as SerializedError | undefined;
  if (cause && typeof cause === 'object' && depth < 5) scrubSerialized(cause, depth + 1);
  return serialized;
}

/** pino's error serializer, then the scrubbing above; for `serializers: { err }`. */
export function safeErrorSerializer(error: Error): SerializedError {
  const serialized = stdSerializers.err(error) as SerializedError;
  return serialized && typeof serialized === 'object' ? scrubSerialized(serialized) : serialized;
}

/** An error's message fit for a log line: without any failing query's parameters. */
export function safeErrorMessage(error: unknown): string {
  return scrubLogText(error instanceof Error ? error.message : String(error));
}

/** What a log line may say about an update: its id, its kind, and the chat and sender ids — never its text or files. */
export function describeUpdate(update: Update): { update_id: number; kind: string; chat_id?: number; from_id?: number } {
  const kind = Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown';
  const body = (update as unknown as Record<string, { chat?: { id: number }; from?: { id: number }; message?: { chat?: { id: number } } } | undefined>)[kind];
  const chatId = body?.chat?.id ?? body?.message?.chat?.id;
  const fromId = body?.from?.id;
  return { update_id: update.update_id, kind, ...(chatId !== undefined ? { chat_id: chatId } : {}), ...(fromId !== undefined ? { from_id: fromId } : {}) };
}
