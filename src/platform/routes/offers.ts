/** Offers: an agent offers on a request; the customer accepts one (the others are declined). */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptOffer } from '../../commands/acceptOffer.js';
import { createOffer } from '../../commands/createOffer.js';
import type { RouteOptions } from '../api.js';
import type { CommandContext } from '../../commands/context.js';
import { dialogs, requests } from '../../db/schema.js';
import { eq } from 'drizzle-orm';
import { requireViewer } from '../auth/guard.js';
import { errorBody, idParam, offerBody } from './schemas.js';

/** `https://t.me/c/<chat>/<topic>`: Telegram's link to a topic of a private supergroup. */
async function topicUrl(ctx: CommandContext, requestId: number): Promise<string | null> {
  const [row] = await ctx.database.db
    .select({ chat: dialogs.managersChatId, topic: dialogs.topicId })
    .from(requests)
    .innerJoin(dialogs, eq(dialogs.id, requests.dialogId))
    .where(eq(requests.id, requestId));
  if (!row?.topic) return null;
  // In sandbox mode the "Telegram" is the sandbox page.
  if (ctx.config.sandbox) return `${ctx.config.publicUrl}/sandbox?chat=${row.chat}&topic=${row.topic}`;
  return `https://t.me/c/${String(row.chat).replace(/^-100/, '')}/${row.topic}`;
}

export const offerRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const tags = ['offers'];

  app.post(
    '/requests/:id/offers',
    {
      schema: {
        tags,
        summary: "Makes (or replaces) the viewer's organization's offer; the total is computed on the server",
        params: idParam,
        body: offerBody,
        response: {
          200: z.object({
            id: z.number(),
            total: z.string(),
            /** A request from a Telegram dialog: the offer was accepted at once. */
            autoAccepted: z.boolean(),
            /** Where the manager goes back to: the client's topic in Telegram. */
            telegramTopicUrl: z.string().nullable(),
          }),
          400: errorBody,
          404: errorBody,
          /** A Telegram request whose offer is already accepted, saved again with other values. */
          409: errorBody,
        },
      },
    },
    async (request) => {
      const ctx = getContext();
      const created = await createOffer(ctx, { actor: requireViewer(request), requestId: request.params.id, ...request.body });
      return {
        id: created.id,
        total: created.total,
        autoAccepted: Boolean(created.autoAccepted),
        telegramTopicUrl: created.autoAccepted ? await topicUrl(ctx, request.params.id) : null,
      };
    },
  );

  app.post(
    '/offers/:id/accept',
    {
      schema: {
        tags,
        summary: 'The customer accepts an offer: terms become final, other offers are declined',
        params: idParam,
        response: {
          200: z.object({ requestId: z.number(), offerId: z.number(), terms: z.record(z.string(), z.string()), declinedOfferIds: z.array(z.number()) }),
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => acceptOffer(getContext(), { actor: requireViewer(request), offerId: request.params.id }),
  );
};
