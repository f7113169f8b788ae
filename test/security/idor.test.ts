/**
 * Every platform API route, called as every kind of caller, against
 * resources of organization A: only the callers the table allows succeed,
 * everyone else gets 401 / 403 / 404, sees none of A's data and changes
 * nothing.
 *
 * The route list is the app's own: the routes the API plugin registers
 * (Fastify's onRoute hook) together with every path of the running app's
 * OpenAPI document. A route added without a row in TABLE fails this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ApiClient, signInByTelegram, startTestApp, telegramLinkBody, validOffer, validRequest, type ApiResponse, type TestApp, type TestUser } from '../helpers/app.js';
import { apiRoutes } from './routes.js';
import { createSession } from '../../src/platform/auth/sessions.js';
import sharp from 'sharp';
import { OUR_REQUISITES } from '../helpers/requisites.js';

const ROLES = ['anonymous', 'customerA', 'customerB', 'agent', 'otherAgent', 'admin', 'manager'] as const;
type Role = (typeof ROLES)[number];

/** Only organization A's customer and the agent whose offer A accepted may see this. */
const SECRET = 'ZZ-SECRET-OF-A';

/** A's resources: an accepted deal (with a chat post and a document) and a request still collecting offers. */
interface Fixture {
  dealId: number;
  dealOfferId: number;
  documentId: number;
  openId: number;
  openOfferId: number;
}

interface Call {
  path: string;
  body?: unknown;
  /** Multipart upload instead of JSON. */
  upload?: boolean;
  /** The uploaded file's name (default: one carrying A's secret, as A's documents do). */
  uploadName?: string;
  /** Server-Sent Events: read the status only. */
  stream?: boolean;
}

interface Rule {
  /** What each role gets. */
  expect: Record<Role, number>;
  /** Changes state: each role's call gets fresh resources and a fresh session. */
  mutates?: boolean;
  call(f: Fixture, role: Role): Call | Promise<Call>;
}

let app: TestApp;
const users = {} as Record<Exclude<Role, 'anonymous'>, TestUser>;
let colleagueA: TestUser;
let organizationA: number;
let shared: Fixture;
const clients = {} as Record<Role, ApiClient>;

/** Allowed for these roles (status `ok`), and `others` for everyone else signed in. */
function only(allowed: Role[], others: number, ok = 200): Record<Role, number> {
  return Object.fromEntries(ROLES.map((role) => [role, role === 'anonymous' ? 401 : allowed.includes(role) ? ok : others])) as Record<Role, number>;
}
const deal = (others = 404) => only(['customerA', 'agent'], others);
const everyone = (anonymous = 401) => ({ ...only([...ROLES], 0), anonymous });
const adminOnly = only(['admin'], 403);

let counter = 0;
let png: Buffer;
const unique = () => `${Date.now()}-${++counter}`;

