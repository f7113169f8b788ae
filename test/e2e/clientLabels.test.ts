/**
 * Labels and the export of clients in a real browser (issue 19.5): a manager
 * puts labels on a client on the client page (a wrong label is said beside the
 * field, the labels in use are offered as one types), takes one off, sees
 * both on the timeline and where the client came from; filters the dialogs list
 * by a label; downloads the clients of the filtered list as CSV and XLSX and
 * the files hold exactly those clients, their labels and decimal volumes.
 * In Russian and English; an agent is refused. Screenshots: test-artifacts/labels/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { browserAvailable, ensureWebBuilt, launchBrowser, plain, signedInPage } from '../helpers/browser.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { root } from '../helpers/process.js';
import { parseCsv } from '../helpers/csv.js';
import { clients, dialogs, messages, organizations, requests } from '../../src/db/schema.js';

const available = browserAvailable();
const artifacts = path.join(root, 'test-artifacts/labels');

describe.skipIf(!available)('labels on the client page, the label filter and the export', () => {
  let app: TestApp;
  let browser: Browser;
  const ids: Record<string, number> = {};

  const shot = async (page: Page, name: string) => {
    fs.mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true, timeout: 60_000 });
  };
  const downloadOf = async (page: Page, testId: string) => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId(testId).click()]);
    return { name: download.suggestedFilename(), bytes: fs.readFileSync((await download.path())!) };
  };

  beforeAll(async () => {
    ensureWebBuilt();
    fs.rmSync(artifacts, { recursive: true, force: true });
    app = await startTestApp();
    browser = await launchBrowser();
    const { db } = app.ctx.database;
    const [ours] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.isOurs, true));
    for (const [i, name] of ['Оптовик Ли', 'Разовый Пётр', '+7 Мошенник'].entries()) {
      // Пётр came by an ad's deep link; the other two without a parameter.
      const [client] = await db
        .insert(clients)
        .values({ telegramUserId: 7000200 + i, firstName: name, username: `user_${i}`, language: 'ru', startParameter: i === 1 ? 'ads_autumn' : null })
        .returning();
      const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 40 + i }).returning();
      await db.insert(messages).values({ dialogId: dialog!.id, seq: 1, direction: 'in', text: `Сообщение от ${name}`, sentAt: new Date() });
      ids[name] = client!.id;
      if (i === 0) {
        for (const [n, amount, currency] of [[1, '125000.50', 'CNY'], [2, '0.10', 'CNY'], [3, '99999999999999.99', 'USD']] as const) {
          await db.insert(requests).values({
            number: `2026-95000${n}`, customerOrganizationId: ours!.id, dialogId: dialog!.id, origin: 'telegram', status: 'completed', hidden: true,
            amount, currency, beneficiary: { name: 'Shenzhen Trading Co., Ltd', country: 'CN' }, purpose: 'Оплата по контракту', createdBy: app.admin.userId,
          });
        }
      }
    }
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('a manager labels a client on the page, filters the list by the label and downloads CSV and XLSX of just those clients (Russian)', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.goto(`${app.url}/clients/${ids['Оптовик Ли']}`);
    const editor = page.getByTestId('client-labels-editor');
    await editor.getByText('Меток нет').waitFor();
    expect(await page.getByTestId('client-source').textContent()).toBe('Пришёл без параметра ссылки');
    expect(await page.getByTestId('client-source').getByRole('link').getAttribute('href')).toBe('/dialogs?withoutSource=true');
    const input = editor.getByLabel('Новая метка');
    await input.fill('хороший<клиент>');
    await editor.getByRole('button', { name: 'Поставить' }).click();
    await editor.getByText('Метка «хороший<клиент>» не подходит: от 1 до 32 букв, цифр, _ или -, без пробелов').waitFor();
    await shot(page, 'ru-label-error');
    await input.fill('VIP #опт');
    await expect.poll(() => editor.getByText('не подходит').count()).toBe(0);
    await editor.getByRole('button', { name: 'Поставить' }).click();
    await expect.poll(async () => (await editor.getByTestId('client-label').allTextContents()).map(plain), { timeout: 15_000 }).toEqual(['vip', 'опт']);
    expect(await input.inputValue()).toBe('');
    await editor.getByRole('button', { name: 'Снять метку опт' }).click();
    await expect.poll(async () => (await editor.getByTestId('client-label').allTextContents()).map(plain), { timeout: 15_000 }).toEqual(['vip']);
    const timeline = page.getByTestId('client-timeline');
    await timeline.getByText('Снята метка «опт»').waitFor();
    await timeline.getByText('Поставлена метка «vip»').waitFor();
    await timeline.getByText('Поставлена метка «опт»').waitFor();
    await shot(page, 'ru-client-labels');

    // The second client gets «vip» too: the field offers the labels in use that hold the word typed (the client's own
    // left out), and the one chosen completes the word; the third client stays without.
    await page.goto(`${app.url}/clients/${ids['+7 Мошенник']}`);
    const secondInput = page.getByTestId('client-labels-editor').getByLabel('Новая метка');
    await secondInput.pressSequentially('i');
    await expect.poll(() => page.getByRole('option').allTextContents()).toEqual(['vip']);
    await secondInput.fill('vip опт ');
    // A new word begun: every label in use is offered but those typed already — «vip» — and «опт» is on nobody now.
    await expect.poll(() => page.getByRole('option').allTextContents()).toEqual([]);
    await secondInput.fill('');
    await secondInput.pressSequentially('V');
    await page.getByRole('option', { name: 'vip' }).click();
    expect(await secondInput.inputValue()).toBe('vip');
    await page.getByTestId('client-labels-editor').getByRole('button', { name: 'Поставить' }).click();
    await page.getByTestId('client-labels-editor').getByTestId('client-label').getByText('vip').waitFor();
    // The same label again, typed another way: nothing changes, and the page says the client has it already.
    await secondInput.fill('#VIP');
    await page.getByTestId('client-labels-editor').getByRole('button', { name: 'Поставить' }).click();
    await page.getByTestId('client-label-already').getByText('Уже стоит у клиента: «vip»').waitFor();
    expect(await page.getByTestId('client-labels-editor').getByTestId('client-label').count()).toBe(1);

    await page.goto(`${app.url}/dialogs`);
    await page.getByTestId('dialogs-label').click();
    await page.getByRole('option', { name: 'vip (2)' }).click();
    const names = async () => (await page.getByTestId('dialogs').getByRole('row').allTextContents()).slice(1).map(plain);
    await expect.poll(names, { timeout: 15_000 }).toHaveLength(2);
    expect((await names()).some((row) => row.includes('Разовый Пётр'))).toBe(false);
    await shot(page, 'ru-dialogs-by-label');

    const csv = await downloadOf(page, 'export-csv');
    expect(csv.name).toMatch(/^clients-\d{4}-\d{2}-\d{2}\.csv$/);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(csv.bytes.toString('utf8').slice(1), ';');
    expect(rows[0]).toEqual(['ID клиента', 'Имя', 'Username', 'Telegram ID', 'Язык', 'Метки', 'Источник (start)', 'Первое обращение (Europe/Moscow)', 'Последний контакт (Europe/Moscow)', 'Заявок', 'Завершено заявок', 'Объём CNY', 'Объём USD', 'Ответственный']);
    expect(rows.slice(1).map((row) => row[1]).sort()).toEqual(["'+7 Мошенник", 'Оптовик Ли'].sort());
    const li = rows.find((row) => row[1] === 'Оптовик Ли')!;
    expect(li.slice(2, 6)).toEqual(['user_0', '7000200', 'ru', 'vip']);
    // Russian CSV: the decimal comma Russian Excel reads as a number (outside check: `125000.60` was text there).
    expect(li.slice(9, 13)).toEqual(['3', '3', '125000,60', '99999999999999,99']);
    // Dates in the business time zone (Europe/Moscow by default), with its offset.
    expect(li[7]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/);

    const xlsx = await downloadOf(page, 'export-xlsx');
    expect(xlsx.name).toMatch(/^clients-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Клиенты')!;
    expect(sheet.rowCount).toBe(3);
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    const liRow = [2, 3].map(values).find((row) => row[1] === 'Оптовик Ли')!;
    expect(liRow[0]).toBe(ids['Оптовик Ли']);
    expect(liRow[3]).toBe(7000200);
    expect(liRow[5]).toBe('vip');
    expect(liRow[7]).toBeInstanceOf(Date);
    expect(sheet.getCell(2, 8).numFmt).toBe('dd.mm.yyyy hh:mm');
    // Volumes are number cells shown with 2 decimals (outside check: a text cell); 16 significant digits stay text, exact.
    const liLine = [2, 3].find((n) => values(n)[1] === 'Оптовик Ли')!;
    expect(sheet.getCell(liLine, 12).type).toBe(ExcelJS.ValueType.Number);
    expect(sheet.getCell(liLine, 12).value).toBe(125000.6);
    expect(sheet.getCell(liLine, 12).numFmt).toBe('#,##0.00');
    expect(sheet.getCell(liLine, 13).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell(liLine, 13).value).toBe('99999999999999.99');
    expect([2, 3].map(values).find((row) => row[1] === '+7 Мошенник')).toBeTruthy();
    await page.context().close();
  });

  it('the same in English: the label filter, the CSV with English headers and a comma', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.getByText('EN', { exact: true }).click();
    await page.goto(`${app.url}/clients/${ids['Разовый Пётр']}`);
    const editor = page.getByTestId('client-labels-editor');
    await editor.getByText('No labels').waitFor();
    // Where the client came from, a link to everyone who came by the same deep link.
    const source = page.getByTestId('client-source');
    expect(plain(await source.textContent())).toBe('Came by the link ads_autumn');
    expect(await source.getByRole('link', { name: 'ads_autumn' }).getAttribute('href')).toBe('/dialogs?source=ads_autumn');
    await editor.getByLabel('New label').fill('one_off');
    await editor.getByRole('button', { name: 'Add' }).click();
    await page.getByTestId('client-timeline').getByText('Label «one_off» added').waitFor();
    await page.goto(`${app.url}/dialogs`);
    await page.getByTestId('dialogs-label').click();
    await page.getByRole('option', { name: 'one_off (1)' }).click();
    await expect.poll(async () => (await page.getByTestId('dialogs').getByRole('row').count()), { timeout: 15_000 }).toBe(2);
    await shot(page, 'en-dialogs-by-label');
    const csv = await downloadOf(page, 'export-csv');
    const rows = parseCsv(csv.bytes.toString('utf8').slice(1), ',');
    expect(rows[0]!.slice(0, 6)).toEqual(['Client ID', 'Name', 'Username', 'Telegram ID', 'Language', 'Labels']);
    expect(rows.slice(1).map((row) => [row[1], row[5]])).toEqual([['Разовый Пётр', 'one_off']]);
    await page.context().close();
  });

  it('an agent is refused a client page and the export', async () => {
    const agent = await app.addUser({ role: 'agent', organization: 'Агент Метки' });
    const page = await signedInPage(browser, app.url, agent);
    await page.goto(`${app.url}/clients/${ids['Оптовик Ли']}`);
    await page.getByText('Историю клиента видят только менеджеры').waitFor();
    const response = await page.request.get(`${app.url}/api/clients/export?format=csv`);
    expect(response.status()).toBe(403);
    expect(await response.text()).not.toContain('Оптовик');
    await page.context().close();
  });
});
