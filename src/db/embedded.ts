/**
 * The embedded database: PGlite (PostgreSQL compiled to WASM) stored in
 * `DATA_DIR/pg`, served over the PostgreSQL wire protocol on a Unix socket
 * in an owner-only directory, so the app talks to it with the same `pg` code
 * it uses for a real server. The server takes no password: a TCP port would
 * let any local user in, a socket in a 0700 directory only its owner (issue
 * 16.12).
 *
 * PGlite is single-process: a lock file keeps a second Hotline from opening
 * the same data directory.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Thrown when another live process holds the embedded database. */
export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is in use by another Hotline process (pid ${pid}). ` +
        'Embedded mode is single-process: stop that process, use another DATA_DIR, or set DATABASE_URL to a PostgreSQL server.',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface EmbeddedDatabase {
  /** A `postgres://` URL for `pg` and pg-boss. */
  url: string;
  stop(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const lockFile = (dir: string) => path.join(dir, 'hotline.pid');

/** The live process holding the data directory's embedded database, if any. */
export function embeddedHolder(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(lockFile(dataDir), 'utf8').trim());
    return pid && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the data directory's lock file, or throws DataDirLockedError. */
function lock(dir: string): () => void {
  const file = lockFile(dir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dir, pid);
      // A stale lock from a process that died: take it over.
      fs.unlinkSync(file);
    }
  }
  throw new Error(`Could not lock ${file}`);
}

/** The longest Unix socket path Linux and macOS take (sun_path is 108 and 104 bytes with its NUL). */
const MAX_SOCKET_PATH = 100;

/**
 * An owner-only directory for the socket: `DATA_DIR/run`, or a fresh 0700
 * directory under the system's temp folder when DATA_DIR's path is too long
 * for a socket address.
 */
function socketDirectory(dataDir: string): { dir: string; remove: boolean } {
  const preferred = path.join(dataDir, 'run');
  if (path.join(preferred, SOCKET_NAME).length <= MAX_SOCKET_PATH) {
    fs.mkdirSync(preferred, { recursive: true, mode: 0o700 });
    fs.chmodSync(preferred, 0o700);
    return { dir: preferred, remove: false };
  }
  return { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-pg-')), remove: true };
}

/** The name `pg` looks for in a socket directory (PostgreSQL's `.s.PGSQL.<port>`, port 5432 by default). */
const SOCKET_NAME = '.s.PGSQL.5432';

/**
 * PostgreSQL's settings for the embedded database. Its default 128 MB of
 * shared buffers is sized for a server; the embedded database is small and
 * lives inside our process's memory (PGlite's WebAssembly heap, which never
 * shrinks). 8 MB rather than 16: an idle embedded instance measured 211 MB RSS
 * against 218 (medians of 4 interleaved runs each, startup benchmark's
 * measurement, 2026-11-30, issue 21.4). A page missing from the buffers is
 * read from the data files through the OS's page cache, not from disk.
 */
const POSTGRESQL_CONF = ['shared_buffers=8MB'];

/**
 * Creates the database files in `dir` (PostgreSQL's initdb) in a short-lived
 * child Node process, so the memory initdb needs never enters the app's
 * process. PGlite runs initdb in-process with a second PostgreSQL instance
 * and initdb's own WebAssembly module beside the first; measured 2026-11-30,
 * a bare PGlite that created its database idled at 315–530 MB, one that
 * opened an existing database at 150–170 MB, and much of the difference is
 * memory the process never gives back. Rejects with initdb's last error
 * output when the child fails.
 */
async function createInChild(dir: string): Promise<void> {
  const pglite = import.meta.resolve('@electric-sql/pglite');
  const trgm = import.meta.resolve('@electric-sql/pglite/contrib/pg_trgm');
  const code =
    `const { PGlite } = await import(${JSON.stringify(pglite)});` +
    `const { pg_trgm } = await import(${JSON.stringify(trgm)});` +
    `const db = await PGlite.create(process.argv[1], { postgresqlconf: ${JSON.stringify(POSTGRESQL_CONF)}, extensions: { pg_trgm } });` +
    'await db.close();';
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    child.on('error', reject);
    child.on('close', (status, signal) =>
      status === 0
        ? resolve()
        : reject(new Error(`Creating the embedded database in ${dir} failed (${signal ?? `exit ${status}`}): ${stderr.trim()}`)),
    );
  });
}

/** Starts PGlite on `dataDir/pg` and serves it on a Unix socket only its owner can open. */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const dir = path.join(dataDir, 'pg');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const unlock = lock(dataDir);
  let socketDir: { dir: string; remove: boolean } | undefined;
  try {
    // A first start creates the database in a child process (see createInChild); PGlite then finds it.
    if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await createInChild(dir);
    // pg_trgm (trigram search of names and typos) ships with PGlite but must be loaded to be created.
    const db = await PGlite.create(dir, { postgresqlconf: POSTGRESQL_CONF, extensions: { pg_trgm } });
    socketDir = socketDirectory(dataDir);
    const socket = path.join(socketDir.dir, SOCKET_NAME);
    // A socket left by a process that died (we hold the lock, so it is not live).
    fs.rmSync(socket, { force: true });
    const server = new PGLiteSocketServer({ db, path: socket, maxConnections: 200 });
    await server.start();
    const used = socketDir;
    return {
      // `host` as a directory makes `pg` (and pg-boss) connect to `<host>/.s.PGSQL.5432`.
      url: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(used.dir)}`,
      async stop() {
        await server.stop();
        await db.close();
        fs.rmSync(used.remove ? used.dir : socket, { recursive: true, force: true });
        unlock();
      },
    };
  } catch (error) {
    if (socketDir?.remove) fs.rmSync(socketDir.dir, { recursive: true, force: true });
    unlock();
    throw error;
  }
}
