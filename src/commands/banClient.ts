/**
 * The blocklist (issue 19.7): a manager bans a client with a reason (`/ban`
 * in the client's topic, or the dialogs page). While banned, the client's
 * messages are stored (skipped: they feed no request) but never relayed to the
 * topic, and the bot sends the client nothing — no greeting, no managers'
 * messages, no platform posts or files. `/unban` (or the page) lifts it.
 *
 * While banned the dialog waits for nobody (issue 19, part 1): it shows as
 * ⛔ «в чёрном списке» (core/dialogStatus) in the topic's title, on the client
 * card and on the dialogs page, and is in no «waiting» list, order or
 * reminder (commands/answerTime, platform/routes/dialogs). What `dialogs`
 * stores (status, the wait) is left as it was, so after `/unban` the dialog
 * shows its true state again: a client who waited for our answer before the
 * ban waits again — a new wait, counted from the unban (the ban's time is no
 * waiting for us, issue 19's tester): no reminder at once, one when the
 * answer-time limit has passed since the unban. Messages written while banned
 * start no wait.
 */
import { and, count, eq, gte, isNotNull } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { clients, dialogs, messages, users } from '../db/schema.js';
import { mayBanClients, type Viewer } from '../policies/access.js';
import { escapeHtml } from '../core/html.js';
import { botText, MANAGERS_LOCALE } from './botTexts.js';
import { ForbiddenError, inTransaction, NotFoundError, recordEvent, ValidationError, type CommandContext } from './context.js';
import { queueTopicTitle } from './dialogStatus.js';
import { enqueueTelegram } from './telegramOutbox.js';
import { FieldErrors } from './validation.js';

/** The longest reason kept, in characters (a sentence, not a dossier). */
export const BAN_REASON_MAX = 500;

export interface Props {
  actor: Viewer;
  /** The dialog of the client to ban or let back. */
  dialogId: number;
  banned: boolean;
  /** Why (required to ban; 1–500 characters after trimming). */
  reason?: string;
}

export interface BanState {
  /** When the ban began (UTC), or null when the client is not banned. */
  bannedAt: Date | null;
  reason: string | null;
  /** False when the client already was in the asked state (nothing was written). */
  changed: boolean;
}

/**
 * Puts a dialog's client on the blocklist or takes them off, and says so once in
 * the client's topic (who, why; on unban, how many messages came meanwhile —
 * they are on the platform). Repeating the same state changes nothing.
 * Errors: 403 ForbiddenError for anyone but our managers and admins
 * (`mayBanClients`); 404 for an unknown dialog; 400 FieldErrors `reason` when
 * banning without a reason or with one longer than {@link BAN_REASON_MAX}.
 */
export async function banClient(ctx: CommandContext, props: Props, tx?: Tx): Promise<BanState> {
  return inTransaction(ctx, tx, async (tx) => {
    if (!(await mayBanClients(tx.db, props.actor))) throw new ForbiddenError('Чёрный список ведут только менеджеры');
    const [row] = await tx.db
      .select({ client: clients, dialog: dialogs })
      .from(dialogs)
      .innerJoin(clients, eq(clients.id, dialogs.clientId))
      .where(eq(dialogs.id, props.dialogId))
      .for('update', { of: clients });
    if (!row) throw new NotFoundError('Диалог не найден');
    const reason = (props.reason ?? '').trim();
    if (props.banned) {
      if (!reason) throw new FieldErrors({ reason: 'Напишите причину' });
      if ([...reason].length > BAN_REASON_MAX) throw new FieldErrors({ reason: `Причина: не длиннее ${BAN_REASON_MAX} символов` });
    }
    const { client, dialog } = row;
    if (Boolean(client.bannedAt) === props.banned) return { bannedAt: client.bannedAt, reason: client.banReason, changed: false };
    const now = new Date();
    const bannedAt = props.banned ? now : null;
    await tx.db
      .update(clients)
      .set({ bannedAt, banReason: props.banned ? reason : null, updatedAt: now })
      .where(eq(clients.id, client.id));
    // Let back while waiting for our answer: the wait starts afresh at the unban (commands/answerTime).
    // One conditional write: the dialog as it is now, not as read above (its row is not locked here).
    if (!props.banned) {
      await tx.db
        .update(dialogs)
        .set({ waitingSince: now })
        .where(and(eq(dialogs.id, dialog.id), eq(dialogs.status, 'open'), isNotNull(dialogs.waitingSince)));
    }
    const [actor] = await tx.db.select({ name: users.name }).from(users).where(eq(users.id, props.actor.userId));
    const who = escapeHtml(actor?.name ?? '—');
    let text: string;
    if (props.banned) {
      text = botText(MANAGERS_LOCALE, 'client-banned-notice', { who, reason: escapeHtml(reason) });
    } else {
      // What the client wrote while banned is on the platform, not in the topic: say how much
      // (by when it was stored: Telegram's `date` has whole seconds).
      const [meanwhile] = await tx.db
        .select({ n: count() })
        .from(messages)
        .where(and(eq(messages.dialogId, dialog.id), eq(messages.direction, 'in'), gte(messages.createdAt, client.bannedAt!)));
      text = botText(MANAGERS_LOCALE, 'client-unbanned-notice', { who, count: meanwhile?.n ?? 0 });
    }
    await recordEvent(tx, {
      actor: { userId: props.actor.userId },
      subjectType: 'client',
      subjectId: client.id,
      name: props.banned ? 'client.banned' : 'client.unbanned',
      before: { banned: Boolean(client.bannedAt), reason: client.banReason },
      after: { banned: props.banned, reason: props.banned ? reason : null },
    });
    await enqueueTelegram(ctx, tx, {
      chatId: dialog.managersChatId,
      method: 'sendMessage',
      payload: { text, parse_mode: 'HTML' },
      target: { topicOfDialog: dialog.id },
    });
    // The title shows ⛔ while banned and the true status after: one paced rename (a quick ban and unban cost none).
    if (dialog.topicId !== null) await queueTopicTitle(ctx, tx, dialog);
    tx.afterCommit(() => ctx.live.publish({ channel: 'dialogs', type: 'message', data: { dialogId: dialog.id } }));
    return { bannedAt, reason: props.banned ? reason : null, changed: true };
  });
}

/**
 * Refuses a send to a banned client from the platform (a chat post «to the
 * client», a file «send to the client»): a ValidationError on `field` that
 * says how to lift the ban. Nothing to do for a dialog-less request.
 */
export async function refuseSendToBannedClient(tx: Tx, dialogId: number | null, field: string): Promise<void> {
  if (!dialogId) return;
  const [row] = await tx.db
    .select({ bannedAt: clients.bannedAt })
    .from(dialogs)
    .innerJoin(clients, eq(clients.id, dialogs.clientId))
    .where(eq(dialogs.id, dialogId));
  if (row?.bannedAt) {
    throw new ValidationError('Клиент в чёрном списке: бот ничего ему не отправляет. Снимите блокировку на странице «Диалоги» или командой /unban в теме', field);
  }
}
