/**
 * The admin page in a real browser: the admin fills «Наши реквизиты» with a
 * wrong BIK, sees the reason beside the field (and nothing is saved), fixes
 * it, saves, reloads and sees the values as stored. In English the message is
 * English. Without an organization marked as ours the tab says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { browserAvailable, ensureWebBuilt, launchBrowser, signedInPage as signInAs } from '../helpers/browser.js';
import { startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { OUR_REQUISITES, OUR_REQUISITES_STORED } from '../helpers/requisites.js';
import { organizations } from '../../src/db/schema.js';

const available = browserAvailable();

const LABELS: Record<keyof typeof OUR_REQUISITES, string> = {
  fullName: 'Полное наименование',
  inn: 'ИНН',
  kpp: 'КПП',
  ogrn: 'ОГРН (ОГРНИП у ИП)',
  address: 'Юридический адрес',
  bank: 'Банк',
  bic: 'БИК',
  corrAccount: 'Корреспондентский счёт',
  account: 'Расчётный счёт',
  director: 'Руководитель (подписывает документы)',
};

describe.skipIf(!available)('admin page in the browser', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuilt();
    app = await startTestApp();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const signedInPage = (user: TestUser) => signInAs(browser, app.url, user);


  const storedRequisites = async () =>
    (await app.ctx.database.db.select({ requisites: organizations.requisites }).from(organizations).where(eq(organizations.id, app.ourOrganizationId)))[0]!.requisites;

  it('a wrong BIK is shown beside its field and saves nothing; fixed, saved and still there after a reload', async () => {
    const page = await signedInPage(app.admin);
    await page.getByRole('link', { name: 'Администрирование' }).click();
    await page.getByRole('tab', { name: 'Наши реквизиты' }).click();
    const form = page.getByTestId('our-requisites');
    await form.getByText('Организация: Наша компания').waitFor();

    // Everything but the director (forgotten) and a wrong BIK, typed last.
    for (const [field, label] of Object.entries(LABELS) as Array<[keyof typeof OUR_REQUISITES, string]>) {
      if (field !== 'bic' && field !== 'director') await form.getByLabel(label, { exact: true }).fill(OUR_REQUISITES[field]);
    }
    await form.getByLabel('БИК', { exact: true }).fill('4452522');
    // Straight from the BIK to «Сохранить»: the click is not lost to the BIK's message appearing on the way
    // (the forgotten director is only named once the form is submitted).
    await form.getByRole('button', { name: 'Сохранить' }).click();
    const bic = page.getByTestId('requisite-bic');
    await bic.getByText('БИК — 9 цифр, а введено «4452522»').waitFor();
    await page.getByTestId('requisite-director').getByText('Укажите руководителя, который подписывает документы').waitFor();
    await form.getByText('Проверьте поля, отмеченные красным').waitFor();
    expect(await form.getByLabel('БИК', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    // No other field shows a message.
    expect(await form.locator('[aria-invalid="true"]').count()).toBe(2);
    expect(await storedRequisites()).toEqual({});

    await form.getByLabel('БИК', { exact: true }).fill('044525225');
    await bic.getByText('БИК — 9 цифр').waitFor({ state: 'detached' });
    await form.getByLabel(LABELS.director, { exact: true }).fill(OUR_REQUISITES.director);
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await form.getByTestId('requisites-saved').getByText('Реквизиты сохранены').waitFor();
    expect(await storedRequisites()).toEqual(OUR_REQUISITES_STORED);

    await page.reload();
    const reloaded = page.getByTestId('our-requisites');
    await reloaded.getByText('Организация: Наша компания').waitFor();
    for (const [field, label] of Object.entries(LABELS) as Array<[keyof typeof OUR_REQUISITES, string]>) {
      expect(await reloaded.getByLabel(label, { exact: true }).inputValue(), field).toBe(OUR_REQUISITES_STORED[field]);
    }
    await page.context().close();
  });

  it('in English the labels and the message beside a wrong field are English', async () => {
    const page = await signedInPage(app.admin);
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('tab', { name: 'Our requisites' }).click();
    const form = page.getByTestId('our-requisites');
    await form.getByLabel('BIK (bank code)').fill('123456789');
    await form.getByLabel('BIK (bank code)').blur();
    await page.getByTestId('requisite-bic').getByText('Check the BIK: 9 digits starting with 04').waitFor();
    expect(await storedRequisites()).toEqual(OUR_REQUISITES_STORED);
    await page.context().close();
  });

  it('a manager who follows the bot\'s requisites link is told who fills them, not that the page does not exist', async () => {
    const manager = await app.addUser({ role: 'manager', name: 'Менеджер Реквизитов' });
    const page = await signedInPage(manager);
    await page.goto(`${app.url}/admin?tab=requisites`);
    const note = page.getByTestId('requisites-admin-only');
    await note.waitFor();
    expect(await note.innerText()).toContain('Реквизиты нашей организации заполняет администратор');
    expect(await page.getByText('Такой страницы нет').count()).toBe(0);
    await page.close();
  });

  it('without an organization marked as ours the tab says so instead of a form', async () => {
    await app.ctx.database.db.update(organizations).set({ isOurs: false }).where(eq(organizations.id, app.ourOrganizationId));
    try {
      const page = await signedInPage(app.admin);
      await page.goto(`${app.url}/admin?tab=requisites`);
      await page.getByTestId('requisites-no-ours').getByText(/Наша организация не отмечена/).waitFor();
      expect(await page.getByTestId('our-requisites').count()).toBe(0);
      await page.context().close();
    } finally {
      await app.ctx.database.db.update(organizations).set({ isOurs: true }).where(eq(organizations.id, app.ourOrganizationId));
    }
  });

  it('a managers\' group the bot cannot post into shows as a banner: which group, since when, why, how many messages wait', async () => {
    // The outbox pauses a group when Telegram refuses the bot there (test/relay/outboxFaults.test.ts drives that through the emulator); here the page reads it.
    const pool = app.ctx.database.pool;
    await pool.query(
      `INSERT INTO managers_chats (chat_id, paused_at, pause_reason) VALUES (-1009990001, '2026-11-30T08:15:00Z', 'Forbidden: bot was kicked from the supergroup chat')
       ON CONFLICT (chat_id) DO UPDATE SET paused_at = EXCLUDED.paused_at, pause_reason = EXCLUDED.pause_reason`,
    );
    try {
      const page = await signedInPage(app.admin);
      // The page an admin lands on says there is a problem and leads to the admin page.
      const line = page.getByTestId('telegram-health-line');
      await line.waitFor();
      expect(await line.innerText()).toContain('Telegram: проблемы с группой менеджеров (1)');
      await line.getByRole('link', { name: 'Что сделать' }).click();
      await page.waitForURL(/\/admin$/);
      await expect.poll(() => page.getByTestId('telegram-health-line').count(), { timeout: 15_000 }).toBe(0);
      const banner = page.getByRole('alert').filter({ hasText: 'Группа менеджеров -1009990001' });
      await banner.waitFor();
      const text = await banner.innerText();
      expect(text).toContain('бот не может в неё писать');
      expect(text).toContain('30.11.2026');
      // The reason in the page's language, not Telegram's English answer.
      expect(text).toContain('бота удалили из группы');
      expect(text).not.toContain('bot was kicked');
      expect(text).toContain('не потеряны');
      await page.close();
    } finally {
      await pool.query('DELETE FROM managers_chats WHERE chat_id = -1009990001');
    }
  });

  it('a managers\' group where the bot cannot read managers\' messages shows a banner saying what to do, in Russian and in English', async () => {
    // The bot's my_chat_member (a plain member, privacy mode on) sets it: test/relay/managersGroupHealth.test.ts drives that through the emulator.
    const pool = app.ctx.database.pool;
    await pool.query(
      `INSERT INTO managers_chats (chat_id, cannot_read_since) VALUES (-1009990002, '2026-11-30T08:20:00Z')
       ON CONFLICT (chat_id) DO UPDATE SET cannot_read_since = EXCLUDED.cannot_read_since`,
    );
    try {
      const page = await signedInPage(app.admin);
      await page.getByRole('link', { name: 'Администрирование' }).click();
      const banner = page.getByRole('alert').filter({ hasText: 'Группа менеджеров -1009990002' });
      await banner.waitFor();
      const text = await banner.innerText();
      expect(text).toContain('бот не видит сообщений менеджеров');
      expect(text).toContain('30.11.2026');
      expect(text).toContain('назначьте бота администратором группы');
      expect(text).toContain('@BotFather');
      await page.getByText('EN', { exact: true }).click();
      const english = page.getByRole('alert').filter({ hasText: "Managers' group -1009990002" });
      await english.waitFor();
      expect(await english.innerText()).toContain('make the bot an administrator of the group');
      await page.context().close();
    } finally {
      await pool.query('DELETE FROM managers_chats WHERE chat_id = -1009990002');
    }
  });
});
