/**
 * Who may send what into a group, as Telegram decides it.
 *
 * TDLib checks every message a bot sends against the sender's permissions in
 * the chat (td/telegram/MessageContent.cpp, `can_send_message_content`): the
 * chat's creator and its administrators may send anything; everyone else has
 * the chat's default permissions, narrowed further for a restricted member
 * (td/telegram/DialogParticipant.cpp, `DialogParticipantStatus::
 * apply_restrictions`: a restricted member's rights AND the chat's defaults).
 * Content its permission does not allow is refused with
 * `Status::Error(400, "Not enough rights to send <kind> to the chat")`, and
 * the Bot API server (telegram-bot-api Client.cpp, `fail_query_with_error`)
 * prefixes "Bad Request: " and lower-cases the first letter — so a muted bot's
 * sendMessage answers 400 "Bad Request: not enough rights to send text
 * messages to the chat", a sendPhoto "…to send photos to the chat", and a
 * copy or forward is judged by the content it would post.
 *
 * TDLib's per-kind rights map onto Bot API ChatPermissions (Bot API §
 * ChatPermissions): basic messages (text, contacts, locations, venues,
 * invoices) → can_send_messages; stickers, animations, dice and games →
 * can_send_other_messages; each media kind → its own can_send_*.
 */
import type { ChatPermissions, Message } from '@grammyjs/types';
import type { ChatState } from './chat.js';
import { badRequest, type ApiError } from './errors.js';

type SendPermission = keyof ChatPermissions & `can_send_${string}`;

/** A message field, the Bot API permission it needs and TDLib's name for it in the refusal. */
const RULES: ReadonlyArray<[keyof Message, SendPermission, string]> = [
  ['photo', 'can_send_photos', 'photos'],
  ['video', 'can_send_videos', 'videos'],
  ['document', 'can_send_documents', 'documents'],
  ['audio', 'can_send_audios', 'music'],
  ['voice', 'can_send_voice_notes', 'voice notes'],
  ['video_note', 'can_send_video_notes', 'video notes'],
  ['animation', 'can_send_other_messages', 'animations'],
  ['sticker', 'can_send_other_messages', 'stickers'],
  ['dice', 'can_send_other_messages', 'dice'],
  ['game', 'can_send_other_messages', 'games'],
  ['poll', 'can_send_polls', 'polls'],
  ['venue', 'can_send_messages', 'venues'],
  ['location', 'can_send_messages', 'locations'],
  ['contact', 'can_send_messages', 'contacts'],
  ['invoice', 'can_send_messages', 'invoice messages'],
];

/** What a plain member may send when the chat's owner set no defaults: everything (Telegram's defaults). */
export const ALL_SEND_PERMISSIONS: Required<Pick<ChatPermissions, SendPermission>> = {
  can_send_messages: true,
  can_send_audios: true,
  can_send_documents: true,
  can_send_photos: true,
  can_send_videos: true,
  can_send_video_notes: true,
  can_send_voice_notes: true,
  can_send_polls: true,
  can_send_other_messages: true,
};

/** The permission `content` needs and TDLib's words for it; a venue is checked before its location, a live location named as such. */
function ruleFor(content: Partial<Message>): [SendPermission, string] {
  for (const [field, permission, words] of RULES) {
    if (content[field] === undefined) continue;
    if (field === 'location' && content.location?.live_period) return [permission, 'live locations'];
    return [permission, words];
  }
  return ['can_send_messages', 'text messages'];
}

/** True when `userId` holds `permission` in `chat` (admins always; others by the chat's defaults and their restriction). */
export function maySend(chat: ChatState, userId: number, permission: SendPermission): boolean {
  if (!chat.isGroup || chat.isAdmin(userId)) return true;
  const defaults = chat.permissions?.[permission] ?? ALL_SEND_PERMISSIONS[permission];
  const member = chat.members.get(userId);
  // A restricted member's unnamed flags are false, as getChatMember shows them (Bot API § ChatMemberRestricted).
  const own = member?.status === 'restricted' ? member.permissions?.[permission] === true : true;
  return defaults && own;
}

/** The refusal Telegram gives `userId` for posting `content` in `chat`, or undefined when it may. */
export function sendRefusal(chat: ChatState, userId: number, content: Partial<Message>): ApiError | undefined {
  const [permission, words] = ruleFor(content);
  return maySend(chat, userId, permission) ? undefined : badRequest(`not enough rights to send ${words} to the chat`);
}
