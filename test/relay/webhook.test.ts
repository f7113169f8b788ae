import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { messages, telegramUpdates } from '../../src/db/schema.js';
import { freePort } from '../helpers/process.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';

const SECRET = 'webhook-secret_123';
let t: TelegramWorld;
let port: number;

beforeAll(async () => {
  port = await freePort();
  t = await startTelegramWorld({
    env: { TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: SECRET, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` },
  });
});
afterAll(async () => {
  await t?.stop();
});

const webhook = () => `http://127.0.0.1:${port}/telegram/webhook`;

function forgedUpdate(updateId: number, from: { id: number; first_name: string }, text: string, messageId: number) {
  return {
    update_id: updateId,
    message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: from.id, type: 'private', first_name: from.first_name }, from: { ...from, is_bot: false }, text },
  };
}

describe('webhook mode', () => {
  it('relays through the webhook Telegram calls, with the secret header', async () => {
    const client = await t.newClient('Вебхук');
    await t.control.sendMessage({ from: client.id, text: 'через вебхук' });
    await t.waitForTopic(client, { textIncludes: 'через вебхук' });
  });

  it('a call without the secret, or with a wrong one, gets 401 and stores nothing', async () => {
    const db = t.hotline.database().db;
    const update = forgedUpdate(900_000_001, { id: 555_000_001, first_name: 'Злоумышленник' }, 'подделка', 1);
    for (const headers of [{}, { 'x-telegram-bot-api-secret-token': 'wrong' }] as Array<Record<string, string>>) {
      const response = await fetch(webhook(), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(update) });
      expect(response.status).toBe(401);
    }
    // The forged update itself is not stored (counting all updates raced with the world's own ones still arriving).
    expect(await db.select().from(telegramUpdates).where(eq(telegramUpdates.updateId, update.update_id))).toHaveLength(0);
    expect(await db.select().from(messages).where(eq(messages.text, 'подделка'))).toHaveLength(0);
  });

  it('an update delivered again is applied once — also after another update came with its id', async () => {
    const client = await t.newClient('Повтор');
    // What the emulator (Telegram) posts to the webhook, byte for byte: Telegram redelivers the text it stored.
    const delivered: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      if (String(input) === webhook() && typeof init?.body === 'string') delivered.push(init.body);
      return realFetch(input, init);
    }) as typeof fetch;
    let body: string;
    try {
      await t.control.sendMessage({ from: client.id, text: 'дважды' });
      await t.waitForTopic(client, { textIncludes: 'дважды' });
      body = delivered.find((text) => text.includes('дважды'))!;
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(body).toBeDefined();
    const redeliver = async (text: string) => {
      const response = await fetch(webhook(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: text,
      });
      expect(response.status).toBe(200);
    };
    // Telegram redelivers an update whose answer it did not see: the same update again.
    for (let i = 0; i < 3; i++) await redeliver(body);
    // Another server gives a new update the same id (the bot moved between Bot API servers), then the first
    // server redelivers its own: the new one is applied, the redelivery still is not.
    const original = JSON.parse(body) as { update_id: number; message: { message_id: number; text: string } };
    await redeliver(JSON.stringify({ ...original, message: { ...original.message, message_id: original.message.message_id + 1000, text: 'тот же id' } }));
    await t.waitForTopic(client, { textIncludes: 'тот же id' });
    await redeliver(body);
    await t.control.sendMessage({ from: client.id, text: 'после повтора' });
    const after = await t.waitForTopic(client, { textIncludes: 'после повтора' });
    const texts = visible(after).flatMap((m) => (m.text ?? '').split('\n'));
    expect(texts.filter((x) => x === 'дважды')).toHaveLength(1);
    expect(texts.filter((x) => x === 'тот же id')).toHaveLength(1);
    const db = t.hotline.database().db;
    expect(await db.select().from(messages).where(eq(messages.text, 'дважды'))).toHaveLength(1);
    const [row] = await db.select().from(telegramUpdates).where(eq(telegramUpdates.updateId, original.update_id));
    expect(row?.fingerprints).toHaveLength(2);
  });
});

describe('webhook mode, starting while Telegram cannot be reached', () => {
  it('/readyz says 503 until the bot is connected (a load balancer keeps Telegram\'s calls away), then 200, and updates are applied', async () => {
    const ownPort = await freePort();
    const base = `http://127.0.0.1:${ownPort}`;
    const w = await startTelegramWorld({
      env: { TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: SECRET, PORT: String(ownPort), PUBLIC_URL: base },
      beforeStart: (control) => control.setFaults({ unreachable: true }),
      awaitStarted: false,
    });
    try {
      // The bot has tried Telegram at least twice (the database is open by then): still not ready.
      for (const started = Date.now(); (await w.control.stats()).faults.unreachable < 2; ) {
        if (Date.now() - started > 60_000) throw new Error('Hotline never tried to reach Telegram');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      const early = await fetch(`${base}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(forgedUpdate(700_000_001, { id: 700_000_002, first_name: 'Рано' }, 'слишком рано', 1)),
      });
      expect(early.status).toBe(503);
      expect(await w.hotline.database().db.select().from(messages).where(eq(messages.text, 'слишком рано'))).toHaveLength(0);

      await w.control.setFaults({ unreachable: false });
      for (const started = Date.now(); (await fetch(`${base}/readyz`)).status !== 200; ) {
        if (Date.now() - started > 30_000) throw new Error('/readyz never said 200 after Telegram came back');
        await new Promise((r) => setTimeout(r, 100));
      }
      const client = await w.newClient('Вовремя');
      await w.control.sendMessage({ from: client.id, text: 'теперь можно' });
      await w.waitForTopic(client, { textIncludes: 'теперь можно' });
      expect(await w.hotline.database().db.select().from(messages).where(eq(messages.text, 'теперь можно'))).toHaveLength(1);
    } finally {
      await w.stop();
    }
  }, 150_000);
});
