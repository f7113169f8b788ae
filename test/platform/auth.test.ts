/** Sign-in, sessions, CSRF and the login rate limit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, openSignInLink, pressedLoginUrl, signInByTelegram, startTestApp, type TestApp } from '../helpers/app.js';
import { signQuery } from '../../src/core/signedLink.js';
import { issueSignInLink } from '../../src/commands/issueSignInLink.js';
import { issueRequestLink } from '../../src/commands/issueRequestLink.js';
import { clients, dialogs } from '../../src/db/schema.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

describe('sign-in', () => {
  it('the first admin signs in with ADMIN_EMAIL/ADMIN_PASSWORD and gets an http-only SameSite=Lax cookie', async () => {
    const client = app.client();
    const response = await client.post('/api/auth/sign-in', { email: ADMIN_EMAIL.toUpperCase(), password: ADMIN_PASSWORD });
    expect(response.status).toBe(200);
    expect(response.body.user).toMatchObject({ email: ADMIN_EMAIL, role: 'admin' });
    expect(response.body.csrfToken).toEqual(expect.any(String));
    const cookie = response.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/hotline_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const me = await client.get('/api/auth/me');
    expect(me.body.user.email).toBe(ADMIN_EMAIL);
  });

  it('a wrong password answers 401 with a readable message', async () => {
    const response = await app.client().post('/api/auth/sign-in', { email: ADMIN_EMAIL, password: 'wrong-password' });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('Неверный e-mail или пароль');
  });

  it('signed out, /me says so and API calls answer 401', async () => {
    const client = app.client();
    expect((await client.get('/api/auth/me')).body).toEqual({ user: null });
    expect((await client.get('/api/requests')).status).toBe(401);
    expect((await client.post('/api/requests', {})).status).toBe(401);
  });

  it('sign-out ends the session — the old cookie is worthless at once', async () => {
    const client = await app.signIn(app.admin);
    const stolen = app.client();
    stolen.cookie = client.cookie;
    expect((await stolen.get('/api/auth/me')).body.user).not.toBeNull();
    expect((await client.post('/api/auth/sign-out')).status).toBe(200);
    expect((await stolen.get('/api/auth/me')).body.user).toBeNull();
    const cookieAfter = client.cookie;
    expect(cookieAfter).toBe('');
    expect((await client.get('/api/auth/me')).body.user).toBeNull();
  });

  it('a disabled user cannot sign in and loses open sessions', async () => {
    const user = await app.addUser({ role: 'agent', organization: 'Disabled Agent Ltd' });
    const userClient = await app.signIn(user);
    const admin = await app.signIn(app.admin);
    expect((await admin.patch(`/api/admin/users/${user.userId}`, { disabled: true })).status).toBe(200);
    expect((await userClient.get('/api/auth/me')).body.user).toBeNull();
    expect((await app.client().post('/api/auth/sign-in', { email: user.email, password: user.password })).status).toBe(401);
  });
});

describe('CSRF', () => {
  it('a state-changing call with the session cookie but without x-csrf-token answers 403', async () => {
    const client = await app.signIn(app.admin);
    const response = await client.post('/api/admin/organizations', { name: 'Agent X', kind: 'agent' }, { csrf: false });
    expect(response.status).toBe(403);
    expect(response.body.error).toMatch(/CSRF/);
  });

  it('a wrong token answers 403 too; the right one passes', async () => {
    const client = await app.signIn(app.admin);
    const right = client.csrfToken;
    client.csrfToken = 'x'.repeat(right.length);
    expect((await client.post('/api/admin/organizations', { name: 'Agent Y', kind: 'agent' })).status).toBe(403);
    client.csrfToken = right;
    expect((await client.post('/api/admin/organizations', { name: 'Agent Y', kind: 'agent' })).status).toBe(200);
  });
});

describe('login rate limit', () => {
  it('after 5 failures for one e-mail from one IP the 6th attempt answers 429 — even with the right password', async () => {
    const user = await app.addUser({ role: 'customer', organization: 'Rate Limited LLC' });
    const client = app.client();
    for (let i = 0; i < 5; i++) {
      expect((await client.post('/api/auth/sign-in', { email: user.email, password: `wrong-${i}` })).status).toBe(401);
    }
    const blocked = await client.post('/api/auth/sign-in', { email: user.email, password: user.password });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatch(/Слишком много неудачных попыток входа. Попробуйте снова через \d+ мин/);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another e-mail from the same IP is not affected.
    expect((await client.post('/api/auth/sign-in', { email: app.admin.email, password: app.admin.password })).status).toBe(200);
  });
});

describe('sign-in links', () => {
  it('a link from the bot, pressed by its manager in Telegram, signs them in once; the second use answers 410, a bare or unknown token 404', async () => {
    const manager = await app.addUser({ role: 'manager', telegramUserId: 555001 });
    const { client, response: first } = await signInByTelegram(app, 555001);
    expect(first.status).toBe(200);
    expect(first.body.user.id).toBe(manager.userId);
    expect((await client.get('/api/auth/me')).body.user.id).toBe(manager.userId);
    const link = await issueSignInLink(app.ctx, { telegramUserId: 555001 });
    // The token alone (no signed link, no Telegram login) is nothing.
    expect((await app.client().post('/api/auth/link', { token: link.token })).status).toBe(404);
    expect((await app.client().post('/api/auth/link', { token: 'forged' })).status).toBe(404);
  });

  it('an expired link answers 410 with the way on', async () => {
    await app.addUser({ role: 'manager', telegramUserId: 555002 });
    const link = await issueSignInLink(app.ctx, { telegramUserId: 555002, ttlSeconds: -1 });
    const query = signQuery({ manager: 555002, token: link.token }, app.hotline.config.appSecret, 600);
    const url = pressedLoginUrl(app, `${app.url}/new?${new URLSearchParams(query)}`, { id: 555002, first_name: 'М' });
    const response = await openSignInLink(app.client(), url);
    expect(response.status).toBe(410);
    expect(response.body).toMatchObject({ reason: 'expired', error: expect.stringContaining('/new') });
  });
});

describe("the bot's /new link", () => {
  it('opens the platform signed in as the manager and leads to the request form for that dialog; a tampered link is refused without spending it', async () => {
    const { db } = app.ctx.database;
    const [client] = await db.insert(clients).values({ telegramUserId: 1293672691, firstName: 'Ли' }).returning();
    const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 5 }).returning();
    const { url } = await issueRequestLink(app.ctx, { dialog: dialog!, manager: { id: 880001, first_name: 'Мария' } });
    const link = pressedLoginUrl(app, url, { id: 880001, first_name: 'Мария' });
    expect(link.pathname).toBe('/new');
    const query = Object.fromEntries(link.searchParams.entries());

    const tampered = await app.client().post('/api/auth/link', { token: query.token, query: { ...query, dialog: '999' } });
    expect(tampered.status).toBe(404);

    const client1 = app.client();
    const opened = await client1.post('/api/auth/link', { token: query.token, query });
    expect(opened.status).toBe(200);
    expect(opened.body.next).toBe(`/new?dialog=${dialog!.id}`);
    expect(opened.body.user).toMatchObject({ role: 'manager', canRequest: true, canOffer: true });
    expect((await app.client().post('/api/auth/link', { token: query.token, query })).status).toBe(410);
  });
});

describe('OpenAPI', () => {
  it('/docs/json documents the platform API', async () => {
    const response = await fetch(`${app.url}/docs/json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/auth/sign-in', '/api/requests', '/api/requests/{id}', '/api/agent/requests', '/api/requests/{id}/offers', '/api/offers/{id}/accept', '/api/requests/{id}/live', '/api/dialogs']),
    );
  });
});
