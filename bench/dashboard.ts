/**
 * The dashboard at scale (issue 20): PostgreSQL holding 100,000 requests and
 * 10 million dialog messages made by `generateInsightData`
 * (bench/insightData.ts); the built app in its own process; the
 * administrator's default view (the last 30 days, everyone).
 *
 * - API: the ten queries the page sends at once (nine charts and the manager
 *   list), fired together; the time until the last answer (median of 7), and
 *   each chart's query alone, one at a time (median of 7; the slowest named).
 * - Page: headless Chromium (`/usr/bin/chromium`, the tests' flags), signed
 *   in, cold cache: from navigation start until every chart's SVG is drawn
 *   (LCP-style: the last chart, not the first paint), median of 5.
 *
 * `npx tsx bench/dashboard.ts` prints the figures; `run()` returns them.
 * BENCH_DASHBOARD_REQUESTS and BENCH_DASHBOARD_MESSAGES change the sizes (the
 * figures say which were used). BENCH_DASHBOARD_DATABASE_URL names a database
 * to keep (it may be the search benchmark's, BENCH_SEARCH_DATABASE_URL):
 * generated into on the first run, reused as it is on later ones — the app's
 * migrations run on it at start, as they would on a live database. Its data
 * ends on the day it was generated, so reuse it the same day (the default view
 * is the last 30 days up to today).
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser } from '../test/helpers/browser.js';
import { freePort, freshPostgres, median, spawnBuilt, stop, tempDir, waitFor, type Figure } from './lib.js';
import { generateInsightData } from './insightData.js';

const REQUESTS = Number(process.env.BENCH_DASHBOARD_REQUESTS ?? 100_000);
const MESSAGES = Number(process.env.BENCH_DASHBOARD_MESSAGES ?? 10_000_000);
const API_ROUNDS = 7;
const PAGE_RUNS = 5;
const TARGET_MS = 1000;
const ADMIN = { email: 'bench-admin@hotline.local', password: 'bench-admin-password' };
/** What the page asks for, in the order it asks. */
const CHARTS = ['dialogs', 'first-response', 'resolution', 'managers-times', 'funnel', 'volume-currency', 'volume-agent', 'statuses', 'sources'];
/** The chart cards on the page (two of them share the per-manager query). */
const CARDS = 10;

