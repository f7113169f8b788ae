/**
 * One holder at a time per key, across every instance on one database: a
 * row in `exclusive_claims` taken with a conditional upsert, renewed while
 * the work runs, deleted when it ends. A holder that died leaves a claim that
 * runs out after `holdMs`; nobody holds a database connection or transaction
 * while the work runs (it may wait on 1C for minutes), so this works the
 * same on PostgreSQL and on the embedded PGlite.
 */
import crypto from 'node:crypto';
import type { Database } from './index.js';

export interface ExclusiveOptions {
  /** How long a claim lasts without renewal (ms): what a crashed holder costs the next one. */
  holdMs?: number;
  /** How long to wait for another holder before giving up with `ClaimBusy` (ms). */
  waitMs?: number;
  /** How often to look again while another holds the key (ms). */
  pollMs?: number;
}

/** Another holder kept the key for longer than the caller would wait: try again later. */
export class ClaimBusy extends Error {
  constructor(readonly key: string) {
    super(`${key} is busy with another instance; will try again`);
  }
}

/**
 * Runs `work` while holding `key` (e.g. `onec:request:42`); waits, polling,
 * while another holder has it. The claim is renewed every third of `holdMs`
 * and given back when `work` settles, whatever its outcome.
 * Throws `ClaimBusy` after `waitMs` without the key; rethrows `work`'s error.
 */
export async function exclusively<T>(database: Pick<Database, 'pool'>, key: string, work: () => Promise<T>, options: ExclusiveOptions = {}): Promise<T> {
  const { holdMs = 60_000, waitMs = 110_000, pollMs = 200 } = options;
  const holder = crypto.randomUUID();
  const take = () =>
    database.pool.query(
      `INSERT INTO exclusive_claims (key, holder, until) VALUES ($1, $2, now() + make_interval(secs => $3::float8))
       ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, until = excluded.until
        WHERE exclusive_claims.until < now() OR exclusive_claims.holder = excluded.holder
       RETURNING key`,
      [key, holder, holdMs / 1000],
    );
  const deadline = Date.now() + waitMs;
  while ((await take()).rowCount === 0) {
    if (Date.now() >= deadline) throw new ClaimBusy(key);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  const renewal = setInterval(() => void take().catch(() => undefined), holdMs / 3);
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    await database.pool.query('DELETE FROM exclusive_claims WHERE key = $1 AND holder = $2', [key, holder]).catch(() => undefined);
  }
}
