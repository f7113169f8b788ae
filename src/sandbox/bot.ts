/**
 * A bot account in the emulator: its User (as getMe shows it), its token, its
 * update queue with webhook delivery, and what it configured about itself.
 */
import type { BotCommand, Message, User, UserFromGetMe } from '@grammyjs/types';
import type { ChatState } from './chat.js';
import type { Clock } from './clock.js';
import { UpdateQueue } from './updates.js';
import { WebhookDeliverer, type WebhookOptions } from './webhook.js';

export interface BotState {
  user: UserFromGetMe;
  token: string;
  queue: UpdateQueue;
  webhook: WebhookDeliverer;
  /** By scope and language: `JSON.stringify([scope, language_code])`. */
  commands: Map<string, BotCommand[]>;
  /** setMyDescription and friends, by field. */
  settings: Map<string, string>;
}

/** getMe's answer for a fresh bot: a plain bot without inline mode or business features. */
export function botUser(id: number, username: string, firstName: string): UserFromGetMe {
  return {
    id,
    is_bot: true,
    first_name: firstName,
    username,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

export function newBotState(user: UserFromGetMe, token: string, webhook: WebhookOptions, clock?: Clock): BotState {
  const queue = new UpdateQueue(clock);
  return { user, token, queue, webhook: new WebhookDeliverer(queue, webhook), commands: new Map(), settings: new Map() };
}

/** A bot as the `from` of its messages: a User without getMe's bot-only fields. */
export function senderView(user: User): User {
  const view: User = { id: user.id, is_bot: true, first_name: user.first_name };
  if (user.last_name) view.last_name = user.last_name;
  if (user.username) view.username = user.username;
  return view;
}

/**
 * Whether `bot` gets every message of group `chat`: an administrator does, and
 * so does a bot whose privacy mode is off (Bot API FAQ "What messages will my
 * bot get?" and § "Privacy mode" of the bot features page: "bots added as
 * administrators always receive all messages").
 */
export function seesEverything(bot: BotState, chat: ChatState): boolean {
  return chat.isAdmin(bot.user.id) || bot.user.can_read_all_group_messages;
}

/**
 * What a bot in privacy mode still gets in a group (bot features § "Privacy
 * mode"): commands addressed to it (`/cmd@this_bot`), a plain `/cmd` if it
 * was the last bot to post in the group, messages that mention it, and
 * replies to its own messages. Service messages go to every member bot (the
 * caller handles them). A topic message's implicit link to the topic's
 * creation message is no reply.
 */
export function isMeantFor(bot: BotState, chat: ChatState, message: Message): boolean {
  const username = bot.user.username.toLowerCase();
  const text = message.text ?? message.caption ?? '';
  for (const entity of message.entities ?? message.caption_entities ?? []) {
    const value = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    if (entity.type === 'mention' && value === `@${username}`) return true;
    if (entity.type === 'bot_command') {
      const at = value.indexOf('@');
      if (at >= 0 ? value.slice(at + 1) === username : entity.offset === 0 && chat.lastBotSenderId === bot.user.id) return true;
    }
  }
  const reply = message.reply_to_message;
  const implicit = reply && message.is_topic_message && reply.message_id === message.message_thread_id;
  return Boolean(reply && !implicit && reply.from?.id === bot.user.id);
}
