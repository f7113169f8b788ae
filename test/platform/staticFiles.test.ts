/**
 * The web app's files as a browser gets them: compressed when the browser
 * accepts it (the same bytes once decoded), hashed assets cached for good,
 * the page itself revalidated so a new release is picked up at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import http from 'node:http';
import { ensureWebBuilt } from '../helpers/browser.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { APP_PAGES } from '../../src/core/appPages.js';

const root = path.resolve(import.meta.dirname, '../..');
let app: TestApp;
let script = '';

beforeAll(async () => {
  ensureWebBuilt();
  app = await startTestApp();
  const index = fs.readFileSync(path.join(root, 'dist/web/index.html'), 'utf8');
  script = /src="(\/assets\/[^"]+\.js)"/.exec(index)![1]!;
});
afterAll(() => app?.stop());

/** What a browser sends when it navigates to an address (Chromium's navigation Accept). */
const NAVIGATION = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8';

/** A raw GET (fetch would decode the body itself); `accept` as given, none when undefined. */
function get(url: string, acceptEncoding?: string, accept?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const headers: Record<string, string> = {};
  if (acceptEncoding) headers['accept-encoding'] = acceptEncoding;
  if (accept) headers.accept = accept;
  return new Promise((resolve, reject) => {
    http
      .get(`${app.url}${url}`, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('the web app’s files', () => {
  it('a browser accepting brotli or gzip gets the script compressed, and it decodes to the built file', async () => {
    const built = fs.readFileSync(path.join(root, 'dist/web', script));
    const br = await get(script, 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.body.length).toBeLessThan(built.length / 2);
    expect(zlib.brotliDecompressSync(br.body).equals(built)).toBe(true);

    const gz = await get(script, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).equals(built)).toBe(true);

    const plain = await get(script);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(built)).toBe(true);
  });

  it('a probe with a trailing slash, or an API path in another case, is a 404 in the API\'s words — never the page with 200', async () => {
    for (const url of ['/readyz/', '/healthz/', '/API/requests', '/Api/nope', '/api/nope']) {
      const answer = await get(url);
      expect(answer.status, url).toBe(404);
      expect(JSON.parse(answer.body.toString()), url).toMatchObject({ error: 'Такого адреса в API нет: проверьте путь запроса' });
    }
  });

  it('every page the app routes is the app with 200 (ids, a sign-in link, a trailing slash); any other path is the app with 404', async () => {
    const index = fs.readFileSync(path.join(root, 'dist/web/index.html'), 'utf8');
    const pages = [...Object.values(APP_PAGES).map((page) => page.replaceAll(':id', '123')), '/requests/123/', '/auth/link?token=abc', '/Requests', '/insight'];
    for (const page of pages) {
      const response = await get(page);
      expect(response.status, page).toBe(200);
      expect(String(response.headers['content-type']), page).toMatch(/text\/html/);
    }
    for (const url of [
      '/nope',
      '/requests/abc/extra',
      '/requests/1/offers/new',
      '/agent',
      '/admin/users',
      '/sign-in/again',
      '/nope?x=1',
      // An id is a positive integer in plain digits (outside check: these were 200 and the page said «Проверьте поля формы»).
      '/requests/abc',
      '/requests/0',
      '/requests/-1',
      '/requests/01',
      '/requests/9007199254740993',
      '/clients/abc',
      '/clients/0',
      '/agent/requests/abc/offers/new',
      '/agent/requests/0/offers/new',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(String(response.headers['content-type']), url).toMatch(/text\/html/);
      // The app itself, so the browser shows its own «not found» page.
      expect(response.body.toString(), url).toBe(index);
      expect(response.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('a browser navigating to a path with a dot gets the app with 404 (its «not found» page), not the API\'s JSON', async () => {
    const index = fs.readFileSync(path.join(root, 'dist/web/index.html'), 'utf8');
    for (const url of ['/requests/1.5', '/requests/1.json', '/sign-in.html', '/nope.php', '/assets/missing.js']) {
      const response = await get(url, undefined, NAVIGATION);
      expect(response.status, url).toBe(404);
      expect(String(response.headers['content-type']), url).toMatch(/text\/html/);
      expect(response.body.toString(), url).toBe(index);
    }
  });

  it('a missing file asked for by a script, an image or curl is a plain 404, not the app', async () => {
    const index = fs.readFileSync(path.join(root, 'dist/web/index.html'), 'utf8');
    for (const [url, accept] of [
      ['/assets/missing.js', '*/*'],
      ['/assets/missing.js', 'application/javascript'],
      ['/assets/missing.js', undefined],
      ['/assets/missing.png', 'image/avif,image/webp,image/apng,image/*,*/*;q=0.8'],
      ['/assets/missing.css', 'text/css,*/*;q=0.1'],
      ['/nope.php', '*/*'],
      ['/requests/1.json', 'application/json, text/html;q=0.5'],
    ] as const) {
      const response = await get(url, undefined, accept);
      expect(response.status, `${url} ${accept}`).toBe(404);
      expect(String(response.headers['content-type']), `${url} ${accept}`).not.toMatch(/text\/html/);
      expect(response.body.toString(), `${url} ${accept}`).not.toBe(index);
      // It says a file is missing, not that the API has no such address.
      expect(JSON.parse(response.body.toString()), `${url} ${accept}`).toEqual({ error: 'Такого файла нет: проверьте адрес', code: { code: 'request.noFile' } });
    }
    // A file that is there is served as itself, whatever the Accept.
    const real = await get(script, undefined, NAVIGATION);
    expect(real.status).toBe(200);
    expect(String(real.headers['content-type'])).toMatch(/javascript/);
  });

  it('hashed assets are cached for a year; the page and its client-side routes are revalidated', async () => {
    expect((await get(script, 'br')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const page of ['/', '/requests/1', '/sandbox']) {
      const response = await get(page, 'br');
      expect(response.status).toBe(200);
      expect(String(response.headers['content-type'])).toMatch(/text\/html/);
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });
});
