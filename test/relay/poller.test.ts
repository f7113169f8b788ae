/**
 * The long-polling loop (src/telegram/poller.ts) against the emulator, whose
 * getUpdates keeps an update until an offset above it confirms it, as
 * Telegram does: a slow update holds up its own chat only; an update that
 * fails is delivered again, with its chat's later ones, in order; nothing is
 * confirmed before it is applied.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Bot } from 'grammy';
import { Poller } from '../../src/telegram/poller.js';
import type { HotlineContext } from '../../src/telegram/context.js';
import { startSandbox, type Sandbox } from '../sandbox/helpers.js';

let sandbox: Sandbox | undefined;
let poller: Poller | undefined;
afterEach(async () => {
  await poller?.stop();
  await sandbox?.close();
  poller = undefined;
  sandbox = undefined;
});

async function world() {
  sandbox = await startSandbox();
  const bot = sandbox.bot as unknown as Bot<HotlineContext>;
  await bot.init();
  const anna = sandbox.emulator.createUser({ first_name: 'Анна' });
  const boris = sandbox.emulator.createUser({ first_name: 'Борис' });
  const write = (from: number, text: string) => sandbox!.control.sendMessage({ from, text });
  return { bot, anna: anna.id, boris: boris.id, write };
}

function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) resolve();
      else if (Date.now() > deadline) reject(new Error('timed out'));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

describe('the poller', () => {
  it('a slow update holds up its own chat, not another client’s message', async () => {
    const { bot, anna, boris, write } = await world();
    const applied: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    bot.use(async (c) => {
      if (c.message?.text === 'медленно') await held;
      applied.push(`${c.from!.first_name}: ${c.message?.text}`);
    });
    poller = new Poller(bot, pino({ level: 'silent' }), { timeoutSeconds: 1 });
    poller.start();

    await write(anna, 'медленно');
    await write(anna, 'после');
    await write(boris, 'здравствуйте');
    await until(() => applied.includes('Борис: здравствуйте'));
    // Anna's chat waits for her first message, in order.
    expect(applied).toEqual(['Борис: здравствуйте']);
    // Nothing past the slow update is confirmed: it is still Telegram's to deliver.
    expect(sandbox!.emulator.bot(sandbox!.botId)!.queue.first()?.message?.text).toBe('медленно');

    release();
    await until(() => applied.length === 3);
    expect(applied).toEqual(['Борис: здравствуйте', 'Анна: медленно', 'Анна: после']);
    await until(() => sandbox!.emulator.bot(sandbox!.botId)!.queue.size === 0);
  });

  it('an update that fails is delivered again, with its chat’s later updates, in order and once each', async () => {
    const { bot, anna, boris, write } = await world();
    const applied: string[] = [];
    let failures = 1;
    bot.use(async (c) => {
      if (c.message?.text === 'сбой' && failures-- > 0) throw new Error('the database is away');
      applied.push(`${c.from!.first_name}: ${c.message?.text}`);
    });
    poller = new Poller(bot, pino({ level: 'silent' }), { timeoutSeconds: 1 });
    poller.start();

    await write(anna, 'сбой');
    await write(anna, 'дальше');
    await until(() => applied.length === 2);
    await write(boris, 'привет');
    await until(() => applied.length === 3);
    expect(applied).toEqual(['Анна: сбой', 'Анна: дальше', 'Борис: привет']);
    await until(() => sandbox!.emulator.bot(sandbox!.botId)!.queue.size === 0);
  });
});
