/**
 * Working hours and the holiday calendar, kept on the platform (issue 19.3):
 * one `settings` row (`working_hours`) an administrator edits; until then
 * core/workingHours DEFAULT_WORKING_HOURS (Monday–Friday 09:00–18:00). The
 * business time zone comes from BUSINESS_TIME_ZONE.
 */
import { eq } from 'drizzle-orm';
import { DEFAULT_WORKING_HOURS, validateWorkingHours, type CalendarHistory, type WorkingCalendar, type WorkingHoursSettings } from '../core/workingHours.js';
import type { Database, Tx } from '../db/index.js';
import { settings } from '../db/schema.js';
import type { Viewer } from '../policies/access.js';
import { inTransaction, recordEvent, type CommandContext } from './context.js';
import { requireAdmin } from './createOrganization.js';
import { FieldErrors } from './validation.js';

/** The `settings` key of the working hours. */
export const WORKING_HOURS_KEY = 'working_hours';

/**
 * The `settings` key of the hours in force before each edit: a JSON array,
 * oldest first, of `{ until: ISO 8601 instant, hours: WorkingHoursSettings }`
 * (core/workingHours CalendarHistory). Written by `saveWorkingHours`; seeded
 * from the edits' events by migration 0032.
 */
export const EARLIER_HOURS_KEY = 'working_hours_earlier';

/**
 * At most this many earlier versions are kept (the oldest go first): a wait
 * that began before the oldest kept edit counts its start under the oldest
 * kept hours. Administrators edit hours a few times a year.
 */
export const EARLIER_HOURS_KEPT = 100;

interface EarlierHours {
  until: Date;
  hours: WorkingHoursSettings;
}

/**
 * How long an instance reuses the calendar it read (ms): the client's
 * message path reads it on every message outside a cache. An edit is seen at
 * once by the instance that saved it, by the others within this time.
 */
const CACHE_MS = 15_000;
const cache = new WeakMap<Database, { value: WorkingHoursSettings; earlier: EarlierHours[]; until: number }>();

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
 * Drops this instance's cached hours: the next read goes to the database.
 * For tests and tools that write the `settings` rows directly (an edit
 * through `saveWorkingHours` refreshes the cache itself).
 */
export function forgetCachedWorkingHours(database: Database): void {
  cache.delete(database);
}

/** The earlier versions as stored, oldest first; entries that are not a valid instant with valid hours are left out. */
export async function readEarlierHours(db: Database['db'] | Tx['db']): Promise<EarlierHours[]> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, EARLIER_HOURS_KEY));
  if (!Array.isArray(row?.value)) return [];
  return (row.value as unknown[])
    .flatMap((item) => {
      if (!item || typeof item !== 'object') return [];
      const { until, hours } = item as { until?: unknown; hours?: unknown };
      const at = typeof until === 'string' ? new Date(until) : undefined;
      return at && !Number.isNaN(at.getTime()) && hours && typeof hours === 'object' ? [{ until: at, hours: settingsOf(hours) }] : [];
    })
    .sort((a, b) => a.until.getTime() - b.until.getTime());
}

async function cached(ctx: Pick<CommandContext, 'database'>, tx?: Tx): Promise<{ value: WorkingHoursSettings; earlier: EarlierHours[] }> {
  const hit = cache.get(ctx.database);
  const now = Date.now();
  if (hit && hit.until > now) return hit;
  const db = tx ? tx.db : ctx.database.db;
  const entry = { value: await readWorkingHours(db), earlier: await readEarlierHours(db), until: now + CACHE_MS };
  cache.set(ctx.database, entry);
  return entry;
}

/**
 * The calendar the calculations read: the stored hours (cached CACHE_MS per
 * instance) in BUSINESS_TIME_ZONE. Inside a transaction pass it as `tx`: the
 * read must go through the transaction's own connection (the embedded
 * database serializes transactions, so a second connection would wait on it
 * for ever — ARCHITECTURE §4, jobs).
 */
export async function workingCalendar(ctx: Pick<CommandContext, 'database' | 'config'>, tx?: Tx): Promise<WorkingCalendar> {
  const { value } = await cached(ctx, tx);
  return { ...value, timeZone: ctx.config.answerTime.timeZone };
}

/**
 * The hours over time (core/workingHours CalendarHistory): the versions in
 * force before each edit and the current one, all in BUSINESS_TIME_ZONE, for
 * how long a client waited and when a wait became late — a past wait keeps
 * what it accrued, an edit counts from when it was saved. Cached like
 * `workingCalendar`; pass `tx` inside a transaction.
 */
export async function workingHistory(ctx: Pick<CommandContext, 'database' | 'config'>, tx?: Tx): Promise<CalendarHistory> {
  const { value, earlier } = await cached(ctx, tx);
  const timeZone = ctx.config.answerTime.timeZone;
  return { earlier: earlier.map((item) => ({ until: item.until, calendar: { ...item.hours, timeZone } })), current: { ...value, timeZone } };
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
    const at = new Date();
    await tx.db
      .insert(settings)
      .values({ key: WORKING_HOURS_KEY, value })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: at } });
    // The hours in force until now are kept: waits count their past under them (workingHistory).
    if (JSON.stringify(before) !== JSON.stringify(value)) {
      const earlier = [...(await readEarlierHours(tx.db)), { until: at, hours: before }].slice(-EARLIER_HOURS_KEPT);
      const stored = earlier.map((item) => ({ until: item.until.toISOString(), hours: item.hours }));
      await tx.db
        .insert(settings)
        .values({ key: EARLIER_HOURS_KEY, value: stored })
        .onConflictDoUpdate({ target: settings.key, set: { value: stored, updatedAt: at } });
    }
    await recordEvent(tx, { actor: { userId: props.actor.userId }, subjectType: 'user', subjectId: props.actor.userId, name: 'settings.working_hours_updated', before, after: value });
    return { value, earlier: await readEarlierHours(tx.db) };
  });
  cache.set(ctx.database, { ...saved, until: Date.now() + CACHE_MS });
  return saved.value;
}
