/**
 * Text messages and what bots do with existing messages: send, edit, delete,
 * forward, copy, pin.
 */
import type { LinkPreviewOptions, Message, MessageEntity, MessageId } from '@grammyjs/types';
import type { ChatState, StoredMessage } from '../chat.js';
import { badRequest, reasons } from '../errors.js';
import { contentOf, mediaOf, newMediaGroupId } from '../media.js';
import { Params } from '../params.js';
import { formatText } from '../text.js';
import { requireMessage, requireSendRight, resolveChat, resolveMarkup, resolveReply, resolveThread, takeLimit, type Method, type MethodContext } from './context.js';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The checks and the post shared by every send method: reply, topic, keyboard, limits. */
export function send(ctx: MethodContext, chat: ChatState, content: Partial<Message>, cost = 1, mediaGroupId?: string): Message {
  requireSendRight(ctx, chat, content);
  const replyTo = resolveReply(ctx, chat);
  const threadId = resolveThread(ctx, chat, replyTo);
  const replyMarkup = resolveMarkup(ctx);
  takeLimit(ctx, chat, cost);
  if (mediaGroupId) content.media_group_id = mediaGroupId;
  if (ctx.params.bool('protect_content')) content.has_protected_content = true;
  return ctx.emulator.post({ chat, from: ctx.bot.user, content, threadId, replyTo, replyMarkup }).message;
}

/** `caption` with `parse_mode` or `caption_entities`, for media sends and copies. */
export function captionOf(ctx: MethodContext, source: { caption?: unknown; parse_mode?: unknown; caption_entities?: unknown } = ctx.params.raw): Partial<Message> {
  if (source.caption === undefined || source.caption === null) return {};
  const entities = new Params({ caption_entities: source.caption_entities }).json<MessageEntity[]>('caption_entities');
  const { text, entities: captionEntities } = formatText({ text: String(source.caption), parseMode: source.parse_mode as string | undefined, entities }, 'caption');
  if (!text) return {};
  return captionEntities ? { caption: text, caption_entities: captionEntities } : { caption: text };
}

const sendMessage: Method = (ctx) => {
  const chat = resolveChat(ctx);
  const formatted = formatText(
    { text: ctx.params.str('text') ?? '', parseMode: ctx.params.str('parse_mode'), entities: ctx.params.json<MessageEntity[]>('entities') },
    'text',
  );
  const content: Partial<Message> = formatted;
  const preview = ctx.params.json<LinkPreviewOptions>('link_preview_options');
  if (preview) content.link_preview_options = preview;
  return send(ctx, chat, content);
};

/** The bot's own, still existing message `message_id`, for the edit methods. */
function editable(ctx: MethodContext): { chat: ChatState; stored: StoredMessage } {
  if (!ctx.params.has('chat_id') && ctx.params.has('inline_message_id')) throw badRequest(reasons.editNotFound);
  const chat = resolveChat(ctx);
  const stored = requireMessage(chat, ctx.params.int('message_id'), reasons.editNotFound);
  if (stored.message.from?.id !== ctx.bot.user.id || stored.service) throw badRequest("message can't be edited");
  return { chat, stored };
}

function applyEdit(ctx: MethodContext, chat: ChatState, stored: StoredMessage, changes: Partial<Message>): Message {
  const current = stored.message;
  const unchanged = (Object.keys(changes) as Array<keyof Message>).every((key) => same(current[key], changes[key]));
  if (unchanged) throw badRequest(reasons.notModified);
  return ctx.emulator.edit(chat, stored, changes, ctx.bot.user);
}

const editMessageText: Method = (ctx) => {
  const { chat, stored } = editable(ctx);
  if (stored.message.text === undefined) throw badRequest('there is no text in the message to edit');
  const formatted = formatText(
    { text: ctx.params.str('text') ?? '', parseMode: ctx.params.str('parse_mode'), entities: ctx.params.json<MessageEntity[]>('entities') },
    'text',
  );
  // Telegram drops the keyboard when an edit does not repeat it.
  return applyEdit(ctx, chat, stored, { text: formatted.text, entities: formatted.entities, reply_markup: resolveMarkup(ctx) });
};

const editMessageCaption: Method = (ctx) => {
  const { chat, stored } = editable(ctx);
  if (!mediaOf(stored.message)) throw badRequest('there is no caption in the message to edit');
  const caption = captionOf(ctx);
  return applyEdit(ctx, chat, stored, { caption: caption.caption, caption_entities: caption.caption_entities, reply_markup: resolveMarkup(ctx) });
};

