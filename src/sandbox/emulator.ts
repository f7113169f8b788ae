/**
 * The Telegram Bot API emulator's state and the operations both sides share:
 * bots (called through the Bot API) and sandbox users (driven through the
 * control API) post, edit, delete and pin messages and manage forum topics
 * through the same methods, so both see one consistent world. Everything
 * lives in memory; with `snapshotFile` the state is saved a second after
 * changes and loaded on construction, so a sandbox survives a restart.
 */
import type { Chat, ChatMemberUpdated, InlineKeyboardMarkup, Message, Update, User, UserFromGetMe } from '@grammyjs/types';
import { botUser, isMeantFor, newBotState, seesEverything, senderView, type BotState } from './bot.js';
import { CallbackQueries, type AnswerRecord } from './callbacks.js';
import { ChatState, type MemberState, type StoredMessage, type TopicState } from './chat.js';
import { Clock } from './clock.js';
import { EventLog, type SandboxEvent, type SandboxEventType } from './events.js';
import { FaultInjector } from './faults.js';
import { FileStore } from './files.js';
import { RateLimiter } from './limits.js';
import { BOT_ADMIN_RIGHTS, memberView } from './members.js';
import { readSnapshot, SnapshotWriter, type Snapshot } from './snapshot.js';
import { Stats } from './stats.js';
import type { UpdateKind } from './updates.js';

export interface EmulatorOptions {
  /** JSON file (under DATA_DIR) the state is saved to and loaded from. */
  snapshotFile?: string;
  /** Unit of the pauses before a failed webhook delivery is retried (the first retry is at once, then 2, 4, 8… units: src/sandbox/webhook.ts); default 1 s. */
  webhookRetryMs?: number;
}

export interface PostInput {
  chat: ChatState;
  from: User;
  /** Text, media, caption, service fields… merged into the message. */
  content: Message | Partial<Message>;
  threadId?: number;
  replyTo?: StoredMessage;
  replyMarkup?: InlineKeyboardMarkup;
  service?: string;
  /**
   * Sent on behalf of a chat (an anonymous administrator: the supergroup
   * itself; a channel): the message shows Telegram's stand-in account as
   * `from` and the chat as `sender_chat` (Bot API § Message), while `from`
   * above stays the real author, whom delivery and rights go by.
   */
  onBehalfOf?: { from: User; chat: Chat };
}

export const unixNow = (): number => Math.floor(Date.now() / 1000);

/** A message as reply_to_message or pinned_message shows it: without its own reply. */
export function nested(message: Message): NonNullable<Message['reply_to_message']> {
  if (!message.reply_to_message) return message as NonNullable<Message['reply_to_message']>;
  const { reply_to_message: _, ...rest } = message;
  return rest as NonNullable<Message['reply_to_message']>;
}

/** A burst of changes makes one save; a crash loses at most this much. */
const SAVE_DELAY_MS = 1000;

