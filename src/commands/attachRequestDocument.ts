/**
 * A platform user attaches a file to a request. The bytes are already in
 * storage (the route streams them there); this checks what they are — an
 * allowed type whose bytes match the name's extension and the claimed MIME
 * type — and records the document. When the request is linked to a dialog,
 * a `documents.send` job posts it into the topic (and to the client when
 * asked) after commit.
 */
import { documents, requests } from '../db/schema.js';
import { eq } from 'drizzle-orm';
import { canSeeDealRoom, requestAccess, type Viewer } from '../policies/access.js';
import { NotFoundError, recordEvent, ValidationError, type CommandContext } from './context.js';
import { refuseSendToBannedClient } from './banClient.js';
import { sanitizeFileName } from './requestDocuments.js';
import { Readable } from 'node:stream';
import type { Tx } from '../db/index.js';
import { MissingFileError, type Storage } from '../documents/storage.js';

export const DOCUMENT_SEND_QUEUE = 'documents.send';

/** Uploads above this are refused (Telegram bots may upload up to 50 MB; we keep to what they may also download). */
export const UPLOAD_LIMIT = 20 * 1024 * 1024;

/** What may be uploaded, by the type the bytes show, with the extensions a name may carry for it. */
export const UPLOAD_TYPES: Record<string, string[]> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/x-cfb': ['doc', 'xls'],
};

export interface SendDocumentJob {
  documentId: number;
  /** Also send it to the client's private chat. */
  sendToClient: boolean;
}

export interface AttachRequestDocumentProps {
  actor: Viewer;
  requestId: number;
  /** The name the browser sent (sanitized here). */
  fileName: string;
  /** The MIME type the browser claimed. */
  claimedMime: string;
  stored: { key: string; size: number; sha256: string; head: Buffer };
  sendToClient: boolean;
  /** The storage holding `stored`: to read the whole file when its head does not tell its type, and to check it is still there. */
  storage?: Storage;
}

/** The Office Open XML types: a ZIP inside, told apart only by the parts the ZIP holds. */
const OFFICE_OPEN_XML = new Set(['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);

/**
 * The type a file name may be uploaded as (by its extension), checked before
 * a byte of it is stored; throws a ValidationError that says why not.
 */
export function expectedUploadType(fileName: string): string {
  const extension = fileName.includes('.') ? fileName.split('.').pop()!.toLowerCase() : '';
  const allowed = Object.entries(UPLOAD_TYPES).find(([, extensions]) => extensions.includes(extension));
  if (!allowed) {
    const shown = extension.length > 10 ? `${extension.slice(0, 10)}…` : extension;
    throw new ValidationError(`Такие файлы не принимаются (.${shown || '?'}). Можно: PDF, JPEG, PNG, WebP, DOCX, XLSX, DOC, XLS`, 'file');
  }
  return allowed[0];
}

/**
 * Checks the file; returns the sniffed MIME type or throws a ValidationError
 * that says why not. A .docx or .xlsx must be that Office document, not just
 * any ZIP: when the first bytes show only a ZIP (the parts that tell are
 * further in), `open` gives the whole file to sniff (file-type reads the
 * ZIP's `[Content_Types].xml`); without it such a file is refused.
 */
export async function checkUpload(fileName: string, claimedMime: string, head: Buffer, open?: () => Promise<Readable>): Promise<string> {
  const extension = fileName.includes('.') ? fileName.split('.').pop()!.toLowerCase() : '';
  const expected = expectedUploadType(fileName);
  const { fileTypeFromBuffer, fileTypeFromStream } = await import('file-type');
  let sniffed = (await fileTypeFromBuffer(head))?.mime;
  if (sniffed === 'application/zip' && OFFICE_OPEN_XML.has(expected) && open) {
    const stream = await open();
    try {
      // file-type 22 reads web streams.
      sniffed = (await fileTypeFromStream(Readable.toWeb(stream) as ReadableStream<Uint8Array>))?.mime ?? sniffed;
    } finally {
      stream.destroy();
    }
  }
  if (sniffed !== expected) {
    const inside = sniffed === 'application/zip' && OFFICE_OPEN_XML.has(expected) ? 'обычный ZIP-архив, а не документ Office' : (sniffed ?? 'неизвестный формат');
    throw new ValidationError(`Содержимое файла не соответствует его типу: имя говорит .${extension}, а внутри ${inside}`, 'file');
  }
  if (claimedMime && claimedMime !== 'application/octet-stream' && claimedMime !== expected && !(expected === 'application/x-cfb' && /msword|ms-excel/.test(claimedMime))) {
    throw new ValidationError(`Заявленный тип ${claimedMime} не соответствует содержимому (${expected})`, 'file');
  }
  return expected;
}

/**
 * Whether `actor` may upload to the request (its deal room): throws
 * NotFoundError otherwise. The route calls it before it stores a byte
 * (issue 16.6); `attachRequestDocument` checks again in its transaction.
 */
export async function authorizeUpload(ctx: CommandContext, actor: Viewer, requestId: number): Promise<void> {
  const access = await requestAccess(ctx.database.db, actor, requestId);
  if (!canSeeDealRoom(access)) throw new NotFoundError('Заявка не найдена');
}

/**
 * Serializes everything that decides a stored blob's fate (a document row
 * that uses it, a failed upload that would delete it) on one transaction
 * lock per storage key: blobs are content-addressed, so two users' identical
 * files are one blob.
 */
async function lockBlob(tx: Tx, key: string): Promise<void> {
  await tx.client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`blob:${key}`]);
}

