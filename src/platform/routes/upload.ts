/**
 * One file upload over multipart/form-data, the same way for every route that
 * takes a file (a request's documents, a quick reply's file): the `file` part
 * streams into storage as it arrives, its name is checked before its bytes are
 * kept, and every way out without a saved result gives the stored bytes back.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { discardUpload, expectedUploadType, UPLOAD_LIMIT } from '../../commands/attachRequestDocument.js';
import { ValidationError, type CommandContext } from '../../commands/context.js';
import { sanitizeFileName } from '../../commands/requestDocuments.js';
import { FileTooLargeError, openStorage, type Storage, type StoredFile } from '../../documents/storage.js';

/**
 * What the multipart parser (busboy) says of a body that is not a form: no
 * boundary in `content-type`, an empty one, a body that ends before its closing
 * boundary, a broken part header. These are the client's mistakes; they used
 * to reach the error handler as plain Errors (a 500).
 */
const BROKEN_FORM = /boundary not found|unexpected end of (multipart data|form)|malformed part header|terminated early/i;

/** Refusal of a body that is not a readable multipart form (src/core/messageCodes.ts `file.brokenForm`). */
export const BROKEN_FORM_MESSAGE = 'Форма multipart/form-data повреждена: нет границы частей (boundary) или тело оборвано';

/** The file a client sent: its name and claimed type as sent, and where its bytes are now. */
export interface Upload {
  fileName: string;
  claimedMime: string;
  stored: StoredFile;
}

/**
 * Reads the request's parts: `file` (exactly one; PDF, JPEG, PNG, WebP, DOCX,
 * XLSX, DOC, XLS by name, at most UPLOAD_LIMIT bytes) goes into storage, each
 * field part the route names in `fields` goes to its reader (once). Then
 * `save(upload, storage)` keeps it; its result is returned.
 * Errors (ValidationError, a 400): not multipart; two files; no file;
 * a name of a type not taken; a file over the limit (the connection is closed
 * rather than the rest of the body read) — on `file`; a part the route does
 * not name, file or field («Неизвестная часть формы: уберите её»), a field
 * part given twice, or a value its reader refuses — on that part (outside
 * check: unknown parts were dropped in silence). Whatever `save` throws is rethrown —
 * in every error case the stored bytes are discarded first (unless another
 * document uses the same bytes: commands/attachRequestDocument `discardUpload`).
 */
export async function receiveUpload<T>(
  ctx: CommandContext,
  request: FastifyRequest,
  reply: FastifyReply,
  save: (upload: Upload, storage: Storage) => Promise<T>,
  fields: Record<string, (value: unknown) => void> = {},
): Promise<T> {
  if (!request.isMultipart()) throw new ValidationError('Пришлите файл формой multipart/form-data', 'file');
  const storage = openStorage(ctx.config);
  let upload: Upload | undefined;
  try {
    const seen = new Set<string>();
    for await (const part of request.parts()) {
      const read = Object.hasOwn(fields, part.fieldname) ? fields[part.fieldname] : undefined;
      if (part.type === 'field') {
        if (!read) throw new ValidationError('Неизвестная часть формы: уберите её', part.fieldname);
        if (seen.has(part.fieldname)) throw new ValidationError('Указано дважды: оставьте одно значение', part.fieldname);
        seen.add(part.fieldname);
        read(part.value);
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw new ValidationError('Неизвестная часть формы: уберите её', part.fieldname);
      }
      if (upload) {
        part.file.resume();
        throw new ValidationError('Пришлите один файл за раз', 'file');
      }
      // The name decides the type: an unacceptable one is refused before its bytes are stored.
      expectedUploadType(sanitizeFileName(part.filename));
      upload = { fileName: part.filename, claimedMime: part.mimetype, stored: await storage.put(part.file, { maxBytes: UPLOAD_LIMIT }) };
    }
    if (!upload) throw new ValidationError('Выберите файл', 'file');
    return await save(upload, storage);
  } catch (error) {
    if (upload) {
      const key = upload.stored.key;
      await discardUpload(ctx, storage, key).catch((cleanup: unknown) => request.log.warn(`Could not discard upload ${key}: ${(cleanup as Error).message}`));
    }
    if (error instanceof FileTooLargeError) {
      // Answer at once and drop the connection rather than read the rest of an oversized body.
      reply.header('connection', 'close');
      request.raw.resume();
      throw new ValidationError(`Файл больше ${UPLOAD_LIMIT / 1024 / 1024} МБ`, 'file');
    }
    if (error instanceof Error && !(error instanceof ValidationError) && BROKEN_FORM.test(error.message)) throw new ValidationError(BROKEN_FORM_MESSAGE, 'file');
    throw error;
  }
}
