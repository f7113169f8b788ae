import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { openCommandContext, type CommandTestContext } from '../../test/helpers/app.js';
import { organizations, users } from '../db/schema.js';
import { bootstrap, SANDBOX_ADMIN_EMAIL } from './bootstrap.js';
import { verifyPassword } from './password.js';

let t: CommandTestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A logger that keeps its lines for the test to read. */
function capturingLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

describe('bootstrap', () => {
  it('sandbox, first start: our organization and an admin whose generated password is returned for the start-up banner, never logged here', async () => {
    t = await openCommandContext();
    // openCommandContext made "our" organization already; start from an empty table like a first start.
    await t.ctx.database.db.delete(organizations);
    const { log, lines } = capturingLog();
    const ctx = { ...t.ctx, log };
    const first = await bootstrap(ctx);
    expect(first.admin).toMatchObject({ email: SANDBOX_ADMIN_EMAIL, password: expect.stringMatching(/^[A-Za-z0-9]{16}$/) });
    const [ours] = await ctx.database.db.select().from(organizations).where(eq(organizations.isOurs, true));
    expect(ours).toMatchObject({ kind: 'both', name: 'Наша компания' });
    const [admin] = await ctx.database.db.select().from(users).where(eq(users.id, first.admin!.id));
    expect(await verifyPassword(first.admin!.password!, admin!.passwordHash)).toBe(true);
    // main.ts prints it once, on its own line (test/foundation/logOutput.test.ts); the log lines never carry it.
    expect(lines.join('')).not.toContain(first.admin!.password);

    const second = await bootstrap(ctx);
    expect(second).toEqual({ organizationId: ours!.id });
    expect(lines.join('')).not.toContain(first.admin!.password);
  });

  it('ADMIN_EMAIL/ADMIN_PASSWORD set: that admin, no password in the log', async () => {
    t = await openCommandContext({ ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'very-secret-pass' });
    const { log, lines } = capturingLog();
    const result = await bootstrap({ ...t.ctx, log });
    expect(result.admin).toMatchObject({ email: 'boss@example.com', password: undefined });
    expect(result.organizationId).toBe(t.ourOrganizationId);
    expect(lines.join('')).not.toContain('very-secret-pass');
  });

  it('production without ADMIN_EMAIL: no admin is invented, a warning says what to set', async () => {
    t = await openCommandContext({ TELEGRAM_BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAA', TELEGRAM_MANAGERS_CHAT_ID: '-1001234567890' });
    const { log, lines } = capturingLog();
    const result = await bootstrap({ ...t.ctx, log });
    expect(result.admin).toBeUndefined();
    expect(lines.join('')).toContain('set ADMIN_EMAIL and ADMIN_PASSWORD');
  });

  it('two instances bootstrapping at once create one organization and one admin', async () => {
    t = await openCommandContext();
    await t.ctx.database.db.delete(organizations);
    const ctx = { ...t.ctx, log: pino({ level: 'silent' }) };
    await Promise.all([bootstrap(ctx), bootstrap(ctx)]);
    expect(await ctx.database.db.select().from(organizations)).toHaveLength(1);
    expect(await ctx.database.db.select().from(users).where(eq(users.role, 'admin'))).toHaveLength(1);
  });
});
