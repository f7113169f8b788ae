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
import { sanitizeFileName } from './requestDocuments.js';

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
}

const OFFICE_ZIP = new Set(['application/zip']);

/** Checks the file; returns the sniffed MIME type or throws a ValidationError that says why not. */
export async function checkUpload(fileName: string, claimedMime: string, head: Buffer): Promise<string> {
  const extension = fileName.includes('.') ? fileName.split('.').pop()!.toLowerCase() : '';
  const { fileTypeFromBuffer } = await import('file-type');
  const sniffed = (await fileTypeFromBuffer(head))?.mime;
  const allowed = Object.entries(UPLOAD_TYPES).find(([, extensions]) => extensions.includes(extension));
  if (!allowed) {
    throw new ValidationError(`Такие файлы не принимаются (.${extension || '?'}). Можно: PDF, JPEG, PNG, WebP, DOCX, XLSX, DOC, XLS`, 'file');
  }
  const [expected] = allowed;
  // A DOCX or XLSX whose head only shows a ZIP is accepted as what its name says.
  const matches = sniffed === expected || (sniffed !== undefined && OFFICE_ZIP.has(sniffed) && expected.startsWith('application/vnd.openxmlformats'));
  if (!matches) {
    throw new ValidationError(`Содержимое файла не соответствует его типу: имя говорит .${extension}, а внутри ${sniffed ?? 'неизвестный формат'}`, 'file');
  }
  if (claimedMime && claimedMime !== 'application/octet-stream' && claimedMime !== expected && !(expected === 'application/x-cfb' && /msword|ms-excel/.test(claimedMime))) {
    throw new ValidationError(`Заявленный тип ${claimedMime} не соответствует содержимому (${expected})`, 'file');
  }
  return expected;
}

export async function attachRequestDocument(ctx: CommandContext, props: AttachRequestDocumentProps): Promise<typeof documents.$inferSelect> {
  const name = sanitizeFileName(props.fileName);
  const mime = await checkUpload(name, props.claimedMime, props.stored.head);
  return ctx.database.transaction(async (tx) => {
    const access = await requestAccess(tx.db, props.actor, props.requestId);
    if (!canSeeDealRoom(access)) throw new NotFoundError('Заявка не найдена');
    const [request] = await tx.db.select({ dialogId: requests.dialogId }).from(requests).where(eq(requests.id, props.requestId));
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
