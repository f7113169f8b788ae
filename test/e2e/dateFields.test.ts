/**
 * Date fields follow the UI's language, not the browser's (issue 17): in an
 * English-language Chromium (`--lang=en-US`, locale en-US) the Russian form
 * shows and takes ДД.ММ.ГГГГ — «30.11.2026» typed is the 30th of November,
 * and the purpose template fills it in as such —; switched to English the
 * same dates read «30 Nov 2026» and a date typed that way is taken; digits
 * are taken only when they cannot be misread (11/30/2026), and 12/01/2027 gets
 * a message beside the field instead of a guess; a day that does not exist
 * (31 Feb 2026, 31.02.2027) is named as such in any form the field takes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser } from '../helpers/browser.js';
import { root } from '../helpers/process.js';
import { startTestApp, type TestApp, type TestUser } from '../helpers/app.js';

const available = browserAvailable();
const artifacts = path.join(root, 'test-artifacts/date-fields');

describe.skipIf(!available)('date fields in an English-language browser', () => {
  let app: TestApp;
  let browser: Browser;
  let customer: TestUser;

  beforeAll(async () => {
    ensureWebBuilt();
    fs.mkdirSync(artifacts, { recursive: true });
    app = await startTestApp();
    browser = await launchBrowser(['--lang=en-US']);
    customer = await app.addUser({ role: 'customer', organization: 'ООО Даты', name: 'Ольга' });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('the Russian form writes and reads ДД.ММ.ГГГГ; the English one «30 Nov 2026»; the value stays the same day', async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York', viewport: { width: 1280, height: 1100 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
    expect(await page.evaluate(() => navigator.language)).toBe('en-US');

    await page.goto(`${app.url}/sign-in`);
    await page.getByLabel('E-mail').fill(customer.email);
    await page.getByRole('textbox', { name: 'Пароль' }).fill(customer.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByTestId('current-user').getByText(customer.name).waitFor();
    await page.getByRole('link', { name: 'Новая заявка' }).click();

    const contractDate = page.getByRole('textbox', { name: 'Дата договора' });
    expect(await contractDate.getAttribute('placeholder')).toBe('ДД.ММ.ГГГГ');
    await contractDate.fill('30.11.2026');
    await page.getByRole('textbox', { name: 'Номер договора' }).click();
    await page.getByRole('textbox', { name: 'Номер договора' }).fill('K-17');
    expect(await contractDate.inputValue()).toBe('30.11.2026');

    // The template takes the typed date as the 30th of November, written the Russian way.
    const purpose = page.getByRole('combobox', { name: 'Назначение платежа' });
    await purpose.fill('Оплата по контракту');
    await page.getByRole('option', { name: /^Оплата по контракту № \{contract\} от \{date\} за товары$/ }).click();
    expect(await purpose.inputValue()).toBe('Оплата по контракту № K-17 от 30.11.2026 за товары');

    const deadline = page.getByRole('textbox', { name: 'Срок оплаты' });
    await deadline.fill('31.12.2026');
    await page.getByRole('textbox', { name: 'Комментарий' }).click();
    expect(await deadline.inputValue()).toBe('31.12.2026');
    // A day that does not exist is named as such, quoted, beside the field (outside check: it vanished unexplained).
    await deadline.fill('31.02.2027');
    await page.getByRole('textbox', { name: 'Комментарий' }).click();
    await page.getByText('Дня «31.02.2027» в календаре нет — проверьте число и месяц').waitFor();
    // Kept as typed (DateField keepTyped), so that the form sends it and is refused instead of saving 31.12.2026.
    expect(await deadline.inputValue()).toBe('31.02.2027');
    // Any form the field takes that names no day says so, a month's name too (outside check: «31 Feb 2026» was asked to
    // be typed «as 30 Nov 2026»).
    await deadline.fill('29 Feb 2027');
    await page.getByRole('textbox', { name: 'Комментарий' }).click();
    await page.getByText('Дня «29 Feb 2027» в календаре нет — проверьте число и месяц').waitFor();
    await deadline.fill('31.12.2026');
    await page.getByRole('textbox', { name: 'Комментарий' }).click();
    await expect.poll(() => page.getByText('в календаре нет').count(), { timeout: 15_000 }).toBe(0);
    await page.screenshot({ path: path.join(artifacts, '01-russian-ui-english-browser.png'), fullPage: true });

    // English UI: the same days, with the month's name; a date typed that way is taken.
    await page.getByText('EN', { exact: true }).click();
    const contractDateEn = page.getByRole('textbox', { name: 'Contract date' });
    await expect.poll(() => contractDateEn.inputValue(), { timeout: 15_000 }).toBe('30 Nov 2026');
    const deadlineEn = page.getByRole('textbox', { name: 'Deadline' });
    expect(await deadlineEn.inputValue()).toBe('31 Dec 2026');
    await deadlineEn.fill('15 Jan 2027');
    await page.getByRole('textbox', { name: 'Comment' }).click();
    expect(await deadlineEn.inputValue()).toBe('15 Jan 2027');
    // A US reader's 11/30/2026 cannot be misread: taken. 12/01/2026 is 12 January or 1 December: not guessed, and the
    // field says how to write it instead of silently emptying itself (found by the outside check).
    await contractDateEn.fill('11/30/2026');
    await page.getByRole('textbox', { name: 'Comment' }).click();
    expect(await contractDateEn.inputValue()).toBe('30 Nov 2026');
    await deadlineEn.fill('12/01/2027');
    await page.getByRole('textbox', { name: 'Comment' }).click();
    await page.getByText('Could not read «12/01/2027» for sure: type it as 30 Nov 2026 or 2026-11-30').waitFor();
    // A day that does not exist, in the placeholder's own form or another the field takes, is named as such — not
    // «type it as 30 Nov 2026» (outside check).
    for (const typed of ['31 Feb 2026', '29 Feb 2027', 'Feb 31, 2026', '02/31/2026']) {
      await deadlineEn.fill(typed);
      await page.getByRole('textbox', { name: 'Comment' }).click();
      await page.getByText(`There is no day «${typed}» in the calendar — check the day and the month`).waitFor();
      expect(await page.getByText('Could not read').count()).toBe(0);
    }
    await deadlineEn.fill('1 Dec 2027');
    await page.getByRole('textbox', { name: 'Comment' }).click();
    expect(await deadlineEn.inputValue()).toBe('1 Dec 2027');
    await expect.poll(() => page.getByText('Could not read «12/01/2027»').count(), { timeout: 15_000 }).toBe(0);
    await page.screenshot({ path: path.join(artifacts, '02-english-ui.png'), fullPage: true });

    // Back in Russian the deadline typed in English reads 15.01.2027.
    await page.getByText('RU', { exact: true }).click();
    await expect.poll(() => deadline.inputValue(), { timeout: 15_000 }).toBe('01.12.2027');
    await context.close();
  });

  it('the agents\' list filters by creation date typed ДД.ММ.ГГГГ in an English-language browser', async () => {
    const agent = await app.addUser({ role: 'agent', organization: 'Агент Даты', name: 'Антон' });
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${app.url}/sign-in`);
    await page.getByLabel('E-mail').fill(agent.email);
    await page.getByRole('textbox', { name: 'Пароль' }).fill(agent.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByTestId('current-user').getByText(agent.name).waitFor();
    await page.goto(`${app.url}/agent/requests`);
    const from = page.getByRole('textbox', { name: 'Создана с' });
    expect(await from.getAttribute('placeholder')).toBe('ДД.ММ.ГГГГ');
    await from.fill('01.11.2026');
    await page.getByRole('textbox', { name: 'Создана по' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBe('2026-11-01');
    await expect.poll(() => from.inputValue()).toBe('01.11.2026');
    await context.close();
  });
});
