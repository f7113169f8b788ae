/**
 * Autovacuum's job where none runs (src/db/maintenance.ts): on the embedded
 * PGlite (single-user PostgreSQL, no autovacuum worker) and on a server, a
 * table whose rows were all updated has its dead rows removed by one pass,
 * and a pass over tables under the thresholds does nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { openDatabase, type Database } from '../../src/db/index.js';
import { needsOwnVacuum, vacuumWhereDue } from '../../src/db/maintenance.js';
import { testDatabase, type TestDatabase } from '../helpers/database.js';

const log = pino({ level: 'silent' });

describe('vacuum where no autovacuum runs', () => {
  let where: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    where = await testDatabase();
    database = await openDatabase({ url: where.url, dataDir: where.dataDir, log });
  });
  afterAll(async () => {
    await database?.close();
    await where?.cleanup();
  });

  /** The table's dead and live rows as the statistics say, after flushing this session's counters. */
  async function rowsOf(table: string): Promise<{ dead: number; live: number }> {
    await database.pool.query('SELECT pg_stat_force_next_flush()');
    // Counters reach the shared statistics when the session flushes them (at most a second later).
    for (let i = 0; i < 50; i++) {
      await database.pool.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await database.pool.query<{ dead: string; live: string }>(
        `SELECT n_dead_tup AS dead, n_live_tup AS live FROM pg_stat_user_tables WHERE relname = $1`,
        [table],
      );
      if (rows[0] && Number(rows[0].live) > 0) return { dead: Number(rows[0].dead), live: Number(rows[0].live) };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no statistics for ${table}`);
  }

  it('the embedded database always needs it; a server when its autovacuum is off', async () => {
    const server = where.url ? (await database.pool.query<{ s: string }>(`SELECT current_setting('autovacuum') AS s`)).rows[0]!.s : undefined;
    expect(await needsOwnVacuum(database.pool, database.embedded)).toBe(database.embedded || server !== 'on');
  });

  it('a table whose every row was updated is vacuumed, then left alone', async () => {
    await database.pool.query('CREATE TABLE churned (id int PRIMARY KEY, n int NOT NULL)');
    await database.pool.query('INSERT INTO churned SELECT g, 0 FROM generate_series(1, 1000) g');
    await database.pool.query('UPDATE churned SET n = n + 1');
    await database.pool.query('UPDATE churned SET n = n + 1');
    let before = await rowsOf('churned');
    for (let i = 0; i < 50 && before.dead < 1000; i++) {
      await new Promise((r) => setTimeout(r, 100));
      before = await rowsOf('churned');
    }
    expect(before.dead).toBeGreaterThanOrEqual(1000);

    const report = await vacuumWhereDue(database.pool);
    expect(report.vacuumed).toContain('public.churned');
    const after = await rowsOf('churned');
    expect(after.dead).toBe(0);
    expect(after.live).toBe(1000);

    const again = await vacuumWhereDue(database.pool);
    expect(again.vacuumed).not.toContain('public.churned');
    expect(again.analyzed).not.toContain('public.churned');
  });

  it('a table only inserted into (no dead rows) is vacuumed past 1,000 + 20 % new rows', async () => {
    await database.pool.query('CREATE TABLE appended (id int PRIMARY KEY)');
    await database.pool.query('INSERT INTO appended SELECT g FROM generate_series(1, 1500) g');
    await database.pool.query('SELECT pg_stat_force_next_flush()');
    let report = await vacuumWhereDue(database.pool);
    for (let i = 0; i < 50 && !report.vacuumed.includes('public.appended'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      report = await vacuumWhereDue(database.pool);
    }
    expect(report.vacuumed).toContain('public.appended');
    expect((await vacuumWhereDue(database.pool)).vacuumed).not.toContain('public.appended');
  });
});
