/**
 * Which documents belong to a request, read at query time: those written for
 * the request itself (uploads, 1C, generated) and the files of the dialog
 * messages in the request's chat (request_messages) — so the history copied
 * at acceptance brings its files along without a second write.
 */
import type pg from 'pg';
import { canSeeDealRoom, requestAccessForRead, type Viewer } from '../policies/access.js';
import { NotFoundError } from './context.js';
import { FILE_NAME_MAX_LENGTH } from '../core/fields.js';

export interface RequestDocument {
  id: number;
  name: string;
  mime: string | null;
  size: number | null;
  source: 'chat' | 'onec' | 'generated' | 'upload';
  state: 'pending' | 'stored' | 'too_large' | 'failed';
  error: string | null;
  messageId: number | null;
  authorName: string | null;
  at: string;
}

const LIST_SQL = `
  select d.id, d.name, d.mime, d.size, d.source, d.state, d.error, d.message_id, d.created_at,
         coalesce(u.name, m.author_name) as author_name
  from documents d
  left join messages m on m.id = d.message_id
  left join users u on u.id = coalesce(d.uploaded_by, m.author_user_id)
  where (d.request_id = $1
         or d.message_id in (select rm.message_id from request_messages rm where rm.request_id = $1))
    and coalesce(m.skip, false) = false
  order by d.created_at, d.id`;

/** The request's documents, oldest first; NotFoundError unless the viewer may see the deal room. */
export async function listRequestDocuments(pool: pg.Pool, viewer: Viewer, requestId: number): Promise<RequestDocument[]> {
  const access = await requestAccessForRead(pool, viewer, requestId);
  if (!canSeeDealRoom(access)) throw new NotFoundError('Заявка не найдена');
  const result = await pool.query<Record<string, unknown>>(LIST_SQL, [requestId]);
  return result.rows.map((row) => ({
    id: Number(row.id),
    name: row.name as string,
    mime: (row.mime as string | null) ?? null,
    size: row.size === null ? null : Number(row.size),
    source: row.source as RequestDocument['source'],
    state: row.state as RequestDocument['state'],
    error: (row.error as string | null) ?? null,
    messageId: row.message_id === null ? null : Number(row.message_id),
    authorName: (row.author_name as string | null) ?? null,
    at: (row.created_at as Date).toISOString(),
  }));
}

export interface DownloadableDocument {
  id: number;
  name: string;
  mime: string;
  size: number;
  storageKey: string;
}

/**
 * A stored document the viewer may download: it belongs to a request whose
 * deal room they see. Anything else — missing, not stored, another
 * organization's — is the same NotFoundError.
 */
export async function documentForDownload(pool: pg.Pool, viewer: Viewer, documentId: number): Promise<DownloadableDocument> {
  const result = await pool.query<{ name: string; mime: string | null; size: string | number; storage_key: string; request_id: string | number | null }>(
    `select d.name, d.mime, d.size, d.storage_key, r.request_id
     from documents d
     left join messages m on m.id = d.message_id
     left join lateral (
       select d.request_id where d.request_id is not null
       union select rm.request_id from request_messages rm where rm.message_id = d.message_id
     ) r on true
     where d.id = $1 and d.state = 'stored' and coalesce(m.skip, false) = false`,
    [documentId],
  );
  for (const row of result.rows) {
    if (row.request_id === null) continue;
    try {
      const access = await requestAccessForRead(pool, viewer, Number(row.request_id));
      if (!canSeeDealRoom(access)) continue;
    } catch (error) {
      if (error instanceof NotFoundError) continue;
      throw error;
    }
    return { id: documentId, name: row.name, mime: row.mime ?? 'application/octet-stream', size: Number(row.size), storageKey: row.storage_key };
  }
  throw new NotFoundError('Документ не найден');
}

/**
 * A file name safe for a Content-Disposition header and any file system:
 * no directories, control characters, quotes or reserved characters, and no
 * bidi controls (a right-to-left override shows «invoice\u202Efdp.png» as
 * «invoicegnp.pdf»), lone surrogates become U+FFFD (a Telegram file name may carry one;
 * `encodeURIComponent` throws on it).
 */
export function sanitizeFileName(name: string): string {
  const base = (name.split(/[/\\]/).pop() ?? '')
    .replace(/[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '')
    .toWellFormed();
  const cleaned = [...base]
    .map((char) => (char.charCodeAt(0) < 32 || char.charCodeAt(0) === 127 || '"*:<>?|'.includes(char) ? '_' : char))
    .join('')
    .replace(/^\.+/, '')
    .trim();
  return shortenFileName(cleaned) || 'file';
}

/**
 * A name longer than FILE_NAME_MAX_LENGTH characters, cut in its middle part
 * so that its extension (which decides how the file is checked and opened)
 * survives: `очень-длинное…имя.pdf`. Counts code points, so no emoji or
 * letter is split in half. (Cutting the end made a 250-character `.pdf` a
 * refused «.p» file with a garbled message — issue 16.18.)
 */
export function shortenFileName(name: string, max = FILE_NAME_MAX_LENGTH): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 11 ? name.slice(dot) : '';
  const stem = [...name.slice(0, name.length - extension.length)];
  return `${stem.slice(0, max - [...extension].length - 1).join('').trimEnd()}…${extension}`;
}

/** `attachment; filename="ascii"; filename*=UTF-8''…` for a sanitized name. */
export function contentDisposition(name: string, inline = false): string {
  const safe = sanitizeFileName(name);
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/[%\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(safe)}`;
}
