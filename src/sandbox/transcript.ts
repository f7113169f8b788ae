/**
 * A chat or a topic as a person reads it: who wrote what, media with download
 * links, buttons, edits, deletions, pins, topics with unread counts. The
 * sandbox page renders it; tests assert on it and wait for it.
 */
import type { Chat, Contact, Location, Message, MessageEntity, ReactionType } from '@grammyjs/types';
import type { ChatState, StoredMessage } from './chat.js';
import type { MediaKind } from './files.js';
import { mediaOf } from './media.js';

export interface TranscriptMedia {
  type: MediaKind;
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  file_name?: string;
  mime_type?: string;
  width?: number;
  height?: number;
  duration?: number;
  /** Path (under the emulator's root) that downloads the bytes. */
  url: string;
}

export interface TranscriptMessage {
  message_id: number;
  date: number;
  from?: { id: number; name: string; username?: string; is_bot: boolean };
  message_thread_id?: number;
  /** A real reply; a topic message's implicit reply to the topic's first message is left out. */
  reply_to_message_id?: number;
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  media?: TranscriptMedia;
  media_group_id?: string;
  location?: Location;
  contact?: Contact;
  forwarded_from?: string;
  buttons?: Array<Array<{ text: string; callback_data?: string; url?: string; login_url?: string }>>;
  edit_date?: number;
  /** Earlier versions, oldest first. */
  edits: Array<{ date: number; text?: string; caption?: string }>;
  deleted: boolean;
  pinned: boolean;
  /** Service message kind: forum_topic_created, pinned_message, forum_topic_closed… */
  service?: string;
  reactions?: Record<string, ReactionType[]>;
  /** The message exactly as the bots got it (its latest version). */
  raw: Message;
}

export interface TranscriptTopic {
  message_thread_id: number;
  name: string;
  icon_color: number;
  closed: boolean;
  deleted: boolean;
  pinned_message_id?: number;
  message_count: number;
  unread_count: number;
}

export interface Transcript {
  chat: Chat;
  bot_id?: number;
  message_thread_id?: number;
  messages: TranscriptMessage[];
  /** The chat's latest pin, or the topic's when a topic was asked for. */
  pinned_message_id?: number;
  topics: TranscriptTopic[];
  unread_count: number;
}

/** One row of the chat list (GET /sandbox/chats). */
export interface ChatSummary {
  chat: Chat;
  bot_id?: number;
  blocked: boolean;
  message_count: number;
  /** Unread in the chat and all its topics. */
  unread_count: number;
  topics: TranscriptTopic[];
  last_message?: { message_id: number; date: number; text?: string };
}

const nameOf = (user: { first_name: string; last_name?: string }) => (user.last_name ? `${user.first_name} ${user.last_name}` : user.first_name);

/** Counts as conversation: not a service message, not deleted. */
export const isConversation = (stored: StoredMessage): boolean => !stored.service && !stored.deleted;

function media(message: Message, fileUrl: (fileId: string) => string): TranscriptMedia | undefined {
  const found = mediaOf(message);
  if (!found) return undefined;
  const file = found.files[found.files.length - 1]!;
  const view: TranscriptMedia = { type: found.kind, file_id: file.file_id, file_unique_id: file.file_unique_id, url: fileUrl(file.file_id) };
  for (const key of ['file_size', 'file_name', 'mime_type', 'width', 'height', 'duration'] as const) {
    if (file[key] !== undefined) (view as unknown as Record<string, unknown>)[key] = file[key];
  }
  return view;
}

function messageView(chat: ChatState, stored: StoredMessage, fileUrl: (fileId: string) => string): TranscriptMessage {
  const m = stored.message;
  const view: TranscriptMessage = { message_id: m.message_id, date: m.date, edits: stored.edits, deleted: stored.deleted, pinned: chat.pinned.includes(m.message_id), raw: m };
  if (m.from) {
    view.from = { id: m.from.id, name: nameOf(m.from), is_bot: m.from.is_bot };
    if (m.from.username) view.from.username = m.from.username;
  }
  if (stored.threadId !== undefined) view.message_thread_id = stored.threadId;
  const replyId = m.reply_to_message?.message_id;
  if (replyId !== undefined && replyId !== stored.threadId) view.reply_to_message_id = replyId;
  const copy = ['text', 'entities', 'caption', 'caption_entities', 'media_group_id', 'location', 'contact', 'edit_date'] as const;
  for (const key of copy) if (m[key] !== undefined) (view as unknown as Record<string, unknown>)[key] = m[key];
  const file = media(m, fileUrl);
  if (file) view.media = file;
  const origin = m.forward_origin;
  if (origin?.type === 'user') view.forwarded_from = nameOf(origin.sender_user);
  if (m.reply_markup) {
    view.buttons = m.reply_markup.inline_keyboard.map((row) =>
      row.map((button) => {
        const b: { text: string; callback_data?: string; url?: string; login_url?: string } = { text: button.text };
        if ('callback_data' in button && button.callback_data !== undefined) b.callback_data = button.callback_data;
        if ('url' in button && button.url !== undefined) b.url = button.url;
        // The bare URL, as the bot sent it; pressing it (POST /login-url) gives the URL with the user's signed data.
        if ('login_url' in button && button.login_url !== undefined) b.login_url = button.login_url.url;
        return b;
      }),
    );
  }
  if (stored.service) view.service = stored.service;
  if (Object.keys(stored.reactions).length) view.reactions = stored.reactions;
  return view;
}

