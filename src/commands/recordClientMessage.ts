import { and, eq, isNull, sql } from 'drizzle-orm';
import { topicName } from '../core/clientCard.js';
import { startParameterOf } from '../core/startParameter.js';
import { prepared, type Tx } from '../db/index.js';
import { clients, dialogs, messages } from '../db/schema.js';
import { inTransaction, type CommandContext } from './context.js';
import { botText, clientLocale } from './botTexts.js';
import { recordMessageDocument } from './recordMessageDocument.js';
import { rateRequest, takeRatingComment, typedRating } from './rateRequest.js';
import { offHoursAnswer } from './answerTime.js';
import { clientDiffers, feedRequestChat, messageByTelegramId, nextSeq, openDialog, touchDialogOfClient, upsertClient, type Client, type Dialog, type StoredMessage } from './dialogs.js';
import type { IncomingMessage, TelegramPerson } from './relayTypes.js';
import { queueTopicTitle } from './dialogStatus.js';
import { ALBUM_QUIET_MS, albumKey, enqueueTelegram, holdAlbum, type TelegramCall } from './telegramOutbox.js';

/** The Russian greeting (src/locales/ru.ftl, `greeting`); GREETING replaces it for clients who read Russian. */
export const DEFAULT_GREETING = botText('ru', 'greeting');

/** The greeting in the client's language: GREETING (the operator's, Russian) or the Fluent text. */
export function greetingFor(languageCode: string | null | undefined, configured: string | undefined): string {
  const locale = clientLocale(languageCode);
  return locale === 'ru' && configured ? configured : botText(locale, 'greeting');
}

export { RENAME_TOPIC } from './dialogStatus.js';

export interface Props {
  /** The client who wrote to the bot privately. */
  from: TelegramPerson;
  /** What they wrote. */
  message: IncomingMessage;
  /**
   * The client's dialog as the relay already touched it for this message
   * (`touchDialogOfClient`, `unlessStaff`): the row, or null when there was
   * none (first contact). Left out, it is touched here.
   */
  touched?: { client: Client; dialog: Dialog } | null;
}

/** The INSERT of a client's message, prepared once per connection (it runs for every message). */
function insertIncoming(tx: Tx) {
  const value = (name: string, type: string) => sql`${sql.placeholder(name)}::${sql.raw(type)}`;
  return prepared(tx, 'insert_client_message', (db, name) =>
    db
      .insert(messages)
      .values({
        dialogId: value('dialogId', 'bigint'),
        seq: nextSeq(value('dialogId', 'bigint')),
        direction: 'in',
        authorName: value('authorName', 'text'),
        clientChatMessageId: value('clientChatMessageId', 'integer'),
        mediaGroupId: value('mediaGroupId', 'text'),
        text: value('text', 'text'),
        entities: value('entities', 'jsonb'),
        media: value('media', 'jsonb'),
        replyToMessageId: value('replyToMessageId', 'bigint'),
        sentAt: value('sentAt', 'timestamptz'),
        skip: value('skip', 'boolean'),
      })
      .returning()
      .prepare(name),
  );
}

/**
 * Stores a client's message and mirrors it into the client's topic (opening
 * the dialog — and, through the outbox, the topic with its client card — on
 * first contact). The client gets the greeting once. A banned client's
 * message is stored, skipped, and relayed nowhere (commands/banClient). A
 * score typed while a rating question waits («5») also rates the request
 * (commands/rateRequest `typedRating`).
 */
