import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookCallback } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './helpers.js';

const SECRET = 'hotline-webhook-secret';

let sandbox: Sandbox;
let server: http.Server;
let hookUrl: string;
let received: string[];

beforeEach(async () => {
  // Short retry pauses so a refused delivery comes back within the test.
  sandbox = await startSandbox({ webhookRetryMs: 50 });
  received = [];
  sandbox.bot.on('message:text', async (ctx) => {
    received.push(ctx.message.text);
    await ctx.reply(`got: ${ctx.message.text}`);
  });
  await sandbox.bot.init();
  const handle = webhookCallback(sandbox.bot, 'http', { secretToken: SECRET });
  server = http.createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterEach(async () => {
  await sandbox.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('webhooks', () => {
  it('delivers updates with the secret header to grammY webhookCallback, in order', async () => {
    const { bot, control } = sandbox;
    await bot.api.setWebhook(hookUrl, { secret_token: SECRET });
    const client = await control.createUser({ first_name: 'Ivan' });
    for (const text of ['one', 'two', 'three']) await control.sendMessage({ from: client.id, text });

    await control.waitFor({ chat_id: client.id, min_count: 6 });
    expect(received).toEqual(['one', 'two', 'three']);
    const info = await bot.api.getWebhookInfo();
    expect(info).toMatchObject({ url: hookUrl, pending_update_count: 0 });
  });

  it('a wrong secret is rejected by the bot; the update waits and arrives once the secret is right', async () => {
    const { bot, control } = sandbox;
    await bot.api.setWebhook(hookUrl, { secret_token: 'not-the-secret' });
    const client = await control.createUser({ first_name: 'Ivan' });
    await control.sendMessage({ from: client.id, text: 'first' });
    await control.sendMessage({ from: client.id, text: 'second' });

    await expect.poll(async () => (await bot.api.getWebhookInfo()).last_error_message).toMatch(/Wrong response from the webhook: 401/);
    expect(received).toEqual([]);
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(2);

    await bot.api.setWebhook(hookUrl, { secret_token: SECRET });
    await control.waitFor({ chat_id: client.id, text_includes: 'got: second' });
    expect(received).toEqual(['first', 'second']);
  });

  it('max_connections outside 1–100 is clamped, and getWebhookInfo says what delivery uses', async () => {
    const { bot } = sandbox;
    await bot.api.setWebhook(hookUrl, { secret_token: SECRET, max_connections: 500 });
    expect((await bot.api.getWebhookInfo()).max_connections).toBe(100);
    await bot.api.setWebhook(hookUrl, { secret_token: SECRET, max_connections: 0 });
    expect((await bot.api.getWebhookInfo()).max_connections).toBe(1);
    await bot.api.setWebhook(hookUrl, { secret_token: SECRET });
    expect((await bot.api.getWebhookInfo()).max_connections).toBe(40);
  });

  it('deleteWebhook with drop_pending_updates forgets what was not delivered', async () => {
    const { bot, control } = sandbox;
    await bot.api.setWebhook('http://127.0.0.1:9/nobody-listens');
    const client = await control.createUser({ first_name: 'Ivan' });
    await control.sendMessage({ from: client.id, text: 'lost' });
    await bot.api.deleteWebhook({ drop_pending_updates: true });
    expect(await bot.api.getUpdates()).toEqual([]);
    expect((await bot.api.getWebhookInfo()).url).toBe('');
  });
});
