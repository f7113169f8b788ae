/**
 * A platform user writes into a request's chat. Only those who see the deal
 * room (the customer, the agent whose offer was accepted) may post; to anyone
 * else the chat does not exist.
 */
import type { Tx } from '../db/index.js';
import { requestPosts } from '../db/schema.js';
import { canSeeDealRoom, requestAccess, type Viewer } from '../policies/access.js';
import { NotFoundError, recordEvent, type CommandContext } from './context.js';
import { FieldErrors } from './validation.js';

export interface PostRequestMessageProps {
  actor: Viewer;
  requestId: number;
  text: string;
}

export type RequestPost = typeof requestPosts.$inferSelect;

export async function postRequestMessage(ctx: CommandContext, props: PostRequestMessageProps): Promise<RequestPost> {
  return ctx.database.transaction(async (tx) => {
    const post = await postRequestMessageInTx(tx, props);
    tx.afterCommit(() => ctx.live.publish({ channel: `request:${props.requestId}`, type: 'message', data: { id: `p${post.id}` }, audience: 'dealRoom' }));
    return post;
  });
}

export async function postRequestMessageInTx(tx: Tx, props: PostRequestMessageProps): Promise<RequestPost> {
  const access = await requestAccess(tx.db, props.actor, props.requestId);
  if (!canSeeDealRoom(access)) throw new NotFoundError('Заявка не найдена');
  const text = (props.text ?? '').trim();
  if (!text) throw new FieldErrors({ text: 'Напишите сообщение' });
  if (text.length > 4000) throw new FieldErrors({ text: 'Сообщение: не длиннее 4000 символов' });
  const [post] = await tx.db.insert(requestPosts).values({ requestId: props.requestId, authorUserId: props.actor.userId, text }).returning();
  await recordEvent(tx, { actor: { userId: props.actor.userId }, subjectType: 'request', subjectId: props.requestId, name: 'request.message', after: { postId: post!.id } });
  return post!;
}