const TABLE: Record<string, Rule[]> = {
  'GET /api/meta': [{ expect: everyone(200), call: () => ({ path: '/api/meta' }) }],
  'GET /api/auth/me': [{ expect: everyone(200), call: () => ({ path: '/api/auth/me' }) }],
  'POST /api/auth/sign-in': [
    {
      // Public: anybody with the right password; signing in again replaces the caller's own session.
      expect: everyone(200),
      mutates: true,
      call: (_f, role) => {
        const user = role === 'anonymous' ? users.customerA : users[role];
        return { path: '/api/auth/sign-in', body: { email: user.email, password: user.password } };
      },
    },
  ],
  'POST /api/auth/link': [
    {
      expect: everyone(200),
      mutates: true,
      call: async () => ({ path: '/api/auth/link', body: await telegramLinkBody(app, 770001) }),
    },
  ],
  'POST /api/auth/sign-out': [{ expect: everyone(401), mutates: true, call: () => ({ path: '/api/auth/sign-out' }) }],

  'GET /api/admin/organizations': [{ expect: adminOnly, call: () => ({ path: '/api/admin/organizations' }) }],
  'POST /api/admin/organizations': [
    { expect: adminOnly, mutates: true, call: () => ({ path: '/api/admin/organizations', body: { name: `Новая ${unique()}`, kind: 'agent' } }) },
  ],
  'PATCH /api/admin/organizations/:id': [
    { expect: adminOnly, mutates: true, call: () => ({ path: `/api/admin/organizations/${organizationA}`, body: { name: `ООО А ${unique()}` } }) },
  ],
  'GET /api/admin/telegram-health': [{ expect: adminOnly, call: () => ({ path: '/api/admin/telegram-health' }) }],
  'GET /api/admin/requisites': [{ expect: adminOnly, call: () => ({ path: '/api/admin/requisites' }) }],
  'PUT /api/admin/requisites': [{ expect: adminOnly, mutates: true, call: () => ({ path: '/api/admin/requisites', body: OUR_REQUISITES }) }],
  'GET /api/admin/working-hours': [{ expect: adminOnly, call: () => ({ path: '/api/admin/working-hours' }) }],
  'PUT /api/admin/working-hours': [
    {
      expect: adminOnly,
      mutates: true,
      call: () => ({ path: '/api/admin/working-hours', body: { week: Array(7).fill({ start: '08:00', end: '20:00' }), holidays: ['2027-01-01'], workdays: [], offHoursAnswer: true } }),
    },
  ],
  'GET /api/admin/users': [{ expect: adminOnly, call: () => ({ path: '/api/admin/users' }) }],
  'POST /api/admin/users': [
    {
      expect: adminOnly,
      mutates: true,
      call: () => ({
        path: '/api/admin/users',
        body: { organizationId: organizationA, role: 'customer', email: `new-${unique()}@test.local`, name: 'Новый', password: 'password-123456' },
      }),
    },
  ],
  'PATCH /api/admin/users/:id': [
    { expect: adminOnly, mutates: true, call: () => ({ path: `/api/admin/users/${colleagueA.userId}`, body: { name: `Коллега ${unique()}` } }) },
  ],

  'GET /api/reference/currencies': [{ expect: everyone(200), call: () => ({ path: '/api/reference/currencies' }) }],
  'GET /api/reference/countries': [{ expect: everyone(200), call: () => ({ path: '/api/reference/countries' }) }],
  'GET /api/reference/purposes': [{ expect: everyone(200), call: () => ({ path: '/api/reference/purposes' }) }],
  // The request form's lists: whoever may place requests gets their own organization's (A's beneficiaries stay A's,
  // the SECRET check below); an agent, who may not, is refused — not answered an empty list (the team24 outside check, fault 5).
  'GET /api/reference/beneficiaries': [{ expect: only(['customerA', 'customerB', 'admin', 'manager'], 403), call: () => ({ path: `/api/reference/beneficiaries?q=${SECRET}` }) }],
  // Search answers every signed-in user from what they may see (the refusals by resource: test/platform/search.test.ts).
  'GET /api/search': [{ expect: everyone(), call: () => ({ path: `/api/search?q=${encodeURIComponent('проверка доступа')}` }) }],
  'GET /api/reference/payers': [{ expect: only(['customerA', 'customerB', 'admin', 'manager'], 403), call: () => ({ path: `/api/reference/payers?q=${SECRET}` }) }],

  // One's own requests: whoever may place them (the «Мои заявки» page); an agent has none to list — 403, not an empty page.
  'GET /api/requests': [{ expect: only(['customerA', 'customerB', 'admin', 'manager'], 403), call: () => ({ path: '/api/requests' }) }],
  'POST /api/requests': [
    { expect: only(['customerA', 'customerB', 'admin', 'manager'], 403), mutates: true, call: () => ({ path: '/api/requests', body: validRequest() }) },
    {
      // A dialog id is ours only: another customer naming one is told it does not exist (agents may not create requests at all).
      expect: { ...only(['admin', 'manager'], 404), agent: 403, otherAgent: 403 },
      mutates: true,
      call: async () => ({ path: '/api/requests', body: validRequest({ dialogId: await dialogId() }) }),
    },
  ],
  'GET /api/requests/:id': [
    { expect: deal(), call: (f) => ({ path: `/api/requests/${f.dealId}` }) },
    // A request collecting offers is open to every agent, never to another customer.
    { expect: only(['customerA', 'agent', 'otherAgent', 'admin', 'manager'], 404), call: (f) => ({ path: `/api/requests/${f.openId}` }) },
  ],
  'POST /api/requests/:id/status': [
    { expect: { ...deal(), agent: 403 }, mutates: true, call: (f) => ({ path: `/api/requests/${f.dealId}/status`, body: { action: 'complete' } }) },
  ],
  'POST /api/requests/:id/terms': [
    { expect: { ...deal(), agent: 403 }, mutates: true, call: (f) => ({ path: `/api/requests/${f.dealId}/terms`, body: { command: 'rate', value: '13' } }) },
  ],
  'POST /api/requests/:id/offers': [
    // Customers never offer (403 whatever the id); an accepted deal is seen only by its agent, who is told offers are closed.
    { expect: { ...only([], 404), agent: 400, customerA: 403, customerB: 403 }, mutates: true, call: (f) => ({ path: `/api/requests/${f.dealId}/offers`, body: validOffer() }) },
    {
      expect: { ...only(['agent', 'otherAgent', 'admin', 'manager'], 403) },
      mutates: true,
      call: (f) => ({ path: `/api/requests/${f.openId}/offers`, body: validOffer() }),
    },
  ],
  'POST /api/offers/:id/accept': [
    // The offering agent is told it may not; everyone else does not see the offer at all.
    { expect: { ...only(['customerA'], 404), agent: 403 }, mutates: true, call: (f) => ({ path: `/api/offers/${f.openOfferId}/accept` }) },
  ],
  // The general list (and `mine`): whoever may make offers; a customer is refused (403), not answered an empty list.
  'GET /api/agent/requests': [
    { expect: only(['agent', 'otherAgent', 'admin', 'manager'], 403), call: () => ({ path: '/api/agent/requests?mine=1' }) },
    { expect: only(['agent', 'otherAgent', 'admin', 'manager'], 403), call: () => ({ path: '/api/agent/requests' }) },
  ],
  'GET /api/requests/:id/messages': [{ expect: deal(), call: (f) => ({ path: `/api/requests/${f.dealId}/messages` }) }],
  // The deal's messages of a request from a dialog: the fixture's deal has none, so it is 404 to everyone (the rule for dialogs: test/deal/dealHistory.test.ts).
  'GET /api/requests/:id/deal-messages': [{ expect: only([], 404), call: (f) => ({ path: `/api/requests/${f.dealId}/deal-messages` }) }],
  'POST /api/requests/:id/messages': [{ expect: deal(), mutates: true, call: (f) => ({ path: `/api/requests/${f.dealId}/messages`, body: { text: 'Проверка доступа' } }) }],
  'GET /api/requests/:id/live': [
    { expect: deal(), call: (f) => ({ path: `/api/requests/${f.dealId}/live`, stream: true }) },
    // Live updates of a request one may see: the open request's page is open to agents.
    { expect: only(['customerA', 'agent', 'otherAgent', 'admin', 'manager'], 404), call: (f) => ({ path: `/api/requests/${f.openId}/live`, stream: true }) },
  ],
  'GET /api/dialogs': [{ expect: only(['admin', 'manager'], 403), call: () => ({ path: '/api/dialogs' }) }],
  'GET /api/dialogs/:id': [{ expect: only(['admin', 'manager'], 403), call: async () => ({ path: `/api/dialogs/${await dialogId()}` }) }],
  // Issue 19: where clients come from, who may handle dialogs, the blocklist and ownership — the dialogs' rule.
  'GET /api/dialogs/sources': [{ expect: only(['admin', 'manager'], 403), call: () => ({ path: '/api/dialogs/sources' }) }],
  'GET /api/dialogs/managers': [{ expect: only(['admin', 'manager'], 403), call: () => ({ path: '/api/dialogs/managers' }) }],
  'PUT /api/dialogs/:id/ban': [{ expect: only(['admin', 'manager'], 403), mutates: true, call: async () => ({ path: `/api/dialogs/${await dialogId()}/ban`, body: { reason: 'проверка доступа' } }) }],
  'DELETE /api/dialogs/:id/ban': [{ expect: only(['admin', 'manager'], 403), mutates: true, call: async () => ({ path: `/api/dialogs/${await dialogId()}/ban` }) }],
  'POST /api/dialogs/:id/status': [{ expect: only(['admin', 'manager'], 403), mutates: true, call: async () => ({ path: `/api/dialogs/${await dialogId()}/status`, body: { change: 'hold' } }) }],
  // Quick replies and ratings (issue 19.4, 19.8): our managers and admins only.
  'GET /api/quick-replies': [{ expect: only(['admin', 'manager'], 403), call: () => ({ path: '/api/quick-replies' }) }],
  'POST /api/quick-replies': [{ expect: only(['admin', 'manager'], 403, 201), mutates: true, call: (_f, role) => ({ path: '/api/quick-replies', body: { name: `idor_${role}`, body: 'Проверка доступа' } }) }],
  'PUT /api/quick-replies/:id': [{ expect: only(['admin', 'manager'], 403), mutates: true, call: async () => ({ path: `/api/quick-replies/${await quickReplyId()}`, body: { name: `idor_${counter}`, body: 'Изменено' } }) }],
  'DELETE /api/quick-replies/:id': [{ expect: only(['admin', 'manager'], 403), mutates: true, call: async () => ({ path: `/api/quick-replies/${await quickReplyId()}` }) }],
  'POST /api/quick-replies/:id/file': [{ expect: only(['admin', 'manager'], 403), mutates: true, call: async () => ({ path: `/api/quick-replies/${await quickReplyId()}/file`, upload: true, uploadName: 'template.png' }) }],
  'DELETE /api/quick-replies/:id/file': [{ expect: only(['admin', 'manager'], 403), mutates: true, call: async () => ({ path: `/api/quick-replies/${await quickReplyId()}/file` }) }],
  // Broadcasts (issue 19.5): our managers and admins only.
  'GET /api/broadcasts': [{ expect: only(['admin', 'manager'], 403), call: () => ({ path: '/api/broadcasts' }) }],
  'POST /api/broadcasts': [{ expect: only(['admin', 'manager'], 403, 201), mutates: true, call: () => ({ path: '/api/broadcasts', body: { title: 'Проверка доступа', body: 'Текст', labels: ['idor'] } }) }],
  'GET /api/broadcasts/:id': [{ expect: only(['admin', 'manager'], 403), call: async () => ({ path: `/api/broadcasts/${await broadcastId()}` }) }],
  'PUT /api/broadcasts/:id': [{ expect: only(['admin', 'manager'], 403), mutates: true, call: async () => ({ path: `/api/broadcasts/${await broadcastId()}`, body: { title: 'Изменено', body: 'Изменено', labels: ['idor'] } }) }],
  // The manager (signed in from Telegram) gets it; the admin, with no linked Telegram account, 400 — past the access rule.
  'POST /api/broadcasts/:id/test': [{ expect: { ...only(['admin', 'manager'], 403), admin: 400 }, mutates: true, call: async () => ({ path: `/api/broadcasts/${await broadcastId()}/test` }) }],
  // Past the access rule our staff meet the start's own rule: only the one whose test send Telegram took starts it (409 here).
  'POST /api/broadcasts/:id/start': [
    { expect: { ...only(['admin', 'manager'], 403), admin: 409, manager: 409 }, mutates: true, call: async () => ({ path: `/api/broadcasts/${await broadcastId()}/start` }) },
  ],
  'POST /api/broadcasts/:id/cancel': [{ expect: only(['admin', 'manager'], 403), mutates: true, call: async () => ({ path: `/api/broadcasts/${await broadcastId('sending')}/cancel` }) }],
  'GET /api/broadcasts/:id/report': [{ expect: only(['admin', 'manager'], 403), call: async () => ({ path: `/api/broadcasts/${await broadcastId()}/report` }) }],
  'GET /api/broadcasts/:id/report.csv': [{ expect: only(['admin', 'manager'], 403), call: async () => ({ path: `/api/broadcasts/${await broadcastId()}/report.csv` }) }],
  'GET /api/ratings/managers': [{ expect: only(['admin', 'manager'], 403), call: () => ({ path: '/api/ratings/managers' }) }],
  'PUT /api/dialogs/:id/owner': [{ expect: only(['admin', 'manager'], 403), mutates: true, call: async () => ({ path: `/api/dialogs/${await dialogId()}/owner`, body: { userId: null } }) }],
  // A client's history: the rule of the dialogs (our managers and admins).
  'GET /api/clients/:id/history': [{ expect: only(['admin', 'manager'], 403), call: async () => ({ path: `/api/clients/${await clientOfDialog(await dialogId())}/history` }) }],
  // Labels on clients and the export of clients (issue 19.5): who may label a client is who may see it — our staff.
  'POST /api/clients/:id/labels': [
    { expect: only(['admin', 'manager'], 403), mutates: true, call: async () => ({ path: `/api/clients/${await clientOfDialog(await dialogId())}/labels`, body: { add: ['idor'] } }) },
  ],
  'GET /api/clients/labels': [{ expect: only(['admin', 'manager'], 403), call: () => ({ path: '/api/clients/labels' }) }],
  'GET /api/clients/export': [{ expect: only(['admin', 'manager'], 403), call: () => ({ path: '/api/clients/export?format=csv', stream: true }) }],
  // The dashboard: the head of team (an admin of our organization) only; a manager too is refused.
  ...Object.fromEntries(
    ['managers', 'dialogs', 'first-response', 'resolution', 'managers-times', 'funnel', 'volume-currency', 'volume-agent', 'statuses', 'sources'].map((chart) => [
      `GET /api/insight/${chart}`,
      [{ expect: adminOnly, call: () => ({ path: `/api/insight/${chart}` }) }],
    ]),
  ),
  'POST /api/requests/:id/documents': [{ expect: deal(), mutates: true, call: (f) => ({ path: `/api/requests/${f.dealId}/documents`, upload: true }) }],
  'GET /api/requests/:id/documents': [{ expect: deal(), call: (f) => ({ path: `/api/requests/${f.dealId}/documents` }) }],
  'GET /api/documents/:id/download': [{ expect: deal(), call: (f) => ({ path: `/api/documents/${f.documentId}/download` }) }],
  'GET /api/documents/:id/thumbnail': [{ expect: deal(), call: (f) => ({ path: `/api/documents/${f.documentId}/thumbnail` }) }],
};

