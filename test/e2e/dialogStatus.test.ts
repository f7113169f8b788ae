/**
 * The dialogs page in a real browser, issue 19.1: each dialog's status
 * (🔴 waiting for us, 🟢 waiting for the client, ⏸ on hold, ✅ closed) in its
 * own column with since when the client waits; «Дольше всех ждут» puts the
 * longest-waiting client first; «Отложить», «Вернуть в работу» and «Закрыть»
 * run the same command as /hold, /unhold and /close in the topic. In Russian
 * and in English. Screenshots go to test-artifacts/dialog-status/.
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
const artifacts = path.join(root, 'test-artifacts/dialog-status');
const NAMES = ['Ждёт три часа', 'Ждёт десять минут', 'Уже ответили'];

describe.skipIf(!available)('the dialogs page: status at a glance', () => {
  let app: TestApp;
  let browser: Browser;

  const shot = async (page: Page, name: string) => {
    fs.mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true, timeout: 60_000 });
  };
  const order = async (page: Page) =>
    (await page.getByTestId('dialogs').getByRole('row').allTextContents()).slice(1).map((row) => NAMES.find((name) => row.includes(name)));
  const rowOf = (page: Page, name: string) => page.getByTestId('dialogs').getByRole('row').filter({ hasText: name });
  const statusOf = async (page: Page, name: string) => plain(await rowOf(page, name).getByTestId('dialog-status-badge').textContent());

  beforeAll(async () => {
    ensureWebBuilt();
    fs.rmSync(artifacts, { recursive: true, force: true });
    app = await startTestApp();
    browser = await launchBrowser();
    const { db } = app.ctx.database;
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    // The newest message first by default; the longest wait first on request.
    const seeded = [
      { name: 'Ждёт три часа', lastAt: minutesAgo(180), waitingSince: minutesAgo(180), direction: 'in' as const },
      { name: 'Ждёт десять минут', lastAt: minutesAgo(10), waitingSince: minutesAgo(10), direction: 'in' as const },
      { name: 'Уже ответили', lastAt: minutesAgo(1), waitingSince: null, direction: 'out' as const },
    ];
    for (const [i, row] of seeded.entries()) {
      const [client] = await db.insert(clients).values({ telegramUserId: 7000200 + i, firstName: row.name }).returning();
      const [dialog] = await db
        .insert(dialogs)
        .values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 40 + i, lastMessageAt: row.lastAt, waitingSince: row.waitingSince })
        .returning();
      await db.insert(messages).values({ dialogId: dialog!.id, seq: 1, direction: row.direction, text: `Сообщение: ${row.name}`, sentAt: row.lastAt });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('the status column; «Дольше всех ждут» puts the longest wait first; «Отложить», «Вернуть в работу», «Закрыть»', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.goto(`${app.url}/dialogs`);
    await expect.poll(() => order(page), { timeout: 15_000 }).toEqual(['Уже ответили', 'Ждёт десять минут', 'Ждёт три часа']);
    await page.getByRole('columnheader', { name: 'Статус' }).waitFor();
    expect(await statusOf(page, 'Ждёт три часа')).toBe('🔴 Ждёт нашего ответа');
    expect(await statusOf(page, 'Уже ответили')).toBe('🟢 Ждём ответа клиента');
    expect(plain(await rowOf(page, 'Ждёт три часа').getByTestId('dialog-waiting-since').textContent())).toMatch(/^ждёт с \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    expect(await rowOf(page, 'Уже ответили').getByTestId('dialog-waiting-since').count()).toBe(0);

    await page.getByTestId('dialogs-sort').getByText('Дольше всех ждут').click();
    await expect.poll(() => order(page), { timeout: 15_000 }).toEqual(['Ждёт три часа', 'Ждёт десять минут', 'Уже ответили']);
    await shot(page, 'ru-waiting-longest');

    await rowOf(page, 'Ждёт десять минут').getByRole('button', { name: 'Отложить' }).click();
    await expect.poll(() => statusOf(page, 'Ждёт десять минут'), { timeout: 15_000 }).toBe('⏸ Отложен');
    // On hold, nobody is waiting for us: it leaves the head of the queue.
    await expect.poll(() => order(page), { timeout: 15_000 }).toEqual(['Ждёт три часа', 'Уже ответили', 'Ждёт десять минут']);
    await rowOf(page, 'Ждёт десять минут').getByRole('button', { name: 'Вернуть в работу' }).click();
    await expect.poll(() => statusOf(page, 'Ждёт десять минут'), { timeout: 15_000 }).toBe('🔴 Ждёт нашего ответа');

    await rowOf(page, 'Ждёт три часа').getByRole('button', { name: 'Закрыть' }).click();
    await expect.poll(() => statusOf(page, 'Ждёт три часа'), { timeout: 15_000 }).toBe('✅ Закрыт');
    expect(await rowOf(page, 'Ждёт три часа').getByRole('button', { name: 'Закрыть' }).count()).toBe(0);
    await shot(page, 'ru-closed');
    await page.context().close();
  });

  it('the same in English', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.getByText('EN', { exact: true }).click();
    await page.goto(`${app.url}/dialogs`);
    await page.getByRole('columnheader', { name: 'Status' }).waitFor();
    await page.getByTestId('dialogs-sort').getByText('Waiting longest').click();
    await expect.poll(() => order(page), { timeout: 15_000 }).toEqual(['Ждёт десять минут', 'Уже ответили', 'Ждёт три часа']);
    expect(await statusOf(page, 'Ждёт десять минут')).toBe('🔴 Waiting for our answer');
    expect(await statusOf(page, 'Уже ответили')).toBe('🟢 Waiting for the client');
    expect(await statusOf(page, 'Ждёт три часа')).toBe('✅ Closed');
    expect(plain(await rowOf(page, 'Ждёт десять минут').getByTestId('dialog-waiting-since').textContent())).toMatch(/^waiting since /);
    await rowOf(page, 'Уже ответили').getByRole('button', { name: 'Put on hold' }).click();
    await expect.poll(() => statusOf(page, 'Уже ответили'), { timeout: 15_000 }).toBe('⏸ On hold');
    await rowOf(page, 'Уже ответили').getByRole('button', { name: 'Back to work' }).waitFor();
    await shot(page, 'en-status');
    await page.context().close();
  });
});
