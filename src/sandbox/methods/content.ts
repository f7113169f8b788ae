/**
 * Message kinds beyond text and files — polls (quizzes too), dice, venues —
 * replacing a message's media (editMessageMedia), and what copyMessage
 * refuses to copy.
 *
 * Sources of the rules (Bot API docs, https://core.telegram.org/bots/api):
 * - sendPoll: "2-12 answer options"; `correct_option_id` is "required for
 *   polls in quiz mode"; Poll.correct_option_id is "available only for polls
 *   in the quiz mode, which are closed, or was sent (not forwarded) by the bot
 *   or to the private chat with the bot".
 * - copyMessage / copyMessages: "Service messages, paid media messages,
 *   giveaway messages, giveaway winners messages, and invoice messages can't
 *   be copied. A quiz poll can be copied only if the value of the field
 *   correct_option_id is known to the bot." Messages with protected content
 *   can't be copied or forwarded either (Message.has_protected_content: "the
 *   message can't be forwarded"; TDLib refuses copies of them the same way).
 *   Telegram answers all of these "Bad Request: message can't be copied"
 *   (TDLib's "Message can't be copied", lower-cased by the Bot API server).
 * - sendDice: emoji 🎲 🎯 🏀 ⚽ 🎳 🎰; values 1-6, 1-5 for 🏀 and ⚽, 1-64 for 🎰.
 * - sendVenue: latitude, longitude, title and address are required.
 * - editMessageMedia: "If a message is part of a message album, then it can
 *   be edited only to an audio for audio albums, only to a document for
 *   document albums and to a photo or a video otherwise"; an animation, audio,
 *   document, photo or video; "a new file can't be uploaded" only for inline
 *   messages (so uploads and file_ids both work here).
 */
import type { Dice, InputMedia, Message, Poll, PollOption, Venue } from '@grammyjs/types';
import type { ChatState, StoredMessage } from '../chat.js';
import { badRequest, reasons } from '../errors.js';
import { type MediaKind, type StoredFile } from '../files.js';
import { mediaContent, mediaOf, storeUpload } from '../media.js';
import { unixNow } from '../emulator.js';
import { requireMessage, resolveChat, resolveMarkup, type Method, type MethodContext } from './context.js';
import { captionOf, messageMethods, send } from './messages.js';

export const CANT_COPY = "message can't be copied";

/** Poll ids are strings of digits, like Telegram's. */
let polls = 0;
export function newPollId(): string {
  return `${Date.now()}${String(polls++ % 10_000).padStart(4, '0')}`;
}

/** The Poll object of a new poll; shared by the bot's sendPoll and a user's poll. */
export function buildPoll(input: {
  question: string;
  options: string[];
  type?: string;
  is_anonymous?: boolean;
  allows_multiple_answers?: boolean;
  correct_option_id?: number;
  explanation?: string;
  is_closed?: boolean;
}): Poll {
  const question = input.question.trim();
  if (!question) throw badRequest('poll question must be non-empty');
  if (question.length > 300) throw badRequest('poll question length must not exceed 300');
  if (input.options.length < 2) throw badRequest('poll must have at least 2 option');
  if (input.options.length > 12) throw badRequest("poll can't have more than 12 options");
  const options: PollOption[] = input.options.map((text, i) => {
    const trimmed = String(text).trim();
    if (!trimmed || trimmed.length > 100) throw badRequest('poll options length must not exceed 100');
    return { persistent_id: String(i), text: trimmed, voter_count: 0 };
  });
  const type = input.type ?? 'regular';
  if (type !== 'regular' && type !== 'quiz') throw badRequest('wrong poll type specified');
  const poll: Poll = {
    id: newPollId(),
    question,
    options,
    total_voter_count: 0,
    is_closed: input.is_closed ?? false,
    is_anonymous: input.is_anonymous ?? true,
    type,
    allows_multiple_answers: type === 'quiz' ? false : (input.allows_multiple_answers ?? false),
    allows_revoting: false,
    members_only: false,
  };
  if (type === 'quiz') {
    const correct = input.correct_option_id;
    if (correct === undefined || !Number.isInteger(correct) || correct < 0 || correct >= options.length) {
      throw badRequest('wrong correct option ID specified');
    }
    // Bot API 9.x names it correct_option_ids (a list); the docs of copyMessage still say correct_option_id.
    poll.correct_option_ids = [correct];
    if (input.explanation) poll.explanation = input.explanation;
  }
  return poll;
}