async function dialogId(): Promise<number> {
  const { db } = app.ctx.database;
  const client = await db.execute<{ id: number }>(sql`insert into clients (telegram_user_id, first_name) values (${900000 + ++counter}, 'Клиент') returning id`);
  const dialog = await db.execute<{ id: number }>(
    sql`insert into dialogs (client_id, managers_chat_id, topic_id) values (${client.rows[0]!.id}, -100777, ${counter}) returning id`,
  );
  return Number(dialog.rows[0]!.id);
}

async function quickReplyId(): Promise<number> {
  const row = await app.ctx.database.db.execute<{ id: number }>(sql`insert into quick_replies (name, body) values (${`qr_${++counter}`}, 'Текст') returning id`);
  return Number(row.rows[0]!.id);
}

/** A tested draft (or a sending broadcast) for the label `idor`, which one client has. */
async function broadcastId(state: 'draft' | 'sending' = 'draft'): Promise<number> {
  const { db } = app.ctx.database;
  await db.execute(sql`insert into client_labels (client_id, label) select ${await clientOfDialog(await dialogId())}, 'idor'`);
  const row = await db.execute<{ id: number }>(
    sql`insert into broadcasts (title, body, labels, state, tested_body) values ('Проверка', 'Текст', ARRAY['idor'], ${state}, 'Текст') returning id`,
  );
  return Number(row.rows[0]!.id);
}

