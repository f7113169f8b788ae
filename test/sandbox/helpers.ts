/**
 * A fresh emulator with one bot for each test, and grammY pointed at it the
 * way production points it at Telegram: only `client.apiRoot` differs.
 */
import { Bot } from 'grammy';
import { startEmulator, type StartedEmulator } from '../../src/sandbox/standalone.js';

export const TOKEN = '7000000001:AAHotlineTestTokenForTheSandbox';

export interface Sandbox extends StartedEmulator {
  bot: Bot;
  botId: number;
}

export async function startSandbox(options: Parameters<typeof startEmulator>[0] = {}): Promise<Sandbox> {
  const started = await startEmulator(options);
  const botUser = started.emulator.createBot({ token: TOKEN, username: 'hotline_test_bot', firstName: 'Hotline' });
  const bot = new Bot(TOKEN, { client: { apiRoot: started.apiRoot } });
  return { ...started, bot, botId: botUser.id };
}

/** Starts grammY's long polling and resolves once it runs. */
export function startPolling(bot: Bot): Promise<void> {
  return new Promise((resolve, reject) => {
    bot.start({ timeout: 10, onStart: () => resolve() }).catch(reject);
  });
}

/** A 1×1 PNG, so photo sizes have real dimensions. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
