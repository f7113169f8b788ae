/** Request numbers like 2026-000123: per-year counters issued inside the creating transaction. */
import type { Tx } from '../db/index.js';

export async function nextRequestNumber(tx: Tx, now = new Date()): Promise<string> {
  const year = now.getUTCFullYear();
  const result = await tx.client.query<{ last: number }>(
    `insert into request_numbers (year, last) values ($1, 1)
     on conflict (year) do update set last = request_numbers.last + 1
     returning last`,
    [year],
  );
  return `${year}-${String(result.rows[0]!.last).padStart(6, '0')}`;
}