/**
 * Whether the bot knows a quiz's correct answer (Poll.correct_option_id): the
 * quiz is closed, the bot sent it, or it was sent — not forwarded — into the
 * private chat with the bot.
 */
export function quizAnswerKnown(stored: StoredMessage, chat: ChatState, botId: number): boolean {
  const message = stored.message;
  if (!message.poll || message.poll.type !== 'quiz') return true;
  if (message.poll.is_closed) return true;
  if (message.from?.id === botId) return true;
  return !chat.isGroup && chat.botId === botId && !message.forward_origin;
}

/** Why Telegram refuses to copy this message, or undefined when it copies it. */
export function copyRefusal(stored: StoredMessage, chat: ChatState, botId: number): string | undefined {
  const message = stored.message;
  if (message.has_protected_content) return CANT_COPY;
  if ('has_protected_content' in chat.chat && (chat.chat as { has_protected_content?: boolean }).has_protected_content) return CANT_COPY;
  if (message.invoice || message.giveaway || message.giveaway_winners || message.paid_media) return CANT_COPY;
  if (!quizAnswerKnown(stored, chat, botId)) return CANT_COPY;
  return undefined;
}

const sendPoll: Method = (ctx) => {
  const chat = resolveChat(ctx);
  const raw = ctx.params.json<Array<string | { text: string }>>('options') ?? [];
  if (!Array.isArray(raw)) throw badRequest("can't parse options JSON object");
  const poll = buildPoll({
    question: ctx.params.requireStr('question', 'poll question must be non-empty'),
    options: raw.map((o) => (typeof o === 'string' ? o : String(o?.text ?? ''))),
    type: ctx.params.str('type'),
    is_anonymous: ctx.params.has('is_anonymous') ? ctx.params.bool('is_anonymous') : undefined,
    allows_multiple_answers: ctx.params.bool('allows_multiple_answers'),
    correct_option_id: ctx.params.int('correct_option_id') ?? ctx.params.json<number[]>('correct_option_ids')?.[0],
    explanation: ctx.params.str('explanation'),
    is_closed: ctx.params.bool('is_closed'),
  });
  return send(ctx, chat, { poll });
};

/** The dice Telegram has, with the largest value each can show. */
export const DICE: Record<string, number> = { '🎲': 6, '🎯': 6, '🎳': 6, '🏀': 5, '⚽': 5, '🎰': 64 };

export function rollDice(emoji = '🎲'): Dice {
  const max = DICE[emoji];
  if (max === undefined) throw badRequest('wrong emoji specified');
  return { emoji, value: 1 + Math.floor(Math.random() * max) };
}

const sendDice: Method = (ctx) => {
  const chat = resolveChat(ctx);
  return send(ctx, chat, { dice: rollDice(ctx.params.str('emoji') ?? '🎲') });
};

/** A venue message carries its location too, as in Telegram. */
export function venueContent(venue: Venue): Partial<Message> {
  return { venue, location: venue.location };
}

const sendVenue: Method = (ctx) => {
  const chat = resolveChat(ctx);
  const latitude = ctx.params.num('latitude');
  const longitude = ctx.params.num('longitude');
  if (latitude === undefined || longitude === undefined) throw badRequest('latitude and longitude must be specified');
  const venue: Venue = {
    location: { latitude, longitude },
    title: ctx.params.requireStr('title', 'venue title must be non-empty'),
    address: ctx.params.requireStr('address', 'venue address must be non-empty'),
  };
  const foursquare = ctx.params.str('foursquare_id');
  if (foursquare) venue.foursquare_id = foursquare;
  const google = ctx.params.str('google_place_id');
  if (google) venue.google_place_id = google;
  return send(ctx, chat, venueContent(venue));
};

const EDITABLE_MEDIA = new Set(['animation', 'audio', 'document', 'photo', 'video']);

/** The fields a media replacement removes before adding the new media. */
export const MEDIA_FIELDS = ['photo', 'document', 'video', 'animation', 'audio', 'voice', 'video_note', 'sticker', 'caption', 'caption_entities'] as const;

/**
 * The changes that replace a message's media with `kind` made of `files`:
 * the old media and caption go, the new ones come (a caption not given is
 * removed, as in Telegram).
 */
export function replaceMedia(current: Message, kind: MediaKind, files: StoredFile[], caption: Partial<Message>): Partial<Message> {
  const changes: Partial<Message> = {};
  for (const field of MEDIA_FIELDS) if (current[field] !== undefined) (changes as Record<string, unknown>)[field] = undefined;
  Object.assign(changes, mediaContent(kind, files), caption, { edit_date: unixNow() });
  return changes;
}

