/** Offers: an agent offers on a request; the customer accepts one (the others are declined). */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptOffer } from '../../commands/acceptOffer.js';
import { createOffer } from '../../commands/createOffer.js';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { errorBody, idParam, offerBody } from './schemas.js';

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
        response: { 200: z.object({ id: z.number(), total: z.string() }), 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const created = await createOffer(getContext(), { actor: requireViewer(request), requestId: request.params.id, ...request.body });
      return { id: created.id, total: created.total };
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
