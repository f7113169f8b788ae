/**
 * getMe and getting updates: getUpdates long polling, webhooks.
 */
import type { Update, UserFromGetMe, WebhookInfo } from '@grammyjs/types';
import { ApiError, badRequest, reasons } from '../errors.js';
import type { Method } from './context.js';

const MAX_POLL_TIMEOUT_S = 50;

const getMe: Method = (ctx): UserFromGetMe => ctx.bot.user;

const getUpdates: Method = async (ctx): Promise<Update[]> => {
  const { queue, webhook } = ctx.bot;
  if (webhook.config) throw new ApiError(409, `Conflict: ${reasons.webhookActive}`);
  const offset = ctx.params.int('offset') ?? 0;
  queue.setAllowed(ctx.params.json<string[]>('allowed_updates'));
  // The Bot API server caps a long poll at 50 s (telegram-bot-api Client.cpp, process_get_updates_query).
  // The same offset again within 0.5 s gets one update at most, within 3 s waits 3 s at least (same function).
  const { limit, timeoutS } = queue.throttleRepeat(
    offset,
    Math.min(Math.max(ctx.params.int('limit') ?? 100, 1), 100),
    Math.min(Math.max(ctx.params.int('timeout') ?? 0, 0), MAX_POLL_TIMEOUT_S),
  );
  queue.confirm(offset);
  if (!queue.size && timeoutS > 0) await queue.wait(timeoutS * 1000, ctx.signal);
  return queue.peek(limit);
};

const setWebhook: Method = (ctx) => {
  const url = ctx.params.str('url') ?? '';
  const { queue, webhook } = ctx.bot;
  if (!url) {
    ctx.description = webhook.config ? 'Webhook was deleted' : 'Webhook is already deleted';
    webhook.set(undefined);
    if (ctx.params.bool('drop_pending_updates')) queue.dropAll();
    return true;
  }
  if (!/^https?:\/\/[^\s/]+/i.test(url)) throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
  const secretToken = ctx.params.str('secret_token');
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) throw badRequest('secret token contains unallowed characters');
  const drop = ctx.params.bool('drop_pending_updates');
  // Bot API docs, setWebhook: max_connections 40 by default (the webhook clamps it to 1–100: webhook.ts `normalized`).
  const base = { url, maxConnections: ctx.params.int('max_connections') ?? 40 };
  const config = secretToken ? { ...base, secretToken } : base;
  queue.setAllowed(ctx.params.json<string[]>('allowed_updates'));
  // Client::process_set_webhook_query: the same webhook again (and nothing to drop) keeps delivery running as it is.
  if (!drop && webhook.sameAs(config)) {
    ctx.description = 'Webhook is already set';
    return true;
  }
  if (drop) queue.dropAll();
  // A long poll running now ends the way Telegram ends it.
  queue.interrupt(new ApiError(409, `Conflict: ${reasons.webhookActive}`));
  webhook.set(config);
  ctx.description = 'Webhook was set';
  return true;
};

const deleteWebhook: Method = (ctx) => {
  const { queue, webhook } = ctx.bot;
  ctx.description = webhook.config ? 'Webhook was deleted' : 'Webhook is already deleted';
  webhook.set(undefined);
  if (ctx.params.bool('drop_pending_updates')) queue.dropAll();
  return true;
};

const getWebhookInfo: Method = (ctx): WebhookInfo => {
  const { queue, webhook } = ctx.bot;
  const info: WebhookInfo = { url: webhook.config?.url ?? '', has_custom_certificate: false, pending_update_count: queue.size };
  if (webhook.config) info.max_connections = webhook.config.maxConnections;
  if (webhook.lastError) {
    info.last_error_date = webhook.lastError.date;
    info.last_error_message = webhook.lastError.message;
  }
  const allowed = queue.allowedUpdates;
  if (allowed) info.allowed_updates = allowed as WebhookInfo['allowed_updates'];
  return info;
};

export const updateMethods: Record<string, Method> = { getMe, getUpdates, setWebhook, deleteWebhook, getWebhookInfo };
