/**
 * The tables' upkeep, on pg-boss schedules (one run per period across every
 * instance):
 * - once a minute, vacuum and analyze the tables over autovacuum's thresholds
 *   — only where no autovacuum runs: the embedded PGlite, or a server with
 *   `autovacuum = off` (db/maintenance). Elsewhere the job is not scheduled;
 * - once an hour, forget the applied updates no longer redeliverable
 *   (telegram/intake `forgetAppliedUpdates`), on every database.
 */
import type { CommandContext } from '../commands/context.js';
import { needsOwnVacuum, vacuumWhereDue } from '../db/maintenance.js';
import { forgetAppliedUpdates } from '../telegram/intake.js';

/** The job that deletes applied updates' records older than the redelivery window (telegram/intake). */
export const FORGET_APPLIED_UPDATES = 'hotline.forgetAppliedUpdates';

/** The job that vacuums and analyzes Hotline's tables where no autovacuum does (db/maintenance). */
export const VACUUM_TABLES = 'hotline.vacuumTables';

/** Registers the hourly forgetting of applied updates; the vacuum's worker and its once-a-minute schedule when the database needs it, removing that schedule otherwise. */
export async function startTableMaintenance(ctx: Pick<CommandContext, 'database' | 'jobs' | 'log'>): Promise<void> {
  const { database, jobs, log } = ctx;
  await jobs.define({ name: FORGET_APPLIED_UPDATES, retryLimit: 0, expireInSeconds: 600 });
  await jobs.work(FORGET_APPLIED_UPDATES, async () => {
    const forgotten = await forgetAppliedUpdates(database.pool);
    if (forgotten > 0) log.debug({ forgotten }, 'Applied updates past the redelivery window forgotten');
  });
  await jobs.boss.schedule(FORGET_APPLIED_UPDATES, '17 * * * *');
  await jobs.define({ name: VACUUM_TABLES, retryLimit: 0, expireInSeconds: 600 });
  if (!(await needsOwnVacuum(database.pool, database.embedded))) {
    await jobs.boss.unschedule(VACUUM_TABLES);
    return;
  }
  await jobs.work(VACUUM_TABLES, async () => {
    const started = Date.now();
    const done = await vacuumWhereDue(database.pool);
    if (done.vacuumed.length + done.analyzed.length > 0) {
      log.debug({ vacuumed: done.vacuumed, analyzed: done.analyzed, ms: Date.now() - started }, 'Tables vacuumed where no autovacuum runs');
    }
  });
  await jobs.boss.schedule(VACUUM_TABLES, '* * * * *');
}
