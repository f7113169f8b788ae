/**
 * Member management and invite links, as a support bot uses them: ban, unban,
 * restrict and promote members (each needs its administrator right, as the
 * Bot API docs of each method say), and invite links (can_invite_users).
 * A membership change of a bot sends it my_chat_member (emulator.setMember).
 */
import { randomBytes } from 'node:crypto';
import type { ChatAdministratorRights, ChatInviteLink, ChatPermissions } from '@grammyjs/types';
import type { AdminRight, ChatState } from '../chat.js';
import { badRequest } from '../errors.js';
import { BOT_ADMIN_RIGHTS, pickPermissions } from '../members.js';
import { senderView } from '../bot.js';
import { resolveChat, type Method, type MethodContext } from './context.js';

/** A group the bot holds `right` in; private chats have no members to manage. */
function managed(ctx: MethodContext, right: AdminRight, refusal: string): ChatState {
  const chat = resolveChat(ctx, 'read');
  if (!chat.isGroup) throw badRequest("chat member status can't be changed in private chats");
  if (!chat.can(ctx.bot.user.id, right)) throw badRequest(refusal);
  return chat;
}

/** The user `user_id` names; the owner and other admins are out of a bot's reach (TDLib: "CHAT_ADMIN_REQUIRED" / "user is an administrator of the chat"). */
function target(ctx: MethodContext, chat: ChatState, allowAdmin = false): number {
  const userId = ctx.params.requireInt('user_id', 'user_id is empty');
  if (!ctx.emulator.users.has(userId)) throw badRequest('PARTICIPANT_ID_INVALID');
  if (userId === ctx.bot.user.id) throw badRequest("can't restrict self");
  const status = chat.members.get(userId)?.status;
  if (status === 'creator') throw badRequest("can't remove chat owner");
  if (status === 'administrator' && !allowAdmin) throw badRequest('user is an administrator of the chat');
  return userId;
}

const BAN_RIGHTS = 'not enough rights to restrict/unrestrict chat member';

/** banChatMember: the user leaves and can't come back until unbanned (or until_date). */
const banChatMember: Method = (ctx) => {
  const chat = managed(ctx, 'can_restrict_members', BAN_RIGHTS);
  const userId = target(ctx, chat);
  ctx.emulator.setMember(chat, userId, { status: 'kicked', untilDate: ctx.params.int('until_date') ?? 0 }, ctx.bot.user);
  return true;
};

/**
 * unbanChatMember: a banned user may join again; a current member is removed
 * too unless only_if_banned (Bot API unbanChatMember: "…guarantees that after
 * the call the user is not a member of the chat, but will be able to join it").
 */
const unbanChatMember: Method = (ctx) => {
  const chat = managed(ctx, 'can_restrict_members', BAN_RIGHTS);
  const userId = target(ctx, chat);
  const status = chat.members.get(userId)?.status;
  if (status === 'kicked' || (!ctx.params.bool('only_if_banned') && chat.isMember(userId))) {
    ctx.emulator.setMember(chat, userId, { status: 'left' }, ctx.bot.user);
  }
  return true;
};

/** restrictChatMember: permissions that are all true lift the restriction. */
const restrictChatMember: Method = (ctx) => {
  const chat = managed(ctx, 'can_restrict_members', BAN_RIGHTS);
  if (chat.chat.type !== 'supergroup') throw badRequest('method is available only for supergroups');
  const userId = target(ctx, chat);
  const permissions = ctx.params.json<ChatPermissions>('permissions');
  if (!permissions) throw badRequest('permissions must be an Object');
  const picked = pickPermissions(permissions);
  const all = Object.values(picked).length > 0 && Object.values(picked).every(Boolean);
  if (!chat.isMember(userId) && chat.members.get(userId)?.status !== 'left') throw badRequest('user not found');
  ctx.emulator.setMember(chat, userId, all ? { status: 'member' } : { status: 'restricted', permissions: picked, untilDate: ctx.params.int('until_date') ?? 0 }, ctx.bot.user);
  return true;
};

const PROMOTE_RIGHTS = 'not enough rights';

