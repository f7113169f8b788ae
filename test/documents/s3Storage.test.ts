/**
 * Documents in S3 (`STORAGE_URL=s3://bucket`), against a real S3-protocol
 * server (s3rver): the storage itself — streamed round trip, one object per
 * content, size limit, delete, missing keys, refused credentials, a missing
 * bucket, a server that is down — the settings, and Hotline on it: a
 * client's file and a platform upload are stored in the bucket and download
 * with the same bytes, a file sent while the storage is down is stored once it
 * is back, and a missing bucket stops start-up with one line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startHotline } from '../../src/main.js';
import { FileTooLargeError, MissingFileError, openStorage, waitForStorage, type Storage } from '../../src/documents/storage.js';
import { StorageError, type S3Settings } from '../../src/documents/s3Storage.js';
import { tempDir } from '../helpers/database.js';
import { BOT_TOKEN, startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';
import { acceptDeal, PDF } from './helpers.js';

const BUCKET = 'hotline';
/** s3rver's built-in account. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** An S3 server on `port` (0: any) keeping its objects in `directory`. */
async function startS3(directory: string, port = 0): Promise<{ server: S3rver; endpoint: string; port: number }> {
  const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: BUCKET }] });
  const address = await server.run();
  return { server, endpoint: `http://127.0.0.1:${address.port}`, port: address.port };
}

/** A port nothing listens on (taken and released at once). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The keys in the bucket, as another S3 client sees them. */
async function objectKeys(endpoint: string): Promise<string[]> {
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: CREDENTIALS });
  const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  client.destroy();
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

/** `size` pseudo-random bytes in 64 KB chunks, and their SHA-256. */
function randomStream(size: number): { stream: Readable; sha256: string; head: Buffer } {
  const bytes = randomBytes(size);
  const chunks: Buffer[] = [];
  for (let at = 0; at < size; at += 64 * 1024) chunks.push(bytes.subarray(at, at + 64 * 1024));
  return { stream: Readable.from(chunks), sha256: createHash('sha256').update(bytes).digest('hex'), head: bytes.subarray(0, 4100) };
}

