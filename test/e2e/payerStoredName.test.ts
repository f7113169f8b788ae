/**
 * The team24 outside check, fault 4, as a customer sees it in Chromium: a
 * payer already saved under an INN and KPP keeps its name when a request is
 * saved with another; the form says so beside the payer's name while it is
 * typed, and the saved payer the next form offers is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser, signedInPage } from '../helpers/browser.js';
import { startTestApp, validRequest, type ApiClient, type TestApp, type TestUser } from '../helpers/app.js';

const available = browserAvailable();

describe.skipIf(!available)("the request form and a payer's saved name", () => {
  let app: TestApp;
  let browser: Browser;
  let customer: TestUser;
  let api: ApiClient;

  beforeAll(async () => {
    ensureWebBuilt();
    app = await startTestApp();
    browser = await launchBrowser();
    customer = await app.addUser({ role: 'customer', organization: 'ООО Покупатель', name: 'Ирина' });
    api = await app.signIn(customer);
    // Saved once: «ООО «Ромашка»», INN 7707083893, KPP 773601001.
    expect((await api.post('/api/requests', validRequest())).status).toBe(200);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('another name for a saved INN is told beside the field; the request keeps it, the saved payer keeps its own', async () => {
    const page = await signedInPage(browser, app.url, customer);
    await page.goto(`${app.url}/new`);
    const name = page.getByRole('combobox', { name: 'Плательщик (юрлицо)' });
    await name.fill('ООО «Ромашка и партнёры»');
    await page.getByRole('textbox', { name: 'ИНН' }).fill('7707083893');
    await page.getByRole('textbox', { name: 'КПП' }).fill('773601001');
    const notice = 'Плательщик с этим ИНН и КПП сохранён как «ООО «Ромашка»»: в заявку пойдёт введённое название, сохранённое не изменится.';
    await page.getByText(notice).waitFor();
    // The saved name typed: nothing to tell.
    await name.fill('ООО «Ромашка»');
    await page.getByText(notice).waitFor({ state: 'detached' });

    // Saved through the API as the form sends it (the form's other fields are the request form tests' subject).
    const saved = await api.post('/api/requests', validRequest({ payer: { name: 'ООО «Ромашка и партнёры»', inn: '7707083893', kpp: '773601001' } }));
    expect(saved.status).toBe(200);
    expect((await api.get(`/api/requests/${saved.body.id}`)).body.request.payer.name).toBe('ООО «Ромашка и партнёры»');
    // The next form: the saved payer is still «ООО «Ромашка»» (renamed, it would match the typed name and say nothing).
    await page.reload();
    await page.getByRole('combobox', { name: 'Плательщик (юрлицо)' }).fill('ООО «Ромашка и партнёры»');
    await page.getByRole('textbox', { name: 'ИНН' }).fill('7707083893');
    await page.getByRole('textbox', { name: 'КПП' }).fill('773601001');
    await page.getByText(notice).waitFor();
    await page.context().close();
  });
});
