/**
 * File storage for documents: bytes go in and out as streams, never whole in
 * memory. A stored file is addressed by the SHA-256 of its bytes, computed
 * while it streams in, so the same file sent twice is kept once.
 *
 * `STORAGE_URL` picks where: `file:///dir` (a directory, the default under
 * DATA_DIR) or `s3://bucket[/prefix]` (an S3-compatible store, see s3Storage.ts).
 *
 * @example
 * const storage = openStorage(config);
 * const stored = await storage.put(response.body);
 * const bytes = await storage.get(stored.key);
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config.js';
import type { S3Settings } from './s3Storage.js';

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
  /** The stored bytes; `MissingFileError` when nothing is stored under the key. */
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
  /**
   * Whether the storage can be used (checked at start-up): throws `ConfigError`
   * when a setting is wrong, any other error while it cannot be reached.
   */
  check?(): Promise<void>;
}

/** The stream was longer than the caller allowed. */
export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}

/** Nothing is stored under the key (`code` is ENOENT, as for a missing file on disk). */
export class MissingFileError extends Error {
  readonly code = 'ENOENT';

  constructor(readonly key: string, where: string) {
    super(`No stored file ${key} in ${where}`);
    this.name = 'MissingFileError';
  }
}

/** What `openStorage` needs of the settings (the whole `Config` fits). */
export interface StorageSettings {
  /** `file:///dir` or `s3://bucket[/prefix]`. */
  storageUrl: string;
  /** S3 uploads wait in `dataDir/tmp` while they are hashed (default: the system's temp directory). */
  dataDir?: string;
  /** Region, endpoint and credentials for `s3://` (default: us-east-1 and the AWS SDK's own lookup). */
  s3?: S3Settings;
}

const s3Storages = new Map<string, Storage>();

/**
 * Opens the storage `STORAGE_URL` names. S3 storages are opened once per
 * settings and shared (one client, one connection pool).
 */
export function openStorage(settings: string | StorageSettings): Storage {
  const { storageUrl, dataDir, s3 } = typeof settings === 'string' ? { storageUrl: settings } : settings;
  const parsed = new URL(storageUrl);
  if (parsed.protocol === 'file:') return new DiskStorage(fileURLToPath(parsed));
  if (parsed.protocol === 's3:') {
    const id = JSON.stringify([storageUrl, dataDir, s3]);
    let storage = s3Storages.get(id);
    if (!storage) {
      const tmpDir = dataDir ? path.join(dataDir, 'tmp') : path.join(os.tmpdir(), 'hotline-storage');
      storage = lazyS3(parsed, s3 ?? { region: 'us-east-1' }, tmpDir);
      s3Storages.set(id, storage);
    }
    return storage;
  }
  throw new Error(`STORAGE_URL: ${parsed.protocol} storage is not supported; use file:// or s3://`);
}

/**
 * S3 storage that loads the AWS SDK (about 25 MB resident) when it is first
 * used, so a Hotline on disk storage never carries it.
 */
function lazyS3(url: URL, settings: S3Settings, tmpDir: string): Storage {
  let loading: Promise<Storage> | undefined;
  const load = () => (loading ??= import('./s3Storage.js').then(({ S3Storage }) => new S3Storage(url, settings, tmpDir)));
  return {
    put: async (body, options) => (await load()).put(body, options),
    get: async (key) => (await load()).get(key),
    delete: async (key) => (await load()).delete(key),
    check: async () => (await load()).check?.(),
  };
}

/**
 * Waits until the storage answers (start-up): a wrong setting throws its
 * `ConfigError` at once; an unreachable storage is logged and retried, as the
 * database is.
 */
export async function waitForStorage(storage: Storage, log: { warn(message: string): void }, stopping: () => boolean = () => false): Promise<void> {
  if (!storage.check) return;
  for (let attempt = 1; !stopping(); attempt++) {
    try {
      return await storage.check();
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      log.warn(`File storage is not reachable (${(error as Error).message}); retrying in ${Math.round(delay / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** The key of the bytes with this SHA-256: `ab/cd/<sha256>`. */
export function keyOf(sha256: string): string {
  return `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/** Refuses anything that is not a key `put` gave out (no paths from elsewhere). */
export function checkKey(key: string): string {
  if (!/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(key)) throw new Error(`Not a storage key: ${key}`);
  return key;
}

/** A stream written whole to a temporary file, measured on the way. */
export interface Spooled {
  file: string;
  size: number;
  sha256: string;
  head: Buffer;
}

/**
 * Streams `body` into a new file in `dir`, counting, hashing and keeping its
 * head; a stream over `maxBytes` (or any failure) leaves no file behind.
 */
export async function spool(body: Readable | AsyncIterable<Uint8Array>, dir: string, maxBytes?: number): Promise<Spooled> {
  // Stored documents are clients' personal data: owner-only folders and files (issue 16.12).
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  if (!swept.has(dir)) {
    swept.add(dir);
    await sweepLeftovers(dir);
  }
  const file = path.join(dir, randomUUID());
  const measure = new Measure(maxBytes);
  try {
    await pipeline(body, measure, createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    await fs.rm(file, { force: true });
    throw error;
  }
  return { file, size: measure.size, sha256: measure.hash.digest('hex'), head: measure.head() };
}

/** Spool directories already cleared of an earlier process's leftovers. */
const swept = new Set<string>();

/** A spooled file this old belongs to a process that died mid-upload. */
export const LEFTOVER_AGE_MS = 60 * 60 * 1000;

/** Deletes spooled files a crashed process left behind (older than `LEFTOVER_AGE_MS`). */
async function sweepLeftovers(dir: string): Promise<void> {
  const now = Date.now();
  for (const name of await fs.readdir(dir).catch(() => [])) {
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => undefined);
    if (stat?.isFile() && now - stat.mtimeMs > LEFTOVER_AGE_MS) await fs.rm(file, { force: true }).catch(() => undefined);
  }
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
    const spooled = await spool(body, path.join(this.root, 'tmp'), options.maxBytes);
    const key = keyOf(spooled.sha256);
    const target = this.pathOf(key);
    let existed = false;
    try {
      await fs.access(target);
      existed = true;
      await fs.rm(spooled.file, { force: true });
    } catch {
      await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await fs.rename(spooled.file, target);
    }
    return { key, size: spooled.size, sha256: spooled.sha256, head: spooled.head, existed };
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      await fs.access(file);
    } catch {
      throw new MissingFileError(key, this.root);
    }
    return createReadStream(file);
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    return path.join(this.root, checkKey(key));
  }
}
