/**
 * The broadcasts page in a real browser (issue 19.5): a manager writes a
 * draft for a label, sees a refusal beside the field, saves, cannot start
 * before the test send, sends it to themselves, starts it and sees the
 * progress end and the report — in Russian, then the same page in English.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eq, sql } from 'drizzle-orm';
import { browserAvailable, ensureWebBuilt, launchBrowser, signedInPage } from '../helpers/browser.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { users } from '../../src/db/schema.js';
import { SandboxControl } from '../../src/sandbox/control.js';

describe.skipIf(!browserAvailable())('the broadcasts page', () => {
  let app: TestApp;
  let browser: Browser;
  let control: SandboxControl;
  let me: { id: number };
  beforeAll(async () => {
    ensureWebBuilt();
    app = await startTestApp();
    browser = await launchBrowser();
    const { db } = app.ctx.database;
    // The admin's Telegram (the test send goes there: a sandbox user who has not pressed Start in the bot yet — the
    // test presses it after a first, refused test) and two labelled clients, ids the sandbox does not know: reported
    // not delivered.
    control = new SandboxControl(`${app.url}/tg`);
    me = await control.createUser({ first_name: 'Админ' });
    await db.update(users).set({ telegramUserId: me.id }).where(eq(users.id, app.admin.userId));
    for (const [i, name] of [[1, 'Анна'], [2, 'Борис']] as const) {
      const row = await db.execute<{ id: number }>(sql`insert into clients (telegram_user_id, first_name) values (${7200000 + i}, ${name}) returning id`);
      await db.execute(sql`insert into client_labels (client_id, label) values (${row.rows[0]!.id}, 'vip')`);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('draft, refusal beside the field, test send, start, progress and report; English labels', async () => {
    const page = await signedInPage(browser, app.url, app.admin);
    await page.getByTestId('current-user').click();
    await page.getByRole('menuitem', { name: 'Рассылки' }).click();
    await page.getByRole('heading', { name: 'Рассылки', exact: true }).waitFor();
    await page.getByLabel('Название').fill('Новый тариф');
    await page.getByLabel('Текст').fill('Здравствуйте, {client}! <b>Новый тариф');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Выберите хотя бы одну метку').waitFor();
    await page.getByText('Тег <b> не закрыт: допишите </b>').waitFor();
    await page.getByLabel('Текст').fill('Здравствуйте, {client}! <b>Новый тариф</b>');
    await page.getByLabel('Метки клиентов').first().click();
    await page.getByRole('option', { name: 'vip (2)' }).click();
    // A label nobody has: the dropdown says so (the outside tester: the list just vanished).
    await page.keyboard.type('zzz');
    await page.getByText('Ничего не найдено').waitFor();
    await page.keyboard.press('Escape');
    await page.getByLabel('Метки клиентов').first().fill('');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Перед запуском отправьте рассылку себе').waitFor();
    expect(await page.getByRole('button', { name: 'Начать рассылку' }).isDisabled()).toBe(true);
    // A test to a Telegram that never pressed Start: Telegram's 403; the page says it did not arrive and why, and
    // never «Можно запускать» (outside check: it did, beside the start's refusal).
    await page.getByRole('button', { name: 'Отправить себе (тест)' }).click();
    await page.getByTestId('broadcast-test').getByText('Тест не доставлен: Telegram не даёт боту написать вам — вы ещё не нажимали «Старт» в боте или остановили его').waitFor();
    expect(await page.getByText('Можно запускать').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Начать рассылку' }).isDisabled()).toBe(true);
    await control.sendMessage({ from: me.id, text: '/start' });
    await page.getByRole('button', { name: 'Отправить себе (тест)' }).click();
    // The page says what became of the test: «Можно запускать» only once Telegram has taken it (outside check: it said
    // so as soon as the test was queued), and the start button waits for that too.
    await page.getByText(/Тест доставлен .*Можно запускать/).waitFor();
    expect((await app.ctx.database.db.execute<{ state: string }>(sql`select o.state from broadcasts b join telegram_outbox o on o.id = b.tested_outbox_id order by b.id desc limit 1`)).rows[0]?.state).toBe('sent');
    expect(await page.getByRole('button', { name: 'Начать рассылку' }).isDisabled()).toBe(false);
    await page.getByRole('button', { name: 'Начать рассылку' }).click();
    // The progress line of the broadcast shown (the list's row says the same once it refreshes: two matches then).
    await page.getByTestId('broadcast-progress').getByText('осталось: 0').waitFor({ timeout: 60_000 });
    const report = page.getByTestId('broadcast-report');
    await report.getByText('Анна').waitFor();
    await report.getByText('Борис').waitFor();
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('heading', { name: 'Mailings', exact: true }).waitFor();
    await page.getByTestId('broadcast-progress').getByText('left: 0').waitFor();
    // The variables are explained in English too (the outside tester: they were the server's Russian).
    await page.getByText('Variables: {client} — the client’s name; {manager} — the name of the manager who started the mailing').waitFor();
    await page.context().close();
  });
});
