/**
 * A dialog's status at a glance (issue 19.1): what managers see in the
 * topic's title, on the client card and in the platform's dialogs list.
 * Pure: derived from what `dialogs` stores, no I/O.
 */
import { neutralTopicName, topicName, type ClientCardData } from './clientCard.js';
import { truncate } from './html.js';

/**
 * - `waiting_us` — the client wrote last and nobody answered yet;
 * - `waiting_client` — we answered last (or nobody wrote yet);
 * - `on_hold` — parked by `/hold` until the client writes again or `/unhold`;
 * - `closed` — closed by `/close`, a manager closing the topic, or inactivity;
 * - `banned` — the client is on the blocklist (commands/banClient): nothing
 *   they write is relayed, so nobody is asked to answer them — whatever the
 *   stored status, which shows again once they are let back (issue 19, part 1).
 */
export type DialogStatus = 'waiting_us' | 'waiting_client' | 'on_hold' | 'closed' | 'banned';

export const DIALOG_STATUSES: readonly DialogStatus[] = ['waiting_us', 'waiting_client', 'on_hold', 'closed', 'banned'];

/** What `dialogs` stores: `status` (`open` | `on_hold` | `closed`) and since when the client waits for us. */
export interface StoredDialogStatus {
  status: string;
  waitingSince: Date | null;
}

/** What `clients` stores of the blocklist: since when the client is banned, or null. */
export interface StoredBan {
  bannedAt: Date | string | null;
}

/**
 * The status shown for a stored dialog: a ban (on the client) comes first; hold
 * and closed are stored, waiting for whom is derived. Without `client` the ban
 * is not looked at.
 */
export function dialogStatusOf(dialog: StoredDialogStatus, client?: StoredBan): DialogStatus {
  if (client?.bannedAt) return 'banned';
  if (dialog.status === 'closed') return 'closed';
  if (dialog.status === 'on_hold') return 'on_hold';
  return dialog.waitingSince ? 'waiting_us' : 'waiting_client';
}

/**
 * The title prefix. Traffic-light colours read at a glance in a long topic
 * list and survive every Telegram client's emoji font: red — act now (the
 * client waits for us); green — nothing to do (the ball is with the client);
 * pause — parked on purpose; check mark — done; no-entry sign — on the
 * blocklist (the sign the ban's notice in the topic starts with). Shapes
 * differ too, so the five are told apart without colour vision.
 */
export const STATUS_EMOJI: Record<DialogStatus, string> = {
  waiting_us: '🔴',
  waiting_client: '🟢',
  on_hold: '⏸',
  closed: '✅',
  banned: '⛔',
};

/**
 * Telegram's limit for a forum topic's name, counted here in UTF-16 code
 * units. Bot API createForumTopic / editForumTopic `name`: "Topic name,
 * 1-128 characters". TDLib (ForumTopicManager.h) has
 * `MAX_FORUM_TOPIC_TITLE_LENGTH = 128  // server side limit for forum topic
 * title` and applies it with `clean_name` → `utf8_truncate` (Unicode code
 * points); the MTProto schema words `messages.createForumTopic` `title` as
 * "maximum UTF-8 length: 128". Which unit the server counts is not written
 * anywhere we could find, so titles are fitted to 128 UTF-16 code units: a
 * non-BMP emoji counts 2 here and 1 in code points, so a title that fits
 * here fits by code points and by UTF-16 alike. The emulator
 * (src/sandbox/methods/forum.ts `topicName`) refuses by the same count.
 */
export const TOPIC_TITLE_MAX = 128;

/**
 * A topic title within Telegram's limit (`TOPIC_TITLE_MAX` UTF-16 code
 * units): `prefix` (the status emoji and its space) kept whole, `name` cut
 * between grapheme clusters (never inside a surrogate pair or an emoji
 * sequence, core/html `truncate`) and ending with «…» when cut. `name` is
 * expected on one line and not empty (core/clientCard `topicName`); an empty
 * or blank one gives the prefix alone, trimmed.
 */
export function fitTopicTitle(prefix: string, name: string): string {
  return `${prefix}${truncate(name, TOPIC_TITLE_MAX - prefix.length)}`.trim();
}

/** The topic's title: the status emoji and the client's name, fitted to Telegram's limit (`fitTopicTitle`). */
export function topicTitle(client: Pick<ClientCardData, 'firstName' | 'lastName' | 'username' | 'telegramUserId'>, status: DialogStatus): string {
  return fitTopicTitle(`${STATUS_EMOJI[status]} `, topicName(client));
}

/**
 * The title used when Telegram refused the client's (a count of the limit
 * other than ours, a character it does not take): the status emoji and
 * «Клиент <id>», which every count takes.
 */
export function neutralTopicTitle(client: Pick<ClientCardData, 'telegramUserId'>, status: DialogStatus): string {
  return fitTopicTitle(`${STATUS_EMOJI[status]} `, neutralTopicName(client));
}
