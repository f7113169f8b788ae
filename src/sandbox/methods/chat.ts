/**
 * Chat information, members, commands, reactions, chat actions, callback
 * answers, and the profile settings a bot may write at start-up.
 */
import type { BotCommand, ChatFullInfo, ChatMember, ReactionType } from '@grammyjs/types';
import { ALL_SEND_PERMISSIONS } from '../sendRights.js';
import { badRequest, reasons } from '../errors.js';
import { memberView } from '../members.js';
import { resolveChat, type Method } from './context.js';

const ACCEPTED_GIFTS = { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false };

const getChat: Method = (ctx): ChatFullInfo => {
  const chat = resolveChat(ctx, 'read');
  const info = { ...chat.chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: ACCEPTED_GIFTS } as ChatFullInfo;
  const pinned = chat.pinnedIn();
  if (pinned) info.pinned_message = pinned.message;
  // Bot API § ChatFullInfo.permissions: «default chat member permissions, for groups and supergroups».
  if (chat.isGroup) info.permissions = { ...ALL_SEND_PERMISSIONS, ...chat.permissions };
  return info;
};

const getChatMember: Method = (ctx): ChatMember => {
  const chat = resolveChat(ctx, 'read');
  const user = ctx.emulator.users.get(ctx.params.requireInt('user_id'));
  if (!user) throw badRequest('user not found');
  return memberView(user, chat.members.get(user.id));
};

const getChatAdministrators: Method = (ctx): ChatMember[] => {
  const chat = resolveChat(ctx, 'read');
  // TDLib getChatAdministrators refuses private chats rather than answering an empty list.
  if (!chat.isGroup) throw badRequest('there are no administrators in the private chat');
  return [...chat.members]
    .filter(([id]) => chat.isAdmin(id))
    .map(([id, state]) => memberView(ctx.emulator.users.get(id)!, state));
};

const getChatMemberCount: Method = (ctx) => {
  const chat = resolveChat(ctx, 'read');
  return [...chat.members.keys()].filter((id) => chat.isMember(id)).length;
};

const leaveChat: Method = (ctx) => {
  const chat = resolveChat(ctx, 'read');
  if (!chat.isGroup) throw badRequest('chat member status change is not allowed in private chats');
  ctx.emulator.setMember(chat, ctx.bot.user.id, { status: 'left' }, ctx.bot.user);
  return true;
};

const commandsKey = (scope: unknown, language: string | undefined): string => JSON.stringify([scope ?? { type: 'default' }, language ?? '']);

const setMyCommands: Method = (ctx) => {
  const commands = ctx.params.json<BotCommand[]>('commands') ?? [];
  if (commands.length > 100) throw badRequest('too many commands specified');
  for (const command of commands) {
    if (!/^[a-z0-9_]{1,32}$/.test(command.command ?? '')) throw badRequest('BOT_COMMAND_INVALID');
    if (!command.description || command.description.length > 256) throw badRequest('command description must be non-empty');
  }
  ctx.bot.commands.set(commandsKey(ctx.params.json('scope'), ctx.params.str('language_code')), commands);
  return true;
};

const getMyCommands: Method = (ctx): BotCommand[] => ctx.bot.commands.get(commandsKey(ctx.params.json('scope'), ctx.params.str('language_code'))) ?? [];

const deleteMyCommands: Method = (ctx) => {
  ctx.bot.commands.delete(commandsKey(ctx.params.json('scope'), ctx.params.str('language_code')));
  return true;
};

/**
 * The emoji a reaction may be (Bot API, ReactionTypeEmoji: "Reaction emoji.
 * Currently, it can be one of …"). @grammyjs/types carries the same list as a type.
 */
