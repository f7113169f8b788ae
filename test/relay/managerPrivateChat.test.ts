/**
 * Issue 19 (the outside check, fault 1) through the emulator: one of our
 * managers who writes to the bot privately — typically `/start`, to see what
 * clients see — is not made a client. No dialog, no topic in the managers'
 * group; the bot answers in the manager's language where the work happens.
 * Staff are platform users of ours linked to the Telegram account (on first
 * use in the managers' group, or by an administrator) and — the team24
 * outside check, fault 1 — anyone who is a member of a managers' group with
 * no account linked yet. The answer follows the writer's language and is not
 * repeated on every message (fault 2): once a day, and again when what they
 * are changes (linked ↔ member). Someone who left the group and has no
 * enabled account is a client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../src/db/schema.js';
import { startTelegramWorld, topicClientName, type TelegramWorld } from '../helpers/telegram.js';
import { ADMIN_EMAIL, ApiClient, signedInAdmin } from '../helpers/app.js';

let t: TelegramWorld;
let admin: ApiClient;
beforeAll(async () => {
  t = await startTelegramWorld();
  admin = await signedInAdmin(t.hotline.url);
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
    // Written a second time, still no client — and the answer is not repeated on every message
    // (the outside check, fault 2): the bot stays quiet, nothing lands in the group.
    await t.control.sendMessage({ from: t.manager.id, text: 'Проверка, как видят клиенты' });
    // Their account disabled, they are still in the managers' group: staff of the other kind, told how to link
    // (one chat's updates are applied in order, so this answer also shows the second message got none).
    await t.hotline.database().db.update(users).set({ disabledAt: new Date() }).where(eq(users.telegramUserId, t.manager.id));
    await t.control.sendMessage({ from: t.manager.id, text: 'А так?' });
    await t.control.waitFor({ chat_id: t.manager.id, text_includes: 'ещё не связан' });
    const answers = (await t.control.transcript(t.manager.id)).messages.filter((m) => m.from?.is_bot).map((m) => m.text!);
    expect(answers).toHaveLength(2);
    expect(answers[0]).toContain('Вы менеджер Hotline');
    expect(answers[1]).toContain('Вы в группе менеджеров Hotline, но ваш Telegram ещё не связан');
    expect(answers[1]).toContain('отправьте /help в группе менеджеров');
    await t.hotline.database().db.update(users).set({ disabledAt: null }).where(eq(users.telegramUserId, t.manager.id));
    expect(await topicNames()).not.toContain('Мария Менеджер');
    expect(await dialogNames()).not.toContain('Мария Менеджер');
  });

  it('a member of the managers\' group with no account linked is not a client either; /help in the group links them', async () => {
    const petr = await t.control.createUser({ first_name: 'Пётр', last_name: 'Новичок', language_code: 'ru' });
    await t.control.addMember(t.group, { user_id: petr.id });
    await t.control.sendMessage({ from: petr.id, text: '/start' });
    await t.control.waitFor({ chat_id: petr.id, text_includes: 'ещё не связан с учётной записью' });
    await t.control.sendMessage({ from: petr.id, text: 'Здравствуйте, проверяю бота' });
    // Linked from the group, the next private message gets the linked manager's answer — and only that one more.
    await t.control.sendMessage({ from: petr.id, chat_id: t.group, text: '/help' });
    await expect.poll(async () => (await t.hotline.database().db.select({ id: users.id }).from(users).where(eq(users.telegramUserId, petr.id))).length, { timeout: 15_000 }).toBe(1);
    await t.control.sendMessage({ from: petr.id, text: 'А теперь?' });
    await t.control.waitFor({ chat_id: petr.id, text_includes: 'Вы менеджер Hotline' });
    const answers = (await t.control.transcript(petr.id)).messages.filter((m) => m.from?.is_bot).map((m) => m.text!);
    expect(answers).toHaveLength(2);
    expect(answers[0]).toContain('ещё не связан');
    expect(answers[1]).toContain('Вы менеджер Hotline');
    expect(await topicNames()).not.toContain('Пётр Новичок');
    expect(await dialogNames()).not.toContain('Пётр Новичок');
  });

  it('a client who joins the managers\' group: their old topic stays, their new words are not relayed into it; out of the group, a client again', async () => {
    const olga = await t.newClient('Ольга', { last_name: 'Клиентова', language_code: 'en' });
    await t.control.sendMessage({ from: olga.id, text: 'Нужна оплата' });
    await t.waitForTopic(olga, { textIncludes: 'Нужна оплата' });

    await t.control.addMember(t.group, { user_id: olga.id });
    await t.control.sendMessage({ from: olga.id, text: 'Я теперь у вас работаю' });
    // In her Telegram's language (en), telling the truth: she has a topic, her words here are not passed into it
    // while she is in the group — not «no topic is made for you».
    const told = await t.control.waitFor({ chat_id: olga.id, text_includes: 'not passed to your client topic' });
    expect(told.messages.filter((m) => m.from?.is_bot).at(-1)!.text).toBe(
      "You are in the Hotline managers' group: while you are in it, what you write here is not passed to your client topic. To write as a client, leave the group or use another Telegram account.",
    );

    await t.control.addMember(t.group, { user_id: olga.id, status: 'left' });
    await t.control.sendMessage({ from: olga.id, text: 'Снова клиент' });
    const topic = await t.waitForTopic(olga, { textIncludes: 'Снова клиент' });
    const texts = topic.messages.map((m) => m.text ?? '').join('\n');
    expect(texts).toContain('Нужна оплата');
    expect(texts).not.toContain('Я теперь у вас работаю');
  });

  it('a client with a topic who becomes a linked manager is told their words here do not reach their topic, in Russian', async () => {
    const ivan = await t.newClient('Иван', { last_name: 'Двойной', language_code: 'ru' });
    await t.control.sendMessage({ from: ivan.id, text: 'Здравствуйте, нужен платёж' });
    await t.waitForTopic(ivan, { textIncludes: 'нужен платёж' });

    await t.control.addMember(t.group, { user_id: ivan.id });
    await t.control.sendMessage({ from: ivan.id, text: 'Это я, уже из группы' });
    await t.control.waitFor({ chat_id: ivan.id, text_includes: 'пока вы в ней' });
    // Linked from the group: the linked manager's version of the same truth.
    await t.control.sendMessage({ from: ivan.id, chat_id: t.group, text: '/help' });
    await expect.poll(async () => (await t.hotline.database().db.select({ id: users.id }).from(users).where(eq(users.telegramUserId, ivan.id))).length, { timeout: 15_000 }).toBe(1);
    await t.control.sendMessage({ from: ivan.id, text: 'А теперь?' });
    await t.control.waitFor({ chat_id: ivan.id, text_includes: 'Вы менеджер Hotline' });

    const answers = (await t.control.transcript(ivan.id)).messages.filter((m) => m.from?.is_bot).map((m) => m.text!);
    const [, member, linked] = answers; // the first is the client's greeting
    expect(answers).toHaveLength(3);
    expect(member).toBe(
      'Вы в группе менеджеров Hotline: пока вы в ней, то, что вы пишете здесь, не передаётся в вашу тему клиента. Чтобы писать как клиент, выйдите из группы или напишите с другого аккаунта Telegram.',
    );
    expect(linked).toMatch(/^Вы менеджер Hotline: ваш Telegram связан с учётной записью на платформе, поэтому то, что вы пишете здесь, не передаётся в вашу тему клиента\. Чтобы писать как клиент, напишите с другого аккаунта Telegram\. Заявки, диалоги и оценки — на платформе: http/);
    for (const text of answers) expect(text).not.toContain('тема для вас не создаётся');
    const topic = await t.waitForTopic(ivan, { textIncludes: 'нужен платёж' });
    const texts = topic.messages.map((m) => m.text ?? '').join('\n');
    expect(texts).not.toContain('уже из группы');
    expect(texts).not.toContain('А теперь?');
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

  it('an account an administrator made (stored language: the default Russian) answers in the Telegram language of the manager', async () => {
    const bob = await t.control.createUser({ first_name: 'Bob', last_name: 'Linked', language_code: 'en-GB' });
    const ours = (await admin.get('/api/admin/users')).body.find((u: { email: string | null }) => u.email === ADMIN_EMAIL).organizationId;
    const created = await admin.post('/api/admin/users', { organizationId: ours, role: 'manager', email: 'bob@test.local', name: 'Bob Linked', password: 'long-enough-pw', telegramUserId: bob.id });
    expect(created.status).toBe(200);
    await t.control.sendMessage({ from: bob.id, text: 'hello' });
    const answer = await t.control.waitFor({ chat_id: bob.id, text_includes: 'You are a Hotline manager' });
    expect(answer.messages.find((m) => m.from?.is_bot)!.text).toContain('does not become a client dialog');
    expect(await dialogNames()).not.toContain('Bob Linked');
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
    // Disabled and out of the managers' group: a client.
    await t.control.addMember(t.group, { user_id: former.id, status: 'left' });
    await t.control.sendMessage({ from: former.id, text: 'Здравствуйте, теперь я клиент' });
    await t.waitForTopic(former, { textIncludes: 'теперь я клиент' });

    const client = await t.newClient('Обычный');
    await t.control.sendMessage({ from: client.id, text: '/start' });
    await t.waitForTopic(client, { textIncludes: '/start' });
    expect(await dialogNames()).toEqual(expect.arrayContaining(['Бывший Сотрудник', 'Обычный']));
    expect(await dialogNames()).not.toContain('Главный Админ');
  });

  it('a client\'s messages cost Telegram one membership question, not one each; a join the group shows counts at once', async () => {
    const asked = async () => (await t.control.stats()).calls.getChatMember ?? 0;
    const vera = await t.newClient('Вера', { last_name: 'Частая' });
    const before = await asked();
    for (const text of ['Первое', 'Второе', 'Третье', 'Четвёртое']) await t.control.sendMessage({ from: vera.id, text });
    await t.waitForTopic(vera, { textIncludes: 'Четвёртое' });
    expect(await asked()).toBe(before + 1);
    // Added to the group: the bot administers it and hears of the change (chat_member), so her next words are a colleague's at once.
    await t.control.addMember(t.group, { user_id: vera.id });
    await t.control.sendMessage({ from: vera.id, text: 'Теперь я в команде' });
    // She has a topic: told her words here are not passed into it while she is in the group.
    await t.control.waitFor({ chat_id: vera.id, text_includes: 'не передаётся в вашу тему клиента' });
    expect(await asked()).toBe(before + 1);
    const topic = await t.waitForTopic(vera, { textIncludes: 'Четвёртое' });
    expect(topic.messages.map((m) => m.text ?? '').join('\n')).not.toContain('Теперь я в команде');
  });
});
