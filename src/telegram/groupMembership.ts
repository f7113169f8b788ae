/**
 * Who is a member of a managers' group, for the private-chat relay: a member
 * who writes to the bot privately is staff, not a client (relay.ts). Asking
 * Telegram (getChatMember) on every private message would cost a Bot API call
 * per client message and, inside the update's transaction, hold the database
 * for Telegram's round trip (the embedded database has one connection). So:
 *
 * - the answer is asked before the update's transaction (`groupMembership`
 *   middleware, installed ahead of the exactly-once intake) and kept
 *   MEMBERSHIP_TTL_MS per user in this process;
 * - what the managers' groups show keeps it current at once: a `chat_member`
 *   update (Telegram sends them to a bot that administers the group and asks
 *   for them in allowed_updates — Bot API, Update.chat_member), the service
 *   messages of members joining and leaving (Message.new_chat_members,
 *   left_chat_member), and anyone writing in the group (a member);
 * - when Telegram does not answer in MEMBERSHIP_TIMEOUT_MS or refuses, the
 *   writer is taken for a client (a client's message must never be lost to a
 *   failed check) and Telegram is asked again after MEMBERSHIP_RETRY_MS.
 *
 * Whether a member pressing a deal card's button was restricted from sending
 * («muted») in that group is kept the same way, per group and user: what
 * `chat_member` updates and the member's own messages in the group showed,
 * else Telegram's answer (getChatMember, ChatMemberRestricted.can_send_messages,
 * and for a member who is no administrator the group's defaults from getChat)
 * — so a restart or a forgotten entry asks Telegram again instead of taking a
 * muted member for one who may act.
 *
 * With several instances each keeps its own answers; a change another
 * instance saw reaches this one within MEMBERSHIP_TTL_MS at the latest.
 */
import type { Api, MiddlewareFn } from 'grammy';
import type { ChatMember } from '@grammyjs/types';
import { LRUCache } from 'lru-cache';
import type { CommandContext } from '../commands/context.js';
import type { HotlineContext } from './context.js';
import { actingPerson } from '../core/sender.js';

/** How long an answer (member or not) is kept, in ms. */
export const MEMBERSHIP_TTL_MS = 10 * 60_000;
/** How long a failed question counts as «not a member» before Telegram is asked again, in ms. */
export const MEMBERSHIP_RETRY_MS = 30_000;
/** How long a getChatMember may take before the writer is taken for a client, in ms. */
export const MEMBERSHIP_TIMEOUT_MS = 3_000;
/** Answers kept at most about users and about group-and-user pairs, each; the least recently used go first. */
const KEPT = 20_000;
/** Groups whose default permissions are kept at most (managers' groups are a configured handful). */
const GROUPS_KEPT = 1_000;

/** Whether a ChatMember is in the chat: creator, administrator, member, or restricted but still a member (Bot API, ChatMember). */
export function isInChat(member: ChatMember): boolean {
  return member.status === 'creator' || member.status === 'administrator' || member.status === 'member' || (member.status === 'restricted' && member.is_member);
}

/** Whether a ChatMember is restricted from sending messages while still in the chat (Bot API, ChatMemberRestricted). */
export function isMutedMember(member: ChatMember): boolean {
  return member.status === 'restricted' && member.is_member && !member.can_send_messages;
}

/**
 * The answers kept in this process, in lru-cache's LRUCache (bounded by KEPT and GROUPS_KEPT, each entry with
 * its own time to live). An answer that expired or was pushed out by the bound is not an answer: the next question goes to
 * Telegram. Only whether a member is muted falls back, when Telegram does not answer, on the last answer
 * still held even if expired (`isMuted`).
 */
export class GroupMembership {
  /** userId → whether the user is in one of the managers' groups. */
  private readonly known: LRUCache<number, boolean>;
  /** `chatId:userId` → whether the group's admins restricted the user from sending there (restricted, can_send_messages false). */
  private readonly muted: LRUCache<string, boolean>;
  /** chatId → whether the group's default permissions let members send texts. */
  private readonly chatDefaults: LRUCache<number, boolean>;
  /** getChatMember calls made (for tests and metrics). */
  asked = 0;

