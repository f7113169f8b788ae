/**
 * The dialogs page in a real browser (issue 19):
 * - 19.7: a manager puts a client on the blocklist with a reason (a reason is
 *   required, said beside the field), finds them under «Чёрный список» with the
 *   reason and the date, and lets them back;
 * - 19.6: each client shows the deep link they came by, and the list filters by it;
 * - 19.2: a manager takes a dialog («Взять себе»), finds it under «Мои», hands it over.
 * In Russian and in English. Screenshots go to test-artifacts/dialogs/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser, plain, signedInPage } from '../helpers/browser.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { root } from '../helpers/process.js';
import { clients, dialogs, messages } from '../../src/db/schema.js';

const available = browserAvailable();
const artifacts = path.join(root, 'test-artifacts/dialogs');

describe.skipIf(!available)('the dialogs page: blocklist and sources', () => {
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
    const { db } = app.ctx.database;
    const seeded = [
      { name: 'Навязчивый', source: null },
      { name: 'Вежливая', source: 'ads_autumn' },
      { name: 'Партнёрский', source: 'partner-42' },
      { name: 'Осенняя', source: 'ads_autumn' },
    ];
    for (const [i, { name, source }] of seeded.entries()) {
      const [client] = await db.insert(clients).values({ telegramUserId: 7000100 + i, firstName: name, startParameter: source }).returning();
      const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 20 + i }).returning();
      await db.insert(messages).values({ dialogId: dialog!.id, seq: 1, direction: 'in', text: `Сообщение от ${name}`, sentAt: new Date() });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('a reason is asked for; the banned client shows with it under «Чёрный список»; «Убрать из чёрного списка» lets them back', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.goto(`${app.url}/dialogs`);
    const row = page.getByTestId('dialogs').getByRole('row').filter({ hasText: 'Навязчивый' });
    await row.getByRole('button', { name: 'В чёрный список' }).click();
    const modal = page.getByRole('dialog');
    await modal.getByText('В чёрный список: Навязчивый').waitFor();
    await modal.getByRole('button', { name: 'В чёрный список' }).click();
    await modal.getByText('Напишите причину').waitFor();
    await modal.getByLabel('Причина').fill('Рассылает рекламу');
    // The error goes once the field changes.
    await expect.poll(() => modal.getByText('Напишите причину').count(), { timeout: 15_000 }).toBe(0);
    await shot(page, 'ru-ban-dialog');
    await modal.getByRole('button', { name: 'В чёрный список' }).click();
    await row.getByText('В чёрном списке').waitFor();
    expect(plain(await row.getByTestId('ban-reason').textContent())).toMatch(/^с \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}: Рассылает рекламу$/);

    await page.getByTestId('dialogs-filter').getByText('Чёрный список').click();
    await expect.poll(async () => (await page.getByTestId('dialogs').getByRole('row').allTextContents()).slice(1).map(plain), { timeout: 15_000 }).toEqual([
      expect.stringContaining('Навязчивый'),
    ]);
    await shot(page, 'ru-blocklist');

    await page.getByRole('button', { name: 'Убрать из чёрного списка' }).click();
    await page.getByText('В чёрном списке никого нет').waitFor();
    await page.getByTestId('dialogs-filter').getByText('Все').click();
    await expect.poll(() => row.getByText('В чёрном списке').count(), { timeout: 15_000 }).toBe(0);
    await page.context().close();
  });

  it('the same page in English', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.getByText('EN', { exact: true }).click();
    await page.goto(`${app.url}/dialogs`);
    const row = page.getByTestId('dialogs').getByRole('row').filter({ hasText: 'Вежливая' });
    await row.getByRole('button', { name: 'Blocklist' }).click();
    const modal = page.getByRole('dialog');
    await modal.getByLabel('Reason').fill('Test ban');
    await modal.getByRole('button', { name: 'Blocklist' }).click();
    await row.getByText('Blocklisted').waitFor();
    expect(plain(await row.getByTestId('ban-reason').textContent())).toContain('Test ban');
    await page.getByTestId('dialogs-filter').getByText('Blocklist').click();
    await shot(page, 'en-blocklist');
    await page.getByRole('button', { name: 'Remove from blocklist' }).click();
    await page.getByText('Nobody is on the blocklist').waitFor();
    await page.context().close();
  });

  it('each client shows where they came from; the list filters by source, in Russian and English', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.goto(`${app.url}/dialogs`);
    const clientNames = async () =>
      (await page.getByTestId('dialogs').getByRole('row').allTextContents())
        .slice(1)
        .map((row) => ['Навязчивый', 'Вежливая', 'Партнёрский', 'Осенняя'].find((name) => row.includes(name)));
    await expect.poll(clientNames, { timeout: 15_000 }).toHaveLength(4);
    const row = page.getByTestId('dialogs').getByRole('row').filter({ hasText: 'Партнёрский' });
    expect(plain(await row.getByTestId('client-source').textContent())).toBe('Источник: partner-42');

    await page.getByTestId('dialogs-source').click();
    await page.getByRole('option', { name: 'ads_autumn (2)' }).click();
    await expect.poll(async () => (await clientNames()).sort(), { timeout: 15_000 }).toEqual(['Вежливая', 'Осенняя']);
    await shot(page, 'ru-source-filter');

    await page.getByText('EN', { exact: true }).click();
    await page.getByText('Dialogs', { exact: true }).first().waitFor();
    expect(await page.getByTestId('dialogs-source').inputValue()).toBe('ads_autumn (2)');
    expect(plain(await page.getByTestId('dialogs').getByRole('row').filter({ hasText: 'Вежливая' }).getByTestId('client-source').textContent())).toBe('Source: ads_autumn');
    await expect.poll(async () => (await clientNames()).sort(), { timeout: 15_000 }).toEqual(['Вежливая', 'Осенняя']);
    await page.context().close();
  });

  it('«Взять себе» makes the manager responsible; «Мои» and «Без ответственного» filter; «Никто» releases', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.goto(`${app.url}/dialogs`);
    const row = page.getByTestId('dialogs').getByRole('row').filter({ hasText: 'Партнёрский' });
    await row.getByRole('button', { name: 'Взять себе' }).click();
    await expect.poll(() => row.getByTestId('dialog-owner').inputValue(), { timeout: 15_000 }).toBe('Администратор');
    await page.getByTestId('dialogs-filter').getByText('Мои').click();
    await expect.poll(async () => (await page.getByTestId('dialogs').getByRole('row').allTextContents()).slice(1).map(plain), { timeout: 15_000 }).toEqual([
      expect.stringContaining('Партнёрский'),
    ]);
    await shot(page, 'ru-mine');
    await page.getByTestId('dialogs-filter').getByText('Без ответственного').click();
    await expect
      .poll(async () => (await page.getByTestId('dialogs').getByRole('row').allTextContents()).slice(1).some((text) => text.includes('Партнёрский')), { timeout: 15_000 })
      .toBe(false);
    await page.getByTestId('dialogs-filter').getByText('Все').click();
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('columnheader', { name: 'Responsible' }).waitFor();
    await page.context().close();
  });
});
