/**
 * The ratings page in a real browser (issue 19.8): clients' ratings of
 * completed requests per manager, in Russian (decimal comma) and in English;
 * and a client's ratings on their history page, each with its request,
 * date and comment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser, plain, signedInPage } from '../helpers/browser.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { clients, dialogs, requestRatings, requests } from '../../src/db/schema.js';

describe.skipIf(!browserAvailable())('the ratings page', () => {
  let app: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    ensureWebBuilt();
    app = await startTestApp();
    browser = await launchBrowser();
    const manager = await app.addUser({ role: 'manager', organization: app.admin.organizationId, name: 'Ирина Менеджер' });
    const { db } = app.ctx.database;
    for (const [i, score, comment] of [[1, 5, null], [2, 4, 'Быстро и понятно']] as const) {
      const [client] = await db.insert(clients).values({ telegramUserId: 7100000 + i, firstName: `Клиент ${i}` }).returning();
      const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 40 + i, ownerUserId: manager.userId }).returning();
      const [request] = await db
        .insert(requests)
        .values({ number: `2026-90000${i}`, customerOrganizationId: app.admin.organizationId, dialogId: dialog!.id, origin: 'telegram', status: 'completed', amount: '100', currency: 'USD', beneficiary: { name: 'X' }, purpose: 'Оплата' })
        .returning();
      await db.insert(requestRatings).values({ requestId: request!.id, dialogId: dialog!.id, ownerUserId: manager.userId, score, comment, ratedAt: new Date(Date.now() + i * 1000) });
    }
  });
  /** A client of two completed requests, rated 5 with a comment on 20.11.2026 and 3 without one on 21.11.2026. */
  let ratedClientId: number;
  beforeAll(async () => {
    const { db } = app.ctx.database;
    const [client] = await db.insert(clients).values({ telegramUserId: 7100100, firstName: 'Оценивший', lastName: 'Клиент' }).returning();
    ratedClientId = client!.id;
    const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 60 }).returning();
    for (const [i, score, comment, day] of [[1, 5, 'Всё пришло вовремя', 20], [2, 3, null, 21]] as const) {
      const [request] = await db
        .insert(requests)
        .values({ number: `2026-91000${i}`, customerOrganizationId: app.admin.organizationId, dialogId: dialog!.id, origin: 'telegram', status: 'completed', amount: '100', currency: 'USD', beneficiary: { name: 'X' }, purpose: 'Оплата' })
        .returning();
      await db.insert(requestRatings).values({ requestId: request!.id, dialogId: dialog!.id, score, comment, ratedAt: new Date(`2026-11-${day}T12:00:00Z`) });
    }
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('per manager: the average, the count and the latest comment, in Russian and English', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.getByRole('link', { name: 'Оценки' }).click();
    const row = page.getByTestId('ratings').getByRole('row').filter({ hasText: 'Ирина Менеджер' });
    await row.waitFor();
    expect(plain(await row.textContent())).toBe('Ирина Менеджер4,50 ⭐20Быстро и понятно');
    // This app runs with RATING_REQUEST off (the default): the page says the table will not grow, and why.
    expect(await page.getByTestId('ratings-asking').textContent()).toBe('Сейчас выключено (RATING_REQUEST=off): бот не просит оценку, новых оценок не будет.');
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('heading', { name: "Clients' ratings" }).waitFor();
    expect(plain(await row.textContent())).toBe('Ирина Менеджер4.50 ⭐20Быстро и понятно');
    expect(await page.getByTestId('ratings-asking').textContent()).toBe('Off now (RATING_REQUEST=off): the bot asks nobody, no new ratings will come.');
    await page.context().close();
  });

  it('the client’s page: each rating on the timeline with its request, date and comment, in Russian and English', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.goto(`${app.url}/clients/${ratedClientId}`);
    const ratings = page.getByTestId('client-timeline').locator('[data-kind="rating"]');
    await ratings.first().waitFor();
    expect((await ratings.allTextContents()).map(plain)).toEqual([
      expect.stringMatching(/^Клиент оценил заявку 2026-910002: 3 из 5 ?21\.11\.2026/),
      expect.stringMatching(/^Клиент оценил заявку 2026-910001: 5 из 5 ?20\.11\.2026.*Комментарий: «Всё пришло вовремя»$/),
    ]);
    await expect(ratings.last().getByRole('link', { name: '2026-910001' }).getAttribute('href')).resolves.toMatch(/\/requests\/\d+$/);
    expect(await page.getByTestId('client-not-stored').count()).toBe(0);
    await page.getByText('EN', { exact: true }).click();
    await page.getByText('The client rated request', { exact: false }).first().waitFor();
    expect((await ratings.allTextContents()).map(plain)).toEqual([
      expect.stringMatching(/^The client rated request 2026-910002: 3 out of 5 ?21 Nov 2026/),
      expect.stringMatching(/^The client rated request 2026-910001: 5 out of 5 ?20 Nov 2026.*Comment: “Всё пришло вовремя”$/),
    ]);
    await page.context().close();
  });
});
