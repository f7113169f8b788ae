/**
 * Search at scale (issue 20): `GET /api/search` on PostgreSQL holding
 * 100,000 requests and 10 million dialog messages made by
 * `generateInsightData` (bench/insightData.ts). The built app runs in its own
 * process; searches go one at a time (latency, not throughput), each query
 * of the mix several times, as our administrator (sees everything: the
 * widest search) and as a customer (the access rules' path).
 *
 * `npx tsx bench/search.ts` prints the figures; `run()` returns them.
 * BENCH_SEARCH_REQUESTS and BENCH_SEARCH_MESSAGES change the sizes (the
 * figure says which were used); BENCH_SEARCH_REPEAT (default 15) the rounds.
 * BENCH_SEARCH_DATABASE_URL names a database to keep: generated into on the
 * first run, reused as it is on later ones (10 million messages take about a
 * quarter of an hour to make on 2 cores).
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { freePort, freshPostgres, median, quantile, spawnBuilt, stop, tempDir, waitFor, type Figure } from './lib.js';
import { generateInsightData, insightProbe } from './insightData.js';

const REQUESTS = Number(process.env.BENCH_SEARCH_REQUESTS ?? 100_000);
const MESSAGES = Number(process.env.BENCH_SEARCH_MESSAGES ?? 10_000_000);
const REPEAT = Number(process.env.BENCH_SEARCH_REPEAT ?? 15);
const ADMIN = { email: 'bench-admin@hotline.local', password: 'bench-admin-password' };
const TARGET_MS = 100;

async function signIn(base: string, email: string, password: string): Promise<{ cookie: string; csrf: string }> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${base}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('hotline_session='));
    const body = (await response.json()) as { csrfToken?: string };
    if (response.ok && cookie) return { cookie: cookie.split(';')[0]!, csrf: body.csrfToken ?? '' };
    // /readyz may answer before the first admin exists; few, slow retries (the login limiter).
    if (attempt >= 3) throw new Error(`sign-in as ${email}: ${response.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The query mix: what managers look for, by kind. */
function queries(requests: number): Array<{ kind: string; q: string }> {
  const probe = insightProbe(Math.floor(requests * 0.37) || 1);
  return [
    { kind: 'request number', q: probe.requestNumber },
    { kind: 'INN', q: probe.inn },
    { kind: 'client name', q: 'Фёдоров' },
    { kind: 'client name with a typo', q: 'Смирнв' },
    { kind: 'word form', q: 'договором Шэньчжэня' },
    { kind: 'article number', q: '48215' },
    { kind: 'file name', q: 'сертификата происхождения' },
    { kind: 'common word', q: 'здравствуйте' },
    { kind: 'beneficiary', q: 'Ningbo Machinery' },
  ];
}

async function timeSearch(base: string, cookie: string, q: string): Promise<{ ms: number; groups: number }> {
  const started = performance.now();
  const response = await fetch(`${base}/api/search?q=${encodeURIComponent(q)}`, { headers: { cookie } });
  const body = (await response.json()) as { groups?: unknown[] };
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`search ${q}: ${response.status} ${JSON.stringify(body)}`);
  return { ms, groups: body.groups?.length ?? 0 };
}