async function clientOfDialog(dialog: number): Promise<number> {
  const row = await app.ctx.database.db.execute<{ client_id: number }>(sql`select client_id from dialogs where id = ${dialog}`);
  return Number(row.rows[0]!.client_id);
}

/** A fresh session for a role, made the way sign-in makes it. */
async function freshClient(role: Role): Promise<ApiClient> {
  const client = app.client();
  if (role === 'anonymous') return client;
  const session = await createSession(app.ctx.database.db, users[role].userId);
  client.cookie = `hotline_session=${session.token}`;
  client.csrfToken = session.csrfToken;
  return client;
}

async function fixture(): Promise<Fixture> {
  const customer = clients.customerA;
  const request = (overrides: Record<string, unknown> = {}) =>
    customer.post('/api/requests', validRequest({ beneficiary: { ...validRequest().beneficiary, name: `${SECRET} Ltd` }, payer: { ...validRequest().payer, name: `${SECRET} ООО` }, ...overrides }));
  const dealRequest = await request();
  expect(dealRequest.status, JSON.stringify(dealRequest.body)).toBe(200);
  const dealId = dealRequest.body.id as number;
  const offer = await clients.agent.post(`/api/requests/${dealId}/offers`, validOffer());
  expect(offer.status).toBe(200);
  expect((await customer.post(`/api/offers/${offer.body.id}/accept`)).status).toBe(200);
  expect((await customer.post(`/api/requests/${dealId}/messages`, { text: `${SECRET}: сообщение в чате` })).status).toBe(200);
  const document = await send(customer, { path: `/api/requests/${dealId}/documents`, upload: true });
  expect(document.status).toBe(200);

  // The open request has an ordinary beneficiary: agents are meant to see it in their list.
  const openRequest = await customer.post('/api/requests', validRequest());
  const openOffer = await clients.agent.post(`/api/requests/${openRequest.body.id}/offers`, validOffer());
  expect(openOffer.status).toBe(200);
  return { dealId, dealOfferId: offer.body.id, documentId: document.body.id, openId: openRequest.body.id, openOfferId: openOffer.body.id };
}

