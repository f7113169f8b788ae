/**
 * Commands never call Telegram: they write Bot API calls into the durable
 * outbox in their own transaction, and the outbox worker sends them in order
 * per chat after commit (src/jobs/telegramOutbox.ts).
 */
import { sql } from 'drizzle-orm';
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
  /** The outbox queue (rows of one queue go out in order); by default the dialog's topic or the chat. */
  queue?: string;
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
      queue: call.queue ?? (call.target?.topicOfDialog !== undefined ? `dialog:${call.target.topicOfDialog}` : `chat:${call.chatId}`),
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


/**
 * An album's parts arrive as separate updates, sometimes seconds apart (each
 * part is uploaded on its own). Its calls wait until no part came for this
 * long — each new part restarts the wait…
 */
export const ALBUM_QUIET_MS = 1500;
/** …but never longer than this after the first part, so a lone part (or a slow upload) does not hold the dialog up. */
export const ALBUM_MAX_WAIT_MS = 6000;

/** The outbox key of an album's calls: its rows go out as one copyMessages. */
export const albumKey = (mediaGroupId: string): string => `album:${mediaGroupId}`;

/**
 * Called after a part of album `mediaGroupId` was enqueued: every waiting
 * part of it (this one too) is due ALBUM_QUIET_MS from now, at most
 * ALBUM_MAX_WAIT_MS after the album's first part. Rows already taken by a
 * worker are left alone (a part later than that goes on its own).
 */
export async function holdAlbum(tx: Tx, mediaGroupId: string): Promise<void> {
  await tx.db.execute(sql`
    UPDATE telegram_outbox SET not_before = LEAST(
        now() + make_interval(secs => ${ALBUM_QUIET_MS / 1000}::float8),
        (SELECT min(created_at) FROM telegram_outbox WHERE coalesce_key = ${albumKey(mediaGroupId)} AND state = 'pending') + make_interval(secs => ${ALBUM_MAX_WAIT_MS / 1000}::float8))
     WHERE coalesce_key = ${albumKey(mediaGroupId)} AND state = 'pending' AND lease_until IS NULL AND batch_head IS NULL`);
}