/** Checks the album rule of editMessageMedia. */
export function checkAlbumKind(current: Message, kind: string): void {
  if (!current.media_group_id) return;
  const before = mediaOf(current)?.kind;
  const fits = before === 'audio' ? kind === 'audio' : before === 'document' ? kind === 'document' : kind === 'photo' || kind === 'video';
  if (!fits) throw badRequest("can't use the media of the specified type in the album");
}

const editMessageMedia: Method = (ctx) => {
  if (!ctx.params.has('chat_id') && ctx.params.has('inline_message_id')) throw badRequest(reasons.editNotFound);
  const chat = resolveChat(ctx);
  const stored = requireMessage(chat, ctx.params.int('message_id'), reasons.editNotFound);
  if (stored.message.from?.id !== ctx.bot.user.id || stored.service) throw badRequest("message can't be edited");
  if (!mediaOf(stored.message)) throw badRequest("message can't be edited");
  const media = ctx.params.json<InputMedia<string>>('media', "can't parse InputMedia JSON object");
  if (!media || typeof media !== 'object') throw badRequest("can't parse InputMedia JSON object");
  if (!EDITABLE_MEDIA.has(media.type)) throw badRequest(`can't parse InputMedia: unsupported media type "${String(media.type)}"`);
  const kind = media.type as MediaKind;
  checkAlbumKind(stored.message, kind);
  const files = inputFiles(ctx, media.media, kind);
  const caption = captionOf(ctx, media);
  const current = mediaOf(stored.message);
  const sameFile = current?.files.at(-1)?.file_unique_id === files.at(-1)?.file_unique_id;
  const sameCaption = (stored.message.caption ?? '') === (caption.caption ?? '');
  const markup = resolveMarkup(ctx);
  if (sameFile && sameCaption && JSON.stringify(markup ?? null) === JSON.stringify(stored.message.reply_markup ?? null)) {
    throw badRequest(reasons.notModified);
  }
  const changes = replaceMedia(stored.message, kind, files, caption);
  changes.reply_markup = markup;
  return ctx.emulator.edit(chat, stored, changes, ctx.bot.user);
};

/** An InputMedia's `media`: a file_id, or `attach://<part>` of this multipart request. */
function inputFiles(ctx: MethodContext, value: unknown, kind: MediaKind): StoredFile[] {
  if (typeof value !== 'string' || !value) throw badRequest(`there is no ${kind} in the request`);
  if (value.startsWith('attach://')) {
    const part = ctx.params.files.get(value.slice('attach://'.length));
    if (!part) throw badRequest(reasons.wrongFileId);
    return storeUpload(ctx.emulator.files, part.bytes, kind, { file_name: part.filename, mime_type: part.mimetype });
  }
  if (/^https?:\/\//i.test(value)) throw badRequest(reasons.wrongUrl);
  const known = ctx.emulator.files.get(value);
  if (!known) throw badRequest(reasons.wrongFileId);
  return kind === 'photo' ? ctx.emulator.files.photoSet(known) : [known];
}

/** copyMessage, refusing what Telegram refuses to copy. */
const copyMessage: Method = (ctx) => {
  const from = resolveChat(ctx, 'read', 'from_chat_id');
  const stored = from.message(ctx.params.int('message_id'));
  const refusal = stored && copyRefusal(stored, from, ctx.bot.user.id);
  if (refusal) throw badRequest(refusal);
  return messageMethods.copyMessage!(ctx);
};

/**
 * copyMessages: "If some of the specified messages can't be found or copied,
 * they are skipped" (Bot API docs) — the answer then lists fewer ids.
 */
const copyMessages: Method = (ctx) => {
  const from = resolveChat(ctx, 'read', 'from_chat_id');
  const ids = ctx.params.json<number[]>('message_ids');
  if (Array.isArray(ids)) {
    const copyable = ids.filter((id) => {
      const stored = from.message(id);
      return !stored || !copyRefusal(stored, from, ctx.bot.user.id);
    });
    if (copyable.length !== ids.length) {
      if (!copyable.length) throw badRequest(reasons.copyNotFound);
      ctx.params.raw.message_ids = JSON.stringify(copyable);
    }
  }
  return messageMethods.copyMessages!(ctx);
};

/** Registered after messageMethods (methods/index.ts): the copies here wrap theirs. */
export const contentMethods: Record<string, Method> = {
  sendPoll,
  sendDice,
  sendVenue,
  editMessageMedia,
  copyMessage,
  copyMessages,
};
