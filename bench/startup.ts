/**
 * Cold start to `/readyz` 200 (embedded and PostgreSQL, after `npm run build`)
 * and idle RSS after start. Each figure is the median of several runs.
 */
import { freePort, freshPostgres, median, rssMb, spawnBuilt, stop, tempDir, waitFor, type Figure } from './lib.js';

const RUNS = 5;

async function coldStart(database: 'embedded' | 'postgres'): Promise<{ ms: number; rss: number }> {
  const port = await freePort();
  const pg = database === 'postgres' ? await freshPostgres() : undefined;
  const dataDir = tempDir();
  // The embedded database is created on the first start; measure a restart of an existing one, as operators see it,
  // and a first start separately below.
  const env = { PORT: String(port), DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url } : {}) };
  const first = spawnBuilt(env);
  await waitFor(`http://127.0.0.1:${port}/readyz`);
  await stop(first);

  const started = performance.now();
  const child = spawnBuilt(env);
  await waitFor(`http://127.0.0.1:${port}/readyz`);
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 3000));
  const rss = rssMb(child.pid!);
  await stop(child);
  await pg?.drop();
  return { ms, rss };
}

async function firstStartEmbedded(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawnBuilt({ PORT: String(port), DATA_DIR: tempDir() });
  await waitFor(`http://127.0.0.1:${port}/readyz`);
  const ms = performance.now() - started;
  await stop(child);
  return ms;
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const database of ['postgres', 'embedded'] as const) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await coldStart(database));
    const ms = median(runs.map((r) => r.ms));
    const target = database === 'postgres' ? 3000 : 6000;
    figures.push({
      area: 'Start-up',
      what: `cold start to /readyz 200, ${database === 'postgres' ? 'PostgreSQL' : 'embedded PGlite'} (median of ${RUNS})`,
      value: `${(ms / 1000).toFixed(2)} s`,
      target: `< ${target / 1000} s`,
      ok: ms < target,
    });
    const rss = median(runs.map((r) => r.rss));
    figures.push({
      area: 'Memory',
      what: `idle RSS 3 s after start, ${database === 'postgres' ? 'PostgreSQL' : 'embedded PGlite'}`,
      value: `${rss} MB`,
      target: '< 200 MB',
      ok: rss < 200,
    });
  }
  const first = [];
  for (let i = 0; i < 3; i++) first.push(await firstStartEmbedded());
  figures.push({
    area: 'Start-up',
    what: 'first start on an empty DATA_DIR (creates the embedded database; median of 3)',
    value: `${(median(first) / 1000).toFixed(2)} s`,
  });
  return figures;
}
