/**
 * Issue 19 (the outside check, fault 1) through the emulator: one of our
 * managers who writes to the bot privately — typically `/start`, to see what
 * clients see — is not made a client. No dialog, no topic in the managers'
 * group; the bot answers in the manager's language where the work happens.
 * A manager is a platform user of ours linked to the Telegram account (on
 * first use in the managers' group, or by an administrator); a disabled
 * account is no longer one, and a client stays a client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../src/db/schema.js';
import { startTelegramWorld, topicClientName, type TelegramWorld } from '../helpers/telegram.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient } from '../helpers/app.js';

let t: TelegramWorld;
let admin: ApiClient;
beforeAll(async () => {
  t = await startTelegramWorld();
  admin = new ApiClient(t.hotline.url);
  expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
});
afterAll(async () => {
  await t?.stop();
});

const topicNames = async () => (await t.control.transcript(t.group)).topics.filter((topic) => !topic.deleted).map((topic) => topicClientName(topic.name));
const dialogNames = async () => (await admin.get('/api/dialogs')).body.items.map((d: { clientName: string }) => d.clientName);

describe('a manager writing to the bot privately', () => {
  it('gets a short answer in Russian, and no dialog or topic is opened for them', async () => {
    // Known as a manager from the managers' group (any command there makes their platform account).
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, text: '/help' });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'Команды менеджера' });

    await t.control.sendMessage({ from: t.manager.id, text: '/start' });
    const answer = await t.control.waitFor({ chat_id: t.manager.id, text_includes: 'Вы менеджер Hotline' });
    const text = answer.messages.find((m) => m.text?.includes('Вы менеджер Hotline'))!.text!;
    expect(text).toContain('не становится диалогом с клиентом');
    expect(text).toContain('/help');
    // Written a second time, still no client: the same answer, nothing in the group.
    await t.control.sendMessage({ from: t.manager.id, text: 'Проверка, как видят клиенты' });
    await expect.poll(async () => (await t.control.transcript(t.manager.id)).messages.filter((m) => m.from?.is_bot && m.text?.includes('Вы менеджер Hotline')).length, { timeout: 15_000 }).toBe(2);
    expect(await topicNames()).not.toContain('Мария Менеджер');
    expect(await dialogNames()).not.toContain('Мария Менеджер');
  });

  it('an English-speaking manager gets it in English', async () => {
    const ann = await t.control.createUser({ first_name: 'Ann', last_name: 'Staff', username: 'ann_staff', language_code: 'en' });
    await t.control.addMember(t.group, { user_id: ann.id });
    await t.control.sendMessage({ from: ann.id, chat_id: t.group, text: '/help' });
    await expect.poll(async () => (await t.hotline.database().db.select({ id: users.id }).from(users).where(eq(users.telegramUserId, ann.id))).length, { timeout: 15_000 }).toBe(1);

    await t.control.sendMessage({ from: ann.id, text: '/start' });
    const answer = await t.control.waitFor({ chat_id: ann.id, text_includes: 'You are a Hotline manager' });
    expect(answer.messages.find((m) => m.from?.is_bot)!.text).toContain('does not become a client dialog');
    expect(await dialogNames()).not.toContain('Ann Staff');
  });

  it('an administrator linked to Telegram is staff too; a disabled manager and a client are clients', async () => {
    const boss = await t.control.createUser({ first_name: 'Главный', last_name: 'Админ', language_code: 'ru' });
    await t.hotline.database().db.update(users).set({ telegramUserId: boss.id }).where(eq(users.email, ADMIN_EMAIL));
    await t.control.sendMessage({ from: boss.id, text: '/start' });
    await t.control.waitFor({ chat_id: boss.id, text_includes: 'Вы менеджер Hotline' });

    const former = await t.control.createUser({ first_name: 'Бывший', last_name: 'Сотрудник', language_code: 'ru' });
    await t.control.addMember(t.group, { user_id: former.id });
    await t.control.sendMessage({ from: former.id, chat_id: t.group, text: '/help' });
    await expect.poll(async () => (await t.hotline.database().db.select({ id: users.id }).from(users).where(eq(users.telegramUserId, former.id))).length, { timeout: 15_000 }).toBe(1);
    await t.hotline.database().db.update(users).set({ disabledAt: new Date() }).where(eq(users.telegramUserId, former.id));
    await t.control.sendMessage({ from: former.id, text: 'Здравствуйте, теперь я клиент' });
    await t.waitForTopic(former, { textIncludes: 'теперь я клиент' });

    const client = await t.newClient('Обычный');
    await t.control.sendMessage({ from: client.id, text: '/start' });
    await t.waitForTopic(client, { textIncludes: '/start' });
    expect(await dialogNames()).toEqual(expect.arrayContaining(['Бывший Сотрудник', 'Обычный']));
    expect(await dialogNames()).not.toContain('Главный Админ');
  });
});
