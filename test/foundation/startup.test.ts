import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../../src/config.js';
import { startHotline, type Hotline } from '../../src/main.js';
import { settings } from '../../src/db/schema.js';
import { tempDir } from '../helpers/database.js';
import { spawnHotline, waitForStatus, type HotlineProcess } from '../helpers/process.js';

const log = pino({ level: 'silent' });
const running: HotlineProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
});

function configFor(dataDir: string) {
  return loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, { dotEnvFile: false });
}

describe('start-up in embedded mode', () => {
  it('answers /readyz 200 and keeps a row across a restart', async () => {
    const dataDir = tempDir();
    let hotline: Hotline = await startHotline(configFor(dataDir), { log });
    await hotline.started;
    expect((await fetch(`${hotline.url}/readyz`)).status).toBe(200);
    await hotline.database().db.insert(settings).values({ key: 'written-before-restart', value: { n: 1 } });
    await hotline.stop();

    hotline = await startHotline(configFor(dataDir), { log });
    await hotline.started;
    const rows = await hotline.database().db.select().from(settings).where(eq(settings.key, 'written-before-restart'));
    await hotline.stop();
    expect(rows.map((r) => r.value)).toEqual([{ n: 1 }]);
  });

  it('a second process on the same DATA_DIR refuses with a clear message, and SIGTERM exits 0', async () => {
    const dataDir = tempDir();
    const first = await spawnHotline({ DATA_DIR: dataDir });
    running.push(first);
    await waitForStatus(`${first.url}/readyz`, 200, 60_000);

    const second = await spawnHotline({ DATA_DIR: dataDir });
    running.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/embedded database in .* is in use by another Hotline process \(pid \d+\)/);
    expect(second.output()).not.toMatch(/\n\s+at /); // one line, no stack trace

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'hotline.pid'))).toBe(false);
  });

  it('Ctrl+C reaches the server twice at once (process group and launcher): still one graceful stop, exit 0', async () => {
    const hotline = await spawnHotline({ DATA_DIR: tempDir() });
    running.push(hotline);
    await waitForStatus(`${hotline.url}/readyz`, 200, 60_000);
    // Its stop handlers are in place once it says it is ready.
    await expect.poll(() => hotline.output(), { timeout: 60_000 }).toContain('Hotline is ready');
    hotline.child.kill('SIGINT');
    // Not at the same instant (two pending SIGINTs merge into one): the launcher's copy comes a moment later.
    await new Promise((resolve) => setTimeout(resolve, 20));
    hotline.child.kill('SIGINT');
    expect(await hotline.exited).toBe(0);
    expect(hotline.output()).toContain('SIGINT received: stopping');
    expect(hotline.output()).not.toContain('again: exiting at once');
  });

  it('a bad setting stops start-up with one line naming it', async () => {
    const p = await spawnHotline({ DATA_DIR: tempDir(), TELEGRAM_MODE: 'push' });
    running.push(p);
    expect(await p.exited).toBe(1);
    expect(p.output().trim()).toBe('hotline: Setting TELEGRAM_MODE: must be "polling" or "webhook"');
  });
});

describe('start-up with PostgreSQL down', () => {
  it('keeps retrying with a clear log line and /readyz answers 503', async () => {
    const p = await spawnHotline({ DATA_DIR: tempDir(), DATABASE_URL: 'postgres://postgres@127.0.0.1:9/hotline' });
    running.push(p);
    await waitForStatus(`${p.url}/healthz`, 200);
    expect((await fetch(`${p.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${p.url}/api/meta`)).status).toBe(503);
    await p.waitForOutput(/Database is not reachable \(.*\); retrying in \d+ s/);
    expect(p.child.exitCode).toBeNull();
  });
});

describe('graceful shutdown', () => {
  it('a job interrupted by shutdown runs again after restart', async () => {
    const dataDir = tempDir();
    let hotline = await startHotline(configFor(dataDir), { log, shutdownGraceMs: 300 });
    await hotline.started;
    let started!: () => void;
    const jobStarted = new Promise<void>((resolve) => (started = resolve));
    await hotline.jobs().work<{ n: number }>('test.long', async () => {
      started();
      await new Promise((r) => setTimeout(r, 60_000));
    });
    await hotline.database().transaction((tx) => hotline.jobs().send(tx, 'test.long', { n: 7 }));
    await jobStarted;
    await hotline.stop();

    hotline = await startHotline(configFor(dataDir), { log });
    await hotline.started;
    const rerun = new Promise<{ n: number }>((resolve) => {
      void hotline.jobs().work<{ n: number }>('test.long', async (data) => resolve(data));
    });
    const data = await Promise.race([rerun, new Promise((_, reject) => setTimeout(() => reject(new Error('job was lost')), 30_000))]);
    await hotline.stop();
    expect(data).toEqual({ n: 7 });
  });
});
