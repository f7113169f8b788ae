/**
 * Lasting marks on messages in a client's topic, so a manager scrolling back
 * sees at a glance which messages the client never saw and which will not be
 * copied into a request (issue 17.18). The mark is the bot's reaction on the
 * message: it stays on the message for everyone, costs no message of the
 * group's 20 a minute, and is replaced or removed by the next call.
 *
 * Telegram's rules (Bot API, setMessageReaction and ReactionTypeEmoji):
 * «Currently, as non-premium users, bots can set up to one reaction per
 * message»; an emoji reaction must be one of the list in ReactionTypeEmoji
 * (both marks below are on it); an empty list removes the bot's reaction.
 */

/** On an internal `!` note: written for colleagues, never sent to the client. */
export const NOTE_MARK = '✍';
/** On a skipped message: not copied into the request's chat on the platform. */
export const SKIP_MARK = '🙈';

/**
 * The setMessageReaction payload that sets `mark` on a topic message, or
 * removes the bot's mark when `mark` is null.
 */
export function markReaction(messageId: number, mark: string | null): { message_id: number; reaction: Array<{ type: 'emoji'; emoji: string }> } {
  return { message_id: messageId, reaction: mark ? [{ type: 'emoji', emoji: mark }] : [] };
}