async function sha256Of(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

const root = tempDir('hotline-s3-');
let s3: Awaited<ReturnType<typeof startS3>>;
let settings: S3Settings;
let dataDir: string;
let storage: Storage;
const tmpFiles = () => (fs.existsSync(path.join(dataDir, 'tmp')) ? fs.readdirSync(path.join(dataDir, 'tmp')) : []);

beforeAll(async () => {
  s3 = await startS3(path.join(root, 's3'));
  settings = { region: 'us-east-1', endpoint: s3.endpoint, ...CREDENTIALS };
  dataDir = path.join(root, 'data');
  storage = openStorage({ storageUrl: `s3://${BUCKET}/docs`, dataDir, s3: settings });
});
afterAll(async () => {
  await s3?.server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('S3 storage', () => {
  it('streams 6 MB in and out: same bytes, size, SHA-256 and head; one object under the prefix', async () => {
    const sent = randomStream(6 * 1024 * 1024 + 123);
    const stored = await storage.put(sent.stream, { maxBytes: 20 * 1024 * 1024 });
    expect(stored).toMatchObject({ key: `${sent.sha256.slice(0, 2)}/${sent.sha256.slice(2, 4)}/${sent.sha256}`, size: 6 * 1024 * 1024 + 123, sha256: sent.sha256, existed: false });
    expect(stored.head.equals(sent.head)).toBe(true);
    expect(await sha256Of(await storage.get(stored.key))).toEqual({ sha256: sent.sha256, size: stored.size });
    expect(await objectKeys(s3.endpoint)).toContain(`docs/${stored.key}`);
    expect(tmpFiles()).toEqual([]);
  });

  it('the same bytes twice are one object', async () => {
    const before = await objectKeys(s3.endpoint);
    const first = await storage.put(Readable.from([Buffer.from('один и тот же файл')]));
    const second = await storage.put(Readable.from([Buffer.from('один и тот '), Buffer.from('же файл')]));
    expect(first.existed).toBe(false);
    expect(second).toMatchObject({ key: first.key, existed: true });
    expect(await objectKeys(s3.endpoint)).toEqual([...before, `docs/${first.key}`].sort());
    expect(tmpFiles()).toEqual([]);
  });

  it('a stream over the limit is refused: no object, no temporary file', async () => {
    const before = await objectKeys(s3.endpoint);
    await expect(storage.put(randomStream(300_000).stream, { maxBytes: 200_000 })).rejects.toBeInstanceOf(FileTooLargeError);
    expect(await objectKeys(s3.endpoint)).toEqual(before);
    expect(tmpFiles()).toEqual([]);
  });

  it('delete removes the object; a missing key reads as missing, like a missing file on disk', async () => {
    const stored = await storage.put(Readable.from([Buffer.from('удалить')]));
    await storage.delete(stored.key);
    expect(await objectKeys(s3.endpoint)).not.toContain(`docs/${stored.key}`);
    await expect(storage.get(stored.key)).rejects.toBeInstanceOf(MissingFileError);
    await expect(storage.get(stored.key)).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.delete(stored.key);
    await expect(storage.get('../../etc/passwd')).rejects.toThrow('Not a storage key');
  });

  it('refused credentials: a clear error, nothing left behind; at start-up a setting to fix', async () => {
    const wrong = openStorage({ storageUrl: `s3://${BUCKET}`, dataDir, s3: { ...settings, accessKeyId: 'WRONG', secretAccessKey: 'wrong' } });
    const failed = wrong.put(Readable.from([Buffer.from('не пустят')]));
    await expect(failed).rejects.toBeInstanceOf(StorageError);
    await expect(failed).rejects.toThrow(/^S3 storage s3:\/\/hotline\/[0-9a-f/]+: HeadObject failed \(HTTP 403\); check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and what they may do in the bucket$/);
    expect(tmpFiles()).toEqual([]);
    await expect(wrong.check!()).rejects.toThrow(
      new ConfigError('AWS_ACCESS_KEY_ID', `the storage refused access to bucket "hotline" at ${s3.endpoint} (HTTP 403): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that they may list, read, write and delete in the bucket`),
    );
  });

  it('a missing bucket: the upload fails saying so; at start-up a setting to fix', async () => {
    const missing = openStorage({ storageUrl: 's3://no-such-bucket', dataDir, s3: settings });
    await expect(missing.put(Readable.from([Buffer.from('некуда')]))).rejects.toThrow(/PutObject failed \(HTTP 404 NoSuchBucket: The specified bucket does not exist\)/);
    await expect(missing.check!()).rejects.toThrow(`Setting STORAGE_URL: bucket "no-such-bucket" does not exist at ${s3.endpoint}`);
    expect(tmpFiles()).toEqual([]);
  });

  it('a server that is down: calls fail saying so; start-up waits for it and goes on when it is back', async () => {
    const port = await freePort();
    const down = openStorage({ storageUrl: `s3://${BUCKET}`, dataDir, s3: { ...settings, endpoint: `http://127.0.0.1:${port}` } });
    await expect(down.put(Readable.from([Buffer.from('позже')]))).rejects.toThrow(/HeadObject failed \(ECONNREFUSED/);
    expect(tmpFiles()).toEqual([]);

    const warnings: string[] = [];
    let later: Awaited<ReturnType<typeof startS3>> | undefined;
    const waiting = waitForStorage(down, {
      warn: (message) => {
        warnings.push(message);
        if (warnings.length === 1) void startS3(path.join(root, 's3-later'), port).then((started) => (later = started));
      },
    });
    await waiting;
    await later?.server.close();
    expect(warnings[0]).toMatch(/^File storage is not reachable \(S3 storage s3:\/\/hotline: HeadBucket failed \(ECONNREFUSED: .*\)\); retrying in \d+ s$/);
  });
});

describe('storage settings', () => {
  const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: root, ...env }, { dotEnvFile: false });

  it('s3://bucket/prefix with the AWS variables; the region defaults to us-east-1', () => {
    expect(load({ STORAGE_URL: 's3://hotline-files/prod', AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 'secret' })).toMatchObject({
      storageUrl: 's3://hotline-files/prod',
      s3: { region: 'us-east-1', endpoint: undefined, accessKeyId: 'AKIA1', secretAccessKey: 'secret' },
    });
    expect(load({ STORAGE_URL: 's3://hotline', AWS_REGION: 'eu-central-1', AWS_ENDPOINT_URL: 'http://minio:9000' }).s3).toMatchObject({ region: 'eu-central-1', endpoint: 'http://minio:9000' });
  });

  it.each([
    [{ STORAGE_URL: 's3://Hotline_Files' }, 'Setting STORAGE_URL: must be s3://bucket or s3://bucket/prefix with a valid bucket name (3–63 lowercase letters, digits, dots and hyphens)'],
    [{ STORAGE_URL: 's3:///files' }, 'Setting STORAGE_URL: must be s3://bucket or s3://bucket/prefix with a valid bucket name (3–63 lowercase letters, digits, dots and hyphens)'],
    [{ AWS_ENDPOINT_URL: 'minio:9000' }, 'Setting AWS_ENDPOINT_URL: must be a URL starting with http:// or https://'],
    [{ AWS_REGION: 'EU Central' }, 'Setting AWS_REGION: must be a region name like eu-central-1'],
    [{ AWS_ACCESS_KEY_ID: 'AKIA1' }, 'Setting AWS_SECRET_ACCESS_KEY: is required when AWS_ACCESS_KEY_ID is set'],
    [{ AWS_SECRET_ACCESS_KEY: 'secret' }, 'Setting AWS_ACCESS_KEY_ID: is required when AWS_SECRET_ACCESS_KEY is set'],
  ])('%o → %s', (env, message) => {
    expect(() => load(env)).toThrow(message);
  });
});

describe('Hotline on S3 storage', () => {
  let t: TelegramWorld;
  const env = () => ({ STORAGE_URL: `s3://${BUCKET}`, AWS_ENDPOINT_URL: s3.endpoint, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey });
  let deal: Awaited<ReturnType<typeof acceptDeal>>;
  let clientId: number;

  beforeAll(async () => {
    t = await startTelegramWorld({ env: env() });
    const client = await t.newClient('Облако');
    clientId = client.id;
    await t.control.sendMessage({ from: client.id, text: 'Пришлю договор' });
    const topic = await t.waitForTopic(client, { minCount: 2 });
    deal = await acceptDeal(t, topic.threadId);
  });
  afterAll(async () => {
    await t?.stop();
  });

  interface Listed {
    id: number;
    name: string;
    state: string;
  }
  const listed = async () => (await deal.manager.get(`/api/requests/${deal.requestId}/documents`)).body as Listed[];
  const download = async (id: number) => {
    const response = await fetch(`${t.hotline.url}/api/documents/${id}/download`, { headers: { cookie: deal.manager.cookie } });
    return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
  };
  const pdf = (text: string) => Buffer.concat([PDF, Buffer.from(`% ${text}\n`)]);
  const keyOf = (bytes: Buffer) => {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  };

  it("a client's file and a platform upload are stored in the bucket and download with the same bytes", async () => {
    const contract = pdf('договор');
    await t.control.sendMessage({ from: clientId, media: { type: 'document', base64: contract.toString('base64'), file_name: 'Договор.pdf', mime_type: 'application/pdf' } });
    await expect.poll(async () => (await listed()).map((d) => `${d.name} ${d.state}`), { timeout: 20_000 }).toEqual(['Договор.pdf stored']);

    const invoice = pdf('счёт');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(invoice)], { type: 'application/pdf' }), 'Счёт.pdf');
    const uploaded = await fetch(`${t.hotline.url}/api/requests/${deal.requestId}/documents`, {
      method: 'POST',
      headers: { cookie: deal.manager.cookie, 'x-csrf-token': deal.manager.csrfToken },
      body: form,
    });
    expect(uploaded.status).toBe(200);

    const documents = await listed();
    expect(documents.map((d) => `${d.name} ${d.state}`)).toEqual(['Договор.pdf stored', 'Счёт.pdf stored']);
    expect(await download(documents[0]!.id)).toEqual({ status: 200, bytes: contract });
    expect(await download(documents[1]!.id)).toEqual({ status: 200, bytes: invoice });
    expect(await objectKeys(s3.endpoint)).toEqual(expect.arrayContaining([keyOf(contract), keyOf(invoice)]));
    // Nothing went to disk: no files directory, no temporary file left.
    expect(fs.existsSync(path.join(t.database.dataDir, 'files'))).toBe(false);
    expect(fs.readdirSync(path.join(t.database.dataDir, 'tmp'))).toEqual([]);
  });

  it('a file sent while the storage is down waits as "pending" and is stored once the storage is back', async () => {
    await s3.server.close();
    const scan = pdf('скан при отключённом хранилище');
    await t.control.sendMessage({ from: clientId, media: { type: 'document', base64: scan.toString('base64'), file_name: 'Скан.pdf', mime_type: 'application/pdf' } });
    await expect.poll(async () => (await listed()).map((d) => `${d.name} ${d.state}`), { timeout: 20_000 }).toContain('Скан.pdf pending');
    // Its download job fails meanwhile (storage unreachable); the queue keeps it for a retry.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await listed()).find((d) => d.name === 'Скан.pdf')!.state).toBe('pending');

    s3 = await startS3(path.join(root, 's3'), s3.port);
    await expect.poll(async () => (await listed()).find((d) => d.name === 'Скан.pdf')!.state, { timeout: 30_000 }).toBe('stored');
    expect(await download((await listed()).find((d) => d.name === 'Скан.pdf')!.id)).toEqual({ status: 200, bytes: scan });
  });

  it('a missing bucket stops start-up with one line naming STORAGE_URL', async () => {
    const config = loadConfig(
      {
        DATA_DIR: tempDir(),
        PORT: '0',
        HOST: '127.0.0.1',
        TELEGRAM_BOT_TOKEN: BOT_TOKEN,
        TELEGRAM_API_ROOT: t.emulator.apiRoot,
        TELEGRAM_MANAGERS_CHAT_ID: String(t.group),
        ...env(),
        STORAGE_URL: 's3://missing-bucket',
      },
      { dotEnvFile: false },
    );
    const hotline = await startHotline(config, { log: pino({ level: 'silent' }) });
    await expect(hotline.started).rejects.toThrow(new ConfigError('STORAGE_URL', `bucket "missing-bucket" does not exist at ${s3.endpoint}`));
    await hotline.stop();
    fs.rmSync(config.dataDir, { recursive: true, force: true });
  });
});
