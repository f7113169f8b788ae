/**
 * Issue 17 in Chromium: two deals for one client, the second after the first
 * is completed. The offer form says which messages the request's chat will
 * take («N сообщений будет скопировано, с … по …»); the terms are edited on
 * both channels (the page and `/rate` in the topic — each leaves the same
 * note in the topic); the accepted offer shows the current total; a chat
 * message written on the page reaches the topic and the client; and each
 * request's chat and Documents hold only its own deal.
 *
 * Screenshots go to test-artifacts/repeat-deal/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser, plain, russianPage } from '../helpers/browser.js';
import { root } from '../helpers/process.js';
import { ApiClient, openSignInLink, validRequest } from '../helpers/app.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { actionCard, PDF, pressCardButton } from '../documents/helpers.js';

const available = browserAvailable();
const artifacts = path.join(root, 'test-artifacts/repeat-deal');
const DATE_TIME = String.raw`\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}`;

describe.skipIf(!available)('two deals for one client in the browser', () => {
  let t: TelegramWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let step = 0;
  const shot = async (name: string) => {
    await page.screenshot({ path: path.join(artifacts, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const say = (threadId: number, text: string) => t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: threadId, text });
  const expectText = (testId: string, pattern: RegExp) =>
    expect.poll(async () => plain(await page.getByTestId(testId).first().textContent()), { timeout: 15_000 }).toMatch(pattern);

  beforeAll(async () => {
    ensureWebBuilt();
    fs.mkdirSync(artifacts, { recursive: true });
    t = await startTelegramWorld();
    browser = await launchBrowser();
    ({ context, page } = await russianPage(browser, 1000));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** /new in the topic, the manager signed in by its link (the browser too), the request saved: the offer form is next. */
  async function newRequest(threadId: number): Promise<number> {
    const url = await (await t.newRequestLink(threadId)).press();
    const manager = new ApiClient(t.hotline.url);
    expect((await openSignInLink(manager, url)).status).toBe(200);
    const created = await manager.post('/api/requests', validRequest({ dialogId: Number(url.searchParams.get('dialog')) }));
    expect(created.status).toBe(200);
    const [name, value] = manager.cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: t.hotline.url }]);
    return created.body.id as number;
  }

  /** The offer form: its deal-messages summary checked, then saved. */
  async function saveOffer(requestId: number, summary: RegExp) {
    await page.goto(`${t.hotline.url}/agent/requests/${requestId}/offers/new`);
    await expectText('deal-messages-summary', summary);
    await shot(`offer-form-${requestId}`);
    await page.getByLabel(/^Курс/).fill('12,25');
    await page.getByLabel('Комиссия, %').fill('1.5');
    await page.getByLabel(/^Фиксированная комиссия/).fill('500');
    await page.getByLabel('Срок исполнения, дней').fill('3');
    await page.getByRole('button', { name: 'Отправить предложение' }).click();
    await page.getByRole('heading', { name: 'Готово — вернитесь в Telegram' }).waitFor();
  }

  const chatTexts = () => page.getByTestId('chat-message').evaluateAll((nodes) => nodes.map((node) => [...node.children].slice(1).map((c) => c.textContent ?? '').join(' ').trim()));
  const documentNames = () => page.getByTestId('request-documents').getByTestId('document').evaluateAll((nodes) => nodes.map((node) => node.textContent ?? ''));

  it('each request keeps its own deal; edits on both channels leave the same trace', async () => {
    const client = await t.newClient('Постоянный клиент');
    await t.control.sendMessage({ from: client.id, text: 'Первая сделка: инвойс' });
    await t.control.sendMessage({ from: client.id, media: { type: 'document', base64: PDF.toString('base64'), file_name: 'invoice-1.pdf', mime_type: 'application/pdf' } });
    const topic = await t.waitForTopic(client, { minCount: 3 });
    const threadId = topic.threadId;

    // Deal 1: the form says what its chat takes.
    const first = await newRequest(threadId);
    await saveOffer(first, new RegExp(`^2 сообщения будут скопированы в чат заявки, с ${DATE_TIME} по ${DATE_TIME}$`));
    await actionCard(t, threadId);
    await page.goto(`${t.hotline.url}/requests/${first}`);
    await expect.poll(chatTexts, { timeout: 15_000 }).toEqual(['Первая сделка: инвойс', expect.stringContaining('invoice-1.pdf')]);
    await expect.poll(documentNames, { timeout: 20_000 }).toEqual([expect.stringContaining('invoice-1.pdf')]);

    // Edits on both channels: the page's fee, the topic's /rate; the topic has a note for each.
    const editor = page.getByTestId('terms-editor');
    await editor.getByLabel('Комиссия, %').fill('2');
    await editor.getByTestId('terms-apply-fee').click();
    await expectText('terms-total', /1 250 000,00 ₽/);
    await say(threadId, '/rate 12.30');
    await expectText('terms-total', /1 255 100,00 ₽/);
    const notes = await t.control.waitFor({ chat_id: t.group, message_thread_id: threadId, text_includes: 'Курс: 12,25 → ', timeout_ms: 15_000 });
    expect(visible(notes).filter((m) => m.text?.startsWith('✏️')).map((m) => plain(m.text).split('\n')[0])).toEqual(['✏️ Комиссия: 1,5 % → 2 %', '✏️ Курс: 12,25 → 12,30']);
    expect(visible(notes).find((m) => m.text?.startsWith('✏️ Комиссия'))!.text).toMatch(/Изменено на платформе: /);

    // The accepted offer shows the total now due, and what it was when accepted.
    await expectText('offer-current-total', /^1 255 100,00 ₽$/);
    await expectText('offer-accepted-total', /при принятии было 1 243 875,00 ₽/);

    // A chat message from the page: the box says who will see it; «В тему и клиенту» reaches both.
    await expectText('chat-audience', /клиент не увидит/);
    await page.getByTestId('chat-send-to').getByText('В тему и клиенту').click();
    await expectText('chat-audience', /Увидят клиент в Telegram/);
    await page.getByPlaceholder('Сообщение…').fill('Платёж по первой сделке отправлен');
    await page.getByRole('button', { name: 'Отправить', exact: true }).click();
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Платёж по первой сделке отправлен', timeout_ms: 15_000 });
    // The topic holds every deal of the client: the note names the request it belongs to.
    const posted = await t.control.waitFor({ chat_id: t.group, message_thread_id: threadId, text_includes: '(отправлено клиенту)', timeout_ms: 15_000 });
    expect(posted.messages.find((m) => m.text?.includes('(отправлено клиенту)'))!.text).toMatch(/на платформе, заявка № \d{4}-\d{6} \(отправлено клиенту\)/);
    await expect.poll(async () => (await chatTexts()).at(-1)).toBe('Платёж по первой сделке отправлен');
    await shot('first-deal');

    // The first deal is completed from the topic, on its current card.
    await expect.poll(async () => plain((await actionCard(t, threadId)).text), { timeout: 30_000 }).toContain('Итого к оплате: 1 255 100,00 ₽');
    await pressCardButton(t, threadId, 'Завершить');
    await expect.poll(async () => (await actionCard(t, threadId)).buttons!.flat().map((b) => b.text).join(), { timeout: 30_000 }).toContain('подтвердите');
    await pressCardButton(t, threadId, 'Завершить — подтвердите');
    await page.getByTestId('request-status').getByText('Завершена').waitFor();

    // Deal 2, in the same topic: the client's new messages only.
    await t.control.sendMessage({ from: client.id, text: 'Вторая сделка: договор' });
    await t.control.sendMessage({ from: client.id, media: { type: 'document', base64: PDF.toString('base64'), file_name: 'contract-2.pdf', mime_type: 'application/pdf' } });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: threadId, text_includes: 'Вторая сделка', timeout_ms: 15_000 });
    await expect.poll(async () => visible(await t.control.transcript(t.group, { thread_id: threadId })).some((m) => m.media?.file_name === 'contract-2.pdf'), { timeout: 15_000 }).toBe(true);
    const second = await newRequest(threadId);
    await saveOffer(second, new RegExp(`^2 сообщения будут скопированы в чат заявки, с ${DATE_TIME} по ${DATE_TIME}$`));
    await page.goto(`${t.hotline.url}/requests/${second}`);
    await expect.poll(chatTexts, { timeout: 15_000 }).toEqual(['Вторая сделка: договор', expect.stringContaining('contract-2.pdf')]);
    await expect.poll(documentNames, { timeout: 20_000 }).toEqual([expect.stringContaining('contract-2.pdf')]);

    // An edit of the second deal on the page reaches the topic too; the first deal's terms stay.
    await page.getByTestId('terms-editor').getByLabel('Курс').fill('12,5');
    await page.getByTestId('terms-editor').getByTestId('terms-apply-rate').click();
    await expectText('terms-total', /1 269 250,00 ₽/);
    await t.control.waitFor({ chat_id: t.group, message_thread_id: threadId, text_includes: 'Курс: 12,25 → ', timeout_ms: 15_000 });
    await shot('second-deal');

    // The first request still holds only its own deal.
    await page.goto(`${t.hotline.url}/requests/${first}`);
    await expect
      .poll(chatTexts, { timeout: 15_000 })
      .toEqual(['Первая сделка: инвойс', expect.stringContaining('invoice-1.pdf'), 'Платёж по первой сделке отправлен']);
    await expect.poll(documentNames, { timeout: 20_000 }).toEqual([expect.stringContaining('invoice-1.pdf')]);
    await expectText('terms-total', /1 255 100,00 ₽/);
  });
});
