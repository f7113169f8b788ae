/**
 * The answer-time promise in a real browser (issue 19.3): the dialogs page's
 * «Ждут слишком долго» list — only clients waiting longer than
 * ANSWER_TIME_LIMIT_MINUTES of working time, how long (working time), the
 * owner, a link to the topic — and the admin's working hours form, where a
 * bad range is refused beside its field and nothing is saved. In Russian and
 * in English. Screenshots go to test-artifacts/answer-time/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser, plain, signedInPage } from '../helpers/browser.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { root } from '../helpers/process.js';
import { clients, dialogs, messages } from '../../src/db/schema.js';
import { saveWorkingHours } from '../../src/commands/workingHours.js';
import { hoursInForceAllAlong } from '../helpers/workingHours.js';

const available = browserAvailable();
const artifacts = path.join(root, 'test-artifacts/answer-time');
const NAMES = ['Ждёт час', 'Ждёт пять минут', 'Уже ответили'];
const ALWAYS = { start: '00:00', end: '24:00' };

describe.skipIf(!available)('the answer-time promise on the platform', () => {
  let app: TestApp;
  let browser: Browser;

  const shot = async (page: Page, name: string) => {
    fs.mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true, timeout: 60_000 });
  };
  const names = async (page: Page) =>
    (await page.getByTestId('dialogs').getByRole('row').allTextContents()).slice(1).map((row) => NAMES.find((name) => row.includes(name)));
  const rowOf = (page: Page, name: string) => page.getByTestId('dialogs').getByRole('row').filter({ hasText: name });
  const hours = async () => (await (await app.signIn(app.admin)).get('/api/admin/working-hours')).body;

  beforeAll(async () => {
    ensureWebBuilt();
    fs.rmSync(artifacts, { recursive: true, force: true });
    app = await startTestApp({ ANSWER_TIME_LIMIT_MINUTES: '10', BUSINESS_TIME_ZONE: 'Europe/Moscow' });
    browser = await launchBrowser();
    // Working round the clock: «now» is inside working hours, so wall-clock waits are working time.
    await saveWorkingHours(app.ctx, { actor: app.admin, hours: { week: Array(7).fill(ALWAYS), holidays: [], workdays: [], offHoursAnswer: false } });
    // …and was when the seeded waits began (an edit counts from when it is saved, commands/workingHours workingHistory).
    await hoursInForceAllAlong(app.ctx.database);
    const { db } = app.ctx.database;
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    const seeded = [
      { name: 'Ждёт час', waitingSince: minutesAgo(60), owner: app.admin.userId },
      { name: 'Ждёт пять минут', waitingSince: minutesAgo(5), owner: null },
      { name: 'Уже ответили', waitingSince: null, owner: null },
    ];
    for (const [i, row] of seeded.entries()) {
      const [client] = await db.insert(clients).values({ telegramUserId: 7000300 + i, firstName: row.name }).returning();
      const [dialog] = await db
        .insert(dialogs)
        .values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 50 + i, lastMessageAt: minutesAgo(i), waitingSince: row.waitingSince, ownerUserId: row.owner })
        .returning();
      await db.insert(messages).values({ dialogId: dialog!.id, seq: 1, direction: row.waitingSince ? 'in' : 'out', text: `Сообщение: ${row.name}`, sentAt: minutesAgo(i) });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('«Ждут слишком долго»: only who waits longer than promised, how long in working time, the owner, a link to the topic', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    // A slow list: the filter switch does not show up without «Ждут слишком долго» and then grow it (and wrap to a
    // second row) when the list tells the promised time (the outside tester, on a slow connection).
    await page.route(/\/api\/dialogs(\?|$)/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await route.continue();
    });
    await page.goto(`${app.url}/dialogs`);
    await page.getByTestId('dialogs-filter').waitFor();
    expect(plain(await page.getByTestId('dialogs-filter').textContent())).toContain('Ждут слишком долго');
    await page.unrouteAll();
    await expect.poll(() => names(page), { timeout: 15_000 }).toEqual(['Ждёт час', 'Ждёт пять минут', 'Уже ответили']);
    // Every waiting client shows its working-time wait; only the late one is marked.
    expect(plain(await rowOf(page, 'Ждёт пять минут').getByTestId('dialog-waited').textContent())).toMatch(/^ждёт [56] мин рабочего времени$/);
    expect(await rowOf(page, 'Ждёт пять минут').getByTestId('dialog-late').count()).toBe(0);

    await page.getByTestId('dialogs-filter').getByText('Ждут слишком долго').click();
    await expect.poll(() => names(page), { timeout: 15_000 }).toEqual(['Ждёт час']);
    const late = rowOf(page, 'Ждёт час');
    expect(plain(await late.getByTestId('dialog-waited').textContent())).toMatch(/^ждёт 1 ч 0[01] мин рабочего времени$/);
    expect(plain(await late.getByTestId('dialog-late').textContent())).toBe('Дольше обещанного');
    await expect.poll(() => late.getByTestId('dialog-owner').inputValue(), { timeout: 15_000 }).toBe(app.admin.name);
    expect(await late.getByRole('link', { name: 'Открыть тему' }).getAttribute('href')).toMatch(/(topic=50|\/50)$/);
    await shot(page, 'ru-late-list');
    await page.context().close();
  });

  it('the same in English', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.getByText('EN', { exact: true }).click();
    await page.goto(`${app.url}/dialogs`);
    await page.getByTestId('dialogs-filter').getByText('Waiting too long').click();
    await expect.poll(() => names(page), { timeout: 15_000 }).toEqual(['Ждёт час']);
    expect(plain(await rowOf(page, 'Ждёт час').getByTestId('dialog-waited').textContent())).toMatch(/^waiting 1 h 0[01] min of working time$/);
    expect(plain(await rowOf(page, 'Ждёт час').getByTestId('dialog-late').textContent())).toBe('Longer than promised');
    await rowOf(page, 'Ждёт час').getByRole('link', { name: 'Open the topic' }).waitFor();
    await shot(page, 'en-late-list');
    await page.context().close();
  });

  it('the admin sets working hours and holidays; a day ending before it starts is refused beside the field, nothing saved', async () => {
    const before = await hours();
    const page = await signedInPage(browser, app.url, app.admin);
    await page.goto(`${app.url}/admin?tab=hours`);
    const form = page.getByTestId('working-hours');
    await form.getByText('Обещаем ответить за 10 мин рабочего времени').waitFor();

    const mondayEnd = form.getByRole('textbox', { name: 'Понедельник: До' });
    await form.getByRole('textbox', { name: 'Понедельник: С' }).fill('09:00');
    await mondayEnd.fill('08:00');
    await form.getByTestId('hours-add-holiday').click();
    await form.getByRole('textbox', { name: 'Выходной день' }).fill('31.12.2026');
    await form.getByRole('button', { name: 'Сохранить рабочее время' }).click();
    await form.getByText('Конец рабочего дня должен быть позже начала').waitFor();
    await shot(page, 'ru-hours-refused');
    expect(await hours()).toEqual(before);

    // Sunday off, Monday 09:00–18:00: saved, with the holiday written ДД.ММ.ГГГГ.
    await mondayEnd.fill('18:00');
    await form.getByRole('checkbox', { name: 'Воскресенье: Рабочий' }).uncheck();
    await form.getByRole('button', { name: 'Сохранить рабочее время' }).click();
    await form.getByTestId('hours-saved').waitFor();
    expect(await form.getByText('Конец рабочего дня должен быть позже начала').count()).toBe(0);
    const after = await hours();
    expect(after).toMatchObject({ holidays: ['2026-12-31'], week: [{ start: '09:00', end: '18:00' }, ALWAYS, ALWAYS, ALWAYS, ALWAYS, ALWAYS, null] });
    await page.reload();
    expect(await page.getByTestId('working-hours').getByRole('textbox', { name: 'Выходной день' }).inputValue()).toBe('31.12.2026');
    await shot(page, 'ru-hours-saved');
    await page.context().close();
  });

  it('in English: a time that is no time is refused beside its field', async () => {
    const before = await hours();
    const page = await signedInPage(browser, app.url, app.admin);
    // A phone: the save button is a screen below the week's fields.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByText('EN', { exact: true }).click();
    await page.goto(`${app.url}/admin?tab=hours`);
    const form = page.getByTestId('working-hours');
    await form.getByText('Working hours', { exact: true }).first().waitFor();
    expect(await form.getByRole('textbox', { name: 'Day off' }).inputValue()).toBe('31 Dec 2026');
    // «25:00» is written as a time but the clock has none: said so, not the format again; «9» is not written as one.
    await form.getByRole('textbox', { name: 'Tuesday: To' }).fill('25:00');
    await form.getByRole('textbox', { name: 'Wednesday: From' }).fill('9');
    await form.getByRole('button', { name: 'Save working hours' }).click();
    await form.getByText('No such time: hours 00 to 23 (24:00 only as the end of the day), minutes 00 to 59').waitFor();
    await form.getByText('Write the time as HH:MM, e.g. 09:00').waitFor();
    // Beside the button, how many are left; the cursor goes to the first refused field (on a phone, a screen above).
    expect(plain(await form.getByTestId('hours-refused').textContent())).toBe('Check the form fields — left to fix: 2');
    await expect.poll(() => form.getByRole('textbox', { name: 'Tuesday: To' }).evaluate((el: any) => el === el.ownerDocument.activeElement)).toBe(true);
    expect(await hours()).toEqual(before);
    await shot(page, 'en-hours-refused');
    await page.context().close();
  });

  it('several wrong fields at once: each has its message beside it, what was typed stays, nothing is saved (the outside tester)', async () => {
    const week = [{ start: '09:00', end: '18:00' }, ...Array(6).fill(ALWAYS)];
    await saveWorkingHours(app.ctx, { actor: app.admin, hours: { week, holidays: ['2026-12-31'], workdays: [], offHoursAnswer: false } });
    const before = await hours();
    const page = await signedInPage(browser, app.url, app.admin);
    await page.goto(`${app.url}/admin?tab=hours`);
    const form = page.getByTestId('working-hours');
    // A saved holiday, 31.12.2026, typed over with a year of two digits; a new holiday on a day February has not;
    // Monday ends before it starts.
    const holiday = (i: number) => form.getByTestId(`hours-holiday-${i}`).getByRole('textbox', { name: 'Выходной день' });
    expect(await holiday(0).inputValue()).toBe('31.12.2026');
    await form.getByTestId('hours-add-holiday').click();
    await holiday(0).fill('1.1.26');
    await holiday(1).fill('31.02.2026');
    await form.getByRole('textbox', { name: 'Понедельник: До' }).fill('08:00');
    await form.getByRole('button', { name: 'Сохранить рабочее время' }).click();

    await form.getByTestId('hours-day-0').getByText('Конец рабочего дня должен быть позже начала').waitFor();
    await form.getByTestId('hours-holiday-0').getByText('Не понял дату «1.1.26»: напишите ДД.ММ.ГГГГ, например 30.11.2026').waitFor();
    await form.getByTestId('hours-holiday-1').getByText('Дня «31.02.2026» в календаре нет — проверьте число и месяц').waitFor();
    expect(await holiday(0).inputValue()).toBe('1.1.26');
    expect(await holiday(1).inputValue()).toBe('31.02.2026');
    expect(await form.getByRole('textbox', { name: 'Понедельник: До' }).inputValue()).toBe('08:00');
    await shot(page, 'ru-hours-several-refused');
    expect(await hours()).toEqual(before);

    // The first row removed: the second keeps what was typed into it. Sent with Enter from inside a date field that
    // holds what is no date (never left): refused beside it, still nothing saved.
    await form.getByRole('textbox', { name: 'Понедельник: До' }).fill('18:00');
    await form.getByTestId('hours-holiday-0').getByRole('button', { name: 'Убрать' }).click();
    expect(await holiday(0).inputValue()).toBe('31.02.2026');
    await holiday(0).fill('1.3.27');
    await holiday(0).press('Enter');
    await form.getByTestId('hours-holiday-0').getByText('Не понял дату «1.3.27»: напишите ДД.ММ.ГГГГ, например 30.11.2026').waitFor();
    expect(await holiday(0).inputValue()).toBe('1.3.27');
    expect(await hours()).toEqual(before);

    // Fixed: saved.
    await holiday(0).fill('28.02.2027');
    await form.getByRole('button', { name: 'Сохранить рабочее время' }).click();
    await form.getByTestId('hours-saved').waitFor();
    expect((await hours()).holidays).toEqual(['2027-02-28']);
    await page.context().close();
  });
});
