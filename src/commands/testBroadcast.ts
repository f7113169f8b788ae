/**
 * The test send of a broadcast (issue 19.5): before clients get it, the
 * sender gets it themselves, in their own Telegram (the platform user's
 * linked Telegram id, users.telegram_user_id — set when they first act in the
 * managers' group, commands/ensureManagerUser, or by an administrator), exactly
 * as a client would: same text, `{client}` filled with the sender's own name,
 * the «Отписаться» button. The body tested and its outbox row are remembered;
 * commands/startBroadcast refuses to start a body that was not tested, or
 * whose test message Telegram has not taken.
 */
import { eq } from 'drizzle-orm';
import type { MessageEntity } from '@grammyjs/types';
import type { Tx } from '../db/index.js';
import { broadcasts, telegramOutbox, users } from '../db/schema.js';
import { renderTemplate } from '../core/quickReply.js';
import { BROADCAST_OPT_OUT } from '../core/broadcast.js';
import type { Viewer } from '../policies/access.js';
import { botText, clientLocale, type BotLocale } from './botTexts.js';
import { ConflictError, inTransaction, NotFoundError, recordEvent, ValidationError, type CommandContext } from './context.js';
import { NOT_DRAFT, NOT_FOUND, requireBroadcasts, type Broadcast } from './saveBroadcast.js';
import { OUTBOX_CHANNEL } from './telegramOutbox.js';

export const NO_TELEGRAM =
  'Ваш аккаунт не связан с Telegram, а тестовая отправка идёт вам в Telegram: напишите что-нибудь в группе менеджеров или попросите администратора указать ваш Telegram ID';

/**
 * The Bot API call of a broadcast message for one reader: the text with its
 * entities (no parse_mode: what is stored is what Telegram gets) and the
 * «Отписаться» button in the reader's language.
 */
export function broadcastMessage(body: string, values: { client: string; manager: string }, locale: BotLocale): { text: string; entities?: MessageEntity[]; reply_markup: unknown; link_preview_options: { is_disabled: boolean } } {
  const formatted = renderTemplate(body, values);
  return {
    text: formatted.text,
    ...(formatted.entities.length ? { entities: formatted.entities } : {}),
    link_preview_options: { is_disabled: true },
    reply_markup: { inline_keyboard: [[{ text: botText(locale, 'broadcast-unsubscribe'), callback_data: BROADCAST_OPT_OUT }]] },
  };
}

/** A person's name for `{client}` / `{manager}` (never empty: renderTemplate refuses empty values). */
export function personName(parts: Array<string | null | undefined>, fallback: string): string {
  return parts.filter(Boolean).join(' ').trim() || fallback;
}

/**
 * Sends the draft to its sender's own Telegram and remembers the body tested.
 * Errors: 403 for others than our staff; 404 an unknown broadcast; 409 one
 * already started; 400 when the sender has no linked Telegram account.
 */
export async function testBroadcast(ctx: CommandContext, props: { actor: Viewer; id: number }, tx?: Tx): Promise<Broadcast> {
  return inTransaction(ctx, tx, async (tx) => {
    await requireBroadcasts(tx, props.actor);
    const [broadcast] = await tx.db.select().from(broadcasts).where(eq(broadcasts.id, props.id)).for('update');
    if (!broadcast) throw new NotFoundError(NOT_FOUND);
    if (broadcast.state !== 'draft') throw new ConflictError(NOT_DRAFT);
    const [me] = await tx.db.select().from(users).where(eq(users.id, props.actor.userId));
    if (!me?.telegramUserId) throw new ValidationError(NO_TELEGRAM);
    const name = personName([me.name], 'Менеджер');
    const payload = broadcastMessage(broadcast.body, { client: name, manager: name }, clientLocale(me.locale));
    const [row] = await tx.db
      .insert(telegramOutbox)
      .values({ chatId: me.telegramUserId, queue: `chat:${me.telegramUserId}`, method: 'sendMessage', payload })
      .returning({ id: telegramOutbox.id });
    tx.afterCommit(() => ctx.live.publish({ channel: OUTBOX_CHANNEL, type: 'wake' }));
    const [tested] = await tx.db
      .update(broadcasts)
      .set({ testedBody: broadcast.body, testedAt: new Date(), testedBy: me.id, testedOutboxId: row!.id })
      .where(eq(broadcasts.id, broadcast.id))
      .returning();
    await recordEvent(tx, { actor: { userId: me.id }, subjectType: 'broadcast', subjectId: broadcast.id, name: 'broadcast.tested', after: { telegramUserId: me.telegramUserId } });
    return tested!;
  });
}
