/**
 * Forum topics. A topic's message_thread_id is the id of its
 * `forum_topic_created` service message; changes post service messages into
 * the topic; a closed topic takes messages only from admins who may manage
 * topics and from its creator; a deleted topic is gone with its messages.
 * The General topic (id 1) is the forum's own and has its own methods.
 *
 * Flood limits: every call here that posts a service message into the group
 * (a topic created, edited, closed, reopened) takes one message of the
 * group's budget, as a send does. Telegram's rule (Bot API FAQ, «My bot is
 * hitting limits»: "your bot will not be able to send more than 20 messages
 * per minute to the same group") counts messages and does not name service
 * messages; the emulator counts them, so that a client that fits within it
 * fits within the stricter reading too. Hotline's own limiter counts them
 * the same way (src/jobs/rateLimits.ts).
 */
import type { ForumTopic } from '@grammyjs/types';
import type { ChatState, TopicState } from '../chat.js';
import { badRequest, reasons } from '../errors.js';
import { resolveChat, takeLimit, type Method, type MethodContext } from './context.js';

/** The colours Telegram allows for topic icons; the first is its default. */
export const TOPIC_COLORS = [7322096, 16766590, 13338331, 9367192, 16749490, 16478047];

function forum(ctx: MethodContext, right: 'can_manage_topics' | 'can_delete_messages' | 'can_pin_messages' = 'can_manage_topics'): ChatState {
  const chat = resolveChat(ctx);
  if (!chat.isForum) throw badRequest('the chat is not a forum');
  if (!chat.can(ctx.bot.user.id, right)) throw badRequest('not enough rights to manage topics');
  return chat;
}

function topicOf(ctx: MethodContext, chat: ChatState): TopicState {
  const topic = chat.topic(ctx.params.requireInt('message_thread_id'));
  // General (thread 1) is handled by its own methods (closeGeneralForumTopic…).
  if (!topic) throw badRequest(reasons.threadNotFound);
  return topic;
}

/**
 * A topic's name as createForumTopic / editForumTopic take it (Bot API
 * `name`: "Topic name, 1-128 characters"; TDLib ForumTopicManager.h:
 * `MAX_FORUM_TOPIC_TITLE_LENGTH = 128  // server side limit for forum topic
 * title`). Counted in UTF-16 code units (`String.length`: a non-BMP emoji is
 * 2), the strictest of the counts Telegram's texts suggest short of UTF-8
 * bytes, and the one Hotline fits its titles to (core/dialogStatus
 * `TOPIC_TITLE_MAX`). Refuses an empty name (TOPIC_TITLE_EMPTY) and a longer
 * one (TOPIC_TITLE_TOO_LONG), as Telegram's errors are named.
 */
export function topicName(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (!trimmed) throw badRequest('TOPIC_TITLE_EMPTY');
  if (trimmed.length > 128) throw badRequest('TOPIC_TITLE_TOO_LONG');
  return trimmed;
}

export function topicColor(color: number | undefined): number {
  if (color === undefined) return TOPIC_COLORS[0]!;
  if (!TOPIC_COLORS.includes(color)) throw badRequest('TOPIC_ICON_COLOR_INVALID');
  return color;
}

const createForumTopic: Method = (ctx): ForumTopic => {
  const chat = resolveChat(ctx);
  if (!chat.isForum) throw badRequest('the chat is not a forum');
  if (!chat.can(ctx.bot.user.id, 'can_manage_topics')) throw badRequest('not enough rights to create a topic');
  const input: { name: string; icon_color: number; icon_custom_emoji_id?: string } = {
    name: topicName(ctx.params.str('name')),
    icon_color: topicColor(ctx.params.int('icon_color')),
  };
  const emoji = ctx.params.str('icon_custom_emoji_id');
  if (emoji) input.icon_custom_emoji_id = emoji;
  takeLimit(ctx, chat);
  const topic = ctx.emulator.createTopic(chat, ctx.bot.user, input);
  const result: ForumTopic = { message_thread_id: topic.id, name: topic.name, icon_color: topic.icon_color };
  if (topic.icon_custom_emoji_id) result.icon_custom_emoji_id = topic.icon_custom_emoji_id;
  return result;
};

/**
 * A topic the bot may edit, close or reopen: with can_manage_topics, or as
 * its creator (Bot API editForumTopic, closeForumTopic, reopenForumTopic:
 * "must have the can_manage_topics administrator rights, unless it is the
 * creator of the topic").
 */