export class TelegramEmulator {
  readonly users = new Map<number, User>();
  readonly bots = new Map<number, BotState>();
  readonly chats = new Map<string, ChatState>();
  readonly files = new FileStore();
  readonly limits = new RateLimiter();
  readonly faults = new FaultInjector();
  readonly events = new EventLog();
  readonly stats = new Stats();
  /** The time the update queues' rules count in; tests move it forward (src/sandbox/clock.ts). */
  readonly clock = new Clock();
  /** Set by the HTTP plugin: runs a method call a webhook answered with. */
  dispatch: ((bot: BotState, call: Record<string, unknown>) => Promise<void>) | undefined;
  private readonly byToken = new Map<string, BotState>();
  private readonly callbacks = new CallbackQueries();
  private nextUserId = 1_100_000_001;
  private nextGroupSeq = 1;
  private readonly writer: SnapshotWriter | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: EmulatorOptions = {}) {
    if (!options.snapshotFile) return;
    this.writer = new SnapshotWriter(options.snapshotFile);
    const saved = readSnapshot(options.snapshotFile);
    if (saved) this.load(saved.snapshot, saved.readBlob);
  }

  // ── accounts ────────────────────────────────────────────────────────────

  /** Registers a bot; the id is the token's numeric prefix, as in Telegram. Idempotent per token. */
  createBot(input: { token: string; username: string; firstName: string }): User {
    const existing = this.byToken.get(input.token);
    if (existing) return existing.user;
    const prefix = Number(input.token.split(':')[0]);
    const id = Number.isSafeInteger(prefix) && prefix > 0 ? prefix : 7_000_000_000 + this.nextUserId++;
    const user = botUser(id, input.username, input.firstName);
    this.addBot(user, input.token);
    this.users.set(id, user);
    this.changed();
    return user;
  }

  createUser(input: { first_name: string; last_name?: string; username?: string; language_code?: string }): User {
    const user: User = { id: this.nextUserId++, is_bot: false, ...input };
    this.users.set(user.id, user);
    this.events.emit({ type: 'user', data: { user_id: user.id } });
    this.changed();
    return user;
  }

  /** Gives a bot a new token; the old one stops working at once, as after @BotFather's /revoke. */
  revokeToken(botId: number, token: string): void {
    const bot = this.bots.get(botId);
    if (!bot) throw new Error(`bot ${botId} does not exist`);
    this.byToken.delete(bot.token);
    bot.token = token;
    this.byToken.set(token, bot);
    this.changed();
  }

  botByToken(token: string): BotState | undefined {
    return this.byToken.get(token);
  }

  /** A bot by id, or the first one registered (the sandbox usually has one). */
  bot(id?: number): BotState | undefined {
    if (id !== undefined) return this.bots.get(id);
    return this.bots.values().next().value;
  }

  // ── chats ───────────────────────────────────────────────────────────────

  /** The private chat of `user` with `bot`; made on first use (the user opening the bot). */
  privateChat(bot: BotState, user: User): ChatState {
    const key = ChatState.privateKey(bot.user.id, user.id);
    let chat = this.chats.get(key);
    if (!chat) {
      const view: Chat.PrivateChat = { id: user.id, type: 'private', first_name: user.first_name };
      if (user.last_name) view.last_name = user.last_name;
      if (user.username) view.username = user.username;
      chat = new ChatState(key, view, bot.user.id, user.id);
      chat.members.set(user.id, { status: 'member' });
      chat.members.set(bot.user.id, { status: 'member' });
      this.chats.set(key, chat);
    }
    return chat;
  }

  group(id: number): ChatState | undefined {
    return this.chats.get(ChatState.groupKey(id));
  }

  /**
   * A supergroup (a forum by default), or with `type: 'group'` a basic group
   * (no topics, no username; Telegram's groups start so and become supergroups
   * later, see upgradeGroup). Its first member owns it; bots join as
   * administrators who may manage topics, pin and delete, and get the
   * my_chat_member update Telegram sends when a bot is promoted.
   */
  createGroup(input: { title: string; memberIds: number[]; botIds?: number[]; isForum?: boolean; username?: string; type?: 'group' | 'supergroup' }): ChatState {
    const basic = input.type === 'group';
    // Basic groups have short negative ids, supergroups -100…: what Bot API chat ids look like.
    const id = basic ? -(4_000_000_000 + this.nextGroupSeq++) : -(1_002_000_000_000 + this.nextGroupSeq++);
    let view: Chat.GroupChat | Chat.SupergroupChat;
    if (basic) view = { id, type: 'group', title: input.title };
    else {
      view = { id, type: 'supergroup', title: input.title };
      if (input.isForum ?? true) view.is_forum = true;
      if (input.username) view.username = input.username;
    }
    const chat = new ChatState(ChatState.groupKey(id), view);
    // Message 1 of a supergroup is its creation (which no bot sees); in a forum
    // it is also the General topic's id, so created topics never get id 1.
    chat.nextMessageId = 2;
    this.chats.set(chat.key, chat);
    const owner = input.memberIds.map((m) => this.users.get(m)).find((u) => u && !u.is_bot);
    input.memberIds.forEach((userId) => {
      if (!this.users.has(userId)) throw new Error(`user ${userId} does not exist`);
      chat.members.set(userId, { status: userId === owner?.id ? 'creator' : 'member' });
    });
    for (const botId of input.botIds ?? [...this.bots.keys()]) {
      this.setMember(chat, botId, { status: 'administrator', rights: { ...BOT_ADMIN_RIGHTS } }, owner);
    }
    this.events.emit({ type: 'chat', chat_id: id });
    this.changed();
    return chat;
  }

  /**
   * Upgrades a basic group to a supergroup, as Telegram does when its owner
   * turns on Topics (or makes it public, or it grows): a new supergroup with a
   * new id (-100…) and the same members — administrators stay administrators
   * with their rights — while the basic group is deactivated. Bots in it get
   * the two service messages of the upgrade (Bot API § Message:
   * `migrate_to_chat_id` in the old group, `migrate_from_chat_id` in the new
   * supergroup; TDLib messageChatUpgradeTo / messageChatUpgradeFrom), and from
   * then on a call that writes to the old id is answered 400 "group chat was
   * upgraded to a supergroup chat" with `parameters.migrate_to_chat_id`
   * (methods/context.ts, resolveChat).
   */
  upgradeGroup(group: ChatState, by: User, input: { isForum?: boolean } = {}): ChatState {
    if (group.chat.type !== 'group') throw new Error(`chat ${group.id} is not a basic group`);
    if (group.migratedTo !== undefined) throw new Error(`chat ${group.id} was already upgraded`);
    const id = -(1_002_000_000_000 + this.nextGroupSeq++);
    const view: Chat.SupergroupChat = { id, type: 'supergroup', title: group.chat.title };
    if (input.isForum) view.is_forum = true;
    const upgraded = new ChatState(ChatState.groupKey(id), view);
    upgraded.nextMessageId = 2;
    upgraded.permissions = group.permissions;
    for (const [userId, member] of group.members) upgraded.members.set(userId, { ...member });
    this.chats.set(upgraded.key, upgraded);
    this.events.emit({ type: 'chat', chat_id: id });
    this.post({ chat: group, from: by, content: { migrate_to_chat_id: id }, service: 'migrate_to_chat_id' });
    group.migratedTo = id;
    this.post({ chat: upgraded, from: by, content: { migrate_from_chat_id: group.id }, service: 'migrate_from_chat_id' });
    this.changed();
    return upgraded;
  }

  /**
   * Changes a membership. A bot whose membership changes gets my_chat_member;
   * when someone else's changes, every bot that administers the chat gets
   * chat_member (it reaches only bots that asked for it in allowed_updates) —
   * Bot API, Update: «chat_member: A chat member's status was updated in a
   * chat. The bot must be an administrator in the chat and must explicitly
   * specify "chat_member" in the list of allowed_updates to receive these
   * updates.»
   */
  setMember(chat: ChatState, userId: number, state: MemberState, by?: User): void {
    const user = this.users.get(userId);
    if (!user) throw new Error(`user ${userId} does not exist`);
    const before = chat.members.get(userId);
    chat.members.set(userId, state);
    const update: ChatMemberUpdated = {
      chat: chat.chat,
      from: by ?? user,
      date: unixNow(),
      old_chat_member: memberView(user, before),
      new_chat_member: memberView(user, state),
    };
    const bot = this.bots.get(userId);
    if (bot) this.queue(bot, 'my_chat_member', update);
    else {
      for (const [memberId, member] of chat.members) {
        const admin = this.bots.get(memberId);
        if (admin && (member.status === 'administrator' || member.status === 'creator')) this.queue(admin, 'chat_member', update);
      }
    }
    this.changed();
  }

  // ── messages ────────────────────────────────────────────────────────────

  /** Adds a message to a chat and hands it to every bot that should see it. */
  post(input: PostInput): StoredMessage {
    const { chat, threadId } = input;
    const id = chat.nextMessageId++;
    // A bot's own messages show it as a User, without getMe's bot-only fields (Bot API § User).
    const from = input.onBehalfOf?.from ?? (input.from.is_bot ? senderView(input.from) : input.from);
    const message: Message = { message_id: id, from, chat: chat.chat, date: unixNow() };
    if (input.onBehalfOf) message.sender_chat = input.onBehalfOf.chat;
    if (threadId !== undefined) {
      message.message_thread_id = threadId;
      message.is_topic_message = true;
    }
    // In a topic, a message that replies to nothing replies to the topic's creation message, as in Telegram.
    const replyTo = input.replyTo ?? (threadId !== undefined && threadId !== id ? chat.messages.get(threadId) : undefined);
    if (replyTo) message.reply_to_message = nested(replyTo.message);
    Object.assign(message, input.content);
    if (input.replyMarkup) message.reply_markup = input.replyMarkup;
    const stored: StoredMessage = { message, deleted: false, edits: [], reactions: {} };
    if (threadId !== undefined) stored.threadId = threadId;
    if (input.service) stored.service = input.service;
    if (input.onBehalfOf) stored.authorId = input.from.id;
    chat.messages.set(id, stored);
    this.stats.message(chat.id);
    if (input.from.is_bot && chat.isGroup) chat.lastBotSenderId = input.from.id;
    this.emitFor(chat, 'message', id, threadId);
    this.deliver(chat, 'message', message, input.from, input.service !== undefined);
    this.changed();
    return stored;
  }

  /** Replaces a message with an edited version; bots other than the editor get edited_message. */
  edit(chat: ChatState, stored: StoredMessage, changes: Partial<Message>, editor: User): Message {
    const before = stored.message;
    const contentChanged = 'text' in changes || 'caption' in changes;
    if (contentChanged) {
      const version: StoredMessage['edits'][number] = { date: before.edit_date ?? before.date };
      if (before.text !== undefined) version.text = before.text;
      if (before.caption !== undefined) version.caption = before.caption;
      stored.edits.push(version);
    }
    const after: Message = { ...before, ...changes };
    if (contentChanged) after.edit_date = unixNow();
    for (const key of Object.keys(changes) as Array<keyof Message>) if (changes[key] === undefined) delete after[key];
    stored.message = after;
    this.emitFor(chat, 'edit', before.message_id, stored.threadId);
    this.deliver(chat, 'edited_message', after, editor);
    this.changed();
    return after;
  }

  /** Deletes a message; bots are not told, as in Telegram. */
  remove(chat: ChatState, stored: StoredMessage): void {
    stored.deleted = true;
    chat.pinned = chat.pinned.filter((id) => id !== stored.message.message_id);
    this.emitFor(chat, 'delete', stored.message.message_id, stored.threadId);
    this.changed();
  }

  /** Pins a message and posts the `pinned_message` service message next to it. */
  pin(chat: ChatState, stored: StoredMessage, by: User): void {
    const id = stored.message.message_id;
    chat.pinned = [...chat.pinned.filter((p) => p !== id), id];
    this.post({ chat, from: by, threadId: stored.threadId, content: { pinned_message: nested(stored.message) }, service: 'pinned_message' });
    this.emitFor(chat, 'pin', id, stored.threadId);
  }

  unpin(chat: ChatState, ids: number[]): void {
    if (!ids.length) return;
    const drop = new Set(ids);
    chat.pinned = chat.pinned.filter((id) => !drop.has(id));
    for (const id of ids) this.emitFor(chat, 'unpin', id, chat.messages.get(id)?.threadId);
    this.changed();
  }

  // ── forum topics ────────────────────────────────────────────────────────

  createTopic(chat: ChatState, by: User, input: { name: string; icon_color: number; icon_custom_emoji_id?: string }): TopicState {
    const id = chat.nextMessageId;
    const topic: TopicState = { id, name: input.name, icon_color: input.icon_color, closed: false, deleted: false, readUpTo: id, creatorId: by.id };
    if (input.icon_custom_emoji_id) topic.icon_custom_emoji_id = input.icon_custom_emoji_id;
    chat.topics.set(id, topic);
    this.post({ chat, from: by, threadId: id, content: { forum_topic_created: { ...input } }, service: 'forum_topic_created' });
    this.emitFor(chat, 'topic', undefined, id);
    return topic;
  }

  /** Posts the service message of a topic change (edited, closed, reopened). */
  topicChanged(chat: ChatState, topic: TopicState, by: User, content: Partial<Message>, service: string): void {
    this.post({ chat, from: by, threadId: topic.id, content, service });
    this.emitFor(chat, 'topic', undefined, topic.id);
  }

  deleteTopic(chat: ChatState, topic: TopicState): void {
    topic.deleted = true;
    for (const stored of chat.messages.values()) if (stored.threadId === topic.id) stored.deleted = true;
    chat.pinned = chat.pinned.filter((id) => chat.messages.get(id)?.threadId !== topic.id);
    this.emitFor(chat, 'topic', undefined, topic.id);
    this.changed();
  }

  // ── callback queries ────────────────────────────────────────────────────

  /** Queues a callback_query and resolves with the bot's answer, or without one after `waitMs`. */
  async pressButton(bot: BotState, from: User, stored: StoredMessage, data: string, waitMs: number): Promise<{ id: string; answer?: AnswerRecord }> {
    const query = this.callbacks.open(bot.user.id);
    const { message } = stored;
    this.queue(bot, 'callback_query', { id: query.id, from, message, chat_instance: String(Math.abs(message.chat.id)), data });
    this.emitFor(this.chatOf(message, bot), 'callback_query', message.message_id, stored.threadId, { id: query.id, data });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)));
    const answer = await Promise.race([query.answer, timeout]);
    clearTimeout(timer);
    return answer ? { id: query.id, answer } : { id: query.id };
  }

  /** Records answerCallbackQuery; false when the id is unknown or already answered. */
  answerCallback(bot: BotState, id: string, answer: AnswerRecord): boolean {
    if (!this.callbacks.answer(bot.user.id, id, answer)) return false;
    this.events.emit({ type: 'callback_answer', bot_id: bot.user.id, data: { callback_query_id: id, ...answer } });
    return true;
  }

  // ── updates ─────────────────────────────────────────────────────────────

  queue<K extends UpdateKind>(bot: BotState, kind: K, payload: NonNullable<Update[K]>): void {
    if (!bot.queue.push(kind, payload)) return;
    this.stats.update();
    this.changed();
  }

  /** Hands a user's message (or edit) to the bots of the chat; bots never see other bots' messages. */
  private deliver(chat: ChatState, kind: 'message' | 'edited_message', message: Message, actor: User, service = false): void {
    if (actor.is_bot) {
      // The one exception: a bot is sent the `forum_topic_created` service
      // message of a topic it created itself (as issue 15 observed of
      // Telegram), which lets it match a topic whose createForumTopic answer
      // was lost.
      const own = this.bots.get(actor.id);
      if (own && kind === 'message' && message.forum_topic_created && chat.isMember(actor.id)) this.queue(own, kind, message as NonNullable<Update['message']>);
      return;
    }
    if (!chat.isGroup) {
      const bot = this.bots.get(chat.botId!);
      if (bot && !chat.blocked) this.queue(bot, kind, message as NonNullable<Update['message']>);
      return;
    }
    for (const [id, bot] of this.bots) {
      if (chat.isMember(id) && (service || seesEverything(bot, chat) || isMeantFor(bot, chat, message))) {
        this.queue(bot, kind, message as NonNullable<Update['message']>);
      }
    }
  }

  /**
   * Turns a bot's privacy mode off (BotFather /setprivacy → Disable) or on:
   * getMe's `can_read_all_group_messages` says which, and in groups where the
   * bot is no administrator it then gets every message or only those meant for it.
   */
  setPrivacy(botId: number, enabled: boolean): void {
    const bot = this.bots.get(botId);
    if (!bot) throw new Error(`bot ${botId} does not exist`);
    bot.user.can_read_all_group_messages = !enabled;
    this.changed();
  }

  /** The ChatState a message of `bot`'s view belongs to. */
  chatOf(message: Message, bot: BotState): ChatState {
    const key = message.chat.type === 'private' ? ChatState.privateKey(bot.user.id, message.chat.id) : ChatState.groupKey(message.chat.id);
    return this.chats.get(key)!;
  }

  /** Records a change in `chat` on the event feed. */
  emitFor(chat: ChatState, type: SandboxEventType, messageId?: number, threadId?: number, data?: Record<string, unknown>): void {
    const event: Omit<SandboxEvent, 'seq' | 'at'> = { type, chat_id: chat.id };
    if (chat.botId !== undefined) event.bot_id = chat.botId;
    if (threadId !== undefined) event.message_thread_id = threadId;
    if (messageId !== undefined) event.message_id = messageId;
    if (data) event.data = data;
    this.events.emit(event);
  }

  // ── lifecycle ───────────────────────────────────────────────────────────

  /** Forgets users, chats, files and pending updates; bots and their webhooks stay. */
  reset(): void {
    for (const [id, user] of this.users) if (!this.bots.has(id)) this.users.delete(user.id);
    this.chats.clear();
    this.files.clear();
    this.callbacks.clear();
    this.stats.reset();
    for (const bot of this.bots.values()) bot.queue.dropAll();
    this.events.emit({ type: 'reset' });
    this.changed();
  }

  /** Writes the snapshot now (also done automatically shortly after changes). */
  async save(): Promise<void> {
    if (!this.writer) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.writer.write(this.snapshot(), this.files.blobEntries);
  }

  /** Stops webhooks, long polls and timers; writes the snapshot a last time. */
  async close(): Promise<void> {
    this.closed = true;
    for (const bot of this.bots.values()) {
      bot.webhook.stop();
      bot.queue.interrupt();
    }
    this.events.wakeAll();
    await this.save();
  }

  /** Coalesces saves: a burst of calls writes one snapshot, off the hot path. */
  private changed(): void {
    if (!this.writer || this.saveTimer || this.closed) return;
    this.saveTimer = setTimeout(() => void this.save().catch(() => undefined), SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  private addBot(user: UserFromGetMe, token: string): BotState {
    const bot = newBotState(user, token, {
      retryBaseMs: this.options.webhookRetryMs ?? 1000,
      timeoutMs: 60_000,
      onReply: async (call) => this.dispatch?.(bot, call),
    }, this.clock);
    this.bots.set(user.id, bot);
    this.byToken.set(token, bot);
    return bot;
  }

  private snapshot(): Snapshot {
    return {
      version: 1,
      users: [...this.users.values()].filter((u) => !this.bots.has(u.id)),
      bots: [...this.bots.values()].map((bot) => ({
        user: bot.user,
        token: bot.token,
        queue: bot.queue.toJSON(),
        webhook: bot.webhook.config,
        commands: [...bot.commands],
        settings: [...bot.settings],
      })),
      chats: [...this.chats.values()].map((chat) => chat.toJSON()),
      files: this.files.toJSON(),
      nextUserId: this.nextUserId,
      nextGroupSeq: this.nextGroupSeq,
      nextCallbackId: this.callbacks.nextId,
      eventSeq: this.events.lastSeq,
    };
  }

  private load(data: Snapshot, readBlob: (key: string) => Buffer | undefined): void {
    for (const user of data.users) this.users.set(user.id, user);
    for (const saved of data.bots) {
      const bot = this.addBot(saved.user, saved.token);
      this.users.set(saved.user.id, saved.user);
      bot.queue.load(saved.queue);
      for (const [key, commands] of saved.commands) bot.commands.set(key, commands);
      for (const [key, value] of saved.settings) bot.settings.set(key, value);
      if (saved.webhook) bot.webhook.set(saved.webhook);
    }
    for (const chat of data.chats) this.chats.set(chat.key, ChatState.fromJSON(chat));
    this.files.load(data.files, readBlob);
    this.nextUserId = data.nextUserId;
    this.nextGroupSeq = data.nextGroupSeq;
    this.callbacks.nextId = data.nextCallbackId;
    this.events.restore(data.eventSeq);
  }
}
