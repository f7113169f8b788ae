/**
 * Prepared lists and autocomplete for the request form: currencies (most used
 * first), countries with Russian or English names, payment purpose templates,
 * and the organization's known beneficiaries and payers (choosing one fills
 * the bank details; in our organization a client's are for our staff only). Static lists are cacheable; autocomplete uses indexed
 * per-organization tables, so it stays fast however many requests exist.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decimalInteger, rowId } from './schemas.js';
import { beneficiaries, dialogs, payers } from '../../db/schema.js';
import { isOurOrganization, isStaff, maySeeDialogs } from '../../policies/access.js';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { countryList, currencyList, purposeTemplates } from './referenceData.js';

const locale = z.strictObject({ locale: z.enum(['ru', 'en']).optional() });
const option = z.object({
  code: z.string(),
  name: z.string().describe('the name people use: «Китай»'),
  official: z.string().optional().describe('the official name when it differs: «КНР (Китайская Народная Республика)»'),
  aliases: z.array(z.string()).optional().describe('other names to search by (both languages, the countries of a currency)'),
  priority: z.number().optional().describe('among equal matches, lower first (the popular ones)'),
});
const search = z.strictObject({ q: z.string().max(100).optional(), dialogId: rowId.optional(), limit: decimalInteger(1, 50).optional() });

/** `%` and `_` typed by a person are letters, not wildcards. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

export const referenceRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const tags = ['reference'];
  const cacheable = 'private, max-age=3600';

  app.get('/reference/currencies', { schema: { tags, summary: 'ISO 4217 currencies, most used first', querystring: locale, response: { 200: z.array(option) } } }, async (request, reply) => {
    reply.header('cache-control', cacheable);
    return currencyList(request.query.locale ?? 'ru');
  });

  app.get('/reference/countries', { schema: { tags, summary: 'Countries (ISO 3166 alpha-2) by name', querystring: locale, response: { 200: z.array(option) } } }, async (request, reply) => {
    reply.header('cache-control', cacheable);
    return countryList(request.query.locale ?? 'ru');
  });

  app.get('/reference/purposes', { schema: { tags, summary: 'Payment purpose templates', querystring: locale, response: { 200: z.array(z.string()) } } }, async (request, reply) => {
    reply.header('cache-control', cacheable);
    return purposeTemplates(request.query.locale ?? 'ru');
  });

  app.get(
    '/reference/beneficiaries',
    {
      schema: {
        tags,
        summary: "The organization's known beneficiaries matching `q`; the dialog's client's first",
        querystring: search,
        response: { 200: z.array(z.object({ id: z.number(), name: z.string(), details: z.record(z.string(), z.string()) })) },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const { db } = getContext().database;
      const q = (request.query.q ?? '').trim();
      // Beneficiaries remembered from a Telegram client's deals are that client's data: our staff only.
      const staff = await maySeeDialogs(db, viewer);
      let clientId: number | null = null;
      if (request.query.dialogId && staff) {
        const [dialog] = await db.select({ clientId: dialogs.clientId }).from(dialogs).where(eq(dialogs.id, request.query.dialogId));
        clientId = dialog?.clientId ?? null;
      }
      return db
        .select({ id: beneficiaries.id, name: beneficiaries.name, details: beneficiaries.details })
        .from(beneficiaries)
        .where(
          and(
            eq(beneficiaries.organizationId, viewer.organizationId),
            staff ? undefined : isNull(beneficiaries.clientId),
            q ? sql`${beneficiaries.name} ilike ${likePattern(q)}` : undefined,
          ),
        )
        .orderBy(...(clientId ? [sql`(${beneficiaries.clientId} = ${clientId}) desc nulls last`] : []), desc(beneficiaries.lastUsedAt))
        .limit(request.query.limit ?? 10);
    },
  );

  app.get(
    '/reference/payers',
    {
      schema: {
        tags,
        summary: "The organization's known payers matching `q` (name or INN)",
        querystring: search,
        response: { 200: z.array(z.object({ id: z.number(), name: z.string(), inn: z.string(), kpp: z.string() })) },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const q = (request.query.q ?? '').trim();
      const { db } = getContext().database;
      // Our organization's payers are our clients' companies (payers keep no link to the client): our staff only.
      if (!isStaff(viewer) && (await isOurOrganization(db, viewer.organizationId))) return [];
      return db
        .select({ id: payers.id, name: payers.name, inn: payers.inn, kpp: payers.kpp })
        .from(payers)
        .where(
          and(
            eq(payers.organizationId, viewer.organizationId),
            q ? sql`(${payers.name} ilike ${likePattern(q)} or ${payers.inn} like ${`${q.replace(/\D/g, '')}%`})` : undefined,
          ),
        )
        .orderBy(desc(payers.lastUsedAt))
        .limit(request.query.limit ?? 10);
    },
  );
};
