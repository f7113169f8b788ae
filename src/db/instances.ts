/**
 * Which Hotline processes are alive on this database: each one keeps a row in
 * `instances` and refreshes its `heartbeat_at` every `HEARTBEAT_MS`. Work a
 * process leases (outbox rows, `lease_holder`) names it, so that when it is
 * gone — SIGKILL, a crash, a machine lost — another instance takes that work
 * over after `GONE_AFTER_MS` of silence instead of waiting out the lease
 * (20 s for the outbox). The lease's time stays the fallback: a row whose
 * holder is unknown (null) or alive waits for it as before.
 *
 * Why a heartbeat row and not a session-level advisory lock: it works the
 * same through a transaction-mode pooler (PgBouncer hands a session lock's
 * connection to others, so `pg_try_advisory_lock` cannot say who is alive
 * there) and on the embedded PGlite (one database session for all sockets).
 * Its cost is one small UPDATE per instance every half second.
 *
 * Silence is counted on the database's clock, from the later of the last
 * heartbeat and the server's start (`pg_postmaster_start_time()`): after a
 * PostgreSQL restart nobody is taken for gone until they had time to beat
 * again.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from './index.js';

/** How often an instance refreshes its row (ms). */
export const HEARTBEAT_MS = 500;
/** Silence after which an instance counts as gone and its leases are taken over (ms). */
export const GONE_AFTER_MS = 2_000;
/** Rows of instances silent this long are deleted at start-up (ms). */
const FORGET_AFTER_MS = 3_600_000;

/**
 * SQL condition: the lease holder named by `holder` (a column, e.g.
 * `lease_holder`) is gone — it has no row, or its heartbeat stopped
 * `GONE_AFTER_MS` ago. False for a null holder (only the lease's time counts)
 * and for `me` (an SQL expression of the asking instance's id; null when it
 * has none): an instance never takes its own rows this way.
 */
export function holderGoneSql(holder: string, me: string): string {
  return `(${holder} IS NOT NULL AND ${holder} IS DISTINCT FROM ${me} AND NOT EXISTS (
            SELECT 1 FROM instances hb WHERE hb.id = ${holder}
               AND GREATEST(hb.heartbeat_at, pg_postmaster_start_time()) >= now() - make_interval(secs => ${GONE_AFTER_MS / 1000}))
          )`;
}

/**
 * This process's row in `instances`. `start()` writes it (and forgets long
 * silent ones; on the embedded database, where only one process can run, every
 * other row at once), then refreshes it every `HEARTBEAT_MS` on a connection
 * of its own (PostgreSQL), so a busy pool never delays a heartbeat into a
 * false "gone". `stop()` deletes it: a clean stop hands its rows over at once.
 */
export class Instance {
  /** A random id per process start (what `lease_holder` holds). */
  readonly id = crypto.randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private client: pg.Client | undefined;
  private beating = false;
  private failing = false;

  constructor(
    private readonly database: Pick<Database, 'pool' | 'url' | 'embedded'>,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.database.pool.query(
      `DELETE FROM instances WHERE id <> $1 AND ($2::boolean OR heartbeat_at < now() - make_interval(secs => $3::float8))`,
      [this.id, this.database.embedded, FORGET_AFTER_MS / 1000],
    );
    await this.database.pool.query(`INSERT INTO instances (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`, [this.id]);
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      const text = `INSERT INTO instances (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`;
      if (this.database.embedded) await this.database.pool.query(text, [this.id]);
      else await (await this.connection()).query(text, [this.id]);
      if (this.failing) this.log.info('Instance heartbeat recorded again');
      this.failing = false;
    } catch (error) {
      // Another instance may take this one's outbox rows over meanwhile; a repeat is then marked (docs/RELIABILITY.md).
      if (!this.failing) this.log.warn(`Instance heartbeat failed (${(error as Error).message}); retrying`);
      this.failing = true;
      const broken = this.client;
      this.client = undefined;
      await broken?.end().catch(() => undefined);
    } finally {
      this.beating = false;
    }
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({ connectionString: this.database.url, connectionTimeoutMillis: GONE_AFTER_MS, query_timeout: GONE_AFTER_MS });
    // A dropped connection (server restart) must not crash the process: the next beat reconnects.
    client.on('error', () => {
      if (this.client === client) this.client = undefined;
    });
    await client.connect();
    this.client = client;
    return client;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.beating) await new Promise((resolve) => setTimeout(resolve, 10));
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
    await this.database.pool.query('DELETE FROM instances WHERE id = $1', [this.id]).catch(() => undefined);
  }
}
