/**
 * What each Bot API failure means for the outbox, apart from how the outbox
 * schedules its rows (src/jobs/telegramOutbox.ts): which answers are final,
 * which are a problem of a whole managers' group, which leave the outcome
 * unknown — and the one backoff policy every retry goes through.
 *
 * The Bot API has no idempotency key: a call whose answer is lost (a
 * timeout, a dropped connection, a crash mid-call) may or may not have been
 * applied. Per method:
 * - messages (sendMessage, copyMessage, copyMessages, sendDocument…): sent
 *   again, at most once per lost answer, and the repeat is visibly marked
 *   (`REPEAT_MARK`), so a reader who sees a message twice knows why;
 * - createForumTopic: never repeated blindly (src/jobs/topics.ts claims the
 *   creation and adopts the topic from Telegram's `forum_topic_created`);
 * - edits, pins, reactions, reopening a topic: repeating them is harmless
 *   (an edit that already happened answers "message is not modified").
 */
import { GrammyError, HttpError } from 'grammy';
import { botText } from '../commands/botTexts.js';

/** The one backoff policy: counted attempts, a delay that doubles from 0.5 s up to 30 s. */
export const BACKOFF = { baseMs: 500, maxMs: 30_000 } as const;

/**
 * How long a row waits before its next try, after `attempts` tries (the one
 * that just failed included). `floorMs` is a wait Telegram asked for
 * (429 `retry_after`), which the delay never undercuts.
 */
export function retryDelayMs(attempts: number, floorMs = 0): number {
  const backoff = Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(floorMs, backoff);
}

/** Telegram's answers that mean "this will never succeed", by description. */
const TOPIC_GONE = /message thread not found|TOPIC_DELETED|TOPIC_ID_INVALID/i;
const TOPIC_CLOSED = /TOPIC_CLOSED/i;
// TOPIC_NOT_MODIFIED: closing a closed topic, reopening an open one or renaming to the same name (editForumTopic, closeForumTopic).
const NOT_MODIFIED = /message is not modified|TOPIC_NOT_MODIFIED/i;
const CANT_EDIT = /message to edit not found|message can't be edited|MESSAGE_ID_INVALID|there is no (text|caption) in the message to edit/i;
const CLIENT_UNREACHABLE = /bot was blocked by the user|user is deactivated|bot can't initiate conversation/i;
/**
 * The bot cannot post into the group at all (Bot API answers, as the Bot API
 * server words them from TDLib's errors): removed — 403 "Forbidden: bot was
 * kicked from the supergroup chat", "Forbidden: bot is not a member of the
 * supergroup chat"; demoted or restricted — 400 "Bad Request: not enough
 * rights to send text messages to the chat", "have no rights to send a
 * message", CHAT_WRITE_FORBIDDEN, CHAT_RESTRICTED; gone — "chat not found";
 * without topics — 400 "Bad Request: the chat is not a forum" (TDLib
 * ForumTopicManager::is_forum: a basic group, or a supergroup with Topics
 * off), which managers fix by turning Topics on (a basic group then becomes a
 * supergroup with a new id, followed through `migrate_to_chat_id`).
 */
const GROUP_UNAVAILABLE =
  /bot was kicked|bot is not a member|not enough rights to send|have no rights to send|CHAT_WRITE_FORBIDDEN|CHAT_RESTRICTED|CHAT_ADMIN_REQUIRED|chat not found|group chat was deactivated|chat was upgraded|the chat is not a forum/i;
/**
 * The group a message is copied *from* (a manager's answer, copied to the
 * client) refuses the bot: the Bot API server checks `from_chat_id` like any
 * chat and answers 403 "Forbidden: bot was kicked from the supergroup chat" /
 * "bot is not a member of the supergroup chat" — about the source group, not
 * the client. Rights to send are about the destination, so they are not here.
 */
const SOURCE_GROUP_UNAVAILABLE = /bot was kicked|bot is not a member|group chat was deactivated|chat was upgraded/i;
/** The bot may post but lacks a right a step needs (topics): that dialog waits, the group goes on. */
const RIGHT_MISSING = /not enough rights/i;

