/**
 * Issue 19.8, after the deal, through the emulator: with RATING_REQUEST=on a
 * completed request asks its client, in their language, to rate the service
 * with buttons 1–5; the press is stored for the manager who owned the dialog
 * and noted in the topic; the client's next message is the comment and is
 * still relayed; the platform shows ratings per manager.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '@grammyjs/types';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient } from '../helpers/app.js';
import { acceptDeal, actionCard, pressCardButton } from '../documents/helpers.js';
import { renderClientCard } from '../../src/core/clientCard.js';
import { textsFor } from '../../src/commands/botTexts.js';
import { parseTypedScore } from '../../src/commands/rateRequest.js';

let t: TelegramWorld;
let admin: ApiClient;
beforeAll(async () => {
  t = await startTelegramWorld({ env: { RATING_REQUEST: 'on' } });
  admin = new ApiClient(t.hotline.url);
  expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
});
afterAll(async () => {
  await t?.stop();
});

async function completedDeal(client: User, first: string) {
  await t.control.sendMessage({ from: client.id, text: first });
  const topic = await t.waitForTopic(client, { textIncludes: first });
  // The manager answers first: the dialog is theirs (DIALOG_ASSIGNMENT=first_answer).
  await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Здравствуйте, оформим' });
  const deal = await acceptDeal(t, topic.threadId);
  await pressCardButton(t, topic.threadId, 'Завершить');
  await expect.poll(async () => (await actionCard(t, topic.threadId)).buttons?.flat().some((b) => b.text.includes('подтвердите')), { timeout: 10_000 }).toBe(true);
  await pressCardButton(t, topic.threadId, 'Завершить — подтвердите');
  return { topic, deal };
}

/** The client card of a topic (its first message, «👤 …»), as managers read it now. */
const cardOf = async (threadId: number) => visible(await t.control.transcript(t.group, { thread_id: threadId })).find((m) => m.text?.startsWith('👤 '))?.text ?? '';

/** The client presses `score` ⭐ under the newest request for a rating. */
async function rate(client: User, score: number) {
  const asked = await t.control.waitFor({ chat_id: client.id, text_includes: 'Оцените, пожалуйста' });
  const ask = asked.messages.filter((m) => m.text?.includes('Оцените')).at(-1)!;
  const button = ask.buttons!.flat().find((b) => b.text === `${score} ⭐`)!;
  await t.control.pressButton({ from: client.id, chat_id: client.id, message_id: ask.message_id, callback_data: button.callback_data! });
}