function ownTopic(ctx: MethodContext): { chat: ChatState; topic: TopicState } {
  const chat = resolveChat(ctx);
  if (!chat.isForum) throw badRequest('the chat is not a forum');
  const topic = topicOf(ctx, chat);
  if (!chat.can(ctx.bot.user.id, 'can_manage_topics') && topic.creatorId !== ctx.bot.user.id) throw badRequest('not enough rights to manage topics');
  return { chat, topic };
}

const editForumTopic: Method = (ctx) => {
  const { chat, topic } = ownTopic(ctx);
  const name = ctx.params.has('name') ? topicName(ctx.params.str('name')) : undefined;
  const emoji = ctx.params.str('icon_custom_emoji_id');
  if ((name === undefined || name === topic.name) && (emoji === undefined || emoji === topic.icon_custom_emoji_id)) {
    throw badRequest(reasons.topicNotModified);
  }
  takeLimit(ctx, chat);
  const edited: { name?: string; icon_custom_emoji_id?: string } = {};
  if (name !== undefined) edited.name = topic.name = name;
  if (emoji !== undefined) edited.icon_custom_emoji_id = topic.icon_custom_emoji_id = emoji;
  ctx.emulator.topicChanged(chat, topic, ctx.bot.user, { forum_topic_edited: edited }, 'forum_topic_edited');
  return true;
};

function setClosed(closed: boolean): Method {
  return (ctx) => {
    const { chat, topic } = ownTopic(ctx);
    if (topic.closed === closed) throw badRequest(reasons.topicNotModified);
    takeLimit(ctx, chat);
    topic.closed = closed;
    const service = closed ? 'forum_topic_closed' : 'forum_topic_reopened';
    ctx.emulator.topicChanged(chat, topic, ctx.bot.user, { [service]: {} }, service);
    return true;
  };
}

const deleteForumTopic: Method = (ctx) => {
  const chat = forum(ctx, 'can_delete_messages');
  ctx.emulator.deleteTopic(chat, topicOf(ctx, chat));
  return true;
};

const unpinAllForumTopicMessages: Method = (ctx) => {
  const chat = forum(ctx, 'can_pin_messages');
  const topic = topicOf(ctx, chat);
  ctx.emulator.unpin(chat, chat.pinned.filter((id) => chat.messages.get(id)?.threadId === topic.id));
  return true;
};

/**
 * The General topic's methods (Bot API editGeneralForumTopic,
 * close/reopen/hide/unhideGeneralForumTopic: can_manage_topics required;
 * hiding closes it, reopening unhides it). Changes post their service
 * messages into General.
 */
function generalChange(change: 'close' | 'reopen' | 'hide' | 'unhide'): Method {
  return (ctx) => {
    const chat = forum(ctx);
    const general = chat.general;
    const before = { ...general };
    if (change === 'close') general.closed = true;
    if (change === 'reopen') general.closed = general.hidden = false;
    if (change === 'hide') general.hidden = general.closed = true;
    if (change === 'unhide') general.hidden = false;
    if (before.closed === general.closed && before.hidden === general.hidden) throw badRequest(reasons.topicNotModified);
    const service =
      before.hidden !== general.hidden
        ? general.hidden
          ? 'general_forum_topic_hidden'
          : 'general_forum_topic_unhidden'
        : general.closed
          ? 'forum_topic_closed'
          : 'forum_topic_reopened';
    ctx.emulator.post({ chat, from: ctx.bot.user, content: { [service]: {} }, service });
    return true;
  };
}

const editGeneralForumTopic: Method = (ctx) => {
  const chat = forum(ctx);
  const name = topicName(ctx.params.str('name'));
  if (name === chat.general.name) throw badRequest(reasons.topicNotModified);
  chat.general.name = name;
  ctx.emulator.post({ chat, from: ctx.bot.user, content: { forum_topic_edited: { name } }, service: 'forum_topic_edited' });
  return true;
};

const unpinAllGeneralForumTopicMessages: Method = (ctx) => {
  const chat = forum(ctx, 'can_pin_messages');
  ctx.emulator.unpin(chat, chat.pinned.filter((id) => chat.messages.get(id)?.threadId === undefined));
  return true;
};

export const forumMethods: Record<string, Method> = {
  editGeneralForumTopic,
  closeGeneralForumTopic: generalChange('close'),
  reopenGeneralForumTopic: generalChange('reopen'),
  hideGeneralForumTopic: generalChange('hide'),
  unhideGeneralForumTopic: generalChange('unhide'),
  unpinAllGeneralForumTopicMessages,
  createForumTopic,
  editForumTopic,
  closeForumTopic: setClosed(true),
  reopenForumTopic: setClosed(false),
  deleteForumTopic,
  unpinAllForumTopicMessages,
  getForumTopicIconStickers: () => [],
};
