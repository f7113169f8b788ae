/**
 * The control API's request bodies as zod schemas: one definition validates
 * the HTTP input and types the SandboxControl client. Every object is strict:
 * a key the control API does not know is a 400 naming it (a typo such as
 * `user_ID` must not be dropped and the call done without it).
 */
import { z } from 'zod';
import { MEDIA_KINDS } from './media.js';

const id = z.number().int();
const entities = z.array(z.record(z.string(), z.unknown())).optional();

export const createUserBody = z.strictObject({
  first_name: z.string().min(1),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

export const createBotBody = z.strictObject({ token: z.string().min(3), username: z.string().min(1), first_name: z.string().min(1) });

/**
 * BotFather's /setprivacy for a bot: `enabled` true is privacy mode on (the default; getMe's
 * `can_read_all_group_messages` false), false turns it off.
 */
export const botPrivacyBody = z.strictObject({ enabled: z.boolean() }).strict();

export const createGroupBody = z.strictObject({
  title: z.string().min(1),
  /** Users in the group; the first one owns it. */
  member_ids: z.array(id),
  /** Bots joining as admins (topics, pins, deletions); default every bot. */
  bot_ids: z.array(id).optional(),
  is_forum: z.boolean().optional(),
  username: z.string().optional(),
  /** `group`: a basic group (no topics; upgrade it with POST /groups/:chat_id/upgrade); default a supergroup. */
  type: z.enum(['group', 'supergroup']).optional(),
});

/** ChatPermissions, as Telegram names them; unnamed ones are false for a restricted member. */
const chatPermissions = z
  .object({
    can_send_messages: z.boolean(),
    can_send_audios: z.boolean(),
    can_send_documents: z.boolean(),
    can_send_photos: z.boolean(),
    can_send_videos: z.boolean(),
    can_send_video_notes: z.boolean(),
    can_send_voice_notes: z.boolean(),
    can_send_polls: z.boolean(),
    can_send_other_messages: z.boolean(),
    can_add_web_page_previews: z.boolean(),
    can_change_info: z.boolean(),
    can_invite_users: z.boolean(),
    can_pin_messages: z.boolean(),
    can_manage_topics: z.boolean(),
  })
  .partial()
  .strict();

/** The group's default permissions for members who are no administrators (the owner's "Permissions" screen). */
export const chatPermissionsBody = chatPermissions;

/** The owner upgrades a basic group to a supergroup (turning on Topics does it, with `is_forum`). */
export const upgradeGroupBody = z.strictObject({ is_forum: z.boolean().optional() });

/** An administrator's rights, as Telegram names them; unnamed ones are false. */
const adminRights = z
  .object({
    /** «Remain anonymous»: the administrator's messages in a supergroup are sent on behalf of the group (GroupAnonymousBot as `from`). */
    is_anonymous: z.boolean(),
    can_manage_chat: z.boolean(),
    can_delete_messages: z.boolean(),
    can_manage_video_chats: z.boolean(),
    can_restrict_members: z.boolean(),
    can_promote_members: z.boolean(),
    can_change_info: z.boolean(),
    can_invite_users: z.boolean(),
    can_post_stories: z.boolean(),
    can_edit_stories: z.boolean(),
    can_delete_stories: z.boolean(),
    can_pin_messages: z.boolean(),
    can_manage_topics: z.boolean(),
  })
  .partial()
  .strict();

export const addMemberBody = z.strictObject({
  user_id: id,
  /**
   * `kicked`: removed and banned (the bot then gets 403 "bot was kicked from the supergroup chat"); `left`: removed;
   * `restricted`: a member with only `permissions` (a bot without can_send_messages gets 400 "not enough rights to send text messages to the chat").
   */
  status: z.enum(['member', 'administrator', 'restricted', 'kicked', 'left']).optional(),
  /** With status administrator: the rights (default: what a hotline bot needs — topics, pins, deletions). */
  rights: adminRights.optional(),
  /** With status restricted: what the member may still do; unnamed permissions are false. */
  permissions: chatPermissions.optional(),
});

/** Who acts and where: `chat_id` of a group, or omitted (or the user's id) for the private chat with `bot_id`. */
const target = { from: id, chat_id: id.optional(), bot_id: id.optional() };

export const mediaInput = z.strictObject({
  type: z.enum(MEDIA_KINDS),
  base64: z.string().optional(),
  size: z.number().int().min(1).max(60 * 1024 * 1024).optional(),
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  duration: z.number().int().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  length: z.number().int().optional(),
  performer: z.string().optional(),
  title: z.string().optional(),
  emoji: z.string().optional(),
});

/** Message kinds beyond text and files a user may send (src/sandbox/methods/content.ts has Telegram's rules). */
const contentFields = {
  poll: z
    .strictObject({
      question: z.string(),
      options: z.array(z.string()),
      type: z.enum(['regular', 'quiz']).optional(),
      is_anonymous: z.boolean().optional(),
      allows_multiple_answers: z.boolean().optional(),
      correct_option_id: z.number().int().optional(),
      explanation: z.string().optional(),
    })
    .optional(),
  dice: z.strictObject({ emoji: z.string().optional(), value: z.number().int().min(1).optional() }).optional(),
  venue: z
    .strictObject({ latitude: z.number(), longitude: z.number(), title: z.string().min(1), address: z.string().min(1), foursquare_id: z.string().optional() })
    .optional(),
  /** A single album part: parts sent one by one with the same id form one album (as slow uploads arrive). */
  media_group_id: z.string().optional(),
  /** The message is a forward of a message by this user (the bot then does not know a forwarded quiz's answer). */
  forwarded_from: id.optional(),
  /**
   * Sent as a channel of the user's (Telegram's «send as»): `sender_chat` is the channel, `from` Channel_Bot.
   * `id` defaults to one per user (-100…).
   */
  send_as_channel: z.strictObject({ title: z.string().min(1), username: z.string().optional(), id: id.negative().optional() }).optional(),
};

export const sendMessageBody = z.strictObject({
  ...target,
  message_thread_id: id.optional(),
  reply_to_message_id: id.optional(),
  text: z.string().optional(),
  entities,
  parse_mode: z.string().optional(),
  caption: z.string().optional(),
  caption_entities: entities,
  media: mediaInput.optional(),
  album: z.array(mediaInput).optional(),
  location: z.strictObject({ latitude: z.number(), longitude: z.number() }).optional(),
  contact: z.strictObject({ phone_number: z.string(), first_name: z.string(), last_name: z.string().optional(), user_id: id.optional() }).optional(),
  ...contentFields,
});

export const editMessageBody = z.strictObject({ ...target, message_id: id, text: z.string().optional(), entities, caption: z.string().optional() });
/** A user replaces the media of their message (Telegram clients allow it); `caption` omitted keeps none. */
export const editMediaBody = z.strictObject({ ...target, message_id: id, media: mediaInput, caption: z.string().optional() });
/** A user changes their profile: the next updates carry the new name. */
export const updateUserBody = z.strictObject({
  first_name: z.string().min(1).optional(),
  last_name: z.string().nullable().optional(),
  username: z.string().nullable().optional(),
});
export const deleteMessageBody = z.strictObject({ ...target, message_id: id });
export const pressButtonBody = z.strictObject({ ...target, message_id: id, callback_data: z.string(), wait_ms: z.number().int().min(0).max(60_000).optional() });
/** Presses a `login_url` button: by its text, or the message's only one. */
export const openLoginUrlBody = z.strictObject({ ...target, message_id: id, text: z.string().optional() });
export const reactBody = z.strictObject({ ...target, message_id: id, emoji: z.array(z.string()) });
export const blockBody = z.strictObject({ user_id: id, bot_id: id.optional(), blocked: z.boolean() });
export const createTopicBody = z.strictObject({ ...target, name: z.string(), icon_color: id.optional() });
export const closeTopicBody = z.strictObject({ ...target, message_thread_id: id, closed: z.boolean().optional() });
export const deleteTopicBody = z.strictObject({ ...target, message_thread_id: id });

export const transcriptQuery = z.strictObject({ bot_id: z.coerce.number().int().optional(), thread_id: z.coerce.number().int().optional() });
export const markReadBody = z.strictObject({ bot_id: id.optional(), message_thread_id: id.optional() });

export const waitBody = z.strictObject({
  chat_id: id,
  bot_id: id.optional(),
  message_thread_id: id.optional(),
  min_count: z.number().int().min(0).optional(),
  text_includes: z.string().optional(),
  pinned: z.union([z.boolean(), id]).optional(),
  timeout_ms: z.number().int().min(0).max(120_000).optional(),
});

export const limitsBody = z.strictObject({ enabled: z.boolean().optional(), time_scale: z.number().positive().max(100).optional() });

export const faultsBody = z.strictObject({
  error_rate: z.number().min(0).max(1).optional(),
  timeout_rate: z.number().min(0).max(1).optional(),
  too_many_rate: z.number().min(0).max(1).optional(),
  retry_after: z.number().int().min(1).optional(),
  retry_after_max: z.number().int().min(1).optional(),
  seed: z.number().int().optional(),
  methods: z.array(z.string()).optional(),
  hold_ms: z.number().int().min(0).optional(),
  unreachable: z.boolean().optional(),
  latency_ms: z.number().int().min(0).max(60_000).optional(),
  /** Share of calls applied at once whose answer comes `late_ms` later, or never without `late_ms`. */
  late_rate: z.number().min(0).max(1).optional(),
  late_ms: z.number().int().min(0).max(600_000).optional(),
});

export const eventsQuery = z.strictObject({ after: z.coerce.number().int().min(0).optional(), timeout: z.coerce.number().min(0).max(60).optional() });

export type CreateUserInput = z.input<typeof createUserBody>;
export type CreateBotInput = z.input<typeof createBotBody>;
export type BotPrivacyInput = z.input<typeof botPrivacyBody>;
export type CreateGroupInput = z.input<typeof createGroupBody>;
export type AddMemberInput = z.input<typeof addMemberBody>;
export type ChatPermissionsInput = z.input<typeof chatPermissionsBody>;
export type UpgradeGroupInput = z.input<typeof upgradeGroupBody>;
export type SendMessageInput = z.input<typeof sendMessageBody>;
export type EditMessageInput = z.input<typeof editMessageBody>;
export type EditMediaInput = z.input<typeof editMediaBody>;
export type UpdateUserInput = z.input<typeof updateUserBody>;
export type DeleteMessageInput = z.input<typeof deleteMessageBody>;
export type PressButtonInput = z.input<typeof pressButtonBody>;
export type OpenLoginUrlInput = z.input<typeof openLoginUrlBody>;
export type ReactInput = z.input<typeof reactBody>;
export type BlockInput = z.input<typeof blockBody>;
export type CreateTopicInput = z.input<typeof createTopicBody>;
export type CloseTopicInput = z.input<typeof closeTopicBody>;
export type DeleteTopicInput = z.input<typeof deleteTopicBody>;
export type MarkReadInput = z.input<typeof markReadBody>;
export type WaitInput = z.input<typeof waitBody>;
export type LimitsInput = z.input<typeof limitsBody>;
export type FaultsInput = z.input<typeof faultsBody>;
