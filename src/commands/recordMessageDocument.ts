/**
 * Every file in a dialog becomes a document: a row in state `pending` written
 * in the message's own transaction, and a `media.download` job that fetches
 * the bytes into storage after commit (src/jobs/media.ts). The message itself
 * never waits for, or fails with, its file.
 */
import type { Tx } from '../db/index.js';
import { documents, type MessageMedia } from '../db/schema.js';
import type { CommandContext } from './context.js';
import type { StoredMessage } from './dialogs.js';

export const MEDIA_DOWNLOAD_QUEUE = 'media.download';

/** Telegram lets bots download files up to this size (getFile). */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

export const TOO_LARGE_ERROR = 'Файл больше 20 МБ: Telegram не отдаёт ботам такие файлы, он остался только в Telegram';

const FILE_KINDS = new Set<MessageMedia['kind']>(['photo', 'document', 'video', 'voice', 'audio', 'video_note', 'sticker', 'animation']);

/** A name for a file Telegram sent without one: "photo-123.jpg", "voice-124.ogg". */
export function defaultFileName(media: MessageMedia, messageId: number): string {
  const extension: Partial<Record<MessageMedia['kind'], string>> = {
    photo: 'jpg',
    voice: 'ogg',
    video: 'mp4',
    video_note: 'mp4',
    animation: 'mp4',
    audio: 'mp3',
    sticker: 'webp',
  };
  return `${media.kind}-${messageId}.${extension[media.kind] ?? 'bin'}`;
}

export interface DocumentJob {
  documentId: number;
}

/** Records the message's file (if it has one) and enqueues its download; returns the document id. */
export async function recordMessageDocument(
  ctx: Pick<CommandContext, 'jobs' | 'log'>,
  tx: Tx,
  message: Pick<StoredMessage, 'id' | 'dialogId' | 'media'>,
): Promise<number | undefined> {
  const media = message.media;
  if (!media?.fileId || !FILE_KINDS.has(media.kind)) return undefined;
  const tooLarge = (media.fileSize ?? 0) > TELEGRAM_DOWNLOAD_LIMIT;
  const [document] = await tx.db
    .insert(documents)
    .values({
      dialogId: message.dialogId,
      messageId: message.id,
      source: 'chat',
      state: tooLarge ? 'too_large' : 'pending',
      name: media.fileName ?? defaultFileName(media, message.id),
      mime: media.mimeType ?? null,
      size: media.fileSize ?? null,
      telegramFileId: media.fileId,
      error: tooLarge ? TOO_LARGE_ERROR : null,
    })
    .returning({ id: documents.id });
  if (!tooLarge) {
    try {
      await ctx.jobs.send(tx, MEDIA_DOWNLOAD_QUEUE, { documentId: document!.id } satisfies DocumentJob);
    } catch (error) {
      // No document workers in this process (a command test): the row stays pending.
      ctx.log.warn(`Document ${document!.id} is not queued for download: ${(error as Error).message}`);
    }
  }
  return document!.id;
}