  /**
   * @param now the clock the times to live are measured on, in ms (a test's clock; must not return 0, which
   *   lru-cache reads as «no start»); lru-cache's default (`performance.now()`, monotonic) when left out.
   */
  constructor(
    private readonly managersChatIds: () => readonly number[],
    /** Told what could not be asked (a sentence's middle, e.g. «whether user 5 is in the managers' group -100…; …») and why. */
    private readonly onFailure: (question: string, error: unknown) => void,
    now?: () => number,
  ) {
    // ttlResolution 0: every expiry check reads the clock (no 1 ms reuse of the last reading).
    // lru-cache allocates room for `max` entries up front (README, «max»): ~0.75 MB per 20 000 (heap and typed arrays, measured on Node 26).
    const options = { ttl: MEMBERSHIP_TTL_MS, ttlResolution: 0, ...(now ? { perf: { now } } : {}) };
    this.known = new LRUCache({ ...options, max: KEPT });
    this.muted = new LRUCache({ ...options, max: KEPT });
    this.chatDefaults = new LRUCache({ ...options, max: GROUPS_KEPT });
  }

  /** Records what a managers' group showed about `userId` (kept MEMBERSHIP_TTL_MS unless `forMs` says otherwise). */
  note(userId: number, member: boolean, forMs = MEMBERSHIP_TTL_MS): void {
    this.known.set(userId, member, { ttl: forMs });
  }

  /** Records whether managers' group `chatId`'s admins restricted `userId` from sending (kept MEMBERSHIP_TTL_MS unless `forMs` says otherwise). */
  noteMuted(chatId: number, userId: number, muted: boolean, forMs = MEMBERSHIP_TTL_MS): void {
    this.muted.set(`${chatId}:${userId}`, muted, { ttl: forMs });
  }

  /** Forgets what was kept about `userId` sending in `chatId` (the next question goes to Telegram). */
  forgetMuted(chatId: number, userId: number): void {
    this.muted.delete(`${chatId}:${userId}`);
  }

  /**
   * Whether group `chatId`'s admins restricted `userId` from sending there: the kept answer, else Telegram's
   * (getChatMember: status restricted, still a member, can_send_messages false — Bot API § ChatMemberRestricted).
   * When Telegram does not answer, the last answer kept (even an expired one) stands, else «not muted»; asked
   * again after MEMBERSHIP_RETRY_MS. Never throws.
   */
  async isMuted(api: Api, chatId: number, userId: number): Promise<boolean> {
    // An expired answer is kept (not deleted on this read) to stand in if Telegram does not answer.
    const status: LRUCache.Status<string, boolean> = {};
    const kept = this.muted.get(`${chatId}:${userId}`, { allowStale: true, noDeleteOnStaleGet: true, status });
    if (kept !== undefined && status.get === 'hit') return kept;
    try {
      this.asked++;
      const member = await api.getChatMember(chatId, userId, AbortSignal.timeout(MEMBERSHIP_TIMEOUT_MS) as Parameters<Api['getChatMember']>[2]);
      // A member who is no administrator is also bound by the group's defaults (TDLib: a restriction ANDs them).
      const bound = member.status === 'member' || (member.status === 'restricted' && member.is_member);
      const muted = isMutedMember(member) || (bound && !(await this.membersMaySend(api, chatId)));
      this.noteMuted(chatId, userId, muted);
      return muted;
    } catch (error) {
      const muted = kept ?? false;
      this.onFailure(`whether user ${userId} may send in the managers' group ${chatId}; taken as ${muted ? 'muted' : 'not muted'}, as last known`, error);
      this.noteMuted(chatId, userId, muted, MEMBERSHIP_RETRY_MS);
      return muted;
    }
  }

