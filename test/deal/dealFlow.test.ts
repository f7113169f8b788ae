/**
 * The heart of the product, the way a manager works: a client writes, the
 * manager answers and skips one message, types /new, opens the link (signed
 * in), saves the request and the offer — which accepts it at once — and then
 * runs the deal from the topic: the pinned card, /rate, «Завершить».
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '@grammyjs/types';
import { and, eq } from 'drizzle-orm';
import { events, requests } from '../../src/db/schema.js';
import type { TranscriptMessage } from '../../src/sandbox/control.js';
import { ApiClient, openSignInLink, validOffer, validRequest } from '../helpers/app.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

interface Deal {
  client: User;
  threadId: number;
  requestId: number;
  manager: ApiClient;
}

/** Text with no-break spaces (Russian digit groups) as plain ones. */
const plain = (text: string | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

const say = (threadId: number, text: string, extra: { reply_to_message_id?: number } = {}) =>
  t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: threadId, text, ...extra });

/** The /new link the bot posted in the topic, as Telegram opens it when the manager presses its button. */
async function newLink(threadId: number): Promise<URL> {
  const link = await t.newRequestLink(threadId);
  return link.press();
}

async function signInByLink(url: URL): Promise<{ status: number; client: ApiClient }> {
  const client = new ApiClient(t.hotline.url);
  const response = await openSignInLink(client, url);
  return { status: response.status, client };
}

async function card(threadId: number): Promise<TranscriptMessage> {
  const topic = await t.control.waitFor({ chat_id: t.group, message_thread_id: threadId, pinned: true, text_includes: 'Заявка №' });
  return topic.messages.find((m) => m.message_id === topic.pinned_message_id)!;
}

/** The client card of a topic (its first message, «👤 …»), as managers read it now. */
const clientCard = async (threadId: number) => visible(await t.control.transcript(t.group, { thread_id: threadId })).find((m) => m.text?.startsWith('👤 '))?.text ?? '';

/**
 * A press the manager's app sends from a card it has not re-rendered yet
 * (Telegram delivers it with the button's old data): the emulator's own
 * press, past the control API's check that the message still has that button.
 */
async function pressAsShownBefore(messageId: number, data: string) {
  const emulator = t.emulator.emulator;
  const stored = emulator.group(t.group)!.message(messageId)!;
  return (await emulator.pressButton(emulator.bots.get(t.bot.id)!, t.manager, stored, data, 10_000)).answer;
}

async function startDeal(name: string): Promise<Deal> {
  const client = await t.newClient(name);
  await t.control.sendMessage({ from: client.id, text: 'Нужно оплатить инвойс поставщику в Китай' });
  await t.control.sendMessage({ from: client.id, text: 'Это личное, в заявку не надо' });
  const topic = await t.waitForTopic(client, { textIncludes: 'в заявку не надо' });
  const personal = visible(topic).find((m) => m.text === 'Это личное, в заявку не надо')!;
  await say(topic.threadId, 'Добрый день! Какая сумма?');
  await t.control.sendMessage({ from: client.id, text: '100 000 юаней' });
  await t.waitForTopic(client, { textIncludes: '100 000 юаней' });
  await say(topic.threadId, '/skip', { reply_to_message_id: personal.message_id });
  await say(topic.threadId, '! внутренняя заметка');

  const url = await newLink(topic.threadId);
  expect(url.pathname).toBe('/new');
  expect(url.searchParams.get('tg_id')).toBe(String(client.id));
  const { status, client: manager } = await signInByLink(url);
  expect(status).toBe(200);
  const dialogId = Number(url.searchParams.get('dialog'));
  const created = await manager.post('/api/requests', validRequest({ dialogId }));
  expect(created.status).toBe(200);
  const offer = await manager.post(`/api/requests/${created.body.id}/offers`, validOffer());
  expect(offer.status).toBe(200);
  expect(offer.body.autoAccepted).toBe(true);
  expect(offer.body.telegramTopicUrl).toMatch(/^https:\/\/t\.me\/c\/\d+\/\d+$/);
  return { client, threadId: topic.threadId, requestId: created.body.id, manager };
}

