/**
 * The bot's `/new` link, attacked through the HTTP API the page calls. The
 * link is sent as a Telegram `login_url` button: it signs in only when opened
 * with Telegram's signed login data of the manager who typed /new. A forged
 * signature, a changed client, dialog or token, a foreign secret, a forged
 * Telegram login, another manager, no Telegram login at all, a stale or used
 * link — each is refused, sets no cookie, creates no session, and does not
 * spend the real link, which then works exactly once and never as more than a
 * manager.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openSignInLink, pressedLoginUrl, signInByTelegram, startTestApp, validRequest, type ApiResponse, type TestApp } from '../helpers/app.js';
import { issueRequestLink, REQUEST_LINK_TTL_SECONDS } from '../../src/commands/issueRequestLink.js';
import { hashToken, issueSignInLink } from '../../src/commands/issueSignInLink.js';
import { signQuery } from '../../src/core/signedLink.js';
import { telegramLoginHash } from '../../src/core/telegramLogin.js';
import { clients, dialogs, signInLinks, users } from '../../src/db/schema.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

let telegramIds = 1293672000;
const REFUSED = 'Ссылка недействительна или уже использована';

interface Manager {
  id: number;
  first_name: string;
}

/** A client's dialog and the /new link `manager` got in its topic: the button's bare URL and its dialog. */
async function newLink(manager: Manager = { id: 880000 + (telegramIds % 1000), first_name: 'Мария' }): Promise<{ url: string; query: Record<string, string>; dialogId: number; manager: Manager }> {
  const { db } = app.ctx.database;
  const [client] = await db.insert(clients).values({ telegramUserId: ++telegramIds, firstName: 'Ли' }).returning();
  const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: telegramIds % 100000 }).returning();
  const { url } = await issueRequestLink(app.ctx, { dialog: dialog!, manager });
  return { url, query: pressed(url, manager), dialogId: dialog!.id, manager };
}

/** The query Telegram opens when `who` presses the button (at `at`). */
const pressed = (url: string, who: Manager, at = new Date()) => Object.fromEntries(pressedLoginUrl(app, url, who, at).searchParams);

const open = (query: Record<string, string>, token = query.token!, client = app.client()) => client.post('/api/auth/link', { token, query });

async function sessionCount(): Promise<number> {
  const result = await app.ctx.database.db.execute<{ n: string }>(sql`select count(*) as n from sessions`);
  return Number(result.rows[0]!.n);
}

/** Refused without a session: the status and answer, no cookie, no new session row. */
async function expectRefusedWith(attempt: Promise<ApiResponse>, status: number, body: Record<string, unknown>) {
  const before = await sessionCount();
  const response = await attempt;
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject(body);
  expect(response.headers.getSetCookie().join('')).not.toContain('hotline_session');
  expect(await sessionCount()).toBe(before);
  return response;
}

/** Refused the way every link that is not ours is: 404, the one message, no cookie, no session. */
const expectRefused = (attempt: Promise<ApiResponse>) => expectRefusedWith(attempt, 404, { error: REFUSED });

