/**
 * A diagnostic, not a figure: three cold visits of the dashboard (`/insight`,
 * the admin of bench/dashboard.ts) under Chromium's sampling profiler; the
 * third visit's JavaScript self time is printed by file (the built chunks)
 * and by function. Where the page's time goes once the answers are in
 * (docs/PERFORMANCE.md «Dashboard (issue 20)»).
 *
 * `npm run build && npx tsx bench/dashboardProfile.ts postgres://…/<database the dashboard benchmark kept>`
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the CDP profile is untyped JSON */
import { launchBrowser } from '../test/helpers/browser.js';
import { freePort, spawnBuilt, stop, tempDir, waitFor } from './lib.js';
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const child = spawnBuilt({ PORT: String(port), DATA_DIR: tempDir(), DATABASE_URL: process.argv[2] ?? process.env.BENCH_DASHBOARD_DATABASE_URL ?? '', ADMIN_EMAIL: 'bench-admin@hotline.local', ADMIN_PASSWORD: 'bench-admin-password' });
try {
  await waitFor(`${base}/readyz`);
  const r = await fetch(`${base}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench-admin@hotline.local', password: 'bench-admin-password' }) });
  const cookie = r.headers.getSetCookie().find((c) => c.startsWith('hotline_session='))!.split(';')[0]!;
  const browser = await launchBrowser();
  for (let run = 0; run < 3; run++) {
    const context = await browser.newContext({ locale: 'ru-RU', timezoneId: 'Europe/Moscow', viewport: { width: 1400, height: 1000 } });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const t0 = Date.now();
    await page.goto(`${base}/insight`);
    // Polled from here: the page's CSP forbids the evaluated predicates of waitForFunction.
    for (let waited = 0; waited < 30_000; waited += 25) {
      if (((await page.evaluate("document.querySelectorAll('[aria-busy] svg.recharts-surface').length")) as number) >= 10) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const wall = Date.now() - t0;
    const { profile } = (await cdp.send('Profiler.stop')) as any;
    if (run < 2) { await context.close(); continue; }
    const byId = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]));
    const self = new Map<number, number>();
    const dt = profile.timeDeltas as number[];
    profile.samples.forEach((id: number, i: number) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
    const byFn = new Map<string, number>(); const byFile = new Map<string, number>();
    for (const [id, us] of self) {
      const f = byId.get(id).callFrame;
      const file = (f.url || '(native)').replace(/.*\/assets\//, '');
      const key = `${f.functionName || '(anon)'} ${file}:${f.lineNumber}`;
      byFn.set(key, (byFn.get(key) ?? 0) + us); byFile.set(file, (byFile.get(file) ?? 0) + us);
    }
    console.log(`wall ${wall} ms`);
    console.log([...byFile].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${(v / 1000).toFixed(0)} ms ${k}`).join('\n'));
    console.log('--');
    console.log([...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0)} ms ${k}`).join('\n'));
    await context.close();
  }
  await browser.close();
} finally {
  await stop(child);
}
