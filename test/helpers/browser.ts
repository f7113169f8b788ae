/**
 * Browser tests drive Debian's Chromium (`/usr/bin/chromium`) with
 * playwright-core; no browser is ever downloaded. Without Chromium the tests
 * print one line and skip — except with CI=true, where a missing browser is a
 * failure. The web app is built first when `dist/web` is missing or older
 * than its sources.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '../..');
const SKIP_LINE = 'browser tests skipped: install chromium (apt-get install -y chromium)';
let warned = false;

/** True when Chromium is there; false (with one line printed) when not; throws on CI without it. */
export function browserAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${CHROMIUM} is missing: install chromium (apt-get install -y chromium)`);
  if (!warned) console.log(SKIP_LINE);
  warned = true;
  return false;
}

/** `extraArgs`: more Chromium switches, e.g. `--lang=en-US` for an English-language browser. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.endsWith('.test.ts')) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds `dist/web` when it is missing or older than `web/` or `src/core/` (the web app imports core). */
export function ensureWebBuilt(): void {
  const index = path.join(root, 'dist/web/index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const sources = Math.max(newestMtime(path.join(root, 'web')), newestMtime(path.join(root, 'src/core')));
  if (built >= sources) return;
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('Building the web app failed (vite build --config web/vite.config.ts)');
}

/** Text with no-break spaces (Russian digit groups, «10 000,00») as plain ones, for comparing what a page shows. */
export const plain = (text: string | null | undefined): string => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

/**
 * A page as a Russian manager in Moscow sees it (`ru-RU`, Europe/Moscow,
 * 1280 × `height`), 15 s per action, the page's own errors printed.
 */
export async function russianPage(browser: Browser, height = 900): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'ru-RU', timezoneId: 'Europe/Moscow', viewport: { width: 1280, height } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
  return { context, page };
}

/** A new browser context (Russian, Moscow time) signed in through the sign-in form as `user`. */
export async function signedInPage(browser: Browser, appUrl: string, user: { email: string; password: string; name: string }): Promise<Page> {
  const context = await browser.newContext({ locale: 'ru-RU', timezoneId: 'Europe/Moscow' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // A script error in the page fails loudly in the test output instead of as a mysterious timeout.
  page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
  await page.goto(`${appUrl}/sign-in`);
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Пароль').fill(user.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByTestId('current-user').getByText(user.name).waitFor();
  return page;
}
