/**
 * The embedded database: PGlite (PostgreSQL compiled to WASM) stored in
 * `DATA_DIR/pg`, served over the PostgreSQL wire protocol on a free local port
 * so the app talks to it with the same `pg` code it uses for a real server.
 *
 * PGlite is single-process: a lock file keeps a second Hotline from opening
 * the same data directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
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

/** Starts PGlite on `dataDir/pg` and serves it on 127.0.0.1:<free port>. */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const dir = path.join(dataDir, 'pg');
  fs.mkdirSync(dir, { recursive: true });
  const unlock = lock(dataDir);
  try {
    // PostgreSQL's default 128 MB of shared buffers is sized for a server; the
    // embedded database is small and lives inside our process's memory.
    const db = await PGlite.create(dir, { postgresqlconf: ['shared_buffers=16MB'] });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 200 });
    await server.start();
    return {
      url: `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
      async stop() {
        await server.stop();
        await db.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
