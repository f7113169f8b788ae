/**
 * The ratings page in a real browser (issue 19.8): clients' ratings of
 * completed requests per manager, in Russian (decimal comma) and in English.
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
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('heading', { name: "Clients' ratings" }).waitFor();
    expect(plain(await row.textContent())).toBe('Ирина Менеджер4.50 ⭐20Быстро и понятно');
    await page.context().close();
  });
});
