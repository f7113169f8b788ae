/**
 * The emulator's fault modes the fault-injection suite (test/faults) leans
 * on: the Bot API off the network, 429s with a spread of retry_after, and a
 * held call that the client itself gives up on.
 */
import { GrammyError, HttpError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, TOKEN, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
let groupId: number;

beforeEach(async () => {
  sandbox = await startSandbox();
  const manager = await sandbox.control.createUser({ first_name: 'Maria' });
  groupId = (await sandbox.control.createGroup({ title: 'Managers', member_ids: [manager.id] })).id;
});
afterEach(() => sandbox.close());

describe('the Bot API unreachable', () => {
  it('drops every call and an open long poll without an answer, applies nothing, and comes back when switched off', async () => {
    // The bot's join to the group is waiting; confirm it so the next poll stays open.
    const waiting = await sandbox.bot.api.getUpdates();
    const offset = waiting.length ? waiting[waiting.length - 1]!.update_id + 1 : 0;
    const poll = fetch(`${sandbox.apiRoot}/bot${TOKEN}/getUpdates?timeout=30&offset=${offset}`);
    // The long poll is open (the emulator holds it) before the network goes.
    await new Promise((r) => setTimeout(r, 200));
    await sandbox.control.setFaults({ unreachable: true });
    await expect(poll).rejects.toThrow();
    const refused = await sandbox.bot.api.sendMessage(groupId, 'into the void').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HttpError);
    const download = await fetch(`${sandbox.apiRoot}/file/bot${TOKEN}/documents/x.pdf`).catch((error: unknown) => error);
    expect(download).toBeInstanceOf(Error);
    // The control API stays up: the transcript shows nothing was posted.
    expect((await sandbox.control.transcript(groupId)).messages).toEqual([]);
    expect((await sandbox.control.stats()).faults.unreachable).toBeGreaterThanOrEqual(3);

    await sandbox.control.clearFaults();
    await sandbox.bot.api.sendMessage(groupId, 'back online');
    expect((await sandbox.control.transcript(groupId)).messages.map((m) => m.text)).toEqual(['back online']);
  });
});

describe('429 with a spread of retry_after', () => {
  it('each injected 429 asks for a whole number of seconds between retry_after and retry_after_max', async () => {
    await sandbox.control.setFaults({ too_many_rate: 1, retry_after: 2, retry_after_max: 30, seed: 3 });
    const waits: number[] = [];
    for (let i = 0; i < 40; i++) {
      const error = (await sandbox.bot.api.sendMessage(groupId, `m${i}`).catch((e: unknown) => e)) as GrammyError;
      expect(error.error_code).toBe(429);
      expect(error.description).toBe(`Too Many Requests: retry after ${error.parameters.retry_after}`);
      waits.push(error.parameters.retry_after!);
    }
    expect(waits.every((w) => Number.isInteger(w) && w >= 2 && w <= 30)).toBe(true);
    expect(new Set(waits).size).toBeGreaterThan(5);
    expect(Math.max(...waits)).toBeGreaterThan(20);
  });
});

describe('a held call', () => {
  it('counts as given up by the client when the client\'s timeout fires before the hold ends', async () => {
    await sandbox.control.setFaults({ timeout_rate: 1, methods: ['sendMessage'], hold_ms: 60_000 });
    const call = sandbox.bot.api.sendMessage(groupId, 'lost in transit', undefined, AbortSignal.timeout(300) as never);
    await expect(call).rejects.toThrow();
    await expect.poll(async () => (await sandbox.control.stats()).timeouts_given_up).toBe(1);
    await sandbox.control.setFaults({ timeout_rate: 1, methods: ['sendMessage'], hold_ms: 100 });
    await expect(sandbox.bot.api.sendMessage(groupId, 'dropped by the emulator')).rejects.toThrow();
    const stats = await sandbox.control.stats();
    expect(stats.faults.timeout).toBe(2);
    expect(stats.timeouts_given_up).toBe(1);
    expect(stats.timeouts_dropped).toBe(1);
    expect((await sandbox.control.transcript(groupId)).messages).toEqual([]);
  });
});
