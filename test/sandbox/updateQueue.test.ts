/**
 * Two getUpdates rules of the real Bot API server, as a bot sees them:
 *
 * - the same `offset` again soon after the previous call (telegram-bot-api
 *   Client.cpp, Client::process_get_updates_query): within 0.5 s of that
 *   call's start the limit becomes 1; within 3 s a timeout under 3 s becomes 3;
 * - update ids (Bot API docs, Update.update_id; TDLib TQueue.cpp,
 *   TQueueImpl::push and TQueueImpl::get; Client::do_get_updates): sequential
 *   from a random start, chosen anew at random after a week without updates,
 *   and an offset that no longer fits the ids (more than 10 above the next
 *   id, or below the first pending one) confirms nothing — the bot gets the
 *   new updates, whatever their ids.
 *
 * The emulator's clock (src/sandbox/clock.ts) lets the week pass at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Clock } from '../../src/sandbox/clock.js';
import { FIRST_ID_RANGE, SILENCE_BEFORE_NEW_IDS_MS, UpdateQueue } from '../../src/sandbox/updates.js';
import { startSandbox, type Sandbox } from './helpers.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.close();
});

async function send(...texts: string[]): Promise<void> {
  const client = await sandbox.control.createUser({ first_name: 'Ivan' });
  for (const text of texts) await sandbox.control.sendMessage({ from: client.id, text });
}

function queue(): UpdateQueue {
  return sandbox.emulator.bot(sandbox.botId)!.queue;
}

/** A clock that stands still unless moved, for the rules' exact edges. */
class StillClock extends Clock {
  at = 1_000_000;
  override now(): number {
    return this.at;
  }
}

