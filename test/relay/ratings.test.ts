/**
 * Issue 19.8, after the deal, through the emulator: with RATING_REQUEST=on a
 * completed request asks its client, in their language, to rate the service
 * with buttons 1–5; the press is stored for the manager who owned the dialog
 * and noted in the topic; the client's next message is the comment and is
 * still relayed; the platform shows ratings per manager.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '@grammyjs/types';
import { startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient } from '../helpers/app.js';
import { acceptDeal, actionCard, pressCardButton } from '../documents/helpers.js';

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
    const again = await t.control.pressButton({ from: client.id, chat_id: client.id, message_id: ask.message_id, callback_data: ask.buttons!.flat()[0]!.callback_data! });
    expect(JSON.stringify(again)).toContain('Вы уже оценили эту заявку');

    await t.control.sendMessage({ from: client.id, text: 'Всё быстро, спасибо' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'Всё быстро, спасибо' });
    await expect
      .poll(async () => (await admin.get('/api/ratings/managers')).body.items.find((r: { name: string }) => r.name === 'Мария Менеджер'), { timeout: 10_000 })
      .toMatchObject({ rated: 1, average: '5.00', lastComment: 'Всё быстро, спасибо' });
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
    const maria = (await admin.get('/api/ratings/managers')).body.items.find((r: { name: string }) => r.name === 'Мария Менеджер');
    expect(maria).toMatchObject({ rated: 2, average: '4.00' });
  });

  it('off by default: a completed request asks nothing', async () => {
    const plainWorld = await startTelegramWorld();
    try {
      const previous = t;
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
      await plainWorld.stop();
    }
  });
});