/**
 * Gives back the blob of an upload that did not become a document: deleted
 * only when no document uses it (issue 16.7 — "delete if I wrote it" deleted
 * another user's identical file stored in between).
 */
export async function discardUpload(ctx: CommandContext, storage: Storage, key: string): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    await lockBlob(tx, key);
    const [used] = await tx.db.select({ id: documents.id }).from(documents).where(eq(documents.storageKey, key)).limit(1);
    if (!used) await storage.delete(key);
  });
}

export async function attachRequestDocument(ctx: CommandContext, props: AttachRequestDocumentProps): Promise<typeof documents.$inferSelect> {
  const name = sanitizeFileName(props.fileName);
  const storage = props.storage;
  const mime = await checkUpload(name, props.claimedMime, props.stored.head, storage && (() => storage.get(props.stored.key)));
  return ctx.database.transaction(async (tx) => {
    const access = await requestAccess(tx.db, props.actor, props.requestId);
    if (!canSeeDealRoom(access)) throw new NotFoundError('Заявка не найдена');
    if (storage) {
      // A failed upload of the same bytes may have deleted the blob since it was stored (it held no document then).
      await lockBlob(tx, props.stored.key);
      const present = await storage.get(props.stored.key).then(
        (stream) => (stream.destroy(), true),
        (error: unknown) => {
          if (error instanceof MissingFileError) return false;
          throw error;
        },
      );
      if (!present) throw new ValidationError('Файл не сохранился — пришлите его ещё раз', 'file');
    }
    const [request] = await tx.db.select({ dialogId: requests.dialogId }).from(requests).where(eq(requests.id, props.requestId));
    if (props.sendToClient) await refuseSendToBannedClient(tx, request?.dialogId ?? null, 'sendToClient');
    const [document] = await tx.db
      .insert(documents)
      .values({
        requestId: props.requestId,
        dialogId: request?.dialogId ?? null,
        source: 'upload',
        state: 'stored',
        storageKey: props.stored.key,
        name,
        mime,
        size: props.stored.size,
        sha256: props.stored.sha256,
        uploadedBy: props.actor.userId,
      })
      .returning();
    await recordEvent(tx, { actor: { userId: props.actor.userId }, subjectType: 'document', subjectId: document!.id, name: 'document.uploaded', after: { requestId: props.requestId, name } });
    if (request?.dialogId) {
      await ctx.jobs.send(tx, DOCUMENT_SEND_QUEUE, { documentId: document!.id, sendToClient: props.sendToClient } satisfies SendDocumentJob);
    }
    tx.afterCommit(() => ctx.live.publish({ channel: `request:${props.requestId}`, type: 'document', data: { documentId: document!.id }, audience: 'dealRoom' }));
    return document!;
  });
}