async function send(client: ApiClient, call: Call, method = 'POST'): Promise<ApiResponse> {
  if (call.upload) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), call.uploadName ?? `scan-${SECRET}.png`);
    const headers: Record<string, string> = {};
    if (client.cookie) headers.cookie = client.cookie;
    if (client.csrfToken) headers['x-csrf-token'] = client.csrfToken;
    const response = await fetch(app.url + call.path, { method: 'POST', headers, body: form });
    return { status: response.status, body: await response.json(), headers: response.headers };
  }
  if (call.stream) {
    const abort = new AbortController();
    const response = await fetch(app.url + call.path, { headers: client.cookie ? { cookie: client.cookie } : {}, signal: abort.signal });
    const status = response.status;
    const body: unknown = status === 200 ? '' : await response.json();
    abort.abort();
    return { status, body, headers: response.headers };
  }
  return client.request(method, call.path, call.body);
}

/** Rows of the tables a call could change: a refused call must leave every count as it was. */
async function counts(): Promise<Record<string, number>> {
  const result = await app.ctx.database.db.execute<Record<string, string>>(sql`
    select (select count(*) from requests) as requests, (select count(*) from offers) as offers,
           (select count(*) from request_posts) as posts, (select count(*) from documents) as documents,
           (select count(*) from events) as events, (select count(*) from users) as users,
           (select count(*) from organizations) as organizations, (select count(*) from sessions) as sessions,
           (select count(*) from client_labels) as client_labels,
           (select string_agg(status::text || coalesce(terms::text, ''), ',' order by id) from requests) as states,
           (select string_agg(name || coalesce(disabled_at::text, ''), ',' order by id) from users) as user_names,
           (select string_agg(name || kind::text || coalesce(requisites::text, ''), ',' order by id) from organizations) as organization_names`);
  return result.rows[0] as unknown as Record<string, number>;
}

