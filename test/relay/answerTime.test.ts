/**
 * Issue 19.3 through the emulator and the platform's API: the answer-time
 * promise. A client waiting longer than ANSWER_TIME_LIMIT_MINUTES of working
 * time gets ONE reminder per wait in the topic, mentioning the dialog's owner
 * (or addressed to the group); many late dialogs at once do not flood the
 * group; outside working hours the client gets one automatic answer per
 * off-hours period in their language. Time is controlled by the working hours
 * the administrator sets (now inside / outside) and by backdating the wait in
 * the database — never by sleeping.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '@grammyjs/types';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient } from '../helpers/app.js';
import { remindLateDialogs } from '../../src/commands/answerTime.js';
import { REMIND_LATE_DIALOGS } from '../../src/jobs/dialogStatus.js';
import { editsMovedBack, hoursInForceAllAlong } from '../helpers/workingHours.js';
import { runJobToEnd } from '../helpers/jobs.js';
import { BLOCKED_NOTICE, UNBLOCKED_NOTICE } from '../../src/commands/setClientBlocked.js';
import { UNDELIVERED_NOTICE } from '../../src/jobs/telegramOutbox.js';

const ALWAYS = { start: '00:00', end: '24:00' };

async function dialogWith(t: TelegramWorld, name: string, text: string, extra: Partial<Pick<User, 'language_code'>> = {}) {
  const client = await t.newClient(name, extra);
  await t.control.sendMessage({ from: client.id, text });
  const topic = await t.waitForTopic(client, { textIncludes: text });
  const say = (text: string, from: User = t.manager) => t.control.sendMessage({ from: from.id, chat_id: t.group, message_thread_id: topic.threadId, text });
  return { client, topic, say, inTopic: { chat_id: t.group, message_thread_id: topic.threadId } };
}

/** Waits for a message holding `text` where given, and returns it. */
async function waitText(t: TelegramWorld, where: { chat_id: number; message_thread_id?: number }, text: string) {
  const transcript = await t.control.waitFor({ ...where, text_includes: text });
  return transcript.messages.findLast((m) => m.text?.includes(text))!;
}

/** The reminders in a topic so far. */
const remindersIn = async (t: TelegramWorld, threadId: number) =>
  visible(await t.control.transcript(t.group, { thread_id: threadId })).filter((m) => m.text?.startsWith('⏰'));

/** The client waits since `minutes` ago (the test's clock: the stored wait moved back). */
async function backdate(t: TelegramWorld, threadId: number, minutes: number) {
  await t.hotline.database().pool.query(`update dialogs set waiting_since = now() - make_interval(mins => $1) where managers_chat_id = $2 and topic_id = $3 and waiting_since is not null`, [
    minutes,
    t.group,
    threadId,
  ]);
}

