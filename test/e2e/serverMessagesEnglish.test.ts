/**
 * In English, what the server refuses reaches the page in English (issue 17):
 * the sign-in form, the request form (beside each field and in the banner),
 * the offer form, the terms editor and the admin's user form. The client
 * writes to the bot, the manager types /new in the topic, opens the link in
 * Chromium with the English UI, and types what a hurried manager types.
 * The form's banner goes away once the fields are fixed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser, plain } from '../helpers/browser.js';
import { freePort, root } from '../helpers/process.js';
import { startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';

const available = browserAvailable();
const artifacts = path.join(root, 'test-artifacts/server-messages-english');
const CYRILLIC = /[А-Яа-яЁё]/;

describe.skipIf(!available)("the server's refusals in the English UI", () => {
  let t: TelegramWorld;
  let browser: Browser;
  let appUrl = '';

  /** A page whose UI language is English (the choice the EN switch remembers). */
  const englishPage = async (): Promise<Page> => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Moscow', viewport: { width: 1280, height: 1000 } });
    await context.addInitScript(() => localStorage.setItem('hotline.locale', 'en'));
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
    return page;
  };
  const fieldError = (page: Page, text: string) => page.locator('.mantine-InputWrapper-error').filter({ hasText: text });
  /** A Mantine select by its label (a textbox or a combobox, depending on the version). */
  const select = (page: Page, name: string) => page.getByRole('textbox', { name }).or(page.getByRole('combobox', { name })).first();
  const fieldErrors = async (page: Page) => (await page.locator('.mantine-InputWrapper-error').allTextContents()).map(plain);
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    ensureWebBuilt();
    fs.mkdirSync(artifacts, { recursive: true });
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    t = await startTelegramWorld({ env: { PORT: String(port), PUBLIC_URL: appUrl } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('sign-in: a wrong password is told in English', async () => {
    const page = await englishPage();
    await page.goto(`${appUrl}/sign-in`);
    await page.getByLabel('E-mail').fill('admin@test.local');
    await page.getByRole('textbox', { name: 'Password' }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong e-mail or password').waitFor();
    // Empty fields are answered by the page in English, not by the browser's own pop-up in the browser's language.
    await page.getByLabel('E-mail').fill('');
    await page.getByRole('textbox', { name: 'Password' }).fill('');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('sign-in-error').getByText('Enter your e-mail and password').waitFor();
    await page.context().close();
  });

  it('request form, offer form and terms editor answer in English; the banner clears once the fields are fixed', async () => {
    const client = await t.newClient('English');
    await t.control.sendMessage({ from: client.id, text: 'Need to pay a supplier' });
    const topic = await t.waitForTopic(client, { textIncludes: 'supplier' });
    const link = await t.newRequestLink(topic.threadId);
    const page = await englishPage();
    await page.goto((await link.press()).toString());
    await page.waitForURL(/\/new\?dialog=\d+$/);

    // Nothing typed but a negative amount, a short SWIFT and a purpose template with holes.
    await page.getByLabel('Amount to pay').fill('-5');
    await page.getByRole('textbox', { name: 'SWIFT/BIC' }).fill('AB');
    await page.getByRole('button', { name: 'Create request' }).click();
    // The banner counts the fields left to fix, in English too.
    await fieldError(page, 'Amount must be a positive number, e.g. 100000').waitFor();
    const errors = await fieldErrors(page);
    expect(plain(await page.getByTestId('form-error').textContent())).toBe(`Check the form fields — left to fix: ${errors.length}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        'Amount must be a positive number, e.g. 100000',
        'Enter the beneficiary',
        "Choose the beneficiary's country",
        'A SWIFT/BIC has 8 or 11 Latin letters and digits, 2 entered',
        "Enter the beneficiary's account or IBAN",
        "For a payment in yuan, enter the CNAPS code of the beneficiary's bank",
        'Enter the payment purpose',
        'Enter the payer',
        'Enter the INN',
      ]),
    );
    expect(errors.filter((text) => CYRILLIC.test(text))).toEqual([]);
    await shot(page, '01-request-form-refused');

    // A purpose with holes is named in English too, before sending.
    const purpose = page.getByRole('combobox', { name: 'Payment purpose' });
    await purpose.fill('Payment under contract No. … dated …');
    await page.getByText('The payment purpose is not complete: fill in the number (after «No.»), the date (after «dated»).').waitFor();

    // Fixed field by field: every message and then the banner go away.
    await page.getByLabel('Amount to pay').fill('10000');
    await page.getByRole('combobox', { name: 'Beneficiary name' }).fill('Shenzhen Trading Co., Ltd');
    await page.getByRole('combobox', { name: 'Beneficiary country' }).fill('China');
    await page.getByRole('option').first().click();
    await page.getByRole('textbox', { name: 'SWIFT/BIC' }).fill('BKCHCNBJ');
    await page.getByRole('textbox', { name: 'Account or IBAN' }).fill('6222021234567890');
    await page.getByRole('textbox', { name: 'CNAPS' }).fill('104100000004');
    await purpose.fill('Payment for goods under invoice 17');
    await page.getByRole('combobox', { name: 'Payer (legal entity)' }).fill('OOO Romashka');
    await page.getByRole('textbox', { name: 'INN' }).fill('7707083893');
    await expect.poll(() => fieldErrors(page)).toEqual([]);
    await expect.poll(() => page.getByTestId('form-error').count()).toBe(0);
    await page.getByRole('textbox', { name: 'KPP' }).fill('773601001');
    await page.getByRole('button', { name: 'Create request' }).click();

    // The offer form: a negative fee and an unreadable rate.
    await page.waitForURL(/\/offers\/new$/);
    await page.getByRole('textbox', { name: /^Rate/ }).fill('abc');
    await page.getByRole('textbox', { name: 'Fee, %' }).fill('-1');
    await page.getByRole('button', { name: 'Send offer' }).click();
    await fieldError(page, 'Rate must be a positive number, e.g. 12.25').waitFor();
    await fieldError(page, 'Fee cannot be negative, e.g. 1.5').waitFor();
    expect((await fieldErrors(page)).filter((text) => CYRILLIC.test(text))).toEqual([]);
    await shot(page, '02-offer-form-refused');
    await page.getByRole('textbox', { name: /^Rate/ }).fill('12.25');
    await page.getByRole('textbox', { name: 'Fee, %' }).fill('1.5');
    await page.getByRole('button', { name: 'Send offer' }).click();
    await page.getByRole('link', { name: 'Open the request' }).click();

    // The terms editor: a command's refusal in English.
    const editor = page.getByTestId('terms-editor');
    await editor.getByLabel('Execution time').fill('999');
    await editor.getByTestId('terms-apply-days').click();
    await editor.getByText('The execution time must be a whole number of days from 0 to 365, e.g. 3').waitFor();
    // What the outside tester typed: an unreadable rate, a fee above 100, an empty purpose —
    // each refused beside its field in English, with none of the bot's words («Пример: /rate 12.25»).
    const editorError = (text: string) => editor.locator('.mantine-InputWrapper-error').filter({ hasText: text });
    await editor.getByLabel('Rate', { exact: true }).fill('abc');
    await editor.getByTestId('terms-apply-rate').click();
    await editorError('Rate must be a positive number, e.g. 12.25').waitFor();
    await editor.getByLabel('Fee, %').fill('150');
    await editor.getByTestId('terms-apply-fee').click();
    await editorError('Fee must be at most 100').waitFor();
    await editor.getByLabel('Payment purpose').fill('');
    await editor.getByTestId('terms-apply-purpose').click();
    await editorError('Enter the payment purpose').waitFor();
    const editorErrors = (await editor.locator('.mantine-InputWrapper-error').allTextContents()).map(plain);
    expect(editorErrors).toEqual([
      'Rate must be a positive number, e.g. 12.25',
      'Fee must be at most 100',
      'The execution time must be a whole number of days from 0 to 365, e.g. 3',
      'Enter the payment purpose',
    ]);
    expect(editorErrors.filter((text) => CYRILLIC.test(text) || text.includes('/rate') || /\/\w+ /.test(text))).toEqual([]);
    await shot(page, '03-terms-editor-refused');
    await page.context().close();
  });

  it("admin's user form: a bad e-mail and a short password in English", async () => {
    const page = await englishPage();
    await page.goto(`${appUrl}/sign-in`);
    await page.getByLabel('E-mail').fill('admin@test.local');
    await page.getByRole('textbox', { name: 'Password' }).fill('admin-password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('tab', { name: 'Users' }).click();
    await page.getByLabel('Name', { exact: true }).first().fill('Ann');
    await page.getByLabel('E-mail', { exact: true }).fill('not-an-email');
    await page.getByLabel('Password (at least 10 characters)').fill('short');
    await page.getByRole('button', { name: 'Create' }).click();
    // No organization chosen: the request's own shape check answers, in English, saying what is wrong.
    await page.getByText('Required field').waitFor();
    await select(page, 'Role').click();
    await page.getByRole('option', { name: 'Manager' }).click();
    await select(page, 'Organization').fill('Наша');
    await page.getByRole('option').first().click();
    await page.getByRole('button', { name: 'Create' }).click();
    await fieldError(page, 'This does not look like an e-mail').waitFor();
    expect((await fieldErrors(page)).filter((text) => CYRILLIC.test(text))).toEqual([]);
    await shot(page, '04-admin-user-refused');
    await page.context().close();
  });
});
