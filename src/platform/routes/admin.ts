/** The admin page's API: users, organizations, our requisites and the managers' groups' health. Admins only; others get 403. */
import { asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bodyRowId, idParam } from './schemas.js';
import { ForbiddenError } from '../../commands/context.js';
import { createOrganization } from '../../commands/createOrganization.js';
import { createUser } from '../../commands/createUser.js';
import { pausedManagersChats, unhealthyManagersChats } from '../../commands/managersChats.js';
import { updateOrganization } from '../../commands/updateOrganization.js';
import { updateOurRequisites } from '../../commands/updateOurRequisites.js';
import { updateUser } from '../../commands/updateUser.js';
import { readWorkingHours, saveWorkingHours } from '../../commands/workingHours.js';
import { ORGANIZATION_REQUISITE_FIELDS, type OrganizationRequisites } from '../../core/requisites.js';
import { organizations, users } from '../../db/schema.js';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';

const role = z.enum(['admin', 'manager', 'agent', 'customer']);
const kind = z.enum(['customer', 'agent', 'both']);
const organization = z.object({ id: z.number(), name: z.string(), kind, isOurs: z.boolean(), createdAt: z.string() });
const user = z.object({
  id: z.number(),
  email: z.string().nullable(),
  name: z.string(),
  role,
  organizationId: z.number(),
  organizationName: z.string(),
  telegramUserId: z.number().nullable(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
const requisiteFields = Object.fromEntries(ORGANIZATION_REQUISITE_FIELDS.map((field) => [field, z.string()])) as Record<keyof OrganizationRequisites, z.ZodString>;
const requisitesBody = z.strictObject(
  Object.fromEntries(ORGANIZATION_REQUISITE_FIELDS.map((field) => [field, z.string().max(2000).nullable().optional()])) as Record<
    keyof OrganizationRequisites,
    z.ZodOptional<z.ZodNullable<z.ZodString>>
  >,
);
const ourRequisites = z.object({
  /** Null when no organization is marked as ours. */
  organization: z.object({ id: z.number(), name: z.string() }).nullable(),
  requisites: z.object(requisiteFields),
});

// Times and dates are checked by the command (core/workingHours validateWorkingHours), which answers every bad field
// at once; the schema only bounds their length, loosely, so that a long mistyped value («09:00 и обед 13–14») gets the
// command's message with the rest instead of a schema refusal alone.
const TYPED_MAX = 100;
const dayHours = z.strictObject({ start: z.string().max(TYPED_MAX), end: z.string().max(TYPED_MAX) });
const workingHoursBody = z.strictObject({
  /** Monday first to Sunday; null: a day off. */
  week: z.array(dayHours.nullable()).length(7),
  /** ISO dates off. */
  holidays: z.array(z.string().max(TYPED_MAX)).max(1000),
  /** Dates normally off that are worked, with their hours. */
  workdays: z.array(dayHours.extend({ date: z.string().max(TYPED_MAX) })).max(1000),
  /** The automatic answer to clients who write outside working hours (once per off-hours period). */
  offHoursAnswer: z.boolean(),
});
/** The answer (not strict: an answer is not checked for keys the caller did not send). */
const answeredDay = z.object({ start: z.string(), end: z.string() });
const workingHours = z.object({
  week: z.array(answeredDay.nullable()),
  holidays: z.array(z.string()),
  workdays: z.array(answeredDay.extend({ date: z.string() })),
  offHoursAnswer: z.boolean(),
  /** BUSINESS_TIME_ZONE: the hours are wall-clock times there (read-only here). */
  timeZone: z.string(),
  /** ANSWER_TIME_LIMIT_MINUTES: the promised answer time in working minutes; 0 — off (read-only here). */
  limitMinutes: z.number(),
});

function requireAdmin(request: FastifyRequest) {
  const viewer = requireViewer(request);
  if (viewer.role !== 'admin') throw new ForbiddenError('Это может только администратор');
  return viewer;
}

/** Our organization's requisites as the form edits them: every field, empty when unset. */
const pickRequisites = (row: typeof organizations.$inferSelect | undefined) => ({
  organization: row ? { id: row.id, name: row.name } : null,
  requisites: Object.fromEntries(ORGANIZATION_REQUISITE_FIELDS.map((field) => [field, row?.requisites[field] ?? ''])) as OrganizationRequisites,
});

const pickOrganization = (row: typeof organizations.$inferSelect) => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  isOurs: row.isOurs,
  createdAt: row.createdAt.toISOString(),
});

export const adminRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin'];

  app.get('/admin/organizations', { schema: { tags, summary: 'All organizations', response: { 200: z.array(organization) } } }, async (request) => {
    requireAdmin(request);
    const rows = await getContext().database.db.select().from(organizations).orderBy(asc(organizations.id));
    return rows.map(pickOrganization);
  });

  app.post(
    '/admin/organizations',
    { schema: { tags, summary: 'Adds an organization', body: z.strictObject({ name: z.string(), kind }), response: { 200: organization } } },
    async (request) => pickOrganization(await createOrganization(getContext(), { actor: requireAdmin(request), ...request.body })),
  );

  app.patch(
    '/admin/organizations/:id',
    {
      schema: {
        tags,
        summary: 'Renames an organization or changes its kind',
        params: idParam,
        body: z.strictObject({ name: z.string().optional(), kind: kind.optional() }),
        response: { 200: organization },
      },
    },
    async (request) =>
      pickOrganization(await updateOrganization(getContext(), { actor: requireAdmin(request), organizationId: request.params.id, ...request.body })),
  );

  app.get(
    '/admin/telegram-health',
    {
      schema: {
        tags,
        summary:
          "Managers' groups Telegram does not let the bot post into (kicked, demoted): paused, their messages kept in order until the rights return; " +
          'and groups where it posts but cannot read managers\' messages or create topics',
        response: {
          200: z.object({
            pausedGroups: z.array(
              z.object({
                chatId: z.number(),
                /** When the pause began (ISO 8601, UTC). */
                pausedAt: z.string(),
                /** Telegram's answer that paused it (English, as Telegram words it). */
                reason: z.string(),
                /** Its kind, for the page's own words: removed, muted, not_forum, gone, other. */
                reasonCode: z.enum(['removed', 'muted', 'not_forum', 'gone', 'other']),
                /** Calls waiting for the group (messages, cards, titles). */
                waiting: z.number(),
              }),
            ),
            /** Groups the bot posts into but cannot fully serve: it cannot read managers' messages, or cannot create topics. */
            unhealthyGroups: z.array(
              z.object({
                chatId: z.number(),
                problem: z.enum(['cannot_read_messages', 'cannot_manage_topics']),
                /** Since when (ISO 8601, UTC). */
                since: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      requireAdmin(request);
      const pool = getContext().database.pool;
      const paused = await pausedManagersChats(pool);
      const unhealthy = await unhealthyManagersChats(pool);
      return {
        pausedGroups: paused.map((group) => ({ ...group, pausedAt: group.pausedAt.toISOString() })),
        unhealthyGroups: unhealthy.map((group) => ({ ...group, since: group.since.toISOString() })),
      };
    },
  );

  app.get(
    '/admin/requisites',
    { schema: { tags, summary: "Our organization's requisites, printed on the generated documents", response: { 200: ourRequisites } } },
    async (request) => {
      requireAdmin(request);
      const [ours] = await getContext().database.db.select().from(organizations).where(eq(organizations.isOurs, true));
      return pickRequisites(ours);
    },
  );

  app.put(
    '/admin/requisites',
    {
      schema: {
        tags,
        summary: "Sets our organization's requisites; every field is checked (INN, KPP, OGRN, BIC and account checksums), one mistake changes nothing",
        body: requisitesBody,
        response: { 200: ourRequisites },
      },
    },
    async (request) => pickRequisites(await updateOurRequisites(getContext(), { actor: requireAdmin(request), requisites: request.body })),
  );

  /** Working hours as the admin page edits them, with the settings that come from the environment. */
  const withSettings = (hours: Awaited<ReturnType<typeof readWorkingHours>>) => ({
    ...hours,
    timeZone: getContext().config.answerTime.timeZone,
    limitMinutes: getContext().config.answerTime.limitMinutes,
  });

  app.get(
    '/admin/working-hours',
    {
      schema: {
        tags,
        summary: 'Working hours per weekday, holidays and extra working days, and the off-hours automatic answer (issue 19.3); defaults Mon–Fri 09:00–18:00 until edited',
        response: { 200: workingHours },
      },
    },
    async (request) => {
      requireAdmin(request);
      return withSettings(await readWorkingHours(getContext().database.db));
    },
  );

  app.put(
    '/admin/working-hours',
    {
      schema: {
        tags,
        summary: 'Sets the working hours and holiday calendar; every field is checked (HH:MM, end after start, real dates, no date twice), one mistake saves nothing (400 with a message per field)',
        body: workingHoursBody,
        response: { 200: workingHours },
      },
    },
    async (request) => withSettings(await saveWorkingHours(getContext(), { actor: requireAdmin(request), hours: request.body })),
  );

  const listUsers = async (id?: number) => {
    const rows = await getContext()
      .database.db.select({
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        organizationId: users.organizationId,
        organizationName: organizations.name,
        telegramUserId: users.telegramUserId,
        disabledAt: users.disabledAt,
        createdAt: users.createdAt,
      })
      .from(users)
      .innerJoin(organizations, eq(organizations.id, users.organizationId))
      .where(id === undefined ? undefined : eq(users.id, id))
      .orderBy(asc(users.id));
    return rows.map(({ disabledAt, createdAt, ...row }) => ({ ...row, disabled: Boolean(disabledAt), createdAt: createdAt.toISOString() }));
  };

  app.get('/admin/users', { schema: { tags, summary: 'All users', response: { 200: z.array(user) } } }, async (request) => {
    requireAdmin(request);
    return listUsers();
  });

  app.post(
    '/admin/users',
    {
      schema: {
        tags,
        summary: 'Adds a user with a password',
        body: z.strictObject({
          organizationId: bodyRowId,
          role,
          email: z.string(),
          name: z.string(),
          password: z.string(),
          telegramUserId: bodyRowId.nullable().optional(),
        }),
        response: { 200: user },
      },
    },
    async (request) => {
      const created = await createUser(getContext(), { actor: requireAdmin(request), ...request.body });
      return (await listUsers(created.id))[0]!;
    },
  );

  app.patch(
    '/admin/users/:id',
    {
      schema: {
        tags,
        summary:
          "Disables or enables a user, renames, sets a new password, or links/unlinks their Telegram (`telegramUserId`, null unlinks; 400 on telegramUserId naming the account when another enabled account has it — a disabled one gives it up)",
        params: idParam,
        body: z.strictObject({
          disabled: z.boolean().optional(),
          password: z.string().optional(),
          name: z.string().optional(),
          telegramUserId: bodyRowId.nullable().optional(),
        }),
        response: { 200: user },
      },
    },
    async (request) => {
      await updateUser(getContext(), { actor: requireAdmin(request), userId: request.params.id, ...request.body });
      return (await listUsers(request.params.id))[0]!;
    },
  );
};