async function signIn(base: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${base}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('hotline_session='));
    if (response.ok && cookie) return cookie.split(';')[0]!;
    // /readyz may answer before the first admin exists; few, slow retries (the login limiter).
    if (attempt >= 3) throw new Error(`sign-in: ${response.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function timed(base: string, cookie: string, path: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${base}/api${path}`, { headers: { cookie } });
  const body = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${body}`);
  return performance.now() - started;
}

/**
 * Runs in the page before its scripts (the page's CSP forbids the evaluated
 * predicates of waitForFunction): stamps the moment every chart card holds its
 * SVG, checked on each DOM change.
 */
const STAMP_ALL_DRAWN = `
  window.__drawn = {};
  new MutationObserver((changes, observer) => {
    const cards = [...document.querySelectorAll('[aria-busy]')];
    for (const card of cards) {
      const id = card.getAttribute('data-testid');
      if (id && !window.__drawn[id] && card.querySelector('svg.recharts-surface')) window.__drawn[id] = performance.now();
    }
    if (cards.filter((card) => card.querySelector('svg.recharts-surface')).length >= ${CARDS}) {
      window.__allDrawn = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });`;

/** Where a visit's time went (ms from navigation start). */
const READ_TIMINGS = `(() => {
  const navigation = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const insight = resources.filter((r) => r.name.includes('/api/insight/'));
  const scripts = resources.filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js'));
  const chartCode = resources.find((r) => r.name.includes('/assets/InsightPage-') && r.name.endsWith('.js'));
  return {
    drawn: window.__allDrawn,
    dcl: navigation.domContentLoadedEventEnd,
    scripts: Math.max(0, ...scripts.map((r) => r.responseEnd)),
    chartCode: chartCode ? chartCode.responseEnd : -1,
    firstQuery: Math.min(...insight.map((r) => r.startTime)),
    lastAnswer: Math.max(0, ...insight.map((r) => r.responseEnd)),
    answers: insight.map((r) => ({ path: new URL(r.name).pathname.replace('/api/insight/', ''), sent: r.startTime, first: r.responseStart, end: r.responseEnd })),
    cards: window.__drawn,
  };
})()`;

interface Visit {
  drawn: number;
  dcl: number;
  scripts: number;
  /** The dashboard's chart code (its lazy chunk) received; -1 if not seen. */
  chartCode: number;
  firstQuery: number;
  lastAnswer: number;
  /** Every `/api/insight/...` request of the visit: sent, first byte, last byte. */
  answers: Array<{ path: string; sent: number; first: number; end: number }>;
  /** Each chart card's first SVG. */
  cards: Record<string, number>;
}

/** One cold visit: ms from navigation start until every chart card holds its SVG, and where the time went. */
async function visit(browser: Browser, base: string, cookie: string): Promise<Visit> {
  const context = await browser.newContext({ locale: 'ru-RU', timezoneId: 'Europe/Moscow', viewport: { width: 1400, height: 1000 } });
  try {
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.addInitScript(STAMP_ALL_DRAWN);
    await page.goto(`${base}/insight`);
    for (;;) {
      const at = (await page.evaluate('window.__allDrawn')) as number | undefined;
      if (typeof at === 'number') return (await page.evaluate(READ_TIMINGS)) as Visit;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    await context.close();
  }
}

export async function run(): Promise<Figure[]> {
  const kept = process.env.BENCH_DASHBOARD_DATABASE_URL;
  const database = kept ? { url: kept, drop: async () => undefined } : await freshPostgres();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawnBuilt({ PORT: String(port), DATA_DIR: tempDir(), DATABASE_URL: database.url, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  const figures: Figure[] = [];
  let browser: Browser | undefined;
  try {
    await waitFor(`${base}/readyz`);
    const cookie = await signIn(base);
    const db = new pg.Client({ connectionString: database.url });
    // Dropping the database at the end ends this connection too, if an error left it open.
    db.on('error', () => undefined);
    await db.connect();
    const started = Date.now();
    const count = async (table: string) => Number((await db.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);
    const reused = kept !== undefined && (await count('messages')) >= MESSAGES && (await count('requests')) >= REQUESTS;
    const dialogs = reused ? await count('dialogs') : (await generateInsightData(db, { requests: REQUESTS, messages: MESSAGES, log: (line) => console.log(`  ${line}`) })).dialogs;
    const generatedIn = (Date.now() - started) / 1000;
    // A live database's tables are vacuumed by autovacuum; a freshly loaded one is not yet (index-only scans need the visibility map).
    const vacuumed = Date.now();
    await db.query('vacuum (analyze) messages, dialogs, requests, events');
    console.log(`  vacuum: ${((Date.now() - vacuumed) / 1000).toFixed(1)} s`);
    const size = (await db.query<{ size: string }>(`select pg_size_pretty(pg_database_size(current_database())) as size`)).rows[0]!.size;
    await db.end();
    const origin = reused ? 'kept from an earlier run of the generator' : `generated in ${Math.round(generatedIn)} s`;
    console.log(`  ${origin}; database ${size}`);
    const sizes = `${REQUESTS.toLocaleString('en-US')} requests, ${MESSAGES.toLocaleString('en-US')} messages, ${dialogs.toLocaleString('en-US')} dialogs over 90 days (database ${size}, ${origin})`;

    const paths = ['/insight/managers', ...CHARTS.map((chart) => `/insight/${chart}`)];
    for (const path of paths) await timed(base, cookie, path); // warm-up, not counted
    const together: number[] = [];
    for (let round = 0; round < API_ROUNDS; round++) {
      const begun = performance.now();
      await Promise.all(paths.map((path) => timed(base, cookie, path)));
      together.push(performance.now() - begun);
    }
    const alone = new Map<string, number[]>();
    for (let round = 0; round < API_ROUNDS; round++) {
      for (const chart of CHARTS) alone.set(chart, [...(alone.get(chart) ?? []), await timed(base, cookie, `/insight/${chart}`)]);
    }
    const perChart = [...alone].map(([chart, values]) => ({ chart, ms: median(values) })).sort((a, b) => b.ms - a.ms);
    for (const { chart, ms } of perChart) console.log(`  /api/insight/${chart} alone: median ${ms.toFixed(1)} ms`);
    const sum = perChart.reduce((total, { ms }) => total + ms, 0);
    figures.push({
      area: 'Dashboard',
      what: `the page's ${paths.length} API queries (9 charts and the manager list) sent together, default view (last 30 days, everyone), until the last answer, on ${sizes} (median of ${API_ROUNDS})`,
      value: `${median(together).toFixed(0)} ms (runs: ${together.map((ms) => ms.toFixed(0)).join(', ')})`,
      target: `≤ ${TARGET_MS} ms`,
      ok: median(together) <= TARGET_MS,
    });
    figures.push({
      area: 'Dashboard',
      what: `each chart's query alone, one at a time (median of ${API_ROUNDS}): slowest three, and the sum of all nine`,
      value: `${perChart
        .slice(0, 3)
        .map(({ chart, ms }) => `${chart} ${ms.toFixed(0)} ms`)
        .join(', ')}; sum ${sum.toFixed(0)} ms`,
    });

    if (browserAvailable()) {
      browser = await launchBrowser();
      await visit(browser, base, cookie); // warms the server's static files, not counted
      const visits: Visit[] = [];
      for (let i = 0; i < PAGE_RUNS; i++) visits.push(await visit(browser, base, cookie));
      const runs = visits.map((v) => v.drawn);
      const middle = visits.find((v) => v.drawn === median(runs)) ?? visits[0]!;
      const ms = (value: number) => value.toFixed(0);
      console.log(`  median visit: DOMContentLoaded ${ms(middle.dcl)}, chart code ${ms(middle.chartCode)}, all drawn ${ms(middle.drawn)} ms`);
      for (const a of [...middle.answers].sort((x, y) => x.sent - y.sent)) console.log(`    ${a.path}: sent ${ms(a.sent)}, first byte ${ms(a.first)}, end ${ms(a.end)}`);
      console.log(`    cards drawn: ${Object.entries(middle.cards).sort((x, y) => x[1] - y[1]).map(([id, at]) => `${id.replace('insight-', '')} ${ms(at)}`).join(', ')}`);
      figures.push({
        area: 'Web',
        what: `dashboard page, headless Chromium on localhost, signed in, cold cache: navigation start → all ${CARDS} charts drawn (their SVGs in the page), same data (median of ${PAGE_RUNS})`,
        value: `${median(runs).toFixed(0)} ms (runs: ${runs.map((ms) => ms.toFixed(0)).join(', ')})`,
        target: `≤ ${TARGET_MS} ms`,
        ok: median(runs) <= TARGET_MS,
      });
      figures.push({
        area: 'Web',
        what: 'where that time goes, same median run: DOMContentLoaded / chart code received / first chart query sent / last chart answer received / first chart drawn (from navigation start)',
        value: [middle.dcl, middle.chartCode, middle.firstQuery, middle.lastAnswer, Math.min(...Object.values(middle.cards))].map((ms) => ms.toFixed(0)).join(' / ') + ' ms',
      });
    }
  } finally {
    await browser?.close();
    await stop(child);
    await database.drop();
  }
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await run()) console.log(`${figure.what}: ${figure.value}${figure.target ? ` (target ${figure.target})` : ''}`);
}
