/**
 * A platform user writes into a request's chat. Only those who see the deal
 * room (the customer, the agent whose offer was accepted) may post; to anyone
 * else the chat does not exist.
 *
 * On a request from a dialog the post also reaches Telegram, as the box on
 * the page says before sending: the client's topic always (marked as written
 * on the platform, by whom), and the client too when the writer chooses
 * (`sendTo: 'client'`). Those sends leave as outbox jobs in the post's own
 * transaction. Only those who run the deal (`mayRunDeal`) speak in the topic.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { clients, dialogs, requestPosts, requests, users } from '../db/schema.js';
import { escapeHtml, truncate } from '../core/html.js';
import { MESSAGE_TEXT_MAX } from '../core/quickReply.js';
import { canSeeDealRoom, mayRunDeal, requestAccess, type Viewer } from '../policies/access.js';
import { ForbiddenError, NotFoundError, recordEvent, ValidationError, type CommandContext } from './context.js';
import { enqueueTelegram } from './telegramOutbox.js';
import { refuseSendToBannedClient } from './banClient.js';
import { FieldErrors } from './validation.js';

export interface PostRequestMessageProps {
  actor: Viewer;
  requestId: number;
  text: string;
  /**
   * A request from a dialog: `topic` — the managers' topic only (the
   * default), `client` — the topic and the client. A request without a
   * dialog takes neither (a ValidationError).
   */
  sendTo?: 'topic' | 'client';
}

export type RequestPost = typeof requestPosts.$inferSelect;

export async function postRequestMessage(ctx: CommandContext, props: PostRequestMessageProps): Promise<RequestPost> {
  return ctx.database.transaction(async (tx) => {
    const post = await postRequestMessageInTx(ctx, tx, props);
    tx.afterCommit(() => ctx.live.publish({ channel: `request:${props.requestId}`, type: 'message', data: { id: `p${post.id}` }, audience: 'dealRoom' }));
    return post;
  });
}

/** The most of the author's name a platform post's line in the topic shows (UTF-16 units). */
const NOTE_AUTHOR_MAX = 64;

/**
 * The topic's line for a post: who wrote it on the platform, in which request
 * (a topic holds every deal of the client, a closed one's too), and whether
 * the client got it. Telegram counts the text after entities parsing (Bot API
 * sendMessage: "1-4096 characters"): a post of up to 4000 with a user's name
 * of up to 200 would not fit, so the name gives way (at most NOTE_AUTHOR_MAX,
 * less when the post is long, with «…»).
 */
export function platformPostNote(authorName: string, requestNumber: string, text: string, toClient: boolean): string {
  const whom = toClient ? 'отправлено клиенту' : 'клиент не видит';
  const room = MESSAGE_TEXT_MAX - `💬  на платформе, заявка № ${requestNumber} (${whom}):\n${text}`.length;
  const name = truncate(authorName, Math.max(1, Math.min(NOTE_AUTHOR_MAX, room)));
  return `💬 <b>${escapeHtml(name)}</b> <i>на платформе, заявка № ${escapeHtml(requestNumber)} (${whom})</i>:\n${escapeHtml(text)}`;
}

export async function postRequestMessageInTx(ctx: Pick<CommandContext, 'live'>, tx: Tx, props: PostRequestMessageProps): Promise<RequestPost> {
  const access = await requestAccess(tx.db, props.actor, props.requestId);
  if (!canSeeDealRoom(access)) throw new NotFoundError('Заявка не найдена');
  const text = (props.text ?? '').trim();
  if (!text) throw new FieldErrors({ text: 'Напишите сообщение' });
  if (text.length > 4000) throw new FieldErrors({ text: 'Сообщение: не длиннее 4000 символов' });
  const [request] = await tx.db.select({ dialogId: requests.dialogId, number: requests.number }).from(requests).where(eq(requests.id, props.requestId));
  const dialogId = request?.dialogId ?? null;
  let deliveredTo: 'topic' | 'client' | null = null;
  if (dialogId) {
    if (mayRunDeal(access)) deliveredTo = props.sendTo ?? 'topic';
    else if (props.sendTo) throw new ForbiddenError('Писать в тему клиента может только заказчик заявки');
  } else if (props.sendTo) {
    throw new ValidationError('У этой заявки нет переписки в Telegram: сообщение останется на платформе', 'sendTo');
  }
  if (deliveredTo === 'client') await refuseSendToBannedClient(tx, dialogId, 'sendTo');
  const [post] = await tx.db.insert(requestPosts).values({ requestId: props.requestId, authorUserId: props.actor.userId, text, deliveredTo }).returning();
  if (dialogId && deliveredTo) {
    const [row] = await tx.db
      .select({ chatId: dialogs.managersChatId, clientChat: clients.telegramUserId })
      .from(dialogs)
      .innerJoin(clients, eq(clients.id, dialogs.clientId))
      .where(eq(dialogs.id, dialogId));
    const [author] = await tx.db.select({ name: users.name }).from(users).where(eq(users.id, props.actor.userId));
    if (row) {
      await enqueueTelegram(ctx, tx, {
        chatId: row.chatId,
        method: 'sendMessage',
        payload: { text: platformPostNote(author?.name ?? '—', request!.number, text, deliveredTo === 'client'), parse_mode: 'HTML' },
        target: { topicOfDialog: dialogId },
      });
      if (deliveredTo === 'client') await enqueueTelegram(ctx, tx, { chatId: row.clientChat, method: 'sendMessage', payload: { text } });
    }
  }
  await recordEvent(tx, { actor: { userId: props.actor.userId }, subjectType: 'request', subjectId: props.requestId, name: 'request.message', after: { postId: post!.id, deliveredTo } });
  return post!;
}
