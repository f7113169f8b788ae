/**
 * A client's choice about broadcasts (issue 19.5): «Отписаться» under a
 * broadcast or `/stop` records the opt-out on the client (later broadcasts
 * skip them, reported as `opted_out`); «Подписаться снова» or `/start` clears
 * it. The client is told once, in their language, when it changes; their
 * dialog with the managers is untouched (`/stop` is still relayed like any
 * message).
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { clients } from '../db/schema.js';
import { BROADCAST_OPT_IN, BROADCAST_OPT_OUT } from '../core/broadcast.js';
import { botText, clientLocale } from './botTexts.js';
import { inTransaction, recordEvent, type CommandContext } from './context.js';
import { enqueueTelegram } from './telegramOutbox.js';

export interface Props {
  /** The client, by their Telegram id (the private chat's). */
  telegramUserId: number;
  /** True: unsubscribe; false: subscribe again. */
  optOut: boolean;
}

/** What happened: `changed` (told the client), `unchanged` (already so: nothing sent), `not_client` (nobody we know: e.g. a manager pressing the button of a test send). */
export type OptOutOutcome = 'changed' | 'unchanged' | 'not_client';

/** Records the choice (and an event), and tells the client through the outbox. */
export async function setBroadcastOptOut(ctx: CommandContext, props: Props, tx?: Tx): Promise<OptOutOutcome> {
  return inTransaction(ctx, tx, async (tx) => {
    const [client] = await tx.db.select().from(clients).where(eq(clients.telegramUserId, props.telegramUserId)).for('update');
    if (!client) return 'not_client';
    if (Boolean(client.broadcastOptOutAt) === props.optOut) return 'unchanged';
    await tx.db.update(clients).set({ broadcastOptOutAt: props.optOut ? new Date() : null }).where(eq(clients.id, client.id));
    await recordEvent(tx, { actor: { telegramUserId: props.telegramUserId }, subjectType: 'client', subjectId: client.id, name: props.optOut ? 'client.broadcast_opt_out' : 'client.broadcast_opt_in' });
    const locale = clientLocale(client.language);
    await enqueueTelegram(ctx, tx, {
      chatId: client.telegramUserId,
      method: 'sendMessage',
      payload: props.optOut
        ? { text: botText(locale, 'broadcast-opted-out'), reply_markup: { inline_keyboard: [[{ text: botText(locale, 'broadcast-resubscribe'), callback_data: BROADCAST_OPT_IN }]] } }
        : { text: botText(locale, 'broadcast-opted-in') },
      target: { side: 'client' },
    });
    return 'changed';
  });
}

/** The choice a button's callback data stands for, or undefined for other data. */
export function parseOptOutCallback(data: string): boolean | undefined {
  return data === BROADCAST_OPT_OUT ? true : data === BROADCAST_OPT_IN ? false : undefined;
}