const editMessageReplyMarkup: Method = (ctx) => {
  const { chat, stored } = editable(ctx);
  return applyEdit(ctx, chat, stored, { reply_markup: resolveMarkup(ctx) });
};

function deletable(ctx: MethodContext, chat: ChatState, id: number | undefined): StoredMessage {
  const stored = chat.message(id);
  if (!stored) throw badRequest(reasons.deleteNotFound);
  const own = stored.message.from?.id === ctx.bot.user.id;
  if (stored.service === 'forum_topic_created' || (!own && !chat.can(ctx.bot.user.id, 'can_delete_messages'))) {
    throw badRequest("message can't be deleted");
  }
  return stored;
}

const deleteMessage: Method = (ctx) => {
  const chat = resolveChat(ctx, 'read');
  ctx.emulator.remove(chat, deletable(ctx, chat, ctx.params.int('message_id')));
  return true;
};

const deleteMessages: Method = (ctx) => {
  const chat = resolveChat(ctx, 'read');
  const ids = ctx.params.json<number[]>('message_ids') ?? [];
  for (const id of ids) {
    const stored = chat.message(id);
    if (stored) ctx.emulator.remove(chat, deletable(ctx, chat, id));
  }
  return true;
};

/** The message `message_id` of `from_chat_id` that may be copied or forwarded. */
function source(ctx: MethodContext, id: number | undefined, notFound: string): StoredMessage | undefined {
  const from = resolveChat(ctx, 'read', 'from_chat_id');
  const stored = from.message(id);
  if (!stored) throw badRequest(notFound);
  if (stored.service) throw badRequest(notFound === reasons.copyNotFound ? "message can't be copied" : "message can't be forwarded");
  return stored;
}

/**
 * A forward's content: the original's, with its origin — kept from the
 * original when that was itself a forward — both as `forward_origin` and as
 * the legacy fields the Bot API server still writes beside it
 * (telegram-bot-api Client.cpp, JsonMessage: forward_from, forward_from_chat,
 * forward_from_message_id, forward_signature, forward_sender_name,
 * forward_date), which older libraries and bots read.
 */
export function forwardedContent(original: Message): Partial<Message> {
  const content = contentOf(original);
  const legacy = original as Message & Record<string, unknown>;
  if (original.forward_origin) {
    content.forward_origin = original.forward_origin;
    for (const field of LEGACY_FORWARD_FIELDS) if (legacy[field] !== undefined) (content as Record<string, unknown>)[field] = legacy[field];
    return content;
  }
  const date = original.date;
  const fields = content as Record<string, unknown>;
  if (original.chat.type === 'channel') {
    content.forward_origin = { type: 'channel', chat: original.chat, message_id: original.message_id, date };
    Object.assign(fields, { forward_from_chat: original.chat, forward_from_message_id: original.message_id, forward_date: date });
  } else {
    const sender = original.from!;
    content.forward_origin = { type: 'user', sender_user: sender, date };
    Object.assign(fields, { forward_from: sender, forward_date: date });
  }
  return content;
}

const LEGACY_FORWARD_FIELDS = ['forward_from', 'forward_from_chat', 'forward_from_message_id', 'forward_signature', 'forward_sender_name', 'forward_date'];

const forwardMessage: Method = (ctx) => {
  const original = source(ctx, ctx.params.int('message_id'), reasons.forwardNotFound)!.message;
  const chat = resolveChat(ctx);
  return send(ctx, chat, forwardedContent(original));
};

/**
 * Forwards several messages in order (Bot API forwardMessages: up to 100
 * identifiers in strictly increasing order; ones that can't be found or
 * forwarded are skipped; an album stays an album). Answers their MessageIds.
 */
