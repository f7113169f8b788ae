/**
 * Where a test's data lives. By default the embedded PGlite in a fresh temp
 * DATA_DIR; with TEST_DATABASE_URL set, a fresh PostgreSQL database created
 * for the test file and dropped afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** PostgreSQL URL, or undefined for the embedded database in `dataDir/pg`. */
  url: string | undefined;
  dataDir: string;
  /** 'postgres' or 'pglite', for test names. */
  kind: 'postgres' | 'pglite';
  cleanup(): Promise<void>;
}

export function tempDir(prefix = 'hotline-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Creates an empty PostgreSQL database next to the one `serverUrl` names. */
export async function createPostgresDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hotline_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function testDatabase(options: { forceEmbedded?: boolean } = {}): Promise<TestDatabase> {
  const dataDir = tempDir();
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl || options.forceEmbedded) {
    return {
      url: undefined,
      dataDir,
      kind: 'pglite',
      async cleanup() {
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const created = await createPostgresDatabase(serverUrl);
  return {
    url: created.url,
    dataDir,
    kind: 'postgres',
    async cleanup() {
      await created.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
