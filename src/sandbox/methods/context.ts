/**
 * What every Bot API method handler gets, and the small helpers they share:
 * resolving `chat_id` for the calling bot, the flood limits, reply targets,
 * topics and inline keyboards.
 */
import type { InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters } from '@grammyjs/types';
import { GENERAL_TOPIC_ID, type ChatState, type StoredMessage } from '../chat.js';
import type { BotState } from '../bot.js';
import type { TelegramEmulator } from '../emulator.js';
import { ApiError, badRequest, forbidden, reasons } from '../errors.js';
import { sendRefusal } from '../sendRights.js';
import type { Params } from '../params.js';
import { validateLoginUrlButton } from '../loginUrl.js';

export interface MethodContext {
  emulator: TelegramEmulator;
  bot: BotState;
  params: Params;
  /** Aborts when the client goes away (long polls stop waiting). */
  signal: AbortSignal | undefined;
  /** Optional `description` next to the result (setWebhook's "Webhook was set"). */
  description?: string;
}

export type Method = (ctx: MethodContext) => unknown;

/**
 * The chat `chat_id` names, as the bot sees it. Sending is refused in chats the
 * bot can't write to: a user who never started it or blocked it, a group it
 * was removed from, and a basic group that was upgraded to a supergroup —
 * there the Bot API server answers every call that needs write access with
 * 400 "Bad Request: group chat was upgraded to a supergroup chat" and
 * `parameters.migrate_to_chat_id` (telegram-bot-api Client.cpp,
 * `check_chat_access`: a deactivated group with `upgraded_to_supergroup_id`;
 * Bot API § ResponseParameters: "migrate_to_chat_id — The group has been
 * migrated to a supergroup with the specified identifier"). Reading
 * (`purpose` 'read': getChat, a copy's `from_chat_id`…) still works.
 */
export function resolveChat(ctx: MethodContext, purpose: 'send' | 'read' = 'send', name = 'chat_id'): ChatState {
  const { emulator, bot } = ctx;
  const raw = ctx.params.requireStr(name, `${name} is empty`);
  let chat: ChatState | undefined;
  if (raw.startsWith('@')) {
    const username = raw.slice(1).toLowerCase();
    chat = [...emulator.chats.values()].find((c) => c.isGroup && c.chat.type !== 'private' && 'username' in c.chat && c.chat.username?.toLowerCase() === username);
  } else {
    const id = Number(raw);
    if (!Number.isSafeInteger(id)) throw badRequest(reasons.chatNotFound);
    if (id > 0) {
      const user = emulator.users.get(id);
      if (user?.is_bot) throw forbidden("bot can't send messages to bots");
      chat = user && emulator.chats.get(`p:${bot.user.id}:${id}`);
      if (user && purpose === 'send' && !chat?.started) throw forbidden(reasons.cantInitiate);
      if (chat && purpose === 'send' && chat.blocked) throw forbidden(reasons.blocked);
    } else chat = emulator.group(id);
  }
  if (!chat) throw badRequest(reasons.chatNotFound);
  if (chat.migratedTo !== undefined && purpose === 'send') {
    throw new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: chat.migratedTo });
  }
  if (chat.isGroup && !chat.isMember(bot.user.id)) {
    const status = chat.members.get(bot.user.id)?.status;
    // The Bot API server names the chat's kind: "group chat" for a basic group, "supergroup chat" otherwise.
    const kind = chat.chat.type === 'group' ? 'group chat' : 'supergroup chat';
    if (status === 'kicked') throw forbidden(`bot was kicked from the ${kind}`);
    // A bot that left (leaveChat) still knows the chat: Telegram answers 403, not "chat not found".
    if (status === 'left') throw forbidden(`bot is not a member of the ${kind}`);
    throw badRequest(reasons.chatNotFound);
  }
  return chat;
}

/** Refuses, as Telegram does, content the bot has no right to post in `chat` (see sendRights.ts). */
export function requireSendRight(ctx: MethodContext, chat: ChatState, content: Partial<Message>): void {
  const refusal = sendRefusal(chat, ctx.bot.user.id, content);
  if (refusal) throw refusal;
}

