/**
 * The dashboard and a client's history in a real browser, over a data set
 * seeded by direct SQL whose answers are known (test/helpers/insightSeed.ts):
 * the head of team (admin) opens «Показатели» for 01.03.2026–03.03.2026 and
 * reads every chart's numbers from the data table beside it, in Russian and
 * in English; the CSV holds the exact decimals, the PNG is an image; the
 * manager filter narrows the numbers. An agent and a manager are refused
 * the dashboard. A manager opens a client's history from the dialogs list
 * and from a request's page.
 *
 * With INSIGHT_SCREENSHOTS=<dir> the dashboard is also saved as
 * insight-ru.png and insight-en.png there (docs/img).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser, plain, signedInPage } from '../helpers/browser.js';
import { startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { INSIGHT_PERIOD, seedInsight, type InsightSeed } from '../helpers/insightSeed.js';

const available = browserAvailable();
const screenshots = process.env.INSIGHT_SCREENSHOTS;

/** The rows of a chart's data table, each as its cells' text. */
async function tableOf(page: Page, chart: string): Promise<string[][]> {
  const table = page.getByTestId(`insight-${chart}-table`);
  await table.waitFor({ state: 'attached' });
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => (cell.textContent ?? '').replace(/[\u00a0\u202f]/g, ' '))));
}

async function headerOf(page: Page, chart: string): Promise<string[]> {
  return page.getByTestId(`insight-${chart}-table`).locator('thead th').allTextContents();
}

