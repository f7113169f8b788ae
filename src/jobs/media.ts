/**
 * Document workers. `media.download` fetches a dialog file through getFile
 * and `/file/bot<token>/<path>` straight into storage (streamed, hashed on the
 * way), sniffs its type from the bytes and marks the document stored. Files
 * Telegram will not hand to bots (over 20 MB) end as `too_large` at once;
 * other failures throw, and pg-boss retries them with backoff.
 *
 * `documents.send` posts a stored document (an upload, a 1C or generated
 * one) into its dialog's topic, uploading the bytes once, and — when asked —
 * to the client by the file_id Telegram gave back, through the outbox.
 */
import { exclusively } from '../db/exclusive.js';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { eq } from 'drizzle-orm';
import { GrammyError, InputFile, type Api } from 'grammy';
import type { CommandContext } from '../commands/context.js';
import {
  MEDIA_DOWNLOAD_QUEUE,
  TELEGRAM_DOWNLOAD_LIMIT,
  TOO_LARGE_ERROR,
  type DocumentJob,
} from '../commands/recordMessageDocument.js';
import { DOCUMENT_SEND_QUEUE, type SendDocumentJob } from '../commands/attachRequestDocument.js';
import { QUICK_REPLY_FILE_QUEUE, type QuickReplyFileJob } from '../commands/sendQuickReply.js';
import { sendQuickReplyFile } from './quickReplyFile.js';
import { enqueueTelegram } from '../commands/telegramOutbox.js';
import { clients, dialogs, documents } from '../db/schema.js';
import { openStorage, type Storage } from '../documents/storage.js';
import { ONEC_DOCUMENTS_QUEUE, type OneCDocumentsJob } from '../commands/requestOneCDocuments.js';
import { OneCHttp } from '../integrations/onec/http.js';
import { OneCOData } from '../integrations/onec/odata.js';
import { generateDealDocuments } from '../integrations/onec/generated.js';

/** The MIME type the bytes say, or a neutral one when they say nothing known. */
export async function sniffMime(head: Buffer): Promise<string> {
  const { fileTypeFromBuffer } = await import('file-type');
  return (await fileTypeFromBuffer(head))?.mime ?? 'application/octet-stream';
}

/** The start of a pending document's `error` when storage refused its bytes; the intake job tries again. */
export const STORE_FAILED_ERROR = 'Не удалось сохранить файл, попробуем ещё раз';

/**
 * A file's name as grammY must hand it to Telegram so that Telegram shows it
 * as is: «Поручение агенту № 2026-000001.pdf».
 *
 * grammY writes the name unquoted (`filename=<name>`, grammy/out/core/payload.js).
 * Telegram's Bot API server reads such a value up to the next `;`, trims it,
 * keeps the spaces and UTF-8 letters inside, then percent-decodes it; it
 * ignores `filename*` (tdlib/td, tdnet/td/net/HttpReader.cpp,
 * `parse_multipart_form_data`; see src/sandbox/multipart.ts). So only what
 * that reading would change is percent-encoded: `%` (decoded), `;` (ends the
 * value), a `"` or `\` (quoting), control characters (grammY refuses CR/LF),
 * and leading or trailing spaces (trimmed).
 */