beforeAll(async () => {
  app = await startTestApp();
  png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#aa3366' } }).png().toBuffer();
  organizationA = await app.addOrganization('ООО Заказчик А', 'customer');
  users.customerA = await app.addUser({ role: 'customer', organization: organizationA });
  colleagueA = await app.addUser({ role: 'customer', organization: organizationA });
  users.customerB = await app.addUser({ role: 'customer', organization: 'ООО Заказчик Б' });
  users.agent = await app.addUser({ role: 'agent', organization: 'Агент 1' });
  users.otherAgent = await app.addUser({ role: 'agent', organization: 'Агент 2' });
  users.admin = app.admin;
  users.manager = await app.addUser({ role: 'manager', telegramUserId: 770001 });

  clients.anonymous = app.client();
  for (const role of ['customerA', 'customerB', 'agent', 'otherAgent', 'admin'] as const) clients[role] = await app.signIn(users[role]);
  // The manager signs in the way managers do: by a link from the bot.
  const signedIn = await signInByTelegram(app, 770001);
  expect(signedIn.response.status).toBe(200);
  clients.manager = signedIn.client;
  shared = await fixture();
});
afterAll(async () => {
  await app?.stop();
});

describe('the IDOR table', () => {
  it('has a row for every API route, and no row for a route that does not exist', async () => {
    const routes = await apiRoutes(app);
    expect(routes.length).toBeGreaterThan(25);
    expect(routes.filter((route) => !TABLE[route]), 'routes without a row in TABLE').toEqual([]);
    expect(Object.keys(TABLE).filter((route) => !routes.includes(route)), 'rows for routes that do not exist').toEqual([]);
  });

  for (const [route, rules] of Object.entries(TABLE)) {
    const method = route.split(' ')[0]!;
    rules.forEach((rule, index) => {
      it(`${route}${rules.length > 1 ? ` (case ${index + 1})` : ''}: ${ROLES.map((role) => `${role} ${rule.expect[role]}`).join(', ')}`, async () => {
        const seen: Record<string, number> = {};
        for (const role of ROLES) {
          const f = rule.mutates ? await fixture() : shared;
          const client = rule.mutates ? await freshClient(role) : clients[role];
          const call = await rule.call(f, role);
          const expected = rule.expect[role];
          const before = expected >= 400 ? await counts() : undefined;
          const response = await send(client, call, method);
          seen[role] = response.status;
          if (response.status !== expected) continue;
          if (before) {
            expect(response.body?.error, `${role}: a refusal says why`).toEqual(expect.any(String));
            expect(await counts(), `${role}: a refused call changes nothing`).toEqual(before);
          }
          if (role !== 'customerA' && role !== 'agent' && !(route === 'POST /api/auth/sign-in' && role === 'anonymous')) {
            expect(JSON.stringify(response.body ?? ''), `${role} must not see A's data`).not.toContain(SECRET);
          }
        }
        expect(seen).toEqual(rule.expect);
      });
    });
  }

  it("the table's allowed calls really show A's data to those who may see it", async () => {
    const page = await clients.agent.get(`/api/requests/${shared.dealId}`);
    expect(page.body.request.beneficiary.name).toBe(`${SECRET} Ltd`);
    const chat = await clients.customerA.get(`/api/requests/${shared.dealId}/messages`);
    expect(chat.body.map((m: { text: string }) => m.text)).toContain(`${SECRET}: сообщение в чате`);
    const beneficiaries = await clients.customerA.get(`/api/reference/beneficiaries?q=${SECRET}`);
    expect(beneficiaries.body.map((b: { name: string }) => b.name)).toContain(`${SECRET} Ltd`);
  });
});
