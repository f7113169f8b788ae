import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/index.js';
import { Jobs } from '../../src/db/jobs.js';
import { ClaimBusy, exclusively } from '../../src/db/exclusive.js';
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
  it('work under one key runs one at a time across two instances; a crashed holder keeps the key only until its claim runs out', async () => {
    // A second connection pool to the same database stands for a second instance (on PGlite: the same one).
    const other = where.url ? await openDatabase({ url: where.url, dataDir: where.dataDir, log }) : database;
    try {
      let running = 0;
      let overlapped = false;
      const order: string[] = [];
      const work = (name: string) => async () => {
        running++;
        if (running > 1) overlapped = true;
        await new Promise((resolve) => setTimeout(resolve, 150));
        order.push(name);
        running--;
      };
      await Promise.all([
        exclusively(database, 'onec:request:1', work('a1'), { pollMs: 20 }),
        exclusively(other, 'onec:request:1', work('b1'), { pollMs: 20 }),
        exclusively(database, 'onec:request:1', work('a2'), { pollMs: 20 }),
        exclusively(other, 'onec:request:1', work('b2'), { pollMs: 20 }),
      ]);
      expect(order.sort()).toEqual(['a1', 'a2', 'b1', 'b2']);
      expect(overlapped, 'two holders of one key ran at the same time').toBe(false);

      // Another key is not held up; a failed work gives its key back.
      await expect(exclusively(other, 'onec:request:2', async () => { throw new Error('1C said no'); })).rejects.toThrow('1C said no');
      expect(await exclusively(database, 'onec:request:2', async () => 'free', { waitMs: 0 })).toBe('free');

      // A holder that died (its claim left behind): others wait, then the claim runs out.
      await database.pool.query("INSERT INTO exclusive_claims (key, holder, until) VALUES ('onec:request:3', 'dead', now() + interval '1 second')");
      await expect(exclusively(other, 'onec:request:3', async () => 'too early', { waitMs: 100, pollMs: 20 })).rejects.toBeInstanceOf(ClaimBusy);
      expect(await exclusively(other, 'onec:request:3', async () => 'taken over', { waitMs: 5_000, pollMs: 50 })).toBe('taken over');
    } finally {
      if (other !== database) await other.close();
    }
  });
});
