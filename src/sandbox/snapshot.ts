/**
 * The emulator's state on disk: one JSON file, written atomically (a
 * temporary file renamed over the old one) so a crash mid-write leaves the
 * previous snapshot intact.
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

/** Read once at start-up, so synchronously. */
export function readSnapshot(file: string): Snapshot | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
}

export async function writeSnapshot(file: string, snapshot: Snapshot): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  await fs.promises.writeFile(temporary, JSON.stringify(snapshot));
  await fs.promises.rename(temporary, file);
}
