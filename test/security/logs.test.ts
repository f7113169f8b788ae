/**
 * Personal data and secrets in logs (issue 16.17): a failing SQL statement's
 * parameters (Drizzle writes them into its error's message and stack) and
 * whole Telegram updates used to reach the error log. The app's logger
 * (createLogger) now cuts query parameters out of every line and error,
 * blanks a database error's `detail`, and intake logs an update by its id
 * and kind only.
 */
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../src/config.js';
import { createLogger, startHotline, type Hotline } from '../../src/main.js';
import { users } from '../../src/db/schema.js';
import { SandboxControl } from '../../src/sandbox/control.js';
import { tempDir } from '../helpers/database.js';

const EMAIL = 'ivan.petrov.private@example.com';
const PASSPORT = 'паспорт 4509 123456';
const GREETING = 'Здравствуйте! Менеджер скоро ответит.';

let hotline: Hotline;
let dataDir: string;
const output: string[] = [];

beforeAll(async () => {
  dataDir = tempDir();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output.push(chunk.toString());
      done();
    },
  });
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', GREETING, ADMIN_EMAIL: 'admin@test.local', ADMIN_PASSWORD: 'admin-password-123' }, { dotEnvFile: false });
  hotline = await startHotline(config, { log: createLogger(config, sink), telegramLimits: false, pollTimeoutSeconds: 1 });
  await hotline.started;
});
afterAll(async () => {
  await hotline?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const logged = () => output.join('');

describe('failing SQL never logs its parameters', () => {
  it('a failed query with an e-mail as parameter: the line keeps the SQL, not the e-mail', async () => {
    const ctx = hotline.context();
    const error = await ctx.database.db.execute(sql`select ${EMAIL}::int as n`).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain(EMAIL); // Drizzle's own message carries it…
    const before = output.length;
    ctx.log.error({ err: error }, `Lookup failed: ${error!.message}`);
    const text = output.slice(before).join('');
    expect(text).toContain('Failed query: select $1::int as n');
    expect(text).toContain('params: [redacted]');
    expect(logged()).not.toContain(EMAIL); // …the log does not (no line at all): neither in the message, nor in err.message, err.stack or err.params
  });

  it('a unique violation: the database error\'s detail (Key (email)=(…)) is blanked', async () => {
    const ctx = hotline.context();
    const [admin] = await ctx.database.db.select({ email: users.email }).from(users).limit(1);
    const error = await ctx.database.db.execute(sql`insert into users (email, name, role, organization_id, password_hash) select ${admin!.email}, name, role, organization_id, password_hash from users limit 1`).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeDefined();
    ctx.log.error({ err: error }, 'Insert failed');
    const last = output.at(-1)!;
    expect(last).not.toContain(admin!.email);
    expect(last).toContain('Insert failed');
  });
});

describe('a Telegram update is logged by id and kind, never whole', () => {
  it('a client text the database refuses (a NUL byte) leaves no trace of its words in the log', async () => {
    const control = new SandboxControl(`${hotline.url}/tg`);
    const client = await control.createUser({ first_name: 'Иван', last_name: 'Тайный' });
    await control.sendMessage({ from: client.id, text: `${PASSPORT}\u0000, почта ${EMAIL}` });
    // Handled either way: refused (its error line is written) or applied (the greeting follows it).
    await expect
      .poll(async () => logged().includes('could not be applied') || (await control.transcript(client.id)).messages.some((m) => m.text?.includes(GREETING)), { timeout: 60_000 })
      .toBe(true);
    const text = logged();
    expect(text).not.toContain('4509 123456');
    expect(text).not.toContain(EMAIL);
    for (const line of text.split('\n').filter((l) => l.includes('could not be applied'))) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry).toMatchObject({ update_id: expect.any(Number), kind: 'message', from_id: client.id });
      expect(entry.update ?? '[redacted]').toBe('[redacted]');
    }
  });
});
