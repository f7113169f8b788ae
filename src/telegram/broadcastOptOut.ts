/**
 * Broadcasts' opt-out in the client's private chat (issue 19.5,
 * commands/setBroadcastOptOut): the «Отписаться» / «Подписаться снова»
 * buttons, and the commands `/stop` (unsubscribe) and `/start` (subscribe
 * again). The commands are relayed like any message, then recorded.
 */
import { Composer } from 'grammy';
import type { CommandContext } from '../commands/context.js';
import { botText, clientLocale } from '../commands/botTexts.js';
import { parseOptOutCallback, setBroadcastOptOut } from '../commands/setBroadcastOptOut.js';
import type { HotlineContext } from './context.js';

const STOP = /^\/stop(?:@\w+)?(?:\s|$)/i;
const START = /^\/start(?:@\w+)?(?:\s|$)/i;

export function broadcastOptOut(ctx: CommandContext): Composer<HotlineContext> {
  const composer = new Composer<HotlineContext>();
  composer.on('callback_query:data', async (c, next) => {
    const optOut = parseOptOutCallback(c.callbackQuery.data);
    if (optOut === undefined) return next();
    const outcome = c.callbackQuery.message?.chat.type === 'private' ? await setBroadcastOptOut(ctx, { telegramUserId: c.callbackQuery.from.id, optOut }, c.tx) : 'not_client';
    const locale = clientLocale(c.callbackQuery.from.language_code);
    const text = botText(locale, outcome === 'not_client' ? 'broadcast-button-not-client' : 'broadcast-button-done');
    c.tx.afterCommit(() => void c.answerCallbackQuery({ text }).catch(() => undefined));
  });
  composer.chatType('private').on('message:text', async (c, next) => {
    const text = c.message.text;
    // The relay first: a first-time client's `/stop` finds them recorded.
    await next();
    if (!c.from.is_bot && (STOP.test(text) || START.test(text))) {
      await setBroadcastOptOut(ctx, { telegramUserId: c.from.id, optOut: STOP.test(text) }, c.tx);
    }
  });
  return composer;
}