export async function run(): Promise<Figure[]> {
  const kept = process.env.BENCH_SEARCH_DATABASE_URL;
  const database = kept ? { url: kept, drop: async () => undefined } : await freshPostgres();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawnBuilt({ PORT: String(port), DATA_DIR: tempDir(), DATABASE_URL: database.url, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  const figures: Figure[] = [];
  try {
    await waitFor(`${base}/readyz`);
    const admin = await signIn(base, ADMIN.email, ADMIN.password);
    const db = new pg.Client({ connectionString: database.url });
    // Dropping the database at the end ends this connection too, if an error left it open.
    db.on('error', () => undefined);
    await db.connect();
    const started = Date.now();
    const count = async (table: string) => Number((await db.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);
    const reused = kept !== undefined && (await count('messages')) >= MESSAGES && (await count('requests')) >= REQUESTS;
    if (!reused) await generateInsightData(db, { requests: REQUESTS, messages: MESSAGES, log: (line) => console.log(`  ${line}`) });
    const generatedIn = (Date.now() - started) / 1000;
    const data = {
      clients: await count('clients'),
      messages: await count('messages'),
      requests: await count('requests'),
      customerOrganizationId: Number((await db.query<{ id: string }>(`select id from organizations where kind = 'customer' order by id limit 1`)).rows[0]!.id),
      /** Made by an earlier run on the kept database. */
      customerExists: (await db.query(`select 1 from users where email = 'search-customer@bench.local'`)).rowCount === 1,
    };
    const size = (await db.query<{ size: string }>(`select pg_size_pretty(pg_database_size(current_database())) as size`)).rows[0]!.size;
    await db.end();
    console.log(`  ${reused ? 'reused the kept database' : `generated in ${generatedIn.toFixed(0)} s`}; database ${size}`);

    // A customer organization's user: the access rules' path (its requests only, no dialogs).
    const created = data.customerExists ? new Response(null, { status: 204 }) : await fetch(`${base}/api/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      body: JSON.stringify({ organizationId: data.customerOrganizationId, role: 'customer', email: 'search-customer@bench.local', name: 'Customer', password: 'bench-password-123' }),
    });
    if (!created.ok) throw new Error(`creating the customer: ${created.status} ${await created.text()}`);
    const customer = await signIn(base, 'search-customer@bench.local', 'bench-password-123');

    const mix = queries(data.requests);
    const viewers = [
      { who: 'administrator', cookie: admin.cookie },
      { who: 'customer', cookie: customer.cookie },
    ];
    for (const viewer of viewers) for (const { q } of mix) await timeSearch(base, viewer.cookie, q); // warm-up, not counted
    const all: number[] = [];
    const perKind = new Map<string, number[]>();
    const found = new Map<string, number>();
    for (let round = 0; round < REPEAT; round++) {
      for (const viewer of viewers) {
        for (const { kind, q } of mix) {
          const { ms, groups } = await timeSearch(base, viewer.cookie, q);
          all.push(ms);
          const key = `${kind} (${viewer.who})`;
          perKind.set(key, [...(perKind.get(key) ?? []), ms]);
          found.set(key, groups);
        }
      }
    }
    const p99 = quantile(all, 0.99);
    const slowest = [...perKind].map(([kind, values]) => ({ kind, p99: quantile(values, 0.99) })).sort((a, b) => b.p99 - a.p99);
    for (const [kind, values] of perKind) console.log(`  ${kind}: p50 ${median(values).toFixed(1)} ms, p99 ${quantile(values, 0.99).toFixed(1)} ms, ${found.get(kind)} groups`);
    const sizes = `${data.requests.toLocaleString('en-US')} requests, ${data.messages.toLocaleString('en-US')} messages, ${data.clients.toLocaleString('en-US')} clients (database ${size}, ${reused ? 'kept from an earlier run of the generator' : `generated in ${Math.round(generatedIn)} s`})`;
    figures.push({
      area: 'Search',
      what: `GET /api/search p99, one at a time, ${all.length} searches (${mix.length} kinds × ${viewers.length} viewers × ${REPEAT}) on ${sizes}; p50 ${median(all).toFixed(1)} ms; slowest kind: ${slowest[0]!.kind} p99 ${slowest[0]!.p99.toFixed(1)} ms`,
      value: `${p99.toFixed(1)} ms`,
      target: `≤ ${TARGET_MS} ms`,
      ok: p99 <= TARGET_MS,
    });
  } finally {
    await stop(child);
    await database.drop();
  }
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await run()) console.log(`${figure.what}: ${figure.value}${figure.target ? ` (target ${figure.target})` : ''}`);
}