const forwardMessages: Method = (ctx): MessageId[] => {
  const ids = ctx.params.json<number[]>('message_ids') ?? [];
  if (!ids.length) throw badRequest('message_ids is empty');
  if (ids.length > 100) throw badRequest('too many messages to forward');
  if (ids.some((id, i) => i > 0 && id <= ids[i - 1]!)) throw badRequest('message identifiers must be in a strictly increasing order');
  const from = resolveChat(ctx, 'read', 'from_chat_id');
  const originals = ids.map((id) => from.message(id)).filter((m): m is StoredMessage => m !== undefined && !m.service);
  if (!originals.length) throw badRequest(reasons.forwardNotFound);
  const chat = resolveChat(ctx);
  for (const { message } of originals) requireSendRight(ctx, chat, message);
  const threadId = resolveThread(ctx, chat, undefined);
  takeLimit(ctx, chat, originals.length);
  const albums = new Map<string, string>();
  const protect = ctx.params.bool('protect_content');
  return originals.map(({ message }) => {
    const content = forwardedContent(message);
    if (message.media_group_id) {
      const album = albums.get(message.media_group_id) ?? newMediaGroupId();
      albums.set(message.media_group_id, album);
      content.media_group_id = album;
    }
    if (protect) content.has_protected_content = true;
    return { message_id: ctx.emulator.post({ chat, from: ctx.bot.user, content, threadId }).message.message_id };
  });
};

function copyContent(ctx: MethodContext, original: Message): Partial<Message> {
  const content = contentOf(original);
  if (ctx.params.bool('remove_caption')) {
    delete content.caption;
    delete content.caption_entities;
  }
  if (ctx.params.raw.caption !== undefined && mediaOf(original)) {
    delete content.caption_entities;
    Object.assign(content, captionOf(ctx));
  }
  return content;
}

const copyMessage: Method = (ctx): MessageId => {
  const original = source(ctx, ctx.params.int('message_id'), reasons.copyNotFound)!.message;
  const chat = resolveChat(ctx);
  return { message_id: send(ctx, chat, copyContent(ctx, original)).message_id };
};

/** Copies several messages in order; an album stays an album under a new media_group_id. */
const copyMessages: Method = (ctx): MessageId[] => {
  const ids = ctx.params.json<number[]>('message_ids') ?? [];
  if (!ids.length) throw badRequest('message_ids is empty');
  if (ids.some((id, i) => i > 0 && id <= ids[i - 1]!)) throw badRequest('message identifiers must be in a strictly increasing order');
  const from = resolveChat(ctx, 'read', 'from_chat_id');
  const originals = ids.map((id) => from.message(id)).filter((m): m is StoredMessage => m !== undefined && !m.service);
  if (!originals.length) throw badRequest(reasons.copyNotFound);
  const chat = resolveChat(ctx);
  for (const { message } of originals) requireSendRight(ctx, chat, message);
  const replyTo = resolveReply(ctx, chat);
  const threadId = resolveThread(ctx, chat, replyTo);
  takeLimit(ctx, chat, originals.length);
  const albums = new Map<string, string>();
  return originals.map(({ message }) => {
    const content = copyContent(ctx, message);
    if (message.media_group_id) {
      const album = albums.get(message.media_group_id) ?? newMediaGroupId();
      albums.set(message.media_group_id, album);
      content.media_group_id = album;
    }
    return { message_id: ctx.emulator.post({ chat, from: ctx.bot.user, content, threadId, replyTo }).message.message_id };
  });
};

const PIN_RIGHTS = 'not enough rights to manage pinned messages in the chat';

const pinChatMessage: Method = (ctx) => {
  const chat = resolveChat(ctx);
  const stored = requireMessage(chat, ctx.params.int('message_id'), reasons.pinNotFound);
  if (!chat.can(ctx.bot.user.id, 'can_pin_messages')) throw badRequest(PIN_RIGHTS);
  ctx.emulator.pin(chat, stored, ctx.bot.user);
  return true;
};

const unpinChatMessage: Method = (ctx) => {
  const chat = resolveChat(ctx);
  if (!chat.can(ctx.bot.user.id, 'can_pin_messages')) throw badRequest(PIN_RIGHTS);
  const id = ctx.params.int('message_id') ?? chat.pinnedIn()?.message.message_id;
  if (id === undefined || !chat.pinned.includes(id)) throw badRequest('message to unpin not found');
  ctx.emulator.unpin(chat, [id]);
  return true;
};

const unpinAllChatMessages: Method = (ctx) => {
  const chat = resolveChat(ctx);
  if (!chat.can(ctx.bot.user.id, 'can_pin_messages')) throw badRequest(PIN_RIGHTS);
  ctx.emulator.unpin(chat, [...chat.pinned]);
  return true;
};

export const messageMethods: Record<string, Method> = {
  sendMessage,
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
  deleteMessages,
  forwardMessage,
  forwardMessages,
  copyMessage,
  copyMessages,
  pinChatMessage,
  unpinChatMessage,
  unpinAllChatMessages,
};
