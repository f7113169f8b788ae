/**
 * A bot account in the emulator: its User (as getMe shows it), its token, its
 * update queue with webhook delivery, and what it configured about itself.
 */
import type { BotCommand, UserFromGetMe } from '@grammyjs/types';
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

export function newBotState(user: UserFromGetMe, token: string, webhook: WebhookOptions): BotState {
  const queue = new UpdateQueue();
  return { user, token, queue, webhook: new WebhookDeliverer(queue, webhook), commands: new Map(), settings: new Map() };
}
