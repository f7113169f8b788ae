/**
 * Commands never call Telegram: they write Bot API calls into the durable
 * outbox in their own transaction, and the outbox worker sends them in order
 * per chat after commit (src/jobs/telegramOutbox.ts).
 */
import type { Tx } from '../db/index.js';
import { telegramOutbox, type OutboxLink, type OutboxTarget } from '../db/schema.js';
import type { CommandContext } from './context.js';

export interface TelegramCall {
  /** The chat the call goes to: the unit of ordering and of Telegram's limits. */
  chatId: number;
  /** A Bot API method, or a Hotline step the worker performs (`hotline.refreshClientCard`). */
  method: string;
  payload?: Record<string, unknown>;
  target?: OutboxTarget;
  link?: OutboxLink;
  coalesceKey?: string;
  /** Hold the call until then (e.g. to let an album's other parts arrive). */
  notBefore?: Date;
}

/** The LiveBus channel the outbox worker listens on to wake up at once. */
export const OUTBOX_CHANNEL = 'telegram-outbox';

export async function enqueueTelegram(ctx: Pick<CommandContext, 'live'>, tx: Tx, ...calls: TelegramCall[]): Promise<void> {
  if (calls.length === 0) return;
  await tx.db.insert(telegramOutbox).values(
    calls.map((call) => ({
      chatId: call.chatId,
      queue: call.target?.topicOfDialog !== undefined ? `dialog:${call.target.topicOfDialog}` : `chat:${call.chatId}`,
      method: call.method,
      payload: call.payload ?? {},
      target: call.target ?? null,
      link: call.link ?? null,
      coalesceKey: call.coalesceKey ?? null,
      ...(call.notBefore ? { notBefore: call.notBefore } : {}),
    })),
  );
  tx.afterCommit(() => ctx.live.publish({ channel: OUTBOX_CHANNEL, type: 'wake' }));
}

