/**
 * Issue 16.13: a Telegram deal is a client's conversation, and inside our
 * organization only our staff (managers, administrators) see and run it — on
 * the platform and in Telegram alike, by one rule (policies/access.ts).
 *
 * The platform: a user of our organization with the agent or the customer
 * role gets 404 for the deal, its chat and documents, cannot change it, and
 * finds neither it nor its client's beneficiary in lists and autocomplete.
 *
 * Telegram, driven through the emulator as a manager would: a manager whose
 * platform account is disabled (or holds another role) types `/rate` and
 * presses the card's buttons — each is refused with a reason, nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { clients, dialogs, messages, organizations, requests, users } from '../../src/db/schema.js';
import { createUserInTx } from '../../src/commands/createUser.js';
import { createSession } from '../../src/platform/auth/sessions.js';
import { hashPassword } from '../../src/commands/password.js';
import type { TranscriptMessage } from '../../src/sandbox/control.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient, PASSWORD, startTestApp, validOffer, validRequest, type TestApp } from '../helpers/app.js';
import { startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';

const CLIENT_BENEFICIARY = 'Client Secret Trading Co';

describe('the platform: our agents and customers do not see Telegram deals', () => {
  let app: TestApp;
  let manager: ApiClient;
  let ourAgent: ApiClient;
  let ourCustomer: ApiClient;
  let dealId: number;
  let dialogId: number;

  beforeAll(async () => {
    app = await startTestApp();
    manager = await app.signIn(await app.addUser({ role: 'manager' }));
    ourAgent = await app.signIn(await app.addUser({ role: 'agent' }));
    ourCustomer = await app.signIn(await app.addUser({ role: 'customer' }));
    const { db } = app.ctx.database;
    const client = await db.execute<{ id: number }>(sql`insert into clients (telegram_user_id, first_name) values (990001, 'Клиент') returning id`);
    const dialog = await db.execute<{ id: number }>(sql`insert into dialogs (client_id, managers_chat_id, topic_id) values (${client.rows[0]!.id}, -100990, 7) returning id`);
    dialogId = Number(dialog.rows[0]!.id);
    const created = await manager.post('/api/requests', validRequest({ dialogId, beneficiary: { ...validRequest().beneficiary, name: CLIENT_BENEFICIARY } }));
    expect(created.status).toBe(200);
    dealId = created.body.id;
    const offer = await manager.post(`/api/requests/${dealId}/offers`, validOffer());
    expect(offer.body.autoAccepted).toBe(true);
    expect((await manager.post(`/api/requests/${dealId}/messages`, { text: 'Клиент прислал инвойс' })).status).toBe(200);
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('the manager sees the deal, its chat and its client in autocomplete', async () => {
    expect((await manager.get(`/api/requests/${dealId}`)).status).toBe(200);
    expect((await manager.get(`/api/requests/${dealId}/messages`)).status).toBe(200);
    const found = await manager.get(`/api/reference/beneficiaries?q=Client%20Secret`);
    expect(found.body.map((b: { name: string }) => b.name)).toContain(CLIENT_BENEFICIARY);
  });

  for (const role of ['agent', 'customer'] as const) {
    it(`a user of our organization with the ${role} role: 404 for the deal, its chat, documents and changes; nothing changes`, async () => {
      const caller = role === 'agent' ? ourAgent : ourCustomer;
      for (const path of [`/api/requests/${dealId}`, `/api/requests/${dealId}/messages`, `/api/requests/${dealId}/documents`, `/api/requests/${dealId}/live`]) {
        expect((await caller.get(path)).status, path).toBe(404);
      }
      const posts: Array<[string, unknown]> = [
        [`/api/requests/${dealId}/terms`, { command: 'rate', value: '99' }],
        [`/api/requests/${dealId}/status`, { action: 'cancel' }],
        [`/api/requests/${dealId}/messages`, { text: 'чужое сообщение' }],
      ];
      for (const [path, body] of posts) {
        const answer = await caller.post(path, body);
        expect(answer.status, path).toBe(404);
        expect(answer.body.error).toEqual(expect.any(String));
      }
      // An offer on the deal gets the answer an offer on a request that does not exist gets (a 409 told it was there).
      const offer = await caller.post(`/api/requests/${dealId}/offers`, validOffer({ rate: '99' }));
      const nowhere = await caller.post('/api/requests/999999/offers', validOffer({ rate: '99' }));
      expect([offer.status, offer.body.error]).toEqual([nowhere.status, nowhere.body.error]);
      const [row] = await app.ctx.database.db.select().from(requests).where(eq(requests.id, dealId));
      expect(row!.status).toBe('accepted');
      expect(row!.terms!.rate).toBe('12.25');
    });

    it(`a user of our organization with the ${role} role finds the deal in no list and its client's beneficiary in no autocomplete`, async () => {
      const caller = role === 'agent' ? ourAgent : ourCustomer;
      // A list that is not for the role is refused (403: an agent places no requests, a customer makes no offers);
      // the one that is shows the deal nowhere.
      const lists = role === 'agent' ? { refused: ['/api/requests'], open: ['/api/agent/requests?mine=1', '/api/agent/requests'] } : { refused: ['/api/agent/requests?mine=1', '/api/agent/requests'], open: ['/api/requests'] };
      for (const path of lists.refused) expect((await caller.get(path)).status, path).toBe(403);
      for (const path of lists.open) {
        const list = await caller.get(path);
        expect(list.status, path).toBe(200);
        expect(list.body.items.map((r: { id: number }) => r.id), path).not.toContain(dealId);
      }
      // The request form's beneficiaries: the customer's form without the client's; no form for an agent. Asked for
      // the client's dialog, the customer gets the dialog's own answer (404, as POST /api/requests {dialogId} below).
      const beneficiaries = await caller.get(`/api/reference/beneficiaries?q=Client%20Secret&dialogId=${dialogId}`);
      expect(beneficiaries.status).toBe(role === 'agent' ? 403 : 404);
      expect(JSON.stringify(beneficiaries.body)).not.toContain(CLIENT_BENEFICIARY);
      const own = await caller.get('/api/reference/beneficiaries?q=Client%20Secret');
      expect(own.status).toBe(role === 'agent' ? 403 : 200);
      expect(JSON.stringify(own.body)).not.toContain(CLIENT_BENEFICIARY);
      // Our organization's payers are our clients' companies: refused outside our staff, not an empty list.
      const payers = await caller.get('/api/reference/payers?q=7707083893');
      expect(payers.status).toBe(403);
      expect(JSON.stringify(payers.body)).not.toContain('7707083893');
      expect((await caller.get('/api/dialogs')).status).toBe(403);
      // Nor can they turn a client's dialog into a request of their own.
      const fromDialog = await caller.post('/api/requests', validRequest({ dialogId }));
      expect(fromDialog.status).toBe(role === 'agent' ? 403 : 404);
    });
  }
});

describe('Telegram: a disabled manager, or one with another role, has no power from the topic', () => {
  let t: TelegramWorld;
  let threadId: number;
  let requestId: number;
  let managerUserId: number;

  const say = (text: string) => t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: threadId, text });
  const replyTo = async (text: string, includes: string) => {
    const [sent] = await say(text);
    const topic = await t.control.waitFor({ chat_id: t.group, message_thread_id: threadId, text_includes: includes, timeout_ms: 20_000 });
    return topic.messages.find((m) => m.reply_to_message_id === sent!.message_id && m.text?.includes(includes));
  };
  const card = async (): Promise<TranscriptMessage> => {
    const topic = await t.control.waitFor({ chat_id: t.group, message_thread_id: threadId, pinned: true, text_includes: 'Заявка №', timeout_ms: 20_000 });
    return topic.messages.find((m) => m.message_id === topic.pinned_message_id)!;
  };
  const press = async (label: string) => {
    const current = await card();
    const button = current.buttons!.flat().find((b) => b.text.includes(label))!;
    return t.control.pressButton({ from: t.manager.id, chat_id: t.group, message_id: current.message_id, callback_data: button.callback_data! });
  };
  const stored = async () => (await t.hotline.database().db.select().from(requests).where(eq(requests.id, requestId)))[0]!;

  beforeAll(async () => {
    t = await startTelegramWorld();
    const client = await t.newClient('Роли');
    await t.control.sendMessage({ from: client.id, text: 'Нужно оплатить инвойс' });
    threadId = (await t.waitForTopic(client, { textIncludes: 'Нужно оплатить инвойс' })).threadId;
    // The manager's platform account (as /new would make it) and the deal made on the platform: request and offer, accepted at once.
    const db = t.hotline.database().db;
    const [ours] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.isOurs, true));
    const passwordHash = await hashPassword(PASSWORD);
    const created = await t.hotline.database().transaction((tx) =>
      createUserInTx(tx, { organizationId: ours!.id, role: 'manager', email: 'maria@test.local', name: 'Мария Менеджер', password: PASSWORD, telegramUserId: t.manager.id }, passwordHash),
    );
    const session = await createSession(db, created.id);
    const manager = new ApiClient(t.hotline.url);
    manager.cookie = `hotline_session=${session.token}`;
    manager.csrfToken = session.csrfToken;
    const [dialog] = await db.select({ id: dialogs.id }).from(dialogs).innerJoin(clients, eq(clients.id, dialogs.clientId)).where(eq(clients.telegramUserId, client.id));
    const request = await manager.post('/api/requests', validRequest({ dialogId: dialog!.id }));
    expect(request.status).toBe(200);
    requestId = request.body.id;
    expect((await manager.post(`/api/requests/${requestId}/offers`, validOffer())).body.autoAccepted).toBe(true);
    await card();
    managerUserId = created.id;
  }, 300_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('a member of the managers group whose account has the agent role: /rate is refused, the rate stays', async () => {
    await t.hotline.database().db.update(users).set({ role: 'agent' }).where(eq(users.id, managerUserId));
    const answer = await replyTo('/rate 13', 'только менеджерам Hotline');
    expect(answer, 'the refusal answers the command').toBeDefined();
    expect((await stored()).terms!.rate).toBe('12.25');
    const pressed = await press('Отменить');
    expect(pressed.answer?.text).toContain('только менеджерам Hotline');
    expect(pressed.answer?.show_alert).toBe(true);
    await t.hotline.database().db.update(users).set({ role: 'manager' }).where(eq(users.id, managerUserId));
  });

  it('a disabled manager types /rate: refused with the reason, the terms and the card stay', async () => {
    const admin = new ApiClient(t.hotline.url);
    expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
    expect((await admin.patch(`/api/admin/users/${managerUserId}`, { disabled: true })).status).toBe(200);

    const answer = await replyTo('/rate 13', 'учётная запись Hotline отключена');
    expect(answer, 'the refusal answers the command').toBeDefined();
    const request = await stored();
    expect(request.terms!.rate).toBe('12.25');
    expect(request.terms!.total).toBe('1243875.00');
    expect((await card()).text).not.toContain('13,00');
  });

  it('a disabled manager presses «Завершить», «Изменить», «Документы 1С»: each is refused in an alert, the request stays accepted', async () => {
    for (const label of ['Завершить', 'Изменить', 'Документы 1С']) {
      const pressed = await press(label);
      expect(pressed.answer?.text, label).toContain('учётная запись Hotline отключена');
      expect(pressed.answer?.show_alert, label).toBe(true);
    }
    const request = await stored();
    expect(request.status).toBe('accepted');
    // No confirmation step was armed either: the card still shows the plain buttons.
    expect((await card()).buttons!.flat().map((b) => b.text)).toEqual(['✏️ Изменить', '📄 Документы 1С', '✅ Завершить', '❌ Отменить']);
  });

  it('a disabled manager writes to the client: nothing is sent, the message is kept as a skipped note and the topic says why', async () => {
    const answer = await replyTo('Клиенту: курс будет 15', 'Сообщение не отправлено клиенту');
    expect(answer, 'the refusal answers the message').toBeDefined();
    const [row] = await t.hotline.database().db.select().from(messages).where(eq(messages.text, 'Клиенту: курс будет 15'));
    expect(row).toMatchObject({ direction: 'note', skip: true });
    const outbox = await t.hotline.database().pool.query(`SELECT count(*)::int AS n FROM telegram_outbox WHERE method = 'copyMessage' AND payload->>'message_id' = $1`, [String(row!.topicMessageId)]);
    expect(outbox.rows[0].n, 'no copy to the client was queued').toBe(0);
  });

  it('enabled again, the same manager changes the rate from the topic', async () => {
    await t.hotline.database().db.update(users).set({ disabledAt: null }).where(eq(users.id, managerUserId));
    await replyTo('/rate 13', 'Курс: 12,25 → ');
    expect((await stored()).terms!.rate).toBe('13');
  });
});
