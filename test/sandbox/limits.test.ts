import { autoRetry } from '@grammyjs/auto-retry';
import { GrammyError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, TOKEN, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
let managerId: number;

beforeEach(async () => {
  sandbox = await startSandbox();
  managerId = (await sandbox.control.createUser({ first_name: 'Maria' })).id;
});
afterEach(() => sandbox.close());

const newGroup = async () => (await sandbox.control.createGroup({ title: 'Managers', member_ids: [managerId] })).id;

describe('flood limits', () => {
  it('a burst into one group gets 429 with retry_after once 20 went through', async () => {
    await sandbox.control.setLimits({ enabled: true, time_scale: 1 });
    const groupId = await newGroup();
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => sandbox.bot.api.sendMessage(groupId, `burst ${i}`)));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as GrammyError);
    expect(results.length - refused.length).toBe(20);
    expect(refused[0]!.error_code).toBe(429);
    // 20 a minute: the next slot opens in 3 seconds.
    expect(refused[0]!.description).toBe('Too Many Requests: retry after 3');
    expect(refused[0]!.parameters.retry_after).toBe(3);
    expect((await sandbox.control.stats()).too_many_requests).toBe(20);
  });

  it('auto-retry delivers a burst of 100 into one group, all of them, in order', async () => {
    // 1/60: "20 a minute" becomes "20 a second", so the test takes seconds.
    await sandbox.control.setLimits({ enabled: true, time_scale: 1 / 60 });
    const groupId = await newGroup();
    sandbox.bot.api.config.use(autoRetry());
    for (let i = 0; i < 100; i++) await sandbox.bot.api.sendMessage(groupId, `message ${i}`);

    const transcript = await sandbox.control.transcript(groupId);
    expect(transcript.messages.map((m) => m.text)).toEqual(Array.from({ length: 100 }, (_, i) => `message ${i}`));
    expect((await sandbox.control.stats()).too_many_requests).toBeGreaterThan(0);
  }, 20_000);

  it('private chats allow a short burst, then one message a second', async () => {
    await sandbox.control.setLimits({ enabled: true, time_scale: 1 });
    const clientId = (await sandbox.control.createUser({ first_name: 'Ivan' })).id;
    await sandbox.control.sendMessage({ from: clientId, text: '/start' });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => sandbox.bot.api.sendMessage(clientId, 'hi')));
    expect(results.slice(0, 3).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect((refused[0]!.reason as GrammyError).parameters.retry_after).toBe(1);
  });

  it('a topic created or renamed counts one message of the group\'s 20 a minute (its service message); a refused one changes nothing', async () => {
    await sandbox.control.setLimits({ enabled: true, time_scale: 1 });
    const groupId = (await sandbox.control.createGroup({ title: 'Managers', member_ids: [managerId], bot_ids: [sandbox.botId], is_forum: true })).id;
    const topic = await sandbox.bot.api.createForumTopic(groupId, 'Ivan');
    await sandbox.bot.api.editForumTopic(groupId, topic.message_thread_id, { name: 'Ivan Petrov' });
    for (let i = 0; i < 18; i++) await sandbox.bot.api.sendMessage(groupId, `m${i}`, { message_thread_id: topic.message_thread_id });
    // 20 taken: the next topic, rename or message waits.
    const refused = await sandbox.bot.api.createForumTopic(groupId, 'Olga').catch((error: GrammyError) => error);
    expect(refused).toBeInstanceOf(GrammyError);
    expect((refused as GrammyError).error_code).toBe(429);
    await expect(sandbox.bot.api.editForumTopic(groupId, topic.message_thread_id, { name: 'Ivan P.' })).rejects.toMatchObject({ error_code: 429 });
    const transcript = await sandbox.control.transcript(groupId);
    expect(transcript.topics.map((t) => t.name)).toEqual(['Ivan Petrov']);
  });

  it('limits are off by default', async () => {
    const groupId = await newGroup();
    await Promise.all(Array.from({ length: 50 }, (_, i) => sandbox.bot.api.sendMessage(groupId, `m${i}`)));
    expect((await sandbox.control.stats()).messages_per_chat[groupId]).toBe(50);
  });
});

describe('fault injection', () => {
  // One call after another: the seeded sequence is consumed in arrival order.
  const outcomes = async (groupId: number) => {
    const codes: number[] = [];
    for (let i = 0; i < 30; i++) {
      codes.push(await sandbox.bot.api.sendMessage(groupId, `m${i}`).then(() => 200, (e: GrammyError) => e.error_code));
    }
    return codes;
  };

  it('a seed makes the faults reproducible', async () => {
    const groupId = await newGroup();
    await sandbox.control.setFaults({ error_rate: 0.2, too_many_rate: 0.2, retry_after: 3, seed: 7 });
    const first = await outcomes(groupId);
    await sandbox.control.setFaults({ error_rate: 0.2, too_many_rate: 0.2, retry_after: 3, seed: 7 });
    const second = await outcomes(groupId);
    expect(second).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(429);
    expect(first).toContain(200);
    const stats = await sandbox.control.stats();
    expect(stats.faults.error + stats.faults.too_many).toBe(first.filter((s) => s !== 200).length * 2);
  });

  it('a timed-out call is held, never applied, and the client gives up', async () => {
    const groupId = await newGroup();
    await sandbox.control.setFaults({ timeout_rate: 1, methods: ['sendMessage'], hold_ms: 5_000 });
    const call = fetch(`${sandbox.apiRoot}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: groupId, text: 'lost in transit' }),
      signal: AbortSignal.timeout(300),
    });
    await expect(call).rejects.toThrow();
    await sandbox.control.clearFaults();
    expect((await sandbox.control.transcript(groupId)).messages).toEqual([]);
  });
});
