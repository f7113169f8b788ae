/**
 * Who wrote a message in a group: a person, or a chat that Telegram shows
 * through a stand-in account. The one rule every handler of the managers'
 * group goes by before it takes a message's `from` as the acting manager
 * (telegram/senders.ts applies it to every message and edit there).
 *
 * Bot API, Message:
 * - `from`: «Sender of the message; may be empty for messages sent to
 *   channels. For backward compatibility, if the message was sent on behalf
 *   of a chat, the field contains a fake sender user in non-channel chats» —
 *   GroupAnonymousBot (id 1087968824) for an anonymous administrator,
 *   Channel_Bot (id 136817688) for a message sent as a channel; both have
 *   `is_bot: true`.
 * - `sender_chat`: «Sender of the message when sent on behalf of a chat. For
 *   example, the supergroup itself for messages sent by its anonymous
 *   administrators or a linked channel for messages automatically forwarded
 *   to the channel's discussion group».
 *
 * @example
 * actingPerson(message) // the User to act as, or undefined: nobody to act as
 */

/** Telegram's stand-in `from` for an anonymous administrator's messages. */
export const GROUP_ANONYMOUS_BOT_ID = 1087968824;
/** Telegram's stand-in `from` for messages sent on behalf of a channel. */
export const CHANNEL_BOT_ID = 136817688;
/**
 * Telegram's own service account («Telegram», `is_bot: false`): the `from` of
 * automatic forwards from a linked channel in its discussion group, and of
 * service notifications. Never a person who may act, with or without
 * `sender_chat` (an outside review made it a manager by a `/label` it "sent").
 */
export const TELEGRAM_SERVICE_ID = 777000;

/** The fields of a Bot API Message the rule reads. */
export interface SenderFields<P extends { is_bot: boolean }> {
  from?: P;
  sender_chat?: { id: number };
  /** Bot API Message.is_automatic_forward: a channel post forwarded into its discussion group by Telegram. */
  is_automatic_forward?: true;
}

/**
 * What sent a message: `person` — a real account, the only kind that may act
 * as a manager; `chat` — a chat, through a stand-in `from` (an anonymous
 * administrator: `sender_chat` is the group itself; a channel); `bot` — a bot
 * account (this bot's own service messages, another bot), or no `from` at all.
 */
export type SenderKind = 'person' | 'chat' | 'bot';

/**
 * The kind of sender of `message` (see SenderKind); `sender_chat`, an
 * automatic forward and Telegram's service account (TELEGRAM_SERVICE_ID) are
 * a chat whatever `from` says.
 */
export function senderKind(message: SenderFields<{ is_bot: boolean; id?: number }>): SenderKind {
  if (message.sender_chat || message.is_automatic_forward || message.from?.id === TELEGRAM_SERVICE_ID) return 'chat';
  if (!message.from || message.from.is_bot) return 'bot';
  return 'person';
}

/**
 * The person who wrote `message` — its `from` — when a real person did;
 * undefined when it was sent on behalf of a chat (`sender_chat` set) or by a
 * bot (`from.is_bot`: Telegram's stand-ins, other bots, this bot). Nobody may
 * act, be made a manager or speak to a client as anything but a person.
 */
export function actingPerson<P extends { is_bot: boolean }>(message: SenderFields<P>): P | undefined {
  return senderKind(message) === 'person' ? message.from : undefined;
}
