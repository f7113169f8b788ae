/**
 * The client's rating buttons (issue 19.8, commands/rateRequest): a press in
 * the client's private chat stores the score; the button's answer thanks
 * them in their language. Other callback data passes on (the action card).
 */
import { Composer } from 'grammy';
import type { CommandContext } from '../commands/context.js';
import { parseRatingCallback, rateRequest } from '../commands/rateRequest.js';
import type { HotlineContext } from './context.js';

export function ratingButtons(ctx: CommandContext): Composer<HotlineContext> {
  const composer = new Composer<HotlineContext>();
  composer.on('callback_query:data', async (c, next) => {
    const parsed = parseRatingCallback(c.callbackQuery.data);
    if (!parsed) return next();
    const answer = c.callbackQuery.message?.chat.type === 'private'
      ? await rateRequest(
          ctx,
          { clientTelegramId: c.callbackQuery.from.id, requestId: parsed.requestId, score: parsed.score, promptMessageId: c.callbackQuery.message?.message_id },
          c.tx,
        )
      : undefined;
    c.tx.afterCommit(() => void c.answerCallbackQuery(answer ? { text: answer } : {}).catch(() => undefined));
  });
  return composer;
}