export async function recordClientMessage(ctx: CommandContext, props: Props, tx?: Tx): Promise<StoredMessage> {
  return inTransaction(ctx, tx, async (tx) => {
    const incoming = props.message;
    // A returning client whose name is unchanged: one statement finds and locks the dialog.
    const touched = props.touched !== undefined ? (props.touched ?? undefined) : await touchDialogOfClient(tx, props.from.id, incoming.date);
    const known = touched && !clientDiffers(touched.client, props.from) ? touched : undefined;
    const { client, changed } = known ? { client: known.client, changed: false } : await upsertClient(tx, props.from);
    const { dialog } = known ? { dialog: known.dialog } : await openDialog(ctx, tx, client);
    const replyTo = incoming.replyToTelegramMessageId
      ? await messageByTelegramId(tx, dialog.id, 'client', incoming.replyToTelegramMessageId)
      : undefined;
    const [message] = await insertIncoming(tx).execute({
      dialogId: dialog.id,
      authorName: [client.firstName, client.lastName].filter(Boolean).join(' '),
      clientChatMessageId: incoming.telegramMessageId,
      mediaGroupId: incoming.mediaGroupId ?? null,
      text: incoming.text ?? null,
      entities: incoming.entities ? JSON.stringify(incoming.entities) : null,
      media: incoming.media ? JSON.stringify(incoming.media) : null,
      replyToMessageId: replyTo?.id ?? null,
      sentAt: incoming.date.toISOString(),
      // A banned client's message is kept (skipped: it feeds no request) and goes nowhere (commands/banClient).
      skip: client.bannedAt !== null,
    });
    if (client.bannedAt) {
      tx.afterCommit(() => ctx.live.publish({ channel: 'dialogs', type: 'message', data: { dialogId: dialog.id } }));
      return message!;
    }

    // A score typed instead of pressed («5», «4 ⭐») while a rating question waits rates the request as the button
    // would (commands/rateRequest typedRating), after the message is relayed like any other.
    const typed = incoming.media || incoming.mediaGroupId ? undefined : await typedRating(ctx, tx, dialog.id, incoming.text);
    // Right after a rating, the client's next message is also its comment (commands/rateRequest); relayed all the same.
    // A typed score is no comment of an earlier rating: rateRequest opens the window anew for this one.
    let ratingComment = false;
    if (!typed && dialog.ratingCommentUntil) {
      if (dialog.ratingCommentUntil > new Date()) ratingComment = await takeRatingComment(tx, dialog.id, incoming.text);
      else await tx.db.update(dialogs).set({ ratingCommentUntil: null }).where(eq(dialogs.id, dialog.id));
    }
    const calls: TelegramCall[] = [];
    if (dialog.status === 'closed') {
      calls.push({ chatId: dialog.managersChatId, method: 'reopenForumTopic', target: { topicOfDialog: dialog.id } });
    }
    // A plain text may be merged with the client's next texts if the group is backlogged.
    const repliedToUnknown = incoming.replyToTelegramMessageId !== undefined && !replyTo;
    const mergeable = incoming.text !== undefined && !incoming.media && !incoming.mediaGroupId && !replyTo && !repliedToUnknown;
    calls.push({
      chatId: dialog.managersChatId,
      method: 'copyMessage',
      payload: {
        from_chat_id: client.telegramUserId,
        message_id: incoming.telegramMessageId,
        ...(mergeable ? { merge: { text: incoming.text, entities: incoming.entities } } : {}),
      },
      target: {
        topicOfDialog: dialog.id,
        replyToMessage: replyTo?.id,
        side: 'topic',
        ...(repliedToUnknown ? { replyToTelegram: { dialogId: dialog.id, side: 'client', telegramMessageId: incoming.replyToTelegramMessageId! } } : {}),
      },
      link: { messages: [message!.id], side: 'topic' },
      ...(incoming.mediaGroupId
        ? { coalesceKey: albumKey(incoming.mediaGroupId), notBefore: new Date(Date.now() + ALBUM_QUIET_MS) }
        : mergeable
          ? { coalesceKey: `text:${dialog.id}` }
          : {}),
    });
    // Where the client came from: the first deep link's parameter is kept (core/startParameter).
    const startParameter = client.startParameter ? undefined : startParameterOf(incoming.text);
    if (startParameter) {
      await tx.db
        .update(clients)
        .set({ startParameter })
        .where(and(eq(clients.id, client.id), isNull(clients.startParameter)));
    }
    // Housekeeping after the client's message (client content first, ARCHITECTURE §5).
    // A topic not yet created gets its card from the database when it is (jobs/topics): no refresh needed.
    if (changed || (startParameter && dialog.topicId !== null)) {
      calls.push({ chatId: dialog.managersChatId, method: 'hotline.refreshClientCard', target: { topicOfDialog: dialog.id } });
    }
    // The client now waits for us (issue 19.1): a new name, or a new status, shows in the topic's title once it
    // held for a while (commands/dialogStatus); a topic not yet created gets its title when it is (jobs/topics).
    // A rating's comment or typed score answers our question: it does not make the client wait for us (a closed dialog still reopens).
    const startsWaiting = (dialog.waitingSince === null && !ratingComment && !typed) || dialog.status !== 'open';
    const renamed = changed && topicName(client) !== topicName(touched?.client ?? client);
    if ((startsWaiting || renamed) && dialog.topicId !== null) await queueTopicTitle(ctx, tx, dialog);
    if (!client.greetedAt) {
      calls.push({ chatId: client.telegramUserId, method: 'sendMessage', payload: { text: greetingFor(client.language, ctx.config.greeting) } });
      await tx.db.update(clients).set({ greetedAt: new Date() }).where(eq(clients.id, client.id));
    }
    // Outside working hours the client is told when we answer, once per off-hours period (issue 19.3); a typed score is thanked instead.
    const offHours = typed ? undefined : await offHoursAnswer(ctx, tx, dialog, client);
    if (offHours) calls.push(offHours);
    await enqueueTelegram(ctx, tx, ...calls);
    if (typed) await rateRequest(ctx, { clientTelegramId: client.telegramUserId, ...typed }, tx);
    if (incoming.mediaGroupId) await holdAlbum(tx, incoming.mediaGroupId);
    if (!known || startsWaiting) {
      // One write: waiting since this message unless the client already waited (a hold keeps its wait); hold and closed end.
      await tx.db
        .update(dialogs)
        .set({
          lastMessageAt: incoming.date,
          ...(startsWaiting ? { status: 'open', waitingSince: sql`coalesce(${dialogs.waitingSince}, ${incoming.date.toISOString()}::timestamptz)` } : {}),
        })
        .where(eq(dialogs.id, dialog.id));
    }
    await feedRequestChat(ctx, tx, dialog, message!);
    await recordMessageDocument(ctx, tx, message!);
    tx.afterCommit(() => ctx.live.publish({ channel: 'dialogs', type: 'message', data: { dialogId: dialog.id } }));
    return message!;
  });
}
