/**
 * The manager's daily friction on the platform's forms (issue 17), in a real
 * browser, the way a person works:
 * - a used `/new` link gives the way on: the same manager, still signed in,
 *   continues to the form for that client; a signed-out browser is told to
 *   type /new again and gets no session (17.7);
 * - the request form names the client it is for (17.10);
 * - a field's error goes away once the field is changed, the others stay (17.9);
 * - typing into the currency selector searches (it used to insert into the
 *   middle of the shown label); an empty search says «Ничего не найдено» /
 *   "Nothing found", and an autocomplete with no match says what to do (17.11);
 * - every page has a favicon (17.19).
 * Screenshots of each screen, in Russian and in English, go to test-artifacts/forms/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser, signedInPage as signInAs } from '../helpers/browser.js';
import { pressedLoginUrl, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { root } from '../helpers/process.js';
import { issueRequestLink } from '../../src/commands/issueRequestLink.js';
import { clients, dialogs } from '../../src/db/schema.js';

const available = browserAvailable();
const artifacts = path.join(root, 'test-artifacts/forms');

describe.skipIf(!available)('manager forms in the browser', () => {
  let app: TestApp;
  let browser: Browser;
  let customer: TestUser;
  let dialogId = 0;
  let linkUrl = '';

  const shot = async (page: Page, name: string) => {
    fs.mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true, timeout: 60_000 });
  };
  const fieldError = (page: Page, text: string | RegExp) => page.locator('.mantine-InputWrapper-error').filter({ hasText: text });
  const newPage = async (locale = 'ru-RU') => {
    const page = await (await browser.newContext({ locale, timezoneId: 'Europe/Moscow', viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
    return page;
  };
  const toEnglish = async (page: Page) => {
    await page.getByText('EN', { exact: true }).click();
    await page.getByText('Sandbox: Telegram is emulated').waitFor();
  };

  beforeAll(async () => {
    ensureWebBuilt();
    fs.rmSync(artifacts, { recursive: true, force: true });
    app = await startTestApp();
    browser = await launchBrowser();
    customer = await app.addUser({ role: 'customer', organization: 'ООО Покупатель', name: 'Ирина' });
    const { db } = app.ctx.database;
    const [client] = await db.insert(clients).values({ telegramUserId: 1293672691, firstName: 'Ли', lastName: 'Вэй', username: 'liwei_trade' }).returning();
    const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 11 }).returning();
    dialogId = dialog!.id;
    const { url } = await issueRequestLink(app.ctx, { dialog: dialog!, manager: { id: 990001, first_name: 'Алина' } });
    // As Telegram opens it when Алина presses the bot's login_url button.
    const pressed = pressedLoginUrl(app, url, { id: 990001, first_name: 'Алина' });
    linkUrl = app.url + pressed.pathname + pressed.search;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("the link opens the form, which names the client it is for: name, @username, Telegram ID (RU and EN)", async () => {
    const page = await newPage();
    await page.goto(linkUrl);
    await page.waitForURL(new RegExp(`/new\\?dialog=${dialogId}$`));
    const client = page.getByTestId('request-client');
    await client.getByText('Заявка для клиента').waitFor();
    expect(await client.innerText()).toMatch(/Ли Вэй · @liwei_trade · Telegram ID 1293672691/);
    expect(await client.getByRole('link', { name: '@liwei_trade' }).getAttribute('href')).toBe('https://t.me/liwei_trade');
    await shot(page, 'request-client-ru');
    await toEnglish(page);
    await client.getByText('Request for the client').waitFor();
    await shot(page, 'request-client-en');

    // The same link again, in the same browser: spent, but this manager goes on to that client's form.
    await page.goto(linkUrl);
    const refused = page.getByTestId('link-refused');
    await refused.waitFor();
    expect(await refused.getAttribute('data-reason')).toBe('used');
    await refused.getByText('This link has already been used: it works once.').waitFor();
    await shot(page, 'link-used-signed-in-en');
    await page.getByText('RU', { exact: true }).click();
    await refused.getByText('По этой ссылке уже вошли: она одноразовая. Наберите /new в теме клиента ещё раз.').waitFor();
    await shot(page, 'link-used-signed-in-ru');
    await page.getByTestId('link-continue').click();
    await page.waitForURL(new RegExp(`/new\\?dialog=${dialogId}$`));
    await page.getByTestId('request-client').getByText(/Ли Вэй/).waitFor();
    await page.context().close();
  });

  it('the spent link in a signed-out browser: says to type /new again, offers no way in, signs nobody in', async () => {
    const page = await newPage();
    await page.goto(linkUrl);
    const refused = page.getByTestId('link-refused');
    await refused.getByText(/Наберите \/new в теме клиента ещё раз/).waitFor();
    expect(await page.getByTestId('link-continue').count()).toBe(0);
    expect(await page.getByTestId('current-user').count()).toBe(0);
    const me = (await (await page.request.get(`${app.url}/api/auth/me`)).json()) as { user: unknown };
    expect(me.user).toBeNull();
    await shot(page, 'link-used-signed-out-ru');
    await page.context().close();
  });

  it('a field error goes away when that field is changed; the others stay until fixed', async () => {
    const page = await signInAs(browser, app.url, customer);
    await page.goto(`${app.url}/new`);
    await page.getByLabel('Сумма к оплате').fill('-5');
    await page.getByRole('button', { name: 'Создать заявку' }).click();
    await fieldError(page, /Сумма должна быть положительным числом/).waitFor();
    await fieldError(page, 'Укажите получателя').waitFor();
    await shot(page, 'errors-before-ru');
    await page.getByLabel('Сумма к оплате').fill('5000');
    await fieldError(page, /Сумма должна быть положительным числом/).waitFor({ state: 'detached' });
    expect(await fieldError(page, 'Укажите получателя').count()).toBe(1);
    await page.getByRole('combobox', { name: 'Наименование получателя' }).fill('Shenzhen Trading');
    await fieldError(page, 'Укажите получателя').waitFor({ state: 'detached' });
    await shot(page, 'errors-after-ru');
    await page.context().close();
  });

  it('typing into the currency selector searches; nothing found is said, in Russian and in English', async () => {
    const page = await signInAs(browser, app.url, customer);
    await page.goto(`${app.url}/new`);
    const currency = page.getByRole('textbox', { name: 'Валюта платежа' }).or(page.getByRole('combobox', { name: 'Валюта платежа' })).first();
    await expect.poll(() => currency.inputValue(), { timeout: 15_000 }).toMatch(/^CNY — /);
    // A person clicks into the field showing «CNY — …» and types: the text typed replaces it and finds the currency.
    await currency.click();
    await page.keyboard.type('евро');
    expect(await currency.inputValue()).toBe('евро');
    await page.getByRole('option', { name: /^EUR — / }).click();
    expect(await currency.inputValue()).toMatch(/^EUR — /);

    await currency.click();
    await page.keyboard.type('нетакойвалюты');
    await page.getByText('Ничего не найдено').waitFor();
    await shot(page, 'currency-nothing-found-ru');
    await page.keyboard.press('Escape');

    // An autocomplete with nothing known to offer says so, and what to do.
    await page.getByRole('combobox', { name: 'Наименование получателя' }).fill('Совсем новый получатель');
    await page.getByText('Среди известных получателей ничего не найдено', { exact: false }).waitFor();
    await shot(page, 'beneficiary-nothing-found-ru');

    await toEnglish(page);
    const currencyEn = page.getByRole('textbox', { name: 'Payment currency' }).or(page.getByRole('combobox', { name: 'Payment currency' })).first();
    await currencyEn.click();
    await page.keyboard.type('nosuchcurrency');
    await page.getByText('Nothing found').waitFor();
    await page.getByText('No known beneficiary matches', { exact: false }).waitFor();
    await shot(page, 'currency-nothing-found-en');
    await page.context().close();
  });

  it('the pages have a favicon', async () => {
    const page = await newPage();
    await page.goto(app.url);
    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(href).toBe('/favicon.svg');
    const icon = await page.request.get(app.url + href);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toMatch(/^image\/svg\+xml/);
    await page.context().close();
  });
});
