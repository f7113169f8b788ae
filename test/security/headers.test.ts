/**
 * The HTTP server's posture (issue 16.3 headers, 16.11, 16.15): every answer
 * carries CSP (own scripts only, no framing), Referrer-Policy and nosniff,
 * and HSTS behind https; routes that answer before authentication parse a
 * few KB at most, the webhook checks its secret before reading the body;
 * /metrics is not public.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Update } from '@grammyjs/types';
import { createHttpServer, type HttpServer } from '../../src/platform/server.js';
import { webhookPlugin, WEBHOOK_PATH } from '../../src/telegram/webhook.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const log = pino({ level: 'silent' });

async function server(options: { publicUrl?: string; metricsToken?: string; updates?: Update[] } = {}): Promise<{ app: HttpServer; url: string }> {
  const app = await createHttpServer({
    log,
    sandbox: false,
    ready: async () => true,
    publicUrl: options.publicUrl,
    metricsToken: options.metricsToken,
    plugins: [{ plugin: webhookPlugin(() => async (update) => void options.updates?.push(update), 'webhook-secret_1') }],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}` };
}

describe('security headers on every answer', () => {
  let plain: { app: HttpServer; url: string };
  let https: { app: HttpServer; url: string };
  beforeAll(async () => {
    plain = await server();
    https = await server({ publicUrl: 'https://hotline.example.com' });
  });
  afterAll(async () => {
    await plain?.app.close();
    await https?.app.close();
  });

  for (const path of ['/api/meta', '/docs', '/docs/json', '/readyz', '/sandbox', '/no-such-page']) {
    it(`${path}: CSP with own scripts only and no framing, no Referer, nosniff`, async () => {
      const response = await fetch(plain.url + path);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      // Plain http: HSTS would lock browsers out of the site.
      expect(response.headers.get('strict-transport-security')).toBeNull();
    });
  }

  it('behind https (PUBLIC_URL https://…) HSTS is on', async () => {
    const response = await fetch(`${https.url}/api/meta`);
    expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
  });
});

describe('/metrics is not public', () => {
  let open: { app: HttpServer; url: string };
  let guarded: { app: HttpServer; url: string };
  const TOKEN = 'metrics-token-0123456789abcdef';
  beforeAll(async () => {
    open = await server();
    guarded = await server({ metricsToken: TOKEN });
  });
  afterAll(async () => {
    await open?.app.close();
    await guarded?.app.close();
  });

  it('without METRICS_TOKEN: a caller on this machine reads it; one relayed by a proxy gets 403', async () => {
    expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
    const relayed = await fetch(`${open.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(relayed.status).toBe(403);
    expect(await relayed.text()).not.toContain('hotline_');
    expect((await fetch(`${open.url}/metrics`, { headers: { forwarded: 'for=203.0.113.7' } })).status).toBe(403);
  });

  it('with METRICS_TOKEN: no token or a wrong one is 401, the right bearer token reads it', async () => {
    expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
    const scraped = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('# TYPE');
  });
});

describe('the webhook checks its secret before it reads the body', () => {
  let s: { app: HttpServer; url: string };
  const updates: Update[] = [];
  beforeAll(async () => {
    s = await server({ updates });
  });
  afterAll(async () => {
    await s?.app.close();
  });
  const post = (body: string, secret?: string) =>
    fetch(`${s.url}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body,
    });

  it('a wrong or missing secret is 401 even for a body that is not JSON (it was never parsed)', async () => {
    expect((await post('{not json')).status).toBe(401);
    expect((await post('{not json', 'wrong')).status).toBe(401);
    // Parsing first answered 400 for this; and a huge body is refused unread.
    expect((await post(JSON.stringify({ update_id: 1, junk: 'x'.repeat(3 * 1024 * 1024) }), 'wrong')).status).toBe(401);
    expect(updates).toEqual([]);
  });

  it('with the secret: a body over 1 MB is 413, a real update is applied', async () => {
    expect((await post(JSON.stringify({ update_id: 2, junk: 'x'.repeat(2 * 1024 * 1024) }), 'webhook-secret_1')).status).toBe(413);
    expect((await post(JSON.stringify({ update_id: 3, message: { message_id: 1, date: 1, chat: { id: 5, type: 'private' }, text: 'hi' } }), 'webhook-secret_1')).status).toBe(200);
    expect(updates.map((u) => u.update_id)).toEqual([3]);
  });
});

describe('unauthenticated routes parse a few KB at most', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('sign-in with a 100 KB body is 413, not parsed; a normal one still works', async () => {
    const big = await app.client().post('/api/auth/sign-in', { email: app.admin.email, password: 'x'.repeat(100 * 1024) });
    expect(big.status).toBe(413);
    expect((await app.client().signIn(app.admin.email, app.admin.password)).status).toBe(200);
  });

  it('link sign-in with a 100 KB body is 413', async () => {
    const big = await app.client().post('/api/auth/link', { token: 'a'.repeat(100 * 1024) });
    expect(big.status).toBe(413);
  });

  it('a signed-in call takes at most 1 MB of JSON (was 60 MB)', async () => {
    const admin = await app.signIn(app.admin);
    const big = await admin.patch(`/api/admin/users/${app.admin.userId}`, { name: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
  });
});
