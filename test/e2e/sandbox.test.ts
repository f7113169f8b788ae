/**
 * Sandbox mode in a real browser, from an empty DATA_DIR and no settings, the
 * way the README starts the product: a client writes to the bot on /sandbox,
 * the manager answers in the new topic, marks a message /skip, types /new and
 * follows the bot's link to the platform in a new tab (signed in); a new
 * client sends an album, edits a message and blocks the bot; once the request
 * and its offer are saved, the pinned action card is driven from the topic:
 * «Изменить», /rate 12.30 (new total on the card), «Завершить» twice.
 *
 * Screenshots of every step go to test-artifacts/sandbox/; with
 * UPDATE_DOCS_SCREENSHOTS=1 the walkthrough's pictures in docs/img/ are
 * refreshed from the same run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, ensureWebBuilt, launchBrowser } from '../helpers/browser.js';
import { freePort, root, spawnHotline, type HotlineProcess } from '../helpers/process.js';
import { makePng, SandboxPage } from '../helpers/sandboxPage.js';
import { validRequest } from '../helpers/app.js';

const available = browserAvailable();

/** A request as the platform's form would save it (amounts as decimal strings). */
const sampleRequest = validRequest();
const artifacts = path.join(root, 'test-artifacts/sandbox');
const docsImages = process.env.UPDATE_DOCS_SCREENSHOTS === '1' ? path.join(root, 'docs/img') : undefined;