describe('links that must not work', () => {
  it('a forged signature, a changed tg_id, dialog, manager or expiry, and an added or dropped parameter are refused — and do not spend the link', async () => {
    const { query, dialogId } = await newLink();
    await expectRefused(open({ ...query, sig: 'A'.repeat(query.sig!.length) }));
    await expectRefused(open({ ...query, sig: query.sig!.slice(0, -1) + (query.sig!.endsWith('A') ? 'B' : 'A') }));
    await expectRefused(open({ ...query, tg_id: '42' }));
    await expectRefused(open({ ...query, tg_id: `${query.tg_id} ` }));
    await expectRefused(open({ ...query, dialog: String(dialogId + 1) }));
    await expectRefused(open({ ...query, manager: '1' }));
    await expectRefused(open({ ...query, exp: String(Number(query.exp) + 3600) }));
    await expectRefused(open({ ...query, role: 'admin' }));
    const { sig: _sig, ...unsigned } = query;
    await expectRefused(open(unsigned));
    // The query is checked against the token the page sends: a signed link cannot carry someone else's token.
    const other = await newLink();
    await expectRefused(open(query, other.query.token));

    // None of that spent it: the real link signs the manager in, once.
    const opened = await open(query);
    expect(opened.status).toBe(200);
    expect(opened.body.next).toBe(`/new?dialog=${dialogId}`);
    expect(opened.body.user.role).toBe('manager');
    await expectRefusedWith(open(query), 410, { reason: 'used' });
    await expectRefused(app.client().post('/api/auth/link', { token: query.token }));
  });

  it("a forged or altered Telegram login is refused like a forged link: a changed id, name or date, a hash made with another bot's token", async () => {
    const { url, query, manager } = await newLink();
    const { id: _id, first_name: _f, auth_date: _a, hash: _h, ...ours } = query;
    const forge = (fields: Record<string, string>, token: string) => ({ ...ours, ...fields, hash: telegramLoginHash(fields, token) });
    const login = { id: String(manager.id), first_name: manager.first_name, auth_date: query.auth_date! };
    await expectRefused(open({ ...query, id: '999' }));
    await expectRefused(open({ ...query, first_name: 'Админ' }));
    await expectRefused(open({ ...query, auth_date: String(Number(query.auth_date) + 1) }));
    await expectRefused(open({ ...query, hash: '0'.repeat(64) }));
    await expectRefused(open(forge(login, '7000000002:ANOTHERbotTOKENanotherBOTtoken00')));
    await expectRefused(open({ ...query, hash: query.hash!.toUpperCase() }));
    // Nothing spent: pressed properly, it works.
    expect((await open(pressed(url, manager))).status).toBe(200);
  });

  it('an expired link is refused with the way on even when its signature is right, and a link signed with another secret is refused', async () => {
    const { url, manager } = await newLink();
    const bare = Object.fromEntries(new URL(url).searchParams);
    const { exp: _exp, sig: _sig, ...params } = bare;
    const expiredUrl = `${app.url}/new?${new URLSearchParams(signQuery(params, app.hotline.config.appSecret, REQUEST_LINK_TTL_SECONDS, new Date(Date.now() - 2 * REQUEST_LINK_TTL_SECONDS * 1000)))}`;
    await expectRefusedWith(open(pressed(expiredUrl, manager)), 410, { reason: 'expired', error: expect.stringContaining('/new') });
    const foreign = `${app.url}/new?${new URLSearchParams(signQuery(params, 'another-app-secret-0123456789abcdef', 3600))}`;
    await expectRefused(open(pressed(foreign, manager)));
    // The token inside was not spent by either attempt.
    expect((await open(pressed(url, manager))).status).toBe(200);
  });

  it('a token whose own lifetime is over is refused, however good the signatures around it', async () => {
    await app.addUser({ role: 'manager', telegramUserId: 881001 });
    const link = await issueSignInLink(app.ctx, { telegramUserId: 881001, ttlSeconds: -1 });
    const url = `${app.url}/new?${new URLSearchParams(signQuery({ manager: 881001, token: link.token }, app.hotline.config.appSecret, 3600))}`;
    await expectRefusedWith(open(pressed(url, { id: 881001, first_name: 'М' })), 410, { reason: 'expired' });
    await expectRefused(app.client().post('/api/auth/link', { token: link.token }));
  });

  it('a link of a manager who was disabled meanwhile is refused', async () => {
    const { query } = await newLink();
    const [row] = await app.ctx.database.db.execute<{ user_id: number }>(sql`select user_id from sign_in_links order by created_at desc limit 1`).then((r) => r.rows);
    await app.ctx.database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, Number(row!.user_id)));
    await expectRefused(open(query));
  });

  it('junk in place of a link is refused with the same answer, never a 500', async () => {
    const { query } = await newLink();
    for (const token of ['', ' ', 'x'.repeat(200), '../../etc/passwd', "' or 1=1 --"]) await expectRefused(app.client().post('/api/auth/link', { token }));
    // A NUL or a lone surrogate is refused at the API's boundary (400 naming the field, before any SQL), for this route as for every other.
    await expectRefusedWith(app.client().post('/api/auth/link', { token: '\u0000' }), 400, {});
    await expectRefusedWith(app.client().post('/api/auth/link', { token: '\ud800' }), 400, { fields: { token: expect.any(String) } });
    await expectRefused(open({ ...query, exp: '99999999999999999999' }));
    // A «__proto__» key in the body is refused by the JSON parser itself (400, prototype poisoning), before any link logic.
    const withProto = `{"token":${JSON.stringify(query.token)},"query":${JSON.stringify(query).replace(/^\{/, '{"__proto__":"x",')}}`;
    const sessions = await sessionCount();
    const poisoned = await fetch(`${app.url}/api/auth/link`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: withProto });
    expect(poisoned.status).toBe(400);
    expect(poisoned.headers.getSetCookie().join('')).not.toContain('hotline_session');
    expect(await sessionCount()).toBe(sessions);
    expect((await app.client().post('/api/auth/link', { token: 'x'.repeat(201) })).status).toBe(400);
  });

  it('refused links create nothing: no request appears, and the request form still needs a signed-in manager', async () => {
    const { query, dialogId } = await newLink();
    const before = await app.ctx.database.db.execute<{ n: string }>(sql`select count(*) as n from requests`);
    const stranger = app.client();
    await stranger.post('/api/auth/link', { token: query.token, query: { ...query, tg_id: '7' } });
    const attempt = await stranger.post('/api/requests', validRequest({ dialogId }));
    expect(attempt.status).toBe(401);
    const after = await app.ctx.database.db.execute<{ n: string }>(sql`select count(*) as n from requests`);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});

