/**
 * Largest Contentful Paint of the request page in headless Chromium
 * (`/usr/bin/chromium` with the tests' flags, through playwright-core) on
 * localhost: the built app on PostgreSQL serves an accepted request with
 * three offers, 100 chat messages, a timeline and two documents (a photo with
 * its preview and a PDF). The customer is signed in (session cookie); every
 * run opens a new browser context, so the HTTP cache is cold. LCP is read
 * from a buffered PerformanceObserver('largest-contentful-paint') once the
 * page shows its terms, chat and documents. One unmeasured visit warms the
 * server first; the figure is the median of 5.
 *
 * `npx tsx bench/lcp.ts` prints the figures; `run()` returns them.
 */
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser } from '../test/helpers/browser.js';
import { ApiClient, validOffer, validRequest } from '../test/helpers/app.js';
import { freePort, freshPostgres, median, spawnBuilt, stop, tempDir, waitFor, type Figure } from './lib.js';

const RUNS = 5;
const TARGET_MS = 1000;
const ADMIN = { email: 'bench-admin@hotline.local', password: 'bench-admin-password' };
const PASSWORD = 'bench-password-123';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** Runs in the page before its scripts (the bench has no DOM types, hence plain JavaScript). */
const OBSERVE_LCP = `
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const element = entry.element;
      const testId = element && element.getAttribute('data-testid');
      const label = element ? element.tagName.toLowerCase() + (testId ? '[' + testId + ']' : '') + ' “' + (element.textContent || '').trim().slice(0, 30) + '”' : '?';
      window.__lcp = { at: entry.startTime, element: label };
    }
  }).observe({ type: 'largest-contentful-paint', buffered: true });`;

/** Reads the last LCP candidate, navigation timing and the resource waterfall; called with the request's id. */
const READ_TIMINGS = `(id) => {
  const navigation = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const json = resources.find((r) => r.name.endsWith('/api/requests/' + id));
  return {
    lcp: window.__lcp ? window.__lcp.at : NaN,
    element: window.__lcp ? window.__lcp.element : '?',
    html: navigation.responseEnd,
    dcl: navigation.domContentLoadedEventEnd,
    requestJson: json ? json.responseEnd : NaN,
    resources: resources.map((r) => [new URL(r.name).pathname, Math.round(r.startTime), Math.round(r.responseEnd)]),
  };
}`;

interface Visit {
  lcp: number;
  element: string;
  /** Navigation timing: the HTML's response, DOMContentLoaded, and when the request's JSON arrived (ms from navigation start). */
  html: number;
  dcl: number;
  requestJson: number;
  /** Every resource the page loaded: name, start and end (ms from navigation start). */
  resources: Array<[string, number, number]>;
}

