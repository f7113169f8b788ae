/**
 * The broadcasts' feeder step (issue 19.5), run again and again by
 * jobs/broadcasts while a broadcast is sending: it hands the next recipients
 * to the outbox, at most BROADCAST_WINDOW of a broadcast's messages waiting
 * there at a time (the outbox paces them: jobs/rateLimits, jobs/telegramOutbox),
 * and ends the broadcast when every recipient has an outcome.
 *
 * No duplicates after a crash: a recipient becomes `queued` in the same
 * transaction that writes its outbox row (and records the row's id on it);
 * from then on the outbox row — marked sent in the statement that records
 * Telegram's answer — is the recipient's outcome. A recipient is checked
 * when it is handed over, not when the broadcast starts: a client who
 * unsubscribed or was banned meanwhile is skipped.
 */
import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { broadcasts, telegramOutbox, users } from '../db/schema.js';
import { broadcastQueue } from '../core/broadcast.js';
import { clientLocale } from './botTexts.js';
import type { CommandContext } from './context.js';
import { BROADCASTS_CHANNEL } from './startBroadcast.js';
import { OUTBOX_CHANNEL } from './telegramOutbox.js';
import { broadcastMessage, personName } from './testBroadcast.js';

/** A broadcast's messages waiting in the outbox at most: about a second of its pace, so the outbox's scan stays small. */
export const BROADCAST_WINDOW = 30;

/** One step over every sending broadcast. Returns how many are still sending. */
export async function feedBroadcasts(ctx: CommandContext): Promise<number> {
  const sending = await ctx.database.db.select({ id: broadcasts.id }).from(broadcasts).where(eq(broadcasts.state, 'sending'));
  let active = 0;
  for (const { id } of sending) {
    if (await ctx.database.transaction((tx) => feedOne(ctx, tx, id))) active++;
  }
  return active;
}

/** Hands the next recipients of one broadcast over; true while it is still sending. */
async function feedOne(ctx: CommandContext, tx: Tx, id: number): Promise<boolean> {
  // One feeder per broadcast at a time (several instances): the others skip it this round.
  const [broadcast] = await tx.db.select().from(broadcasts).where(eq(broadcasts.id, id)).for('update', { skipLocked: true });
  if (!broadcast || broadcast.state !== 'sending') return false;
  const waiting = async () =>
    Number(
      (
        await tx.db.execute<{ n: number }>(sql`select count(*)::int as n from broadcast_recipients r join telegram_outbox o on o.id = r.outbox_id
          where r.broadcast_id = ${id} and r.state = 'queued' and o.state = 'pending'`)
      ).rows[0]?.n ?? 0,
    );
  const room = BROADCAST_WINDOW - (await waiting());
  let handed = 0;
  if (room > 0) {
    const next = await tx.db.execute<{ client_id: number; telegram_user_id: number; first_name: string; last_name: string | null; language: string | null; banned_at: Date | null; broadcast_opt_out_at: Date | null }>(sql`
      select r.client_id, c.telegram_user_id, c.first_name, c.last_name, c.language, c.banned_at, c.broadcast_opt_out_at
        from broadcast_recipients r join clients c on c.id = r.client_id
       where r.broadcast_id = ${id} and r.state = 'pending' order by r.client_id limit ${room}`);
    const [starter] = broadcast.startedBy ? await tx.db.select({ name: users.name }).from(users).where(eq(users.id, broadcast.startedBy)) : [];
    for (const client of next.rows) {
      const skip = client.banned_at ? 'banned' : client.broadcast_opt_out_at ? 'opted_out' : null;
      if (skip) {
        await tx.db.execute(sql`update broadcast_recipients set state = 'skipped', reason = ${skip}, updated_at = now() where broadcast_id = ${id} and client_id = ${client.client_id}`);
        continue;
      }
      const locale = clientLocale(client.language);
      const chatId = Number(client.telegram_user_id);
      const payload = broadcastMessage(
        broadcast.body,
        { client: personName([client.first_name, client.last_name], locale === 'en' ? 'client' : 'клиент'), manager: personName([starter?.name], 'Менеджер') },
        locale,
      );
      const [row] = await tx.db.insert(telegramOutbox).values({ chatId, queue: broadcastQueue(id, chatId), method: 'sendMessage', payload }).returning({ id: telegramOutbox.id });
      await tx.db.execute(sql`update broadcast_recipients set state = 'queued', outbox_id = ${row!.id}, updated_at = now() where broadcast_id = ${id} and client_id = ${client.client_id}`);
      handed++;
    }
  }
  if (handed > 0) tx.afterCommit(() => ctx.live.publish({ channel: OUTBOX_CHANNEL, type: 'wake' }));
  const [left] = (
    await tx.db.execute<{ n: number }>(sql`select count(*)::int as n from broadcast_recipients where broadcast_id = ${id} and state = 'pending'`)
  ).rows;
  if (Number(left?.n ?? 0) === 0 && (await waiting()) === 0) {
    const now = new Date();
    await tx.db.update(broadcasts).set({ state: 'done', finishedAt: now, updatedAt: now }).where(eq(broadcasts.id, id));
    tx.afterCommit(() => ctx.live.publish({ channel: BROADCASTS_CHANNEL, type: 'done', data: { id } }));
    return false;
  }
  return true;
}