export function telegramUploadName(name: string): string {
  const encode = (text: string) => [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return name
    .replace(/[%;"\\\p{Cc}]/gu, encode)
    .replace(/^\s+|\s+$/gu, encode);
}

export class MediaIntake {
  private readonly storage: Storage;

  constructor(
    private readonly ctx: CommandContext,
    private readonly api: Api,
    storage?: Storage,
  ) {
    this.storage = storage ?? openStorage(ctx.config);
  }

  async download({ documentId }: DocumentJob): Promise<void> {
    const db = this.ctx.database.db;
    const [document] = await db.select().from(documents).where(eq(documents.id, documentId));
    if (!document || document.state !== 'pending' || !document.telegramFileId) return;
    const markTooLarge = () => db.update(documents).set({ state: 'too_large', error: TOO_LARGE_ERROR }).where(eq(documents.id, documentId));
    let filePath: string | undefined;
    try {
      filePath = (await this.api.getFile(document.telegramFileId)).file_path;
    } catch (error) {
      if (error instanceof GrammyError && /file is too big/i.test(error.description)) return void (await markTooLarge());
      throw error;
    }
    if (!filePath) throw new Error(`getFile gave no file_path for document ${documentId}`);
    const apiRoot = this.api.options?.apiRoot ?? 'https://api.telegram.org';
    const response = await fetch(`${apiRoot}/file/bot${this.api.token}/${filePath}`);
    if (!response.ok || !response.body) throw new Error(`Downloading document ${documentId}: HTTP ${response.status}`);
    let stored: Awaited<ReturnType<Storage['put']>>;
    try {
      stored = await this.storage.put(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), {
        maxBytes: TELEGRAM_DOWNLOAD_LIMIT,
      });
    } catch (error) {
      // Storage refused (disk full, bucket down): say so on the document, which stays pending; the queue tries again.
      const reason = `${STORE_FAILED_ERROR}: ${(error as Error).message}`;
      await db.update(documents).set({ error: reason }).where(eq(documents.id, documentId));
      throw error;
    }
    await db
      .update(documents)
      .set({ state: 'stored', storageKey: stored.key, size: stored.size, sha256: stored.sha256, mime: await sniffMime(stored.head), error: null })
      .where(eq(documents.id, documentId));
    const requestIds = await this.requestsOf(documentId);
    for (const requestId of requestIds) this.ctx.live.publish({ channel: `request:${requestId}`, type: 'document', data: { documentId }, audience: 'dealRoom' });
  }

  async send({ documentId, sendToClient }: SendDocumentJob): Promise<void> {
    const db = this.ctx.database.db;
    const [row] = await db
      .select({ document: documents, dialog: dialogs, client: clients })
      .from(documents)
      .innerJoin(dialogs, eq(dialogs.id, documents.dialogId))
      .innerJoin(clients, eq(clients.id, dialogs.clientId))
      .where(eq(documents.id, documentId));
    if (!row?.document.storageKey || row.document.state !== 'stored') return;
    const { document, dialog, client } = row;
    let fileId = document.telegramFileId;
    if (!fileId) {
      if (!dialog.topicId) throw new Error(`Dialog ${dialog.id} has no topic yet; document ${documentId} waits for it`);
      const bytes = await this.storage.get(document.storageKey!);
      const sent = await this.api.sendDocument(dialog.managersChatId, new InputFile(bytes, telegramUploadName(document.name)), {
        message_thread_id: dialog.topicId,
        caption: document.source === 'upload' ? '📎 Файл с платформы' : undefined,
      });
      fileId = sent.document?.file_id ?? null;
      await db.update(documents).set({ telegramFileId: fileId }).where(eq(documents.id, documentId));
    }
    // A client banned since the upload gets nothing (commands/banClient).
    if (sendToClient && fileId && !client.bannedAt) {
      await this.ctx.database.transaction((tx) =>
        enqueueTelegram(this.ctx, tx, { chatId: client.telegramUserId, method: 'sendDocument', payload: { document: fileId } }),
      );
    }
  }

  private async requestsOf(documentId: number): Promise<number[]> {
    const result = await this.ctx.database.pool.query<{ request_id: number }>(
      `select coalesce(d.request_id, rm.request_id) as request_id from documents d
         left join request_messages rm on rm.message_id = d.message_id where d.id = $1`,
      [documentId],
    );
    return result.rows.map((r) => Number(r.request_id)).filter((id) => id > 0);
  }
}

/** Defines the document queues and starts their workers (called once at start-up). */
export async function startDocumentWorkers(ctx: CommandContext, api: Api): Promise<void> {
  const intake = new MediaIntake(ctx, api);
  await ctx.jobs.define({ name: MEDIA_DOWNLOAD_QUEUE, retryLimit: 8, retryDelay: 5 });
  await ctx.jobs.define({ name: DOCUMENT_SEND_QUEUE, retryLimit: 8, retryDelay: 5 });
  await ctx.jobs.work<DocumentJob>(MEDIA_DOWNLOAD_QUEUE, (data) => intake.download(data), { concurrency: 4 });
  await ctx.jobs.work<SendDocumentJob>(DOCUMENT_SEND_QUEUE, (data) => intake.send(data));
  const storage = openStorage(ctx.config);
  await ctx.jobs.define({ name: QUICK_REPLY_FILE_QUEUE, retryLimit: 8, retryDelay: 5 });
  await ctx.jobs.work<QuickReplyFileJob>(QUICK_REPLY_FILE_QUEUE, (data) => sendQuickReplyFile(ctx, api, storage, data));
  const onec = new OneCHttp(ctx, storage);
  await ctx.jobs.define({ name: ONEC_DOCUMENTS_QUEUE, retryLimit: 10, retryDelay: 2, expireInSeconds: 120 });
  const odata = new OneCOData(ctx, storage);
  // A request's 1C jobs run one at a time across instances (two at once could make two documents for one request);
  // a job that finds its request busy elsewhere for too long fails with ClaimBusy and pg-boss tries it again.
  await ctx.jobs.work<OneCDocumentsJob>(ONEC_DOCUMENTS_QUEUE, (data, job) =>
    exclusively(ctx.database, `onec:request:${data.requestId}`, () => {
      if (ctx.config.onec.mode === 'odata') return odata.run(data, job.id);
      if (ctx.config.onec.mode === 'http') return onec.run(data, job.id);
      // A change of terms or a cancellation only matters to a document in 1C (odata); here there is nothing to redo.
      return data.create === false ? Promise.resolve() : generateDealDocuments(ctx, storage, data);
    }),
  );
}
