/**
 * An update that fails with an error Hotline does not know to be temporary is
 * tried again (src/telegram/intake.ts UPDATE_TRIES) before it is given up:
 * a race between instances or a statement cancelled under load must not cost
 * a client's message. Driven through the emulator: the database refuses a new
 * client's row once (a trigger raising an internal error, as a lost race or an
 * overloaded server would answer), and the client's first words still reach
 * their topic; an update that fails every time is given up after its tries and
 * the client's next message flows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';
import { UPDATE_TRIES } from '../../src/telegram/intake.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
  await t.hotline.database().pool.query(`
    CREATE TABLE test_refusals (first_name text PRIMARY KEY, tries regclass NOT NULL, times int NOT NULL);
    CREATE FUNCTION test_refuse_client() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE r test_refusals;
    BEGIN
      SELECT * INTO r FROM test_refusals WHERE first_name = NEW.first_name;
      -- nextval is not rolled back with the failed try: it counts the tries.
      IF FOUND AND nextval(r.tries) <= r.times THEN
        RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'XX000';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER test_refuse_client BEFORE INSERT ON clients FOR EACH ROW EXECUTE FUNCTION test_refuse_client();
  `);
});
afterAll(async () => {
  await t?.stop();
});

let refusals = 0;
/** The database refuses `firstName`'s client row the next `times` tries; returns how many tries were made so far, when asked. */
async function refuse(firstName: string, times: number): Promise<() => Promise<number>> {
  const sequence = `test_tries_${++refusals}`;
  const pool = t.hotline.database().pool;
  await pool.query(`CREATE SEQUENCE ${sequence}`);
  await pool.query('INSERT INTO test_refusals (first_name, tries, times) VALUES ($1, $2, $3)', [firstName, sequence, times]);
  return async () => {
    const { rows } = await pool.query<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM ${sequence}`);
    return rows[0]!.is_called ? Number(rows[0]!.last_value) : 0;
  };
}

describe('an update that fails with an unknown error', () => {
  it('is tried again: a new client whose first message failed once still gets it into their topic', async () => {
    const tries = await refuse('Повторный', 1);
    const client = await t.newClient('Повторный');
    await t.control.sendMessage({ from: client.id, text: 'Первое сообщение, которое не должно потеряться' });
    await t.waitForTopic(client, { textIncludes: 'не должно потеряться' });
    expect(await tries()).toBe(2);
  });

  it(`one that fails every time is given up after ${UPDATE_TRIES} tries, and the client's next message flows`, async () => {
    const tries = await refuse('Невезучий', 1000);
    const client = await t.newClient('Невезучий');
    await t.control.sendMessage({ from: client.id, text: 'Это сообщение база не примет' });
    await expect.poll(tries, { timeout: 30_000 }).toBe(UPDATE_TRIES);
    await t.hotline.database().pool.query(`DELETE FROM test_refusals WHERE first_name = 'Невезучий'`);
    await t.control.sendMessage({ from: client.id, text: 'А это сообщение дойдёт' });
    await t.waitForTopic(client, { textIncludes: 'А это сообщение дойдёт' });
    // No more tries of the given-up update meanwhile.
    expect(await tries()).toBe(UPDATE_TRIES);
  });
});
