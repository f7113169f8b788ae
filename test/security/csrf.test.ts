/**
 * The platform's session defences, attacked the way a hostile page or a
 * password guesser would: cross-site requests without the CSRF token,
 * session fixation, login brute force, and passwords in the logs.
 *
 * The CSRF defence in place: the session cookie is HttpOnly and SameSite=Lax,
 * and every state-changing `/api` call must echo the session's own random
 * token in the `x-csrf-token` header (a custom header a cross-site form can
 * never send, and a cross-site script cannot read or set without CORS, which
 * the API never grants). Sign-in and link sign-in take JSON bodies only.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient, PASSWORD, startTestApp, telegramLinkBody, validOffer, validRequest, type TestApp, type TestUser } from '../helpers/app.js';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { loadConfig } from '../../src/config.js';
import { startHotline, type Hotline } from '../../src/main.js';
import { createSession } from '../../src/platform/auth/sessions.js';
import { apiRoutes } from './routes.js';

let app: TestApp;
beforeAll(async () => {
  // Behind a TLS proxy: the cookie must be Secure, and X-Forwarded-For is believed.
  app = await startTestApp({ PUBLIC_URL: 'https://platform.example', TRUST_PROXY: 'true' });
});
afterAll(async () => {
  await app?.stop();
});

/** A fresh session of `user`, made the way sign-in makes it. */
async function sessionOf(user: TestUser): Promise<ApiClient> {
  const client = app.client();
  const session = await createSession(app.ctx.database.db, user.userId);
  client.cookie = `hotline_session=${session.token}`;
  client.csrfToken = session.csrfToken;
  return client;
}

/** What a state-changing call could touch; a refused call leaves it all as it was. */
async function snapshot(): Promise<unknown> {
  const result = await app.ctx.database.db.execute(sql`
    select (select count(*) from requests) as requests, (select count(*) from offers) as offers, (select count(*) from request_posts) as posts,
           (select count(*) from documents) as documents, (select count(*) from events) as events, (select count(*) from users) as users,
           (select count(*) from organizations) as organizations, (select count(*) from sessions) as sessions,
           (select string_agg(status::text || coalesce(terms::text, ''), ',' order by id) from requests) as states,
           (select string_agg(name || coalesce(disabled_at::text, '') || coalesce(password_hash, ''), ',' order by id) from users) as users_state,
           (select string_agg(name || kind::text || requisites::text, ',' order by id) from organizations) as organizations_state,
           (select string_agg(key || value::text, ',' order by key) from settings) as settings`);
  return result.rows[0];
}

const setCookies = (headers: Headers) => headers.getSetCookie().join('\n');
const sessionToken = (headers: Headers) => /hotline_session=([^;]*)/.exec(setCookies(headers))?.[1];

