/**
 * File storage for documents: bytes go in and out as streams, never whole in
 * memory. A stored file is addressed by the SHA-256 of its bytes, computed
 * while it streams in, so the same file sent twice is kept once.
 *
 * @example
 * const storage = openStorage(config.storageUrl);
 * const stored = await storage.put(response.body);
 * const bytes = await storage.get(stored.key);
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

/** How many leading bytes `put` keeps for type sniffing (what file-type needs). */
export const HEAD_BYTES = 4100;

export interface StoredFile {
  /** Where the bytes are: pass it to `get` and `delete`. */
  key: string;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  /** The first bytes of the file, for sniffing its type. */
  head: Buffer;
  /** True when the same bytes were already stored (nothing was written). */
  existed: boolean;
}

export interface PutOptions {
  /** Refuse (with `FileTooLargeError`) a stream longer than this. */
  maxBytes?: number;
}

export interface Storage {
  put(body: Readable | AsyncIterable<Uint8Array>, options?: PutOptions): Promise<StoredFile>;
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
}

/** The stream was longer than the caller allowed. */
export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}

/** Opens the storage a `STORAGE_URL` names (`file:///dir`; S3 is not implemented yet). */
export function openStorage(url: string): Storage {
  const parsed = new URL(url);
  if (parsed.protocol === 'file:') return new DiskStorage(fileURLToPath(parsed));
  throw new Error(`STORAGE_URL: ${parsed.protocol} storage is not supported yet; use file://`);
}

/** Counts, hashes and keeps the head of whatever streams through it. */
class Measure extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;

  constructor(private readonly maxBytes?: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void) {
    this.size += chunk.length;
    if (this.maxBytes !== undefined && this.size > this.maxBytes) return done(new FileTooLargeError(this.maxBytes));
    this.hash.update(chunk);
    if (this.headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headLength);
      this.headChunks.push(Buffer.from(part));
      this.headLength += part.length;
    }
    done(null, chunk);
  }

  head(): Buffer {
    return Buffer.concat(this.headChunks);
  }
}

/** Files under one directory: `ab/cd/<sha256>`; partial writes live in `tmp/` until complete. */
export class DiskStorage implements Storage {
  constructor(readonly root: string) {}

  async put(body: Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<StoredFile> {
    const tmpDir = path.join(this.root, 'tmp');
    await fs.mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, randomUUID());
    const measure = new Measure(options.maxBytes);
    try {
      await pipeline(body, measure, createWriteStream(tmp));
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
    const sha256 = measure.hash.digest('hex');
    const key = `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
    const target = this.pathOf(key);
    let existed = false;
    try {
      await fs.access(target);
      existed = true;
      await fs.rm(tmp, { force: true });
    } catch {
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rename(tmp, target);
    }
    return { key, size: measure.size, sha256, head: measure.head(), existed };
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    await fs.access(file);
    return createReadStream(file);
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    if (!/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(key)) throw new Error(`Not a storage key: ${key}`);
    return path.join(this.root, key);
  }
}
