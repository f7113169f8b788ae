import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { clients, messages } from '../db/schema.js';
import { inTransaction, recordEvent, type CommandContext } from './context.js';
import { messageByTelegramId, type Dialog } from './dialogs.js';
import type { IncomingMessage } from './relayTypes.js';
import { enqueueTelegram } from './telegramOutbox.js';

/** The note posted when a mirror cannot be edited in place. */
export const EDITED_NOTE = '✏️ Сообщение изменено:';

export interface Props {
  dialog: Dialog;
  /** Where the edit happened: the client's chat or the managers' topic. */
  side: 'client' | 'topic';
  /** Telegram user id of who edited. */
  editorTelegramId: number;
  /** The edited message as Telegram now shows it. */
  message: IncomingMessage;
}

/**
 * Applies an edit to the stored message and to its mirror on the other side.
 * When the mirror cannot be edited (media swapped, too old…), the outbox
 * worker posts an "edited" note replying to it instead.
 * Returns false when the message is unknown (e.g. written before Hotline).
 */
export async function recordEdit(ctx: CommandContext, props: Props, tx?: Tx): Promise<boolean> {
  return inTransaction(ctx, tx, async (tx) => {
    const { dialog, side, message: edited } = props;
    const stored = await messageByTelegramId(tx, dialog.id, side, edited.telegramMessageId);
    if (!stored) return false;
    const text = edited.text ?? null;
    if (text === stored.text && JSON.stringify(edited.entities ?? null) === JSON.stringify(stored.entities)) return true;
    await tx.db
      .update(messages)
      .set({ text, entities: edited.entities ?? null, editedAt: new Date() })
      .where(eq(messages.id, stored.id));
    await recordEvent(tx, {
      actor: { telegramUserId: props.editorTelegramId },
      subjectType: 'message',
      subjectId: stored.id,
      name: 'message.edited',
      before: { text: stored.text },
      after: { text },
    });
    if (stored.direction === 'note') return true;
    const otherSide = side === 'client' ? 'topic' : 'client';
    const [client] = await tx.db.select().from(clients).where(eq(clients.id, dialog.clientId));
    const chatId = otherSide === 'topic' ? dialog.managersChatId : client!.telegramUserId;
    const target = { message: stored.id, side: otherSide, ...(otherSide === 'topic' ? { topicOfDialog: dialog.id } : {}) } as const;
    const mirror = otherSide === 'topic' ? stored.topicMessageId : stored.clientChatMessageId;
    const sharedMirror =
      mirror !== null &&
      otherSide === 'topic' &&
      (await tx.db.select({ id: messages.id }).from(messages).where(and(eq(messages.dialogId, dialog.id), eq(messages.topicMessageId, mirror)))).length > 1;
    if (sharedMirror) {
      // Merged with other texts into one topic message: editing it would erase them.
      await enqueueTelegram(ctx, tx, {
        chatId,
        method: 'sendMessage',
        payload: { text: `${EDITED_NOTE}\n${text ?? ''}` },
        target: { topicOfDialog: dialog.id, replyToMessage: stored.id, side: 'topic' },
      });
      return true;
    }
    const payload = edited.isCaption
      ? { caption: text ?? '', caption_entities: edited.entities ?? [] }
      : { text: text ?? '', entities: edited.entities ?? [] };
    await enqueueTelegram(ctx, tx, {
      chatId,
      method: edited.isCaption ? 'editMessageCaption' : 'editMessageText',
      payload,
      target,
    });
    return true;
  });
}
