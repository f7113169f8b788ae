/**
 * Documents in Chromium: a client sends a photo and a PDF, a manager sends a
 * document; after the deal is accepted the request page shows all three in
 * its Documents section (the photo as a preview) and in the chat; a file
 * uploaded on the page reaches the topic; another organization's user gets
 * 404 on the file URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser } from '../helpers/browser.js';
import { root } from '../helpers/process.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { acceptDeal, JPEG, outsider, PDF } from '../documents/helpers.js';

const available = browserAvailable();
const artifacts = path.join(root, 'test-artifacts/documents');

describe.skipIf(!available)('documents on the request page', () => {
  let t: TelegramWorld;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureWebBuilt();
    fs.mkdirSync(artifacts, { recursive: true });
    t = await startTelegramWorld();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('chat files listed with previews; an upload reaches the topic; strangers get 404', async () => {
    const client = await t.newClient('Документы');
    await t.control.sendMessage({ from: client.id, text: 'Отправляю документы' });
    await t.control.sendMessage({ from: client.id, media: { type: 'photo', base64: JPEG.toString('base64') } });
    await t.control.sendMessage({ from: client.id, media: { type: 'document', base64: PDF.toString('base64'), file_name: 'invoice.pdf', mime_type: 'application/pdf' } });
    const topic = await t.waitForTopic(client, { minCount: 4 });
    await t.control.sendMessage({
      from: t.manager.id,
      chat_id: t.group,
      message_thread_id: topic.threadId,
      media: { type: 'document', base64: PDF.toString('base64'), file_name: 'contract.pdf', mime_type: 'application/pdf' },
    });
    await t.control.waitFor({ chat_id: client.id, min_count: 4 });
    const { requestId, manager } = await acceptDeal(t, topic.threadId);

    const context = await browser.newContext({ locale: 'ru-RU', timezoneId: 'Europe/Moscow', viewport: { width: 1280, height: 1000 } });
    const [name, value] = manager.cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: t.hotline.url }]);
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${t.hotline.url}/requests/${requestId}`);
    const section = page.getByTestId('request-documents');
    await expect.poll(async () => section.getByTestId('document').count(), { timeout: 20_000 }).toBe(3);
    await expect.poll(async () => (await section.textContent()) ?? '').toMatch(/photo-\d+\.jpg.*invoice\.pdf.*contract\.pdf/s);
    await expect.poll(async () => section.locator('img').count()).toBe(1);
    await expect.poll(async () => page.getByTestId('chat').getByTestId('chat-file').count(), { timeout: 20_000 }).toBe(3);
    await page.screenshot({ path: path.join(artifacts, 'documents.png'), fullPage: true });

    const pdfPath = path.join(artifacts, 'Счёт.pdf');
    fs.writeFileSync(pdfPath, PDF);
    await section.getByTestId('upload-input').setInputFiles(pdfPath);
    await expect.poll(async () => section.getByTestId('document').count(), { timeout: 15_000 }).toBe(4);
    await expect
      .poll(
        async () =>
          visible(await t.control.transcript(t.group)).some((m) => m.message_thread_id === topic.threadId && /Счёт\.pdf$/.test(m.media?.file_name ?? '')),
        { timeout: 15_000 },
      )
      .toBe(true);

    const listed = (await manager.get(`/api/requests/${requestId}/documents`)).body as Array<{ id: number }>;
    const stranger = await outsider(t);
    const denied = await fetch(`${t.hotline.url}/api/documents/${listed[0]!.id}/download`, { headers: { cookie: stranger.cookie } });
    expect(denied.status).toBe(404);
  });
});