interface Count {
  total: number;
  unread: number;
}

/** Conversation messages and unread ones, outside topics and per topic. */
function countConversation(chat: ChatState): { general: Count; topics: Map<number, Count> } {
  const general: Count = { total: 0, unread: 0 };
  const topics = new Map<number, Count>();
  for (const stored of chat.messages.values()) {
    if (!isConversation(stored)) continue;
    const id = stored.message.message_id;
    if (stored.threadId === undefined) {
      general.total++;
      if (id > chat.readUpTo) general.unread++;
      continue;
    }
    let count = topics.get(stored.threadId);
    if (!count) topics.set(stored.threadId, (count = { total: 0, unread: 0 }));
    count.total++;
    if (id > (chat.topics.get(stored.threadId)?.readUpTo ?? 0)) count.unread++;
  }
  return { general, topics };
}

function topicViews(chat: ChatState, counts: Map<number, Count>): TranscriptTopic[] {
  return [...chat.topics.values()].map((topic) => {
    const view: TranscriptTopic = {
      message_thread_id: topic.id,
      name: topic.name,
      icon_color: topic.icon_color,
      closed: topic.closed,
      deleted: topic.deleted,
      message_count: counts.get(topic.id)?.total ?? 0,
      unread_count: counts.get(topic.id)?.unread ?? 0,
    };
    const pinned = chat.pinnedIn(topic.id);
    if (pinned) view.pinned_message_id = pinned.message.message_id;
    return view;
  });
}

export function buildTranscript(chat: ChatState, threadId: number | undefined, fileUrl: (fileId: string) => string): Transcript {
  const messages: TranscriptMessage[] = [];
  for (const stored of chat.messages.values()) {
    if (threadId === undefined || stored.threadId === threadId) messages.push(messageView(chat, stored, fileUrl));
  }
  const counts = countConversation(chat);
  const unread = threadId === undefined ? counts.general.unread : (counts.topics.get(threadId)?.unread ?? 0);
  const transcript: Transcript = { chat: chat.chat, messages, topics: topicViews(chat, counts.topics), unread_count: unread };
  if (chat.botId !== undefined) transcript.bot_id = chat.botId;
  if (threadId !== undefined) transcript.message_thread_id = threadId;
  const pinned = chat.pinnedIn(threadId);
  if (pinned) transcript.pinned_message_id = pinned.message.message_id;
  return transcript;
}

/** A chat list row, counted without building message views. */
export function summarize(chat: ChatState): ChatSummary {
  const counts = countConversation(chat);
  const topics = topicViews(chat, counts.topics);
  let messageCount = counts.general.total;
  let unread = counts.general.unread;
  for (const topic of topics) {
    if (topic.deleted) continue;
    messageCount += topic.message_count;
    unread += topic.unread_count;
  }
  const summary: ChatSummary = { chat: chat.chat, blocked: chat.blocked, message_count: messageCount, unread_count: unread, topics };
  if (chat.botId !== undefined) summary.bot_id = chat.botId;
  const last = [...chat.messages.values()].reverse().find(isConversation)?.message;
  if (last) summary.last_message = { message_id: last.message_id, date: last.date, text: last.text ?? last.caption };
  return summary;
}

/** What `waitFor` can wait for; every given condition must hold. */
export interface WaitCondition {
  /** At least this many conversation messages (not service, not deleted). */
  min_count?: number;
  /** Some message's text or caption contains this. */
  text_includes?: string;
  /** true: something is pinned; false: nothing is; a number: that message is pinned. */
  pinned?: boolean | number;
}

/**
 * Checks a condition on the chat itself, without building a transcript: a
 * waiter re-checks on every event, and a burst of messages must stay cheap.
 */
export function holds(chat: ChatState, threadId: number | undefined, condition: WaitCondition): boolean {
  const pinned = chat.pinnedIn(threadId)?.message.message_id;
  if (condition.pinned === true && pinned === undefined) return false;
  if (condition.pinned === false && pinned !== undefined) return false;
  if (typeof condition.pinned === 'number' && pinned !== condition.pinned) return false;
  if (condition.min_count === undefined && condition.text_includes === undefined) return true;
  let count = 0;
  let found = condition.text_includes === undefined;
  for (const stored of chat.messages.values()) {
    if (!isConversation(stored) || (threadId !== undefined && stored.threadId !== threadId)) continue;
    count++;
    if (!found) found = (stored.message.text ?? stored.message.caption ?? '').includes(condition.text_includes!);
  }
  return found && (condition.min_count === undefined || count >= condition.min_count);
}
