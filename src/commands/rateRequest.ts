/**
 * After the deal (issue 19.8): when a request from a dialog completes and
 * RATING_REQUEST is on, the client is asked once, in their language, to rate
 * the service with buttons 1–5. The press stores the score on the request's
 * rating, credited to the manager who owned the dialog at completion
 * (dialogs.owner_user_id) — or, in a dialog nobody owned, to the manager of
 * ours who answered the client last before it (`creditedManager`); the client's next message within
 * RATING_COMMENT_MINUTES is also kept as the rating's comment (and relayed
 * as any message). A banned client is never asked (commands/banClient).
 * A client who types the score instead of pressing («5», «4 ⭐») rates the
 * same way while the question is unanswered (`typedRating`).
 */
import { and, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
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

/**
 * A message that is only a score: 1–5 with spaces around, optionally after
 * «оценка»/«rating», optionally out of five («5/5», «4 из 5», «3 of 5»), and
 * followed by a star (⭐, 🌟, ★) or a full stop — «5», « 3 », «5 ⭐»,
 * «оценка 4», «4.», «5/5»; or a run of two to five stars alone («⭐⭐⭐⭐⭐» is
 * 5; a lone ⭐ is as often a thank-you as a score of 1, so it is a message).
 * Anything else («5000», «5 штук пришлите», «1,5», «5 ⭐⭐») is no score.
 * Why so narrow: the same chat carries the deal's talk, where a bare number
 * can answer a manager's question.
 */
const TYPED_SCORE = /^\s*(?:(?:оценка|rating)\s*:?\s*)?([1-5])\s*(?:(?:\/|из|of)\s*5\s*)?(?:(?:⭐|🌟|★)\uFE0F?|\.)?\s*$/iu;
const STAR = /⭐|🌟|★/gu;
const STARS_ALONE = /^\s*(?:(?:⭐|🌟|★)\uFE0F?\s*){2,5}$/u;

/** The score of a typed rating («5», «4 ⭐», «оценка 3», «5/5», «⭐⭐⭐»), or undefined when the text is not only a score (TYPED_SCORE). */
export function parseTypedScore(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (STARS_ALONE.test(text)) return text.match(STAR)!.length;
  const match = TYPED_SCORE.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * Whom a rating of a request in `dialogId` counts for: the dialog's owner; in
 * a dialog nobody owns (DIALOG_ASSIGNMENT=manual, or released), the manager
 * or administrator of ours who answered the client last (the newest outgoing
 * message by a person: from the topic, a quick reply); failing that, the one
 * of ours who created the request (`/new`). Null when none of them exists —
 * the ratings page shows such ratings as «Без ответственного». Why: the head
 * of a team reads ratings per manager; with ownership off most dialogs have
 * no owner, and the person the client was talking to is who they rate.
 */
export async function creditedManager(tx: Tx, dialog: { id: number; ownerUserId: number | null }, createdBy: number | null): Promise<number | null> {
  if (dialog.ownerUserId !== null) return dialog.ownerUserId;
  const result = await tx.db.execute<{ id: string }>(sql`
    select u.id from messages m
      join users u on (m.author_user_id is not null and u.id = m.author_user_id) or (m.author_user_id is null and u.telegram_user_id = m.author_telegram_id)
      join organizations o on o.id = u.organization_id and o.is_ours
     where m.dialog_id = ${dialog.id} and m.direction = 'out' and u.role in ('manager', 'admin')
     order by m.seq desc
     limit 1`);
  if (result.rows[0]) return Number(result.rows[0].id);
  if (createdBy === null) return null;
  const creator = await tx.db.execute<{ id: string }>(sql`
    select u.id from users u join organizations o on o.id = u.organization_id and o.is_ours where u.id = ${createdBy} and u.role in ('manager', 'admin')`);
  return creator.rows[0] ? Number(creator.rows[0].id) : null;
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
    .values({ requestId, dialogId: row.dialog.id, ownerUserId: await creditedManager(tx, row.dialog, row.request.createdBy) })
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
 * The rating a client's text gives as a typed score (`parseTypedScore`), when
 * a question in `dialogId` still waits for it: the newest unanswered one,
 * asked at most RATING_TYPED_HOURS ago, with no message of ours to the client
 * since (after a manager's question a bare number answers that). Undefined
 * otherwise: the text is an ordinary message. `promptMessageId` is the
 * question's message in the client's chat, when the outbox recorded it, so
 * its buttons go as after a press.
 */
export async function typedRating(
  ctx: Pick<CommandContext, 'config'>,
  tx: Tx,
  dialogId: number,
  text: string | undefined,
): Promise<{ requestId: number; score: number; promptMessageId?: number } | undefined> {
  const score = parseTypedScore(text);
  if (score === undefined) return undefined;
  const pending = await tx.db.execute<{ request_id: string; telegram_user_id: string }>(sql`
    select r.request_id, c.telegram_user_id from request_ratings r
      join dialogs d on d.id = r.dialog_id
      join clients c on c.id = d.client_id
     where r.dialog_id = ${dialogId} and r.score is null
       and r.asked_at > now() - make_interval(hours => ${ctx.config.rating.typedHours})
       -- Stored after the question (created_at: the database's clock, as asked_at; sent_at is Telegram's, whole seconds).
       and not exists (select 1 from messages m where m.dialog_id = r.dialog_id and m.direction = 'out' and m.created_at > r.asked_at)
     order by r.asked_at desc, r.id desc
     limit 1`);
  const row = pending.rows[0];
  if (!row) return undefined;
  const requestId = Number(row.request_id);
  // The question as the outbox sent it (its first button's data is unique to the request): what Telegram answered.
  const prompt = await tx.db.execute<{ message_id: number | null }>(sql`
    select (o.result->'message_ids'->>0)::int as message_id from telegram_outbox o
     where o.chat_id = ${row.telegram_user_id} and o.method = 'sendMessage' and o.state = 'sent'
       and o.payload->'reply_markup'->'inline_keyboard'->0->0->>'callback_data' = ${ratingCallbackData(requestId, 1)}
     order by o.id desc
     limit 1`);
  const promptMessageId = prompt.rows[0]?.message_id ?? undefined;
  return { requestId, score, ...(promptMessageId != null ? { promptMessageId: Number(promptMessageId) } : {}) };
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