/** Telegram's answer to a call into a topic that no longer exists (a manager deleted it). */
export function topicGone(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && TOPIC_GONE.test(error.description);
}

export type Failure =
  /** 429: Telegram's own wait; not the message's failure, so not counted. */
  | { kind: 'rate_limited'; ms: number; reason: string }
  /** Try again later; `maybeApplied` when Telegram may have applied the call. */
  | { kind: 'retry'; reason: string; maybeApplied: boolean; network: boolean }
  | { kind: 'not_modified' }
  | { kind: 'topic_gone'; reason: string }
  | { kind: 'topic_closed'; reason: string }
  /** The managers' group `chatId` as a whole refuses the bot (as destination or as source of a copy): pause the group, keep its messages. */
  | { kind: 'group_unavailable'; chatId: number; reason: string }
  /** The group became a supergroup with this id (400 with `parameters.migrate_to_chat_id`). */
  | { kind: 'group_migrated'; to: number; reason: string }
  | { kind: 'client_unreachable'; reason: string }
  | { kind: 'cant_edit'; reason: string }
  | { kind: 'refused'; reason: string };

/** Error codes of a connection refused before the request was sent: Telegram cannot have applied it. */
const NOT_SENT = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/;

/** True when a network failure happened after the call may have reached Telegram. */
export function outcomeUnknown(error: unknown): boolean {
  if (!(error instanceof HttpError)) return false;
  const cause = error.error as { code?: string; cause?: { code?: string }; message?: string } | undefined;
  const text = `${cause?.code ?? ''} ${cause?.cause?.code ?? ''} ${cause?.message ?? ''} ${error.message}`;
  return !NOT_SENT.test(text);
}

/**
 * What a failed call means. `chatId` is the chat the call went to (groups
 * are negative), `fromChatId` the chat a copy or forward reads from,
 * `method` the Bot API method, `inTopic` whether the call went to a
 * dialog's topic.
 */
export function classifyFailure(error: unknown, call: { chatId: number; fromChatId?: number; method: string; inTopic: boolean }): Failure {
  if (error instanceof GrammyError) {
    const reason = `${error.error_code} ${error.description}`;
    const description = error.description;
    if (error.error_code === 429) return { kind: 'rate_limited', ms: (error.parameters.retry_after ?? 1) * 1000, reason };
    if (error.error_code >= 500) return { kind: 'retry', reason, maybeApplied: false, network: false };
    if (error.parameters.migrate_to_chat_id !== undefined && call.chatId < 0) {
      return { kind: 'group_migrated', to: error.parameters.migrate_to_chat_id, reason };
    }
    if (NOT_MODIFIED.test(description)) return { kind: 'not_modified' };
    if (call.inTopic && TOPIC_GONE.test(description)) return { kind: 'topic_gone', reason };
    if (call.inTopic && TOPIC_CLOSED.test(description)) return { kind: 'topic_closed', reason };
    if (call.chatId > 0 && CLIENT_UNREACHABLE.test(description)) return { kind: 'client_unreachable', reason: description };
    if (call.chatId < 0 && GROUP_UNAVAILABLE.test(description)) return { kind: 'group_unavailable', chatId: call.chatId, reason };
    // An answer copied from a group the bot is out of: that group's problem, not the client's — it waits, it does not fail.
    if (call.fromChatId !== undefined && call.fromChatId < 0 && call.fromChatId !== call.chatId && SOURCE_GROUP_UNAVAILABLE.test(description)) {
      return { kind: 'group_unavailable', chatId: call.fromChatId, reason };
    }
    // A right the step needs (e.g. to create or reopen a topic) is missing:
    // the dialog waits for it, counted and backed off like any retry.
    if (call.chatId < 0 && RIGHT_MISSING.test(description)) return { kind: 'retry', reason, maybeApplied: false, network: false };
    if (CANT_EDIT.test(description) && /^editMessage(Text|Caption|Media)$/.test(call.method)) return { kind: 'cant_edit', reason };
    return { kind: 'refused', reason };
  }
  if (error instanceof HttpError) return { kind: 'retry', reason: error.message, maybeApplied: outcomeUnknown(error), network: true };
  // A database hiccup while resolving ids, or a step of Hotline's own: the call never went out.
  const cause = (error as { cause?: Error }).cause;
  const reason = cause?.message ? `${cause.message} (${(error as Error).message.split('\n')[0]})` : (error as Error).message;
  return { kind: 'retry', reason, maybeApplied: false, network: false };
}