describe('the client rates a completed request', () => {
  it('buttons 1–5 in Russian; the press is stored for the owner and noted in the topic; the next message is the comment and still relayed', async () => {
    const client = await t.newClient('Ольга');
    const { topic } = await completedDeal(client, 'Нужно оплатить счёт');
    const asked = await t.control.waitFor({ chat_id: client.id, text_includes: 'выполнена. Оцените, пожалуйста, нашу работу' });
    const ask = asked.messages.find((m) => m.text?.includes('Оцените'))!;
    const five = ask.buttons!.flat().find((b) => b.text === '5 ⭐')!;
    expect(ask.buttons!.flat().map((b) => b.text)).toEqual(['1 ⭐', '2 ⭐', '3 ⭐', '4 ⭐', '5 ⭐']);

    const answer = await t.control.pressButton({ from: client.id, chat_id: client.id, message_id: ask.message_id, callback_data: five.callback_data! });
    expect(JSON.stringify(answer)).toContain('Спасибо за оценку 5 из 5!');
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: '⭐ Клиент оценил заявку №' });
    // Nothing left to press: the buttons leave the question once the score is stored.
    await expect
      .poll(async () => (await t.control.transcript(client.id)).messages.find((m) => m.message_id === ask.message_id)?.buttons?.flat().length ?? 0)
      .toBe(0);

    // The comment answers our question: the client is not waiting for us because of it.
    await t.control.sendMessage({ from: client.id, text: 'Всё быстро, спасибо' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'Всё быстро, спасибо' });
    await expect
      .poll(async () => (await admin.get('/api/ratings/managers')).body.items.find((r: { name: string }) => r.name === 'Мария Менеджер')?.lastComment)
      .toBe('Всё быстро, спасибо');
    const dialog = (await admin.get('/api/dialogs?limit=200')).body.items.find((d: { clientName: string }) => d.clientName.startsWith('Ольга'));
    expect(dialog).toMatchObject({ dialogStatus: 'waiting_client', waitingSince: null });
    await expect
      .poll(async () => (await admin.get('/api/ratings/managers')).body.items.find((r: { name: string }) => r.name === 'Мария Менеджер'), { timeout: 10_000 })
      .toMatchObject({ rated: 1, average: '5.00', lastComment: 'Всё быстро, спасибо' });
  });

  it('the card’s line in English managers’ groups (MANAGERS_LOCALE=en): the decimal point, at most ten scores shown', () => {
    const card = (ratings: number[], locale: 'ru' | 'en') =>
      renderClientCard(
        { telegramUserId: 1, firstName: 'Ann', lastName: null, username: null, language: 'en', firstContactAt: new Date(0), blockedAt: null, ratings, requests: [], publicUrl: 'http://x', timeZone: 'UTC' },
        textsFor(locale),
      );
    expect(card([4, 5], 'en')).toContain('Ratings: 4, 5 (average 4.5)');
    expect(card([4, 5], 'ru')).toContain('Оценки: 4, 5 (средняя 4,5)');
    expect(card([5, 4, 4], 'ru')).toContain('(средняя 4,3)');
    expect(card(Array.from({ length: 12 }, () => 3), 'en')).toContain('Ratings: 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, … (average 3)');
    expect(card([], 'en')).not.toContain('Ratings');
  });

  it('an English-speaking client is asked in English; someone else cannot press their buttons', async () => {
    const client = await t.newClient('John', { language_code: 'en' });
    await completedDeal(client, 'I need to pay an invoice');
    const asked = await t.control.waitFor({ chat_id: client.id, text_includes: 'is done. Please rate our work' });
    const ask = asked.messages.find((m) => m.text?.includes('Please rate'))!;
    const stranger = await t.newClient('Чужой');
    await t.control.pressButton({ from: stranger.id, chat_id: client.id, message_id: ask.message_id, callback_data: ask.buttons!.flat()[2]!.callback_data! }).catch(() => undefined);
    const three = await t.control.pressButton({ from: client.id, chat_id: client.id, message_id: ask.message_id, callback_data: ask.buttons!.flat()[2]!.callback_data! });
    expect(JSON.stringify(three)).toContain('Thank you for rating us 3 out of 5!');
    const ratings = (await admin.get('/api/ratings/managers')).body;
    expect(ratings.asking).toBe(true); // RATING_REQUEST=on: the page says ratings are asked for
    expect(ratings.items.find((r: { name: string }) => r.name === 'Мария Менеджер')).toMatchObject({ rated: 2, average: '4.00' });
  });

  it('the client card in the topic shows the client’s ratings, newest first, with their average', async () => {
    const client = await t.newClient('Пётр');
    const { topic } = await completedDeal(client, 'Оплатить поставщику');
    expect(await cardOf(topic.threadId)).not.toContain('Оценки');
    await rate(client, 5);
    await expect.poll(() => cardOf(topic.threadId), { timeout: 15_000 }).toContain('Оценки: 5 (средняя 5)');

    // A second request of the same dialog, completed and rated 4.
    await acceptDeal(t, topic.threadId);
    await pressCardButton(t, topic.threadId, 'Завершить');
    await expect.poll(async () => (await actionCard(t, topic.threadId)).buttons?.flat().some((b) => b.text.includes('подтвердите')), { timeout: 10_000 }).toBe(true);
    await pressCardButton(t, topic.threadId, 'Завершить — подтвердите');
    await expect.poll(async () => (await t.control.transcript(client.id)).messages.filter((m) => m.text?.includes('Оцените')).length, { timeout: 15_000 }).toBe(2);
    await rate(client, 4);
    await expect.poll(() => cardOf(topic.threadId), { timeout: 15_000 }).toContain('Оценки: 4, 5 (средняя 4,5)');
  });


  it('off by default: a completed request asks nothing', async () => {
    const plainWorld = await startTelegramWorld();
    const previous = t;
    try {
      t = plainWorld;
      const client = await t.newClient('Тихон');
      const { topic } = await completedDeal(client, 'Оплата поставщику');
      t = previous;
      // Whatever the completion queued for the client went out before this later answer (one chat's sends keep their order).
      await plainWorld.control.sendMessage({ from: plainWorld.manager.id, chat_id: plainWorld.group, message_thread_id: topic.threadId, text: 'Заявка выполнена, спасибо!' });
      await plainWorld.control.waitFor({ chat_id: client.id, text_includes: 'Заявка выполнена, спасибо!' });
      const texts = (await plainWorld.control.transcript(client.id)).messages.map((m) => m.text ?? '');
      expect(texts.some((text) => text.includes('Оцените'))).toBe(false);
    } finally {
      // Whatever happened, the next tests get the shared world back (not this stopped one).
      t = previous;
      await plainWorld.stop();
    }
    // A second Hotline with its own database and emulator starts here: ~45 s alone, more on a loaded machine.
  }, 180_000);
});

