/**
 * What sandbox users do, driven through the control API: write to a bot or
 * into a group topic (text, media, albums, locations, contacts), edit and
 * delete their messages, press inline buttons, react, block the bot, manage
 * topics. Each action produces the updates Telegram would send the bots.
 */
import type { Chat, Contact, Location, Message, MessageEntity, ReactionType, User } from '@grammyjs/types';
import { GENERAL_TOPIC_ID, type ChatState, type StoredMessage } from './chat.js';
import type { AnswerRecord } from './callbacks.js';
import { unixNow, type TelegramEmulator } from './emulator.js';
import { ApiError, reasons } from './errors.js';
import type { MediaKind } from './files.js';
import { mediaContent, mediaOf, newMediaGroupId, storeUpload, type MediaDetails } from './media.js';
import { memberView } from './members.js';
import { sendRefusal } from './sendRights.js';
import { topicColor, topicName } from './methods/forum.js';
import { formatText } from './text.js';
import { buildPoll, checkAlbumKind, replaceMedia, rollDice, venueContent } from './methods/content.js';
import { findLoginUrlButton, loginUrlFor } from './loginUrl.js';

/** A control API error: `status` is the HTTP status, `message` says what to fix. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Media a user sends: real bytes (base64) or `size` dummy bytes. */
export interface MediaInput extends MediaDetails {
  type: MediaKind;
  base64?: string;
  size?: number;
  file_name?: string;
  mime_type?: string;
  /** Album items carry their own caption. */
  caption?: string;
}

/** Where a user acts: a group by its id, or their private chat with a bot (chat_id = their own id or omitted). */
export interface ChatTarget {
  from: number;
  chat_id?: number;
  bot_id?: number;
}

export interface UserMessageInput extends ChatTarget {
  message_thread_id?: number;
  reply_to_message_id?: number;
  text?: string;
  entities?: MessageEntity[];
  parse_mode?: string;
  caption?: string;
  caption_entities?: MessageEntity[];
  media?: MediaInput;
  /** An album: each item becomes its own message (and update) sharing one media_group_id. */
  album?: MediaInput[];
  location?: Location;
  contact?: Contact;
  poll?: { question: string; options: string[]; type?: 'regular' | 'quiz'; is_anonymous?: boolean; allows_multiple_answers?: boolean; correct_option_id?: number; explanation?: string };
  dice?: { emoji?: string; value?: number };
  venue?: { latitude: number; longitude: number; title: string; address: string; foursquare_id?: string };
  /** One album part sent on its own: parts with the same id form one album. */
  media_group_id?: string;
  /** A forward of a message written by this user. */
  forwarded_from?: number;
  /** Sent as a channel of the user's: `sender_chat` is the channel, `from` Channel_Bot (Bot API § Message). */
  send_as_channel?: { title: string; username?: string; id?: number };
}

/**
 * Telegram's stand-in `from` of messages an anonymous administrator sends in
 * a supergroup (Bot API § Message `from`: «a fake sender user in non-channel
 * chats, if the message was sent on behalf of a chat»; `sender_chat` is the
 * group itself).
 */
