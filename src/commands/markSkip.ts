import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { messages, requestMessages } from '../db/schema.js';
import { inTransaction, recordEvent, type CommandContext } from './context.js';
import { feedRequestChat, messageByTelegramId, type Dialog } from './dialogs.js';
import { enqueueTelegram } from './telegramOutbox.js';
import { markReaction, SKIP_MARK } from '../core/topicMarks.js';

export interface Props {
  dialog: Dialog;
  /** The topic message the manager replied to with /skip or /unskip. */
  topicMessageId: number;
  skip: boolean;
  /** Telegram user id of the manager. */
  managerTelegramId: number;
}

/**
 * Marks a dialog message as skipped (not copied into requests on the
 * platform) or reverts that. Returns the number of messages changed — an
 * album or a coalesced mirror counts each of its messages — or `null`, with
 * nothing changed, when the topic message is not one of the dialog's (the
 * bot's own card or answer, a service message): the caller, the bot only,
 * answers in its own words (src/locales, `manager-skip-not-dialog`).
 */
export async function markSkip(ctx: CommandContext, props: Props, tx?: Tx): Promise<number | null> {
  return inTransaction(ctx, tx, async (tx) => {
    const target = await messageByTelegramId(tx, props.dialog.id, 'topic', props.topicMessageId);
    if (!target) return null;
    // Every stored message shown as this one topic message (an album part or coalesced texts).
    const shown = await tx.db
      .select()
      .from(messages)
      .where(and(eq(messages.dialogId, props.dialog.id), eq(messages.topicMessageId, props.topicMessageId)));
    const changed = shown.filter((m) => m.skip !== props.skip);
    if (changed.length === 0) return 0;
    const ids = changed.map((m) => m.id);
    await tx.db.update(messages).set({ skip: props.skip }).where(inArray(messages.id, ids));
    if (props.skip) {
      // A skipped message leaves the chats of the requests it was copied into…
      await tx.db.delete(requestMessages).where(inArray(requestMessages.messageId, ids));
    } else {
      // …and an unskipped one joins the chat of the request the dialog feeds.
      for (const message of changed) await feedRequestChat(ctx, tx, props.dialog, { ...message, skip: false });
    }
    // The lasting mark in the topic: 🙈 while skipped, none after /unskip (core/topicMarks).
    await enqueueTelegram(ctx, tx, {
      chatId: props.dialog.managersChatId,
      method: 'setMessageReaction',
      payload: markReaction(props.topicMessageId, props.skip ? SKIP_MARK : null),
    });
    for (const message of changed) {
      await recordEvent(tx, {
        actor: { telegramUserId: props.managerTelegramId },
        subjectType: 'message',
        subjectId: message.id,
        name: props.skip ? 'message.skipped' : 'message.unskipped',
        before: { skip: message.skip },
        after: { skip: props.skip },
      });
    }
    return changed.length;
  });
}
