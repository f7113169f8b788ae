/**
 * Uploaded and generated files. Each Telegram file object (every PhotoSize of
 * a photo too) gets its own file_id and file_unique_id; the bytes live once in
 * a blob that several file objects may share, since the emulator does not
 * really resize photos.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export type MediaKind = 'photo' | 'document' | 'video' | 'voice' | 'audio' | 'video_note' | 'sticker' | 'animation';

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  kind: MediaKind;
  /** What getFile answers, e.g. `documents/file_12.pdf`. */
  file_path: string;
  file_size: number;
  blob: string;
  file_name?: string;
  mime_type?: string;
  /** Photo sizes and videos carry their dimensions. */
  width?: number;
  height?: number;
}

/** Telegram lets bots download files up to 20 MB through getFile. */
export const DOWNLOAD_LIMIT = 20 * 1024 * 1024;
/** …and upload up to 50 MB. */
export const UPLOAD_LIMIT = 50 * 1024 * 1024;

const FOLDERS: Record<MediaKind, string> = {
  photo: 'photos',
  document: 'documents',
  video: 'videos',
  voice: 'voice',
  audio: 'music',
  video_note: 'video_notes',
  sticker: 'stickers',
  animation: 'animations',
};

const DEFAULT_EXT: Record<MediaKind, string> = {
  photo: 'jpg',
  document: 'dat',
  video: 'mp4',
  voice: 'oga',
  audio: 'mp3',
  video_note: 'mp4',
  sticker: 'webp',
  animation: 'mp4',
};

const MIME_BY_EXT: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  xml: 'application/xml',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
};

const DEFAULT_MIME: Partial<Record<MediaKind, string>> = {
  video: 'video/mp4',
  voice: 'audio/ogg',
  audio: 'audio/mpeg',
  video_note: 'video/mp4',
  animation: 'video/mp4',
};

/** Telegram derives a document's MIME type from its name when the upload says octet-stream. */
export function guessMime(kind: MediaKind, fileName: string | undefined, declared: string | undefined): string | undefined {
  if (declared && declared !== 'application/octet-stream') return declared;
  const ext = fileName ? path.extname(fileName).slice(1).toLowerCase() : '';
  return MIME_BY_EXT[ext] ?? DEFAULT_MIME[kind] ?? (kind === 'document' ? 'application/octet-stream' : undefined);
}

/** Whether the bytes start like a PNG, JPEG, GIF, WebP or BMP picture. */
export function isImage(bytes: Buffer): boolean {
  if (bytes.length < 12) return false;
  if (bytes.readUInt32BE(0) === 0x89504e47) return true;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return true;
  const head = bytes.subarray(0, 12).toString('latin1');
  return head.startsWith('GIF8') || (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') || head.startsWith('BM');
}

/** Reads width and height from PNG or JPEG headers; other bytes get a plausible default. */
export function imageSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length > 24 && bytes.readUInt32BE(0) === 0x89504e47) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    for (let i = 2; i + 9 < bytes.length; ) {
      if (bytes[i] !== 0xff) break;
      const marker = bytes[i + 1]!;
      const length = bytes.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xc3) return { width: bytes.readUInt16BE(i + 7), height: bytes.readUInt16BE(i + 5) };
      i += 2 + length;
    }
  }
  return { width: 1280, height: 960 };
}

const newId = (prefix: string, bytes: number): string => prefix + randomBytes(bytes).toString('base64url');

export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private readonly blobs = new Map<string, Buffer>();
  private readonly sets = new Map<string, StoredFile[]>();
  private seq = 0;

  /** Stores bytes once; each of `sizes` becomes its own file object over them (photo sizes). */
  add(
    bytes: Buffer,
    kind: MediaKind,
    meta: { file_name?: string; mime_type?: string } = {},
    sizes: Array<{ width: number; height: number }> = [],
  ): StoredFile[] {
    const blob = newId('b', 9);
    this.blobs.set(blob, bytes);
    const ext = (meta.file_name && path.extname(meta.file_name).slice(1)) || DEFAULT_EXT[kind];
    const made: StoredFile[] = [];
    for (let v = 0; v < Math.max(1, sizes.length); v++) {
      const file: StoredFile = {
        file_id: newId(kind === 'photo' ? 'AgACAgIAAxk' : 'BQACAgIAAxk', 24),
        file_unique_id: newId('AQAD', 8),
        kind,
        file_path: `${FOLDERS[kind]}/file_${this.seq++}.${ext}`,
        file_size: bytes.length,
        blob,
      };
      if (meta.file_name) file.file_name = meta.file_name;
      const mime = guessMime(kind, meta.file_name, meta.mime_type);
      if (mime) file.mime_type = mime;
      if (sizes[v]) Object.assign(file, sizes[v]);
      this.index(file);
      made.push(file);
    }
    return made;
  }

  get(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  /** All sizes of the photo `file` belongs to, smallest first. */
  photoSet(file: StoredFile): StoredFile[] {
    return this.sets.get(file.blob) ?? [file];
  }

  getByPath(filePath: string): StoredFile | undefined {
    return this.byPath.get(filePath);
  }

  bytes(file: StoredFile): Buffer {
    return this.blobs.get(file.blob) ?? Buffer.alloc(0);
  }

  clear(): void {
    this.files.clear();
    this.byPath.clear();
    this.blobs.clear();
    this.sets.clear();
  }

  /** Every blob by key; the snapshot writes each to its own file once. */
  get blobEntries(): ReadonlyMap<string, Buffer> {
    return this.blobs;
  }

  toJSON(): { seq: number; files: StoredFile[] } {
    return { seq: this.seq, files: [...this.files.values()] };
  }

  load(data: ReturnType<FileStore['toJSON']>, readBlob: (key: string) => Buffer | undefined): void {
    this.clear();
    this.seq = data.seq;
    for (const file of data.files) {
      if (!this.blobs.has(file.blob)) this.blobs.set(file.blob, readBlob(file.blob) ?? Buffer.alloc(0));
      this.index(file);
    }
  }

  private index(file: StoredFile): void {
    this.files.set(file.file_id, file);
    this.byPath.set(file.file_path, file);
    const set = this.sets.get(file.blob);
    if (set) set.push(file);
    else this.sets.set(file.blob, [file]);
  }
}
