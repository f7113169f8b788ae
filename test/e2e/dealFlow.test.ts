/**
 * The deal the way a manager works it, in Chromium against the Telegram
 * emulator: a client writes, the manager answers and skips one message, types
 * /new, opens the bot's link (signed in), fills the request form with
 * autocomplete, saves the offer — «Готово — вернитесь в Telegram» — and the
 * card is pinned in the topic; the request's chat holds exactly the
 * non-skipped messages; `/rate 12.30` in the topic changes the page's total
 * live; «Завершить» twice completes the request on the page.
 *
 * Screenshots of every step go to test-artifacts/deal/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TranscriptMessage } from '../../src/sandbox/control.js';
import { browserAvailable, ensureWebBuilt, launchBrowser, plain, russianPage } from '../helpers/browser.js';
import { freePort, root } from '../helpers/process.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';

const available = browserAvailable();
const artifacts = path.join(root, 'test-artifacts/deal');

describe.skipIf(!available)('the deal in the browser', () => {
  let t: TelegramWorld;
  let browser: Browser;
  let page: Page;
  let step = 0;

  const shot = async (name: string) => {
    await page.screenshot({ path: path.join(artifacts, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const say = (threadId: number, text: string, extra: { reply_to_message_id?: number } = {}) =>
    t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: threadId, text, ...extra });
  const pinnedCard = async (threadId: number): Promise<TranscriptMessage> => {
    const topic = await t.control.waitFor({ chat_id: t.group, message_thread_id: threadId, pinned: true, text_includes: 'Заявка №', timeout_ms: 15_000 });
    return topic.messages.find((m) => m.message_id === topic.pinned_message_id)!;
  };
  const expectText = (testId: string, pattern: RegExp) =>
    expect.poll(async () => plain(await page.getByTestId(testId).textContent()), { timeout: 15_000 }).toMatch(pattern);

  beforeAll(async () => {
    ensureWebBuilt();
    fs.mkdirSync(artifacts, { recursive: true });
    // The bot's /new link must point at this very app: a fixed port known before start-up.
    const port = await freePort();
    t = await startTelegramWorld({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
    browser = await launchBrowser();
    ({ page } = await russianPage(browser));
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('from the topic to a completed deal', async () => {
    // The client writes; the manager answers and skips a personal message.
    const client = await t.newClient('Сделка');
    await t.control.sendMessage({ from: client.id, text: 'Нужно оплатить инвойс поставщику в Китай' });
    await t.control.sendMessage({ from: client.id, text: 'Это личное, в заявку не надо' });
    const topic = await t.waitForTopic(client, { textIncludes: 'в заявку не надо' });
    const threadId = topic.threadId;
    const personal = visible(topic).find((m) => m.text === 'Это личное, в заявку не надо')!;
    await say(threadId, 'Добрый день! Какая сумма?');
    await t.control.sendMessage({ from: client.id, text: '100 000 долларов' });
    await t.waitForTopic(client, { textIncludes: '100 000 долларов' });
    await say(threadId, '/skip', { reply_to_message_id: personal.message_id });

    // /new → the bot's answer with a login_url button; the manager presses it (Telegram adds their signed login).
    const link = await t.newRequestLink(threadId);
    expect(link.bareUrl.toString().startsWith(`${t.hotline.url}/new?`)).toBe(true);
    const pressed = await link.press();

    // Opening it signs the manager in and opens the request form for the dialog.
    await page.goto(pressed.toString());
    await page.waitForURL(/\/new\?dialog=\d+$/);
    await page.getByTestId('current-user').waitFor();
    await page.getByLabel('Сумма к оплате').fill('100000');
    await page.getByRole('combobox', { name: 'Валюта платежа' }).fill('доллар США');
    await page.getByRole('option', { name: /^USD/ }).click();
    await page.getByRole('combobox', { name: 'Наименование получателя' }).fill('Shenzhen Trading Co., Ltd');
    // China is «КНР (Китайская Народная Республика)» in the list; «Китайская Республика» is Taiwan.
    await page.getByRole('combobox', { name: 'Страна получателя' }).fill('Китайская Народ');
    await page.getByRole('option', { name: /Китайская Народная Республика/ }).click();
    await page.getByRole('textbox', { name: 'SWIFT/BIC' }).fill('BKCHCNBJ');
    await page.getByRole('textbox', { name: 'Счёт или IBAN' }).fill('6222021234567890');
    await page.getByRole('combobox', { name: 'Назначение платежа' }).fill('Оплата по контракту за товары');
    await page.getByRole('combobox', { name: 'Плательщик (юрлицо)' }).fill('ООО Ромашка');
    await page.getByRole('textbox', { name: 'ИНН' }).fill('7707083893');
    await page.getByRole('textbox', { name: 'КПП' }).fill('773601001');
    await shot('request-form');
    await page.getByRole('button', { name: 'Создать заявку' }).click();

    // Redirected to the offer form; saving it accepts the offer at once.
    await page.waitForURL(/\/agent\/requests\/\d+\/offers\/new$/);
    const requestId = Number(/\/agent\/requests\/(\d+)\//.exec(page.url())![1]);
    await page.getByLabel(/^Курс/).fill('12,25');
    await page.getByLabel('Комиссия, %').fill('1.5');
    await page.getByLabel(/^Фиксированная комиссия/).fill('500');
    await page.getByLabel('Срок исполнения, дней').fill('3');
    await expectText('offer-total', /1 243 875,00 ₽/);
    await shot('offer-form');
    await page.getByRole('button', { name: 'Отправить предложение' }).click();
    await page.getByRole('heading', { name: 'Готово — вернитесь в Telegram' }).waitFor();
    await expectText('deal-total', /1 243 875,00 ₽/);
    expect(await page.getByTestId('deal-open-topic').getAttribute('href')).toBe(`https://t.me/c/${String(t.group).replace(/^-100/, '')}/${threadId}`);
    expect(await page.getByTestId('deal-open-topic').getAttribute('target')).toBe('_blank');
    await shot('done');

    // Back on the offer page of the accepted request (issue 17): it says so, shows the terms as a
    // Russian page writes them (not «12.25 / 1.5 / 500.00» in inputs) and offers no second send.
    await page.goBack();
    await page.goForward();
    const closed = page.getByTestId('offer-closed');
    await closed.getByText('Предложение уже принято').waitFor();
    await closed.getByText('Принята').waitFor();
    const closedRows = (await closed.locator('tr').allTextContents()).map(plain);
    expect(closedRows).toEqual(expect.arrayContaining(['Курс12,25', 'Комиссия, %1,5 %', 'Фиксированная комиссия500,00 ₽', 'Итого к оплате1 243 875,00 ₽']));
    expect(await page.getByRole('button', { name: 'Отправить предложение' }).count()).toBe(0);
    expect(await page.locator('input[name="rate"]').count()).toBe(0);
    await shot('offer-page-accepted');
    await closed.getByRole('link', { name: 'Открыть заявку' }).click();
    await page.waitForURL(new RegExp(`/requests/${requestId}$`));
    await page.goBack();
    await closed.waitFor();

    // The card is in the topic and pinned.
    const card = await pinnedCard(threadId);
    expect(plain(card.text)).toContain('Итого к оплате: 1 243 875,00 ₽');

    // The request page: accepted, and its chat holds exactly the non-skipped messages, in order.
    await page.getByRole('link', { name: 'Открыть заявку' }).click();
    await page.waitForURL(new RegExp(`/requests/${requestId}$`));
    await page.getByTestId('request-status').getByText('Принята').waitFor();
    await page.getByText('Shenzhen Trading Co., Ltd, CN').waitFor();
    const chatTexts = () => page.getByTestId('chat-message').evaluateAll((nodes) => nodes.map((node) => node.children[1]?.textContent ?? ''));
    await expect.poll(chatTexts, { timeout: 15_000 }).toEqual(['Нужно оплатить инвойс поставщику в Китай', 'Добрый день! Какая сумма?', '100 000 долларов']);
    await expectText('terms-total', /1 243 875,00 ₽/);

    // A wrong value on the page: the server's message beside the field, nothing changes.
    const editor = page.getByTestId('terms-editor');
    await editor.getByLabel('Курс').fill('12,3x');
    await editor.getByTestId('terms-apply-rate').click();
    await editor.locator('.mantine-InputWrapper-error').filter({ hasText: 'Курс должен быть положительным числом, например 12,25' }).waitFor();
    await expectText('terms-total', /1 243 875,00 ₽/);
    await shot('request-page');

    // /rate 12.30 in the topic: the page shows the new total live, and the history says old → new.
    await say(threadId, '/rate 12.30');
    await expectText('terms-total', /1 248 950,00 ₽/);
    expect(await editor.getByLabel('Курс').inputValue()).toBe('12,30');
    await page.getByTestId('timeline').getByText('Курс: 12,25 → 12,30 (итого 1 243 875,00 ₽ → 1 248 950,00 ₽)').waitFor();
    await shot('rate-changed-live');

    // The same edit from the page, then «Отменить последнее изменение».
    await editor.getByLabel('Комиссия, %').fill('2');
    await editor.getByTestId('terms-apply-fee').click();
    await expectText('terms-total', /1 255 100,00 ₽/);
    await expectText('terms-saved', /Комиссия, %: 1,5 % → 2 % \(итого 1 248 950,00 ₽ → 1 255 100,00 ₽\)/);
    await editor.getByRole('button', { name: 'Отменить последнее изменение' }).click();
    await expectText('terms-total', /1 248 950,00 ₽/);
    expect(await editor.getByLabel('Комиссия, %').inputValue()).toBe('1,5');

    // «Завершить» twice in the topic: the page shows the request completed.
    let current = await pinnedCard(threadId);
    const press = (text: string) => {
      const button = current.buttons!.flat().find((b) => b.text.includes(text))!;
      return t.control.pressButton({ from: t.manager.id, chat_id: t.group, message_id: current.message_id, callback_data: button.callback_data! });
    };
    await press('Завершить');
    await expect
      .poll(async () => (current = await pinnedCard(threadId)).buttons!.flat().map((b) => b.text).join(), { timeout: 15_000 })
      .toContain('Завершить — подтвердите');
    await press('Завершить — подтвердите');
    await page.getByTestId('request-status').getByText('Завершена').waitFor();
    expect(await page.getByTestId('terms-editor').count()).toBe(0);
    await shot('completed');
  });
});
