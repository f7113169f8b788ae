/**
 * A quick reply with a file (issue 19.4, commands/sendQuickReply): the file
 * goes into the client's topic with the text as its caption — uploaded from
 * storage the first time (as `documents.send` does, jobs/media.ts), by the
 * file_id Telegram gave back ever after — and to the client by that file_id
 * through the outbox. A text longer than a caption may be (1024 characters,
 * Bot API sendDocument) follows the file as its own message on both sides.
 */
import { eq } from 'drizzle-orm';
import { InputFile, type Api } from 'grammy';
import type { MessageEntity } from '@grammyjs/types';
import type { CommandContext } from '../commands/context.js';
import type { QuickReplyFileJob } from '../commands/sendQuickReply.js';
import { enqueueTelegram, type TelegramCall } from '../commands/telegramOutbox.js';
import { CAPTION_MAX } from '../core/quickReply.js';
import { clients, dialogs, documents, messages } from '../db/schema.js';
import type { Storage } from '../documents/storage.js';
import { telegramUploadName } from './media.js';

export async function sendQuickReplyFile(ctx: CommandContext, api: Api, storage: Storage, job: QuickReplyFileJob): Promise<void> {
  const db = ctx.database.db;
  const [row] = await db
    .select({ message: messages, dialog: dialogs, client: clients })
    .from(messages)
    .innerJoin(dialogs, eq(dialogs.id, messages.dialogId))
    .innerJoin(clients, eq(clients.id, dialogs.clientId))
    .where(eq(messages.id, job.messageId));
  const [document] = await db.select().from(documents).where(eq(documents.id, job.documentId));
  if (!row || !document?.storageKey) return;
  const { message, dialog, client } = row;
  const text = message.text ?? '';
  const entities = (message.entities ?? []) as MessageEntity[];
  const asCaption = text.length <= CAPTION_MAX;
  const caption = asCaption && text ? { caption: text, ...(entities.length ? { caption_entities: entities } : {}) } : {};
  const textMessage = { text, ...(entities.length ? { entities } : {}), link_preview_options: { is_disabled: true } };
  const answer = { reply_parameters: { message_id: job.commandMessageId, allow_sending_without_reply: true } };
  const calls: TelegramCall[] = [];
  let fileId = document.telegramFileId;
  if (!message.topicMessageId) {
    if (!fileId) {
      if (!dialog.topicId) throw new Error(`Dialog ${dialog.id} has no topic yet; quick reply message ${message.id} waits for it`);
      const bytes = await storage.get(document.storageKey);
      const sent = await api.sendDocument(dialog.managersChatId, new InputFile(bytes, telegramUploadName(document.name)), {
        message_thread_id: dialog.topicId,
        ...caption,
        ...answer,
      });
      fileId = sent.document?.file_id ?? null;
      await db.update(documents).set({ telegramFileId: fileId }).where(eq(documents.id, document.id));
      await db.update(messages).set({ topicMessageId: sent.message_id }).where(eq(messages.id, message.id));
    } else {
      calls.push({ chatId: dialog.managersChatId, method: 'sendDocument', payload: { document: fileId, ...caption, ...answer }, target: { topicOfDialog: dialog.id }, link: { messages: [message.id], side: 'topic' } });
    }
    if (!asCaption) calls.push({ chatId: dialog.managersChatId, method: 'sendMessage', payload: textMessage, target: { topicOfDialog: dialog.id } });
  }
  if (!fileId) throw new Error(`Telegram gave no file_id for quick reply document ${document.id}`);
  // A client banned since `/t` gets nothing (commands/banClient).
  if (!client.bannedAt) {
    calls.push({ chatId: client.telegramUserId, method: 'sendDocument', payload: { document: fileId, ...caption }, target: { side: 'client' }, link: { messages: [message.id], side: 'client' } });
    if (!asCaption) calls.push({ chatId: client.telegramUserId, method: 'sendMessage', payload: textMessage, target: { side: 'client' } });
  }
  await db.update(messages).set({ media: { ...(message.media ?? { kind: 'document' }), fileId } }).where(eq(messages.id, message.id));
  await ctx.database.transaction((tx) => enqueueTelegram(ctx, tx, ...calls));
}