describe('CSRF', () => {
  it('every state-changing API route refuses a signed-in call without the token (403, nothing changed) and takes it with the token', async () => {
    const customer = await app.addUser({ role: 'customer', organization: 'ООО CSRF' });
    const agent = await app.addUser({ role: 'agent', organization: 'Агент CSRF' });
    const asCustomer = await sessionOf(customer);
    const created = await asCustomer.post('/api/requests', validRequest());
    const offer = await (await sessionOf(agent)).post(`/api/requests/${created.body.id}/offers`, validOffer());
    expect(offer.status).toBe(200);
    const ids: Record<string, number> = {
      '/api/requests/:id': created.body.id,
      '/api/offers/:id': offer.body.id,
      '/api/admin/organizations/:id': customer.organizationId,
      '/api/admin/users/:id': customer.userId,
      // Unknown ids: the CSRF check comes before the route looks anything up.
      '/api/dialogs/:id': 999_999,
      '/api/quick-replies/:id': 999_999,
      '/api/broadcasts/:id': 999_999,
      '/api/clients/:id': 999_999,
    };
    const bodies: Record<string, unknown> = {
      'POST /api/requests': validRequest(),
      'POST /api/requests/:id/offers': validOffer(),
      'POST /api/requests/:id/status': { action: 'cancel' },
      'POST /api/requests/:id/messages': { text: 'через чужую страницу' },
      'POST /api/requests/:id/terms': { command: 'rate', value: '13' },
      'POST /api/admin/organizations': { name: 'Чужая', kind: 'agent' },
      'PATCH /api/admin/organizations/:id': { name: 'Переименована' },
      'POST /api/admin/users': { organizationId: customer.organizationId, role: 'customer', email: 'x@test.local', name: 'X', password: 'password-123456' },
      'PATCH /api/admin/users/:id': { password: 'attacker-chosen-1' },
      'PUT /api/admin/requisites': { phone: '+7 000' },
      'PUT /api/admin/working-hours': { week: Array(7).fill({ start: '00:00', end: '24:00' }), holidays: [], workdays: [], offHoursAnswer: true },
    };

    const stateChanging = (await apiRoutes(app)).filter((route) => !route.startsWith('GET '));
    // Starting a session needs no token (there is none yet): those two are checked below.
    const open = ['POST /api/auth/sign-in', 'POST /api/auth/link'];
    const checked = stateChanging.filter((route) => !open.includes(route));
    expect(checked.length).toBeGreaterThanOrEqual(12);
    for (const route of checked) {
      const [method, pattern] = route.split(' ') as [string, string];
      const path = Object.entries(ids).reduce((p, [prefix, id]) => (p.startsWith(prefix) ? p.replace(':id', String(id)) : p), pattern);
      expect(path, route).not.toContain(':');
      const actor = pattern.startsWith('/api/admin') ? app.admin : customer;
      const client = await sessionOf(actor);
      const before = await snapshot();
      const refused = await client.request(method, path, bodies[route] ?? {}, { csrf: false });
      expect(refused.status, route).toBe(403);
      expect(refused.body.error, route).toMatch(/CSRF/);
      expect(await snapshot(), `${route} changed something without the token`).toEqual(before);
      // Another session's token is no better than none.
      const other = await sessionOf(actor);
      const crossed = await fetch(app.url + path, {
        method,
        headers: { cookie: client.cookie, 'x-csrf-token': other.csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify(bodies[route] ?? {}),
      });
      expect(crossed.status, `${route} with another session's token`).toBe(403);
      // With its own token the same call gets past the CSRF check (whatever the command then says).
      const allowed = await client.request(method, path, bodies[route] ?? {});
      expect(String(allowed.body?.error ?? ''), route).not.toMatch(/CSRF/);
    }
  });

  it('a cross-site HTML form (urlencoded or text/plain, no header, the token in a field) is refused and posts nothing', async () => {
    const customer = await app.addUser({ role: 'customer', organization: 'ООО Форма' });
    const client = await sessionOf(customer);
    const created = await client.post('/api/requests', validRequest());
    const before = await snapshot();
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', `text=hacked&csrfToken=${client.csrfToken}`],
      ['text/plain', `{"text":"hacked","x-csrf-token":"${client.csrfToken}"}`],
      ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="text"\r\n\r\nhacked\r\n--x--\r\n`],
    ] as const) {
      const response = await fetch(`${app.url}/api/requests/${created.body.id}/messages?csrfToken=${client.csrfToken}`, {
        method: 'POST',
        headers: { cookie: `${client.cookie}; x-csrf-token=${client.csrfToken}`, 'content-type': type, origin: 'https://evil.example' },
        body,
      });
      expect(response.status, type).toBe(403);
    }
    expect(await snapshot()).toEqual(before);
    expect((await client.get(`/api/requests/${created.body.id}/messages`)).body).toEqual([]);
  });

  it('a hostile page cannot sign a victim in to its own account (login CSRF): sign-in takes JSON only', async () => {
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', `email=${encodeURIComponent(ADMIN_EMAIL)}&password=${ADMIN_PASSWORD}`],
      ['text/plain', JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })],
    ] as const) {
      const before = await snapshot();
      const response = await fetch(`${app.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': type, origin: 'https://evil.example' }, body });
      // None of these has a parser on the API: JSON only (415).
      expect(response.status, type).toBe(415);
      expect(await snapshot()).toEqual(before);
      expect(sessionToken(response.headers), type).toBeUndefined();
    }
  });

  it('no CORS: another origin can neither read the token from /api/auth/me nor get a preflight for the header', async () => {
    const client = await app.signIn(app.admin);
    const me = await fetch(`${app.url}/api/auth/me`, { headers: { cookie: client.cookie, origin: 'https://evil.example' } });
    expect(me.headers.get('access-control-allow-origin')).toBeNull();
    expect(me.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(`${app.url}/api/requests`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-csrf-token, content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('the session cookie is HttpOnly, SameSite=Lax and Secure behind https', async () => {
    const response = await app.client().post('/api/auth/sign-in', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    const cookie = setCookies(response.headers);
    expect(cookie).toMatch(/hotline_session=[^;]{40,}/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
  });
});

describe('session fixation', () => {
  it('a session id planted before sign-in is never the signed-in session', async () => {
    const planted = 'attacker-chosen-session-id-0123456789abcdef';
    const victim = app.client();
    victim.cookie = `hotline_session=${planted}`;
    expect((await victim.get('/api/auth/me')).body).toEqual({ user: null });
    const signedIn = await victim.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(signedIn.status).toBe(200);
    const issued = sessionToken(signedIn.headers);
    expect(issued).toBeDefined();
    expect(issued).not.toBe(planted);
    // The attacker, holding the planted id, is not signed in.
    const attacker = app.client();
    attacker.cookie = `hotline_session=${planted}`;
    expect((await attacker.get('/api/auth/me')).body).toEqual({ user: null });
    expect((await victim.get('/api/auth/me')).body.user.email).toBe(ADMIN_EMAIL);
  });

  it("an attacker's own valid session planted in the victim's browser is ended by the victim's sign-in, not upgraded", async () => {
    const attackerUser = await app.addUser({ role: 'customer', organization: 'ООО Злоумышленник' });
    const victimUser = await app.addUser({ role: 'customer', organization: 'ООО Жертва' });
    const attacker = await app.signIn(attackerUser);
    const victim = app.client();
    victim.cookie = attacker.cookie;
    const signedIn = await victim.signIn(victimUser.email, victimUser.password);
    expect(signedIn.status).toBe(200);
    expect(victim.cookie).not.toBe(attacker.cookie);
    expect(victim.csrfToken).not.toBe(attacker.csrfToken);
    expect((await victim.get('/api/auth/me')).body.user.id).toBe(victimUser.userId);
    // The planted cookie now opens nothing: neither the attacker's account nor the victim's.
    expect((await attacker.get('/api/auth/me')).body).toEqual({ user: null });
  });

  it('the same holds for sign-in by a link from the bot', async () => {
    const manager = await app.addUser({ role: 'manager', telegramUserId: 660001 });
    const attackerUser = await app.addUser({ role: 'customer', organization: 'ООО Злоумышленник 2' });
    const attacker = await app.signIn(attackerUser);
    const victim = app.client();
    victim.cookie = attacker.cookie;
    const opened = await victim.post('/api/auth/link', await telegramLinkBody(app, 660001));
    expect(opened.status).toBe(200);
    expect(victim.cookie).not.toBe(attacker.cookie);
    expect((await victim.get('/api/auth/me')).body.user.id).toBe(manager.userId);
    expect((await attacker.get('/api/auth/me')).body).toEqual({ user: null });
  });
});

describe('login brute force', () => {
  it('an unknown e-mail and a wrong password get the same answer (no account probing)', async () => {
    const unknown = await app.client().post('/api/auth/sign-in', { email: 'nobody-here@test.local', password: 'whatever-1' });
    const wrong = await app.client().post('/api/auth/sign-in', { email: ADMIN_EMAIL, password: 'whatever-1' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('changing the case or padding the e-mail does not buy more guesses', async () => {
    const user = await app.addUser({ role: 'customer', organization: 'ООО Регистр' });
    const client = app.client();
    const variants = [user.email, user.email.toUpperCase(), ` ${user.email}`, `${user.email} `, user.email.replace(/^./, (c) => c.toUpperCase())];
    for (const email of variants) expect((await client.post('/api/auth/sign-in', { email, password: 'guess' })).status).toBe(401);
    const blocked = await client.post('/api/auth/sign-in', { email: user.email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatch(/Слишком много неудачных попыток/);
  });

  it('guessing one e-mail from ever new addresses (X-Forwarded-For behind a proxy) is slowed after 20 failures to one guess a minute — the right password from a new address waits too', async () => {
    const user = await app.addUser({ role: 'customer', organization: 'ООО Ботнет' });
    const from = (ip: string, password: string) =>
      fetch(`${app.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ email: user.email, password }) });
    for (let i = 1; i <= 20; i++) expect((await from(`203.0.113.${i}`, `guess-${i}`)).status).toBe(401);
    // A slowdown, not a lockout (the owner's own browser and known addresses still get in: test/platform/loginLimiter.test.ts):
    // the account's one untrusted attempt of the minute …
    expect((await from('203.0.113.21', 'guess-21')).status).toBe(401);
    // … and every other untrusted one waits.
    const fresh = await from('198.51.100.7', PASSWORD);
    expect(fresh.status).toBe(429);
    expect(Number(fresh.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(sessionToken(fresh.headers)).toBeUndefined();
  });
});

describe('passwords and tokens never reach the log', () => {
  let hotline: Hotline;
  let database: TestDatabase;
  const lines: string[] = [];

  beforeAll(async () => {
    database = await testDatabase();
    const config = loadConfig(
      { DATA_DIR: database.dataDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, ADMIN_EMAIL, ADMIN_PASSWORD, LOG_LEVEL: 'trace' },
      { dotEnvFile: false },
    );
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    hotline = await startHotline(config, { log: pino({ level: 'trace' }, sink) });
    await hotline.started;
  });
  afterAll(async () => {
    await hotline?.stop();
    await database?.cleanup();
  });

  it('sign-ins, wrong guesses, new users, password changes and link sign-ins log no secret', async () => {
    const admin = new ApiClient(hotline.url);
    const secrets = [ADMIN_PASSWORD, 'Wrong-Guess-31337', 'New-User-Secret-4242', 'Changed-Secret-5353', 'Too-Short'];
    expect((await admin.signIn(ADMIN_EMAIL, secrets[1]!)).status).toBe(401);
    const signedIn = await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(signedIn.status).toBe(200);
    secrets.push(sessionToken(signedIn.headers)!, admin.csrfToken);

    const organizations = await admin.get('/api/admin/organizations');
    const ours = organizations.body.find((o: { isOurs: boolean }) => o.isOurs);
    const created = await admin.post('/api/admin/users', { organizationId: ours.id, role: 'manager', email: 'm@test.local', name: 'M', password: secrets[2], telegramUserId: 440001 });
    expect(created.status).toBe(200);
    // The same e-mail again, and a password too short: refused, and the refusal is not where the password leaks.
    expect((await admin.post('/api/admin/users', { organizationId: ours.id, role: 'manager', email: 'm@test.local', name: 'M', password: secrets[2] })).status).toBe(400);
    expect((await admin.patch(`/api/admin/users/${created.body.id}`, { password: secrets[4] })).status).toBe(400);
    expect((await admin.patch(`/api/admin/users/${created.body.id}`, { password: secrets[3] })).status).toBe(200);
    expect((await new ApiClient(hotline.url).signIn('m@test.local', secrets[3]!)).status).toBe(200);

    const link = await telegramLinkBody({ ctx: hotline.context(), hotline, url: hotline.url }, 440001);
    secrets.push(link.token, link.query.sig!, link.query.hash!);
    expect((await new ApiClient(hotline.url).post('/api/auth/link', link)).status).toBe(200);
    // A malformed sign-in body is answered 400 — its password is not echoed into the log either.
    expect((await new ApiClient(hotline.url).post('/api/auth/sign-in', { email: 42, password: 'Malformed-Body-6464' })).status).toBe(400);
    secrets.push('Malformed-Body-6464');

    const hashes = await hotline.database().db.execute<{ password_hash: string }>(sql`select password_hash from users where password_hash is not null`);
    secrets.push(...hashes.rows.map((row) => row.password_hash));

    // The log was written to (so this check can fail) …
    const log = lines.join('');
    expect(log).toContain('Hotline is ready');
    // … and holds none of the secrets.
    for (const secret of secrets) expect(log, `the log contains ${secret.slice(0, 6)}…`).not.toContain(secret);
  });
});
