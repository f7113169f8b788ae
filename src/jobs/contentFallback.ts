/**
 * What the outbox sends when Telegram refuses to copy a message ("Bad
 * Request: message can't be copied": a quiz whose answer the bot does not
 * know, protected content, invoices, giveaways, paid media — Bot API docs of
 * copyMessage), or when the original was deleted before its copy went out
 * ("message to copy not found"): the message as Hotline stored it, as text,
 * so the other side always sees something — what it was, its content, and
 * why it is not shown as is.
 */
import { inArray } from 'drizzle-orm';
import type { CommandContext } from '../commands/context.js';
import { joinTexts, plain, splitText, type Entity, type FormattedText } from '../core/composeText.js';
import { describeContent } from '../core/messageContent.js';
import { messages } from '../db/schema.js';

/** Telegram's refusal to copy (the wording of the Bot API server). */
export const COPY_REFUSED = /message can't be copied/i;

/** The original is gone (deleted by its author before the copy went out). */
export const COPY_SOURCE_GONE = /message to copy not found/i;

/**
 * The group lets the bot post text but not this kind of content (its
 * default permissions, e.g. can_send_photos off for members): TDLib
 * `Status::Error(400, "Not enough rights to send <kind> to the chat")`, as the
 * Bot API server words it (see src/sandbox/sendRights.ts). That is a refusal
 * of this message's content, not of the group: the message goes as text,
 * and the group is paused only if the text is refused too.
 */
export const CONTENT_FORBIDDEN = /not enough rights to send (?!text messages)[a-z ]+ to the chat/i;

export const CONTENT_FORBIDDEN_NOTE = '⚠️ В этой группе боту запрещено отправлять такие сообщения (настройки разрешений группы), поэтому оно показано текстом. Чтобы видеть такие сообщения как есть, сделайте бота администратором группы или разрешите участникам отправлять такие сообщения';

export const COPY_REFUSED_NOTE = '⚠️ Telegram не даёт боту скопировать это сообщение как есть';
export const SOURCE_GONE_NOTE = '⚠️ Сообщение удалили в Telegram раньше, чем бот успел его переслать';

/**
 * The texts to send instead of a refused copy of the dialog messages
 * `messageIds` into `side`: for managers (the topic) a note saying why, then
 * each message's content as text and its own text with its formatting; for
 * the client just the content. Split to Telegram's 4,096-character limit.
 */
export async function textInsteadOfCopy(
  ctx: Pick<CommandContext, 'database' | 'config'>,
  messageIds: number[],
  side: 'client' | 'topic' | undefined,
  description: string,
): Promise<FormattedText[]> {
  const rows = messageIds.length
    ? await ctx.database.db.select({ id: messages.id, text: messages.text, entities: messages.entities, media: messages.media }).from(messages).where(inArray(messages.id, messageIds))
    : [];
  const pieces: FormattedText[] = [];
  if (side !== 'client') {
    const reason = description.replace(/^Bad Request:\s*/i, '');
    const note = COPY_SOURCE_GONE.test(description) ? SOURCE_GONE_NOTE : CONTENT_FORBIDDEN.test(description) ? CONTENT_FORBIDDEN_NOTE : COPY_REFUSED_NOTE;
    pieces.push(plain(`${note} (${reason}). Вот его содержимое:`));
  }
  for (const row of rows.sort((a, b) => a.id - b.id)) {
    const summary = row.media?.summary ?? describeContent(row.media);
    if (summary) pieces.push(plain(`${pieces.length ? '\n' : ''}${summary}`));
    if (row.text) pieces.push(plain(pieces.length ? '\n' : ''), { text: row.text, entities: (row.entities as Entity[] | null) ?? undefined });
    if (row.media?.fileId && side !== 'client') pieces.push(plain(`\nФайл сохранён на платформе: ${ctx.config.publicUrl}/dialogs`));
  }
  if (!pieces.length) pieces.push(plain(COPY_REFUSED_NOTE));
  return splitText(joinTexts(pieces));
}
