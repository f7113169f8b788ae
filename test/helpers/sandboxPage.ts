/**
 * The `/sandbox` page as a test drives it: pick a client and write to the
 * bot, open a topic and write as the manager, reply, press buttons, follow
 * links, take screenshots. Every step waits for what a person would see.
 *
 * @example
 * const sandbox = await SandboxPage.open(browser, app.url);
 * await sandbox.selectClient('Иван Петров');
 * await sandbox.clientSend('Здравствуйте');
 * await sandbox.openTopic('Иван Петров');
 * await sandbox.topicMessage('Здравствуйте').waitFor();
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Browser, Locator, Page } from 'playwright-core';

export interface FileToAttach {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export class SandboxPage {
  private constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  /** A new browser context (Russian, Moscow time, 1280×760) on `<baseUrl>/sandbox`, with the two panes shown. */
  static async open(browser: Browser, baseUrl: string): Promise<SandboxPage> {
    const context = await browser.newContext({ locale: 'ru-RU', timezoneId: 'Europe/Moscow', viewport: { width: 1280, height: 760 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
    await page.goto(`${baseUrl}/sandbox`);
    const sandbox = new SandboxPage(page, baseUrl);
    await sandbox.clientPane.waitFor();
    await sandbox.managerPane.waitFor();
    return sandbox;
  }

  get clientPane(): Locator {
    return this.page.getByTestId('client-pane');
  }

  get managerPane(): Locator {
    return this.page.getByTestId('manager-pane');
  }

  async selectClient(name: string): Promise<void> {
    await this.clientPane.getByTestId('client-item').filter({ hasText: name }).click();
    await this.page.getByTestId('client-chat').getByText(`Вы пишете как ${name}`).waitFor();
  }

  /** A bubble in the client's private chat that contains `text`. */
  clientMessage(text: string): Locator {
    return this.clientPane.getByTestId('message').filter({ hasText: text }).last();
  }

  /** A bubble in the open topic that contains `text`. */
  topicMessage(text: string): Locator {
    return this.managerPane.getByTestId('message').filter({ hasText: text }).last();
  }

  /** Types into the client's compose box and presses Enter; waits for the bubble. */
  async clientSend(text: string): Promise<void> {
    await this.typeAndSend('client-composer', text);
    await this.clientMessage(text).waitFor();
  }

  /** Attaches files (several make an album) with an optional caption and sends them. */
  async clientAttach(files: FileToAttach[], caption = ''): Promise<void> {
    await this.page.getByTestId('client-composer-files').setInputFiles(files);
    const composer = this.page.getByTestId('client-composer');
    if (caption) await composer.getByRole('textbox').fill(caption);
    const before = await this.clientPane.getByTestId('message').count();
    await composer.getByRole('button', { name: 'Отправить' }).click();
    await this.clientPane.getByTestId('message').nth(before).waitFor();
  }

  /** Clicks the topic whose name contains `name` (waiting for it to appear live). */
  async openTopic(name: string): Promise<void> {
    await this.managerPane.getByTestId('topic-item').filter({ hasText: name }).first().click();
    await this.page.getByTestId('topic-chat').waitFor();
  }

  /** Unread count on a topic in the list, 0 when there is no badge. */
  async topicUnread(name: string): Promise<number> {
    const badge = this.managerPane.getByTestId('topic-item').filter({ hasText: name }).first().locator('.sbx-badge');
    return (await badge.count()) ? Number(await badge.innerText()) : 0;
  }

  /** Writes as the manager in the open topic; with `replyTo` first clicks that bubble to reply to it. */
  async managerSend(text: string, options: { replyTo?: string } = {}): Promise<void> {
    if (options.replyTo) {
      await this.topicMessage(options.replyTo).click();
      await this.page.getByTestId('manager-composer').getByText('Ответ на').waitFor();
    }
    await this.typeAndSend('manager-composer', text);
    await this.topicMessage(text).waitFor();
  }

  /** Presses an inline button in the open topic; resolves with the toast the bot's answer shows. */
  async pressButton(name: string | RegExp): Promise<string> {
    // Toasts leave after a few seconds, so count by their ids (ever increasing), not their places.
    const ids = await this.page.getByTestId('toast').evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute('data-toast-id'))));
    const newer = this.page.locator(`[data-testid="toast"]:not(${ids.map((id) => `[data-toast-id="${id}"]`).join(', ') || '[data-none]'})`).first();
    await this.managerPane.locator('.sbx-buttons').getByRole('button', { name }).last().click();
    await newer.waitFor();
    return newer.innerText();
  }

  /** The pinned message bar of the open topic. */
  get pinnedBar(): Locator {
    return this.managerPane.getByTestId('pinned-bar');
  }

  /**
   * Presses a login_url button in the open topic and resolves with the new tab
   * it opens — at the button's URL plus the manager's signed Telegram login data.
   */
  async pressLoginButton(name: string | RegExp): Promise<Page> {
    const [tab] = await Promise.all([this.page.context().waitForEvent('page'), this.managerPane.locator('.sbx-buttons').getByRole('button', { name }).last().click()]);
    await tab.waitForURL((url) => url.protocol === 'http:' || url.protocol === 'https:');
    await tab.waitForLoadState();
    return tab;
  }

  /** Clicks a link in the open topic and resolves with the new tab it opens. */
  async followTopicLink(text: string): Promise<Page> {
    const [tab] = await Promise.all([this.page.context().waitForEvent('page'), this.managerPane.getByRole('link', { name: text }).last().click()]);
    await tab.waitForLoadState();
    return tab;
  }

  async screenshot(file: string): Promise<void> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }

  private async typeAndSend(composerTestId: string, text: string): Promise<void> {
    const box = this.page.getByTestId(composerTestId).getByRole('textbox');
    await box.fill(text);
    await box.press('Enter');
    // The box empties once the emulator took the message. Read through the locator: the page's CSP
    // (script-src 'self', no eval) refuses the string predicates page.waitForFunction evaluates.
    const deadline = Date.now() + 15_000;
    while ((await box.inputValue()) !== '') {
      if (Date.now() > deadline) throw new Error(`The ${composerTestId} box did not empty after sending «${text}»`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** A small PNG (a blue-to-violet gradient), made here so tests need no fixture files. */
export function makePng(width: number, height: number): Buffer {
  const raw = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * (1 + width * 3) + 1 + x * 3;
      raw[at] = 51 + Math.round((x / width) * 120);
      raw[at + 1] = 144 - Math.round((y / height) * 60);
      raw[at + 2] = 236;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
