/**
 * Webhook mode: Telegram POSTs updates to `/telegram/webhook`. The secret
 * header is checked first (401, nothing stored); the update is answered 200
 * only after it committed, 5xx otherwise so Telegram delivers it again.
 */
import crypto from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Update } from '@grammyjs/types';

export const WEBHOOK_PATH = '/telegram/webhook';

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/**
 * @param handle applies one update; undefined while the app is starting (→ 503, Telegram retries).
 */
export function webhookPlugin(handle: () => ((update: Update) => Promise<void>) | undefined, secret: string): FastifyPluginAsync {
  return async (app) => {
    const options = {
      schema: { hide: true },
      // An update is a few KB (a 4,096-character message with entities and a reply stays far below 1 MB).
      bodyLimit: 1024 * 1024,
      // The secret is checked before the body is read (onRequest runs before parsing): a stranger's body is never parsed (issue 16.11).
      onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
        const given = request.headers['x-telegram-bot-api-secret-token'];
        if (!sameSecret(typeof given === 'string' ? given : undefined, secret)) {
          return reply.code(401).header('connection', 'close').send({ error: 'Wrong or missing X-Telegram-Bot-Api-Secret-Token' });
        }
      },
    };
    app.post(WEBHOOK_PATH, options, async (request, reply) => {
      const update = request.body as Update | undefined;
      if (!update || typeof update.update_id !== 'number') return reply.code(400).send({ error: 'Not a Telegram update' });
      const apply = handle();
      if (!apply) return reply.code(503).header('retry-after', '2').send({ error: 'Hotline is starting' });
      try {
        await apply(update);
      } catch (error) {
        request.log.warn(`Webhook update ${update.update_id} not applied, Telegram will retry: ${(error as Error).message}`);
        return reply.code(503).send({ error: 'Not applied; retry later' });
      }
      return reply.send({ ok: true });
    });
  };
}
