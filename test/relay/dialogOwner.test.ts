/**
 * Issue 19.2 through the emulator and the platform's API: who is responsible
 * for a dialog. The first manager to answer takes it (DIALOG_ASSIGNMENT's
 * default); `/take`, `/assign @username` (or as a reply to a colleague) and
 * `/release` change it with one line in the topic; the client card shows the
 * owner; the dialogs list filters «my dialogs»; with round-robin, new dialogs
 * go in turn to the managers on shift (`/shift on`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '@grammyjs/types';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient } from '../helpers/app.js';

const cardOf = async (t: TelegramWorld, threadId: number) => visible(await t.control.transcript(t.group, { thread_id: threadId })).find((m) => m.text?.startsWith('👤 '))?.text ?? '';

describe('who handles a dialog', () => {
  let t: TelegramWorld;
  let admin: ApiClient;
  let colleague: User;
  beforeAll(async () => {
    t = await startTelegramWorld();
    admin = new ApiClient(t.hotline.url);
    expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
    colleague = await t.control.createUser({ first_name: 'Олег', last_name: 'Коллега', username: 'oleg_colleague' });
    await t.control.addMember(t.group, { user_id: colleague.id });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the first answer takes the dialog; /take, /assign, /release say so in the topic and on the card', async () => {
    const client = await t.newClient('Ответственный');
    await t.control.sendMessage({ from: client.id, text: 'Нужна помощь с платежом' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Нужна помощь' });
    const inTopic = { chat_id: t.group, message_thread_id: topic.threadId };
    const say = (from: User, text: string, extra: { reply_to_message_id?: number } = {}) =>
      t.control.sendMessage({ from: from.id, chat_id: t.group, message_thread_id: topic.threadId, text, ...extra });
    await expect.poll(() => cardOf(t, topic.threadId), { timeout: 15_000 }).toContain('Ответственный: нет — взять: /take');

    await say(t.manager, 'Здравствуйте! Сейчас посмотрю');
    await expect.poll(() => cardOf(t, topic.threadId), { timeout: 15_000 }).toContain('Ответственный: Мария Менеджер');

    // Олег has never typed a command here: the bot does not know his @username yet, and says what to do.
    await say(t.manager, '/assign @oleg_colleague');
    await t.control.waitFor({ ...inTopic, text_includes: 'Не знаю менеджера @oleg_colleague' });
    await say(colleague, '/help');
    await say(t.manager, '/assign @Oleg_Colleague');
    const handed = '👤 Диалог передан: теперь его ведёт Олег Коллега (передал(а) Мария Менеджер).';
    const handedOver = (await t.control.waitFor({ ...inTopic, text_includes: handed })).messages.findLast((m) => m.text?.includes(handed))!;
    // Олег is mentioned, so Telegram notifies him (the emulator keeps tg://user links as text_link entities); Мария did it herself.
    expect(handedOver.entities).toEqual([expect.objectContaining({ type: 'text_link', url: `tg://user?id=${colleague.id}`, offset: handed.indexOf('Олег'), length: 'Олег Коллега'.length })]);
    await expect.poll(() => cardOf(t, topic.threadId), { timeout: 15_000 }).toContain('Ответственный: Олег Коллега');

    await say(colleague, '/take');
    await t.control.waitFor({ ...inTopic, text_includes: 'Диалог уже ведёт Олег Коллега.' });
    await say(t.manager, '/assign');
    await t.control.waitFor({ ...inTopic, text_includes: 'Кому передать диалог?' });
    // A name instead of a @username: said what is expected, nothing changes hands.
    await say(t.manager, '/assign Олег');
    await t.control.waitFor({ ...inTopic, text_includes: '«Олег» — не @username. Передать диалог: /assign @username коллеги' });

    await say(colleague, '/release');
    await t.control.waitFor({ ...inTopic, text_includes: '👤 У диалога больше нет ответственного (снял(а) Олег Коллега). Взять: /take' });
    await say(t.manager, '/take');
    await t.control.waitFor({ ...inTopic, text_includes: '👤 Диалог ведёт Мария Менеджер.' });

    // Handing over by replying to a colleague's message.
    const [note] = await say(colleague, '! я возьму, знаю клиента');
    await say(t.manager, '/assign', { reply_to_message_id: note!.message_id });
    await t.control.waitFor({ ...inTopic, text_includes: 'теперь его ведёт Олег Коллега' });
    // /take of a colleague's dialog takes it over, and says from whom: nobody loses a dialog unseen.
    await say(t.manager, '/take');
    const takenFrom = '👤 Диалог ведёт Мария Менеджер (до этого вёл(а) Олег Коллега).';
    const taken = (await t.control.waitFor({ ...inTopic, text_includes: takenFrom })).messages.findLast((m) => m.text?.includes(takenFrom))!;
    // The one who lost the dialog is mentioned (notified); the one who took it is not.
    expect(taken.entities).toEqual([expect.objectContaining({ type: 'text_link', url: `tg://user?id=${colleague.id}` })]);

    // /shift on where dialogs are not dealt in turn (the default, first answer): says how dialogs get an owner here,
    // in the managers' words, not the setting's name.
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, text: '/shift on' });
    const shiftNote = 'Смена отмечена. Новые диалоги по очереди не раздаются: диалог ведёт тот, кто первым ответит клиенту, или его берут командой /take.';
    const shifted = (await t.control.waitFor({ chat_id: t.group, text_includes: shiftNote })).messages.findLast((m) => m.text?.includes(shiftNote))!;
    expect(shifted.text).not.toContain('DIALOG_ASSIGNMENT');
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, text: '/shift off' });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'На смене: никого' });
    // Off shift already: said so, not «Смена закончена» again.
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, text: '/shift off' });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'Вы и так не на смене.' });

    // The client never sees any of it.
    const clientChat = (await t.control.transcript(client.id)).messages.map((m) => m.text ?? '').join('\n');
    expect(clientChat).not.toMatch(/Ответственный|ведёт|assign|take/);
  });

  it('the dialogs page: «my dialogs», taking and handing over through the same command; outsiders refused', async () => {
    const client = await t.newClient('Платформенный');
    await t.control.sendMessage({ from: client.id, text: 'Вопрос по заявке' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Вопрос по заявке' });
    const dialogId = (await admin.get('/api/dialogs')).body.items.find((d: { clientName: string }) => d.clientName === 'Платформенный').id;
    const me = (await admin.get('/api/auth/me')).body.user.id as number;

    expect((await admin.get('/api/dialogs?owner=none')).body.items.map((d: { id: number }) => d.id)).toContain(dialogId);
    const taken = await admin.request('PUT', `/api/dialogs/${dialogId}/owner`, { userId: me });
    expect(taken.body).toEqual({ owner: { userId: me, name: 'Администратор' }, changed: true });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: '👤 Диалог ведёт Администратор.' });
    const mine = (await admin.get('/api/dialogs?owner=me')).body;
    expect(mine.items.map((d: { id: number }) => d.id)).toEqual([dialogId]);
    // The page's empty «Мои» names how a dialog becomes yours here: the default, the first answer.
    expect(mine.dialogAssignment).toBe('first_answer');

    const managers = (await admin.get('/api/dialogs/managers')).body.items as Array<{ userId: number; name: string }>;
    const oleg = managers.find((m) => m.name === 'Олег Коллега')!;
    await admin.request('PUT', `/api/dialogs/${dialogId}/owner`, { userId: oleg.userId });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'теперь его ведёт Олег Коллега (передал(а) Администратор)' });
    expect((await admin.get(`/api/dialogs?owner=${oleg.userId}`)).body.items.map((d: { id: number }) => d.id)).toContain(dialogId);

    const outsider = await admin.request('PUT', `/api/dialogs/${dialogId}/owner`, { userId: 999_999 });
    expect(outsider.status).toBe(400);
    // Beside the field the body sent (`userId`), not the command's name for it.
    expect(Object.keys(outsider.body.fields)).toEqual(['userId']);
    expect(outsider.body.fields.userId).toContain('только менеджер нашей организации');
    expect((await admin.get('/api/dialogs?owner=someone')).status).toBe(400);

    const customer = new ApiClient(t.hotline.url);
    const org = await admin.post('/api/admin/organizations', { name: 'ООО Чужие', kind: 'customer' });
    await admin.post('/api/admin/users', { organizationId: org.body.id, role: 'customer', email: 'owner-customer@test.local', name: 'Чужой', password: 'password-123456' });
    expect((await customer.signIn('owner-customer@test.local', 'password-123456')).status).toBe(200);
    expect((await customer.request('PUT', `/api/dialogs/${dialogId}/owner`, { userId: null })).status).toBe(403);
    expect((await customer.get('/api/dialogs/managers')).status).toBe(403);
  });
});

describe('round-robin among managers on shift', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    t = await startTelegramWorld({ env: { DIALOG_ASSIGNMENT: 'round_robin' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('new dialogs are dealt in turn to those on shift; nobody on shift leaves them to the first answer', async () => {
    const second = await t.control.createUser({ first_name: 'Сергей', username: 'sergey_shift' });
    await t.control.addMember(t.group, { user_id: second.id });
    const general = (from: User, text: string) => t.control.sendMessage({ from: from.id, chat_id: t.group, text });
    await general(t.manager, '/shift on');
    await t.control.waitFor({ chat_id: t.group, text_includes: 'На смене: Мария Менеджер' });
    await general(second, '/shift on');
    await t.control.waitFor({ chat_id: t.group, text_includes: 'На смене: Мария Менеджер, Сергей' });

    const owners: string[] = [];
    for (const name of ['Первый', 'Второй', 'Третий']) {
      const client = await t.newClient(name);
      await t.control.sendMessage({ from: client.id, text: `Здравствуйте, это ${name}` });
      const topic = await t.waitForTopic(client, { textIncludes: 'Здравствуйте' });
      await expect.poll(() => cardOf(t, topic.threadId), { timeout: 15_000 }).toMatch(/Ответственный: /);
      owners.push(/Ответственный: (.+)/.exec(await cardOf(t, topic.threadId))![1]!);
    }
    expect(owners).toEqual(['Мария Менеджер', 'Сергей', 'Мария Менеджер']);

    await general(t.manager, '/shift off');
    await general(second, '/shift off');
    await t.control.waitFor({ chat_id: t.group, text_includes: 'На смене: никого' });
    const late = await t.newClient('Ночной');
    await t.control.sendMessage({ from: late.id, text: 'Есть кто?' });
    const topic = await t.waitForTopic(late, { textIncludes: 'Есть кто?' });
    await expect.poll(() => cardOf(t, topic.threadId), { timeout: 15_000 }).toContain('Ответственный: нет — взять: /take');
    // The dialogs page is told the way, so its empty «Мои» speaks of shifts.
    const admin = new ApiClient(t.hotline.url);
    expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
    expect((await admin.get('/api/dialogs?owner=me')).body.dialogAssignment).toBe('round_robin');
  });
});
