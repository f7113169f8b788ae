/** The agents' general list: requests collecting offers, with filters, sort and keyset pagination. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteOptions } from '../api.js';
import { ForbiddenError } from '../../commands/context.js';
import { mayListGeneralRequests } from '../../policies/access.js';
import { requireViewer } from '../auth/guard.js';
import { listAgentRequests } from './requestQueries.js';
import { errorBody, listQuery, requestPage } from './schemas.js';

export const agentRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/agent/requests',
    {
      schema: {
        tags: ['agent'],
        summary:
          'Requests collecting offers (hidden Telegram requests excluded); `mine=1` lists those the organization offered on. 403 for a viewer who may not make offers (a customer): the list is not theirs (policies/access.ts mayListGeneralRequests)',
        querystring: listQuery.extend({ mine: z.enum(['0', '1', 'true', 'false']).optional() }),
        response: { 200: requestPage, 403: errorBody },
      },
    },
    async (request) => {
      const { mine, ...filters } = request.query;
      const viewer = requireViewer(request);
      if (!mayListGeneralRequests(viewer)) throw new ForbiddenError('Общий список заявок видят только организации, которые делают предложения');
      return listAgentRequests(getContext().database.db, viewer, { ...filters, mine: mine === '1' || mine === 'true' });
    },
  );
};
