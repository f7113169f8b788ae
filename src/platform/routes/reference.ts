/**
 * Prepared lists and autocomplete for the request form: currencies (most used
 * first), countries with Russian or English names, payment purpose templates,
 * and the organization's known beneficiaries and payers (choosing one fills
 * the bank details; in our organization a client's are for our staff only). Static lists are cacheable; autocomplete uses indexed
 * per-organization tables, so it stays fast however many requests exist.
 */
import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decimalInteger, errorBody, rowId } from './schemas.js';
import { ForbiddenError, NotFoundError } from '../../commands/context.js';
import { TYPO_SIMILARITY } from '../../commands/search.js';
import { TYPO_MIN_LETTERS } from '../../core/searchText.js';
import type { Db } from '../../db/index.js';
import { beneficiaries, dialogs, payers } from '../../db/schema.js';
import { maySeeDialogs, requestFormReferenceRefusal, type Viewer } from '../../policies/access.js';
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

/** Refuses (403, the sentence of the rule) a viewer the request form's remembered payers and beneficiaries are not for. */
async function refuseUnlessRequestForm(db: Db, viewer: Viewer, list: 'payers' | 'beneficiaries'): Promise<void> {
  const refusal = await requestFormReferenceRefusal(db, viewer, list);
  if (refusal) throw new ForbiddenError(refusal);
}

/**
 * The client of the dialog a lookup is asked for (`?dialogId=`): 404 «Диалог не
 * найден» when the viewer may not see dialogs or there is no such dialog — the
 * same rule as `POST /api/requests {dialogId}` (commands/createRequest). An
 * ignored dialogId answered 200, so a lookup told nothing wrong was asked.
 */
async function dialogClient(db: Db, dialogId: number | undefined, staff: boolean): Promise<number | null> {
  if (dialogId === undefined) return null;
  if (!staff) throw new NotFoundError('Диалог не найден');
  const [dialog] = await db.select({ clientId: dialogs.clientId }).from(dialogs).where(eq(dialogs.id, dialogId));
  if (!dialog) throw new NotFoundError('Диалог не найден');
  return dialog.clientId;
}

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
        summary:
          "The organization's known beneficiaries matching `q`; the dialog's client's first. 403 for whom the request form is not (policies/access.ts requestFormReferenceRefusal); 404 «Диалог не найден» for a `dialogId` the viewer cannot see",
        querystring: search,
        response: { 200: z.array(z.object({ id: z.number(), name: z.string(), details: z.record(z.string(), z.string()) })), 403: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const { db } = getContext().database;
      await refuseUnlessRequestForm(db, viewer, 'beneficiaries');
      const q = (request.query.q ?? '').trim();
      // Beneficiaries remembered from a Telegram client's deals are that client's data: our staff only.
      const staff = await maySeeDialogs(db, viewer);
      const clientId = await dialogClient(db, request.query.dialogId, staff);
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
        summary:
          "The organization's known payers matching `q`: a part of the name (any case), the start of the INN, or — when nothing matches and `q` is one word of 5+ letters — a name with a wrong letter (pg_trgm word_similarity ≥ TYPO_SIMILARITY, the search's typo bar); most recently used first, the alike names most alike first. 403 for whom the request form is not (policies/access.ts requestFormReferenceRefusal); 404 «Диалог не найден» for a `dialogId` the viewer cannot see",
        querystring: search,
        response: { 200: z.array(z.object({ id: z.number(), name: z.string(), inn: z.string(), kpp: z.string() })), 403: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const q = (request.query.q ?? '').trim();
      const { db } = getContext().database;
      await refuseUnlessRequestForm(db, viewer, 'payers');
      await dialogClient(db, request.query.dialogId, await maySeeDialogs(db, viewer));
      const limit = request.query.limit ?? 10;
      const columns = { id: payers.id, name: payers.name, inn: payers.inn, kpp: payers.kpp };
      const own = eq(payers.organizationId, viewer.organizationId);
      const digits = q.replace(/\D/g, '');
      // The INN's start only when `q` has digits: «like '%'» (no digits) matched every payer, so a name typed found them all.
      const matches = q ? or(sql`${payers.name} ilike ${likePattern(q)}`, digits ? sql`${payers.inn} like ${`${digits}%`}` : undefined) : undefined;
      const found = await db.select(columns).from(payers).where(and(own, matches)).orderBy(desc(payers.lastUsedAt)).limit(limit);
      const word = q.toLowerCase();
      if (found.length || !/^\p{L}+$/u.test(word) || [...word].length < TYPO_MIN_LETTERS) return found;
      // Nothing: perhaps the name with a wrong letter («Лютек» for «Лютик»), as the search finds it.
      const alike = sql`word_similarity(${word}, lower(${payers.name}))`;
      return db
        .select(columns)
        .from(payers)
        .where(and(own, sql`${alike} >= ${TYPO_SIMILARITY}`))
        .orderBy(sql`${alike} desc`, desc(payers.lastUsedAt))
        .limit(limit);
    },
  );
};
