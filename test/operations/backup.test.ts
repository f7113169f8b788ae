/**
 * Backups as docs/operations.md tells them: scripts/backup.sh, wipe
 * everything, scripts/restore.sh, start Hotline again and find the request
 * and its document through the API.
 *
 * The embedded DATA_DIR case runs always; the PostgreSQL case (pg_dump and
 * pg_restore) runs with TEST_DATABASE_URL, as the suite's PostgreSQL pass does.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startHotline, type Hotline } from '../../src/main.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient, validRequest } from '../helpers/app.js';
import { createPostgresDatabase, tempDir } from '../helpers/database.js';
import { root } from '../helpers/process.js';
import { PDF } from '../documents/helpers.js';

type Env = Record<string, string | undefined>;

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function start(env: Env): Promise<Hotline> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ADMIN_EMAIL, ADMIN_PASSWORD, ...env }, { dotEnvFile: false });
  const hotline = await startHotline(config, { log: pino({ level: 'silent' }) });
  await hotline.started;
  return hotline;
}

/** Runs one of the scripts the way an operator would, in a directory without a .env. */
function script(name: 'backup.sh' | 'restore.sh', args: string[], env: Env, cwd: string) {
  const result = spawnSync('bash', [path.join(root, 'scripts', name), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>) },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Made {
  requestId: number;
  number: string;
  documentId: number;
}

/** A request with an uploaded PDF, made through the API as the administrator. */
async function makeData(hotline: Hotline): Promise<Made> {
  const admin = new ApiClient(hotline.url);
  expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
  const created = await admin.post('/api/requests', validRequest({ amount: '123456.78', purpose: 'Оплата по контракту — резервная копия' }));
  expect(created.status).toBe(200);
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }), 'Счёт для копии.pdf');
  const upload = await fetch(`${hotline.url}/api/requests/${created.body.id}/documents`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
    body: form,
  });
  expect(upload.status).toBe(200);
  const document = (await upload.json()) as { id: number };
  return { requestId: created.body.id, number: created.body.number, documentId: document.id };
}

/** What a user finds after the restore: the request with its amount and purpose, and the document's bytes. */
async function expectData(hotline: Hotline, made: Made): Promise<void> {
  const admin = new ApiClient(hotline.url);
  expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
  const page = await admin.get(`/api/requests/${made.requestId}`);
  expect(page.status).toBe(200);
  expect(JSON.stringify(page.body)).toContain(made.number);
  expect(JSON.stringify(page.body)).toContain('Оплата по контракту — резервная копия');
  expect(JSON.stringify(page.body)).toMatch(/123456\.78/);
  const download = await fetch(`${hotline.url}/api/documents/${made.documentId}/download`, { headers: { cookie: admin.cookie } });
  expect(download.status).toBe(200);
  expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);
}

describe('embedded database: back up DATA_DIR, delete it, restore it', () => {
  it('refuses while Hotline runs; with Hotline stopped, the restored DATA_DIR holds the request and its file', async () => {
    const work = tempDir('hotline-backup-');
    cleanups.push(() => fs.rmSync(work, { recursive: true, force: true }));
    const dataDir = path.join(work, 'data');
    const backup = path.join(work, 'backup');
    const env: Env = { DATA_DIR: dataDir };

    let hotline: Hotline | undefined = await start(env);
    cleanups.push(() => hotline?.stop());
    const made = await makeData(hotline);
    const secret = fs.readFileSync(path.join(dataDir, 'app-secret'), 'utf8');

    const refused = script('backup.sh', [backup], env, work);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe(
      `backup: Hotline (pid ${process.pid}) is running on ${dataDir}: the embedded database can only be copied while Hotline is stopped. ` +
        'Stop it, run the backup, then start it again (or move to PostgreSQL for backups while running).',
    );
    expect(fs.existsSync(backup)).toBe(false);
    expect(script('restore.sh', [work], env, work)).toMatchObject({ status: 1, stderr: expect.stringContaining('is not a Hotline backup') });

    await hotline.stop();
    hotline = undefined;
    const done = script('backup.sh', [backup], env, work);
    expect(done.stderr).toBe('');
    expect(done.status).toBe(0);
    expect(fs.readFileSync(path.join(backup, 'MANIFEST'), 'utf8')).toMatch(/^database=embedded\nfiles=in data-dir\.tar\.gz$/m);

    fs.rmSync(dataDir, { recursive: true, force: true });
    const restored = script('restore.sh', [backup], env, work);
    expect(restored.stderr).toBe('');
    expect(restored.status).toBe(0);
    expect(fs.readFileSync(path.join(dataDir, 'app-secret'), 'utf8')).toBe(secret);

    hotline = await start(env);
    await expectData(hotline, made);
    await hotline.stop();
    hotline = undefined;

    // Restoring over an existing DATA_DIR keeps the old one aside, never deletes it.
    const again = script('restore.sh', [backup], env, work);
    expect(again.status).toBe(0);
    const aside = fs.readdirSync(work).filter((name) => name.startsWith('data.before-restore-'));
    expect(aside).toHaveLength(1);
    expect(fs.existsSync(path.join(work, aside[0]!, 'pg', 'PG_VERSION'))).toBe(true);
    expect(again.stdout).toContain(`the current ${dataDir} moved aside to ${path.join(work, aside[0]!)}`);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('PostgreSQL (needs TEST_DATABASE_URL): pg_dump, drop the database, pg_restore', () => {
  it('the restored database and files hold the request and its file', async () => {
    const work = tempDir('hotline-backup-');
    cleanups.push(() => fs.rmSync(work, { recursive: true, force: true }));
    const database = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
    cleanups.push(() => database.drop());
    const dataDir = path.join(work, 'data');
    const backup = path.join(work, 'backup');
    const env: Env = { DATA_DIR: dataDir, DATABASE_URL: database.url };

    let hotline: Hotline | undefined = await start(env);
    cleanups.push(() => hotline?.stop());
    const made = await makeData(hotline);
    const secret = fs.readFileSync(path.join(dataDir, 'app-secret'), 'utf8');

    // pg_dump is safe while Hotline runs; the restore refuses while it is connected.
    const done = script('backup.sh', [backup], env, work);
    expect(done.stderr).toBe('');
    expect(done.status).toBe(0);
    expect(fs.readdirSync(backup).sort()).toEqual(['MANIFEST', 'app-secret', 'database.pgdump', 'files.tar.gz']);
    const busy = script('restore.sh', [backup], env, work);
    expect(busy.status).toBe(1);
    expect(busy.stderr).toMatch(/^restore: \d+ other sessions use this database: stop Hotline \(every instance\) first, or pass --force\n$/);
    await hotline.stop();
    hotline = undefined;

    // Wipe: the database dropped and created empty, DATA_DIR (files, app-secret) deleted.
    await database.drop();
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${new URL(database.url).pathname.slice(1)}`);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
    const empty = new pg.Client({ connectionString: database.url });
    await empty.connect();
    expect((await empty.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'requests'")).rows[0].n).toBe(0);
    await empty.end();

    const restored = script('restore.sh', [backup], env, work);
    expect(restored.stderr).toBe('');
    expect(restored.status).toBe(0);
    expect(fs.readFileSync(path.join(dataDir, 'app-secret'), 'utf8')).toBe(secret);

    hotline = await start(env);
    await expectData(hotline, made);
  });
});