  /**
   * Whether group `chatId`'s default permissions let members send texts (getChat → ChatFullInfo.permissions
   * .can_send_messages; Bot API § ChatFullInfo), kept MEMBERSHIP_TTL_MS; true when Telegram does not answer.
   */
  private async membersMaySend(api: Api, chatId: number): Promise<boolean> {
    const kept = this.chatDefaults.get(chatId);
    if (kept !== undefined) return kept;
    let maySend = true;
    let forMs = MEMBERSHIP_TTL_MS;
    try {
      this.asked++;
      const chat = await api.getChat(chatId, AbortSignal.timeout(MEMBERSHIP_TIMEOUT_MS) as Parameters<Api['getChat']>[1]);
      maySend = chat.permissions?.can_send_messages !== false;
    } catch (error) {
      this.onFailure(`for the default permissions of the managers' group ${chatId}; members taken as allowed to send`, error);
      forMs = MEMBERSHIP_RETRY_MS;
    }
    this.chatDefaults.set(chatId, maySend, { ttl: forMs });
    return maySend;
  }

  /** Whether `userId` is in one of the managers' groups: the kept answer, else Telegram's (getChatMember in each group). Never throws. */
  async isMember(api: Api, userId: number): Promise<boolean> {
    const kept = this.known.get(userId);
    if (kept !== undefined) return kept;
    let failed = false;
    for (const chatId of this.managersChatIds()) {
      try {
        this.asked++;
        const member = await api.getChatMember(chatId, userId, AbortSignal.timeout(MEMBERSHIP_TIMEOUT_MS) as Parameters<Api['getChatMember']>[2]);
        if (isInChat(member)) {
          this.note(userId, true);
          return true;
        }
      } catch (error) {
        failed = true;
        this.onFailure(`whether user ${userId} is in the managers' group ${chatId}; taken for a client`, error);
      }
    }
    this.note(userId, false, failed ? MEMBERSHIP_RETRY_MS : MEMBERSHIP_TTL_MS);
    return false;
  }
}

/**
 * The middleware, ahead of the exactly-once intake (no transaction open yet):
 * notes what the managers' groups show (chat_member updates, joins, leaves,
 * anyone writing there), and for a private message or edit from a person
 * sets `c.groupMember` — whether the writer is in a managers' group; for a
 * button pressed in a managers' group sets `c.groupMuted` — whether the
 * group's admins restricted the presser from sending (a muted member gets no
 * deal-control rights, telegram/deal.ts).
 */
export function groupMembership(ctx: CommandContext, membership: GroupMembership): MiddlewareFn<HotlineContext> {
  const isManagersChat = (chatId: number) => ctx.config.telegram.managersChatIds.includes(chatId);
  return async (c, next) => {
    const update = c.update;
    const change = update.chat_member;
    if (change && isManagersChat(change.chat.id) && !change.new_chat_member.user.is_bot) {
      const member = change.new_chat_member;
      membership.note(member.user.id, isInChat(member));
      // Restricted from sending: muted. Otherwise the group's defaults may still forbid a plain member to write, which
      // the update does not say: forget what was kept, so the next press asks Telegram.
      if (isMutedMember(member)) membership.noteMuted(change.chat.id, member.user.id, true);
      else membership.forgetMuted(change.chat.id, member.user.id);
    }
    const groupMessage = update.message;
    if (groupMessage && isManagersChat(groupMessage.chat.id)) {
      // Someone who wrote in the group is a member there and was allowed to send.
      const person = actingPerson(groupMessage);
      if (person) {
        membership.note(person.id, true);
        membership.noteMuted(groupMessage.chat.id, person.id, false);
      }
      for (const joined of groupMessage.new_chat_members ?? []) if (!joined.is_bot) membership.note(joined.id, true);
      const left = groupMessage.left_chat_member;
      if (left && !left.is_bot) membership.note(left.id, false);
    }
    const pressed = update.callback_query;
    if (pressed?.message && isManagersChat(pressed.message.chat.id)) c.groupMuted = await membership.isMuted(c.api, pressed.message.chat.id, pressed.from.id);
    const own = update.message ?? update.edited_message;
    if (own && own.chat.type === 'private' && own.from && !own.from.is_bot) c.groupMember = await membership.isMember(c.api, own.from.id);
    await next();
  };
}
