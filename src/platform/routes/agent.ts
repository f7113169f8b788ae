/** The agents' general list: requests collecting offers, with filters, sort and keyset pagination. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { listAgentRequests } from './requestQueries.js';
import { listQuery, requestPage } from './schemas.js';

export const agentRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/agent/requests',
    {
      schema: {
        tags: ['agent'],
        summary: 'Requests collecting offers (hidden Telegram requests excluded); `mine=1` lists those the organization offered on',
        querystring: listQuery.extend({ mine: z.enum(['0', '1', 'true', 'false']).optional() }),
        response: { 200: requestPage },
      },
    },
    async (request) => {
      const { mine, ...filters } = request.query;
      return listAgentRequests(getContext().database.db, requireViewer(request), { ...filters, mine: mine === '1' || mine === 'true' });
    },
  );
};