async function signedIn(base: string, email: string, password: string): Promise<ApiClient> {
  const client = new ApiClient(base);
  // /readyz may answer before the first admin exists; few, slow retries (five failures trip the login limit).
  for (let attempt = 0; ; attempt++) {
    const response = await client.signIn(email, password);
    if (response.status === 200) return client;
    if (attempt >= 3) throw new Error(`lcp: sign-in as ${email} answered ${response.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, checked by status only
async function ok<T = any>(response: Promise<{ status: number; body: T }>, what: string): Promise<T> {
  const { status, body } = await response;
  if (status !== 200) throw new Error(`lcp: ${what} answered ${status} ${JSON.stringify(body)}`);
  return body;
}

async function upload(client: ApiClient, requestId: number, name: string, type: string, bytes: Buffer): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const response = await fetch(`${client.baseUrl}/api/requests/${requestId}/documents`, {
    method: 'POST',
    headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken },
    body: form,
  });
  if (response.status !== 200) throw new Error(`lcp: uploading ${name} answered ${response.status} ${await response.text()}`);
}

/** An accepted request with offers, a chat and documents; returns its id and the customer's session. */
export async function seed(base: string): Promise<{ requestId: number; customer: ApiClient }> {
  const admin = await signedIn(base, ADMIN.email, ADMIN.password);
  const customerOrg = await ok(admin.post('/api/admin/organizations', { name: 'ООО «Покупатель»', kind: 'customer' }), 'customer organization');
  await ok(admin.post('/api/admin/users', { organizationId: customerOrg.id, role: 'customer', email: 'c@bench.local', name: 'Покупатель', password: PASSWORD }), 'customer');
  const agents: ApiClient[] = [];
  for (let i = 1; i <= 3; i++) {
    const org = await ok(admin.post('/api/admin/organizations', { name: `Платёжный агент ${i}`, kind: 'agent' }), 'agent organization');
    await ok(admin.post('/api/admin/users', { organizationId: org.id, role: 'agent', email: `a${i}@bench.local`, name: `Агент ${i}`, password: PASSWORD }), 'agent');
    agents.push(await signedIn(base, `a${i}@bench.local`, PASSWORD));
  }
  const customer = await signedIn(base, 'c@bench.local', PASSWORD);
  const { id: requestId } = await ok(customer.post('/api/requests', validRequest()), 'request');
  const offers = [];
  for (const [i, agent] of agents.entries()) {
    offers.push(await ok(agent.post(`/api/requests/${requestId}/offers`, validOffer({ rate: ['12.25', '12.30', '12.35'][i], feePercent: ['1.5', '1.75', '2'][i] })), 'offer'));
  }
  await ok(customer.post(`/api/offers/${offers[0]!.id}/accept`, {}), 'accept');
  for (let i = 0; i < 100; i++) {
    const author = i % 2 === 0 ? customer : agents[0]!;
    await ok(author.post(`/api/requests/${requestId}/messages`, { text: `Сообщение ${i + 1}: уточняем реквизиты и сроки оплаты по инвойсу` }), 'chat message');
  }
  const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r: 40, g: 90, b: 160 } } })
    .composite([{ input: Buffer.from('<svg width="1600" height="1200"><circle cx="800" cy="600" r="400" fill="#e8c547"/></svg>') }])
    .jpeg({ quality: 85 })
    .toBuffer();
  await upload(customer, requestId, 'Скан-инвойса.jpg', 'image/jpeg', photo);
  await upload(customer, requestId, 'Контракт.pdf', 'application/pdf', PDF);
  return { requestId, customer };
}

async function visit(browser: Browser, base: string, requestId: number, cookie: string): Promise<Visit> {
  const context = await browser.newContext({ locale: 'ru-RU', timezoneId: 'Europe/Moscow', viewport: { width: 1280, height: 1000 } });
  try {
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.addInitScript({ content: OBSERVE_LCP });
    await page.goto(`${base}/requests/${requestId}`, { waitUntil: 'load' });
    await page.getByTestId('terms-total').waitFor();
    await page.getByTestId('chat-message').first().waitFor();
    await page.getByTestId('document').first().waitFor();
    await page.waitForLoadState('networkidle');
    return (await page.evaluate(`(${READ_TIMINGS})(${requestId})`)) as Visit;
  } finally {
    await context.close();
  }
}

export async function run(): Promise<Figure[]> {
  if (!browserAvailable()) return [{ area: 'Web', what: 'Largest Contentful Paint of the request page: skipped, no Chromium', value: '—' }];
  const database = await freshPostgres();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = spawnBuilt({ PORT: String(port), PUBLIC_URL: base, DATA_DIR: tempDir(), DATABASE_URL: database.url, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  let browser: Browser | undefined;
  try {
    await waitFor(`${base}/readyz`);
    const { requestId, customer } = await seed(base);
    browser = await launchBrowser();
    await visit(browser, base, requestId, customer.cookie); // warm-up: the server's JIT, not counted
    const visits: Visit[] = [];
    for (let i = 0; i < RUNS; i++) visits.push(await visit(browser, base, requestId, customer.cookie));
    const lcp = median(visits.map((v) => v.lcp));
    const middle = visits.find((v) => v.lcp === lcp)!;
    // BENCH_VERBOSE=1 prints the median visit's waterfall.
    if (process.env.BENCH_VERBOSE) for (const [name, start, end] of middle.resources) console.log(`${String(start).padStart(5)} → ${String(end).padStart(5)} ms  ${name}`);
    return [
      {
        area: 'Web',
        what: `Largest Contentful Paint of the request page (3 offers, 100 chat messages, 2 documents), headless Chromium on localhost, signed in, cold cache (median of ${RUNS}; LCP element ${middle.element})`,
        value: `${Math.round(lcp)} ms (runs: ${visits.map((v) => Math.round(v.lcp)).join(', ')})`,
        target: `≤ ${TARGET_MS / 1000} s`,
        ok: lcp <= TARGET_MS,
      },
      {
        area: 'Web',
        what: 'where that time goes, same median run: HTML received / DOMContentLoaded / the request’s JSON received (from navigation start)',
        value: `${Math.round(middle.html)} / ${Math.round(middle.dcl)} / ${Math.round(middle.requestJson)} ms`,
      },
    ];
  } finally {
    await browser?.close();
    await stop(app);
    await database.drop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await run()) console.log(`${figure.what}: ${figure.value}${figure.target ? ` (target ${figure.target})` : ''}`);
}
