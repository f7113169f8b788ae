/**
 * An instance decides without the database whether a wake for a queue is its
 * own (ownsQueue): it must agree with the rule PostgreSQL applies when it
 * reads the heads (QUEUE_MINE_SQL), or a sibling's rows would wait for the
 * shared poll, or this instance would run rounds for rows it leaves alone.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_MINE_SQL, ownsQueue } from './telegramOutbox.js';

describe('who owns an outbox queue, told in the app and in the database', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
  });
  afterAll(async () => {
    await db.close();
  });

  const names = ['dialog:1', 'dialog:2', 'dialog:3', 'dialog:41', 'chat:-1002000000001', 'chat:777000', 'topic:-1001234567890:55', 'dialog:999999999999999'];

  it('agrees with QUEUE_MINE_SQL for every place among two and three live instances', async () => {
    for (const live of [2, 3]) {
      for (let place = 0; place < live; place++) {
        for (const queue of names) {
          const { rows } = await db.query<{ mine: boolean }>(
            `SELECT ${QUEUE_MINE_SQL} AS mine FROM (SELECT $1::text AS queue) q, (SELECT $2::bigint AS k, $3::bigint AS n) me`,
            [queue, place, live],
          );
          expect({ queue, live, place, mine: ownsQueue(queue, place, live) }).toEqual({ queue, live, place, mine: rows[0]!.mine });
        }
      }
    }
  });

  it('cannot tell for a name PostgreSQL hashes, or without a place; a lone instance owns everything', () => {
    expect(ownsQueue('broadcast', 0, 2)).toBeUndefined();
    expect(ownsQueue('dialog:4', undefined, 2)).toBeUndefined();
    expect(ownsQueue('dialog:4', null, 3)).toBeUndefined();
    expect(ownsQueue('broadcast', undefined, 1)).toBe(true);
  });
});
