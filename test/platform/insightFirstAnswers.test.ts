/**
 * Each dialog's first answer, kept on the dialog by the database
 * (`dialogs.first_*`, migration 0025) as messages and posts are written, so
 * the dashboard reads one row per dialog: after every kind of write it must
 * equal the definition (docs/insight.md «First response»), computed here
 * from the messages and posts themselves, and the charts must show it.
 * Likewise the other facts the charts read from one row (migration 0030):
 * each dialog's funnel, each request's accepted agent and completion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type ApiClient, type TestApp, type TestUser } from '../helpers/app.js';
import { clients, dialogs, events, messages, offers, requestPosts, requests } from '../../src/db/schema.js';

/** The definition, from the rows: what the dashboard computed before the answer was kept. */
const DEFINITION = sql`
  select d.id, asked.sent_at as asked_at, reply.at as answered_at, reply.user_id, reply.telegram_id
  from dialogs d
  left join lateral (
    select m.seq, m.sent_at from messages m where m.dialog_id = d.id and m.direction = 'in' order by m.seq limit 1
  ) asked on true
  left join lateral (
    select x.at, x.user_id, x.telegram_id from (
      (select m.sent_at as at, m.author_user_id as user_id, m.author_telegram_id as telegram_id from messages m
        where m.dialog_id = d.id and m.direction = 'out' and m.seq > asked.seq order by m.seq limit 1)
      union all
      (select p.created_at, p.author_user_id, null::bigint from request_posts p join requests r on r.id = p.request_id
        where r.dialog_id = d.id and p.delivered_to = 'client' and p.created_at >= asked.sent_at order by p.created_at limit 1)
    ) x order by x.at limit 1
  ) reply on true
  order by d.id`;

const STORED = sql`
  select id, first_asked_at as asked_at, first_answered_at as answered_at, first_answer_user_id as user_id, first_answer_telegram_id as telegram_id
  from dialogs order by id`;

/** The funnel and request facts by definition (docs/insight.md «Funnel», «Volume by agent», «Resolution») and as kept (migration 0030). */
const FACTS_DEFINED = sql`
  select 'd' || d.id as row, (count(r.id) > 0)::text as a, coalesce(bool_or(r.accepted_offer_id is not null), false)::text as b,
         coalesce(bool_or(r.status = 'completed'), false)::text as c, coalesce(bool_or(r.status = 'cancelled'), false)::text as d
  from dialogs d left join requests r on r.dialog_id = d.id group by d.id
  union all
  select 'r' || r.id, null, null, o.agent_organization_id::text,
         (select max(e.at) from events e where e.subject_type = 'request' and e.subject_id = r.id and e.name = 'request.status' and e.after ->> 'status' = 'completed')::text
  from requests r left join offers o on o.id = r.accepted_offer_id
  order by 1`;
const FACTS_STORED = sql`
  select 'd' || id as row, funnel_request::text as a, funnel_accepted::text as b, funnel_completed::text as c, funnel_cancelled::text as d from dialogs
  union all
  select 'r' || id, null, null, accepted_agent_id::text, completed_at::text from requests
  order by 1`;

const at = (iso: string) => new Date(iso);

