import { run } from '@grammyjs/runner';
import { GrammyError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPolling, startSandbox, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  if (sandbox.bot.isRunning()) await sandbox.bot.stop();
  await sandbox.close();
});

describe('grammY long polling against the emulator', () => {
  it('a client writes to the bot → the bot answers in the private chat', async () => {
    const { bot, control } = sandbox;
    bot.command('start', (ctx) => ctx.reply(`Hello, ${ctx.from?.first_name}!`));
    bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    await startPolling(bot);

    const client = await control.createUser({ first_name: 'Ivan', username: 'ivan' });
    await control.sendMessage({ from: client.id, text: '/start' });
    await control.waitFor({ chat_id: client.id, text_includes: 'Hello, Ivan!' });
    await control.sendMessage({ from: client.id, text: 'hello' });

    const transcript = await control.waitFor({ chat_id: client.id, min_count: 4, text_includes: 'echo: hello' });
    expect(transcript.messages.map((m) => m.text)).toEqual(['/start', 'Hello, Ivan!', 'hello', 'echo: hello']);
    expect(transcript.messages[0]!.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    expect(transcript.messages[1]!.from).toMatchObject({ is_bot: true, username: 'hotline_test_bot' });
  });

  it('works the same under @grammyjs/runner', async () => {
    const { bot, control } = sandbox;
    bot.on('message:text', (ctx) => ctx.reply(`runner: ${ctx.message.text}`));
    const runner = run(bot);
    try {
      const client = await control.createUser({ first_name: 'Ivan' });
      await control.sendMessage({ from: client.id, text: 'ping' });
      await control.waitFor({ chat_id: client.id, text_includes: 'runner: ping' });
    } finally {
      await runner.stop();
    }
  });

  it('the bot cannot write first to a user who never started it', async () => {
    const client = await sandbox.control.createUser({ first_name: 'Olga' });
    const error = await sandbox.bot.api.sendMessage(client.id, 'hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(403);
    expect((error as GrammyError).description).toBe("Forbidden: bot can't initiate conversation with a user");
  });
});

describe('getUpdates', () => {
  it('keeps an update until an offset above its id confirms it', async () => {
    const { bot, control, emulator } = sandbox;
    const client = await control.createUser({ first_name: 'Ivan' });
    for (const text of ['one', 'two', 'three']) await control.sendMessage({ from: client.id, text });

    const first = await bot.api.getUpdates();
    expect(first.map((u) => u.message?.text)).toEqual(['one', 'two', 'three']);
    expect(first[1]!.update_id).toBe(first[0]!.update_id + 1);
    // Half a second apart: the same offset sooner gets one update (updateQueue.test.ts).
    emulator.clock.advance(500);
    expect(await bot.api.getUpdates()).toEqual(first);
    emulator.clock.advance(500);
    expect((await bot.api.getUpdates({ limit: 2 })).length).toBe(2);

    const rest = await bot.api.getUpdates({ offset: first[1]!.update_id });
    expect(rest.map((u) => u.message?.text)).toEqual(['two', 'three']);
    expect(await bot.api.getUpdates({ offset: first[2]!.update_id + 1 })).toEqual([]);
  });

  it('a negative offset keeps only the last updates', async () => {
    const { bot, control } = sandbox;
    const client = await control.createUser({ first_name: 'Ivan' });
    for (const text of ['one', 'two', 'three']) await control.sendMessage({ from: client.id, text });
    expect((await bot.api.getUpdates({ offset: -1 })).map((u) => u.message?.text)).toEqual(['three']);
    expect((await bot.api.getUpdates()).length).toBe(1);
  });

  it('a long poll waits for the timeout, and answers as soon as an update arrives', async () => {
    const { bot, control } = sandbox;
    const client = await control.createUser({ first_name: 'Ivan' });

    let started = Date.now();
    expect(await bot.api.getUpdates({ timeout: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    started = Date.now();
    const poll = bot.api.getUpdates({ timeout: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await control.sendMessage({ from: client.id, text: 'wake up' });
    const updates = await poll;
    expect(updates.map((u) => u.message?.text)).toEqual(['wake up']);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('allowed_updates filters updates made after it; reactions only when asked for', async () => {
    const { bot, control } = sandbox;
    const client = await control.createUser({ first_name: 'Ivan' });
    const [message] = await control.sendMessage({ from: client.id, text: 'react to me' });
    await control.react({ from: client.id, message_id: message!.message_id, emoji: ['👍'] });
    expect((await bot.api.getUpdates()).map((u) => Object.keys(u)[1])).toEqual(['message']);

    const confirmed = await bot.api.getUpdates({ offset: -1, allowed_updates: ['message', 'message_reaction'] });
    await control.react({ from: client.id, message_id: message!.message_id, emoji: ['🔥'] });
    const updates = await bot.api.getUpdates({ offset: confirmed[0]!.update_id + 1 });
    expect(updates[0]!.message_reaction).toMatchObject({ message_id: message!.message_id, new_reaction: [{ type: 'emoji', emoji: '🔥' }], old_reaction: [{ type: 'emoji', emoji: '👍' }] });
  });

  it('a second long poll ends the first with 409, as when two instances poll', async () => {
    const first = sandbox.bot.api.getUpdates({ timeout: 20 }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = sandbox.bot.api.getUpdates({ timeout: 1 });
    const error = (await first) as GrammyError;
    expect([error.error_code, error.description]).toEqual([409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running']);
    expect(await second).toEqual([]);
  });

  it('answers 409 while a webhook is set', async () => {
    await sandbox.bot.api.setWebhook('http://127.0.0.1:9/hook');
    const error = (await sandbox.bot.api.getUpdates().catch((e: unknown) => e)) as GrammyError;
    expect(error.error_code).toBe(409);
    expect(error.description).toBe("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
  });
});