describe('from the topic to a deal', () => {
  it('/new → signed link → request and offer → accepted, chat holds exactly the non-skipped messages, card pinned', async () => {
    const deal = await startDeal('Сделка');
    const request = await deal.manager.get(`/api/requests/${deal.requestId}`);
    expect(request.body.status ?? request.body.request?.status).toBe('accepted');

    const chat = await deal.manager.get(`/api/requests/${deal.requestId}/messages`);
    expect(chat.status).toBe(200);
    expect(chat.body.map((m: { text: string }) => m.text)).toEqual([
      'Нужно оплатить инвойс поставщику в Китай',
      'Добрый день! Какая сумма?',
      '100 000 юаней',
    ]);

    const pinned = await card(deal.threadId);
    expect(pinned.text).toContain('Принята');
    expect(plain(pinned.text)).toContain('Итого к оплате: 1 243 875,00 ₽');
    expect(pinned.buttons?.flat().map((b) => b.text)).toEqual(['✏️ Изменить', '📄 Документы 1С', '✅ Завершить', '❌ Отменить']);

    // Later messages keep flowing into the request's chat.
    await t.control.sendMessage({ from: deal.client.id, text: 'Когда будет оплата?' });
    await expect
      .poll(async () => (await deal.manager.get(`/api/requests/${deal.requestId}/messages`)).body.map((m: { text: string }) => m.text).at(-1), { timeout: 10_000 })
      .toBe('Когда будет оплата?');

    // Saving the same offer again changes nothing (the chat is not copied twice).
    const again = await deal.manager.post(`/api/requests/${deal.requestId}/offers`, validOffer());
    expect(again.body.autoAccepted).toBe(true);
    const after = await deal.manager.get(`/api/requests/${deal.requestId}/messages`);
    expect(after.body).toHaveLength(4);

    // Saving it again with other values is not «saved»: 409 with the way to change the terms; the deal keeps its terms (issue 16.16).
    const changed = await deal.manager.post(`/api/requests/${deal.requestId}/offers`, validOffer({ rate: '13.5' }));
    expect(changed.status).toBe(409);
    expect(changed.body.error).toMatch(/новые значения не применены.*\/rate/);
    const [kept] = await t.hotline.database().db.select().from(requests).where(eq(requests.id, deal.requestId));
    expect(kept!.terms!.rate).toBe('12.25');
  });

  it('/rate changes the total on the card and on the platform; a bad value changes nothing and explains the right form', async () => {
    const deal = await startDeal('Курс');
    await card(deal.threadId);
    await say(deal.threadId, '/rate 12,3x');
    await t.control.waitFor({ chat_id: t.group, message_thread_id: deal.threadId, text_includes: 'Пример: /rate 12.25' });
    const unchanged = await t.hotline.database().db.select().from(requests).where(eq(requests.id, deal.requestId));
    expect(unchanged[0]!.terms!.rate).toBe('12.25');

    // A number in exponent form is told as such, written out in digits — not «must be a positive number».
    await say(deal.threadId, '/amount 1e5');
    const exponent = await t.control.waitFor({ chat_id: t.group, message_thread_id: deal.threadId, text_includes: 'число с экспонентой' });
    expect(exponent.messages.find((m) => m.text?.includes('число с экспонентой'))!.text).toBe(
      'Сумма: число с экспонентой (1e5) не принимается — напишите его цифрами: 100000\nПример: /amount 100000',
    );
    const [sameAmount] = await t.hotline.database().db.select().from(requests).where(eq(requests.id, deal.requestId));
    expect(sameAmount!.terms).toEqual(unchanged[0]!.terms);
    expect(sameAmount!.version).toBe(unchanged[0]!.version);

    await say(deal.threadId, '/rate 12.30');
    // The scale the manager typed is kept: «12,30», not «12,3» (issue 17.17).
    await t.control.waitFor({ chat_id: t.group, message_thread_id: deal.threadId, text_includes: 'Курс: 12,25 → 12,30' });
    await expect.poll(async () => plain((await card(deal.threadId)).text), { timeout: 10_000 }).toContain('Итого к оплате: 1 248 950,00 ₽');
    expect(plain((await card(deal.threadId)).text)).toContain('Курс: 12,30 ');
    const [changed] = await t.hotline.database().db.select().from(requests).where(eq(requests.id, deal.requestId));
    expect(changed!.terms!.total).toBe('1248950.00');

    // The same edit from the request page uses the same command.
    const viaPage = await deal.manager.post(`/api/requests/${deal.requestId}/terms`, { command: 'fee', value: '2' });
    expect(viaPage.status).toBe(200);
    expect(viaPage.body.totalAfter).toBe('1255100.00');
    await expect.poll(async () => plain((await card(deal.threadId)).text), { timeout: 10_000 }).toContain('Итого к оплате: 1 255 100,00 ₽');
    const bad = await deal.manager.post(`/api/requests/${deal.requestId}/terms`, { command: 'fee', value: '-1' });
    expect(bad.status).toBe(400);

    await say(deal.threadId, '/undo');
    await expect.poll(async () => plain((await card(deal.threadId)).text), { timeout: 10_000 }).toContain('Итого к оплате: 1 248 950,00 ₽');
  });

  it('an edit equal in value is no change: «ничего не изменилось», no note, no new version (issue 17)', async () => {
    const deal = await startDeal('Та же комиссия');
    await card(deal.threadId);
    const db = t.hotline.database().db;
    const state = async () => {
      const [request] = await db.select().from(requests).where(eq(requests.id, deal.requestId));
      const changes = await db.select().from(events).where(and(eq(events.subjectId, deal.requestId), eq(events.name, 'request.terms_changed')));
      return { version: request!.version, feePercent: request!.terms!.feePercent, rate: request!.terms!.rate, changes: changes.length };
    };
    const before = await state();
    expect(before).toMatchObject({ feePercent: '1.5', rate: '12.25', changes: 0 });

    // The fee is 1,5 %; the manager types 1,50 in the topic.
    await say(deal.threadId, '/fee 1,50');
    const answer = await t.control.waitFor({ chat_id: t.group, message_thread_id: deal.threadId, text_includes: 'ничего не изменилось' });
    expect(answer.messages.map((m) => m.text ?? '').filter((text) => text.includes('✏️'))).toEqual([]);
    // The page sends the value as it shows it (1,50) and the rate with a trailing zero.
    const fee = await deal.manager.post(`/api/requests/${deal.requestId}/terms`, { command: 'fee', value: '1,50' });
    expect(fee.status).toBe(400);
    expect(fee.body.error).toBe('Это значение уже установлено — ничего не изменилось.');
    expect((await deal.manager.post(`/api/requests/${deal.requestId}/terms`, { command: 'rate', value: '12.250' })).status).toBe(400);
    expect((await deal.manager.post(`/api/requests/${deal.requestId}/terms`, { command: 'amount', value: '100000.0' })).status).toBe(400);
    expect(await state()).toEqual(before);

    // A real change still goes through.
    expect((await deal.manager.post(`/api/requests/${deal.requestId}/terms`, { command: 'fee', value: '1,75' })).status).toBe(200);
    expect(await state()).toMatchObject({ feePercent: '1.75', changes: 1, version: before.version + 1 });
  });

  it('concurrent /rate commands leave a consistent total and two events', async () => {
    const deal = await startDeal('Гонка');
    await card(deal.threadId);
    await Promise.all([say(deal.threadId, '/rate 13'), say(deal.threadId, '/fee 2')]);
    const db = t.hotline.database().db;
    await expect
      .poll(async () => (await db.select().from(events).where(and(eq(events.subjectId, deal.requestId), eq(events.name, 'request.terms_changed')))).length, { timeout: 10_000 })
      .toBe(2);
    const [request] = await db.select().from(requests).where(eq(requests.id, deal.requestId));
    // 100 000 × 13 = 1 300 000; 2 % = 26 000; + 500
    expect(request!.terms!.total).toBe('1326500.00');
  });

  it('«Завершить» asks for a second press, then completes the request and unpins the final card', async () => {
    const deal = await startDeal('Финал');
    let current = await card(deal.threadId);
    const press = (text: string) => {
      const button = current.buttons!.flat().find((b) => b.text.includes(text))!;
      return t.control.pressButton({ from: t.manager.id, chat_id: t.group, message_id: current.message_id, callback_data: button.callback_data! });
    };
    const first = await press('Завершить');
    expect(first.answer?.text).toContain('подтвердите');
    await expect.poll(async () => (current = await card(deal.threadId)).buttons!.flat().map((b) => b.text).join(), { timeout: 10_000 }).toContain('Завершить — подтвердите');
    const second = await press('Завершить — подтвердите');
    expect(second.answer?.text).toBe('Заявка завершена');
    await t.control.waitFor({ chat_id: t.group, message_thread_id: deal.threadId, pinned: false, timeout_ms: 10_000 });
    const topic = await t.control.transcript(t.group, { thread_id: deal.threadId });
    const final = topic.messages.find((m) => m.message_id === current.message_id)!;
    expect(final.text).toContain('Завершена');
    expect(final.buttons ?? []).toHaveLength(0);
    const [request] = await t.hotline.database().db.select().from(requests).where(eq(requests.id, deal.requestId));
    expect(request!.status).toBe('completed');

    // A second press on the confirming card, after the request is done, says so — not «the card is being updated».
    const confirm = current.buttons!.flat().find((b) => b.text.includes('Завершить — подтвердите'))!;
    const late = await pressAsShownBefore(current.message_id, confirm.callback_data!);
    expect(late).toMatchObject({ text: `Заявка № ${request!.number} уже завершена.`, show_alert: true });
  });

  it('«Завершить» on the request page completes the deal in the topic too: the card final and unpinned, the client card refreshed — nobody pressing anything', async () => {
    const deal = await startDeal('С платформы');
    const pinned = await card(deal.threadId);
    expect(pinned.buttons?.flat().map((b) => b.text)).toContain('✅ Завершить');
    const { number } = (await deal.manager.get(`/api/requests/${deal.requestId}`)).body.request as { number: string };
    await expect.poll(() => clientCard(deal.threadId), { timeout: 15_000 }).toContain(`№ ${number} — принята`);

    const completed = await deal.manager.post(`/api/requests/${deal.requestId}/status`, { action: 'complete' });
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('completed');

    const topic = () => t.control.transcript(t.group, { thread_id: deal.threadId });
    const cardNow = async () => (await topic()).messages.find((m) => m.message_id === pinned.message_id)!;
    await expect.poll(async () => (await cardNow()).text, { timeout: 15_000 }).toContain('Завершена');
    expect((await cardNow()).buttons ?? []).toHaveLength(0);
    await expect.poll(async () => (await topic()).pinned_message_id, { timeout: 15_000 }).toBeUndefined();
    await expect.poll(() => clientCard(deal.threadId), { timeout: 15_000 }).toContain(`№ ${number} — завершена`);
    // The same card, edited in place: no second card was posted.
    expect((await topic()).messages.filter((m) => m.text?.includes('Итого к оплате'))).toHaveLength(1);

    // The old card's button, pressed after the page completed the request, says the request is done.
    const button = pinned.buttons!.flat().find((b) => b.text === '✅ Завершить')!;
    const late = await pressAsShownBefore(pinned.message_id, button.callback_data!);
    expect(late).toMatchObject({ text: `Заявка № ${number} уже завершена.`, show_alert: true });
  });

  it('«Отменить» on the request page cancels the deal in the topic too: the card final and unpinned, the client card refreshed', async () => {
    const deal = await startDeal('Отмена с платформы');
    const pinned = await card(deal.threadId);
    const { number } = (await deal.manager.get(`/api/requests/${deal.requestId}`)).body.request as { number: string };
    const cancelled = await deal.manager.post(`/api/requests/${deal.requestId}/status`, { action: 'cancel' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const topic = () => t.control.transcript(t.group, { thread_id: deal.threadId });
    await expect.poll(async () => (await topic()).messages.find((m) => m.message_id === pinned.message_id)?.text, { timeout: 15_000 }).toContain('Отменена');
    expect((await topic()).messages.find((m) => m.message_id === pinned.message_id)!.buttons ?? []).toHaveLength(0);
    await expect.poll(async () => (await topic()).pinned_message_id, { timeout: 15_000 }).toBeUndefined();
    await expect.poll(() => clientCard(deal.threadId), { timeout: 15_000 }).toContain(`№ ${number} — отменена`);
  });
});

describe('links that must not work', () => {
  it('a colleague pressing the button, the bare URL, forged, altered, expired-looking and reused links are refused and create nothing', async () => {
    const client = await t.newClient('Ссылки');
    await t.control.sendMessage({ from: client.id, text: 'привет' });
    const topic = await t.waitForTopic(client, { textIncludes: 'привет' });
    const link = await t.newRequestLink(topic.threadId);
    const url = await link.press();

    // The whole group sees the button: another manager who presses it gets Telegram's proof of who *they* are — refused.
    const colleague = await t.control.createUser({ first_name: 'Пётр', last_name: 'Коллега' });
    await t.control.addMember(t.group, { user_id: colleague.id });
    const byColleague = await signInByLink(await link.press(colleague));
    expect(byColleague.status).toBe(403);
    // The button's URL without Telegram's login data (copied from the message) signs nobody in either.
    expect((await signInByLink(link.bareUrl)).status).toBe(403);

    const altered = new URL(url);
    altered.searchParams.set('tg_id', '42');
    expect((await signInByLink(altered)).status).toBe(404);
    const forged = new URL(url);
    forged.searchParams.set('sig', 'A'.repeat(43));
    expect((await signInByLink(forged)).status).toBe(404);
    const expired = new URL(url);
    expired.searchParams.set('exp', '1000000000');
    expect((await signInByLink(expired)).status).toBe(404);

    expect((await signInByLink(url)).status).toBe(200);
    expect((await signInByLink(url)).status).toBe(410);
  });
});
