/**
 * A dialog's status (issue 19.1): `/hold`, `/unhold` and `/close` in the
 * topic and the same buttons on the dialogs page, and the paced rename that
 * shows the status in the topic's title.
 *
 * What is stored: `dialogs.status` (`open` | `on_hold` | `closed`) and
 * `dialogs.waiting_since`; whether the client or we are waiting is derived
 * from them (core/dialogStatus). Each change is one conditional write on the
 * dialog's row, so two managers or two instances never both apply it.
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { dialogs, telegramOutbox, users } from '../db/schema.js';
import { dialogStatusOf, type DialogStatus } from '../core/dialogStatus.js';
import { escapeHtml } from '../core/html.js';
import { mayChangeDialogStatus, type Viewer } from '../policies/access.js';
import { botText, MANAGERS_LOCALE } from './botTexts.js';
import { ForbiddenError, inTransaction, NotFoundError, recordEvent, type CommandContext } from './context.js';
import type { Dialog } from './dialogs.js';
import { enqueueTelegram, type TelegramCall } from './telegramOutbox.js';
import { setDialogOwner } from './dialogOwner.js';

/** The outbox step that gives a dialog's topic its title: status emoji and client's name (src/jobs/topicTitle.ts). */
export const RENAME_TOPIC = 'hotline.renameTopic';

/** The outbox queue of a dialog's title: apart from its messages, so a title held back never holds them up. */
export const titleQueue = (dialogId: number): string => `title:${dialogId}`;

/**
 * Asks for the dialog's topic title to be brought up to date once its status
 * has held for TOPIC_TITLE_DELAY_SECONDS: a waiting rename of the dialog is
 * pushed back (one conditional write), else one is queued. The step reads
 * the status and name when it runs and skips a title already shown, so a
 * back-and-forth chat costs one rename when it settles, not one per message
 * (each rename is a service message of the group's 20 a minute).
 */
export async function queueTopicTitle(ctx: Pick<CommandContext, 'live' | 'config'>, tx: Tx, dialog: Pick<Dialog, 'id' | 'managersChatId'>): Promise<void> {
  const delaySeconds = ctx.config.topicTitleDelaySeconds;
  const pushed = await tx.db
    .update(telegramOutbox)
    .set({ notBefore: sql`now() + make_interval(secs => ${delaySeconds}::float8)` })
    .where(
      and(
        eq(telegramOutbox.queue, titleQueue(dialog.id)),
        eq(telegramOutbox.state, 'pending'),
        sql`${telegramOutbox.leaseUntil} IS NULL`,
      ),
    )
    .returning({ id: telegramOutbox.id });
  if (pushed.length > 0) return;
  await enqueueTelegram(ctx, tx, {
    chatId: dialog.managersChatId,
    method: RENAME_TOPIC,
    target: { topicOfDialog: dialog.id },
    queue: titleQueue(dialog.id),
    coalesceKey: `rename:${dialog.id}`,
    notBefore: new Date(Date.now() + delaySeconds * 1000),
  });
}

/**
 * What our message to the client — a typed answer in the topic
 * (commands/recordManagerMessage) or a quick reply (commands/sendQuickReply)
 * — does to its dialog: `lastMessageAt` becomes `at`; when `answered` (the
 * client gets it: not a note, not a client who blocked the bot) the client no
 * longer waits for us (issue 19.1: `waitingSince` cleared, the title follows
 * once that held, `queueTopicTitle`) and the first answer to a dialog nobody
 * owns makes its author the owner unless DIALOG_ASSIGNMENT is `manual`
 * (issue 19.2, commands/dialogOwner). `author` is asked only then.
 */
export async function recordOurAnswer(
  ctx: CommandContext,
  tx: Tx,
  props: { dialog: Pick<Dialog, 'id' | 'managersChatId' | 'ownerUserId' | 'waitingSince' | 'status'>; at: Date; answered: boolean; author: () => Promise<Viewer> },
): Promise<void> {
  const { dialog, answered } = props;
  if (answered && dialog.ownerUserId === null && ctx.config.dialogAssignment !== 'manual') {
    const author = await props.author();
    await setDialogOwner(ctx, { actor: author, dialogId: dialog.id, ownerUserId: author.userId, how: 'first_answer' }, tx);
  }
  await tx.db
    .update(dialogs)
    .set({ lastMessageAt: props.at, ...(answered ? { waitingSince: null } : {}) })
    .where(eq(dialogs.id, dialog.id));
  if (answered && dialog.waitingSince !== null && dialog.status === 'open') await queueTopicTitle(ctx, tx, dialog);
}