describe('the answer-time promise', () => {
  let t: TelegramWorld;
  let admin: ApiClient;
  const hours = (body: Record<string, unknown>) => admin.request('PUT', '/api/admin/working-hours', { week: Array(7).fill(ALWAYS), holidays: [], workdays: [], offHoursAnswer: true, ...body });
  beforeAll(async () => {
    t = await startTelegramWorld({ env: { ANSWER_TIME_LIMIT_MINUTES: '10', BUSINESS_TIME_ZONE: 'Europe/Moscow' } });
    admin = new ApiClient(t.hotline.url);
    expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
    // Working all week round the clock: «now» is always inside working hours — and was, for waits the tests backdate.
    expect((await hours({})).status).toBe(200);
    await hoursInForceAllAlong(t.hotline.database());
    // The once-a-minute schedule off: a run of it between a test's backdating and its own call would send the
    // reminder first (the call then answering 0). The job's worker stays; the tests send it its job themselves.
    await t.hotline.jobs().boss.unschedule(REMIND_LATE_DIALOGS);
  });
  // Each test starts from hours worked round the clock, in force all along, whatever a failed one left.
  afterEach(async () => {
    expect((await hours({})).status).toBe(200);
    await hoursInForceAllAlong(t.hotline.database());
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('a client waiting longer than the limit: one reminder in the topic mentioning the owner; not repeated for the same wait', async () => {
    const { client, topic, say, inTopic } = await dialogWith(t, 'Торопыга', 'Где мой платёж?');
    await say('/take');
    await t.control.waitFor({ ...inTopic, text_includes: '👤 Диалог ведёт Мария Менеджер' });
    // /take is not an answer: the client still waits. 5 minutes: not late yet.
    await backdate(t, topic.threadId, 5);
    expect(await remindLateDialogs(t.hotline.context())).toBe(0);

    await backdate(t, topic.threadId, 11);
    expect(await remindLateDialogs(t.hotline.context())).toBe(1);
    const reminder = await waitText(t, { ...inTopic }, '⏰ Клиент ждёт ответа уже 11 мин рабочего времени (обещаем отвечать за 10 мин). Мария Менеджер, ответьте, пожалуйста.');
    // A Telegram mention of the manager's account (the emulator keeps tg://user links as text_link entities).
    expect(reminder.entities).toContainEqual(expect.objectContaining({ type: 'text_link', url: `tg://user?id=${t.manager.id}` }));

    // The client writes again: the same wait, no second reminder; the scheduled job does not repeat it either.
    await t.control.sendMessage({ from: client.id, text: 'Ау?' });
    await t.control.waitFor({ ...inTopic, text_includes: 'Ау?' });
    expect(await remindLateDialogs(t.hotline.context())).toBe(0);
    // Its run ends before the next step (a run still pending would remind the wait backdated below first).
    await runJobToEnd(t.hotline.jobs().boss, REMIND_LATE_DIALOGS);
    expect(await remindersIn(t, topic.threadId)).toHaveLength(1);
    // The client never sees a reminder.
    expect((await t.control.transcript(client.id)).messages.map((m) => m.text ?? '').join('\n')).not.toContain('⏰');

    // We answer, the client writes again and waits too long again: a new wait, a new reminder.
    await say('Смотрю');
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Смотрю' });
    await t.control.sendMessage({ from: client.id, text: 'И?' });
    await t.control.waitFor({ ...inTopic, text_includes: 'И?' });
    await backdate(t, topic.threadId, 30);
    expect(await remindLateDialogs(t.hotline.context())).toBe(1);
    await expect.poll(async () => (await remindersIn(t, topic.threadId)).length, { timeout: 15_000 }).toBe(2);
  });

  it('the scheduled job reminds a dialog without an owner, addressed to the group', async () => {
    const { topic, inTopic } = await dialogWith(t, 'Ничейный', 'Есть кто?');
    await backdate(t, topic.threadId, 15);
    await runJobToEnd(t.hotline.jobs().boss, REMIND_LATE_DIALOGS);
    const reminder = await waitText(t, { ...inTopic }, '⏰ Клиент ждёт ответа уже 15 мин');
    expect(reminder.text).toContain('а ответственного нет. Ответьте, пожалуйста, или возьмите диалог: /take');
    expect(await remindersIn(t, topic.threadId)).toHaveLength(1);
  });

  it('the waiting time counts working time only: a wait that began outside working hours is not late yet', async () => {
    // Today is a holiday and the wait began 3 hours ago: no working time has passed. In the first 3 hours after
    // Moscow's midnight the wait began yesterday, so yesterday is a holiday too (the test ran at 00:07 MSK once).
    const moscowDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(at);
    const holidays = [...new Set([moscowDay(new Date(Date.now() - 190 * 60_000)), moscowDay(new Date())])];
    expect((await hours({ holidays, offHoursAnswer: false })).status).toBe(200);
    await hoursInForceAllAlong(t.hotline.database());
    const { topic } = await dialogWith(t, 'Праздничный', 'С праздником! Вопрос');
    await backdate(t, topic.threadId, 180);
    expect(await remindLateDialogs(t.hotline.context())).toBe(0);
    expect(await remindersIn(t, topic.threadId)).toHaveLength(0);
    const listed = async () => (await admin.get('/api/dialogs?limit=200')).body.items.find((d: { clientName: string }) => d.clientName === 'Праздничный');
    expect(await listed()).toMatchObject({ waitedWorkingMinutes: 0, late: false });

    // The administrator makes today a working day again. The 3 hours before the edit were a holiday then and stay so:
    // the wait is not recounted and not late; its working time runs from the edit on.
    expect((await hours({})).status).toBe(200);
    expect(await remindLateDialogs(t.hotline.context())).toBe(0);
    expect(await listed()).toMatchObject({ waitedWorkingMinutes: 0, late: false });
    // The test's clock: the edit was 11 minutes ago — 11 minutes of working time under the new hours, late.
    await editsMovedBack(t.hotline.database(), 11);
    expect(await listed()).toMatchObject({ waitedWorkingMinutes: 11, late: true });
    expect(await remindLateDialogs(t.hotline.context())).toBe(1);
    await expect.poll(async () => (await remindersIn(t, topic.threadId)).length, { timeout: 15_000 }).toBe(1);
    expect((await remindersIn(t, topic.threadId))[0]!.text).toContain('⏰ Клиент ждёт ответа уже 11 мин рабочего времени');
    await hoursInForceAllAlong(t.hotline.database());
  });

  it('an edit of the hours does not undo a wait that was already late, nor the «waiting too long» list', async () => {
    const { topic } = await dialogWith(t, 'Давно ждущий', 'Жду ответа');
    await backdate(t, topic.threadId, 30);
    const listed = async () => (await admin.get('/api/dialogs?late=true&limit=200')).body.items.find((d: { clientName: string }) => d.clientName === 'Давно ждущий');
    expect(await listed()).toMatchObject({ waitedWorkingMinutes: 30, late: true });
    // Today becomes a holiday from now on: the 30 minutes already waited in working time stay, the list still shows them.
    const moscowDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
    expect((await hours({ holidays: [moscowDay], offHoursAnswer: false })).status).toBe(200);
    expect(await listed()).toMatchObject({ waitedWorkingMinutes: 30, late: true });
    expect(await remindLateDialogs(t.hotline.context())).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await remindersIn(t, topic.threadId)).length, { timeout: 15_000 }).toBe(1);
    expect((await remindersIn(t, topic.threadId))[0]!.text).toContain('⏰ Клиент ждёт ответа уже 30 мин рабочего времени');
    expect((await hours({})).status).toBe(200);
    await hoursInForceAllAlong(t.hotline.database());
  });

  it('many late dialogs at once do not flood the group: 3 reminders in their topics, the rest in one summary', async () => {
    const dialogs = [];
    for (let i = 1; i <= 6; i++) dialogs.push(await dialogWith(t, `Очередь ${i}`, `Вопрос очереди ${i}`));
    for (const [i, dialog] of dialogs.entries()) await backdate(t, dialog.topic.threadId, 60 - i);
    const sentBefore = (await t.control.transcript(t.group)).messages.length;
    expect(await remindLateDialogs(t.hotline.context())).toBe(6);
    // The three who waited longest in their topics…
    for (const dialog of dialogs.slice(0, 3)) await expect.poll(async () => (await remindersIn(t, dialog.topic.threadId)).length, { timeout: 15_000 }).toBe(1);
    // …the other three in one message in the group's General topic, each with a link to its topic.
    const summary = await waitText(t, { chat_id: t.group }, '⏰ Ждут ответа дольше 10 мин рабочего времени ещё 3 клиента:');
    for (const dialog of dialogs.slice(3)) {
      expect(summary.text).toContain(`Очередь ${dialogs.indexOf(dialog) + 1} — `);
      expect(summary.entities).toContainEqual(expect.objectContaining({ type: 'text_link', url: expect.stringMatching(new RegExp(`/${dialog.topic.threadId}$`)) }));
      expect(await remindersIn(t, dialog.topic.threadId)).toHaveLength(0);
    }
    expect(summary.text).toContain('без ответственного');
    // Four messages for six late dialogs; a second run adds none.
    expect(await remindLateDialogs(t.hotline.context())).toBe(0);
    expect((await t.control.transcript(t.group)).messages.length - sentBefore).toBe(4);
  });

  it('the «waiting too long» list on the platform: working time waited, owner, link to the topic', async () => {
    const { client, topic, say, inTopic } = await dialogWith(t, 'Списочный', 'Я в списке?');
    await say('/take');
    await t.control.waitFor({ ...inTopic, text_includes: '👤 Диалог ведёт' });
    await backdate(t, topic.threadId, 25);
    const { body } = await admin.get('/api/dialogs?late=true&limit=200');
    const row = body.items.find((d: { clientName: string }) => d.clientName === 'Списочный');
    expect(row).toMatchObject({ dialogStatus: 'waiting_us', owner: { name: 'Мария Менеджер' }, late: true, topicUrl: expect.stringMatching(new RegExp(`/${topic.threadId}$`)) });
    expect(row.waitedWorkingMinutes).toBeGreaterThanOrEqual(25);
    // The page offers the list only with a promise to keep (test/e2e/dialogsPage.test.ts: none set, no such filter).
    expect(body.answerTimeLimitMinutes).toBe(10);
    expect(await admin.get('/api/dialogs?late=true&before=2026-01-01T00:00:00Z')).toMatchObject({ status: 400, body: { code: { code: 'list.lateNoBefore' } } });
    // Only the late: an answered dialog is not in it, and the list is the longest wait first.
    expect(body.items.every((d: { late: boolean }) => d.late)).toBe(true);
    const waits = body.items.map((d: { waitedWorkingMinutes: number }) => d.waitedWorkingMinutes);
    expect([...waits].sort((a: number, b: number) => b - a)).toEqual(waits);
    await say('Да');
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Да' });
    await expect.poll(async () => (await admin.get('/api/dialogs?late=true&limit=200')).body.items.some((d: { clientName: string }) => d.clientName === 'Списочный'), { timeout: 15_000 }).toBe(false);
  });

  it('a banned client waits for nobody: off the «waiting too long» list, no reminder, ⛔ in the title; /unban starts the wait afresh', async () => {
    const { client, topic, say, inTopic } = await dialogWith(t, 'Рекламщик', 'Купите рекламу');
    const titleOf = async () => (await t.control.transcript(t.group)).topics.find((x) => x.message_thread_id === topic.threadId)!.name;
    const cardOf = async () => visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).find((m) => m.text?.startsWith('👤 '))?.text ?? '';
    const row = async (query = 'limit=200') => (await admin.get(`/api/dialogs?${query}`)).body.items.find((d: { clientName: string }) => d.clientName === 'Рекламщик');
    /** The wait reminded, as the reminder job marks it in the transaction that sends the reminder. */
    const reminded = async () =>
      (await t.hotline.database().pool.query(`select reminded_waiting_since from dialogs where managers_chat_id = $1 and topic_id = $2`, [t.group, topic.threadId])).rows[0]!.reminded_waiting_since;
    await backdate(t, topic.threadId, 30);
    expect(await row('late=true&limit=200')).toMatchObject({ dialogStatus: 'waiting_us', late: true });

    // Late, the manager bans the client instead of answering: nobody is asked to answer them any more.
    await say('/ban спам');
    await t.control.waitFor({ ...inTopic, text_includes: '⛔️ Клиент в чёрном списке' });
    expect(await row('late=true&limit=200')).toBeUndefined();
    expect(await row()).toMatchObject({ dialogStatus: 'banned', waitingSince: null, waitedWorkingMinutes: null, late: false, ban: { reason: 'спам' } });
    // In the «waiting longest first» order a banned client is not among those waiting: after every dialog that waits.
    const byWait = (await admin.get('/api/dialogs?sort=waiting&limit=200')).body.items as Array<{ clientName: string; waitingSince: string | null }>;
    expect(byWait.slice(byWait.findIndex((d) => d.clientName === 'Рекламщик')).some((d) => d.waitingSince !== null)).toBe(false);
    await remindLateDialogs(t.hotline.context());
    await runJobToEnd(t.hotline.jobs().boss, REMIND_LATE_DIALOGS);
    expect(await reminded()).toBeNull();
    await expect.poll(titleOf, { timeout: 15_000 }).toBe('⛔ Рекламщик');
    await expect.poll(cardOf, { timeout: 15_000 }).toContain('Статус: ⛔ в чёрном списке');
    // Writing on while banned (stored, not relayed) makes them wait for nobody either.
    await t.control.sendMessage({ from: client.id, text: 'Ещё реклама' });
    await expect.poll(async () => (await row())?.lastMessageText, { timeout: 15_000 }).toBe('Ещё реклама');
    expect(await row()).toMatchObject({ dialogStatus: 'banned', late: false });
    await remindLateDialogs(t.hotline.context());
    expect(await reminded()).toBeNull();
    expect(await remindersIn(t, topic.threadId)).toHaveLength(0);

    // Let back: the dialog shows its true state — the client waits for our answer — but the ban's time is no wait:
    // the wait starts at the unban, so the client is not late at once and no reminder comes.
    await say('/unban');
    await t.control.waitFor({ ...inTopic, text_includes: '✅ Клиент убран из чёрного списка' });
    expect(await row('late=true&limit=200')).toBeUndefined();
    const unbanned = await row();
    expect(unbanned).toMatchObject({ dialogStatus: 'waiting_us', waitingSince: expect.any(String), late: false, ban: null });
    expect(unbanned.waitedWorkingMinutes).toBeLessThan(10);
    await expect.poll(titleOf, { timeout: 15_000 }).toBe('🔴 Рекламщик');
    await expect.poll(cardOf, { timeout: 15_000 }).toContain('Статус: 🔴 ждёт нашего ответа');
    await remindLateDialogs(t.hotline.context());
    await runJobToEnd(t.hotline.jobs().boss, REMIND_LATE_DIALOGS);
    expect(await reminded()).toBeNull();
    expect(await remindersIn(t, topic.threadId)).toHaveLength(0);
    // The limit passes again from the unban (the test's clock: 11 minutes since it): now late, reminded once.
    await backdate(t, topic.threadId, 11);
    expect(await row('late=true&limit=200')).toMatchObject({ dialogStatus: 'waiting_us', late: true });
    expect(await remindLateDialogs(t.hotline.context())).toBeGreaterThanOrEqual(1);
    expect(await reminded()).not.toBeNull();
    await expect.poll(async () => (await remindersIn(t, topic.threadId)).length, { timeout: 15_000 }).toBe(1);
    expect((await remindersIn(t, topic.threadId))[0]!.text).toContain('⏰ Клиент ждёт ответа уже 11 мин рабочего времени');
  });

  it('a client who blocked the bot waits for nobody either: off the «waiting too long» list, no reminder, after those waiting; still 🔴 with the wait; a message to them takes no owner', async () => {
    const { client, topic, say, inTopic } = await dialogWith(t, 'Пропавший', 'Где мой перевод?');
    const other = await dialogWith(t, 'Ждущий рядом', 'И мой тоже');
    const titleOf = async () => (await t.control.transcript(t.group)).topics.find((x) => x.message_thread_id === topic.threadId)!.name;
    const cardOf = async () => visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).find((m) => m.text?.startsWith('👤 '))?.text ?? '';
    const row = async (query = 'limit=200') => (await admin.get(`/api/dialogs?${query}`)).body.items.find((d: { clientName: string }) => d.clientName === 'Пропавший');
    const reminded = async () =>
      (await t.hotline.database().pool.query(`select reminded_waiting_since from dialogs where managers_chat_id = $1 and topic_id = $2`, [t.group, topic.threadId])).rows[0]!.reminded_waiting_since;
    await backdate(t, topic.threadId, 30);
    await backdate(t, other.topic.threadId, 5);
    expect(await row('late=true&limit=200')).toMatchObject({ dialogStatus: 'waiting_us', late: true });

    // The client blocks the bot: nobody can reach them through Telegram, so nobody is asked to answer them.
    await t.control.setBlocked({ user_id: client.id, blocked: true });
    await t.control.waitFor({ ...inTopic, text_includes: BLOCKED_NOTICE });
    expect(await row('late=true&limit=200')).toBeUndefined();
    // The status and the wait stay as they are (the 📵 mark is beside them), only not late.
    const blocked = await row();
    expect(blocked).toMatchObject({ dialogStatus: 'waiting_us', waitingSince: expect.any(String), late: false, clientBlockedAt: expect.any(String), owner: null });
    expect(blocked.waitedWorkingMinutes).toBeGreaterThanOrEqual(30);
    // «Waiting longest first»: after a client who waits only 5 minutes — after every client who can be answered.
    const byWait = (await admin.get('/api/dialogs?sort=waiting&limit=200')).body.items as Array<{ clientName: string; waitingSince: string | null; clientBlockedAt: string | null }>;
    const at = byWait.findIndex((d) => d.clientName === 'Пропавший');
    expect(byWait.findIndex((d) => d.clientName === 'Ждущий рядом')).toBeLessThan(at);
    expect(byWait.slice(at + 1).some((d) => d.waitingSince !== null && d.clientBlockedAt === null)).toBe(false);
    await remindLateDialogs(t.hotline.context());
    await runJobToEnd(t.hotline.jobs().boss, REMIND_LATE_DIALOGS);
    expect(await reminded()).toBeNull();
    expect(await remindersIn(t, topic.threadId)).toHaveLength(0);
    await expect.poll(titleOf, { timeout: 15_000 }).toBe('🔴 Пропавший');
    await expect.poll(cardOf, { timeout: 15_000 }).toContain('Статус: 🔴 ждёт нашего ответа');

    // A manager writes anyway (DIALOG_ASSIGNMENT=first_answer by default): undelivered, so no answer — nobody becomes the owner.
    await say('Вы здесь?');
    await t.control.waitFor({ ...inTopic, text_includes: UNDELIVERED_NOTICE });
    expect(await row()).toMatchObject({ dialogStatus: 'waiting_us', waitingSince: expect.any(String), owner: null });
    expect(visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).some((m) => m.text?.includes('👤 Диалог ведёт'))).toBe(false);

    // Unblocked: the client waits as long as they did, and is late and reminded once.
    await t.control.setBlocked({ user_id: client.id, blocked: false });
    await t.control.waitFor({ ...inTopic, text_includes: UNBLOCKED_NOTICE });
    expect(await row('late=true&limit=200')).toMatchObject({ dialogStatus: 'waiting_us', late: true, clientBlockedAt: null });
    expect(await remindLateDialogs(t.hotline.context())).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await remindersIn(t, topic.threadId)).length, { timeout: 15_000 }).toBe(1);
  });
});