describe.skipIf(!available)('sandbox page in the browser', () => {
  let hotline: HotlineProcess;
  let browser: Browser;
  let sandbox: SandboxPage;
  let dataDir = '';
  let publicUrl = '';
  let linkUrl = '';
  let platformTab: Page | undefined;

  const shot = async (name: string, docsName?: string) => {
    await sandbox.screenshot(path.join(artifacts, `${name}.png`));
    if (docsImages && docsName) await sandbox.screenshot(path.join(docsImages, `${docsName}.png`));
  };

  beforeAll(async () => {
    ensureWebBuilt();
    fs.rmSync(artifacts, { recursive: true, force: true });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-sandbox-e2e-'));
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    hotline = await spawnHotline({ DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: publicUrl });
    await hotline.waitForOutput(/Sandbox mode/, 60_000);
    browser = await launchBrowser();
    sandbox = await SandboxPage.open(browser, publicUrl);
  });

  afterAll(async () => {
    await browser?.close();
    if (hotline && hotline.child.exitCode === null) {
      hotline.child.kill('SIGTERM');
      await hotline.exited;
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens with the seeded clients on the left and the managers\' forum on the right', async () => {
    await sandbox.clientPane.getByText('Иван Петров').first().waitFor();
    await sandbox.clientPane.getByText('Li Wei').first().waitFor();
    await sandbox.managerPane.getByText('Менеджеры').first().waitFor();
    // The manager plays the forum, not a client.
    expect(await sandbox.clientPane.getByText('Мария Менеджер').count()).toBe(0);
    await shot('01-opened');
  });

  it('a client writes «Здравствуйте» and sends a photo', async () => {
    await sandbox.selectClient('Иван Петров');
    await sandbox.clientSend('Здравствуйте');
    await sandbox.clientAttach([{ name: 'invoice.png', mimeType: 'image/png', buffer: makePng(320, 200) }]);
    await sandbox.clientPane.locator('img.sbx-photo').first().waitFor();
    // The bot greets the client in the private chat.
    await sandbox.clientMessage('менеджер ответит').waitFor();
    await shot('02-client-wrote', 'sandbox-client');
  });

  it('the new topic appears live; the manager sees the client card and both messages', async () => {
    const topic = sandbox.managerPane.getByTestId('topic-item').filter({ hasText: 'Иван Петров' });
    await topic.waitFor();
    await expect.poll(() => sandbox.topicUnread('Иван Петров')).toBeGreaterThan(0);
    await sandbox.openTopic('Иван Петров');
    await sandbox.topicMessage('Telegram ID').waitFor();
    await sandbox.topicMessage('Здравствуйте').waitFor();
    await sandbox.managerPane.locator('img.sbx-photo').first().waitFor();
    // Opening the topic reads it.
    await expect.poll(() => sandbox.topicUnread('Иван Петров')).toBe(0);
    await shot('03-topic-opened', 'sandbox-topic');
  });

  it('the manager answers «Добрый день!» and the client sees it', async () => {
    await sandbox.managerSend('Добрый день!');
    await sandbox.clientMessage('Добрый день!').waitFor();
    await shot('04-manager-answered');
  });

  it('a reply /skip to the client\'s message is acknowledged with 👌', async () => {
    await sandbox.managerSend('/skip', { replyTo: 'Здравствуйте' });
    const skip = sandbox.topicMessage('/skip');
    await skip.getByTestId('reactions').getByText('👌').waitFor();
    // The reply quotes the client's message.
    expect(await skip.locator('.sbx-quote').innerText()).toContain('Здравствуйте');
    await shot('05-skip');
  });

  it('/new gets the bot\'s sign-in button; pressing it opens the platform\'s /new in a new tab', async () => {
    await sandbox.managerSend('/new');
    // A login_url button (not a bare link): pressing it opens the platform with the manager's signed Telegram login.
    const button = sandbox.managerPane.locator('.sbx-buttons').getByRole('button', { name: 'Создать заявку' }).last();
    await button.waitFor();
    await shot('06-new-link', 'sandbox-new-link');
    const tab = await sandbox.pressLoginButton('Создать заявку');
    expect(tab.url().startsWith(`${publicUrl}/new`)).toBe(true);
    await tab.locator('#root').waitFor();
    // The link signed the manager in.
    await tab.getByTestId('current-user').getByText('Мария Менеджер').waitFor();
    await tab.screenshot({ path: path.join(artifacts, '07-platform-tab.png') });
    linkUrl = tab.url();
    platformTab = tab;
  });

  it('a client added on the page writes, edits a message, sends an album and blocks the bot', async () => {
    const page = sandbox.page;
    await sandbox.clientPane.getByRole('button', { name: /Добавить клиента/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Имя и фамилия').fill('Ольга Смирнова');
    await dialog.getByLabel('Имя пользователя').fill('olga_s');
    await dialog.getByRole('button', { name: 'Создать' }).click();
    await page.getByTestId('client-chat').getByText('Вы пишете как Ольга Смирнова').waitFor();

    // What people type is text, never markup.
    const markup = '<b>не жирный</b> & <img src=x onerror="window.__pwned=1">';
    await sandbox.clientSend(markup);
    expect(await sandbox.clientMessage('не жирный').locator('.sbx-text').innerText()).toBe(markup);
    expect(await sandbox.clientMessage('не жирный').locator('b, img').count()).toBe(0);

    await sandbox.clientSend('Нужно оплатить инвойс');
    await sandbox.clientMessage('Нужно оплатить инвойс').hover();
    await sandbox.clientMessage('Нужно оплатить инвойс').getByRole('button', { name: 'Изменить' }).click();
    const box = page.getByTestId('client-composer').getByRole('textbox');
    await box.fill('Нужно оплатить два инвойса');
    await box.press('Enter');
    const edited = sandbox.clientMessage('Нужно оплатить два инвойса');
    await edited.getByText('изменено').waitFor();

    await sandbox.clientAttach(
      [
        { name: 'a.png', mimeType: 'image/png', buffer: makePng(200, 150) },
        { name: 'b.png', mimeType: 'image/png', buffer: makePng(150, 200) },
      ],
      'Два счёта',
    );
    await sandbox.clientPane.locator('.sbx-album img').nth(1).waitFor();

    // The manager's topic for her shows the edit and the album.
    await sandbox.openTopic('Ольга Смирнова');
    await sandbox.topicMessage('Telegram ID').waitFor({ timeout: 30_000 });
    // The group's 20 messages a minute pace the bot: allow for a queue.
    await sandbox.topicMessage('Нужно оплатить два инвойса').waitFor({ timeout: 30_000 });
    await sandbox.managerPane.locator('.sbx-album img').nth(1).waitFor({ timeout: 30_000 });
    await shot('08-album-and-edit', 'sandbox-album-edit');

    // A voice message: clicking its bubble (outside the player) starts a reply to it, as for any other bubble.
    await sandbox.selectClient('Ольга Смирнова');
    await sandbox.clientAttach([{ name: 'voice.ogg', mimeType: 'audio/ogg', buffer: Buffer.concat([Buffer.from('OggS'), Buffer.alloc(400, 1)]) }]);
    const voice = sandbox.managerPane.getByTestId('message').filter({ hasText: 'Голосовое сообщение' }).last();
    await voice.waitFor({ timeout: 30_000 });
    await voice.getByText('Голосовое сообщение').click();
    const context = page.getByTestId('manager-composer').locator('.sbx-context');
    await context.getByText(/^Ответ на/).waitFor();
    expect(await context.innerText()).toContain('Голосовое сообщение');
    await shot('08b-voice-reply');
    await context.getByRole('button', { name: 'Отмена' }).click();

    await page.getByRole('button', { name: 'Заблокировать бота' }).click();
    await page.getByRole('button', { name: 'Разблокировать бота' }).waitFor();
    await sandbox.clientPane.getByText('Вы заблокировали бота').first().waitFor();
    await page.getByRole('button', { name: 'Разблокировать бота' }).click();
    await page.getByRole('button', { name: 'Заблокировать бота' }).waitFor();
  });

  it('once the request and its offer are saved, the action card is pinned; «Изменить», /rate 12.30 and «Завершить» twice work from the topic', async () => {
    // The form itself is the platform's (its own test); here the signed-in tab saves the same request through the API.
    const tab = platformTab!;
    const dialogId = Number(new URL(linkUrl).searchParams.get('dialog'));
    const me = (await (await tab.request.get(`${publicUrl}/api/auth/me`)).json()) as { csrfToken: string };
    const headers = { 'x-csrf-token': me.csrfToken };
    const created = await tab.request.post(`${publicUrl}/api/requests`, { headers, data: { ...sampleRequest, dialogId } });
    expect(created.status(), await created.text()).toBe(200);
    const { id } = (await created.json()) as { id: number };
    const offer = await tab.request.post(`${publicUrl}/api/requests/${id}/offers`, { headers, data: { rate: '12.25', feePercent: '1.5', fixedFee: '500', days: 3 } });
    expect(offer.status(), await offer.text()).toBe(200);
    await tab.close();
    // «Открыть тему в Telegram» after the offer: in the sandbox, the sandbox page with that group and topic open.
    const { telegramTopicUrl } = (await offer.json()) as { telegramTopicUrl: string };
    expect(telegramTopicUrl).toMatch(new RegExp(`^${publicUrl}/sandbox\\?chat=-100\\d+&topic=\\d+$`));
    expect(await sandbox.page.getByTestId('topic-chat').locator('.sbx-chat-title strong').innerText()).toContain('Ольга Смирнова');
    await sandbox.page.goto(telegramTopicUrl);
    await sandbox.page.getByTestId('topic-chat').locator('.sbx-chat-title strong').getByText('Иван Петров').waitFor();
    expect(await sandbox.managerPane.locator('.sbx-list-item.sbx-active').innerText()).toContain('Иван Петров');
    await sandbox.selectClient('Иван Петров');

    // 100 000 CNY × 12.25 = 1 225 000; + 1.5 % (18 375) + 500 = 1 243 875,00 ₽.
    await sandbox.pinnedBar.getByText(/Заявка №/).waitFor({ timeout: 30_000 });
    const card = sandbox.topicMessage('Открыть на платформе');
    await card.getByText('Итого к оплате').waitFor();
    await card.getByText(/1\s243\s875,00/).waitFor();
    // Entities are elements, placed by UTF-16 offsets (the card starts with an emoji, a surrogate pair).
    expect(await card.locator('strong').first().innerText()).toMatch(/^Заявка № \d{4}-\d+$/);
    expect(await card.getByRole('link', { name: 'Открыть на платформе' }).getAttribute('target')).toBe('_blank');
    await sandbox.pinnedBar.click();
    await shot('09-action-card', 'sandbox-action-card');

    expect(await sandbox.pressButton(/Изменить/)).toContain('Команды изменения');
    // The toast covers none of what one needs next: the card's buttons, the compose box, the topics; clicks pass through it.
    const toast = sandbox.page.getByTestId('toast').last();
    const toastBox = (await toast.boundingBox())!;
    const overlaps = (b: { x: number; y: number; width: number; height: number } | null) =>
      !!b && b.x < toastBox.x + toastBox.width && toastBox.x < b.x + b.width && b.y < toastBox.y + toastBox.height && toastBox.y < b.y + b.height;
    for (const target of [...(await sandbox.managerPane.locator('.sbx-buttons').last().locator('button').all()), sandbox.page.getByTestId('manager-composer'), sandbox.page.getByTestId('client-composer')]) {
      expect(overlaps(await target.boundingBox())).toBe(false);
    }
    expect(await sandbox.page.locator('.sbx-toasts').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).pointerEvents)).toBe('none');
    await shot('09b-toast');
    await sandbox.managerSend('/rate 12.30');
    // 1 230 000 + 18 450 + 500 = 1 248 950,00 ₽, on the card edited in place.
    await card.getByText(/1\s248\s950,00/).waitFor({ timeout: 60_000 });
    await shot('10-rate-changed');

    expect(await sandbox.pressButton(/^✅ Завершить$/)).toContain('подтвердите');
    // The bot keeps Telegram's 20 messages a minute per group, so after this burst the card's edits queue for a while.
    await sandbox.managerPane.getByRole('button', { name: /Завершить — подтвердите/ }).waitFor({ timeout: 60_000 });
    expect(await sandbox.pressButton(/Завершить — подтвердите/)).toContain('Заявка завершена');
    await card.getByText(/Завершена/).first().waitFor({ timeout: 60_000 });
    await sandbox.pinnedBar.waitFor({ state: 'detached', timeout: 60_000 });
    await shot('11-completed');
  });
});
