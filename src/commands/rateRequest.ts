/**
 * After the deal (issue 19.8): when a request from a dialog completes and
 * RATING_REQUEST is on, the client is asked once, in their language, to rate
 * the service with buttons 1–5. The press stores the score on the request's
 * rating, credited to the manager who owned the dialog at completion
 * (dialogs.owner_user_id); the client's next message within
 * RATING_COMMENT_MINUTES is also kept as the rating's comment (and relayed
 * as any message). A banned client is never asked (commands/banClient).
 */
import { and, desc, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { clients, dialogs, requestRatings, requests } from '../db/schema.js';
import { botText, clientLocale, MANAGERS_LOCALE } from './botTexts.js';
import { recordEvent, type CommandContext } from './context.js';
import { enqueueTelegram } from './telegramOutbox.js';

/** `rate:<requestId>:<score>`: the buttons' callback data (at most 64 bytes, Bot API InlineKeyboardButton). */
export function ratingCallbackData(requestId: number, score: number): string {
  return `rate:${requestId}:${score}`;
}

/** The request and score of a rating button's data, or undefined for other data. */
export function parseRatingCallback(data: string): { requestId: number; score: number } | undefined {
  const match = /^rate:(\d{1,15}):([1-5])$/.exec(data);
  return match ? { requestId: Number(match[1]), score: Number(match[2]) } : undefined;
}

/** Asks the client of a just completed request for a rating (nothing when off, without a dialog, for a banned client, or asked before). */
export async function askForRating(ctx: Pick<CommandContext, 'config' | 'live'>, tx: Tx, requestId: number): Promise<void> {
  if (!ctx.config.rating.ask) return;
  const [row] = await tx.db
    .select({ request: requests, dialog: dialogs, client: clients })
    .from(requests)
    .innerJoin(dialogs, eq(dialogs.id, requests.dialogId))
    .innerJoin(clients, eq(clients.id, dialogs.clientId))
    .where(eq(requests.id, requestId));
  if (!row || row.request.status !== 'completed' || row.client.bannedAt) return;
  const [rating] = await tx.db
    .insert(requestRatings)
    .values({ requestId, dialogId: row.dialog.id, ownerUserId: row.dialog.ownerUserId })
    .onConflictDoNothing()
    .returning({ id: requestRatings.id });
  if (!rating) return;
  const locale = clientLocale(row.client.language);
  await enqueueTelegram(ctx, tx, {
    chatId: row.client.telegramUserId,
    method: 'sendMessage',
    payload: {
      text: botText(locale, 'rating-ask', { number: row.request.number }),
      reply_markup: { inline_keyboard: [[1, 2, 3, 4, 5].map((score) => ({ text: `${score} ⭐`, callback_data: ratingCallbackData(requestId, score) }))] },
    },
    target: { side: 'client' },
  });
}

export interface RateProps {
  /** Who pressed (must be the request's client). */
  clientTelegramId: number;
  requestId: number;
  /** 1–5. */
  score: number;
  /** The client's message that carries the buttons: they are taken off it once the score is stored. */
  promptMessageId?: number;
}

/**
 * Stores the client's score (the first press counts), opens the comment
 * window and notes the score in the client's topic. Returns the text for
 * the button's answer, in the client's language; undefined when the button
 * is not this person's (nothing changes).
 */
export async function rateRequest(ctx: CommandContext, props: RateProps, tx: Tx): Promise<string | undefined> {
  const [row] = await tx.db
    .select({ rating: requestRatings, client: clients, dialog: dialogs, number: requests.number })
    .from(requestRatings)
    .innerJoin(requests, eq(requests.id, requestRatings.requestId))
    .innerJoin(dialogs, eq(dialogs.id, requestRatings.dialogId))
    .innerJoin(clients, eq(clients.id, dialogs.clientId))
    .where(eq(requestRatings.requestId, props.requestId))
    .for('update', { of: requestRatings });
  if (!row || row.client.telegramUserId !== props.clientTelegramId || props.score < 1 || props.score > 5) return undefined;
  const locale = clientLocale(row.client.language);
  const [rated] = await tx.db
    .update(requestRatings)
    .set({ score: props.score, ratedAt: new Date() })
    .where(and(eq(requestRatings.id, row.rating.id), isNull(requestRatings.score)))
    .returning({ id: requestRatings.id });
  if (!rated) return botText(locale, 'rating-already');
  await tx.db
    .update(dialogs)
    .set({ ratingCommentUntil: new Date(Date.now() + ctx.config.rating.commentMinutes * 60_000) })
    .where(eq(dialogs.id, row.dialog.id));
  await recordEvent(tx, { actor: { telegramUserId: props.clientTelegramId }, subjectType: 'request', subjectId: props.requestId, name: 'request.rated', after: { score: props.score } });
  await enqueueTelegram(
    ctx,
    tx,
    // The buttons go (editMessageReplyMarkup without reply_markup removes an inline keyboard, Bot API): nothing left to press.
    ...(props.promptMessageId !== undefined
      ? [{ chatId: row.client.telegramUserId, method: 'editMessageReplyMarkup', payload: { message_id: props.promptMessageId } }]
      : []),
    { chatId: row.client.telegramUserId, method: 'sendMessage', payload: { text: botText(locale, 'rating-thanks', { score: props.score }) }, target: { side: 'client' } },
    {
      chatId: row.dialog.managersChatId,
      method: 'sendMessage',
      payload: { text: botText(MANAGERS_LOCALE, 'rating-topic-note', { number: row.number, score: props.score }) },
      target: { topicOfDialog: row.dialog.id },
    },
    // The card shows the client's ratings: refreshed after the note, paced with the group's other calls.
    { chatId: row.dialog.managersChatId, method: 'hotline.refreshClientCard', target: { topicOfDialog: row.dialog.id } },
  );
  return botText(locale, 'rating-thanks', { score: props.score });
}

/**
 * A client's message while the dialog's comment window is open: kept as the
 * comment of their latest rating, and the window closes (the message itself
 * is relayed as usual by the caller). True when it became a comment (an
 * answer to our question, so the client does not start waiting for us).
 */
export async function takeRatingComment(tx: Tx, dialogId: number, text: string | undefined): Promise<boolean> {
  await tx.db.update(dialogs).set({ ratingCommentUntil: null }).where(eq(dialogs.id, dialogId));
  const comment = (text ?? '').trim();
  if (!comment) return false;
  const [latest] = await tx.db
    .select({ id: requestRatings.id })
    .from(requestRatings)
    .where(and(eq(requestRatings.dialogId, dialogId), isNotNull(requestRatings.score), isNull(requestRatings.comment)))
    .orderBy(desc(requestRatings.ratedAt))
    .limit(1);
  if (!latest) return false;
  await tx.db.update(requestRatings).set({ comment: comment.slice(0, 2000) }).where(eq(requestRatings.id, latest.id));
  return true;
}
