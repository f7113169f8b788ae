/**
 * Media in messages: stores uploads (a photo becomes several PhotoSize
 * entries, up to 1280 px on the long side like Telegram's) and builds the
 * Message fields (`photo`, `document`, `video`…) from stored files.
 */
import type { Message, PhotoSize } from '@grammyjs/types';
import { imageSize, type FileStore, type MediaKind, type StoredFile } from './files.js';

export const MEDIA_KINDS = ['photo', 'document', 'video', 'voice', 'audio', 'video_note', 'sticker', 'animation'] as const satisfies readonly MediaKind[];

/** Details a sender may give alongside the bytes. */
export interface MediaDetails {
  duration?: number;
  width?: number;
  height?: number;
  length?: number;
  performer?: string;
  title?: string;
  emoji?: string;
}

const PHOTO_SIDES = [90, 320, 800, 1280];

function photoSizes(bytes: Buffer): Array<{ width: number; height: number }> {
  const { width, height } = imageSize(bytes);
  const longest = Math.max(width, height, 1);
  const sides = PHOTO_SIDES.filter((side) => side < longest);
  if (longest <= 1280) sides.push(longest);
  return sides.map((side) => ({ width: Math.max(1, Math.round((width * side) / longest)), height: Math.max(1, Math.round((height * side) / longest)) }));
}

export function storeUpload(store: FileStore, bytes: Buffer, kind: MediaKind, meta: { file_name?: string; mime_type?: string } = {}): StoredFile[] {
  // Telegram keeps no name or MIME type for photos.
  if (kind === 'photo') return store.add(bytes, kind, {}, photoSizes(bytes));
  return store.add(bytes, kind, meta);
}

function base(file: StoredFile) {
  const fields: { file_id: string; file_unique_id: string; file_size: number; file_name?: string; mime_type?: string } = {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_size: file.file_size,
  };
  if (file.file_name) fields.file_name = file.file_name;
  if (file.mime_type) fields.mime_type = file.mime_type;
  return fields;
}

/** The Message fields for media of `kind` made of `files` (all sizes of a photo, else one file). */
export function mediaContent(kind: MediaKind, files: StoredFile[], details: MediaDetails = {}): Partial<Message> {
  const file = files[files.length - 1]!;
  const duration = details.duration ?? 1;
  switch (kind) {
    case 'photo':
      return {
        photo: files.map(
          (f): PhotoSize => ({ file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.file_size, width: f.width ?? 1280, height: f.height ?? 960 }),
        ),
      };
    case 'document':
      return { document: base(file) };
    case 'video':
      return { video: { ...base(file), width: details.width ?? 1280, height: details.height ?? 720, duration } };
    case 'animation':
      return { animation: { ...base(file), width: details.width ?? 480, height: details.height ?? 270, duration }, document: base(file) };
    case 'voice': {
      const { file_name: _, ...voice } = base(file);
      return { voice: { ...voice, duration } };
    }
    case 'audio': {
      const audio: NonNullable<Message['audio']> = { ...base(file), duration };
      if (details.performer) audio.performer = details.performer;
      if (details.title) audio.title = details.title;
      return { audio };
    }
    case 'video_note': {
      const { file_name: _, mime_type: __, ...note } = base(file);
      return { video_note: { ...note, length: details.length ?? 240, duration } };
    }
    case 'sticker': {
      const { file_name: _, mime_type: __, ...sticker } = base(file);
      return {
        sticker: { ...sticker, type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, ...(details.emoji ? { emoji: details.emoji } : {}) },
      };
    }
  }
}

let albums = 0;

/** A fresh media_group_id: a long numeric string, like Telegram's. */
export function newMediaGroupId(): string {
  return `${Date.now()}${String(albums++ % 1000).padStart(3, '0')}`;
}

/** The fields every Telegram file object may have. */
export interface FileFields {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  file_name?: string;
  mime_type?: string;
  width?: number;
  height?: number;
  duration?: number;
}

/** The kind and files (photo sizes, smallest first) of the media in `message`, if it has any. */
export function mediaOf(message: Message): { kind: MediaKind; files: FileFields[] } | undefined {
  if (message.photo) return { kind: 'photo', files: message.photo };
  for (const kind of MEDIA_KINDS) {
    const value = message[kind as keyof Message];
    if (kind !== 'photo' && value && typeof value === 'object' && 'file_id' in value) return { kind, files: [value as FileFields] };
  }
  return undefined;
}

/** The fields a copy or forward takes over: content, not identity. */
export const CONTENT_FIELDS = [
  'text',
  'entities',
  'link_preview_options',
  'caption',
  'caption_entities',
  'show_caption_above_media',
  'has_media_spoiler',
  'location',
  'contact',
  // Polls, dice and venues are copied as they are (a copied poll is a new poll: src/sandbox/methods/content.ts).
  'poll',
  'dice',
  'venue',
  ...MEDIA_KINDS,
] as const satisfies ReadonlyArray<keyof Message>;

export function contentOf(message: Message): Partial<Message> {
  const content: Record<string, unknown> = {};
  for (const field of CONTENT_FIELDS) if (message[field] !== undefined) content[field] = message[field];
  return content as Partial<Message>;
}
