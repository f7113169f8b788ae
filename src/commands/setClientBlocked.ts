import { eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { clients, dialogs } from '../db/schema.js';
import { inTransaction, recordEvent, type CommandContext } from './context.js';
import { enqueueTelegram, REFRESH_CLIENT_CARD } from './telegramOutbox.js';
import { botText, MANAGERS_LOCALE } from './botTexts.js';

export interface Props {
  /** The client's Telegram user id. */
  telegramUserId: number;
  blocked: boolean;
}

/** The topic's notes (src/locales, `client-blocked-bot-notice` / `client-unblocked-bot-notice`), in the managers' language. */
export const BLOCKED_NOTICE = botText(MANAGERS_LOCALE, 'client-blocked-bot-notice');
export const UNBLOCKED_NOTICE = botText(MANAGERS_LOCALE, 'client-unblocked-bot-notice');

/**
 * Records that the client blocked (or unblocked) the bot, tells the managers
 * in the client's topic and shows it on the client card (with since when) and
 * the dialogs page. The dialog's status is left as it is: what the client or
 * we wait for does not change, but while blocked our answers reach nobody and
 * do not count as answers (commands/recordManagerMessage). Repeated news
 * changes nothing.
 */
export async function setClientBlocked(ctx: CommandContext, props: Props, tx?: Tx): Promise<boolean> {
  return inTransaction(ctx, tx, async (tx) => {
    const [client] = await tx.db.select().from(clients).where(eq(clients.telegramUserId, props.telegramUserId)).for('update');
    if (!client || Boolean(client.blockedAt) === props.blocked) return false;
    await tx.db
      .update(clients)
      .set({ blockedAt: props.blocked ? new Date() : null, updatedAt: new Date() })
      .where(eq(clients.id, client.id));
    await recordEvent(tx, {
      actor: { telegramUserId: props.telegramUserId },
      subjectType: 'client',
      subjectId: client.id,
      name: props.blocked ? 'client.blocked_bot' : 'client.unblocked_bot',
      before: { blocked: !props.blocked },
      after: { blocked: props.blocked },
    });
    const [dialog] = await tx.db.select().from(dialogs).where(eq(dialogs.clientId, client.id));
    if (dialog) {
      await enqueueTelegram(
        ctx,
        tx,
        {
          chatId: dialog.managersChatId,
          method: 'sendMessage',
          payload: { text: props.blocked ? BLOCKED_NOTICE : UNBLOCKED_NOTICE },
          target: { topicOfDialog: dialog.id },
        },
        { chatId: dialog.managersChatId, method: REFRESH_CLIENT_CARD, target: { topicOfDialog: dialog.id } },
      );
      tx.afterCommit(() => ctx.live.publish({ channel: 'dialogs', type: 'message', data: { dialogId: dialog.id } }));
    }
    return true;
  });
}
