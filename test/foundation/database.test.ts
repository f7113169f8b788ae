import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/index.js';
import { Jobs } from '../../src/db/jobs.js';
import { settings } from '../../src/db/schema.js';
import { createPostgresDatabase, tempDir } from '../helpers/database.js';

const log = pino({ level: 'silent' });

interface Target {
  name: string;
  open(): Promise<{ url: string | undefined; dataDir: string; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  { name: 'embedded PGlite', open: async () => ({ url: undefined, dataDir: tempDir(), cleanup: async () => {} }) },
];
if (process.env.TEST_DATABASE_URL) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  targets.push({
    name: 'PostgreSQL',
    open: async () => {
      const created = await createPostgresDatabase(serverUrl);
      return { url: created.url, dataDir: tempDir(), cleanup: created.drop };
    },
  });
}

describe.each(targets)('database on $name', (target) => {
  let database: Database;
  let where: Awaited<ReturnType<Target['open']>>;

  beforeAll(async () => {
    where = await target.open();
    database = await openDatabase({ url: where.url, dataDir: where.dataDir, log });
  });
  afterAll(async () => {
    await database?.close();
    await where?.cleanup();
  });

  it('applies the migrations to an empty database and reports ready', async () => {
    expect(await database.ready()).toBe(true);
    const tables = await database.pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    const names = tables.rows.map((r) => r.table_name);
    for (const table of ['organizations', 'users', 'clients', 'dialogs', 'messages', 'requests', 'offers', 'documents', 'events', 'telegram_updates']) {
      expect(names).toContain(table);
    }
  });

  it('applying the migrations again changes nothing', async () => {
    const before = await database.pool.query('SELECT count(*)::int AS n FROM drizzle.migrations');
    await database.db.insert(settings).values({ key: 'probe', value: { kept: true } });
    const again = await openDatabase({ url: database.url, dataDir: where.dataDir, log });
    const after = await again.pool.query('SELECT count(*)::int AS n FROM drizzle.migrations');
    await again.close();
    expect(after.rows[0].n).toBe(before.rows[0].n);
    const rows = await database.db.select().from(settings).where(sql`key = 'probe'`);
    expect(rows).toHaveLength(1);
  });

  it('a job enqueued in a rolled-back transaction never runs; a committed one runs once', async () => {
    const jobs = new Jobs(database, log);
    await jobs.start([{ name: 'test.probe' }]);
    const runs: string[] = [];
    await jobs.work<{ label: string }>('test.probe', async (data) => {
      runs.push(data.label);
    });

    await expect(
      database.transaction(async (tx) => {
        await jobs.send(tx, 'test.probe', { label: 'rolled back' });
        throw new Error('the command failed');
      }),
    ).rejects.toThrow('the command failed');
    await database.transaction(async (tx) => {
      await jobs.send(tx, 'test.probe', { label: 'committed' });
    });

    const deadline = Date.now() + 20_000;
    while (runs.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // Give a duplicate or the rolled-back job a chance to show up.
    await new Promise((r) => setTimeout(r, 1500));
    await jobs.stop(1000);
    expect(runs).toEqual(['committed']);
  });
});
