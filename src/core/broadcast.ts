/**
 * Broadcasts (рассылки, issue 19.5): one text sent to every client having a
 * label, paced below Telegram's limits, with an «Отписаться» button.
 *
 * The text is a quick reply's template (core/quickReply: Telegram HTML of the
 * checked subset) with fewer variables: a broadcast has no current deal, so
 * only the client's name and the sender's.
 *
 * Pacing (Telegram Bot API FAQ, «My bot is hitting limits, how do I avoid
 * this?»: avoid more than one message per second to one chat and about 30
 * messages per second in bulk): broadcasts take at most
 * TELEGRAM_LIMITS.broadcastPerSecond of the bot's 30 a second
 * (jobs/rateLimits), so the rest of the budget is always left to relayed
 * messages, which the outbox serves first (jobs/telegramOutbox).
 */
import { LABEL_MAX, normaliseLabel } from './labels.js';

/** The variables a broadcast's text may use, with what the page says about them. */
export const BROADCAST_VARIABLES = {
  client: 'имя клиента',
  manager: 'имя менеджера, который запустил рассылку',
} as const;

/** The title's limit (it is shown in lists and the report, never sent). */
export const BROADCAST_TITLE_MAX = 100;
/** At most this many labels per broadcast. */
export const BROADCAST_LABELS_MAX = 20;

/** The «Отписаться» button's callback data (≤ 64 bytes, Bot API InlineKeyboardButton). */
export const BROADCAST_OPT_OUT = 'bcast:off';
/** «Подписаться снова», under the confirmation of an opt-out. */
export const BROADCAST_OPT_IN = 'bcast:on';

/** Outbox queues of broadcast messages start so: the outbox sends them after everything else and within their own pace. */
export const BROADCAST_QUEUE_PREFIX = 'broadcast:';

/** The outbox queue of one recipient's message (one queue per recipient: a slow chat holds nobody else up). */
export function broadcastQueue(broadcastId: number, chatId: number): string {
  return `${BROADCAST_QUEUE_PREFIX}${broadcastId}:${chatId}`;
}

export type BroadcastState = 'draft' | 'sending' | 'done' | 'cancelled';

/** A recipient's outcome as the report shows it. */
export type RecipientOutcome = 'pending' | 'sent' | 'failed' | 'skipped';

/**
 * Why a recipient did not get it: `opted_out` (pressed «Отписаться» or sent
 * /stop), `banned` (on the blocklist, commands/banClient), `cancelled` (the
 * broadcast was stopped first), `blocked` (Telegram 403: the client blocked
 * the bot or deleted the account), `failed` (another refusal, kept in `detail`).
 */
export type RecipientReason = 'opted_out' | 'banned' | 'cancelled' | 'blocked' | 'failed';

/** The reason of a failed send from Telegram's description (the outbox's last_error). */
export function failureReason(description: string | null): RecipientReason {
  return /blocked by the user|user is deactivated|bot can't initiate conversation|chat not found/i.test(description ?? '') ? 'blocked' : 'failed';
}

/**
 * Where the test send (commands/testBroadcast) stands, as the page shows it:
 * `sending` — queued or being retried, Telegram has not answered yet;
 * `delivered` — Telegram took it (outbox row `sent`): only now may the
 * broadcast start; `failed` — Telegram refused it for good.
 */
export type TestDelivery = 'sending' | 'delivered' | 'failed';

/**
 * Why a test send failed: `unreachable` — Telegram's 403 for a private chat
 * the bot may not write to: "Forbidden: bot can't initiate conversation with
 * a user" (the person never pressed Start in the bot) or "Forbidden: bot was
 * blocked by the user" (they stopped it), also a deactivated account or an
 * unknown chat (the same patterns as failureReason's `blocked`);
 * `refused` — any other refusal (e.g. the text), its words kept in the
 * outbox's last_error.
 */
export type TestFailure = 'unreachable' | 'refused';

/**
 * The test's state from its outbox row (`state`, `last_error`); null when
 * there is no row (nothing tested, or the row was cleaned up).
 */
export function testDelivery(row: { state: string; lastError: string | null } | undefined): { delivery: TestDelivery; failure: TestFailure | null; detail: string | null } | null {
  if (!row) return null;
  if (row.state === 'sent') return { delivery: 'delivered', failure: null, detail: null };
  if (row.state === 'failed') return { delivery: 'failed', failure: failureReason(row.lastError) === 'blocked' ? 'unreachable' : 'refused', detail: row.lastError };
  return { delivery: 'sending', failure: null, detail: null };
}

/** A field's sentence for the title, or null when it is fine. */
export function checkBroadcastTitle(title: string): string | null {
  if (!title) return 'Напишите название рассылки';
  if (title.length > BROADCAST_TITLE_MAX) return `Название длиннее ${BROADCAST_TITLE_MAX} символов`;
  return null;
}

/**
 * The labels as stored (core/labels: `#` dropped, lower-case; each once), and
 * a sentence for each field to fix: a label that breaks the rule beside its
 * item (`labels.2`, the index in the list sent, as the API keys every list
 * item), none or too many beside the list (`labels`). Empty `errors`: fine.
 */
export function normalizeLabels(labels: readonly string[]): { labels: string[]; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  labels.forEach((typed, i) => {
    const label = typed.trim();
    if (label && normaliseLabel(label) === undefined) errors[`labels.${i}`] = `Метка «${label.slice(0, 40)}» не подходит: от 1 до ${LABEL_MAX} букв, цифр, _ или -, без пробелов`;
  });
  const clean = [...new Set(labels.map((l) => normaliseLabel(l.trim())).filter((l): l is string => l !== undefined))];
  if (Object.keys(errors).length) return { labels: clean, errors };
  if (clean.length === 0) return { labels: clean, errors: { labels: 'Выберите хотя бы одну метку' } };
  if (clean.length > BROADCAST_LABELS_MAX) return { labels: clean, errors: { labels: `Не больше ${BROADCAST_LABELS_MAX} меток` } };
  return { labels: clean, errors: {} };
}
