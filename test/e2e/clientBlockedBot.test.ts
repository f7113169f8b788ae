/**
 * A client who blocked the bot, in a real browser: the dialogs list says so
 * beside the dialog's status, with since when, and so does the client's
 * page; a client who did not block it shows nothing of the kind. In Russian
 * and in English. Screenshots go to test-artifacts/client-blocked-bot/.
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
const artifacts = path.join(root, 'test-artifacts/client-blocked-bot');

describe.skipIf(!available)('a client who blocked the bot, on the platform', () => {
  let app: TestApp;
  let browser: Browser;
  let blockedClientId = 0;

  const shot = async (page: Page, name: string) => {
    fs.mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true, timeout: 60_000 });
  };
  const rowOf = (page: Page, name: string) => page.getByTestId('dialogs').getByRole('row').filter({ hasText: name });

  beforeAll(async () => {
    ensureWebBuilt();
    fs.rmSync(artifacts, { recursive: true, force: true });
    app = await startTestApp();
    browser = await launchBrowser();
    const { db } = app.ctx.database;
    const at = new Date(Date.now() - 60 * 60_000);
    for (const [i, row] of [
      { name: 'Заблокировал бота', blockedAt: at },
      { name: 'На связи', blockedAt: null },
    ].entries()) {
      const [client] = await db.insert(clients).values({ telegramUserId: 7000300 + i, firstName: row.name, blockedAt: row.blockedAt }).returning();
      if (row.blockedAt) blockedClientId = client!.id;
      const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 60 + i, lastMessageAt: at, waitingSince: at }).returning();
      await db.insert(messages).values({ dialogId: dialog!.id, seq: 1, direction: 'in', text: `Сообщение: ${row.name}`, sentAt: at });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('in Russian: beside the status on the dialogs list, and on the client’s page', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.goto(`${app.url}/dialogs`);
    const mark = rowOf(page, 'Заблокировал бота').getByTestId('dialog-client-blocked');
    await mark.waitFor();
    expect(plain(await mark.textContent())).toMatch(/^📵 Клиент заблокировал бота \(с \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}\): сообщения не доставляются$/);
    // The status itself is the dialog's: the client still waits for our answer.
    expect(plain(await rowOf(page, 'Заблокировал бота').getByTestId('dialog-status-badge').textContent())).toBe('🔴 Ждёт нашего ответа');
    expect(await rowOf(page, 'На связи').getByTestId('dialog-client-blocked').count()).toBe(0);
    await shot(page, 'ru-dialogs');

    await page.goto(`${app.url}/clients/${blockedClientId}`);
    const alert = page.getByTestId('client-blocked-bot');
    await alert.waitFor();
    expect(plain(await alert.textContent())).toMatch(/^📵 Клиент заблокировал бота \(с \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}\): наши сообщения ему не доставляются\./);
    await shot(page, 'ru-client');
    await page.context().close();
  });

  it('the same in English', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.getByText('EN', { exact: true }).click();
    await page.goto(`${app.url}/dialogs`);
    const mark = rowOf(page, 'Заблокировал бота').getByTestId('dialog-client-blocked');
    await mark.waitFor();
    expect(plain(await mark.textContent())).toMatch(/^📵 The client has blocked the bot \(since .+\): messages do not reach them$/);
    await page.goto(`${app.url}/clients/${blockedClientId}`);
    const alert = page.getByTestId('client-blocked-bot');
    await alert.waitFor();
    expect(plain(await alert.textContent())).toMatch(/^📵 The client has blocked the bot \(since .+\): our messages do not reach them\./);
    await shot(page, 'en-client');
    await page.context().close();
  });
});
