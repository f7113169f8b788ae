/**
 * Sandbox mode: no TELEGRAM_BOT_TOKEN, so Hotline plays Telegram itself. The
 * emulator is served by the app under `/tg`, and the production bot code runs
 * against it — only the API root differs. First start seeds a forum
 * supergroup «Менеджеры» with the bot as admin, one manager and two sample
 * clients; the emulator's snapshot in DATA_DIR keeps them across restarts.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Chat } from '@grammyjs/types';
import { TelegramEmulator } from './emulator.js';

/** The sandbox bot's id: the numeric part of its token, as in Telegram. */
const SANDBOX_BOT_ID = 7000000001;
/** The token every sandbox had before it was made random (issue 16.1): a snapshot that still has it gets a new one. */
const LEGACY_TOKEN = '7000000001:SANDBOXsandboxSANDBOXsandbox000';
export const SANDBOX_API_PREFIX = '/tg';

/** A token of Telegram's shape (`<bot id>:<35 characters>`) with 256 random bits, never a constant of the source. */
function randomToken(): string {
  return `${SANDBOX_BOT_ID}:AA${randomBytes(32).toString('base64url')}`;
}

export interface SandboxWorld {
  emulator: TelegramEmulator;
  token: string;
  managersChatId: number;
  managerId: number;
  clientIds: number[];
}

/** Opens the emulator on `dataDir/sandbox.json` and makes sure the cast exists. */
export function openSandbox(dataDir: string): SandboxWorld {
  const emulator = new TelegramEmulator({ snapshotFile: path.join(dataDir, 'sandbox.json') });
  // The token lives in the snapshot (DATA_DIR/sandbox.json, owner-only) so the bot's updates and files survive restarts.
  const saved = emulator.bots.get(SANDBOX_BOT_ID);
  if (saved && saved.token === LEGACY_TOKEN) emulator.revokeToken(SANDBOX_BOT_ID, randomToken());
  const token = saved?.token ?? randomToken();
  const bot = emulator.createBot({ token, username: 'hotline_sandbox_bot', firstName: 'Hotline' });
  const users = [...emulator.users.values()].filter((u) => !u.is_bot);
  const manager = users.find((u) => u.username === 'manager') ?? emulator.createUser({ first_name: 'Мария', last_name: 'Менеджер', username: 'manager', language_code: 'ru' });
  let clients = users.filter((u) => u.id !== manager.id);
  if (clients.length === 0) {
    clients = [
      emulator.createUser({ first_name: 'Иван', last_name: 'Петров', username: 'ivan_petrov', language_code: 'ru' }),
      emulator.createUser({ first_name: 'Li', last_name: 'Wei', username: 'li_wei_trade', language_code: 'en' }),
    ];
  }
  const groups = [...emulator.chats.values()].map((c) => c.chat).filter((c): c is Chat.SupergroupChat => c.type === 'supergroup');
  const group = groups.find((c) => c.title === 'Менеджеры') ?? emulator.createGroup({ title: 'Менеджеры', memberIds: [manager.id], botIds: [bot.id] }).chat;
  return { emulator, token: emulator.bots.get(bot.id)!.token, managersChatId: group.id, managerId: manager.id, clientIds: clients.map((c) => c.id) };
}