/** promoteChatMember: the given rights, all false demotes to a plain member; a bot grants only rights it holds. */
const promoteChatMember: Method = (ctx) => {
  const chat = managed(ctx, 'can_promote_members', PROMOTE_RIGHTS);
  const userId = target(ctx, chat, true);
  if (!chat.isMember(userId)) throw badRequest('USER_NOT_PARTICIPANT');
  const rights: Partial<Record<AdminRight, boolean>> = {};
  for (const right of Object.keys(BOT_ADMIN_RIGHTS) as Array<keyof ChatAdministratorRights>) {
    if (right === 'is_anonymous' || !ctx.params.bool(right)) continue;
    if (!chat.can(ctx.bot.user.id, right as AdminRight)) throw badRequest('RIGHT_FORBIDDEN');
    rights[right as AdminRight] = true;
  }
  ctx.emulator.setMember(chat, userId, Object.keys(rights).length ? { status: 'administrator', rights } : { status: 'member' }, ctx.bot.user);
  return true;
};

const INVITE_RIGHTS = 'not enough rights to manage chat invite link';

function newLink(ctx: MethodContext, chat: ChatState, primary: boolean): ChatInviteLink {
  const link: ChatInviteLink = {
    invite_link: `https://t.me/+${randomBytes(12).toString('base64url')}`,
    creator: senderView(ctx.bot.user),
    creates_join_request: ctx.params.bool('creates_join_request'),
    is_primary: primary,
    is_revoked: false,
  };
  applyLinkOptions(ctx, link);
  chat.inviteLinks.push(link);
  ctx.emulator.emitFor(chat, 'chat', undefined, undefined);
  return link;
}

function applyLinkOptions(ctx: MethodContext, link: ChatInviteLink): void {
  const name = ctx.params.str('name');
  if (name !== undefined) {
    if (name.length > 32) throw badRequest('invite link name is too long');
    link.name = name;
  }
  const expire = ctx.params.int('expire_date');
  if (expire !== undefined) link.expire_date = expire;
  const limit = ctx.params.int('member_limit');
  if (limit !== undefined) {
    if (limit < 1 || limit > 99_999) throw badRequest('member_limit must be between 1 and 99999');
    if (ctx.params.bool('creates_join_request')) throw badRequest("member limit can't be specified for links requiring administrator approval");
    link.member_limit = limit;
  }
}

/** exportChatInviteLink: a new primary link; the previous primary one is revoked. Answers the link as a string. */
const exportChatInviteLink: Method = (ctx) => {
  const chat = managed(ctx, 'can_invite_users', INVITE_RIGHTS);
  for (const link of chat.inviteLinks) if (link.is_primary) link.is_revoked = true;
  return newLink(ctx, chat, true).invite_link;
};

const createChatInviteLink: Method = (ctx) => newLink(ctx, managed(ctx, 'can_invite_users', INVITE_RIGHTS), false);

function existingLink(ctx: MethodContext, chat: ChatState): ChatInviteLink {
  const url = ctx.params.requireStr('invite_link', 'invite_link is empty');
  const link = chat.inviteLinks.find((l) => l.invite_link === url);
  if (!link) throw badRequest('INVITE_HASH_EXPIRED');
  return link;
}

const editChatInviteLink: Method = (ctx) => {
  const chat = managed(ctx, 'can_invite_users', INVITE_RIGHTS);
  const link = existingLink(ctx, chat);
  if (link.is_revoked) throw badRequest('INVITE_HASH_EXPIRED');
  applyLinkOptions(ctx, link);
  if (ctx.params.has('creates_join_request')) link.creates_join_request = ctx.params.bool('creates_join_request');
  return link;
};

const revokeChatInviteLink: Method = (ctx) => {
  const chat = managed(ctx, 'can_invite_users', INVITE_RIGHTS);
  const link = existingLink(ctx, chat);
  link.is_revoked = true;
  return link;
};

export const memberMethods: Record<string, Method> = {
  banChatMember,
  unbanChatMember,
  restrictChatMember,
  promoteChatMember,
  exportChatInviteLink,
  createChatInviteLink,
  editChatInviteLink,
  revokeChatInviteLink,
};
