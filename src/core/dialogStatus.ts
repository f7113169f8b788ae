/**
 * A dialog's status at a glance (issue 19.1): what managers see in the
 * topic's title, on the client card and in the platform's dialogs list.
 * Pure: derived from what `dialogs` stores, no I/O.
 */
import { topicName, type ClientCardData } from './clientCard.js';

/**
 * - `waiting_us` — the client wrote last and nobody answered yet;
 * - `waiting_client` — we answered last (or nobody wrote yet);
 * - `on_hold` — parked by `/hold` until the client writes again or `/unhold`;
 * - `closed` — closed by `/close`, a manager closing the topic, or inactivity.
 */
export type DialogStatus = 'waiting_us' | 'waiting_client' | 'on_hold' | 'closed';

export const DIALOG_STATUSES: readonly DialogStatus[] = ['waiting_us', 'waiting_client', 'on_hold', 'closed'];

/** What `dialogs` stores: `status` (`open` | `on_hold` | `closed`) and since when the client waits for us. */
export interface StoredDialogStatus {
  status: string;
  waitingSince: Date | null;
}

/** The status shown for a stored dialog: hold and closed are stored, waiting for whom is derived. */
export function dialogStatusOf(dialog: StoredDialogStatus): DialogStatus {
  if (dialog.status === 'closed') return 'closed';
  if (dialog.status === 'on_hold') return 'on_hold';
  return dialog.waitingSince ? 'waiting_us' : 'waiting_client';
}

/**
 * The title prefix. Traffic-light colours read at a glance in a long topic
 * list and survive every Telegram client's emoji font: red — act now (the
 * client waits for us); green — nothing to do (the ball is with the client);
 * pause — parked on purpose; check mark — done. Shapes differ too, so the
 * four are told apart without colour vision.
 */
export const STATUS_EMOJI: Record<DialogStatus, string> = {
  waiting_us: '🔴',
  waiting_client: '🟢',
  on_hold: '⏸',
  closed: '✅',
};

/** The topic's title: the status emoji and the client's name, within Telegram's 128 characters. */
export function topicTitle(client: Pick<ClientCardData, 'firstName' | 'lastName' | 'username' | 'telegramUserId'>, status: DialogStatus): string {
  return Array.from(`${STATUS_EMOJI[status]} ${topicName(client)}`).slice(0, 128).join('');
}
