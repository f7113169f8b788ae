/**
 * Sending media and reading files: sendPhoto and friends (a file_id, an
 * `attach://` multipart part or the file itself as a part), sendMediaGroup,
 * locations and contacts, getFile.
 */
import type { Contact, File, InputMedia, Message } from '@grammyjs/types';
import { badRequest, reasons } from '../errors.js';
import { DOWNLOAD_LIMIT, isImage, type MediaKind, type StoredFile } from '../files.js';
import { mediaContent, newMediaGroupId, storeUpload } from '../media.js';
import type { UploadedFile } from '../params.js';
import { requireSendRight, resolveChat, type Method, type MethodContext } from './context.js';
import { captionOf, send } from './messages.js';

/** Resolves an InputFile value to stored files (every size of a photo). */
function inputFile(ctx: MethodContext, value: unknown, kind: MediaKind, field?: string): StoredFile[] {
  const direct = field ? ctx.params.files.get(field) : undefined;
  if (direct) return upload(ctx, direct, kind);
  if (typeof value !== 'string' || !value) throw badRequest(`there is no ${kind} in the request`);
  if (value.startsWith('attach://')) {
    const part = ctx.params.files.get(value.slice('attach://'.length));
    if (!part) throw badRequest(reasons.wrongFileId);
    return upload(ctx, part, kind);
  }
  // The emulator has no Internet access; bots here send uploads or file_ids.
  if (/^https?:\/\//i.test(value)) throw badRequest(reasons.wrongUrl);
  const known = ctx.emulator.files.get(value);
  if (!known) throw badRequest(reasons.wrongFileId);
  return kind === 'photo' ? ctx.emulator.files.photoSet(known) : [known];
}

/**
 * Stores a bot's upload. A photo must be an image Telegram can decode, else
 * "IMAGE_PROCESS_FAILED" (the server's answer to bytes that are no picture).
 * A file's MIME type comes from its name's extension, not from the part's
 * declared type: the Bot API server hands TDLib only the file and its name
 * (td_api::inputFileLocal), and TDLib derives the type from the extension
 * (MimeType::from_extension).
 */
function upload(ctx: MethodContext, part: UploadedFile, kind: MediaKind): StoredFile[] {
  if (kind === 'photo' && !isImage(part.bytes)) throw badRequest('IMAGE_PROCESS_FAILED');
  return storeUpload(ctx.emulator.files, part.bytes, kind, { file_name: part.filename });
}

function details(source: Record<string, unknown>) {
  const number = (key: string) => (source[key] === undefined ? undefined : Number(source[key]));
  return {
    duration: number('duration'),
    width: number('width'),
    height: number('height'),
    length: number('length'),
    performer: source.performer as string | undefined,
    title: source.title as string | undefined,
    emoji: source.emoji as string | undefined,
  };
}

function sendMedia(kind: MediaKind): Method {
  return (ctx) => {
    const chat = resolveChat(ctx);
    const files = inputFile(ctx, ctx.params.raw[kind], kind, kind);
    const content = { ...mediaContent(kind, files, details(ctx.params.raw)), ...(kind === 'sticker' ? {} : captionOf(ctx)) };
    if (ctx.params.bool('has_spoiler')) content.has_media_spoiler = true;
    if (ctx.params.bool('show_caption_above_media')) content.show_caption_above_media = true;
    return send(ctx, chat, content);
  };
}

const ALBUM_KINDS = new Set(['photo', 'video', 'document', 'audio']);

/** Each album item becomes its own message sharing one media_group_id, as in Telegram. */
const sendMediaGroup: Method = (ctx): Message[] => {
  const chat = resolveChat(ctx);
  const media = ctx.params.json<Array<InputMedia<string>>>('media');
  if (!Array.isArray(media) || media.length < 2 || media.length > 10) throw badRequest('media group must include 2-10 items');
  const kinds = new Set(media.map((item) => item.type));
  if ((kinds.has('document') || kinds.has('audio')) && kinds.size > 1) {
    // The Bot API documents this rule; the wording of Telegram's refusal is ours.
    throw badRequest('documents and audio files can be only grouped in an album with messages of the same type');
  }
  const contents = media.map((item) => {
    if (!ALBUM_KINDS.has(item.type)) throw badRequest(`unsupported media type "${item.type}" in a media group`);
    const kind = item.type as MediaKind;
    const files = inputFile(ctx, item.media, kind);
    return { ...mediaContent(kind, files, details(item as unknown as Record<string, unknown>)), ...captionOf(ctx, item) };
  });
  const album = newMediaGroupId();
  // An album fails for its first item the bot may not send (TDLib checks each message's content).
  for (const content of contents) requireSendRight(ctx, chat, content);
  const [first, ...rest] = contents;
  // The first send checks limits for the whole album; the rest follow it into the same topic.
  const head = send(ctx, chat, first!, contents.length, album);
  const threadId = head.message_thread_id;
  const replyTo = head.reply_to_message && chat.message(head.reply_to_message.message_id);
  return [
    head,
    ...rest.map((content) => {
      content.media_group_id = album;
      return ctx.emulator.post({ chat, from: ctx.bot.user, content, threadId, replyTo }).message;
    }),
  ];
};

const sendLocation: Method = (ctx) => {
  const chat = resolveChat(ctx);
  const latitude = ctx.params.num('latitude');
  const longitude = ctx.params.num('longitude');
  if (latitude === undefined || longitude === undefined) throw badRequest('latitude and longitude must be specified');
  return send(ctx, chat, { location: { latitude, longitude } });
};

const sendContact: Method = (ctx) => {
  const chat = resolveChat(ctx);
  const contact: Contact = { phone_number: ctx.params.requireStr('phone_number'), first_name: ctx.params.requireStr('first_name') };
  const lastName = ctx.params.str('last_name');
  if (lastName) contact.last_name = lastName;
  const vcard = ctx.params.str('vcard');
  if (vcard) contact.vcard = vcard;
  return send(ctx, chat, { contact });
};

const getFile: Method = (ctx): File => {
  const file = ctx.emulator.files.get(ctx.params.requireStr('file_id'));
  if (!file) throw badRequest('invalid file_id');
  if (file.file_size > DOWNLOAD_LIMIT) throw badRequest(reasons.fileTooBig);
  return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, file_path: file.file_path };
};

export const mediaMethods: Record<string, Method> = {
  sendPhoto: sendMedia('photo'),
  sendDocument: sendMedia('document'),
  sendVideo: sendMedia('video'),
  sendAnimation: sendMedia('animation'),
  sendVoice: sendMedia('voice'),
  sendAudio: sendMedia('audio'),
  sendVideoNote: sendMedia('video_note'),
  sendSticker: sendMedia('sticker'),
  sendMediaGroup,
  sendLocation,
  sendContact,
  getFile,
};