describe('outside working hours', () => {
  let t: TelegramWorld;
  let admin: ApiClient;
  beforeAll(async () => {
    t = await startTelegramWorld({ env: { BUSINESS_TIME_ZONE: 'Europe/Moscow' } });
    admin = new ApiClient(t.hotline.url);
    expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('with nothing set by an administrator (the defaults, the automatic answer off) a client is relayed as always and gets no automatic answer', async () => {
    // The first message reads the stored hours inside its own transaction (nothing cached yet).
    const first = await dialogWith(t, 'Первый', 'Здравствуйте');
    await t.control.sendMessage({ from: first.client.id, text: 'Второе сообщение' });
    await t.control.waitFor({ ...first.inTopic, text_includes: 'Второе сообщение' });
    expect((await t.control.transcript(first.client.id)).messages.filter((m) => /нерабочее время/.test(m.text ?? ''))).toHaveLength(0);
  });

  it('a client who writes off hours gets one automatic answer in Russian, another client one in English; messages are relayed as always', async () => {
    // Today is a holiday; the next working day (every other day 09:00–18:00) is tomorrow.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
    const day = { start: '09:00', end: '18:00' };
    const saved = await admin.request('PUT', '/api/admin/working-hours', { week: Array(7).fill(day), holidays: [today], workdays: [], offHoursAnswer: true });
    expect(saved.status).toBe(200);

    const ru = await dialogWith(t, 'Ночной', 'Добрый вечер, вопрос');
    const answer = await waitText(t, { chat_id: ru.client.id }, 'Сейчас у нас нерабочее время — ответим завтра в 09:00 по Москве.');
    expect(answer.text).toMatch(/^Спасибо, мы получили ваше сообщение!/);
    await t.control.sendMessage({ from: ru.client.id, text: 'Ещё вопрос' });
    await t.control.waitFor({ ...ru.inTopic, text_includes: 'Ещё вопрос' });

    const en = await dialogWith(t, 'Night Owl', 'Hello, a question', { language_code: 'en' });
    await t.control.waitFor({ chat_id: en.client.id, text_includes: 'We are closed now and will answer tomorrow at 09:00 (Europe/Moscow).' });
    await t.control.sendMessage({ from: en.client.id, text: 'Another one' });
    await t.control.waitFor({ ...en.inTopic, text_includes: 'Another one' });

    // Once per off-hours period: the second message got no second answer (the English one came after it was relayed).
    const autoAnswers = async (id: number) => (await t.control.transcript(id)).messages.filter((m) => /нерабочее время|We are closed now/.test(m.text ?? '')).length;
    expect(await autoAnswers(ru.client.id)).toBe(1);
    expect(await autoAnswers(en.client.id)).toBe(1);
  });

  it('the administrator switches it off: no automatic answer', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
    expect((await admin.request('PUT', '/api/admin/working-hours', { week: Array(7).fill({ start: '09:00', end: '18:00' }), holidays: [today], workdays: [], offHoursAnswer: false })).status).toBe(200);
    const quiet = await dialogWith(t, 'Тихий', 'Ответите?');
    await t.control.sendMessage({ from: quiet.client.id, text: 'Второе' });
    await t.control.waitFor({ ...quiet.inTopic, text_includes: 'Второе' });
    expect((await t.control.transcript(quiet.client.id)).messages.filter((m) => /нерабочее время/.test(m.text ?? ''))).toHaveLength(0);
  });

  it('bad hours are refused with a message per field, nothing saved; agents may not see or set them', async () => {
    const before = (await admin.get('/api/admin/working-hours')).body;
    // What the API takes: the answer's read-only timeZone and limitMinutes are not sent back.
    const { timeZone: _zone, limitMinutes: _limit, ...editable } = before;
    const bad = await admin.request('PUT', '/api/admin/working-hours', { ...editable, week: [{ start: '18:00', end: '09:00' }, ...editable.week.slice(1)], holidays: ['2026-02-30'] });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toMatchObject({ 'week.0.end': 'Конец рабочего дня должен быть позже начала', 'holidays.0': 'Такого дня в календаре нет — проверьте число и месяц' });
    expect((await admin.get('/api/admin/working-hours')).body).toEqual(before);
  });
});
