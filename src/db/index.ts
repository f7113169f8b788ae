/**
 * The database handle the rest of the app uses: a `pg` pool, Drizzle over it,
 * migrations, and `transaction()` — the one way a command writes.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { Logger } from 'pino';
import * as schema from './schema.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.js';

// numeric → string (decimal.js in code), bigint → number (ids stay below 2^53), timestamps as Date.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Db = NodePgDatabase<typeof schema>;

/** What a command gets inside its transaction. */
export interface Tx {
  /** Drizzle bound to the transaction's own connection. */
  db: NodePgDatabase<typeof schema>;
  /** The raw client of the transaction: for SQL Drizzle does not express, and for the job queue. */
  client: pg.PoolClient;
  /** Runs `fn` after COMMIT (never after a rollback): notifications to live pages and workers. */
  afterCommit(fn: () => void): void;
  /** What `TransactionOptions.begin` answered. */
  begun?: pg.QueryResult;
}

export interface TransactionOptions {
  /**
   * A statement sent with BEGIN in one round trip (simple protocol: no
   * parameters, so only for SQL built from trusted values, e.g. an integer).
   */
  begin?: string;
}

export interface Database {
  pool: pg.Pool;
  db: Db;
  /** Connection string (the embedded server's when DATABASE_URL is unset). */
  url: string;
  embedded: boolean;
  /** Runs `fn` in one transaction; retries it on serialization failures and deadlocks. */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** True once the database answers and migrations are applied. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

const RETRYABLE = new Set(['40001', '40P01']);

/** The database cannot be reached right now (restart, network, too many connections), as opposed to a query that is wrong. */
export function isDatabaseAway(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return (
    code.startsWith('08') ||
    code.startsWith('57P') ||
    /^E[A-Z]+$/.test(code) ||
    /Connection terminated|not queryable|timeout exceeded when trying to connect|Client has encountered a connection error|ECONNREFUSED|ECONNRESET/i.test(
      (error as Error).message ?? '',
    )
  );
}

/** Worth trying again later: the database is away, or the transaction lost a race (serialization failure, deadlock). */
export function isTransientDatabaseError(error: unknown): boolean {
  return isDatabaseAway(error) || RETRYABLE.has((error as { code?: string }).code ?? '');
}

/** Drizzle over one pooled connection, made once per connection (building it costs as much as a query). */
const drizzleByClient = new WeakMap<pg.PoolClient, Db>();
function drizzleFor(client: pg.PoolClient): Db {
  let db = drizzleByClient.get(client);
  if (!db) drizzleByClient.set(client, (db = drizzle(client, { schema })));
  return db;
}

const preparedByClient = new WeakMap<pg.PoolClient, Map<string, unknown>>();
/**
 * A statement of the hot path (the relay), prepared once per pooled
 * connection: Drizzle builds its SQL once, and PostgreSQL parses and plans it
 * once (a named statement) instead of on every message. `build` must give the
 * same SQL every time, with `sql.placeholder` for every value.
 */
export function prepared<P>(tx: Pick<Tx, 'client' | 'db'>, name: string, build: (db: Db, name: string) => P): P {
  let statements = preparedByClient.get(tx.client);
  if (!statements) preparedByClient.set(tx.client, (statements = new Map()));
  let statement = statements.get(name) as P | undefined;
  if (!statement) statements.set(name, (statement = build(tx.db, `hotline_${name}`)));
  return statement;
}

/**
 * Forgets every named prepared statement of the embedded database's one
 * PostgreSQL session, so a new connection's pg client (which starts with none
 * parsed) and the session agree again. Source: PostgreSQL docs, DEALLOCATE
 * ("ALL: deallocate all prepared statements"); pglite-socket serves every
 * socket from the same PGlite backend.
 */
export async function resetEmbeddedSession(client: pg.ClientBase): Promise<void> {
  await client.query('DEALLOCATE ALL');
}

export interface OpenOptions {
  /** PostgreSQL URL; unset → embedded PGlite in `dataDir/pg`. */
  url: string | undefined;
  dataDir: string;
  log: Logger;
  /** Pool size for PostgreSQL; the embedded database always gets one connection. */
  max?: number;
  /** Give up waiting for the server after this long (default: wait forever). */
  connectTimeoutMs?: number;
}

/** Waits until the server accepts a connection, logging one line per failed attempt. */
async function waitForServer(pool: pg.Pool, log: Logger, timeoutMs: number | undefined): Promise<void> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const client = await pool.connect();
      client.release();
      return;
    } catch (error) {
      const elapsed = Date.now() - started;
      if (timeoutMs !== undefined && elapsed >= timeoutMs) throw error;
      const delay = Math.min(5000, 250 * 2 ** Math.min(attempt, 5));
      log.warn(
        `Database is not reachable (${(error as Error).message}); retrying in ${Math.round(delay / 1000)} s`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * Opens the database (starting the embedded one if needed), waits until it
 * answers, and applies the migrations.
 */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  const url = options.url ?? (embedded = await startEmbeddedDatabase(options.dataDir)).url;
  const pool = new pg.Pool({
    connectionString: url,
    // The embedded server runs one PostgreSQL session for all its sockets, and
    // interleaves their extended-protocol messages (a Parse from one socket
    // can replace another's unnamed statement): one connection keeps it sound.
    max: embedded ? 1 : (options.max ?? 20),
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    // pg-pool discards a connection after any failed `pool.query` (it calls
    // `release(err)`), and the embedded server hands the replacement the same
    // PGlite session, which still holds the old connection's named prepared
    // statements (`prepared()` below) while the new pg client believes none
    // exist: its first Parse of one fails with 42P05 "prepared statement
    // already exists", and so would every signed-in call and the outbox, for
    // good. A new connection therefore starts from an empty session: pg-pool
    // awaits `onConnect` before it hands the client out, so nothing can run
    // before the reset. (DISCARD ALL would do more than needed and fails inside
    // a transaction the old socket may have left open; the socket server rolls
    // that back when the old socket closes.)
    onConnect: embedded ? resetEmbeddedSession : undefined,
  });
  // A dropped idle connection (server restart) must not crash the process.
  pool.on('error', (error) => options.log.warn(`Database connection lost: ${error.message}`));
  const db = drizzle(pool, { schema });
  let migrated = false;

  const database: Database = {
    pool,
    db,
    url,
    embedded: Boolean(embedded),
    async transaction(fn, options) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        // A checked-out client has no pool listener: a connection the server
        // drops between two queries (a restart) would otherwise be an
        // unhandled 'error' and take the process down. The next query fails
        // instead, the transaction throws, and the broken client is discarded.
        let lost: Error | undefined;
        const onError = (error: Error) => (lost = error);
        client.on('error', onError);
        const release = () => {
          client.off('error', onError);
          client.release(lost);
        };
        const callbacks: Array<() => void> = [];
        try {
          let begun: pg.QueryResult | undefined;
          if (options?.begin) {
            const results = (await client.query(`BEGIN; ${options.begin}`)) as unknown as pg.QueryResult[];
            begun = results[1];
          } else await client.query('BEGIN');
          const result = await fn({ db: drizzleFor(client), client, afterCommit: (cb) => callbacks.push(cb), begun });
          await client.query('COMMIT');
          release();
          for (const cb of callbacks) cb();
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          release();
          const code = (error as { code?: string }).code;
          if (code && RETRYABLE.has(code) && attempt < 5) continue;
          throw error;
        }
      }
    },
    async ready() {
      if (!migrated) return false;
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };

  try {
    await waitForServer(pool, options.log, options.connectTimeoutMs);
    await migrate(db, { migrationsFolder, migrationsSchema: 'drizzle', migrationsTable: 'migrations' });
    migrated = true;
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  return database;
}

export { schema };
