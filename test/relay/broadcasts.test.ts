/**
 * Issue 19.5, broadcasts (рассылки) through the emulator and the platform's
 * API: a manager writes a draft for the clients with a label, must test-send
 * it to their own Telegram first (a changed text needs a new test), starts
 * it; clients get it in their language with «Отписаться» / «Unsubscribe»;
 * a banned client and one who unsubscribed (/stop or the button) get nothing,
 * one who blocked the bot is reported failed; nothing reaches the managers'
 * group. Under Telegram's limits (the emulator answers 429 beyond them) a
 * broadcast goes out without a 429, each client once, also across a restart
 * in the middle, while a client's message is still relayed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { User } from '@grammyjs/types';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient, type ApiResponse } from '../helpers/app.js';
import { clientLabels, clients, users } from '../../src/db/schema.js';
import { TELEGRAM_LIMITS } from '../../src/jobs/rateLimits.js';
import type { StartOptions } from '../../src/main.js';

const botMessages = async (t: TelegramWorld, chatId: number) => (await t.control.transcript(chatId)).messages.filter((m) => m.from?.is_bot);

async function signInAdminWithTelegram(t: TelegramWorld): Promise<ApiClient> {
  const admin = new ApiClient(t.hotline.url);
  expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
  // The admin's platform account linked to the manager's Telegram (as an administrator sets it), who started the bot once.
  await t.hotline.database().db.update(users).set({ telegramUserId: t.manager.id }).where(eq(users.email, ADMIN_EMAIL));
  await t.control.sendMessage({ from: t.manager.id, text: '/start' });
  return admin;
}

async function label(t: TelegramWorld, client: User, ...names: string[]) {
  const { db } = t.hotline.database();
  const [row] = await db.select({ id: clients.id }).from(clients).where(eq(clients.telegramUserId, client.id));
  for (const name of names) await db.insert(clientLabels).values({ clientId: row!.id, label: name }).onConflictDoNothing();
}

/**
 * Starts a tested broadcast as a person would: pressed again while the page
 * says the test message is still on its way (409 until Telegram has taken it).
 */
async function startTested(admin: ApiClient, id: number) {
  let last: ApiResponse | undefined;
  await expect
    .poll(async () => {
      last = await admin.post(`/api/broadcasts/${id}/start`);
      return last.status === 409 && String(last.body.error).startsWith('Тестовое сообщение ещё в пути') ? 'on its way' : last.status;
    }, { timeout: 30_000, interval: 200 })
    .toBe(200);
  return last!;
}

async function waitDone(admin: ApiClient, id: number) {
  await expect.poll(async () => (await admin.get(`/api/broadcasts/${id}`)).body.state, { timeout: 60_000, interval: 200 }).toBe('done');
  return (await admin.get(`/api/broadcasts/${id}`)).body;
}

