/**
 * Small things a Russian manager meets on the forms every day (issue 17, the
 * lows): «фунт» offers the pound sterling first; «ОАЭ» shows its full name
 * beside it; the CNAPS message and the form's banner go once the currency no
 * longer needs CNAPS; an agent's «1,50 %» stays «1,50 %» in the total, in
 * the offer list and on the request's terms.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser, plain, signedInPage } from '../helpers/browser.js';
import { root } from '../helpers/process.js';
import { startTestApp, validRequest, type TestApp, type TestUser } from '../helpers/app.js';

const available = browserAvailable();
const artifacts = path.join(root, 'test-artifacts/form-details');

describe.skipIf(!available)('form details a Russian manager meets daily', () => {
  let app: TestApp;
  let browser: Browser;
  let customer: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    ensureWebBuilt();
    fs.mkdirSync(artifacts, { recursive: true });
    app = await startTestApp();
    browser = await launchBrowser();
    customer = await app.addUser({ role: 'customer', organization: 'ООО Детали', name: 'Вера' });
    agent = await app.addUser({ role: 'agent', organization: 'Агент Детали', name: 'Пётр' });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const select = (page: import('playwright-core').Page, name: string) => page.getByRole('textbox', { name }).or(page.getByRole('combobox', { name })).first();

  it('«фунт» → GBP first; «ОАЭ» with its full name; the CNAPS message and the banner go when the currency changes', async () => {
    const page = await signedInPage(browser, app.url, customer);
    await page.getByRole('link', { name: 'Новая заявка' }).click();

    const currency = select(page, 'Валюта платежа');
    await currency.click();
    await currency.fill('фунт');
    await expect.poll(async () => plain(await page.getByRole('option').first().textContent())).toMatch(/^GBP — Фунт стерлингов/);
    await page.keyboard.press('Escape');

    const country = select(page, 'Страна получателя');
    await country.fill('ОАЭ');
    await expect.poll(async () => plain(await page.getByRole('option').first().textContent())).toBe('ОАЭОбъединённые Арабские Эмираты');
    await page.screenshot({ path: path.join(artifacts, '01-uae-with-full-name.png'), fullPage: true });
    await page.getByRole('option').first().click();

    // Sent in yuan without CNAPS: refused beside the field, with the banner.
    await currency.fill('юань');
    await page.getByRole('option', { name: /^CNY/ }).first().click();
    await page.getByRole('button', { name: 'Создать заявку' }).click();
    const cnapsError = page.locator('.mantine-InputWrapper-error').filter({ hasText: 'Для платежа в юанях укажите CNAPS банка получателя' });
    await cnapsError.waitFor();
    await page.getByTestId('form-error').waitFor();
    // Paid in dirhams instead: CNAPS is not needed, its message goes; with the other fields fixed the banner goes too.
    await currency.fill('дирхам');
    await page.getByRole('option', { name: /^AED/ }).first().click();
    await expect.poll(() => cnapsError.count()).toBe(0);
    await page.getByLabel('Сумма к оплате').fill('5000');
    await select(page, 'Наименование получателя').fill('Dubai Trading LLC');
    await page.getByRole('textbox', { name: 'SWIFT/BIC' }).fill('EBILAEAD');
    await page.getByRole('textbox', { name: 'Счёт или IBAN' }).fill('AE070331234567890123456');
    await select(page, 'Назначение платежа').fill('Оплата за товары по инвойсу 5');
    await select(page, 'Плательщик (юрлицо)').fill('ООО Ромашка');
    await page.getByRole('textbox', { name: 'ИНН' }).fill('7707083893');
    await expect.poll(() => page.locator('.mantine-InputWrapper-error').count()).toBe(0);
    await expect.poll(() => page.getByTestId('form-error').count()).toBe(0);
    await page.context().close();
  });

  it('an empty submit: the banner counts the fields left to fix, follows the fixes and goes; a future date names which date (issue 17)', async () => {
    const page = await signedInPage(browser, app.url, customer);
    await page.getByRole('link', { name: 'Новая заявка' }).click();
    await page.getByRole('textbox', { name: 'Дата договора' }).fill('01.01.2099');
    await page.getByRole('button', { name: 'Создать заявку' }).click();
    const fieldErrors = page.locator('.mantine-InputWrapper-error');
    const banner = page.getByTestId('form-error');
    await page.locator('.mantine-InputWrapper-error').filter({ hasText: 'Дата договора не может быть в будущем' }).waitFor();
    const refused = await fieldErrors.count();
    expect(refused).toBeGreaterThanOrEqual(8);
    // Not the first field's message («Сумма не указана…»), which would stay after the amount is fixed.
    expect(plain(await banner.textContent())).toBe(`Проверьте поля формы — осталось исправить: ${refused}`);
    await page.screenshot({ path: path.join(artifacts, '03-banner-counts-fields.png'), fullPage: true });

    await page.getByLabel('Сумма к оплате').fill('5000');
    await expect.poll(async () => plain(await banner.textContent())).toBe(`Проверьте поля формы — осталось исправить: ${refused - 1}`);
    await page.getByRole('textbox', { name: 'Дата договора' }).fill('01.10.2026');
    await expect.poll(async () => plain(await banner.textContent())).toBe(`Проверьте поля формы — осталось исправить: ${refused - 2}`);
    await page.screenshot({ path: path.join(artifacts, '04-banner-after-two-fixes.png'), fullPage: true });

    const currency = select(page, 'Валюта платежа');
    await currency.fill('дирхам');
    await page.getByRole('option', { name: /^AED/ }).first().click();
    const country = select(page, 'Страна получателя');
    await country.fill('ОАЭ');
    await page.getByRole('option').first().click();
    await select(page, 'Наименование получателя').fill('Dubai Trading LLC');
    await page.getByRole('textbox', { name: 'SWIFT/BIC' }).fill('EBILAEAD');
    await page.getByRole('textbox', { name: 'Счёт или IBAN' }).fill('AE070331234567890123456');
    await select(page, 'Назначение платежа').fill('Оплата за товары по инвойсу 5');
    await select(page, 'Плательщик (юрлицо)').fill('ООО Ромашка');
    await page.getByRole('textbox', { name: 'ИНН' }).fill('7707083893');
    await expect.poll(() => fieldErrors.count()).toBe(0);
    await expect.poll(() => banner.count()).toBe(0);
    await page.context().close();
  });

  it('an agent types «1,50» %: the offer form, the offer list and the accepted terms show «1,50 %»', async () => {
    const asCustomer = await app.signIn(customer);
    const created = await asCustomer.post('/api/requests', validRequest({ amount: '10000' }));
    expect(created.status).toBe(200);
    const page = await signedInPage(browser, app.url, agent);
    await page.goto(`${app.url}/agent/requests/${created.body.id}/offers/new`);
    await page.getByRole('textbox', { name: /^Курс/ }).fill('12,25');
    await page.getByRole('textbox', { name: 'Комиссия, %' }).fill('1,50');
    await page.getByText('(1,50 %)').waitFor();
    await page.screenshot({ path: path.join(artifacts, '02-offer-fee-as-typed.png'), fullPage: true });
    await page.getByRole('button', { name: 'Отправить предложение' }).click();
    await page.waitForURL(/\/requests\/\d+$/);
    await page.getByText('Комиссия, %: 1,50').waitFor();
    await page.context().close();

    const asAgentOffer = (await asCustomer.get(`/api/requests/${created.body.id}`)).body.offers[0];
    expect(asAgentOffer.feePercent).toBe('1.50');
    const accepted = await asCustomer.post(`/api/offers/${asAgentOffer.id}/accept`, {});
    expect(accepted.status).toBe(200);
    const customerPage = await signedInPage(browser, app.url, customer);
    await customerPage.goto(`${app.url}/requests/${created.body.id}`);
    await customerPage.getByText('1,50 %', { exact: true }).waitFor();
    await customerPage.screenshot({ path: path.join(artifacts, '03-terms-fee-as-typed.png'), fullPage: true });
    await customerPage.context().close();
  });
});