const REACTION_EMOJI = new Set([
  '❤', '👍', '👎', '🔥', '🥰', '👏', '😁', '🤔', '🤯', '😱', '🤬', '😢', '🎉', '🤩', '🤮', '💩', '🙏', '👌', '🕊', '🤡', '🥱', '🥴', '😍', '🐳',
  '❤\u200d🔥', '🌚', '🌭', '💯', '🤣', '⚡', '🍌', '🏆', '💔', '🤨', '😐', '🍓', '🍾', '💋', '🖕', '😈', '😴', '😭', '🤓', '👻', '👨\u200d💻', '👀',
  '🎃', '🙈', '😇', '😨', '🤝', '✍', '🤗', '🫡', '🎅', '🎄', '☃', '💅', '🤪', '🗿', '🆒', '💘', '🙉', '🦄', '😘', '💊', '🙊', '😎', '👾',
  '🤷\u200d♂', '🤷', '🤷\u200d♀', '😡',
]);

const setMessageReaction: Method = (ctx) => {
  const chat = resolveChat(ctx);
  const stored = chat.message(ctx.params.int('message_id'));
  if (!stored) throw badRequest('message to react not found');
  const reaction = ctx.params.json<ReactionType[]>('reaction') ?? [];
  // Bot API, setMessageReaction: "Currently, as non-premium users, bots can set up to one reaction per message."
  if (reaction.length > 1) throw badRequest('REACTIONS_TOO_MANY');
  for (const item of reaction) {
    if (item.type === 'paid') throw badRequest('REACTION_INVALID'); // "Paid reactions can't be used by bots."
    if (item.type === 'emoji' && !REACTION_EMOJI.has(item.emoji)) throw badRequest('REACTION_INVALID');
  }
  stored.reactions = { ...stored.reactions, [ctx.bot.user.id]: reaction };
  ctx.emulator.emitFor(chat, 'reaction', stored.message.message_id, stored.threadId);
  return true;
};

/** The actions sendChatAction takes (Bot API sendChatAction; telegram-bot-api Client.cpp `get_chat_action`). */
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

const sendChatAction: Method = (ctx) => {
  const chat = resolveChat(ctx);
  const action = ctx.params.requireStr('action', 'action is empty');
  if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
  ctx.emulator.emitFor(chat, 'chat_action', undefined, ctx.params.int('message_thread_id'), { action });
  return true;
};

const answerCallbackQuery: Method = (ctx) => {
  const answer: { text?: string; show_alert?: boolean; url?: string } = {};
  const text = ctx.params.str('text');
  if (text) answer.text = text;
  if (ctx.params.bool('show_alert')) answer.show_alert = true;
  const url = ctx.params.str('url');
  if (url) answer.url = url;
  if (!ctx.emulator.answerCallback(ctx.bot, ctx.params.requireStr('callback_query_id'), answer)) throw badRequest(reasons.queryInvalid);
  return true;
};

/** set/get pairs for the bot's profile texts; the getters answer `{ <field>: value }`. */
function profileSetting(field: string): [Method, Method] {
  const set: Method = (ctx) => {
    ctx.bot.settings.set(field, ctx.params.str(field) ?? '');
    return true;
  };
  const get: Method = (ctx) => ({ [field]: ctx.bot.settings.get(field) ?? (field === 'name' ? ctx.bot.user.first_name : '') });
  return [set, get];
}

const [setMyDescription, getMyDescription] = profileSetting('description');
const [setMyShortDescription, getMyShortDescription] = profileSetting('short_description');
const [setMyName, getMyName] = profileSetting('name');
const acknowledge: Method = () => true;

export const chatMethods: Record<string, Method> = {
  getChat,
  getChatMember,
  getChatAdministrators,
  getChatMemberCount,
  leaveChat,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  setMessageReaction,
  sendChatAction,
  answerCallbackQuery,
  setMyDescription,
  getMyDescription,
  setMyShortDescription,
  getMyShortDescription,
  setMyName,
  getMyName,
  getChatMenuButton: () => ({ type: 'default' }),
  // Settings the sandbox has no use for; Telegram answers true.
  setChatMenuButton: acknowledge,
  setMyDefaultAdministratorRights: acknowledge,
  logOut: acknowledge,
  close: acknowledge,
};