describe('getUpdates with the same offset as the call before (Client::process_get_updates_query)', () => {
  it('within 0.5 s gets one update at most; another offset, or the same one 0.5 s later, gets the whole batch', async () => {
    const { bot, emulator } = sandbox;
    await send('one', 'two', 'three');
    const all = await bot.api.getUpdates({ offset: 0 });
    expect(all.map((u) => u.message?.text)).toEqual(['one', 'two', 'three']);

    expect((await bot.api.getUpdates({ offset: 0 })).map((u) => u.message?.text)).toEqual(['one']);
    // Another offset is no repeat, even one that confirms nothing.
    expect(await bot.api.getUpdates({ offset: all[0]!.update_id })).toEqual(all);
    emulator.clock.advance(500);
    expect(await bot.api.getUpdates({ offset: all[0]!.update_id })).toEqual(all);
  });

  it('within 3 s waits 3 s when it asked not to wait, and that wait is a long poll that ends with the next update', async () => {
    const { bot } = sandbox;
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
    let started = Date.now();
    const poll = bot.api.getUpdates({ timeout: 0 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await send('wake up');
    const [update] = await poll;
    expect(update!.message?.text).toBe('wake up');
    expect(Date.now() - started).toBeLessThan(2900);

    const offset = update!.update_id + 1;
    expect(await bot.api.getUpdates({ offset, timeout: 0 })).toEqual([]);
    started = Date.now();
    expect(await bot.api.getUpdates({ offset, timeout: 0 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
  });

  it('the edges: 0.5 s and 3 s after the previous call\'s start, counted from every call', () => {
    const clock = new StillClock();
    const q = new UpdateQueue(clock);
    expect(q.throttleRepeat(7, 100, 0)).toEqual({ limit: 100, timeoutS: 0 });
    clock.at += 499;
    expect(q.throttleRepeat(7, 100, 0)).toEqual({ limit: 1, timeoutS: 3 });
    // Counted from the last call, not the first one of a run.
    clock.at += 499;
    expect(q.throttleRepeat(7, 100, 2)).toEqual({ limit: 1, timeoutS: 3 });
    clock.at += 500;
    expect(q.throttleRepeat(7, 100, 2)).toEqual({ limit: 100, timeoutS: 3 });
    clock.at += 2999;
    expect(q.throttleRepeat(7, 100, 25)).toEqual({ limit: 100, timeoutS: 25 });
    clock.at += 2999;
    expect(q.throttleRepeat(7, 100, 1)).toEqual({ limit: 100, timeoutS: 3 });
    clock.at += 3000;
    expect(q.throttleRepeat(7, 100, 1)).toEqual({ limit: 100, timeoutS: 1 });
    expect(q.throttleRepeat(8, 100, 0)).toEqual({ limit: 100, timeoutS: 0 });
  });
});

describe('update ids (Update.update_id; TQueue)', () => {
  it('start at a random number in TQueue\'s range and go up by one', async () => {
    await send('one', 'two');
    const [first, second] = await sandbox.bot.api.getUpdates();
    expect(first!.update_id).toBeGreaterThanOrEqual(FIRST_ID_RANGE[0]);
    expect(first!.update_id).toBeLessThanOrEqual(FIRST_ID_RANGE[1]);
    expect(second!.update_id).toBe(first!.update_id + 1);
  });

  it('after a week without updates the next id is chosen anew; the old offset confirms nothing and the bot gets the new update', async () => {
    const { bot, emulator } = sandbox;
    queue().chooseFirstId = () => 500_000_000;
    await send('before');
    const [before] = await bot.api.getUpdates();
    expect(before!.update_id).toBe(500_000_000);
    const offset = before!.update_id + 1;
    expect(await bot.api.getUpdates({ offset })).toEqual([]);

    // A second short of a week: still sequential.
    emulator.clock.advance(SILENCE_BEFORE_NEW_IDS_MS - 1000);
    await send('six days later');
    const [sequential] = await bot.api.getUpdates({ offset });
    expect(sequential!.update_id).toBe(500_000_001);
    const next = sequential!.update_id + 1;
    expect(await bot.api.getUpdates({ offset: next })).toEqual([]);

    emulator.clock.advance(WEEK_MS);
    queue().chooseFirstId = () => 3_000_000;
    await send('a week later', 'and again');
    const after = await bot.api.getUpdates({ offset: next });
    expect(after.map((u) => [u.update_id, u.message?.text])).toEqual([
      [3_000_000, 'a week later'],
      [3_000_001, 'and again'],
    ]);
    // Still there: the offset from before the week confirmed nothing.
    emulator.clock.advance(500);
    expect(await bot.api.getUpdates({ offset: next })).toEqual(after);
    expect(await bot.api.getUpdates({ offset: 3_000_002 })).toEqual([]);
    expect(queue().size).toBe(0);
  });

  it('a new start above the old offset: the bot gets the updates too', async () => {
    const { bot, emulator } = sandbox;
    queue().chooseFirstId = () => 4_000_000;
    await send('before');
    const [before] = await bot.api.getUpdates();
    const offset = before!.update_id + 1;
    expect(await bot.api.getUpdates({ offset })).toEqual([]);

    emulator.clock.advance(WEEK_MS);
    queue().chooseFirstId = () => 900_000_000;
    await send('a week later');
    expect((await bot.api.getUpdates({ offset })).map((u) => u.update_id)).toEqual([900_000_000]);
  });

  it('an offset up to 10 above the next id confirms all that is pending; 11 above confirms nothing (TQueueImpl::get)', async () => {
    const { bot, emulator } = sandbox;
    queue().chooseFirstId = () => 7_000_000;
    await send('one', 'two');
    // Next id: 7_000_002.
    expect((await bot.api.getUpdates({ offset: 7_000_002 + 11 })).map((u) => u.update_id)).toEqual([7_000_000, 7_000_001]);
    emulator.clock.advance(500);
    expect(await bot.api.getUpdates({ offset: 7_000_002 + 10 })).toEqual([]);
    expect(queue().size).toBe(0);
  });

  it('what was still pending a week on is gone with the old ids (no update lives on the server past a day)', async () => {
    const { bot, emulator } = sandbox;
    queue().chooseFirstId = () => 6_000_000;
    await send('never read');
    emulator.clock.advance(WEEK_MS);
    queue().chooseFirstId = () => 2_500_000;
    await send('read');
    expect((await bot.api.getUpdates()).map((u) => [u.update_id, u.message?.text])).toEqual([[2_500_000, 'read']]);
  });

  it('the count of the week survives a snapshot', () => {
    const from = { id: 1, is_bot: false, first_name: 'A' };
    const chat = { id: 1, type: 'private' as const, first_name: 'A' };
    const clock = new StillClock();
    const q = new UpdateQueue(clock);
    q.chooseFirstId = () => 10_000_000;
    q.push('message', { message_id: 1, date: 0, from, chat, text: 'a' });
    const restored = new UpdateQueue(clock);
    restored.load(JSON.parse(JSON.stringify(q.toJSON())) as ReturnType<UpdateQueue['toJSON']>);
    restored.chooseFirstId = () => 20_000_000;
    clock.at += SILENCE_BEFORE_NEW_IDS_MS;
    restored.push('message', { message_id: 2, date: 0, from, chat, text: 'b' });
    expect(restored.peek(10).map((u) => u.update_id)).toEqual([20_000_000]);
  });
});
