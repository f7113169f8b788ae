/**
 * The bot's `/new` link, attacked through the HTTP API the page calls: a
 * forged signature, a changed client, dialog or token, an expired or
 * foreign-secret link, a reused one. Each is refused with the same 404, sets
 * no cookie, creates no session, and does not spend the real link — which
 * then works exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { startTestApp, validRequest, type ApiResponse, type TestApp } from '../helpers/app.js';
import { issueRequestLink } from '../../src/commands/issueRequestLink.js';
import { issueSignInLink } from '../../src/commands/issueSignInLink.js';
import { signQuery } from '../../src/core/signedLink.js';
import { clients, dialogs, users } from '../../src/db/schema.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

let telegramIds = 1293672000;
const REFUSED = 'Ссылка недействительна или уже использована';

/** A client's dialog and the /new link a manager got in its topic, as query parameters. */
async function newLink(): Promise<{ query: Record<string, string>; dialogId: number }> {
  const { db } = app.ctx.database;
  const [client] = await db.insert(clients).values({ telegramUserId: ++telegramIds, firstName: 'Ли' }).returning();
  const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: telegramIds % 100000 }).returning();
  const { url } = await issueRequestLink(app.ctx, { dialog: dialog!, manager: { id: 880000 + (telegramIds % 1000), first_name: 'Мария' } });
  return { query: Object.fromEntries(new URL(url).searchParams), dialogId: dialog!.id };
}

const open = (query: Record<string, string>, token = query.token!) => app.client().post('/api/auth/link', { token, query });

async function sessionCount(): Promise<number> {
  const result = await app.ctx.database.db.execute<{ n: string }>(sql`select count(*) as n from sessions`);
  return Number(result.rows[0]!.n);
}

/** Refused the way every bad link is: 404, the one message, no cookie, no session. */
async function expectRefused(attempt: Promise<ApiResponse>) {
  const before = await sessionCount();
  const response = await attempt;
  expect(response.status).toBe(404);
  expect(response.body).toEqual({ error: REFUSED });
  expect(response.headers.getSetCookie().join('')).not.toContain('hotline_session');
  expect(await sessionCount()).toBe(before);
}

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
    await expectRefused(open(query));
    await expectRefused(app.client().post('/api/auth/link', { token: query.token }));
  });

  it('an expired link is refused even when its signature is right, and a link signed with another secret is refused', async () => {
    const { query } = await newLink();
    const { exp: _exp, sig: _sig, ...params } = query;
    const expired = signQuery(params, app.hotline.config.appSecret, 3600, new Date(Date.now() - 2 * 3600 * 1000));
    expect(expired.token).toBe(query.token);
    await expectRefused(open(expired));
    await expectRefused(open(signQuery(params, 'another-app-secret-0123456789abcdef', 3600)));
    // The token inside was not spent by either attempt.
    expect((await open(query)).status).toBe(200);
  });

  it('a token whose own lifetime is over is refused, however good the signature around it', async () => {
    const manager = await app.addUser({ role: 'manager' });
    const link = await issueSignInLink(app.ctx, { userId: manager.userId, ttlSeconds: -1 });
    await expectRefused(open(signQuery({ tg_id: 1, dialog: 1, manager: 1, token: link.token }, app.hotline.config.appSecret, 3600)));
    await expectRefused(app.client().post('/api/auth/link', { token: link.token }));
  });

  it("a link of a manager who was disabled meanwhile is refused", async () => {
    const { query } = await newLink();
    const [row] = await app.ctx.database.db.execute<{ user_id: number }>(sql`select user_id from sign_in_links order by created_at desc limit 1`).then((r) => r.rows);
    await app.ctx.database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, Number(row!.user_id)));
    await expectRefused(open(query));
  });

  it('junk in place of a link is refused with the same answer, never a 500', async () => {
    const { query } = await newLink();
    for (const token of ['', ' ', 'x'.repeat(200), '../../etc/passwd', "' or 1=1 --", '\u0000', '\ud800']) await expectRefused(app.client().post('/api/auth/link', { token }));
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
