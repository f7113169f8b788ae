/**
 * One chat as the emulator keeps it: a private chat between a user and a bot,
 * a basic group, or a (forum) supergroup. Message ids are per chat and increase; a forum
 * topic's id is the id of its `forum_topic_created` service message.
 */
import type { Chat, ChatAdministratorRights, ChatInviteLink, ChatPermissions, Message, ReactionType } from '@grammyjs/types';

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
export type AdminRight = keyof ChatAdministratorRights & `can_${string}`;

export interface MemberState {
  status: MemberStatus;
  /**
   * Only for administrators; the creator can do everything. `is_anonymous`
   * («Remain anonymous»): their messages in a supergroup are the group's
   * (userActions.ts `send`).
   */
  rights?: Partial<Record<AdminRight | 'is_anonymous', boolean>>;
  /** Only for restricted members: what they may still do (ChatPermissions). */
  permissions?: ChatPermissions;
  /** Restricted or kicked until this Unix time; 0 = forever. */
  untilDate?: number;
}

export interface TopicState {
  id: number;
  name: string;
  icon_color: number;
  icon_custom_emoji_id?: string;
  closed: boolean;
  deleted: boolean;
  /** Messages up to this id were read on the sandbox page. */
  readUpTo: number;
  /** Who created the topic: its creator may edit, close, reopen and post in it without can_manage_topics. */
  creatorId?: number;
}

/**
 * The General topic of a forum (thread id 1 in TDLib: `ForumTopicInfo`
 * `is_general = top_thread_message_id == ServerMessageId(1)`). It is no
 * TopicState: its messages carry no message_thread_id; it may be closed and
 * hidden (hiding also closes it).
 */
export interface GeneralTopicState {
  name: string;
  closed: boolean;
  hidden: boolean;
}

/** The thread id of a forum's General topic. */
export const GENERAL_TOPIC_ID = 1;

export interface StoredMessage {
  /** The current version, exactly as bots receive it; replaced, never mutated, on edit. */
  message: Message;
  threadId?: number;
  deleted: boolean;
  /** Earlier versions of the text or caption, oldest first. */
  edits: Array<{ date: number; text?: string; caption?: string }>;
  /** The service message kind (`forum_topic_created`, `pinned_message`…), if any. */
  service?: string;
  /** Reactions by user id. */
  reactions: Record<string, ReactionType[]>;
  /** The user who really wrote a message sent on behalf of a chat (its `from` is Telegram's stand-in); they may edit and delete it. */
  authorId?: number;
}

export interface ChatSnapshot {
  key: string;
  chat: Chat;
  botId?: number;
  userId?: number;
  members: Array<[number, MemberState]>;
  messages: StoredMessage[];
  topics: TopicState[];
  pinned: number[];
  nextMessageId: number;
  readUpTo: number;
  started: boolean;
  blocked: boolean;
  general?: GeneralTopicState;
  lastBotSenderId?: number;
  inviteLinks?: ChatInviteLink[];
  permissions?: ChatPermissions;
  migratedTo?: number;
}

export class ChatState {
  readonly members = new Map<number, MemberState>();
  readonly messages = new Map<number, StoredMessage>();
  readonly topics = new Map<number, TopicState>();
  /** Pinned message ids, oldest pin first; per-topic pins are the ones whose message is in that topic. */
  pinned: number[] = [];
  nextMessageId = 1;
  readUpTo = 0;
  /** Private chats: the user pressed Start (sent anything) and did not block the bot. */
  started = false;
  blocked = false;
  /** Forums only. */
  general: GeneralTopicState = { name: 'General', closed: false, hidden: false };
  /** The last bot that posted here: a plain /command goes to it in privacy mode. */
  lastBotSenderId: number | undefined;
  /** Links made by createChatInviteLink / exportChatInviteLink, newest last. */
  inviteLinks: ChatInviteLink[] = [];
  /** Groups only: what members who are no administrators may do (unset = everything, Telegram's default). */
  permissions: ChatPermissions | undefined;
  /** A basic group upgraded to a supergroup: the supergroup's id (the group itself is deactivated). */
  migratedTo: number | undefined;

  constructor(
    readonly key: string,
    /** Shared by every message of the chat, so building a message copies nothing. */
    readonly chat: Chat,
    readonly botId?: number,
    readonly userId?: number,
  ) {}

  get id(): number {
    return this.chat.id;
  }

  get isGroup(): boolean {
    return this.chat.type !== 'private';
  }

  get isForum(): boolean {
    return this.chat.type === 'supergroup' && this.chat.is_forum === true;
  }

  static privateKey(botId: number, userId: number): string {
    return `p:${botId}:${userId}`;
  }

  static groupKey(chatId: number): string {
    return `g:${chatId}`;
  }

  /** A message that exists and was not deleted. */
  message(id: number | undefined): StoredMessage | undefined {
    if (id === undefined) return undefined;
    const stored = this.messages.get(id);
    return stored && !stored.deleted ? stored : undefined;
  }

  /** A topic that exists and was not deleted. */
  topic(id: number | undefined): TopicState | undefined {
    if (id === undefined) return undefined;
    const topic = this.topics.get(id);
    return topic && !topic.deleted ? topic : undefined;
  }

  isMember(userId: number): boolean {
    const status = this.members.get(userId)?.status;
    return status !== undefined && status !== 'left' && status !== 'kicked';
  }

  isAdmin(userId: number): boolean {
    const status = this.members.get(userId)?.status;
    return status === 'creator' || status === 'administrator';
  }

  can(userId: number, right: AdminRight): boolean {
    if (!this.isGroup) return true;
    const member = this.members.get(userId);
    return member?.status === 'creator' || (member?.status === 'administrator' && member.rights?.[right] === true);
  }

  /** The latest pin of the chat, or of one topic. */
  pinnedIn(threadId?: number): StoredMessage | undefined {
    for (let i = this.pinned.length - 1; i >= 0; i--) {
      const stored = this.message(this.pinned[i]);
      if (stored && (threadId === undefined || stored.threadId === threadId)) return stored;
    }
    return undefined;
  }

  toJSON(): ChatSnapshot {
    return {
      key: this.key,
      chat: this.chat,
      botId: this.botId,
      userId: this.userId,
      members: [...this.members],
      messages: [...this.messages.values()],
      topics: [...this.topics.values()],
      pinned: this.pinned,
      nextMessageId: this.nextMessageId,
      readUpTo: this.readUpTo,
      started: this.started,
      blocked: this.blocked,
      general: this.general,
      lastBotSenderId: this.lastBotSenderId,
      inviteLinks: this.inviteLinks,
      permissions: this.permissions,
      migratedTo: this.migratedTo,
    };
  }

  static fromJSON(data: ChatSnapshot): ChatState {
    const chat = new ChatState(data.key, data.chat, data.botId, data.userId);
    for (const [id, member] of data.members) chat.members.set(id, member);
    for (const stored of data.messages) {
      // Restored messages must share the one chat object again.
      stored.message = { ...stored.message, chat: chat.chat };
      chat.messages.set(stored.message.message_id, stored);
    }
    for (const topic of data.topics) chat.topics.set(topic.id, topic);
    chat.pinned = data.pinned;
    chat.nextMessageId = data.nextMessageId;
    chat.readUpTo = data.readUpTo;
    chat.started = data.started;
    chat.blocked = data.blocked;
    if (data.general) chat.general = data.general;
    chat.lastBotSenderId = data.lastBotSenderId;
    chat.inviteLinks = data.inviteLinks ?? [];
    chat.permissions = data.permissions;
    chat.migratedTo = data.migratedTo;
    return chat;
  }
}
