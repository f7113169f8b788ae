/**
 * The emulator's state on disk: one JSON file, written atomically (a
 * temporary file renamed over the old one) so a crash mid-write leaves the
 * previous snapshot intact, and the files' bytes beside it in
 * `<snapshot>.files/`, each written once, so a save does not rewrite them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BotCommand, User, UserFromGetMe } from '@grammyjs/types';
import type { ChatSnapshot } from './chat.js';
import type { FileStore } from './files.js';
import type { UpdateQueue } from './updates.js';
import type { WebhookConfig } from './webhook.js';

export interface Snapshot {
  version: 1;
  users: User[];
  bots: Array<{
    user: UserFromGetMe;
    token: string;
    queue: ReturnType<UpdateQueue['toJSON']>;
    webhook?: WebhookConfig;
    commands: Array<[string, BotCommand[]]>;
    settings: Array<[string, string]>;
  }>;
  chats: ChatSnapshot[];
  files: ReturnType<FileStore['toJSON']>;
  nextUserId: number;
  nextGroupSeq: number;
  nextCallbackId: number;
  eventSeq: number;
}

const blobDir = (file: string): string => `${file}.files`;

/** Read once at start-up, so synchronously. */
export function readSnapshot(file: string): { snapshot: Snapshot; readBlob: (key: string) => Buffer | undefined } | undefined {
  if (!fs.existsSync(file)) return undefined;
  const snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const readBlob = (key: string) => {
    const blob = path.join(blobDir(file), key);
    return fs.existsSync(blob) ? fs.readFileSync(blob) : undefined;
  };
  return { snapshot, readBlob };
}

export class SnapshotWriter {
  /** Blobs already on disk, so each is written once. */
  private readonly written = new Set<string>();

  /** Saves run one after another: two overlapping ones would share the temporary file. */
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  write(snapshot: Snapshot, blobs: ReadonlyMap<string, Buffer>): Promise<void> {
    this.last = this.last.catch(() => undefined).then(() => this.writeNow(snapshot, blobs));
    return this.last;
  }

  private async writeNow(snapshot: Snapshot, blobs: ReadonlyMap<string, Buffer>): Promise<void> {
    const dir = blobDir(this.file);
    // Owner-only: the snapshot holds every chat, every client's file and the bot's token (issue 16.12).
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    if (!this.written.size) for (const name of await fs.promises.readdir(dir)) this.written.add(name);
    for (const [key, bytes] of blobs) {
      if (this.written.has(key)) continue;
      await fs.promises.writeFile(path.join(dir, key), bytes, { mode: 0o600 });
      this.written.add(key);
    }
    const temporary = `${this.file}.tmp`;
    await fs.promises.writeFile(temporary, JSON.stringify(snapshot), { mode: 0o600 });
    await fs.promises.rename(temporary, this.file);
    // Blobs of files forgotten since (a reset) go only after the snapshot stops naming them.
    for (const key of this.written) {
      if (blobs.has(key)) continue;
      await fs.promises.rm(path.join(dir, key), { force: true });
      this.written.delete(key);
    }
  }
}
