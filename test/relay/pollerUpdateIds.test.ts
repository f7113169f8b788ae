/**
 * Hotline's long polling (src/telegram/poller.ts) and its exactly-once intake
 * (src/telegram/intake.ts) when Telegram starts update ids anew: "If there are
 * no new updates for at least a week, then identifier of the next update will
 * be chosen randomly instead of sequentially" (Bot API docs, Update.update_id).
 * Driven through the emulator, whose clock lets the week pass at once and
 * whose queue can be told which id it starts at (src/sandbox/updates.ts).
 *
 * - New ids below the poller's offset: that offset is more than 10 above the
 *   queue's next id, so the server answers from the queue's head and confirms
 *   nothing (TDLib TQueueImpl::get, telegram-bot-api Client::do_get_updates);
 *   the poller takes the new ids and goes on from them.
 * - A new id equal to one Hotline applied before the week: not a redelivery
 *   (Telegram keeps an update a day at most), so it is applied, not skipped.
 * - The bot moved to another Bot API server (its queue starts anew at once):
 *   a new id equal to one applied minutes ago is a new update all the same
 *   (another fingerprint), applied; a true redelivery stays skipped
 *   (test/relay/webhook.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';
import type { UpdateQueue } from '../../src/sandbox/updates.js';
import { forgetAppliedUpdates } from '../../src/telegram/intake.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

function queue(): UpdateQueue {
  return t.emulator.emulator.bot(t.bot.id)!.queue;
}

/** Update ids Hotline recorded as applied, in [from, to]. */
async function applied(from: number, to: number): Promise<number[]> {
  const { rows } = await t.hotline
    .database()
    .pool.query<{ update_id: string }>('SELECT update_id FROM telegram_updates WHERE update_id BETWEEN $1 AND $2 ORDER BY update_id', [from, to]);
  return rows.map((r) => Number(r.update_id));
}

/** A week without updates passes, for Telegram (the emulator's clock) and for Hotline's records of applied updates. */
async function aWeekPasses(nextFirstId: number): Promise<void> {
  t.emulator.emulator.clock.advance(WEEK_MS + 60_000);
  await t.hotline.database().pool.query(`UPDATE telegram_updates SET processed_at = processed_at - interval '8 days'`);
  queue().chooseFirstId = () => nextFirstId;
}

describe('update ids chosen anew after a week without updates', () => {
  it('lower than the poller\'s offset: the next messages reach their topics, and the poller goes on from the new ids', async () => {
    await aWeekPasses(800_000_000);
    const first = await t.newClient('Неделя Первый');
    await t.control.sendMessage({ from: first.id, text: 'Первое после недели тишины' });
    await t.waitForTopic(first, { textIncludes: 'Первое после недели тишины' });
    expect(await applied(800_000_000, 800_000_100)).toContain(800_000_000);

    // The poller's offset is now above 800_000_000; the ids start again far below it.
    await aWeekPasses(5_000_000);
    const second = await t.newClient('Неделя Второй');
    await t.control.sendMessage({ from: second.id, text: 'Ниже прежнего offset' });
    await t.waitForTopic(second, { textIncludes: 'Ниже прежнего offset' });
    await t.control.sendMessage({ from: second.id, text: 'И следующее за ним' });
    await t.waitForTopic(second, { textIncludes: 'И следующее за ним' });
    // Every id from the new start on (messages, and the service message of the new topic), none skipped.
    const ids = await applied(5_000_000, 5_000_100);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(ids).toEqual(ids.map((_, i) => 5_000_000 + i));
    // Confirmed: nothing left on Telegram's side.
    await expect.poll(() => queue().size).toBe(0);
  });

  it('equal to an update applied before an earlier week: applied, not skipped as a redelivery', async () => {
    await aWeekPasses(600_000_000);
    const earlier = await t.newClient('Неделя Давний');
    await t.control.sendMessage({ from: earlier.id, text: 'Две недели назад' });
    await t.waitForTopic(earlier, { textIncludes: 'Две недели назад' });
    await aWeekPasses(9_000_000);
    const between = await t.newClient('Неделя Средний');
    await t.control.sendMessage({ from: between.id, text: 'Неделю назад' });
    await t.waitForTopic(between, { textIncludes: 'Неделю назад' });

    // Telegram starts at 600_000_000 again: an id Hotline applied two weeks ago, far from its offset (9_000_001).
    await aWeekPasses(600_000_000);
    const now = await t.newClient('Неделя Новый');
    await t.control.sendMessage({ from: now.id, text: 'Тот же update_id, новое сообщение' });
    await t.waitForTopic(now, { textIncludes: 'Тот же update_id, новое сообщение' });
  });

  it('the bot moved to another Bot API server: an id applied minutes ago, given to a new update, is applied, not skipped', async () => {
    const moveTo = (firstId: number) => {
      queue().startAnew();
      queue().chooseFirstId = () => firstId;
    };
    moveTo(700_000_000);
    const before = await t.newClient('Сервер Прежний');
    await t.control.sendMessage({ from: before.id, text: 'До переезда' });
    await t.waitForTopic(before, { textIncludes: 'До переезда' });
    expect(await applied(700_000_000, 700_000_000)).toEqual([700_000_000]);
    // Away and back (the poller's offset must fall below the ids again, or Telegram confirms them unread):
    // the last server's ids start at 700_000_000 once more, minutes after that id was applied.
    moveTo(100_000_000);
    const between = await t.newClient('Сервер Другой');
    await t.control.sendMessage({ from: between.id, text: 'На другом сервере' });
    await t.waitForTopic(between, { textIncludes: 'На другом сервере' });
    moveTo(700_000_000);
    const after = await t.newClient('Сервер Новый');
    await t.control.sendMessage({ from: after.id, text: 'Тот же update_id через минуту' });
    await t.waitForTopic(after, { textIncludes: 'Тот же update_id через минуту' });
    await t.control.sendMessage({ from: after.id, text: 'И следующее' });
    await t.waitForTopic(after, { textIncludes: 'И следующее' });
  });

  it('the hourly upkeep forgets applied updates past the 2-day redelivery window and keeps the recent ones', async () => {
    const client = await t.newClient('Окно Памяти');
    await t.control.sendMessage({ from: client.id, text: 'Свежее' });
    await t.waitForTopic(client, { textIncludes: 'Свежее' });
    const pool = t.hotline.database().pool;
    const { rows: recent } = await pool.query<{ update_id: string }>(`SELECT update_id FROM telegram_updates WHERE processed_at > now() - interval '1 hour'`);
    expect(recent.length).toBeGreaterThan(0);
    await pool.query(`UPDATE telegram_updates SET processed_at = now() - interval '3 days' WHERE processed_at <= now() - interval '1 hour'`);
    const { rows: old } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM telegram_updates WHERE processed_at < now() - interval '2 days'`);
    expect(Number(old[0]!.n)).toBeGreaterThan(0);

    expect(await forgetAppliedUpdates(pool)).toBe(Number(old[0]!.n));
    const { rows: left } = await pool.query<{ update_id: string }>('SELECT update_id FROM telegram_updates');
    expect(left.map((r) => r.update_id).sort()).toEqual(recent.map((r) => r.update_id).sort());
  });
});