export const GROUP_ANONYMOUS_BOT: User = { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' };
/** Telegram's stand-in `from` of messages sent on behalf of a channel (`sender_chat` is the channel). */
export const CHANNEL_BOT: User = { id: 136817688, is_bot: true, first_name: 'Channel', username: 'Channel_Bot' };

/** Bytes for a dummy upload; photos get a PNG header so they have dimensions. */
function dummyBytes(media: MediaInput): Buffer {
  const bytes = Buffer.alloc(Math.max(media.size ?? 2048, 33), 0x5a);
  if (media.type === 'photo') {
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(bytes);
    bytes.writeUInt32BE(media.width ?? 1280, 16);
    bytes.writeUInt32BE(media.height ?? 960, 20);
  }
  return bytes;
}

export class UserActions {
  constructor(private readonly emulator: TelegramEmulator) {}

  user(id: number): User {
    const user = this.emulator.users.get(id);
    if (!user || user.is_bot) throw new ControlError(404, `user ${id} does not exist (create it with POST /sandbox/users)`);
    return user;
  }

  /** The chat a user acts in; a private chat starts (like pressing Start) on first use. */
  chat(target: ChatTarget, opening = false): { user: User; chat: ChatState } {
    const user = this.user(target.from);
    if (target.chat_id === undefined || target.chat_id > 0) {
      if (target.chat_id !== undefined && target.chat_id !== user.id) {
        throw new ControlError(400, 'a private chat is addressed by the user\'s own id; pick the bot with bot_id');
      }
      const bot = this.emulator.bot(target.bot_id);
      if (!bot) throw new ControlError(404, `bot ${target.bot_id ?? ''} does not exist`);
      const chat = this.emulator.privateChat(bot, user);
      if (chat.blocked && opening) throw new ControlError(403, 'the user has blocked the bot; unblock it first (POST /sandbox/block)');
      if (opening) chat.started = true;
      return { user, chat };
    }
    const chat = this.emulator.group(target.chat_id);
    if (!chat) throw new ControlError(404, `chat ${target.chat_id} does not exist`);
    if (!chat.isMember(user.id)) throw new ControlError(403, `user ${user.id} is not a member of chat ${target.chat_id}`);
    return { user, chat };
  }

  message(chat: ChatState, id: number): StoredMessage {
    const stored = chat.message(id);
    if (!stored) throw new ControlError(404, `message ${id} does not exist in chat ${chat.id}`);
    return stored;
  }

  send(input: UserMessageInput): Message[] {
    const { user, chat } = this.chat(input, true);
    const replyTo = input.reply_to_message_id === undefined ? undefined : this.message(chat, input.reply_to_message_id);
    const threadId = this.thread(chat, user, input.message_thread_id ?? replyTo?.threadId);
    // Content the group's rights do not allow this member is refused as TDLib refuses any sender, a user's app
    // included (MessageContent.cpp `can_send_message_content`; sendRights.ts): nothing is posted, no update sent.
    const allowed = (content: Partial<Message>) => {
      const refusal = sendRefusal(chat, user.id, content);
      if (refusal) throw new ControlError(403, refusal.description.replace(/^Bad Request: /, ''));
      return content;
    };
    const onBehalfOf = this.onBehalfOf(chat, user, input.send_as_channel);
    const post = (content: Partial<Message>) => this.emulator.post({ chat, from: user, content: allowed(content), threadId, replyTo, onBehalfOf }).message;
    if (input.album) {
      if (input.album.length < 2 || input.album.length > 10) throw new ControlError(400, 'an album has 2-10 items');
      const album = newMediaGroupId();
      const parts = input.album.map((item) => allowed({ ...this.media(item), ...this.caption(item.caption), media_group_id: album }));
      return parts.map(post);
    }
    let content: Partial<Message>;
    if (input.media) content = { ...this.media(input.media), ...this.caption(input.caption, input.caption_entities) };
    else if (input.location) content = { location: input.location };
    else if (input.contact) content = { contact: input.contact };
    else if (input.poll) content = { poll: this.checked(() => buildPoll(input.poll!)) };
    else if (input.dice) content = { dice: this.checked(() => ({ ...rollDice(input.dice!.emoji), ...(input.dice!.value ? { value: input.dice!.value } : {}) })) };
    else if (input.venue) {
      const { latitude, longitude, ...rest } = input.venue;
      content = venueContent({ location: { latitude, longitude }, ...rest });
    } else content = this.text(input.text, input.entities, input.parse_mode);
    if (input.media_group_id !== undefined) {
      if (!input.media) throw new ControlError(400, 'media_group_id goes with `media` (one album part)');
      content.media_group_id = input.media_group_id;
    }
    if (input.forwarded_from !== undefined) content.forward_origin = { type: 'user', sender_user: this.user(input.forwarded_from), date: unixNow() };
    return [post(content)];
  }

  edit(input: ChatTarget & { message_id: number; text?: string; entities?: MessageEntity[]; caption?: string }): Message {
    const { user, chat } = this.chat(input);
    const stored = this.own(chat, user, input.message_id);
    const hasMedia = mediaOf(stored.message) !== undefined;
    if (hasMedia !== (input.caption !== undefined)) throw new ControlError(400, 'edit a text message with `text`, a media message with `caption`');
    // Undefined fields are removed by the edit: an edit without entities drops the old ones.
    const changes: Partial<Message> = hasMedia
      ? { caption: undefined, caption_entities: undefined, ...this.caption(input.caption) }
      : { entities: undefined, ...this.text(input.text, input.entities) };
    return this.emulator.edit(chat, stored, changes, user);
  }

  /**
   * Replaces the media of the user's own message (Telegram apps let a sender
   * swap a photo or file); bots get edited_message with the new media.
   */
  editMedia(input: ChatTarget & { message_id: number; media: MediaInput; caption?: string }): Message {
    const { user, chat } = this.chat(input);
    const stored = this.own(chat, user, input.message_id);
    if (!mediaOf(stored.message)) throw new ControlError(400, 'only a message with media can get new media');
    const bytes = input.media.base64 !== undefined ? Buffer.from(input.media.base64, 'base64') : dummyBytes(input.media);
    const files = storeUpload(this.emulator.files, bytes, input.media.type, { file_name: input.media.file_name, mime_type: input.media.mime_type });
    this.checked(() => checkAlbumKind(stored.message, input.media.type));
    const changes = replaceMedia(stored.message, input.media.type, files, this.caption(input.caption));
    return this.emulator.edit(chat, stored, changes, user);
  }

  /** The user changes their name or username: messages from now on carry the new profile (earlier ones keep theirs). */
  updateUser(id: number, input: { first_name?: string; last_name?: string | null; username?: string | null }): User {
    const before = this.user(id);
    const after: User = { ...before };
    if (input.first_name !== undefined) after.first_name = input.first_name;
    if (input.last_name !== undefined) {
      if (input.last_name) after.last_name = input.last_name;
      else delete after.last_name;
    }
    if (input.username !== undefined) {
      if (input.username) after.username = input.username;
      else delete after.username;
    }
    this.emulator.users.set(id, after);
    return after;
  }

  delete(input: ChatTarget & { message_id: number }): void {
    const { user, chat } = this.chat(input);
    const stored = this.message(chat, input.message_id);
    if ((stored.authorId ?? stored.message.from?.id) !== user.id && !chat.isAdmin(user.id)) throw new ControlError(403, 'only the author or an admin can delete this message');
    this.emulator.remove(chat, stored);
  }

  /** Presses the inline button with `callback_data` on a bot's message; waits for the bot's answer. */
  async press(input: ChatTarget & { message_id: number; callback_data: string; wait_ms?: number }): Promise<{ callback_query_id: string; answer: AnswerRecord | null }> {
    const { user, chat } = this.chat(input);
    const stored = this.message(chat, input.message_id);
    const buttons = stored.message.reply_markup?.inline_keyboard.flat() ?? [];
    if (!buttons.some((b) => 'callback_data' in b && b.callback_data === input.callback_data)) {
      throw new ControlError(400, `message ${input.message_id} has no button with callback_data "${input.callback_data}"`);
    }
    const bot = stored.message.from && this.emulator.bots.get(stored.message.from.id);
    if (!bot) throw new ControlError(400, 'only a bot\'s message has inline buttons to press');
    const result = await this.emulator.pressButton(bot, user, stored, input.callback_data, input.wait_ms ?? 5000);
    return { callback_query_id: result.id, answer: result.answer ?? null };
  }

  /**
   * Presses a `login_url` button on a bot's message: the URL the user's app
   * opens, with their authorization data signed by the bot's token (see loginUrl.ts).
   */
  openLoginUrl(input: ChatTarget & { message_id: number; text?: string }): { url: string } {
    const { user, chat } = this.chat(input);
    const stored = this.message(chat, input.message_id);
    const button = findLoginUrlButton(stored.message.reply_markup?.inline_keyboard.flat() ?? [], input.text);
    if (!button) throw new ControlError(400, `message ${input.message_id} has no login_url button${input.text === undefined ? '' : ` "${input.text}"`}`);
    const bot = stored.message.from && this.emulator.bots.get(stored.message.from.id);
    if (!bot) throw new ControlError(400, "only a bot's message has inline buttons to press");
    const botName = button.login_url.bot_username;
    if (botName !== undefined && botName !== bot.user.username) throw new ControlError(400, `login_url names bot @${botName}, which the emulator does not know as the sender`);
    return { url: loginUrlFor(button.login_url.url, user, bot.token) };
  }

  /** Sets the user's reactions; bots that asked for message_reaction updates get one. */
  react(input: ChatTarget & { message_id: number; emoji: string[] }): void {
    const { user, chat } = this.chat(input);
    const stored = this.message(chat, input.message_id);
    const before = stored.reactions[user.id] ?? [];
    const after = input.emoji.map((emoji): ReactionType => ({ type: 'emoji', emoji }) as ReactionType);
    stored.reactions = { ...stored.reactions, [user.id]: after };
    for (const bot of this.botsOf(chat)) {
      this.emulator.queue(bot, 'message_reaction', { chat: chat.chat, message_id: stored.message.message_id, user, date: unixNow(), old_reaction: before, new_reaction: after });
    }
    this.emulator.emitFor(chat, 'reaction', stored.message.message_id, stored.threadId);
  }

  /** Blocks or unblocks the bot; the bot gets my_chat_member (kicked ↔ member) like in Telegram. */
  setBlocked(input: { user_id: number; bot_id?: number; blocked: boolean }): void {
    const { user, chat } = this.chat({ from: input.user_id, bot_id: input.bot_id });
    if (chat.blocked === input.blocked) return;
    chat.blocked = input.blocked;
    if (!input.blocked) chat.started = true;
    const bot = this.emulator.bots.get(chat.botId!)!;
    const statuses = input.blocked ? (['member', 'kicked'] as const) : (['kicked', 'member'] as const);
    this.emulator.queue(bot, 'my_chat_member', {
      chat: chat.chat,
      from: user,
      date: unixNow(),
      old_chat_member: memberView(bot.user, { status: statuses[0] }),
      new_chat_member: memberView(bot.user, { status: statuses[1] }),
    });
    this.emulator.emitFor(chat, 'block', undefined, undefined, { blocked: input.blocked });
  }

  createTopic(input: ChatTarget & { name: string; icon_color?: number }): { message_thread_id: number; name: string; icon_color: number } {
    const { user, chat } = this.chat(input);
    if (!chat.isForum) throw new ControlError(400, 'the chat is not a forum');
    const topic = this.emulator.createTopic(chat, user, { name: topicName(input.name), icon_color: topicColor(input.icon_color) });
    return { message_thread_id: topic.id, name: topic.name, icon_color: topic.icon_color };
  }

  closeTopic(input: ChatTarget & { message_thread_id: number; closed?: boolean }): void {
    const { user, chat, topic } = this.adminTopic(input);
    const closed = input.closed ?? true;
    if (topic.closed === closed) return;
    topic.closed = closed;
    const service = closed ? 'forum_topic_closed' : 'forum_topic_reopened';
    this.emulator.topicChanged(chat, topic, user, { [service]: {} }, service);
  }

  deleteTopic(input: ChatTarget & { message_thread_id: number }): void {
    const { chat, topic } = this.adminTopic(input);
    this.emulator.deleteTopic(chat, topic);
  }

  private adminTopic(input: ChatTarget & { message_thread_id: number }) {
    const { user, chat } = this.chat(input);
    const topic = chat.topic(input.message_thread_id);
    if (!topic) throw new ControlError(404, reasons.threadNotFound);
    if (!chat.isAdmin(user.id)) throw new ControlError(403, 'only an admin of the group can close or delete topics');
    return { user, chat, topic };
  }

  private botsOf(chat: ChatState) {
    if (!chat.isGroup) return chat.blocked ? [] : [this.emulator.bots.get(chat.botId!)!];
    return [...this.emulator.bots.values()].filter((bot) => chat.isMember(bot.user.id));
  }

  /** A user's topic: none (undefined) for General, where a closed General takes only admins; a closed topic takes admins and its creator. */
  private thread(chat: ChatState, user: User, threadId: number | undefined): number | undefined {
    if (!chat.isForum) return undefined;
    if (threadId === undefined || threadId === GENERAL_TOPIC_ID) {
      if (chat.general.closed && !chat.isAdmin(user.id)) throw new ControlError(400, reasons.topicClosed);
      return undefined;
    }
    const topic = chat.topic(threadId);
    if (!topic) throw new ControlError(400, reasons.threadNotFound);
    if (topic.closed && !chat.isAdmin(user.id) && topic.creatorId !== user.id) throw new ControlError(400, reasons.topicClosed);
    return threadId;
  }

  private own(chat: ChatState, user: User, id: number): StoredMessage {
    const stored = this.message(chat, id);
    if ((stored.authorId ?? stored.message.from?.id) !== user.id) throw new ControlError(403, 'a user can edit only their own messages');
    return stored;
  }

  /**
   * The chat a message of `user` in `chat` is sent on behalf of: a channel of
   * theirs when they chose one, the supergroup itself when they administer it
   * with «Remain anonymous» on (ChatAdministratorRights.is_anonymous), else
   * none (they write as themselves).
   */
  private onBehalfOf(chat: ChatState, user: User, channel: UserMessageInput['send_as_channel']): { from: User; chat: Chat } | undefined {
    if (!chat.isGroup) {
      if (channel) throw new ControlError(400, 'a message can be sent as a channel only in a group');
      return undefined;
    }
    if (channel) {
      const view: Chat.ChannelChat = { id: channel.id ?? -(1_003_000_000_000 + user.id), type: 'channel', title: channel.title };
      if (channel.username) view.username = channel.username;
      return { from: { ...CHANNEL_BOT }, chat: view };
    }
    const member = chat.members.get(user.id);
    if (chat.chat.type === 'supergroup' && member?.status === 'administrator' && member.rights?.is_anonymous) {
      return { from: { ...GROUP_ANONYMOUS_BOT }, chat: chat.chat };
    }
    return undefined;
  }

  private text(text: string | undefined, entities?: MessageEntity[], parseMode?: string): Partial<Message> {
    return this.checked(() => formatText({ text: text ?? '', entities, parseMode }, 'text'));
  }

  private caption(caption: string | undefined, entities?: MessageEntity[]): Partial<Message> {
    if (!caption) return {};
    const formatted = this.checked(() => formatText({ text: caption, entities }, 'caption'));
    return formatted.entities ? { caption: formatted.text, caption_entities: formatted.entities } : { caption: formatted.text };
  }

  private media(media: MediaInput): Partial<Message> {
    const bytes = media.base64 !== undefined ? Buffer.from(media.base64, 'base64') : dummyBytes(media);
    const files = storeUpload(this.emulator.files, bytes, media.type, { file_name: media.file_name, mime_type: media.mime_type });
    return mediaContent(media.type, files, media);
  }

  /** Telegram's validation errors become control errors with the same wording. */
  private checked<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof ApiError) throw new ControlError(error.code, error.description);
      throw error;
    }
  }
}
