/**
 * Starting and stopping a broadcast (issue 19.5). Start: only a body that was
 * test-sent as it is now (commands/testBroadcast); the recipients are fixed
 * then — every client having one of the labels (client_labels) — one durable
 * row each, `pending`, which the feeder (commands/feedBroadcasts, run by
 * jobs/broadcasts) hands to the outbox at the broadcasts' pace. Stop: the
 * recipients not yet handed over are skipped (`cancelled`); messages already
 * in the outbox still go.
 */
import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { broadcasts, telegramOutbox } from '../db/schema.js';
import { testDelivery } from '../core/broadcast.js';
import type { Viewer } from '../policies/access.js';
import { ConflictError, inTransaction, NotFoundError, recordEvent, ValidationError, type CommandContext } from './context.js';
import { NOT_FOUND, requireBroadcasts, type Broadcast } from './saveBroadcast.js';

export const TEST_FIRST = 'Сначала отправьте рассылку себе (тестовая отправка); после изменения текста — снова';
export const TEST_BY_STARTER = 'Запускает тот, кто проверил рассылку: отправьте тест себе, затем запускайте';
export const TEST_IN_FLIGHT = 'Тестовое сообщение ещё в пути — запустите через несколько секунд';
/** Telegram's 403 for the sender's private chat: never pressed Start in the bot, or stopped it (core/broadcast TestFailure `unreachable`). */
export const TEST_UNREACHABLE =
  'Тестовое сообщение до вас не дошло: Telegram не даёт боту написать вам — вы ещё не нажимали «Старт» в боте или остановили его. Откройте бота в Telegram, нажмите «Старт» и отправьте тест снова';
/** Any other refusal of the test message (TestFailure `refused`): its words are on the page. */
export const TEST_REFUSED = 'Тестовое сообщение до вас не дошло: Telegram его не принял — исправьте текст и отправьте тест снова';
export const NO_RECIPIENTS = 'Ни у одного клиента нет этих меток';
export const ALREADY_STARTED = 'Рассылка уже запущена';
export const NOT_SENDING = 'Рассылка не идёт: останавливать нечего';

/** The LiveBus channel the feeder listens on (a start wakes it at once) and the page's progress is told on. */
export const BROADCASTS_CHANNEL = 'broadcasts';

/**
 * Starts a tested draft. Errors: 403 for others than our staff; 404 unknown;
 * 409 already started, its current body not test-sent, tested by someone
 * else, or its test message not (yet) taken by Telegram; 400 when no client
 * has any of its labels. Returns the broadcast and how many recipients it has.
 */
export async function startBroadcast(ctx: CommandContext, props: { actor: Viewer; id: number }, tx?: Tx): Promise<{ broadcast: Broadcast; recipients: number }> {
  return inTransaction(ctx, tx, async (tx) => {
    await requireBroadcasts(tx, props.actor);
    const [broadcast] = await tx.db.select().from(broadcasts).where(eq(broadcasts.id, props.id)).for('update');
    if (!broadcast) throw new NotFoundError(NOT_FOUND);
    if (broadcast.state !== 'draft') throw new ConflictError(ALREADY_STARTED);
    if (broadcast.testedBody === null || broadcast.testedBody !== broadcast.body) throw new ConflictError(TEST_FIRST);
    // The test shows what this sender's clients get ({manager} is them): the one who tested starts it.
    if (broadcast.testedBy !== props.actor.userId) throw new ConflictError(TEST_BY_STARTER);
    // Tested means seen: Telegram took the test message (its outbox row `sent`), not merely that it was queued.
    if (broadcast.testedOutboxId === null) throw new ConflictError(TEST_FIRST);
    const [row] = await tx.db
      .select({ state: telegramOutbox.state, lastError: telegramOutbox.lastError })
      .from(telegramOutbox)
      .where(eq(telegramOutbox.id, broadcast.testedOutboxId));
    const test = testDelivery(row);
    if (test?.delivery === 'sending') throw new ConflictError(TEST_IN_FLIGHT);
    if (test?.delivery !== 'delivered') throw new ConflictError(test?.failure === 'unreachable' ? TEST_UNREACHABLE : TEST_REFUSED);
    // client_labels(client_id, label): the labels of issue 19.5 (commands of the labels feature); stored lower-case (core/labels).
    const inserted = await tx.db.execute(sql`
      insert into broadcast_recipients (broadcast_id, client_id)
      select distinct ${broadcast.id}::bigint, cl.client_id from client_labels cl
       where cl.label in (${sql.join(broadcast.labels.map((label) => sql`${label}`), sql`, `)})
      on conflict do nothing`);
    const recipients = inserted.rowCount ?? 0;
    if (recipients === 0) throw new ValidationError(NO_RECIPIENTS, 'labels');
    const now = new Date();
    const [started] = await tx.db
      .update(broadcasts)
      .set({ state: 'sending', startedBy: props.actor.userId, startedAt: now, updatedAt: now })
      .where(eq(broadcasts.id, broadcast.id))
      .returning();
    await recordEvent(tx, { actor: { userId: props.actor.userId }, subjectType: 'broadcast', subjectId: broadcast.id, name: 'broadcast.started', after: { recipients, labels: broadcast.labels } });
    tx.afterCommit(() => ctx.live.publish({ channel: BROADCASTS_CHANNEL, type: 'started', data: { id: broadcast.id } }));
    return { broadcast: started!, recipients };
  });
}

/** Stops a broadcast that is sending. Errors: 403, 404, 409 when it is not sending. */
export async function cancelBroadcast(ctx: CommandContext, props: { actor: Viewer; id: number }, tx?: Tx): Promise<Broadcast> {
  return inTransaction(ctx, tx, async (tx) => {
    await requireBroadcasts(tx, props.actor);
    const [broadcast] = await tx.db.select().from(broadcasts).where(eq(broadcasts.id, props.id)).for('update');
    if (!broadcast) throw new NotFoundError(NOT_FOUND);
    if (broadcast.state !== 'sending') throw new ConflictError(NOT_SENDING);
    const skipped = await tx.db.execute(sql`update broadcast_recipients set state = 'skipped', reason = 'cancelled', updated_at = now()
      where broadcast_id = ${broadcast.id} and state = 'pending'`);
    const now = new Date();
    const [cancelled] = await tx.db.update(broadcasts).set({ state: 'cancelled', finishedAt: now, updatedAt: now }).where(eq(broadcasts.id, broadcast.id)).returning();
    await recordEvent(tx, { actor: { userId: props.actor.userId }, subjectType: 'broadcast', subjectId: broadcast.id, name: 'broadcast.cancelled', after: { skipped: skipped.rowCount ?? 0 } });
    return cancelled!;
  });
}