/** The first line of a message sent again after its first try's answer was lost. */
/** The mark for managers (src/locales/ru.ftl `repeat-mark`); a client's repeat carries it in their language. */
export const REPEAT_MARK = botText('ru', 'repeat-mark');

/** Methods that put a new message on screen: repeating one after a lost answer may show it twice. */
const MESSAGE_METHODS = new Set(['sendMessage', 'copyMessage', 'copyMessages', 'sendDocument', 'sendPhoto', 'sendMediaGroup', 'forwardMessage']);

export function postsMessage(method: string): boolean {
  return MESSAGE_METHODS.has(method);
}

/** Media that carry a caption (copyMessage's `caption` replaces it). */
const CAPTIONED = new Set(['photo', 'video', 'document', 'audio', 'voice', 'animation']);

type Entity = { offset: number; length: number } & Record<string, unknown>;

/** Text with `REPEAT_MARK` as its first line; entities shifted (offsets are UTF-16, like JS strings). */
export function markedText(text: string, entities: Entity[] | undefined, mark: string = REPEAT_MARK): { text: string; entities: Entity[] } | undefined {
  const prefix = `${mark}\n`;
  if (prefix.length + text.length > 4096) return undefined;
  return { text: prefix + text, entities: (entities ?? []).map((e) => ({ ...e, offset: e.offset + prefix.length })) };
}

export interface BotApiCall {
  method: string;
  params: Record<string, unknown>;
}

/**
 * The repeat of a message call whose earlier answer was lost, visibly
 * marked: a text goes out with the mark as its first line (a copy of a text
 * becomes a sendMessage of the stored text, as copyMessage cannot change a
 * text); a caption gets the mark in front; anything else (an album, a
 * sticker) is preceded by the mark as a note in the same place.
 * `stored` is the dialog message's text and entities, when known.
 */
export function markRepeat(
  call: BotApiCall,
  stored: { text: string | null; entities: Entity[] | null; mediaKind: string | null } | undefined,
  /** The mark in the reader's language (a client's, for a call into their chat). */
  mark: string = REPEAT_MARK,
): BotApiCall[] {
  const { method, params } = call;
  const place = { chat_id: params.chat_id, ...(params.message_thread_id !== undefined ? { message_thread_id: params.message_thread_id } : {}) };
  const note: BotApiCall = { method: 'sendMessage', params: { ...place, text: mark } };
  if (method === 'sendMessage' && typeof params.text === 'string') {
    const marked = markedText(params.text, params.entities as Entity[] | undefined, mark);
    if (marked && params.parse_mode === undefined) return [{ method, params: { ...params, ...marked } }];
    return [note, call];
  }
  if (method === 'copyMessage' && stored && stored.mediaKind === null && stored.text !== null) {
    const marked = markedText(stored.text, stored.entities ?? undefined, mark);
    if (marked) {
      const { from_chat_id: _from, message_id: _id, caption: _c, caption_entities: _ce, ...rest } = params;
      return [{ method: 'sendMessage', params: { ...rest, ...marked } }];
    }
  }
  if (method === 'sendDocument' || (method === 'copyMessage' && stored !== undefined && CAPTIONED.has(stored.mediaKind ?? ''))) {
    const caption = typeof params.caption === 'string' ? params.caption : (stored?.text ?? '');
    const entities = (params.caption_entities as Entity[] | undefined) ?? stored?.entities ?? undefined;
    const marked = markedText(caption, entities, mark);
    if (marked && marked.text.length <= 1024 && params.parse_mode === undefined) {
      return [{ method, params: { ...params, caption: marked.text, caption_entities: marked.entities } }];
    }
  }
  return [note, call];
}
