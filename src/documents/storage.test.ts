import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { pathToFileURL } from 'node:url';
import { FileTooLargeError, openStorage } from './storage.js';

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'hotline-storage-'));
const storage = openStorage(pathToFileURL(root).href);
afterAll(() => fs.rm(root, { recursive: true, force: true }));

describe('disk storage', () => {
  it('stores a stream and gives the same bytes back, with size and SHA-256', async () => {
    const chunks = ['Счёт ', 'на ', 'оплату'];
    const stored = await storage.put(Readable.from(chunks.map((c) => Buffer.from(c))));
    const bytes = Buffer.from(chunks.join(''));
    expect(stored).toMatchObject({ size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), existed: false });
    expect(stored.head.equals(bytes)).toBe(true);
    expect(await text(await storage.get(stored.key))).toBe(chunks.join(''));
  });

  it('the same bytes twice are kept once', async () => {
    const first = await storage.put(Readable.from([Buffer.from('same file')]));
    const second = await storage.put(Readable.from([Buffer.from('same '), Buffer.from('file')]));
    expect(second.key).toBe(first.key);
    expect(second.existed).toBe(true);
    expect(await fs.readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('a stream over the limit is refused and leaves nothing behind', async () => {
    await expect(storage.put(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxBytes: 1000 })).rejects.toBeInstanceOf(FileTooLargeError);
    expect(await fs.readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('delete removes the file; keys that are not ours are refused', async () => {
    const stored = await storage.put(Readable.from([Buffer.from('to delete')]));
    await storage.delete(stored.key);
    await expect(storage.get(stored.key)).rejects.toThrow();
    await expect(storage.get('../../etc/passwd')).rejects.toThrow('Not a storage key');
  });
});

describe('leftovers of a crashed upload', () => {
  it('the first upload of a process clears spooled files older than an hour and keeps fresh ones', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hotline-storage-left-'));
    try {
      await fs.mkdir(path.join(dir, 'tmp'));
      const old = path.join(dir, 'tmp', 'crashed-upload');
      const fresh = path.join(dir, 'tmp', 'upload-in-progress');
      await fs.writeFile(old, 'half a file');
      await fs.writeFile(fresh, 'another instance is writing this');
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
      await fs.utimes(old, twoHoursAgo, twoHoursAgo);
      await openStorage(pathToFileURL(dir).href).put(Readable.from([Buffer.from('new file')]));
      expect(await fs.readdir(path.join(dir, 'tmp'))).toEqual(['upload-in-progress']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