describe('a link signs in only the manager it was made for, for minutes, once, never as more than a manager (issue 16.10)', () => {
  it('opened by another manager: refused with a page saying whose link it is — and not spent; its manager then gets in', async () => {
    const owner = { id: 882001, first_name: 'Мария' };
    await app.addUser({ role: 'manager', telegramUserId: owner.id, name: 'Мария Менеджер' });
    const { url, dialogId } = await newLink(owner);
    const colleague = { id: 882002, first_name: 'Пётр' };
    await app.addUser({ role: 'manager', telegramUserId: colleague.id, name: 'Пётр Коллега' });
    const refused = await expectRefusedWith(open(pressed(url, colleague)), 403, { reason: 'other_manager', owner: 'Мария Менеджер' });
    expect(refused.body.error).toContain('Мария Менеджер');
    expect(refused.body.error).toContain('/new');
    // A stranger who is no user at all gets the same answer.
    await expectRefusedWith(open(pressed(url, { id: 882003, first_name: 'Чужой' })), 403, { reason: 'other_manager' });
    const opened = await open(pressed(url, owner));
    expect(opened.status).toBe(200);
    expect(opened.body.next).toBe(`/new?dialog=${dialogId}`);
  });

  it('the link without its signature is refused: the bare token, the query without sig, and the URL without Telegram login data', async () => {
    const { url, query, manager } = await newLink();
    await expectRefused(app.client().post('/api/auth/link', { token: query.token }));
    const { sig: _sig, ...unsigned } = query;
    await expectRefused(open(unsigned));
    // The button's URL as the group sees it (copied, or opened declining Telegram's sign-in): no Telegram login, no entry.
    await expectRefusedWith(open(Object.fromEntries(new URL(url).searchParams)), 403, { reason: 'telegram_required' });
    expect((await open(pressed(url, manager))).status).toBe(200);
  });

  it('lives minutes: the link says so, and opened after its minutes (or with an old Telegram login) it is refused with the way on', async () => {
    expect(REQUEST_LINK_TTL_SECONDS).toBeLessThanOrEqual(15 * 60);
    const before = Date.now();
    const { url, manager } = await newLink();
    const exp = Number(new URL(url).searchParams.get('exp')) * 1000;
    expect(exp - before).toBeLessThanOrEqual(REQUEST_LINK_TTL_SECONDS * 1000 + 1000);
    const token = new URL(url).searchParams.get('token')!;
    const { db } = app.ctx.database;
    const [row] = await db.select().from(signInLinks).orderBy(sql`created_at desc`).limit(1);
    expect(row!.expiresAt.getTime() - before).toBeLessThanOrEqual(REQUEST_LINK_TTL_SECONDS * 1000 + 1000);
    // A Telegram login older than the link's lifetime (pressed long ago, replayed now).
    await expectRefusedWith(open(pressed(url, manager, new Date(Date.now() - (REQUEST_LINK_TTL_SECONDS + 60) * 1000))), 410, { reason: 'expired' });
    // The minutes pass (the stored token's expiry moved into the past, as time would).
    await db.update(signInLinks).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(signInLinks.tokenHash, hashToken(token)));
    const gone = await expectRefusedWith(open(pressed(url, manager)), 410, { reason: 'expired' });
    expect(gone.body.error).toMatch(/Наберите \/new/);
    expect(gone.body.next).toBeUndefined();
  });

  it('used twice: refused the second time; when that same manager is already signed in, the answer leads on to the form for that client', async () => {
    const { url, manager, dialogId } = await newLink();
    const client = app.client();
    expect((await openSignInLink(client, pressedLoginUrl(app, url, manager))).status).toBe(200);
    // Again from the same browser (signed in as the link's manager): refused, with the way on.
    const again = await expectRefusedWith(open(pressed(url, manager), undefined, client), 410, { reason: 'used' });
    expect(again.body.next).toBe(`/new?dialog=${dialogId}`);
    // Anybody else who replays it: refused, and no way into that client's form.
    const replay = await expectRefusedWith(open(pressed(url, manager)), 410, { reason: 'used' });
    expect(replay.body.next).toBeUndefined();
  });

  it("an admin's link gives a manager-role session: no admin pages, not even after signing in again by it", async () => {
    const admin = { id: 883001, first_name: 'Анна' };
    const user = await app.addUser({ role: 'admin', telegramUserId: admin.id });
    const { url } = await newLink(admin);
    const client = app.client();
    const opened = await openSignInLink(client, pressedLoginUrl(app, url, admin));
    expect(opened.status).toBe(200);
    expect(opened.body.user).toMatchObject({ id: user.userId, role: 'manager' });
    expect((await client.get('/api/auth/me')).body.user).toMatchObject({ id: user.userId, role: 'manager' });
    expect((await client.get('/api/admin/organizations')).status).toBe(403);
    expect((await client.post('/api/admin/organizations', { name: 'Через ссылку', kind: 'agent' })).status).toBe(403);
    // The same admin signing in with their password is an admin: the cap belongs to the link's session only.
    expect((await (await app.signIn(user)).get('/api/admin/organizations')).status).toBe(200);
    // The dialog-less sign-in link is capped the same way.
    const { response } = await signInByTelegram(app, admin.id);
    expect(response.body.user.role).toBe('manager');
  });
});
