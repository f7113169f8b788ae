/** Requests on the customer side: create, list the organization's own, one request's page, complete or cancel. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changeRequestStatus } from '../../commands/changeRequestStatus.js';
import { createRequest } from '../../commands/createRequest.js';
import type { RouteOptions } from '../api.js';
import { ForbiddenError } from '../../commands/context.js';
import { mayListOwnRequests } from '../../policies/access.js';
import { requireViewer } from '../auth/guard.js';
import { listCustomerRequests, loadRequestPage } from './requestQueries.js';
import { errorBody, idParam, listQuery, offer, requestBody, requestPage, requestStatus, requestSummary } from './schemas.js';

const pageOfRequest = z.object({
  request: requestSummary.extend({
    customerOrganizationId: z.number(),
    beneficiary: z.record(z.string(), z.string()),
    purpose: z.string(),
    documents: z.record(z.string(), z.string()),
    payer: z.record(z.string(), z.string()),
    comment: z.string().nullable(),
    terms: z.record(z.string(), z.string()).nullable(),
    acceptedOfferId: z.number().nullable(),
    /** The client's dialog (our staff only; null otherwise or for a web request). */
    dialogId: z.number().nullable(),
  }),
  viewer: z.object({ isCustomer: z.boolean(), canOffer: z.boolean(), canAccept: z.boolean(), canChangeStatus: z.boolean(), canChat: z.boolean() }),
  offers: z.array(offer),
  timeline: z.array(
    z.object({
      id: z.number(),
      at: z.string(),
      actorName: z.string().nullable(),
      name: z.string(),
      subjectType: z.string(),
      before: z.record(z.string(), z.unknown()).nullable(),
      after: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  documents: z.array(
    z.object({ id: z.number(), name: z.string(), mime: z.string().nullable(), size: z.number().nullable(), source: z.string(), state: z.string(), createdAt: z.string() }),
  ),
});

export const requestRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const tags = ['requests'];

  app.post(
    '/requests',
    {
      schema: {
        tags,
        summary: 'Creates a request (status «Сбор предложений»); 400 with a message per field',
        body: requestBody,
        response: { 200: z.object({ id: z.number(), number: z.string() }), 400: errorBody },
      },
    },
    async (request) => {
      const created = await createRequest(getContext(), { actor: requireViewer(request), ...request.body });
      return { id: created.id, number: created.number };
    },
  );

  app.get(
    '/requests',
    {
      schema: {
        tags,
        summary:
          "The viewer's organization's own requests, newest first, keyset-paginated. 403 for a viewer who may not place requests (an agent): they have no list of their own (policies/access.ts mayListOwnRequests)",
        querystring: listQuery.extend({ status: requestStatus.optional() }),
        response: { 200: requestPage, 403: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      if (!mayListOwnRequests(viewer)) throw new ForbiddenError('Список своих заявок есть только у организаций, которые создают заявки');
      return listCustomerRequests(getContext().database.db, viewer, request.query);
    },
  );

  app.get(
    '/requests/:id',
    {
      schema: {
        tags,
        summary: 'One request: terms, status, offers, timeline, documents — as far as the viewer may see them; 404 otherwise',
        params: idParam,
        response: { 200: pageOfRequest, 404: errorBody },
      },
    },
    async (request) => loadRequestPage(getContext().database, requireViewer(request), request.params.id),
  );

  app.post(
    '/requests/:id/status',
    {
      schema: {
        tags,
        summary: 'Completes or cancels a request (customer only)',
        params: idParam,
        body: z.strictObject({ action: z.enum(['complete', 'cancel']) }),
        response: { 200: z.object({ requestId: z.number(), status: requestStatus }), 400: errorBody, 404: errorBody },
      },
    },
    async (request) => changeRequestStatus(getContext(), { actor: requireViewer(request), requestId: request.params.id, action: request.body.action }),
  );
};
