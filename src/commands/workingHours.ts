/**
 * Working hours and the holiday calendar, kept on the platform (issue 19.3):
 * one `settings` row (`working_hours`) an administrator edits; until then
 * core/workingHours DEFAULT_WORKING_HOURS (Monday–Friday 09:00–18:00). The
 * business time zone comes from BUSINESS_TIME_ZONE.
 */
import { eq } from 'drizzle-orm';
import { DEFAULT_WORKING_HOURS, validateWorkingHours, type WorkingCalendar, type WorkingHoursSettings } from '../core/workingHours.js';
import type { Database, Tx } from '../db/index.js';
import { settings } from '../db/schema.js';
import type { Viewer } from '../policies/access.js';
import { inTransaction, recordEvent, type CommandContext } from './context.js';
import { requireAdmin } from './createOrganization.js';
import { FieldErrors } from './validation.js';

/** The `settings` key of the working hours. */
export const WORKING_HOURS_KEY = 'working_hours';

/**
 * How long an instance reuses the calendar it read (ms): the client's
 * message path reads it on every message outside a cache. An edit is seen at
 * once by the instance that saved it, by the others within this time.
 */
const CACHE_MS = 15_000;
const cache = new WeakMap<Database, { value: WorkingHoursSettings; until: number }>();

/** A stored value made whole: missing or malformed parts take the defaults (a row written by hand or by an older version). */
function settingsOf(stored: unknown): WorkingHoursSettings {
  if (!stored || typeof stored !== 'object') return DEFAULT_WORKING_HOURS;
  const candidate = { ...DEFAULT_WORKING_HOURS, ...(stored as Partial<WorkingHoursSettings>) };
  return validateWorkingHours(candidate).value ?? DEFAULT_WORKING_HOURS;
}

/** The working hours as stored (or the defaults), without the time zone. */
export async function readWorkingHours(db: Database['db'] | Tx['db']): Promise<WorkingHoursSettings> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, WORKING_HOURS_KEY));
  return settingsOf(row?.value);
}

/**
 * The calendar the calculations read: the stored hours (cached CACHE_MS per
 * instance) in BUSINESS_TIME_ZONE. Inside a transaction pass it as `tx`: the
 * read must go through the transaction's own connection (the embedded
 * database serializes transactions, so a second connection would wait on it
 * for ever — ARCHITECTURE §4, jobs).
 */
export async function workingCalendar(ctx: Pick<CommandContext, 'database' | 'config'>, tx?: Tx): Promise<WorkingCalendar> {
  const cached = cache.get(ctx.database);
  const now = Date.now();
  let value = cached && cached.until > now ? cached.value : undefined;
  if (!value) {
    value = await readWorkingHours(tx ? tx.db : ctx.database.db);
    cache.set(ctx.database, { value, until: now + CACHE_MS });
  }
  return { ...value, timeZone: ctx.config.answerTime.timeZone };
}

export interface SaveProps {
  /** An administrator (403 for anyone else). */
  actor: Viewer;
  hours: WorkingHoursSettings;
}

/**
 * Saves the working hours, holidays, extra working days and whether the
 * off-hours automatic answer is on. Everything is checked first
 * (core/workingHours validateWorkingHours); one mistake saves nothing
 * (FieldErrors: 400 with a message per field). Records `settings.working_hours_updated`.
 */
export async function saveWorkingHours(ctx: CommandContext, props: SaveProps, tx?: Tx): Promise<WorkingHoursSettings> {
  requireAdmin(props.actor);
  const { value, errors } = validateWorkingHours(props.hours);
  if (!value) throw new FieldErrors(errors);
  const saved = await inTransaction(ctx, tx, async (tx) => {
    const before = await readWorkingHours(tx.db);
    await tx.db
      .insert(settings)
      .values({ key: WORKING_HOURS_KEY, value })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } });
    await recordEvent(tx, { actor: { userId: props.actor.userId }, subjectType: 'user', subjectId: props.actor.userId, name: 'settings.working_hours_updated', before, after: value });
    return value;
  });
  cache.set(ctx.database, { value: saved, until: Date.now() + CACHE_MS });
  return saved;
}
