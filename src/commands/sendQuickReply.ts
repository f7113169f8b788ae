/**
 * `/t name` in a client's topic (issue 19.4): sends a quick reply to the
 * client exactly as if the manager had typed it. It is stored as the
 * manager's message of the dialog (so it feeds the request's chat like any
 * answer), the client gets it from the bot, and the topic shows what was sent
 * as one message. Nothing is sent when a variable has no value (no deal yet),
 * when the client is banned (commands/banClient) or the name is unclear.
 */
import { eq } from 'drizzle-orm';
import type { MessageEntity } from '@grammyjs/types';
import type { Tx } from '../db/index.js';
import { clients, documents, messages, requests, users, type MessageMedia } from '../db/schema.js';
import { formatDecimal, formatMoney, formatTypedDecimal } from '../core/money.js';
import { matchTemplates, renderTemplate, TemplateError, type QuickReplyVariable } from '../core/quickReply.js';
import type { Viewer } from '../policies/access.js';
import { inTransaction, type CommandContext } from './context.js';
import { recordOurAnswer } from './dialogStatus.js';
import { feedRequestChat, nextSeq, type Dialog } from './dialogs.js';
import type { TelegramPerson } from './relayTypes.js';
import { listQuickReplies, requireQuickReplies } from './saveQuickReply.js';
import { enqueueTelegram } from './telegramOutbox.js';

/** The queue of quick replies with a file: Telegram gets the bytes once, then the file_id (jobs/quickReplyFile). */
export const QUICK_REPLY_FILE_QUEUE = 'quickReplies.sendFile';

export interface QuickReplyFileJob {
  /** The stored manager's message (text = the caption, media = the file). */
  messageId: number;
  /** The quick reply's document (its bytes, and the file_id once Telegram has them). */
  documentId: number;
  /** The `/t` message in the topic, which the file answers. */
  commandMessageId: number;
}

export interface Props {
  /** The manager who typed `/t` (our staff: `mayUseQuickReplies`). */
  actor: Viewer;
  /** The same person as Telegram shows them (the stored message's author). */
  from: TelegramPerson;
  /** The dialog of the topic `/t` was typed in. */
  dialog: Dialog;
  /** What followed `/t`: a name, a prefix of names, or nothing. */
  query: string;
  /** The `/t` message in the topic: what was sent answers it there. */
  commandMessageId: number;
}

/** What became of `/t`: only `sent` sent anything. */
export type QuickReplyOutcome =
  | { kind: 'sent'; name: string }
  | { kind: 'list'; names: string[] }
  | { kind: 'ambiguous'; names: string[] }
  | { kind: 'unknown'; names: string[] }
  | { kind: 'missing'; name: string; variable: string }
  | { kind: 'banned' };

/**
 * Resolves `/t query` and sends the quick reply it names. Throws ForbiddenError
 * for anyone but our staff. The text goes with `entities` (no parse_mode):
 * the stored text and entities are exactly what Telegram gets.
 */
