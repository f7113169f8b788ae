/**
 * The quick replies page in a real browser (issue 19.4): a manager creates a
 * template from the nav link, formats it with the page's buttons, inserts a
 * variable, sees the server's refusal of bad markup beside the text field,
 * fixes it, saves, edits it; the same in English (the refusal in English).
 * Screenshots go to test-artifacts/quick-replies/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser, signedInPage } from '../helpers/browser.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { root } from '../helpers/process.js';

const available = browserAvailable();
const artifacts = path.join(root, 'test-artifacts/quick-replies');

describe.skipIf(!available)('the quick replies page', () => {
  let app: TestApp;
  let browser: Browser;
  const shot = async (page: Page, name: string) => {
    fs.mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true, timeout: 60_000 });
  };

  beforeAll(async () => {
    ensureWebBuilt();
    fs.rmSync(artifacts, { recursive: true, force: true });
    app = await startTestApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('in Russian: created with formatting and a variable, a markup error shown beside the text, then edited', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.getByRole('link', { name: 'Быстрые ответы' }).click();
    await page.getByRole('heading', { name: 'Быстрые ответы' }).waitFor();
    await page.getByText('Быстрых ответов пока нет').waitFor();
    await page.getByRole('button', { name: 'Новый ответ' }).click();
    const modal = page.getByRole('dialog');
    await modal.getByLabel('Название').fill('привет');
    const text = modal.getByLabel('Текст');
    await text.fill('Здравствуйте, ');
    await modal.getByRole('button', { name: '{client}' }).click();
    await text.press('End');
    await text.pressSequentially('! Курс <b>выгодный');
    await modal.getByRole('button', { name: 'Сохранить' }).click();
    // The server's sentence sits beside the field it is about.
    const error = modal.getByText('Тег <b> не закрыт: допишите </b>');
    await error.waitFor();
    expect(await modal.getByLabel('Текст').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'ru-error');
    await text.press('End');
    await text.pressSequentially('</b>');
    await expect.poll(() => error.count()).toBe(0);
    await modal.getByRole('button', { name: 'Сохранить' }).click();
    const row = page.getByTestId('quick-reply-row').filter({ hasText: '/t привет' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Здравствуйте, {client}! Курс <b>выгодный</b>');
    await shot(page, 'ru-list');

    await row.getByRole('button', { name: 'Изменить' }).click();
    await modal.getByText('Быстрый ответ «привет»').waitFor();
    await modal.getByLabel('Название').fill('приветствие');
    await modal.getByRole('button', { name: 'Сохранить' }).click();
    const renamed = page.getByTestId('quick-reply-row').filter({ hasText: '/t приветствие' });
    await renamed.waitFor();

    // A file goes with the text: a wrong type is refused beside the field, a PDF is kept.
    await renamed.getByRole('button', { name: 'Изменить' }).click();
    const fileInput = modal.locator('input[type=file]');
    await fileInput.setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
    await modal.getByText('Такие файлы не принимаются (.exe). Можно: PDF, JPEG, PNG, WebP, DOCX, XLSX, DOC, XLS').waitFor();
    await fileInput.setInputFiles({ name: 'Тарифы.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n') });
    await modal.getByRole('button', { name: 'Убрать файл' }).waitFor();
    await shot(page, 'ru-file');
    await modal.getByRole('button', { name: 'Отмена' }).click();
    await renamed.getByTestId('quick-reply-file').getByText('📎 Тарифы.pdf').waitFor();
    const list = await (await fetch(`${app.url}/api/quick-replies`, { headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } })).json() as { items: Array<{ name: string; body: string }> };
    expect(list.items.map((r) => [r.name, r.body])).toEqual([['приветствие', 'Здравствуйте, {client}! Курс <b>выгодный</b>']]);
    await page.context().close();
  });

  it('in English: a taken name and an unknown tag are refused in English beside their fields', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('link', { name: 'Quick replies' }).click();
    await page.getByRole('button', { name: 'New reply' }).click();
    const modal = page.getByRole('dialog');
    await modal.getByLabel('Name').fill('ПРИВЕТСТВИЕ');
    await modal.getByLabel('Text').fill('<script>alert(1)</script>');
    await modal.getByRole('button', { name: 'Save' }).click();
    await modal.getByText('This name is taken').waitFor();
    await modal.getByText('The tag <script> is not supported: use <b> <i> <u> <s> <a href> <code> (character 1)').waitFor();
    await shot(page, 'en-errors');
    await modal.getByLabel('Name').fill('payment');
    await modal.getByLabel('Text').fill('');
    await modal.getByRole('button', { name: 'Bold' }).click();
    await modal.getByLabel('Text').pressSequentially('Paid');
    await modal.getByRole('button', { name: 'Save' }).click();
    const row = page.getByTestId('quick-reply-row').filter({ hasText: '/t payment' });
    await row.waitFor();
    expect(await row.textContent()).toContain('<b>Paid</b>');
    await page.context().close();
  });
});