/** The texts of the client's chat with the bot. */
const clientTexts = async (client: User) => (await t.control.transcript(client.id)).messages.map((m) => m.text ?? '');

/** Waits until the topic shows a message of exactly `text` (what the client typed, relayed). */
const relayed = (threadId: number, text: string) =>
  expect.poll(async () => visible(await t.control.transcript(t.group, { thread_id: threadId })).some((m) => m.text === text), { timeout: 10_000 }).toBe(true);

describe('the client types the score instead of pressing a button', () => {
  it('«5 ⭐» counts as the button would: thanked in Russian, noted in the topic, buttons gone, the message still relayed; later digits are ordinary', async () => {
    const client = await t.newClient('Ирина');
    const { topic } = await completedDeal(client, 'Оплатить счёт из Китая');
    const asked = await t.control.waitFor({ chat_id: client.id, text_includes: 'Оцените, пожалуйста' });
    const ask = asked.messages.find((m) => m.text?.includes('Оцените'))!;

    await t.control.sendMessage({ from: client.id, text: '5 ⭐' });
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Спасибо за оценку 5 из 5! Если хотите, напишите следующим сообщением' });
    // Managers see what the client typed and the same note as after a press.
    await relayed(topic.threadId, '5 ⭐');
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: '⭐ Клиент оценил заявку №' });
    await expect.poll(() => cardOf(topic.threadId), { timeout: 15_000 }).toContain('Оценки: 5 (средняя 5)');
    await expect
      .poll(async () => (await t.control.transcript(client.id)).messages.find((m) => m.message_id === ask.message_id)?.buttons?.flat().length ?? 0)
      .toBe(0);
    // The score answers our question: the client does not wait for us because of it.
    const dialog = (await admin.get('/api/dialogs?limit=200')).body.items.find((d: { clientName: string }) => d.clientName === 'Ирина');
    expect(dialog).toMatchObject({ dialogStatus: 'waiting_client', waitingSince: null });

    // Rated: a later «3» is an ordinary message (here the comment the thanks asked for), relayed, not a second score.
    await t.control.sendMessage({ from: client.id, text: '3' });
    await relayed(topic.threadId, '3');
    // Whatever the «3» queued for the client went out before this later answer (one chat's sends keep their order).
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Спасибо за отзыв!' });
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Спасибо за отзыв!' });
    expect((await clientTexts(client)).filter((text) => text.includes('Спасибо за оценку'))).toHaveLength(1);
    expect(await cardOf(topic.threadId)).toContain('Оценки: 5 (средняя 5)');
  });

  it('«5000» and «5 штук пришлите» are no score; «оценка 4» then is — in English « 3 » thanks in English', async () => {
    const client = await t.newClient('Семён');
    const { topic } = await completedDeal(client, 'Оплата за станки');
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Оцените, пожалуйста' });
    // One at a time, each shown to managers as typed.
    for (const text of ['5000', '5 штук пришлите', 'оценка 4']) {
      await t.control.sendMessage({ from: client.id, text });
      await relayed(topic.threadId, text);
    }
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Спасибо за оценку 4 из 5!' });
    await expect.poll(() => cardOf(topic.threadId), { timeout: 15_000 }).toContain('Оценки: 4 (средняя 4)');
    expect((await clientTexts(client)).filter((text) => text.includes('Спасибо за оценку'))).toEqual(['Спасибо за оценку 4 из 5! Если хотите, напишите следующим сообщением, что нам сделать лучше.']);

    const john = await t.newClient('Jack', { language_code: 'en' });
    const deal = await completedDeal(john, 'Please pay my supplier');
    await t.control.waitFor({ chat_id: john.id, text_includes: 'Please rate our work' });
    await t.control.sendMessage({ from: john.id, text: ' 3 ' });
    await t.control.waitFor({ chat_id: john.id, text_includes: 'Thank you for rating us 3 out of 5! If you like, tell us in your next message' });
    await expect.poll(() => cardOf(deal.topic.threadId), { timeout: 15_000 }).toContain('Оценки: 3 (средняя 3)');
  });

  it('after a manager writes to the client, a bare digit answers the manager, not the rating question', async () => {
    const client = await t.newClient('Григорий');
    const { topic } = await completedDeal(client, 'Нужно два платежа');
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Оцените, пожалуйста' });
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Сколько ещё платежей планируете?' });
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Сколько ещё платежей планируете?' });
    await t.control.sendMessage({ from: client.id, text: '2' });
    await relayed(topic.threadId, '2');
    // The buttons still work, and theirs is the first score.
    await rate(client, 5);
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: '⭐ Клиент оценил заявку №' });
    await expect.poll(() => cardOf(topic.threadId), { timeout: 15_000 }).toContain('Оценки: 5 (средняя 5)');
  });

  it('what reads as a score: only a digit 1–5, spaces around, «оценка»/«rating» before, «/5» or «из 5», a star or full stop after; or two to five stars alone', () => {
    for (const [text, score] of [['5', 5], [' 3 ', 3], ['5 ⭐', 5], ['5⭐️', 5], ['4.', 4], ['оценка 4', 4], ['Оценка: 2', 2], ['rating 1', 1], ['2 ★', 2], ['5/5', 5], ['4 / 5', 4], ['оценка 4 из 5', 4], ['3 of 5', 3], ['⭐⭐⭐⭐⭐', 5], ['⭐️⭐️⭐️', 3]] as const) {
      expect(parseTypedScore(text), text).toBe(score);
    }
    for (const text of ['5000', '0', '6', '5 штук пришлите', '1,5', '4.5', '5 ⭐⭐', 'спасибо 5', '', undefined, '5/10', '6/5', '⭐⭐⭐⭐⭐⭐', '⭐ спасибо', '2 из 3', '⭐', '★']) {
      expect(parseTypedScore(text), String(text)).toBeUndefined();
    }
  });
});