describe.skipIf(!available)('dashboard and client history in the browser', () => {
  let app: TestApp;
  let browser: Browser;
  let seed: InsightSeed;
  const dashboard = `/insight?from=${INSIGHT_PERIOD.from}&to=${INSIGHT_PERIOD.to}`;

  beforeAll(async () => {
    ensureWebBuilt();
    app = await startTestApp();
    seed = await seedInsight(app);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const open = async (user: TestUser, url: string) => {
    const page = await signedInPage(browser, app.url, user);
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(app.url + url);
    return page;
  };

  it('the head of team reads every chart’s numbers in Russian, then in English', async () => {
    const page = await open(app.admin, dashboard);
    await page.getByRole('heading', { name: 'Показатели работы' }).waitFor();
    await page.getByTestId('insight-period').getByText('Период: 01.03.2026 — 03.03.2026; дни считаются по часовому поясу Europe/Moscow').waitFor();

    expect(await tableOf(page, 'dialogs')).toEqual([
      ['01.03.2026', '1'],
      // D2 opened at 01:00 Moscow on 02.03 (22:00 UTC on 01.03): Moscow's day.
      ['02.03.2026', '2'],
      ['03.03.2026', '1'],
    ]);
    expect(await tableOf(page, 'first-response')).toEqual([
      ['01.03.2026', '1', '0:05:00', '0:05:00'],
      ['02.03.2026', '2', '0:15:00', '0:19:00'],
      ['03.03.2026', '0', '—', '—'],
    ]);
    expect(await tableOf(page, 'resolution')).toEqual([
      ['01.03.2026', '0', '—', '—'],
      ['02.03.2026', '1', '24:00:00', '24:00:00'],
      ['03.03.2026', '1', '26:00:00', '26:00:00'],
    ]);
    expect(await tableOf(page, 'managers-response')).toEqual([
      ['Анна Менеджер', '2', '0:07:30', '0:09:30'],
      ['Борис Менеджер', '1', '0:20:00', '0:20:00'],
    ]);
    expect(await tableOf(page, 'managers-resolution')).toEqual([['Анна Менеджер', '2', '25:00:00', '25:48:00']]);
    expect(await tableOf(page, 'funnel')).toEqual([
      ['Диалоги', '4'],
      ['С заявкой', '3'],
      ['Принята', '3'],
      ['Завершена', '2'],
      ['Отменена', '1'],
    ]);
    expect(await tableOf(page, 'volume-currency')).toEqual([
      ['CNY', '1', '2 500,25 ¥'],
      ['USD', '2', '1 200,00 $'],
    ]);
    expect(await tableOf(page, 'volume-agent')).toEqual([
      ['Агент Восток', 'USD', '2', '1 200,00 $'],
      ['Наша компания', 'CNY', '1', '2 500,25 ¥'],
    ]);
    expect(await tableOf(page, 'statuses')).toEqual([
      ['Сбор предложений', '1'],
      ['Принята', '1'],
      ['Завершена', '2'],
      ['Отменена', '1'],
    ]);
    expect(await tableOf(page, 'sources')).toEqual([
      ['ads_autumn', '2'],
      ['partner_x', '1'],
      ['без параметра', '1'],
    ]);
    await page.getByTestId('insight-sources-note').getByText('Источник — параметр первой ссылки').waitFor();
    // Every chart is drawn (Recharts' SVG) beside its table.
    for (const chart of ['dialogs', 'first-response', 'resolution', 'funnel', 'managers-response', 'managers-resolution', 'volume-currency', 'volume-agent', 'statuses', 'sources']) {
      await page.getByTestId(`insight-${chart}`).locator('svg.recharts-surface').first().waitFor();
    }
    if (screenshots) {
      fs.mkdirSync(screenshots, { recursive: true });
      await page.screenshot({ path: path.join(screenshots, 'insight-ru.png'), fullPage: true });
    }

    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('heading', { name: 'Team dashboard' }).waitFor();
    await page.getByTestId('insight-period').getByText('Period: 01 Mar 2026 – 03 Mar 2026').waitFor();
    // The table shows durations as H:MM:SS under plain headers; the CSV says its unit (seconds).
    expect(await headerOf(page, 'first-response')).toEqual(['Day', 'Answered', 'Median', 'p90']);
    expect(await tableOf(page, 'dialogs')).toEqual([
      ['01 Mar 2026', '1'],
      ['02 Mar 2026', '2'],
      ['03 Mar 2026', '1'],
    ]);
    expect(await tableOf(page, 'funnel')).toEqual([
      ['Dialogs', '4'],
      ['With a request', '3'],
      ['Accepted', '3'],
      ['Completed', '2'],
      ['Cancelled', '1'],
    ]);
    expect(await tableOf(page, 'volume-currency')).toEqual([
      ['CNY', '1', 'CN¥2,500.25'],
      ['USD', '2', 'US$1,200.00'],
    ]);
    expect(await tableOf(page, 'statuses')).toEqual([
      ['Collecting offers', '1'],
      ['Accepted', '1'],
      ['Completed', '2'],
      ['Cancelled', '1'],
    ]);
    expect(await tableOf(page, 'sources')).toEqual([
      ['ads_autumn', '2'],
      ['partner_x', '1'],
      ['no parameter', '1'],
    ]);
    if (screenshots) await page.screenshot({ path: path.join(screenshots, 'insight-en.png'), fullPage: true });

    // CSV: the exact decimals summed in SQL; PNG: an image of the chart.
    const card = page.getByTestId('insight-volume-agent');
    const [csv] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'CSV' }).click()]);
    expect(csv.suggestedFilename()).toBe('volume-agent_2026-03-01_2026-03-03.csv');
    const csvText = fs.readFileSync((await csv.path())!, 'utf8');
    expect(csvText.replace(/^\ufeff/, '').trim().split('\r\n')).toEqual(['Agent,Currency,Requests,Volume', 'Агент Восток,USD,2,1200.00', 'Наша компания,CNY,1,2500.25']);
    const [timesCsv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('insight-first-response').getByRole('button', { name: 'CSV' }).click()]);
    const timesHeader = fs.readFileSync((await timesCsv.path())!, 'utf8').replace(/^\ufeff/, '').split('\r\n')[0];
    expect(timesHeader).toBe('Day,Answered,"Median, s","p90, s"');
    // Statuses go to the CSV as the page names them, not as internal codes.
    const [statusCsv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('insight-statuses').getByRole('button', { name: 'CSV' }).click()]);
    const statusLines = fs.readFileSync((await statusCsv.path())!, 'utf8').replace(/^\ufeff/, '').trim().split('\r\n');
    expect(statusLines).toEqual(['Status,Requests', 'Collecting offers,1', 'Accepted,1', 'Completed,2', 'Cancelled,1']);
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('insight-dialogs').getByRole('button', { name: 'PNG' }).click()]);
    const bytes = fs.readFileSync((await png.path())!);
    if (screenshots) fs.copyFileSync((await png.path())!, path.join(screenshots, 'insight-export-dialogs.png'));
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    await page.context().close();
  });

  it('the period typed as ДД.ММ.ГГГГ and a manager picked from the list narrow the numbers; a wrong period is refused in the page’s language', async () => {
    const page = await open(app.admin, dashboard);
    const from = page.getByTestId('insight-from').getByRole('textbox');
    expect(await from.inputValue()).toBe('01.03.2026');
    await from.fill('02.03.2026');
    await from.press('Enter');
    await page.getByTestId('insight-period').getByText('Период: 02.03.2026 — 03.03.2026').waitFor();
    expect(await tableOf(page, 'dialogs')).toEqual([
      ['02.03.2026', '2'],
      ['03.03.2026', '1'],
    ]);
    await page.getByTestId('insight-manager').click();
    await page.getByRole('option', { name: 'Анна Менеджер' }).click();
    await page.getByTestId('insight-period').getByText('диалоги — того, кто ответил первым').waitFor();
    await page.waitForURL(/manager=/);
    await expect.poll(() => tableOf(page, 'dialogs')).toEqual([
      ['02.03.2026', '1'],
      ['03.03.2026', '0'],
    ]);
    // R4 only: R1 (01.03) is outside the period now, R2 is Boris's.
    await expect.poll(() => tableOf(page, 'volume-currency')).toEqual([['USD', '1', '199,50 $']]);
    // A period with nothing in it: every chart says so in words — none draws bare axes or an all-zero donut, none
    // offers a picture of nothing (the outside tester: three of the ten showed empty drawings).
    await page.goto(`${app.url}/insight?from=2020-01-01&to=2020-01-31`);
    await page.getByTestId('insight-period').getByText('Период: 01.01.2020 — 31.01.2020').waitFor();
    const cards = page.locator('[data-testid^="insight-"][aria-busy]');
    await expect.poll(() => cards.count()).toBe(10);
    await expect.poll(() => page.locator('[data-testid^="insight-"][aria-busy="true"]').count()).toBe(0);
    for (const card of await cards.all()) {
      const id = await card.getAttribute('data-testid');
      expect(await card.getByText('Нет данных за период').count(), id!).toBe(1);
      expect(await card.getByRole('button', { name: 'PNG' }).isDisabled(), id!).toBe(true);
      // Nor a CSV of a header alone; the reason is on hover.
      expect(await card.getByRole('button', { name: 'CSV' }).isDisabled(), id!).toBe(true);
      expect(await card.getByTestId(`${id}-export`).getAttribute('title'), id!).toBe('Нет данных за период — выгружать нечего');
    }
    // One day with a first answer: the day is drawn as a dot (a line needs two days: without dots the chart looked
    // empty over a table with a row — the outside tester); the axis reads Russian numbers.
    await page.goto(`${app.url}/insight?from=2026-03-01&to=2026-03-01`);
    await expect.poll(() => tableOf(page, 'first-response')).toEqual([['01.03.2026', '1', '0:05:00', '0:05:00']]);
    const firstResponse = page.getByTestId('insight-first-response');
    expect(await firstResponse.locator('.recharts-line-dots circle').count()).toBeGreaterThan(0);
    // A period the server refuses is said in the page's language, and the charts keep the last good answer.
    await page.goto(`${app.url}/insight?from=2026-03-05&to=2026-03-01`);
    await page.getByTestId('insight-error').getByText('Дата «с» позже даты «по»').waitFor();
    await page.getByText('EN', { exact: true }).click();
    await page.goto(`${app.url}/insight?from=2026-03-05&to=2026-03-01`);
    await page.getByTestId('insight-error').getByText('The “from” date is after the “to” date').waitFor();
    // Opened with that period, no chart has an answer to keep: each says why instead of loading for ever.
    const refusedCards = page.locator('[data-testid^="insight-"][aria-busy]');
    await expect.poll(() => page.locator('[data-testid$="-failure"]').count()).toBe(10);
    expect(await page.locator('[data-testid^="insight-"][aria-busy="true"]').count()).toBe(0);
    for (const card of await refusedCards.all()) {
      expect(plain(await card.textContent())).toContain('Not drawn: the period was refused — fix the dates above');
      expect(await card.getByRole('button', { name: 'CSV' }).isDisabled()).toBe(true);
    }
    // One end typed where the address had none: the other keeps the date it showed, even when the period is refused.
    await page.getByText('RU', { exact: true }).click();
    await page.goto(`${app.url}/insight`);
    const to = page.getByTestId('insight-to').getByRole('textbox');
    await expect.poll(() => to.inputValue()).toMatch(/^\d{2}\.\d{2}\.\d{4}$/);
    const shownTo = await to.inputValue();
    const fromField = page.getByTestId('insight-from').getByRole('textbox');
    await fromField.fill('01.01.2020');
    await fromField.press('Enter');
    await page.getByTestId('insight-error').getByText('Период — не больше 366 дней').waitFor();
    expect(await to.inputValue()).toBe(shownTo);
    expect(plain(await page.getByTestId('insight-dialogs').textContent())).toContain('Не построен: период не принят — исправьте даты выше');
    // An address's date that names no day is said in its field — not rolled over (09.02.2027), not «Invalid Date».
    await page.goto(`${app.url}/insight?from=2026-13-40&to=abc`);
    await page.getByTestId('insight-from').getByText('Дня «2026-13-40» в календаре нет — проверьте число и месяц').waitFor();
    await page.getByTestId('insight-to').getByText('Не понял дату «abc»: напишите ДД.ММ.ГГГГ, например 30.11.2026').waitFor();
    expect(await page.getByTestId('insight-from').getByRole('textbox').inputValue()).toBe('');
    expect(await page.getByTestId('insight-to').getByRole('textbox').inputValue()).toBe('');
    await page.context().close();
  });

  it('the dashboard opened cold names its chart code in the page head, so it loads beside the app’s; other pages do not', async () => {
    const html = async (url: string) => (await fetch(app.url + url)).text();
    const insight = await html(`${dashboard}`);
    const chunk = /<link rel="modulepreload" crossorigin href="(\/assets\/InsightPage-[^"]+\.js)">/.exec(insight);
    expect(chunk, insight).not.toBeNull();
    expect((await fetch(app.url + chunk![1]!)).status).toBe(200);
    expect(await html('/requests')).not.toContain('InsightPage-');
  });

  it('a manager and an agent are refused the dashboard', async () => {
    for (const user of [seed.anna, await app.addUser({ role: 'agent', organization: 'Агент Север' })]) {
      const page = await open(user, dashboard);
      await page.getByTestId('insight-forbidden').getByText('Панель показателей доступна только руководителю').waitFor();
      expect(await page.getByRole('link', { name: 'Показатели' }).count()).toBe(0);
      expect(await page.locator('[data-testid$="-table"]').count()).toBe(0);
      await page.context().close();
    }
  });

  it('a manager opens a client’s history from the dialogs list and from the request page', async () => {
    const page = await open(seed.anna, '/dialogs');
    await page.getByRole('link', { name: 'Клиент Три' }).click();
    await page.getByRole('heading', { name: 'История клиента: Клиент Три' }).waitFor();
    const timeline = page.getByTestId('client-timeline');
    const items = plain(await timeline.textContent());
    for (const text of ['Заявка 2026-900005: Завершена', 'Создана заявка 2026-900005 на 199,50 $', 'Заявка 2026-900004: Отменена', 'Открыт диалог']) expect(items).toContain(text);
    expect(await timeline.locator('[data-kind]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-kind')))).toEqual(['status', 'status', 'request', 'status', 'request', 'dialog']);
    expect(await page.getByTestId('client-not-stored').count()).toBe(0);

    await page.goto(`${app.url}/requests/${seed.requestR4}`);
    await page.getByTestId('client-history-link').click();
    await page.getByRole('heading', { name: 'История клиента: Клиент Три' }).waitFor();
    await page.context().close();
  });
});