describe('first answers kept on the dialog', () => {
  let app: TestApp;
  let admin: ApiClient;
  let anna: TestUser;
  let boris: TestUser;
  let clientNo = 6_600_000;
  let topicNo = 500;
  let requestNo = 0;

  const db = () => app.ctx.database.db;
  const stored = async () => (await db().execute(STORED)).rows.map((row) => ({ ...row }));
  const defined = async () => (await db().execute(DEFINITION)).rows.map((row) => ({ ...row }));
  const answerOf = async (dialogId: number) => {
    const row = (await stored()).find((r) => Number(r.id) === dialogId)!;
    return {
      asked: row.asked_at ? new Date(row.asked_at as string).toISOString() : null,
      answered: row.answered_at ? new Date(row.answered_at as string).toISOString() : null,
      userId: row.user_id === null ? null : Number(row.user_id),
      telegramId: row.telegram_id === null ? null : Number(row.telegram_id),
    };
  };
  const openDialog = async (openedAt: string) => {
    const [client] = await db().insert(clients).values({ telegramUserId: ++clientNo, firstName: 'Клиент', createdAt: at(openedAt), updatedAt: at(openedAt) }).returning({ id: clients.id });
    const [row] = await db().insert(dialogs).values({ clientId: client!.id, managersChatId: -1_009_000_000, topicId: ++topicNo, createdAt: at(openedAt) }).returning({ id: dialogs.id });
    return row!.id;
  };
  const message = (dialogId: number, seq: number, direction: 'in' | 'out' | 'note', sentAt: string, by?: { userId?: number; telegramId?: number }) => ({
    dialogId,
    seq,
    direction,
    authorUserId: by?.userId ?? null,
    authorTelegramId: by?.telegramId ?? null,
    text: `${direction} ${seq}`,
    sentAt: at(sentAt),
    createdAt: at(sentAt),
  });
  const openRequest = async (dialogId: number, by: TestUser) => {
    const [row] = await db()
      .insert(requests)
      .values({
        number: `2026-80${String(++requestNo).padStart(4, '0')}`,
        customerOrganizationId: app.ourOrganizationId,
        dialogId,
        origin: 'telegram',
        status: 'collecting_offers',
        hidden: true,
        amount: '100.00',
        currency: 'USD',
        beneficiary: { name: 'Ningbo Machinery', country: 'CN' },
        purpose: 'Оплата',
        createdBy: by.userId,
      })
      .returning({ id: requests.id });
    return row!.id;
  };

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.signIn(app.admin);
    anna = await app.addUser({ role: 'manager', name: 'Анна Первая', telegramUserId: 7_200_001 });
    boris = await app.addUser({ role: 'manager', name: 'Борис Второй', telegramUserId: 7_200_002 });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('a topic message after the client’s first one is the answer; notes and later messages are not', async () => {
    const d = await openDialog('2026-04-01T07:00:00Z');
    await db().insert(messages).values(message(d, 1, 'in', '2026-04-01T07:00:00Z'));
    expect(await answerOf(d)).toEqual({ asked: '2026-04-01T07:00:00.000Z', answered: null, userId: null, telegramId: null });
    await db().insert(messages).values(message(d, 2, 'note', '2026-04-01T07:01:00Z', { telegramId: 7_200_002 }));
    expect((await answerOf(d)).answered).toBeNull();
    await db().insert(messages).values(message(d, 3, 'out', '2026-04-01T07:05:00Z', { telegramId: 7_200_001 }));
    expect(await answerOf(d)).toEqual({ asked: '2026-04-01T07:00:00.000Z', answered: '2026-04-01T07:05:00.000Z', userId: null, telegramId: 7_200_001 });
    await db().insert(messages).values([message(d, 4, 'in', '2026-04-01T07:06:00Z'), message(d, 5, 'out', '2026-04-01T07:07:00Z', { userId: boris.userId })]);
    expect((await answerOf(d)).answered).toBe('2026-04-01T07:05:00.000Z');
    expect(await stored()).toEqual(await defined());

    // The chart reads it: 300 s, answered by Anna (her Telegram id → her account).
    const chart = await admin.get('/api/insight/managers-times?from=2026-04-01&to=2026-04-01');
    expect(chart.status).toBe(200);
    expect(chart.body.rows).toEqual([expect.objectContaining({ managerId: anna.userId, answered: 1, firstResponseMedian: 300, firstResponseP90: 300 })]);
  });

  it('the client’s later messages leave the question as it was; one written before the first (by seq) becomes the question', async () => {
    const d = await openDialog('2026-04-02T07:00:00Z');
    await db().insert(messages).values(message(d, 5, 'in', '2026-04-02T07:10:00Z'));
    await db().insert(messages).values(message(d, 6, 'in', '2026-04-02T07:11:00Z'));
    expect(await answerOf(d)).toEqual({ asked: '2026-04-02T07:10:00.000Z', answered: null, userId: null, telegramId: null });
    // A fix by hand or an import: a message placed before the first question.
    await db().insert(messages).values(message(d, 2, 'in', '2026-04-02T07:02:00Z'));
    expect((await answerOf(d)).asked).toBe('2026-04-02T07:02:00.000Z');
    await db().insert(messages).values(message(d, 3, 'out', '2026-04-02T07:03:00Z', { telegramId: 7_200_001 }));
    await db().insert(messages).values(message(d, 7, 'in', '2026-04-02T07:12:00Z'));
    expect(await answerOf(d)).toEqual({ asked: '2026-04-02T07:02:00.000Z', answered: '2026-04-02T07:03:00.000Z', userId: null, telegramId: 7_200_001 });
    expect(await stored()).toEqual(await defined());
  });

  it('a post delivered to the client counts when it came first; a post to the topic only does not', async () => {
    const d = await openDialog('2026-04-02T07:00:00Z');
    const r = await openRequest(d, boris);
    await db().insert(messages).values(message(d, 1, 'in', '2026-04-02T07:00:00Z'));
    await db().insert(requestPosts).values({ requestId: r, authorUserId: anna.userId, text: 'в тему', deliveredTo: 'topic', createdAt: at('2026-04-02T07:01:00Z') });
    expect((await answerOf(d)).answered).toBeNull();
    const [post] = await db()
      .insert(requestPosts)
      .values({ requestId: r, authorUserId: boris.userId, text: 'клиенту', deliveredTo: 'client', createdAt: at('2026-04-02T07:02:00Z') })
      .returning({ id: requestPosts.id });
    expect(await answerOf(d)).toEqual({ asked: '2026-04-02T07:00:00.000Z', answered: '2026-04-02T07:02:00.000Z', userId: boris.userId, telegramId: null });
    await db().insert(messages).values(message(d, 2, 'out', '2026-04-02T07:03:00Z', { telegramId: 7_200_001 }));
    expect((await answerOf(d)).userId).toBe(boris.userId);

    // Written later but dated earlier (a slow relay): the earlier one is the answer.
    const late = await openDialog('2026-04-03T07:00:00Z');
    const lateRequest = await openRequest(late, anna);
    await db().insert(messages).values([message(late, 1, 'in', '2026-04-03T07:00:00Z'), message(late, 2, 'out', '2026-04-03T07:10:00Z', { telegramId: 7_200_002 })]);
    expect((await answerOf(late)).telegramId).toBe(7_200_002);
    await db().insert(requestPosts).values({ requestId: lateRequest, authorUserId: anna.userId, text: 'раньше', deliveredTo: 'client', createdAt: at('2026-04-03T07:04:00Z') });
    expect(await answerOf(late)).toEqual({ asked: '2026-04-03T07:00:00.000Z', answered: '2026-04-03T07:04:00.000Z', userId: anna.userId, telegramId: null });

    // A post changed or deleted, a message deleted: the answer is found again.
    await db().update(requestPosts).set({ deliveredTo: 'topic' }).where(sql`${requestPosts.id} = ${post!.id}`);
    expect(await answerOf(d)).toEqual({ asked: '2026-04-02T07:00:00.000Z', answered: '2026-04-02T07:03:00.000Z', userId: null, telegramId: 7_200_001 });
    await db().delete(messages).where(sql`${messages.dialogId} = ${d} and ${messages.seq} = 2`);
    expect((await answerOf(d)).answered).toBeNull();
    expect(await stored()).toEqual(await defined());
  });

  it('a request moved to another dialog takes its posts’ answer along', async () => {
    const from = await openDialog('2026-04-04T07:00:00Z');
    const to = await openDialog('2026-04-04T08:00:00Z');
    const r = await openRequest(from, anna);
    await db().insert(messages).values([message(from, 1, 'in', '2026-04-04T07:00:00Z'), message(to, 1, 'in', '2026-04-04T08:00:00Z')]);
    await db().insert(requestPosts).values({ requestId: r, authorUserId: anna.userId, text: 'ответ', deliveredTo: 'client', createdAt: at('2026-04-04T09:00:00Z') });
    expect((await answerOf(from)).answered).toBe('2026-04-04T09:00:00.000Z');
    await db().update(requests).set({ dialogId: to }).where(sql`${requests.id} = ${r}`);
    expect((await answerOf(from)).answered).toBeNull();
    expect((await answerOf(to)).answered).toBe('2026-04-04T09:00:00.000Z');
    expect(await stored()).toEqual(await defined());
  });

  it('the funnel, the accepted agent and the completion are kept on the rows as requests, offers and events are written', async () => {
    const facts = async (query: typeof FACTS_STORED) => (await db().execute(query)).rows.map((row) => ({ ...row }));
    const funnelOf = async (day: string) => (await admin.get(`/api/insight/funnel?from=${day}&to=${day}`)).body.rows;
    const agent = await app.addOrganization('Агент Фактов', 'agent');
    const d = await openDialog('2026-04-05T07:00:00Z');
    const other = await openDialog('2026-04-05T08:00:00Z');
    expect(await funnelOf('2026-04-05')).toEqual({ dialogs: 2, withRequest: 0, accepted: 0, completed: 0, cancelled: 0 });

    const first = await openRequest(d, anna);
    const second = await openRequest(d, boris);
    const [offer] = await db()
      .insert(offers)
      .values({ requestId: first, agentOrganizationId: agent, rate: '12.5', feePercent: '1', fixedFee: '0', total: '1', days: 1, status: 'accepted', createdBy: anna.userId })
      .returning({ id: offers.id });
    await db().update(requests).set({ acceptedOfferId: offer!.id, status: 'accepted' }).where(sql`${requests.id} = ${first}`);
    expect((await facts(FACTS_STORED)).find((row) => row.row === `r${first}`)).toMatchObject({ c: String(agent), d: null });
    expect(await funnelOf('2026-04-05')).toEqual({ dialogs: 2, withRequest: 1, accepted: 1, completed: 0, cancelled: 0 });

    // Completed: the status and its event, in one transaction as the command writes them.
    await app.ctx.database.transaction(async (tx) => {
      await tx.db.update(requests).set({ status: 'completed' }).where(sql`${requests.id} = ${first}`);
      await tx.db.insert(events).values({ at: at('2026-04-06T07:00:00Z'), subjectType: 'request', subjectId: first, name: 'request.status', before: { status: 'accepted' }, after: { status: 'completed' } });
    });
    await db().update(requests).set({ status: 'cancelled' }).where(sql`${requests.id} = ${second}`);
    expect(await funnelOf('2026-04-05')).toEqual({ dialogs: 2, withRequest: 1, accepted: 1, completed: 1, cancelled: 1 });
    const resolution = await admin.get('/api/insight/resolution?from=2026-04-06&to=2026-04-06');
    expect(resolution.body.rows).toEqual([{ day: '2026-04-06', completed: 1, median: expect.any(Number), p90: expect.any(Number) }]);
    expect(await facts(FACTS_STORED)).toEqual(await facts(FACTS_DEFINED));

    // Moved to the other dialog, the offer given to another agent, a request deleted, the event deleted (fixes by hand).
    await db().update(requests).set({ dialogId: other }).where(sql`${requests.id} = ${first}`);
    expect(await funnelOf('2026-04-05')).toEqual({ dialogs: 2, withRequest: 2, accepted: 1, completed: 1, cancelled: 1 });
    await db().update(offers).set({ agentOrganizationId: app.ourOrganizationId }).where(sql`${offers.id} = ${offer!.id}`);
    await db().delete(requests).where(sql`${requests.id} = ${second}`);
    await db().delete(events).where(sql`${events.subjectId} = ${first} and ${events.name} = 'request.status'`);
    expect(await funnelOf('2026-04-05')).toEqual({ dialogs: 2, withRequest: 1, accepted: 1, completed: 1, cancelled: 0 });
    expect((await facts(FACTS_STORED)).find((row) => row.row === `r${first}`)).toMatchObject({ c: String(app.ourOrganizationId), d: null });
    expect(await facts(FACTS_STORED)).toEqual(await facts(FACTS_DEFINED));
  });
});
