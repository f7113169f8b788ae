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

export function memberView(user: User, state: MemberState | undefined): ChatMember {
  switch (state?.status) {
    case 'creator':
      return { status: 'creator', user, is_anonymous: false };
    case 'administrator':
      // Rights not granted are false, as Telegram shows them (and as ChatState.can() enforces them).
      return { ...NO_ADMIN_RIGHTS, ...state.rights, status: 'administrator', user, can_be_edited: false };
    case 'member':
      return { status: 'member', user };
    case 'kicked':
      return { status: 'kicked', user, until_date: 0 };
    default:
      return { status: 'left', user };
  }
}
