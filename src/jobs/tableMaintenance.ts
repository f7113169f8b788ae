/**
 * Once a minute (pg-boss `schedule`: one run per minute across every
 * instance), vacuum and analyze the tables over autovacuum's thresholds —
 * only where no autovacuum runs: the embedded PGlite, or a server with
 * `autovacuum = off` (db/maintenance). Elsewhere the job is not scheduled.
 */
import type { CommandContext } from '../commands/context.js';
import { needsOwnVacuum, vacuumWhereDue } from '../db/maintenance.js';

/** The job that vacuums and analyzes Hotline's tables where no autovacuum does (db/maintenance). */
export const VACUUM_TABLES = 'hotline.vacuumTables';

/** Registers the worker and its once-a-minute schedule when the database needs it; removes the schedule otherwise. */
export async function startTableMaintenance(ctx: Pick<CommandContext, 'database' | 'jobs' | 'log'>): Promise<void> {
  const { database, jobs, log } = ctx;
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
