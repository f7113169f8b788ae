/**
 * Vacuum and analyze where no autovacuum runs. Every UPDATE leaves a dead row
 * version behind (an outbox row claimed then sent, a dialog's status, a
 * message's mirror ids); PostgreSQL's autovacuum removes them and refreshes
 * the planner's statistics. The embedded PGlite runs PostgreSQL in
 * single-user mode, where no autovacuum worker exists (its `autovacuum`
 * setting says `on` all the same), and a server may have it turned off. Left
 * alone, every scan then reads more dead rows day after day and the planner
 * keeps plans made for empty tables: the same work costs more CPU run after
 * run (seen in bench/dialogStatus.ts: PostgreSQL's CPU for the same 20 s of
 * relay 10 → 14 → 18 s, the relay's p99 climbing with it).
 *
 * So Hotline does autovacuum's job itself there, with autovacuum's default
 * thresholds (PostgreSQL docs, «The Autovacuum Daemon»): a table is vacuumed
 * when its dead rows exceed 50 + 20 % of its rows
 * (`autovacuum_vacuum_threshold`, `autovacuum_vacuum_scale_factor`) or its rows
 * inserted since its last vacuum exceed 1,000 + 20 % (`autovacuum_vacuum_insert_threshold`,
 * `…_insert_scale_factor`: the vacuum that also empties a GIN index's pending
 * list, which an insert would otherwise flush alone at 4 MB), analyzed
 * when the rows changed since its last analyze exceed 50 + 10 %
 * (`autovacuum_analyze_threshold`, `autovacuum_analyze_scale_factor`). Where
 * autovacuum runs, nothing is done.
 */
import type pg from 'pg';

type Queryable = Pick<pg.Pool, 'query'>;

/** Autovacuum's defaults (PostgreSQL 15–17, `postgresql.conf`). */
export const VACUUM_THRESHOLD = 50;
export const VACUUM_SCALE_FACTOR = 0.2;
export const INSERT_THRESHOLD = 1000;
export const INSERT_SCALE_FACTOR = 0.2;
export const ANALYZE_THRESHOLD = 50;
export const ANALYZE_SCALE_FACTOR = 0.1;

/** What one pass did: the tables vacuumed (with analyze) and those only analyzed, as `schema.table`. */
export interface MaintenanceReport {
  vacuumed: string[];
  analyzed: string[];
}

/**
 * Whether this database needs Hotline to vacuum it: the embedded PGlite
 * always (no autovacuum worker in single-user mode), a server when its
 * `autovacuum` setting is off.
 */
export async function needsOwnVacuum(pool: Queryable, embedded: boolean): Promise<boolean> {
  if (embedded) return true;
  const { rows } = await pool.query<{ setting: string }>(`SELECT current_setting('autovacuum') AS setting`);
  return rows[0]?.setting !== 'on';
}

/**
 * One pass: every user table (Hotline's, the job queue's, the migrations')
 * over autovacuum's thresholds is vacuumed (`VACUUM (ANALYZE)`) or only
 * analyzed (`ANALYZE`). Tables are taken one at a time, in the order of most
 * dead rows first; VACUUM takes a lock that does not block reads or writes.
 * Returns what was done. Statistics reach `pg_stat_user_tables` up to a
 * second late, so a table just changed may wait for the next pass.
 */
export async function vacuumWhereDue(pool: Queryable): Promise<MaintenanceReport> {
  const { rows } = await pool.query<{ name: string; due_vacuum: boolean; due_analyze: boolean }>(
    `SELECT name, due_vacuum, due_analyze
       FROM (SELECT format('%I.%I', schemaname, relname) AS name, n_dead_tup,
                    (n_dead_tup > $1::float8 + $2::float8 * greatest(n_live_tup, 0)
                     OR n_ins_since_vacuum > $5::float8 + $6::float8 * greatest(n_live_tup, 0)) AS due_vacuum,
                    n_mod_since_analyze > $3::float8 + $4::float8 * greatest(n_live_tup, 0) AS due_analyze
               FROM pg_stat_user_tables) AS t
      WHERE due_vacuum OR due_analyze
      ORDER BY n_dead_tup DESC`,
    [VACUUM_THRESHOLD, VACUUM_SCALE_FACTOR, ANALYZE_THRESHOLD, ANALYZE_SCALE_FACTOR, INSERT_THRESHOLD, INSERT_SCALE_FACTOR],
  );
  const report: MaintenanceReport = { vacuumed: [], analyzed: [] };
  for (const row of rows) {
    // `name` is quoted by format('%I.%I'): safe to put in the statement.
    if (row.due_vacuum) {
      await pool.query(`VACUUM (ANALYZE) ${row.name}`);
      report.vacuumed.push(row.name);
    } else if (row.due_analyze) {
      await pool.query(`ANALYZE ${row.name}`);
      report.analyzed.push(row.name);
    }
  }
  return report;
}
