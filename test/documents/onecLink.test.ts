/** ONEC_MODE=link: «Документы 1С» answers in the topic with a button that opens the request in 1C. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';
import { dealInTopic, pressCardButton } from './helpers.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld({ env: { ONEC_MODE: 'link', ONEC_LINK_TEMPLATE: 'https://1c.example/base/#e1cib/list/Документ.ЗаказКлиента?number={number}&ref={ref}' } });
});
afterAll(async () => {
  await t?.stop();
});

describe('1C as a link', () => {
  it('the button answers with «Открыть в 1С» carrying the request number', async () => {
    const deal = await dealInTopic(t, '1С ссылка');
    const answer = await pressCardButton(t, deal.threadId, 'Документы 1С');
    expect(answer.answer?.text).toContain('Ссылка на 1С');
    const topic = await t.control.waitFor({ chat_id: t.group, message_thread_id: deal.threadId, text_includes: 'в 1С' });
    const message = topic.messages.find((m) => m.text?.includes('в 1С') && m.buttons);
    const button = message!.buttons!.flat()[0]! as { text: string; url?: string };
    expect(button.text).toBe('📄 Открыть в 1С');
    const request = (await deal.manager.get(`/api/requests/${deal.requestId}`)).body;
    const number = request.number ?? request.request?.number;
    expect(button.url).toBe(`https://1c.example/base/#e1cib/list/Документ.ЗаказКлиента?number=${encodeURIComponent(number)}&ref=`);
  });
});
