/**
 * XSS payloads typed by clients and managers, rendered in Chromium: a client
 * whose name, message, file name and link carry markup and scripts, and a
 * request whose beneficiary does. On the platform's request page, its chat,
 * its documents and the dialogs list, and on the sandbox page, nothing runs
 * (no dialog, no flag set by a handler), no injected element exists, and
 * the payload is there to read as text.
 *
 * One in-process Hotline in sandbox mode serves both: the platform and
 * `/sandbox`, with the emulator's control API playing the people.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { User } from '@grammyjs/types';
import { browserAvailable, ensureWebBuilt, launchBrowser } from '../helpers/browser.js';
import { ApiClient, openSignInLink, startTestApp, validOffer, validRequest, type TestApp } from '../helpers/app.js';
import { SandboxControl } from '../../src/sandbox/control.js';
import { SandboxPage } from '../helpers/sandboxPage.js';
import { topicClientName } from '../helpers/telegram.js';

const available = browserAvailable();

/** Markup that sets `window.__xss` and alerts if it is ever run. */
const run = (n: number) => `<img src=x onerror="window.__xss=${n};alert(${n})">`;
const CLIENT_NAME = `Ева ${run(1)}`;
const MESSAGE = `Привет <script>window.__xss=2;alert(2)</script>${run(3)} <b>жирный</b> конец`;
const FILE_NAME = `счёт ${run(4)}.pdf`;
const BENEFICIARY = `Bene Ltd ${run(5)} <svg onload="window.__xss=6;alert(6)"></svg>`;
const LINK_TEXT = 'нажмите сюда';
const LINKED = `Ссылка: ${LINK_TEXT}`;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const INJECTED = 'img[src="x"], [onerror], svg[onload], a[href^="javascript:" i], iframe, object, embed';

