import { eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { clients, messages, users } from '../db/schema.js';
import { managerRefusal } from '../policies/access.js';
import { markReaction, NOTE_MARK } from '../core/topicMarks.js';
import { botText, MANAGERS_LOCALE } from './botTexts.js';
import { actingManager, ensureManagerUser } from './ensureManagerUser.js';
import { inTransaction, type CommandContext } from './context.js';
import { feedRequestChat, messageByTelegramId, nextSeq, type Dialog, type StoredMessage } from './dialogs.js';
import { recordMessageDocument } from './recordMessageDocument.js';
import type { IncomingMessage, TelegramPerson } from './relayTypes.js';
import { recordOurAnswer } from './dialogStatus.js';
import { ALBUM_QUIET_MS, albumKey, enqueueTelegram, holdAlbum } from './telegramOutbox.js';

/** A manager's message that starts with this is an internal note: stored, never sent to the client. */
export const NOTE_PREFIX = '!';

export interface Props {
  /** The dialog whose topic the manager wrote in. */
  dialog: Dialog;
  /** The manager. */
  from: TelegramPerson;
  message: IncomingMessage;
}

/**
 * Stores what a manager wrote in a client's topic and sends it to the client
 * as the bot (a copy, not a forward). Internal notes (`!…`) stay in the topic
 * and are skipped by default. A member of the group whose platform account is
 * disabled, or is not a manager's (`managerRefusal`, the rule commands and
 * card buttons use), speaks for nobody: the message is kept as a skipped
 * note, never sent, and the topic is told why under it.
 */
export async function recordManagerMessage(ctx: CommandContext, props: Props, tx?: Tx): Promise<StoredMessage> {
  return inTransaction(ctx, tx, async (tx) => {
    const { dialog, from, message: incoming } = props;
    // A member who writes in a topic is known to the platform from then on (as a command makes them): a rating can count
    // for them (commands/rateRequest creditedManager), and their own private chat with the bot is no client dialog.
    await ensureManagerUser(tx, from);
    const [account] = await tx.db.select({ role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.telegramUserId, from.id));
    const [client] = await tx.db.select().from(clients).where(eq(clients.id, dialog.clientId));
    // The bot sends a banned client nothing (commands/banClient): the message stays a note, and the topic is told.
    const typedNote = (incoming.text ?? '').trimStart().startsWith(NOTE_PREFIX);
    const refusal =
      (account ? managerRefusal(account) : null) ?? (client?.bannedAt && !typedNote ? botText(MANAGERS_LOCALE, 'manager-message-to-banned') : null);
    const isNote = refusal !== null || typedNote;
    // An answer reaches the client. Not so for a client who blocked the bot: the message goes out (the outbox marks it
    // undelivered and tells the topic, jobs/telegramOutbox), but the client has no answer.
    const answered = !isNote && !client?.blockedAt;
    const replyTo = incoming.replyToTelegramMessageId
      ? await messageByTelegramId(tx, dialog.id, 'topic', incoming.replyToTelegramMessageId)
      : undefined;
    const [message] = await tx.db
      .insert(messages)
      .values({
        dialogId: dialog.id,
        seq: nextSeq(dialog.id),
        direction: isNote ? 'note' : 'out',
        authorTelegramId: from.id,
        authorName: [from.first_name, from.last_name].filter(Boolean).join(' '),
        topicMessageId: incoming.telegramMessageId,
        mediaGroupId: incoming.mediaGroupId ?? null,
        text: incoming.text ?? null,
        entities: incoming.entities ?? null,
        media: incoming.media ?? null,
        skip: isNote,
        replyToMessageId: replyTo?.id ?? null,
        sentAt: incoming.date,
      })
      .returning();
    if (!isNote) {
      await enqueueTelegram(ctx, tx, {
        chatId: client!.telegramUserId,
        method: 'copyMessage',
        payload: { from_chat_id: dialog.managersChatId, message_id: incoming.telegramMessageId },
        target: {
          replyToMessage: replyTo?.id,
          side: 'client',
          ...(incoming.replyToTelegramMessageId !== undefined && !replyTo
            ? { replyToTelegram: { dialogId: dialog.id, side: 'topic', telegramMessageId: incoming.replyToTelegramMessageId } }
            : {}),
        },
        link: { messages: [message!.id], side: 'client' },
        ...(incoming.mediaGroupId
          ? { coalesceKey: albumKey(incoming.mediaGroupId), notBefore: new Date(Date.now() + ALBUM_QUIET_MS) }
          : {}),
      });
      if (incoming.mediaGroupId) await holdAlbum(tx, incoming.mediaGroupId);
    } else {
      // The lasting mark: ✍ on a message the client never saw (core/topicMarks).
      await enqueueTelegram(ctx, tx, { chatId: dialog.managersChatId, method: 'setMessageReaction', payload: markReaction(incoming.telegramMessageId, NOTE_MARK) });
    }
    if (refusal) {
      await enqueueTelegram(ctx, tx, {
        chatId: dialog.managersChatId,
        method: 'sendMessage',
        payload: {
          text: botText(MANAGERS_LOCALE, 'manager-message-not-sent', { reason: refusal }),
          reply_parameters: { message_id: incoming.telegramMessageId, allow_sending_without_reply: true },
        },
        target: { topicOfDialog: dialog.id },
      });
    }
    // We answered: the client no longer waits for us, and the first answer may take the dialog (commands/dialogStatus).
    await recordOurAnswer(ctx, tx, { dialog, at: incoming.date, answered, author: () => actingManager(tx, from) });
    await feedRequestChat(ctx, tx, dialog, message!);
    await recordMessageDocument(ctx, tx, message!);
    tx.afterCommit(() => ctx.live.publish({ channel: 'dialogs', type: 'message', data: { dialogId: dialog.id } }));
    return message!;
  });
}
