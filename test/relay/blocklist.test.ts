/**
 * Issue 19.7, the blocklist, through the emulator and the platform's API: a
 * manager bans a client with `/ban причина` in the topic (or on the dialogs
 * page); the client's messages are stored but reach neither the topic nor any
 * request, the bot sends the client nothing; `/unban` (or the page) lets them
 * back and says how many messages came meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { ApiClient, signedInAdmin } from '../helpers/app.js';
import { acceptDeal } from '../documents/helpers.js';

let t: TelegramWorld;
let admin: ApiClient;
beforeAll(async () => {
  t = await startTelegramWorld();
  admin = await signedInAdmin(t.hotline.url);
});
afterAll(async () => {
  await t?.stop();
});

const botTexts = async (chatId: number) => (await t.control.transcript(chatId)).messages.filter((m) => m.from?.is_bot).map((m) => m.text ?? '');

describe('a manager puts a spammer on the blocklist from the topic', () => {
  it('/ban needs a reason; banned, the client\'s messages stay off the topic and the bot sends them nothing; /unban lets them back', async () => {
    const client = await t.newClient('Спамер', { username: 'spammer_1' });
    await t.control.sendMessage({ from: client.id, text: 'Купите криптовалюту' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Купите' });
    const say = (text: string) => t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text });
    const inTopic = { chat_id: t.group, message_thread_id: topic.threadId };

    await say('/ban');
    await t.control.waitFor({ ...inTopic, text_includes: 'Напишите причину через пробел: /ban спам' });

    await say('/ban реклама криптовалюты');
    await t.control.waitFor({ ...inTopic, text_includes: '⛔️ Клиент в чёрном списке (Мария Менеджер): реклама криптовалюты' });
    const botMessagesBefore = (await botTexts(client.id)).length;

    // The client writes on: stored (the blocklist shows what they wrote last), not relayed.
    await t.control.sendMessage({ from: client.id, text: 'Снова спам' });
    const listed = async () =>
      (await admin.get('/api/dialogs?banned=true')).body.items.find((d: { clientUsername: string }) => d.clientUsername === 'spammer_1') as
        | { ban: { reason: string }; lastMessageText: string }
        | undefined;
    await expect.poll(async () => (await listed())?.lastMessageText, { timeout: 10_000 }).toBe('Снова спам');
    expect((await listed())!.ban.reason).toBe('реклама криптовалюты');
    expect((await admin.get('/api/dialogs?banned=false')).body.items.some((d: { clientUsername: string }) => d.clientUsername === 'spammer_1')).toBe(false);

    // A manager's answer is kept as a note, not sent, and the topic says why.
    await say('Не пишите нам больше');
    await t.control.waitFor({ ...inTopic, text_includes: 'Сообщение не отправлено клиенту. Клиент в чёрном списке. Вернуть: /unban' });
    await say('/ban ещё раз');
    await t.control.waitFor({ ...inTopic, text_includes: 'Клиент уже в чёрном списке: реклама криптовалюты' });

    await say('/unban');
    await t.control.waitFor({ ...inTopic, text_includes: '✅ Клиент убран из чёрного списка (Мария Менеджер). За это время он написал 1 сообщение — оно на платформе.' });
    await say('/unban');
    await t.control.waitFor({ ...inTopic, text_includes: 'Клиента нет в чёрном списке.' });

    await t.control.sendMessage({ from: client.id, text: 'Теперь по делу: инвойс' });
    const after = await t.control.waitFor({ ...inTopic, text_includes: 'Теперь по делу' });
    const topicTexts = visible(after).map((m) => m.text ?? '');
    expect(topicTexts).not.toContain('Снова спам');
    expect(topicTexts).toContain('Не пишите нам больше');
    // Nothing reached the client while banned: not the manager's answer, no greeting, no notice.
    const clientBotTexts = await botTexts(client.id);
    expect(clientBotTexts.length).toBe(botMessagesBefore);
    expect(clientBotTexts.join('\n')).not.toContain('Не пишите нам больше');

    await say('Здравствуйте, слушаю вас');
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Здравствуйте, слушаю вас' });
  });

  it('/ban outside a client\'s topic says where it works', async () => {
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, text: '/ban спам' });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'Эта команда работает в теме клиента.' });
  });
});

describe('the blocklist on the platform is the same command', () => {
  it('a ban from the page reaches the topic, needs a reason, refuses sends to the client; only our staff may ban', async () => {
    const client = await t.newClient('Навязчивый');
    await t.control.sendMessage({ from: client.id, text: 'Ответьте срочно' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Ответьте' });
    const deal = await acceptDeal(t, topic.threadId);
    const dialogs = await admin.get('/api/dialogs');
    const dialogId = dialogs.body.items.find((d: { clientName: string }) => d.clientName === 'Навязчивый').id;

    const noReason = await admin.request('PUT', `/api/dialogs/${dialogId}/ban`, { reason: '   ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.fields.reason).toBe('Напишите причину');
    // The page translates the refusal by its code (src/core/messageCodes.ts).
    expect(noReason.body.fieldCodes.reason).toEqual({ code: 'ban.reasonRequired' });
    expect((await admin.request('PUT', '/api/dialogs/999999/ban', { reason: 'x' })).status).toBe(404);

    const banned = await admin.request('PUT', `/api/dialogs/${dialogId}/ban`, { reason: 'грубит' });
    expect(banned.status).toBe(200);
    expect(banned.body).toMatchObject({ banned: true, reason: 'грубит', changed: true });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'Клиент в чёрном списке (Администратор): грубит' });

    // The request's chat still reaches the topic, but nothing goes to the client, and the page says why.
    const toClient = await deal.manager.post(`/api/requests/${deal.requestId}/messages`, { text: 'Платёж отправлен', sendTo: 'client' });
    expect(toClient.status).toBe(400);
    expect(toClient.body.fields.sendTo).toContain('Клиент в чёрном списке');
    expect((await deal.manager.post(`/api/requests/${deal.requestId}/messages`, { text: 'Для коллег', sendTo: 'topic' })).status).toBe(200);

    // Someone who is not our staff is refused and changes nothing.
    const customer = new ApiClient(t.hotline.url);
    const org = await admin.post('/api/admin/organizations', { name: 'ООО Заказчик бана', kind: 'customer' });
    await admin.post('/api/admin/users', { organizationId: org.body.id, role: 'customer', email: 'ban-customer@test.local', name: 'Заказчик', password: 'password-123456' });
    expect((await customer.signIn('ban-customer@test.local', 'password-123456')).status).toBe(200);
    expect((await customer.request('DELETE', `/api/dialogs/${dialogId}/ban`)).status).toBe(403);

    const lifted = await admin.request('DELETE', `/api/dialogs/${dialogId}/ban`);
    expect(lifted.body).toMatchObject({ banned: false, changed: true });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'За это время он ничего не писал.' });
  });
});
