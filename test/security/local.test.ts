/**
 * Local exposure of the embedded database (issue 16.12): its server listened
 * on a TCP port without a password (any local user could connect), DATA_DIR
 * was world-writable and stored documents world-readable. Now the embedded
 * server is a Unix socket in an owner-only directory, DATA_DIR is 0700 (an
 * older, open one is tightened at start) and stored files are 0600.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger, startHotline, type Hotline } from '../../src/main.js';
import { SandboxControl } from '../../src/sandbox/control.js';
import { tempDir } from '../helpers/database.js';

let hotline: Hotline;
let dataDir: string;

const othersCanAccess = (file: string) => (fs.statSync(file).mode & 0o077) !== 0;

beforeAll(async () => {
  dataDir = tempDir();
  // As an older version (or a careless umask) left it: open to everyone.
  fs.chmodSync(dataDir, 0o777);
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, { dotEnvFile: false });
  hotline = await startHotline(config, { log: createLogger(config), telegramLimits: false, pollTimeoutSeconds: 1 });
  await hotline.started;
});
afterAll(async () => {
  await hotline?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the embedded database is its owner\'s only', () => {
  it('it is served on a Unix socket in an owner-only directory, not on a TCP port', async () => {
    const url = new URL(hotline.database().url);
    const socketDir = url.searchParams.get('host')!;
    expect(socketDir).toMatch(/^\//);
    expect(url.port).toBe('');
    const socket = path.join(socketDir, '.s.PGSQL.5432');
    expect(fs.statSync(socket).isSocket()).toBe(true);
    expect(othersCanAccess(socketDir)).toBe(false);
    // The app itself is connected through it.
    expect(await hotline.database().ready()).toBe(true);
  });

  it('no PGlite TCP port: the only listening TCP socket of this process is the HTTP server', async () => {
    // Linux lists a process's listening sockets in /proc/net/tcp by inode; ours must all belong to the HTTP port.
    const inodes = new Set(
      fs
        .readdirSync(`/proc/${process.pid}/fd`)
        .map((fd) => {
          try {
            return fs.readlinkSync(`/proc/${process.pid}/fd/${fd}`);
          } catch {
            return '';
          }
        })
        .filter((link) => link.startsWith('socket:['))
        .map((link) => link.slice(8, -1)),
    );
    const listening = fs
      .readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[3] === '0A' && inodes.has(cols[9]!))
      .map((cols) => parseInt(cols[1]!.split(':')[1]!, 16));
    const httpPort = Number(new URL(hotline.url).port);
    expect(listening).toContain(httpPort);
    expect(listening.filter((port) => port !== httpPort)).toEqual([]);
  });

  it('DATA_DIR is tightened to 0700 at start, the app secret and the sandbox snapshot are 0600', async () => {
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(othersCanAccess(path.join(dataDir, 'app-secret'))).toBe(false);
    await expect.poll(() => fs.existsSync(path.join(dataDir, 'sandbox.json'))).toBe(true);
    expect(othersCanAccess(path.join(dataDir, 'sandbox.json'))).toBe(false);
  });

  it('a client\'s file stored from Telegram is 0600 in 0700 folders', async () => {
    const control = new SandboxControl(`${hotline.url}/tg`);
    const client = await control.createUser({ first_name: 'Файл' });
    await control.sendMessage({ from: client.id, media: { type: 'document', base64: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64'), file_name: 'passport.pdf', mime_type: 'application/pdf' } });
    const filesDir = path.join(dataDir, 'files');
    const stored = () => (fs.existsSync(filesDir) ? (fs.readdirSync(filesDir, { recursive: true }) as string[]).map((f) => path.join(filesDir, f)).filter((f) => fs.statSync(f).isFile()) : []);
    await expect.poll(stored, { timeout: 60_000 }).not.toEqual([]);
    for (const file of stored()) {
      expect(othersCanAccess(file), file).toBe(false);
      for (let dir = path.dirname(file); dir.startsWith(filesDir); dir = path.dirname(dir)) expect(othersCanAccess(dir), dir).toBe(false);
    }
  });
});
