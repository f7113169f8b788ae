/**
 * Documents in an S3-compatible bucket (`STORAGE_URL=s3://bucket[/prefix]`):
 * AWS S3, or MinIO and the like at `AWS_ENDPOINT_URL` (path-style addressing).
 *
 * The key is the SHA-256 of the bytes, known only at the end of the stream, so
 * `put` first streams the body into a temporary file (hashing, counting and
 * enforcing the size limit on the way), then uploads that file unless the
 * bucket already holds the key. Memory stays flat; the temporary file is gone
 * whatever happens.
 *
 * Failures become `StorageError`s that say what failed where; transient ones
 * (network, 5xx, throttling) are retried a few times first, each upload
 * attempt with a fresh stream of the file.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ConfigError } from '../config.js';
import { checkKey, keyOf, MissingFileError, spool, type PutOptions, type Storage, type StoredFile } from './storage.js';

/** Where and as whom to reach S3 (AWS_REGION, AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). */
export interface S3Settings {
  region: string;
  /** An S3-compatible server instead of AWS; addressed path-style (`<endpoint>/<bucket>/<key>`). */
  endpoint?: string;
  /** Unset: the AWS SDK looks for credentials itself (environment, ~/.aws, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** An S3 call failed; the message names the call, the object and the answer. */
export class StorageError extends Error {
  constructor(
    message: string,
    /** The HTTP status S3 answered, if it answered at all. */
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

interface AwsError {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const ATTEMPTS = 3;

/** The HTTP status of an SDK error, if the server answered. */
function statusOf(error: unknown): number | undefined {
  return (error as AwsError).$metadata?.httpStatusCode;
}

/** "HTTP 403 InvalidAccessKeyId: The AWS Access Key Id …" or "ECONNREFUSED: connect …", without the SDK's placeholders. */
function describe(error: unknown): string {
  const e = error as AwsError;
  const status = statusOf(error);
  const name = e.name && !['Unknown', 'UnknownError', 'Error'].includes(e.name) ? e.name : e.code;
  const message = e.message && e.message !== 'UnknownError' && e.message !== name ? e.message : undefined;
  const label = [status ? `HTTP ${status}` : undefined, name].filter(Boolean).join(' ');
  return [label, message].filter(Boolean).join(': ') || String(error);
}

/** Worth another try: no answer (network), a server error or throttling. */
function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status >= 500 || status === 429 || Boolean((error as AwsError).$retryable);
}

export class S3Storage implements Storage {
  readonly bucket: string;
  /** Prepended to every key (`prefix/ab/cd/<sha256>`), or empty. */
  readonly prefix: string;
  private readonly client: S3Client;

  constructor(
    url: URL,
    private readonly settings: S3Settings,
    /** Where uploads wait while they are hashed. */
    private readonly tmpDir: string,
  ) {
    this.bucket = url.hostname;
    this.prefix = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
    const { region, endpoint, accessKeyId, secretAccessKey } = settings;
    this.client = new S3Client({
      region,
      endpoint,
      forcePathStyle: Boolean(endpoint),
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
      // We retry ourselves: a retried upload needs a fresh stream of the file.
      maxAttempts: 1,
      // Plain checksums only when S3 requires them: many S3-compatible servers refuse the SDK's chunked trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // A silent server fails the call instead of hanging it (idle time, not the whole transfer).
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
      // Failures reach the caller as StorageErrors; the SDK's own console warnings would only repeat them.
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  }

  async put(body: Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<StoredFile> {
    const spooled = await spool(body, this.tmpDir, options.maxBytes);
    try {
      const key = keyOf(spooled.sha256);
      const existed = await this.exists(key);
      if (!existed) {
        await this.call('PutObject', key, () =>
          this.client.send(
            new PutObjectCommand({
              Bucket: this.bucket,
              Key: this.objectKey(key),
              Body: createReadStream(spooled.file),
              ContentLength: spooled.size,
              ContentType: 'application/octet-stream',
            }),
          ),
        );
      }
      return { key, size: spooled.size, sha256: spooled.sha256, head: spooled.head, existed };
    } finally {
      await fs.rm(spooled.file, { force: true });
    }
  }

  async get(key: string): Promise<Readable> {
    checkKey(key);
    try {
      const response = await this.call('GetObject', key, () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })));
      if (!(response.Body instanceof Readable)) throw new StorageError(`${this.where(key)}: GetObject gave no stream`, undefined);
      return response.Body;
    } catch (error) {
      if (error instanceof StorageError && error.status === 404) throw new MissingFileError(key, `bucket ${this.bucket}`);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await this.call('DeleteObject', key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })));
  }

  /** HeadBucket: a missing bucket or refused credentials are settings to fix; anything else may pass. */
  async check(): Promise<void> {
    try {
      await this.call('HeadBucket', undefined, () => this.client.send(new HeadBucketCommand({ Bucket: this.bucket })));
    } catch (error) {
      const cause = (error as StorageError).cause;
      const status = statusOf(cause);
      const at = this.settings.endpoint ? ` at ${this.settings.endpoint}` : ` in AWS region ${this.settings.region}`;
      if (status === 404) throw new ConfigError('STORAGE_URL', `bucket "${this.bucket}" does not exist${at}`, { cause });
      if (status === 401 || status === 403) {
        throw new ConfigError(
          'AWS_ACCESS_KEY_ID',
          `the storage refused access to bucket "${this.bucket}"${at} (HTTP ${status}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that they may list, read, write and delete in the bucket`,
          { cause },
        );
      }
      if (status === 301) {
        const region = (cause as AwsError).$response?.headers?.['x-amz-bucket-region'];
        throw new ConfigError('AWS_REGION', `bucket "${this.bucket}" is in another region${region ? ` (${region})` : ''}`, { cause });
      }
      if (status !== undefined && status < 500 && status !== 408 && status !== 429) {
        throw new ConfigError('STORAGE_URL', `the storage refused bucket "${this.bucket}"${at} (${describe(cause)}): check STORAGE_URL, AWS_REGION and AWS_ENDPOINT_URL`, { cause });
      }
      if ((cause as AwsError).name === 'CredentialsProviderError') {
        throw new ConfigError('AWS_ACCESS_KEY_ID', 'is not set and the AWS SDK found no other credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY', { cause });
      }
      throw error;
    }
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.call('HeadObject', key, () => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })));
      return true;
    } catch (error) {
      if (error instanceof StorageError && error.status === 404) return false;
      throw error;
    }
  }

  /** Runs one S3 call, retrying transient failures; throws a `StorageError` that says what failed. */
  private async call<T>(operation: string, key: string | undefined, run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (attempt < ATTEMPTS && isTransient(error)) {
          await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
          continue;
        }
        const status = statusOf(error);
        const hint = status === 401 || status === 403 ? '; check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and what they may do in the bucket' : '';
        throw new StorageError(`${this.where(key)}: ${operation} failed (${describe(error)})${hint}`, status, { cause: error });
      }
    }
  }

  private objectKey(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private where(key: string | undefined): string {
    return `S3 storage s3://${this.bucket}/${key ? this.objectKey(key) : this.prefix}`.replace(/\/$/, '');
  }
}
