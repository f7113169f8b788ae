/**
 * The test's clock for the hours' history (commands/workingHours
 * `workingHistory`): tests move waits back in time by backdating
 * `dialogs.waiting_since`; since an edit of the hours no longer recounts the
 * past, the hours a test sets must be moved back too — as if in force all
 * along, or edited some minutes ago.
 */
import { sql } from 'drizzle-orm';
import { EARLIER_HOURS_KEY, forgetCachedWorkingHours } from '../../src/commands/workingHours.js';
import type { Database } from '../../src/db/index.js';

/** The current hours as if they had always been in force: the earlier versions are forgotten. */
export async function hoursInForceAllAlong(database: Database): Promise<void> {
  await database.db.execute(sql`delete from settings where key = ${EARLIER_HOURS_KEY}`);
  forgetCachedWorkingHours(database);
}

/** Every edit of the hours moved `minutes` into the past (the newest edit was `minutes` earlier than it was). */
export async function editsMovedBack(database: Database, minutes: number): Promise<void> {
  await database.db.execute(sql`
    update settings
       set value = (select coalesce(jsonb_agg(jsonb_set(e, '{until}', to_jsonb(to_char(((e->>'until')::timestamptz - make_interval(mins => ${minutes})) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))), '[]'::jsonb)
                      from jsonb_array_elements(value) e)
     where key = ${EARLIER_HOURS_KEY}`);
  forgetCachedWorkingHours(database);
}
