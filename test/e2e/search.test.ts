/**
 * Search in a real browser: a manager types into the header's search box and
 * finds a client's message by another form of its word («договором» →
 * «договор», the word marked), a client by a name with a typo, a request by
 * its number and by the payer's INN, and opens the request from the results;
 * the page reads in English too. An agent searching the same words is refused
 * what lies outside their access: no client, no dialog message, no request
 * they could not open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser, signedInPage } from '../helpers/browser.js';
import { startTestApp, validOffer, validRequest, type TestApp, type TestUser } from '../helpers/app.js';
import { createRequest } from '../../src/commands/createRequest.js';
import { clients, dialogs, messages } from '../../src/db/schema.js';

const available = browserAvailable();

describe.skipIf(!available)('search in the browser', () => {
  let app: TestApp;
  let browser: Browser;
  let manager: TestUser;
  let agent: TestUser;
  let telegramDeal: { id: number; number: string };
  let webRequest: { id: number; number: string };

  beforeAll(async () => {
    ensureWebBuilt();
    app = await startTestApp();
    browser = await launchBrowser();
    manager = await app.addUser({ role: 'manager', name: 'Мария' });
    agent = await app.addUser({ role: 'agent', organization: 'Агент Север', name: 'Пётр' });
    const customer = await app.addUser({ role: 'customer', organization: 'ООО Покупатель', name: 'Ирина' });
    const { db } = app.ctx.database;
    const [client] = await db.insert(clients).values({ telegramUserId: 4242001, firstName: 'Григорий', lastName: 'Шевченко', username: 'grisha_sh' }).returning();
    const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 55 }).returning();
    await db.insert(messages).values({ dialogId: dialog!.id, seq: 1, direction: 'in', text: 'Подписал договор с фабрикой в Нинбо, <script>alert(1)</script>', sentAt: new Date() });
    telegramDeal = await createRequest(app.ctx, { actor: manager, dialogId: dialog!.id, ...validRequest({ purpose: 'Оплата станков по контракту' }) } as never);
    const asCustomer = await app.signIn(customer);
    webRequest = (await asCustomer.post('/api/requests', validRequest({ amount: '4321', payer: { name: 'ООО «Лютик»', inn: '500100732259' } }))).body;
    // The agent offers on the customer's request (in its deal room only once accepted, which it is not).
    const asAgent = await app.signIn(agent);
    expect((await asAgent.post(`/api/requests/${webRequest.id}/offers`, validOffer())).status).toBe(200);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function search(page: Page, text: string) {
    const box = page.getByRole('searchbox');
    await box.fill(text);
    await box.press('Enter');
    await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === text);
  }

  it('a manager finds a message by another word form, a client by a name with a typo, a request by number and by INN', async () => {
    const page = await signedInPage(browser, app.url, manager);
    // The header's box says what it finds, whole (its placeholder was cut mid-word), in Russian and in English.
    for (const [lang, placeholder] of [['EN', 'Client, request, INN'], ['RU', 'Клиент, заявка, ИНН']] as const) {
      await page.getByText(lang, { exact: true }).click();
      const box = page.getByRole('searchbox');
      await expect.poll(() => box.getAttribute('placeholder')).toBe(placeholder);
      const room = await box.evaluate((el: any) => {
        const style = el.ownerDocument.defaultView.getComputedStyle(el);
        const canvas = el.ownerDocument.createElement('canvas').getContext('2d');
        canvas.font = `${style.fontSize} ${style.fontFamily}`;
        return el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - canvas.measureText(el.placeholder).width;
      });
      expect(room).toBeGreaterThan(0);
    }

    await search(page, 'договором');
    const message = page.getByTestId('search-hit').filter({ hasText: 'Подписал договор' });
    await message.waitFor();
    expect(await message.locator('mark').allTextContents()).toEqual(['договор']);
    // Typed markup stays text.
    await message.getByText('<script>alert(1)</script>', { exact: false }).waitFor();
    const group = page.getByTestId('search-group').filter({ has: message });
    await group.getByText('Григорий Шевченко').waitFor();
    expect(await group.getByRole('link', { name: 'Открыть тему в Telegram' }).getAttribute('href')).toMatch(/\/sandbox\?chat=-1001234567890&topic=55$/);

    await search(page, 'Шевчено');
    const client = page.getByTestId('search-hit').and(page.locator('[data-kind="client"]'));
    await client.getByText('Григорий Шевченко', { exact: false }).waitFor();

    await search(page, telegramDeal.number);
    await page.getByTestId('search-hit').and(page.locator('[data-kind="request"]')).getByText(telegramDeal.number).waitFor();

    await search(page, '500100732259');
    const byInn = page.getByTestId('search-hit').and(page.locator('[data-kind="request"]')).filter({ hasText: 'ИНН 500100732259' });
    await byInn.waitFor();
    expect(await byInn.locator('mark').allTextContents()).toEqual(['500100732259']);
    await byInn.getByRole('link').first().click();
    await page.waitForURL(`${app.url}/requests/${webRequest.id}`);
    await page.context().close();
  });

  it('in English, the results page and its labels are English', async () => {
    const page = await signedInPage(browser, app.url, manager);
    await page.getByText('EN', { exact: true }).click();
    await search(page, 'договором');
    await page.getByRole('heading', { name: 'Search: “договором”' }).waitFor();
    await page.getByTestId('search-hit').getByText('Message', { exact: true }).first().waitFor();
    await search(page, 'абракадабра');
    await page.getByTestId('search-empty').getByText('Nothing found for “абракадабра”.').waitFor();
    await page.context().close();
  });

  it('an agent is refused what lies outside their access: no client, no dialog message, no Telegram deal', async () => {
    const page = await signedInPage(browser, app.url, agent);
    for (const text of ['договором', 'Шевченко', telegramDeal.number, 'станков']) {
      await search(page, text);
      await page.getByTestId('search-empty').getByText(`«${text}»`, { exact: false }).waitFor();
    }
    // What it may see it finds: the request it offered on, by number.
    await search(page, webRequest.number);
    await page.getByTestId('search-hit').getByText(webRequest.number).waitFor();
    await page.context().close();
  });
});
