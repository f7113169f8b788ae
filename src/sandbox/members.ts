/**
 * ChatMember objects as getChatMember, getChatAdministrators and
 * my_chat_member updates show them.
 */
import type { ChatAdministratorRights, ChatMember, User } from '@grammyjs/types';
import type { MemberState } from './chat.js';

/** What a hotline bot needs in the managers' forum: topics, pins, deletions. */
export const BOT_ADMIN_RIGHTS: ChatAdministratorRights = {
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: false,
  can_restrict_members: false,
  can_promote_members: false,
  can_change_info: false,
  can_invite_users: true,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
  can_pin_messages: true,
  can_manage_topics: true,
  can_send_welcome_messages: false,
};

const NO_ADMIN_RIGHTS: ChatAdministratorRights = Object.fromEntries(
  Object.keys(BOT_ADMIN_RIGHTS).map((right) => [right, false]),
) as unknown as ChatAdministratorRights;

/** Every ChatPermissions flag, false: a restricted member shows each one (Bot API § ChatMemberRestricted). */
export const NO_PERMISSIONS = {
  can_send_messages: false,
  can_send_audios: false,
  can_send_documents: false,
  can_send_photos: false,
  can_send_videos: false,
  can_send_video_notes: false,
  can_send_voice_notes: false,
  can_send_polls: false,
  can_send_other_messages: false,
  can_add_web_page_previews: false,
  can_change_info: false,
  can_invite_users: false,
  can_pin_messages: false,
  can_manage_topics: false,
  can_react_to_messages: false,
  can_edit_tag: false,
};

/** Only the known flags of a ChatPermissions the bot sent, as booleans. */
export function pickPermissions(permissions: object | undefined): Partial<typeof NO_PERMISSIONS> {
  const picked: Partial<Record<keyof typeof NO_PERMISSIONS, boolean>> = {};
  for (const key of Object.keys(NO_PERMISSIONS) as Array<keyof typeof NO_PERMISSIONS>) {
    const value = (permissions as Record<string, unknown> | undefined)?.[key];
    if (typeof value === 'boolean') picked[key] = value;
  }
  return picked;
}

export function memberView(user: User, state: MemberState | undefined): ChatMember {
  switch (state?.status) {
    case 'creator':
      return { status: 'creator', user, is_anonymous: false };
    case 'administrator':
      // Rights not granted are false, as Telegram shows them (and as ChatState.can() enforces them).
      return { ...NO_ADMIN_RIGHTS, ...state.rights, status: 'administrator', user, can_be_edited: false };
    case 'member':
      return { status: 'member', user };
    case 'restricted':
      return { ...NO_PERMISSIONS, ...pickPermissions(state.permissions), status: 'restricted', user, is_member: true, until_date: state.untilDate ?? 0 };
    case 'kicked':
      return { status: 'kicked', user, until_date: state.untilDate ?? 0 };
    default:
      return { status: 'left', user };
  }
}