describe.skipIf(!available)('XSS payloads render inert', () => {
  let app: TestApp;
  let browser: Browser;
  let control: SandboxControl;
  let client: User;
  let requestId: number;
  let manager: ApiClient;
  const dialogs: string[] = [];

  /** Records every alert/confirm/prompt a page opens (none may). */
  const watch = (page: Page) => {
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return page;
  };

  async function expectInert(page: Page, texts: string[]) {
    for (const text of texts) await page.getByText(text, { exact: false }).first().waitFor({ timeout: 20_000 });
    // Give any handler a moment to fire (image errors and loads are asynchronous).
    await page.waitForTimeout(500);
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator(INJECTED).count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
  }

  beforeAll(async () => {
    ensureWebBuilt();
    app = await startTestApp();
    control = new SandboxControl(`${app.url}/tg`);
    browser = await launchBrowser();

    const managerUser = (await control.listUsers()).find((u) => u.username === 'manager')!;
    const group = (await control.listChats()).map((c) => c.chat).find((c) => c.type === 'supergroup' && c.title === 'Менеджеры')!;
    client = await control.createUser({ first_name: CLIENT_NAME, language_code: 'ru' });
    await control.sendMessage({ from: client.id, text: MESSAGE });
    // Telegram refuses a javascript: link outright (400 "can't parse entities: wrong HTTP URL"); what a client can send is
    // an http link with quotes and markup in it, which Telegram percent-encodes.
    await expect(
      control.sendMessage({ from: client.id, text: LINKED, entities: [{ type: 'text_link', offset: 8, length: LINK_TEXT.length, url: 'javascript:window.__xss=7;alert(7)' }] }),
    ).rejects.toThrow(/wrong HTTP URL/);
    await control.sendMessage({ from: client.id, text: LINKED, entities: [{ type: 'text_link', offset: 8, length: LINK_TEXT.length, url: 'http://example.com/"onmouseover="window.__xss=7"><img src=x onerror=alert(7)>' }] });
    await control.sendMessage({ from: client.id, media: { type: 'document', base64: PDF.toString('base64'), file_name: FILE_NAME, mime_type: 'application/pdf' } });
    let topic = (await control.transcript(group.id)).topics.find((x) => topicClientName(x.name).startsWith('Ева'));
    for (let i = 0; !topic && i < 300; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      topic = (await control.transcript(group.id)).topics.find((x) => topicClientName(x.name).startsWith('Ева'));
    }
    if (!topic) throw new Error('no topic for the client');
    await control.waitFor({ chat_id: group.id, message_thread_id: topic.message_thread_id, min_count: 4, timeout_ms: 30_000 });

    // The manager types /new and follows the bot's link; the request carries the beneficiary payload.
    const [command] = await control.sendMessage({ from: managerUser.id, chat_id: group.id, message_thread_id: topic.message_thread_id, text: '/new' });
    const answered = await control.waitFor({ chat_id: group.id, message_thread_id: topic.message_thread_id, text_includes: 'Создать заявку', timeout_ms: 30_000 });
    const reply = answered.messages.find((m) => m.reply_to_message_id === command!.message_id && m.text?.includes('Создать заявку'))!;
    // The manager presses the login_url button: Telegram (the emulator) opens the link with their signed login data.
    const url = new URL((await control.openLoginUrl({ from: managerUser.id, chat_id: group.id, message_id: reply.message_id })).url);
    manager = new ApiClient(app.url);
    const signedIn = await openSignInLink(manager, url);
    expect(signedIn.status).toBe(200);
    const query = Object.fromEntries(url.searchParams);
    const created = await manager.post('/api/requests', validRequest({ dialogId: Number(query.dialog), beneficiary: { ...validRequest().beneficiary, name: BENEFICIARY } }));
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    requestId = created.body.id;
    expect((await manager.post(`/api/requests/${requestId}/offers`, validOffer())).status).toBe(200);
    await manager.post(`/api/requests/${requestId}/messages`, { text: `Менеджер: ${run(8)}` });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function platformPage(path: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'ru-RU', timezoneId: 'Europe/Moscow', viewport: { width: 1280, height: 1000 } });
    const [name, value] = manager.cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: app.url }]);
    const page = watch(await context.newPage());
    page.setDefaultTimeout(20_000);
    await page.goto(app.url + path);
    return page;
  }

  it('the request page — summary, chat and documents — shows every payload as text', async () => {
    const page = await platformPage(`/requests/${requestId}`);
    await expect.poll(async () => page.getByTestId('document').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expectInert(page, [BENEFICIARY, MESSAGE, `Менеджер: ${run(8)}`, 'onerror="window.__xss=4']);
    const body = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
    expect(body).toContain(BENEFICIARY.replace(/\s+/g, ' '));
    expect(body).toContain(MESSAGE.replace(/\s+/g, ' '));
    expect(body).toContain(LINKED);
    await page.context().close();
  });

  it("the dialogs list shows the client's name and last message as text", async () => {
    const page = await platformPage('/dialogs');
    await expectInert(page, [CLIENT_NAME]);
    expect(await page.locator('body').innerText()).toContain(CLIENT_NAME);
    await page.context().close();
  });

  it('the sandbox page shows the payload name, messages, file name and link as text, and the link does not run', async () => {
    const sandbox = await SandboxPage.open(browser, app.url);
    const page = watch(sandbox.page);
    await sandbox.clientPane.getByTestId('client-item').filter({ hasText: CLIENT_NAME }).first().click();
    await expectInert(page, [CLIENT_NAME, MESSAGE, FILE_NAME]);
    await sandbox.openTopic('Ева');
    await expectInert(page, [MESSAGE, FILE_NAME, LINKED]);
    // The link is shown; following it runs nothing here.
    const links = sandbox.managerPane.getByText(LINK_TEXT, { exact: true });
    if (await links.count()) {
      await links.first().click();
      await page.waitForTimeout(300);
    }
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await sandbox.close();
  });
});