export async function sendQuickReply(ctx: CommandContext, props: Props, tx?: Tx): Promise<QuickReplyOutcome> {
  return inTransaction(ctx, tx, async (tx) => {
    await requireQuickReplies(tx, props.actor);
    const templates = await listQuickReplies(tx);
    const names = templates.map((t) => t.name);
    if (!props.query.trim()) return { kind: 'list', names };
    const { exact, matches } = matchTemplates(templates, props.query);
    const template = exact ?? (matches.length === 1 ? matches[0] : undefined);
    if (!template) return matches.length > 1 ? { kind: 'ambiguous', names: matches.map((t) => t.name) } : { kind: 'unknown', names };

    const { dialog } = props;
    const [client] = await tx.db.select().from(clients).where(eq(clients.id, dialog.clientId));
    if (client!.bannedAt) return { kind: 'banned' };
    let formatted: { text: string; entities: MessageEntity[] };
    try {
      formatted = renderTemplate(template.body, await variableValues(tx, props, client!));
    } catch (error) {
      if (error instanceof TemplateError) return { kind: 'missing', name: template.name, variable: error.message };
      throw error;
    }

    const [file] = template.documentId ? await tx.db.select().from(documents).where(eq(documents.id, template.documentId)) : [];
    const media: MessageMedia | null = file
      ? { kind: 'document', fileName: file.name, ...(file.mime ? { mimeType: file.mime } : {}), ...(file.size !== null ? { fileSize: file.size } : {}), ...(file.telegramFileId ? { fileId: file.telegramFileId } : {}) }
      : null;
    const now = new Date();
    const [message] = await tx.db
      .insert(messages)
      .values({
        dialogId: dialog.id,
        seq: nextSeq(dialog.id),
        direction: 'out',
        authorUserId: props.actor.userId,
        authorTelegramId: props.from.id,
        authorName: [props.from.first_name, props.from.last_name].filter(Boolean).join(' '),
        text: formatted.text,
        entities: formatted.entities.length ? formatted.entities : null,
        media,
        sentAt: now,
      })
      .returning();
    if (file) {
      // The file joins the dialog's documents (the request's chat shows it) with the template's bytes.
      await tx.db.insert(documents).values({
        dialogId: dialog.id,
        messageId: message!.id,
        source: 'upload',
        state: 'stored',
        storageKey: file.storageKey,
        name: file.name,
        mime: file.mime,
        size: file.size,
        sha256: file.sha256,
        uploadedBy: props.actor.userId,
      });
      // The file's bytes go to Telegram once (jobs/quickReplyFile); the job sends both sides.
      await ctx.jobs.send(tx, QUICK_REPLY_FILE_QUEUE, { messageId: message!.id, documentId: file.id, commandMessageId: props.commandMessageId } satisfies QuickReplyFileJob);
    }
    const content = { text: formatted.text, ...(formatted.entities.length ? { entities: formatted.entities } : {}), link_preview_options: { is_disabled: true } };
    if (!file) await enqueueTelegram(
      ctx,
      tx,
      {
        chatId: dialog.managersChatId,
        method: 'sendMessage',
        payload: { ...content, reply_parameters: { message_id: props.commandMessageId, allow_sending_without_reply: true } },
        target: { topicOfDialog: dialog.id },
        link: { messages: [message!.id], side: 'topic' },
      },
      { chatId: client!.telegramUserId, method: 'sendMessage', payload: content, target: { side: 'client' }, link: { messages: [message!.id], side: 'client' } },
    );
    // Like a typed answer (commands/dialogStatus recordOurAnswer); a client who blocked the bot gets nothing: no answer.
    await recordOurAnswer(ctx, tx, { dialog, at: now, answered: !client!.blockedAt, author: async () => props.actor });
    await feedRequestChat(ctx, tx, dialog, message!);
    tx.afterCommit(() => ctx.live.publish({ channel: 'dialogs', type: 'message', data: { dialogId: dialog.id } }));
    return { kind: 'sent', name: template.name };
  });
}

/**
 * The values of the variables, rendered as the action card renders them
 * (core/actionCard: Russian decimals); a deal's values only once the dialog
 * has a current request, the rate and total only once its terms are final.
 */
async function variableValues(tx: Tx, props: Props, client: typeof clients.$inferSelect): Promise<Partial<Record<QuickReplyVariable, string>>> {
  const [manager] = await tx.db.select({ name: users.name }).from(users).where(eq(users.id, props.actor.userId));
  const values: Partial<Record<QuickReplyVariable, string>> = {
    client: [client.firstName, client.lastName].filter(Boolean).join(' ').trim(),
    manager: manager?.name ?? '',
  };
  if (props.dialog.activeRequestId) {
    const [request] = await tx.db.select().from(requests).where(eq(requests.id, props.dialog.activeRequestId));
    if (request && request.status !== 'cancelled') {
      values.request = request.number;
      values.amount = formatDecimal(request.amount, 'ru', 2, 2);
      values.currency = request.currency;
      if (request.terms?.rate) values.rate = formatTypedDecimal(request.terms.rate, 'ru', 6);
      if (request.terms?.total) values.total = formatMoney(request.terms.total, request.fundingCurrency, 'ru');
    }
  }
  return values;
}