describe('a broadcast to the clients with a label', () => {
  let t: TelegramWorld;
  let admin: ApiClient;
  beforeAll(async () => {
    t = await startTelegramWorld();
    admin = await signInAdminWithTelegram(t);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('test send first, then clients get it in their language; banned, unsubscribed and other labels get nothing; blocked is failed; the group sees nothing', async () => {
    const anna = await t.newClient('Анна');
    const bob = await t.newClient('Bob', { language_code: 'en', username: 'li_wei_trade' });
    const spammer = await t.newClient('Спамер');
    const quiet = await t.newClient('Тихон');
    const gone = await t.newClient('Ушедший');
    const other = await t.newClient('Другой');
    for (const c of [anna, bob, spammer, quiet, gone, other]) await t.control.sendMessage({ from: c.id, text: `Здравствуйте, я ${c.first_name}` });
    const spamTopic = await t.waitForTopic(spammer);
    for (const c of [anna, bob, quiet, gone, other]) await t.waitForTopic(c);
    // Labels from the topic, the way a manager puts them (the labels feature's /label).
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: (await t.waitForTopic(anna)).threadId, text: '/label vip' });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'Метки клиента: vip' });
    for (const c of [bob, spammer, quiet, gone]) await label(t, c, 'vip');
    await label(t, other, 'опт');
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: spamTopic.threadId, text: '/ban реклама' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: spamTopic.threadId, text_includes: 'Клиент в чёрном списке' });
    await t.control.sendMessage({ from: quiet.id, text: '/stop' });
    await t.control.waitFor({ chat_id: quiet.id, text_includes: 'Вы отписались от рассылок' });
    await t.control.setBlocked({ user_id: gone.id, blocked: true });

    // Bad input: said beside the fields, nothing stored.
    const bad = await admin.post('/api/broadcasts', { title: '', body: 'Привет, {request}', labels: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual({ title: 'Напишите название рассылки', body: 'Неизвестная переменная {request}: можно {client} {manager}', labels: 'Выберите хотя бы одну метку' });

    const created = await admin.post('/api/broadcasts', { title: 'Новый тариф', body: 'Здравствуйте, <b>{client}</b>! Новый тариф', labels: ['#VIP'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as number;
    expect(created.body).toMatchObject({ labels: ['vip'], state: 'draft', tested: false });
    // No start without a test send.
    const untested = await admin.post(`/api/broadcasts/${id}/start`);
    expect(untested.status).toBe(409);
    expect(untested.body.error).toBe('Сначала отправьте рассылку себе (тестовая отправка); после изменения текста — снова');

    const tested = await admin.post(`/api/broadcasts/${id}/test`);
    expect(tested.status, JSON.stringify(tested.body)).toBe(200);
    expect(tested.body.tested).toBe(true);
    await t.control.waitFor({ chat_id: t.manager.id, text_includes: '! Новый тариф' });
    // A colleague did not see this test ({manager} would be them): they may not start it (outside check).
    const [me] = await t.hotline.database().db.select({ organizationId: users.organizationId }).from(users).where(eq(users.email, ADMIN_EMAIL));
    const added = await admin.post('/api/admin/users', { organizationId: me!.organizationId, role: 'manager', email: 'bcast-colleague@test.local', name: 'Коллега', password: 'password-123456' });
    expect(added.status, JSON.stringify(added.body)).toBeLessThan(300);
    const colleague = new ApiClient(t.hotline.url);
    expect((await colleague.signIn('bcast-colleague@test.local', 'password-123456')).status).toBe(200);
    const byColleague = await colleague.post(`/api/broadcasts/${id}/start`);
    expect(byColleague.status).toBe(409);
    expect(byColleague.body.error).toBe('Запускает тот, кто проверил рассылку: отправьте тест себе, затем запускайте');
    // A test that never reached the sender is no test, and the page says so (outside check: it showed «Тест отправлен…
    // Можно запускать» after Telegram's 403). First a colleague whose Telegram never pressed Start in the bot.
    const stranger = await t.control.createUser({ first_name: 'Коллега', language_code: 'ru' });
    await t.hotline.database().db.update(users).set({ telegramUserId: stranger.id }).where(eq(users.email, 'bcast-colleague@test.local'));
    const queued = await colleague.post(`/api/broadcasts/${id}/test`);
    expect(queued.status).toBe(200);
    // Right after the press it is not yet «delivered»: queued only.
    expect(queued.body).toMatchObject({ tested: true, testedBy: 'Коллега' });
    expect(queued.body.testDelivery).not.toBe('delivered');
    const settled = async (who: ApiClient) => {
      await expect.poll(async () => (await who.get(`/api/broadcasts/${id}`)).body.testDelivery, { timeout: 30_000, interval: 200 }).not.toBe('sending');
      return (await who.get(`/api/broadcasts/${id}`)).body;
    };
    expect(await settled(colleague)).toMatchObject({
      tested: true,
      testDelivery: 'failed',
      testFailure: 'unreachable',
      testDetail: "Forbidden: bot can't initiate conversation with a user",
    });
    const neverStarted = await colleague.post(`/api/broadcasts/${id}/start`);
    expect(neverStarted.status).toBe(409);
    expect(neverStarted.body.error).toBe(
      'Тестовое сообщение до вас не дошло: Telegram не даёт боту написать вам — вы ещё не нажимали «Старт» в боте или остановили его. Откройте бота в Telegram, нажмите «Старт» и отправьте тест снова',
    );
    expect(neverStarted.body.code).toEqual({ code: 'broadcast.testUnreachable' });
    // Then the admin, who stopped the bot: the same state, Telegram's other 403.
    await t.control.setBlocked({ user_id: t.manager.id, blocked: true });
    expect((await admin.post(`/api/broadcasts/${id}/test`)).status).toBe(200);
    expect(await settled(admin)).toMatchObject({ testDelivery: 'failed', testFailure: 'unreachable', testDetail: 'Forbidden: bot was blocked by the user' });
    expect((await admin.post(`/api/broadcasts/${id}/start`)).body.code).toEqual({ code: 'broadcast.testUnreachable' });
    await t.control.setBlocked({ user_id: t.manager.id, blocked: false });
    // The text changed after the test: a new test is needed.
    const edited = await admin.request('PUT', `/api/broadcasts/${id}`, { title: 'Новый тариф', body: 'Здравствуйте, <b>{client}</b>! Новый тариф с 1 декабря', labels: ['vip'] });
    expect(edited.body.tested).toBe(false);
    expect((await admin.post(`/api/broadcasts/${id}/start`)).status).toBe(409);
    expect((await admin.post(`/api/broadcasts/${id}/test`)).status).toBe(200);
    await t.control.waitFor({ chat_id: t.manager.id, text_includes: 'Новый тариф с 1 декабря' });
    expect(await settled(admin)).toMatchObject({ tested: true, testDelivery: 'delivered', testFailure: null, testDetail: null });

    const groupBefore = visible(await t.control.transcript(t.group)).length;
    const started = await startTested(admin, id);
    expect(started.body.state).toBe('sending');
    expect((await admin.post(`/api/broadcasts/${id}/start`)).status).toBe(409);
    expect((await admin.request('PUT', `/api/broadcasts/${id}`, { title: 'x', body: 'x', labels: ['vip'] })).status).toBe(409);

    const done = await waitDone(admin, id);
    expect(done.progress).toEqual({ total: 5, sent: 2, failed: 1, skipped: 2, left: 0 });
    const toAnna = (await botMessages(t, anna.id)).filter((m) => m.text?.includes('Новый тариф'));
    expect(toAnna.map((m) => m.text)).toEqual(['Здравствуйте, Анна! Новый тариф с 1 декабря']);
    expect(toAnna[0]!.entities).toEqual([{ type: 'bold', offset: 14, length: 4 }]);
    expect(toAnna[0]!.buttons?.flat().map((b) => b.text)).toEqual(['Отписаться']);
    const toBob = (await botMessages(t, bob.id)).filter((m) => m.text?.includes('Новый тариф'));
    expect(toBob[0]!.buttons?.flat().map((b) => b.text)).toEqual(['Unsubscribe']);
    for (const c of [spammer, quiet, other]) expect((await botMessages(t, c.id)).filter((m) => m.text?.includes('Новый тариф'))).toEqual([]);
    // Nothing of it in the managers' group.
    const group = visible(await t.control.transcript(t.group));
    expect(group.slice(groupBefore).filter((m) => m.text?.includes('Новый тариф'))).toEqual([]);

    const report = (await admin.get(`/api/broadcasts/${id}/report`)).body.items as Array<{ name: string; outcome: string; reason: string | null }>;
    expect(report.map((r) => [r.name, r.outcome, r.reason]).sort()).toEqual(
      [['Bob', 'sent', null], ['Анна', 'sent', null], ['Спамер', 'skipped', 'banned'], ['Тихон', 'skipped', 'opted_out'], ['Ушедший', 'failed', 'blocked']].sort(),
    );
    const csv = await fetch(`${t.hotline.url}/api/broadcasts/${id}/report.csv`, { headers: { cookie: admin.cookie } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const csvText = await csv.text();
    expect(csvText).toContain('"Ушедший";"";');
    // The username as Excel shows it: no `@` (which would start a formula), so no visible `'` guard (outside check).
    expect(csvText).toContain('"Bob";"li_wei_trade";');
    expect(csvText).not.toContain("'@");
    expect(csvText).toContain('"не доставлено";"клиент остановил бота или не запускал его"');

    // The client's history on the platform shows the broadcast they got.
    const [annaRow] = await t.hotline.database().db.select({ id: clients.id }).from(clients).where(eq(clients.telegramUserId, anna.id));
    const history = await admin.get(`/api/clients/${annaRow!.id}/history`);
    expect(history.body.entries.filter((e: { kind: string }) => e.kind === 'broadcast')).toMatchObject([{ kind: 'broadcast', status: 'sent', documentName: 'Новый тариф' }]);
  });

  it('the «Отписаться» button unsubscribes: the next broadcast skips the client; /start subscribes again', async () => {
    const vera = await t.newClient('Вера');
    await t.control.sendMessage({ from: vera.id, text: 'Добрый день' });
    await t.waitForTopic(vera);
    await label(t, vera, 'новости');
    const send = async (body: string) => {
      const created = await admin.post('/api/broadcasts', { title: body, body, labels: ['новости'] });
      await admin.post(`/api/broadcasts/${created.body.id}/test`);
      await startTested(admin, created.body.id);
      return waitDone(admin, created.body.id);
    };
    await send('Первая новость');
    const first = (await botMessages(t, vera.id)).find((m) => m.text === 'Первая новость')!;
    const answer = await t.control.pressButton({ chat_id: vera.id, from: vera.id, message_id: first.message_id, callback_data: 'bcast:off', wait_ms: 10_000 });
    expect(answer.answer?.text).toBe('Готово');
    await t.control.waitFor({ chat_id: vera.id, text_includes: 'Вы отписались от рассылок' });
    const second = await send('Вторая новость');
    expect(second.progress).toMatchObject({ total: 1, sent: 0, skipped: 1 });
    expect((await botMessages(t, vera.id)).filter((m) => m.text === 'Вторая новость')).toEqual([]);
    await t.control.sendMessage({ from: vera.id, text: '/start' });
    await t.control.waitFor({ chat_id: vera.id, text_includes: 'Вы снова получаете наши рассылки' });
    expect((await send('Третья новость')).progress).toMatchObject({ total: 1, sent: 1 });
  });

  it('an agent may not see or send broadcasts (403)', async () => {
    const list = await new ApiClient(t.hotline.url).get('/api/broadcasts');
    expect(list.status).toBe(401);
  });
});

describe('pacing under Telegram\'s limits', () => {
  let t: TelegramWorld;
  const start: StartOptions = { telegramLimits: false };
  afterAll(async () => {
    await t?.stop();
  });

  it('60 clients: no 429, each gets it exactly once across a restart in the middle, and a client\'s message is relayed meanwhile', async () => {
    t = await startTelegramWorld({ start });
    let admin = await signInAdminWithTelegram(t);
    // A restart listens on a new port: the same session there.
    const again = async () => {
      await t.restart();
      const next = new ApiClient(t.hotline.url);
      Object.assign(next, { cookie: admin.cookie, csrfToken: admin.csrfToken });
      admin = next;
    };
    const many: User[] = [];
    for (let i = 0; i < 60; i++) many.push(await t.newClient(`П${i}`));
    for (const c of many) await t.control.sendMessage({ from: c.id, text: 'Здравствуйте' });
    for (const c of many) await t.waitForTopic(c, { timeoutMs: 60_000 });
    for (const c of many) await label(t, c, 'все');
    const talker = many[0]!;
    // From now on Hotline keeps Telegram's real limits and the emulator enforces them (429 beyond).
    start.telegramLimits = TELEGRAM_LIMITS;
    await again();
    await t.control.setLimits({ enabled: true, time_scale: 1 });
    await t.control.resetStats();
    const created = await admin.post('/api/broadcasts', { title: 'Всем', body: 'Новость для всех', labels: ['все'] });
    await admin.post(`/api/broadcasts/${created.body.id}/test`);
    await t.control.waitFor({ chat_id: t.manager.id, text_includes: 'Новость для всех' });
    const startedAt = Date.now();
    await startTested(admin, created.body.id);
    await t.control.sendMessage({ from: talker.id, text: 'Вопрос во время рассылки' });
    // A restart in the middle: what was handed to the outbox is neither lost nor sent twice.
    await expect.poll(async () => (await admin.get(`/api/broadcasts/${created.body.id}`)).body.progress.sent, { timeout: 30_000, interval: 50 }).toBeGreaterThan(5);
    await again();
    const done = await waitDone(admin, created.body.id);
    const seconds = (Date.now() - startedAt) / 1000;
    expect(done.progress).toEqual({ total: 60, sent: 60, failed: 0, skipped: 0, left: 0 });
    for (const c of many) expect((await botMessages(t, c.id)).filter((m) => m.text === 'Новость для всех'), c.first_name).toHaveLength(1);
    await t.control.waitFor({ chat_id: t.group, text_includes: 'Вопрос во время рассылки', timeout_ms: 60_000 });
    const stats = await t.control.stats();
    expect(stats.too_many_requests).toBe(0);
    console.info(`broadcast: 60 clients in ${seconds.toFixed(1)} s (${(60 / seconds).toFixed(1)}/s, a restart included), 429s: ${stats.too_many_requests}`);
    // 60 topics, 60 labels, two restarts and a paced send: over 60 s on a loaded two-core machine (CI beside other work).
  }, 240_000);
});
