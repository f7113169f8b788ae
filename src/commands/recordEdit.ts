import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { clients, messages, type MessageMedia, type OutboxTarget } from '../db/schema.js';
import { composeNote, type Entity, type FormattedText } from '../core/composeText.js';
import { recordMessageDocument } from './recordMessageDocument.js';
import { inTransaction, recordEvent, type CommandContext } from './context.js';
import { messageByTelegramId, type Dialog } from './dialogs.js';
import type { IncomingMessage } from './relayTypes.js';
import { enqueueTelegram, type TelegramCall } from './telegramOutbox.js';
import { botText } from './botTexts.js';

/** The note posted when a mirror cannot be edited in place. */
/** The note's head for managers (Russian, src/locales/ru.ftl `edited-note`); a client gets it in their language. */
export const EDITED_NOTE = botText('ru', 'edited-note');

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
    const textChanged = text !== stored.text || JSON.stringify(edited.entities ?? null) !== JSON.stringify(stored.entities);
    // A replaced photo or file: another file (Telegram's file_unique_id), even with the same caption.
    const mediaChanged = Boolean(edited.media?.fileUniqueId && stored.media?.fileUniqueId && edited.media.fileUniqueId !== stored.media.fileUniqueId);
    if (!textChanged && !mediaChanged) return true;
    const media: MessageMedia | null = mediaChanged
      ? {
          ...edited.media!,
          // Every earlier file stays known (and, as a document, on the platform).
          previous: [
            ...(stored.media?.previous ?? []),
            { fileId: stored.media!.fileId!, fileUniqueId: stored.media!.fileUniqueId, kind: stored.media!.kind, replacedAt: new Date().toISOString() },
          ],
        }
      : stored.media;
    await tx.db
      .update(messages)
      .set({ text, entities: edited.entities ?? null, media, editedAt: new Date() })
      .where(eq(messages.id, stored.id));
    await recordEvent(tx, {
      actor: { telegramUserId: props.editorTelegramId },
      subjectType: 'message',
      subjectId: stored.id,
      name: 'message.edited',
      before: { text: stored.text, ...(mediaChanged ? { fileUniqueId: stored.media?.fileUniqueId } : {}) },
      after: { text, ...(mediaChanged ? { fileUniqueId: media?.fileUniqueId } : {}) },
    });
    if (mediaChanged) await recordMessageDocument(ctx, tx, { id: stored.id, dialogId: stored.dialogId, media });
    if (stored.direction === 'note') return true;
    const otherSide = side === 'client' ? 'topic' : 'client';
    const [client] = await tx.db.select().from(clients).where(eq(clients.id, dialog.clientId));
    // While the client is banned (commands/banClient) edits are stored and relayed neither way.
    if (client!.bannedAt) return true;
    const chatId = otherSide === 'topic' ? dialog.managersChatId : client!.telegramUserId;
    const target = { message: stored.id, side: otherSide, ...(otherSide === 'topic' ? { topicOfDialog: dialog.id } : {}) } as const;
    const mirror = otherSide === 'topic' ? stored.topicMessageId : stored.clientChatMessageId;
    const sharedMirror =
      mirror !== null &&
      otherSide === 'topic' &&
      (await tx.db.select({ id: messages.id }).from(messages).where(and(eq(messages.dialogId, dialog.id), eq(messages.topicMessageId, mirror)))).length > 1;
    if (sharedMirror) {
      // Merged with other texts into one topic message: editing it would erase them.
      await enqueueTelegram(
        ctx,
        tx,
        ...editedNoteCalls(chatId, { text: text ?? '', entities: edited.entities as Entity[] | undefined }, { topicOfDialog: dialog.id, replyToMessage: stored.id, side: 'topic' }),
      );
      return true;
    }
    const source = { from_chat_id: side === 'client' ? client!.telegramUserId : dialog.managersChatId, message_id: edited.telegramMessageId };
    if (mediaChanged && media && EDITABLE_MEDIA.has(media.kind)) {
      await enqueueTelegram(ctx, tx, {
        chatId,
        method: 'editMessageMedia',
        payload: {
          media: { type: media.kind, media: media.fileId, caption: text ?? '', caption_entities: edited.entities ?? [] },
          // If the mirror can't take new media, the new version is copied next to it (src/jobs/telegramOutbox.ts).
          fallback: source,
        },
        target,
      });
      return true;
    }
    if (mediaChanged) {
      // A kind editMessageMedia does not take (voice, sticker…): the new version goes as a copy replying to the old one.
      await enqueueTelegram(ctx, tx, {
        chatId,
        method: 'copyMessage',
        payload: source,
        target: { replyToMessage: stored.id, side: otherSide, ...(otherSide === 'topic' ? { topicOfDialog: dialog.id } : {}) },
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

/** Media editMessageMedia accepts (Bot API docs, InputMedia). */
const EDITABLE_MEDIA = new Set<MessageMedia['kind']>(['animation', 'audio', 'document', 'photo', 'video']);

/**
 * The "✏️ Сообщение изменено:" note for a mirror that can't be edited, with
 * the new text's formatting, as as many messages as Telegram's 4,096-character
 * limit needs (src/core/composeText.ts). The first part replies to the mirror.
 */
export function editedNoteCalls(chatId: number, edited: FormattedText, target: OutboxTarget, note: string = EDITED_NOTE): TelegramCall[] {
  return composeNote(note, edited).map((part, i) => ({
    chatId,
    method: 'sendMessage',
    payload: { text: part.text, ...(part.entities ? { entities: part.entities } : {}) },
    target: i === 0 ? target : { ...target, replyToMessage: undefined },
  }));
}