describe('a rating of a dialog nobody owns (DIALOG_ASSIGNMENT=manual)', () => {
  it('counts for the manager who answered the client last, else for who made the request; the platform lists it under that manager', async () => {
    const manual = await startTelegramWorld({ env: { RATING_REQUEST: 'on', DIALOG_ASSIGNMENT: 'manual' } });
    const previous = t;
    t = manual;
    try {
      const boss = new ApiClient(t.hotline.url);
      expect((await boss.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
      const oleg = await t.control.createUser({ first_name: 'Олег', last_name: 'Коллега', username: 'oleg_colleague' });
      await t.control.addMember(t.group, { user_id: oleg.id });

      // Мария answers first and makes the request; Олег answers the client last. Nobody owns the dialog.
      const client = await t.newClient('Безхозный');
      const { topic } = await completedDealAnsweredBy(client, 'Нужна оплата', oleg);
      expect((await boss.get('/api/dialogs?limit=200')).body.items.find((d: { clientName: string }) => d.clientName === 'Безхозный').owner).toBeNull();
      await rate(client, 4);
      await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: '⭐ Клиент оценил заявку №' });
      await expect
        .poll(async () => (await boss.get('/api/ratings/managers')).body.items, { timeout: 10_000 })
        .toEqual([expect.objectContaining({ name: 'Олег Коллега', rated: 1, average: '4.00' })]);

      // Nobody answered in the topic: the manager who made the request (/new) gets it.
      const quiet = await t.newClient('Молчаливый');
      await t.control.sendMessage({ from: quiet.id, text: 'Оплатите, пожалуйста' });
      const quietTopic = await t.waitForTopic(quiet, { textIncludes: 'Оплатите' });
      await acceptDeal(t, quietTopic.threadId);
      await complete(quietTopic.threadId);
      await rate(quiet, 5);
      await expect
        .poll(async () => (await boss.get('/api/ratings/managers')).body.items.map((r: { name: string | null; rated: number }) => [r.name, r.rated]), { timeout: 10_000 })
        .toEqual(expect.arrayContaining([['Мария Менеджер', 1], ['Олег Коллега', 1]]));
      expect((await boss.get('/api/ratings/managers')).body.items.some((r: { userId: number | null }) => r.userId === null)).toBe(false);
    } finally {
      t = previous;
      await manual.stop();
    }
  });
});

async function complete(threadId: number) {
  await pressCardButton(t, threadId, 'Завершить');
  await expect.poll(async () => (await actionCard(t, threadId)).buttons?.flat().some((b) => b.text.includes('подтвердите')), { timeout: 10_000 }).toBe(true);
  await pressCardButton(t, threadId, 'Завершить — подтвердите');
}

/** A deal the world's manager makes after they and then `last` answered the client in the topic. */
async function completedDealAnsweredBy(client: User, first: string, last: User) {
  await t.control.sendMessage({ from: client.id, text: first });
  const topic = await t.waitForTopic(client, { textIncludes: first });
  await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Здравствуйте, сейчас посмотрим' });
  await t.control.sendMessage({ from: last.id, chat_id: t.group, message_thread_id: topic.threadId, text: 'Я продолжу, оформляю' });
  await t.control.waitFor({ chat_id: client.id, text_includes: 'Я продолжу, оформляю' });
  await acceptDeal(t, topic.threadId);
  await complete(topic.threadId);
  return { topic };
}