/** What a manager asks for: park the dialog, unpark it, or close it. */
export type StatusChange = 'hold' | 'unhold' | 'close';

export interface Props {
  /** A manager in the topic or on the dialogs page. */
  actor: Viewer;
  dialogId: number;
  change: StatusChange;
}

export interface StatusState {
  status: DialogStatus;
  /** False when the dialog already was so (nothing written). */
  changed: boolean;
}

/**
 * `/hold` parks a dialog until the client writes again or `/unhold`;
 * `/close` closes it and its topic (closeForumTopic; the client's next
 * message reopens both, commands/recordClientMessage). Errors: ForbiddenError
 * (403) for anyone but our staff (`mayChangeDialogStatus`), NotFoundError
 * (404) for an unknown dialog. `/unhold` of a dialog not on hold and `/hold`
 * of a closed one change nothing (`changed` false).
 */
export async function setDialogStatus(ctx: CommandContext, props: Props, tx?: Tx): Promise<StatusState> {
  return inTransaction(ctx, tx, async (tx) => {
    if (!(await mayChangeDialogStatus(tx.db, props.actor))) throw new ForbiddenError('Статус диалога меняют только менеджеры');
    const [dialog] = await tx.db.select().from(dialogs).where(eq(dialogs.id, props.dialogId));
    if (!dialog) throw new NotFoundError('Диалог не найден');
    const to = props.change === 'hold' ? 'on_hold' : props.change === 'close' ? 'closed' : 'open';
    // The one conditional write: hold only an open dialog, unhold only a held one, close any not closed.
    const from = props.change === 'hold' ? eq(dialogs.status, 'open') : props.change === 'unhold' ? eq(dialogs.status, 'on_hold') : ne(dialogs.status, 'closed');
    const [updated] = await tx.db
      .update(dialogs)
      // A closed conversation is over: the client's next message starts a new wait.
      .set({ status: to, ...(to === 'closed' ? { waitingSince: null } : {}) })
      .where(and(eq(dialogs.id, dialog.id), from))
      .returning();
    if (!updated) {
      const [current] = await tx.db.select().from(dialogs).where(eq(dialogs.id, dialog.id));
      return { status: dialogStatusOf(current ?? dialog), changed: false };
    }
    await recordEvent(tx, {
      actor: { userId: props.actor.userId },
      subjectType: 'dialog',
      subjectId: dialog.id,
      name: `dialog.${props.change === 'hold' ? 'held' : props.change === 'unhold' ? 'unheld' : 'closed'}`,
      before: { status: dialog.status },
      after: { status: to },
    });
    const calls: TelegramCall[] = [];
    // The topic hears of every change, from the topic or the page (a command's answer too).
    if (dialog.topicId !== null) {
      const [actor] = await tx.db.select({ name: users.name }).from(users).where(eq(users.id, props.actor.userId));
      const by = escapeHtml(actor?.name ?? '—');
      const text = botText(MANAGERS_LOCALE, `dialog-status-${props.change}`, { by });
      calls.push({ chatId: dialog.managersChatId, method: 'sendMessage', payload: { text, parse_mode: 'HTML' }, target: { topicOfDialog: dialog.id } });
      if (to === 'closed') calls.push({ chatId: dialog.managersChatId, method: 'closeForumTopic', target: { topicOfDialog: dialog.id } });
    }
    await enqueueTelegram(ctx, tx, ...calls);
    await queueTopicTitle(ctx, tx, dialog);
    tx.afterCommit(() => ctx.live.publish({ channel: 'dialogs', type: 'message', data: { dialogId: dialog.id } }));
    return { status: dialogStatusOf(updated), changed: true };
  });
}