/** Applies the flood limits when they are on; `cost` is the number of messages sent. */
export function takeLimit(ctx: MethodContext, chat: ChatState, cost = 1): void {
  const refusal = ctx.emulator.limits.take(ctx.bot.user.id, chat.key, chat.isGroup, cost);
  if (refusal) throw refusal;
}

/**
 * The topic a send goes to: `message_thread_id`, or the topic of the message
 * it replies to; undefined for the General topic (thread id 1, or none), whose
 * messages carry no message_thread_id (TDLib MessageTopic: a forum message
 * that is no topic message belongs to ServerMessageId(1)). A deleted or
 * unknown topic is "message thread not found". A closed topic takes messages
 * from admins who may manage topics and from its own creator (Bot API
 * closeForumTopic: "…unless it is the creator of the topic"; TDLib
 * ForumTopicInfo `is_outgoing`); a closed General only from those admins.
 */
export function resolveThread(ctx: MethodContext, chat: ChatState, replyTo: StoredMessage | undefined): number | undefined {
  const requested = ctx.params.int('message_thread_id');
  if (!chat.isForum) return undefined;
  const threadId = requested ?? replyTo?.threadId;
  const mayManage = chat.can(ctx.bot.user.id, 'can_manage_topics');
  if (threadId === undefined || threadId === GENERAL_TOPIC_ID) {
    if (chat.general.closed && !mayManage) throw badRequest(reasons.topicClosed);
    return undefined;
  }
  const topic = chat.topic(threadId);
  if (!topic) throw badRequest(reasons.threadNotFound);
  if (topic.closed && !mayManage && topic.creatorId !== ctx.bot.user.id) throw badRequest(reasons.topicClosed);
  return threadId;
}

/** reply_parameters or the legacy reply_to_message_id; a missing target is an error unless allowed. */
export function resolveReply(ctx: MethodContext, chat: ChatState): StoredMessage | undefined {
  const parameters = ctx.params.json<ReplyParameters>('reply_parameters');
  const id = parameters?.message_id ?? ctx.params.int('reply_to_message_id');
  if (id === undefined) return undefined;
  const stored = chat.message(Number(id));
  const allowMissing = parameters?.allow_sending_without_reply ?? ctx.params.bool('allow_sending_without_reply');
  if (!stored && !allowMissing) throw badRequest(reasons.replyNotFound);
  return stored;
}

const CALLBACK_DATA_LIMIT = 64;

/** Validates reply_markup like Telegram; only inline keyboards are kept on the message. */
export function resolveMarkup(ctx: MethodContext): InlineKeyboardMarkup | undefined {
  const markup = ctx.params.json<Record<string, unknown>>('reply_markup', "can't parse reply keyboard markup JSON object");
  if (!markup || !('inline_keyboard' in markup)) return undefined;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) {
    throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  }
  for (const row of rows as unknown[][]) {
    for (const button of row as Array<Partial<InlineKeyboardButton> & Record<string, unknown>>) {
      if (typeof button !== 'object' || button === null) throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
      if (typeof button.text !== 'string') throw badRequest("can't parse inline keyboard button: Text must be a String");
      const actions = Object.keys(button).filter((key) => key !== 'text' && key !== 'style' && key !== 'icon_custom_emoji_id');
      if (!actions.length) throw badRequest('text buttons are unallowed in the inline keyboard');
      if ('callback_data' in button) {
        const data = String(button.callback_data);
        if (!data || Buffer.byteLength(data) > CALLBACK_DATA_LIMIT) throw badRequest('BUTTON_DATA_INVALID');
      }
      validateLoginUrlButton(button);
      if ('url' in button && !/^(https?|tg):\/\/\S+$/.test(String(button.url))) {
        throw badRequest(`inline keyboard button URL '${String(button.url)}' is invalid: Wrong HTTP URL`);
      }
    }
  }
  return markup as unknown as InlineKeyboardMarkup;
}

/** A message of the chat the bot may act on; `reason` names the Telegram error when missing. */
export function requireMessage(chat: ChatState, id: number | undefined, reason: string): StoredMessage {
  const stored = chat.message(id);
  if (!stored || stored.service === 'forum_topic_created') throw badRequest(reason);
  return stored;
}
