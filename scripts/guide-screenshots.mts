/**
 * Regenerates the manager's guide pictures (docs/img/guide-*.png) that show
 * the platform's screens with data: `npx tsx scripts/guide-screenshots.mts`
 * (builds dist/web first when it is older than web/; needs /usr/bin/chromium —
 * `apt-get install -y chromium`; never downloads a browser).
 *
 * Hotline starts in sandbox mode (no TELEGRAM_BOT_TOKEN: the built-in
 * Telegram emulator) in-process on a temporary DATA_DIR, the embedded
 * database and a free port, the way the e2e tests start it
 * (test/helpers/app.ts), with RATING_REQUEST=on. The demo data is made
 * through the product's own paths: the emulator's clients write to the bot,
 * the seeded manager Мария Менеджер answers in the topics and types commands
 * (/label), then — signed in the way managers are, by the bot's link — makes
 * requests and offers, a quick reply and a broadcast (test send, start)
 * through the platform API; a completed request asks the client for a rating,
 * which the client gives with the bot's button. Each screen is then opened in
 * headless Chromium (Russian, Europe/Moscow, 1280×800) and saved as
 * docs/img/guide-<screen>.png. Nothing secret is shown: the admin's password
 * is a fixed test value that no picture contains, the emails are example ones.
 *
 * Pictures it does not make (left as they were taken, each shows a state this
 * run does not set up): guide-request-form,
 * guide-offer-form, guide-ban, guide-late, guide-client-labels, guide-quick-replies,
 * guide-quick-reply-error, guide-working-hours; the sandbox-*.png come from
 * test/e2e/sandbox.test.ts (UPDATE_DOCS_SCREENSHOTS=1), insight-*.png from
 * test/e2e/insight.test.ts.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SandboxControl, type Transcript } from '../src/sandbox/control.js';
import { startTestApp, signInByTelegram, validRequest, validOffer, type ApiClient, type TestApp } from '../test/helpers/app.js';
import { ensureWebBuilt, launchBrowser, signedInPage } from '../test/helpers/browser.js';
import { root } from '../test/helpers/process.js';

const out = path.join(root, 'docs/img');
const VIEWPORT = { width: 1280, height: 800 };

/** Polls `check` until it returns a value (not undefined), or fails after `ms` saying what it waited for. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`guide-screenshots: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A 2xx answer's body, or an error naming the call and the answer. */
async function ok<T = { id: number; number: string }>(call: string, response: Promise<{ status: number; body: T }>): Promise<T> {
  const answer = await response;
  if (answer.status < 200 || answer.status >= 300) throw new Error(`guide-screenshots: ${call} answered ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

interface World {
  app: TestApp;
  control: SandboxControl;
  group: number;
  manager: { id: number };
  bot: { id: number };
}

/** The sandbox's seeded manager, forum and bot. */
async function sandboxWorld(app: TestApp): Promise<World> {
  const control = new SandboxControl(`${app.url}/tg`);
  const users = await control.listUsers();
  const manager = users.find((user) => user.username === 'manager');
  const [bot] = await control.listBots();
  const group = (await control.listChats()).find((summary) => 'title' in summary.chat && summary.chat.title === 'Менеджеры')?.chat;
  if (!manager || !bot || !group) throw new Error('guide-screenshots: the sandbox has no seeded manager, bot or «Менеджеры» forum');
  return { app, control, group: group.id, manager, bot };
}

/** A client of the sandbox writes `texts` to the bot; resolves with their topic's thread id once the last one is there. */
async function clientWrites(world: World, client: { id: number; first_name: string }, texts: string[]): Promise<number> {
  for (const text of texts) await world.control.sendMessage({ from: client.id, text });
  return until(`${client.first_name}'s topic`, async () => {
    const chat = await world.control.transcript(world.group);
    const topic = chat.topics.find((t) => !t.deleted && t.name.includes(client.first_name));
    if (!topic) return undefined;
    const transcript: Transcript = await world.control.transcript(world.group, { thread_id: topic.message_thread_id });
    return transcript.messages.some((m) => m.text === texts.at(-1)) ? topic.message_thread_id : undefined;
  });
}

/** The manager writes in a topic and waits for `reply` (a bot's answer containing it) when given. */
async function managerSays(world: World, threadId: number, text: string, reply?: string): Promise<void> {
  await world.control.sendMessage({ from: world.manager.id, chat_id: world.group, message_thread_id: threadId, text });
  if (reply) await world.control.waitFor({ chat_id: world.group, message_thread_id: threadId, text_includes: reply, timeout_ms: 20_000 });
}

/** A browser page at 1280×800, Russian, Moscow time, carrying the API client's session cookie. */
async function pageAs(browser: Browser, app: TestApp, api: ApiClient): Promise<Page> {
  const context = await browser.newContext({ locale: 'ru-RU', timezoneId: 'Europe/Moscow', viewport: VIEWPORT });
  const at = api.cookie.indexOf('=');
  await context.addCookies([{ name: api.cookie.slice(0, at), value: api.cookie.slice(at + 1), url: app.url }]);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
  return page;
}

/** Scrolls so `target` sits just under the header and the sandbox banner (`gap` px below them). */
async function scrollToTop(page: Page, target: ReturnType<Page['locator']>, gap = 16): Promise<void> {
  const box = await target.first().boundingBox();
  if (!box) throw new Error('guide-screenshots: nothing to scroll to');
  const scrolled = Number(await page.evaluate('window.scrollY'));
  await page.evaluate(`window.scrollTo(0, ${Math.max(0, Math.round(box.y + scrolled - 96 - gap))})`);
}

async function shot(page: Page, name: string): Promise<void> {
  // Fonts and late images settle; the caret and animations are not part of a picture.
  await page.evaluate('document.fonts.ready.then(() => true)');
  await page.mouse.move(0, VIEWPORT.height - 1);
  await page.screenshot({ path: path.join(out, `guide-${name}.png`), animations: 'disabled', caret: 'hide' });
  console.log(`docs/img/guide-${name}.png`);
}

async function main(): Promise<void> {
  ensureWebBuilt();
  const app = await startTestApp({ RATING_REQUEST: 'on', PUBLIC_URL: 'http://127.0.0.1:3000' });
  const browser = await launchBrowser();
  try {
    const world = await sandboxWorld(app);
    const { control } = world;

    // Clients write; Мария answers (that makes her the platform user and the dialogs' owner) and labels them.
    const ivan = (await control.listUsers()).find((user) => user.username === 'ivan_petrov') ?? (await control.createUser({ first_name: 'Иван', last_name: 'Петров', username: 'ivan_petrov', language_code: 'ru' }));
    const olga = await control.createUser({ first_name: 'Ольга', last_name: 'Смирнова', username: 'olga_smirnova', language_code: 'ru' });
    const sergey = await control.createUser({ first_name: 'Сергей', last_name: 'Кузнецов', username: 'kuznetsov_trade', language_code: 'ru' });
    const ivanTopic = await clientWrites(world, ivan, ['Здравствуйте! Нужно оплатить инвойс поставщику в Китай', 'Сумма 100 000 юаней, договор поставки C-1 от 10.01.2026']);
    await managerSays(world, ivanTopic, 'Добрый день, Иван! Подготовлю заявку, курс пришлю через пару минут.');
    await control.sendMessage({ from: ivan.id, text: 'Спасибо, жду' });
    await managerSays(world, ivanTopic, '/label vip опт', 'vip');
    const olgaTopic = await clientWrites(world, olga, ['Добрый день! Какой сегодня курс юаня для оплаты по договору?']);
    await managerSays(world, olgaTopic, 'Здравствуйте, Ольга! Сейчас 12,25 ₽ за юань, комиссия 1,5 %.');
    await managerSays(world, olgaTopic, '/label опт', 'опт');
    const sergeyTopic = await clientWrites(world, sergey, ['Хочу оплатить контейнер из Гуанчжоу, подскажите по документам']);
    await managerSays(world, sergeyTopic, 'Сергей, нужны договор и инвойс — пришлите, пожалуйста, сюда.');
    await managerSays(world, sergeyTopic, '/label vip', 'vip');
    await control.sendMessage({ from: sergey.id, text: 'Договор поставки № 17/2026 и инвойс INV-204 отправлю вечером' });

    // Мария on the platform, signed in by the bot's link as managers are.
    const { client: maria, response } = await signInByTelegram(app, world.manager.id, 'Мария');
    if (response.status !== 200) throw new Error(`guide-screenshots: the manager's sign-in answered ${response.status} ${JSON.stringify(response.body)}`);
    const dialogs = await ok<{ items: Array<{ id: number; client: { firstName: string } }> }>('GET /api/dialogs', maria.get('/api/dialogs'));
    const dialogOf = (firstName: string) => {
      const found = dialogs.items.find((d) => JSON.stringify(d).includes(firstName));
      if (!found) throw new Error(`guide-screenshots: no dialog of ${firstName} in ${JSON.stringify(dialogs.items).slice(0, 300)}`);
      return found.id;
    };

    // Requests: Иван's accepted (an offer, then a changed rate), Сергей's completed and rated, Ольга's just made.
    const ivanRequest = await ok('POST /api/requests (Иван)', maria.post('/api/requests', validRequest({ dialogId: dialogOf('Иван') })));
    await ok('POST offer (Иван)', maria.post(`/api/requests/${ivanRequest.id}/offers`, validOffer()));
    await ok('POST terms (Иван)', maria.post(`/api/requests/${ivanRequest.id}/terms`, { command: 'rate', value: '12.30' }));
    const sergeyRequest = await ok(
      'POST /api/requests (Сергей)',
      maria.post(
        '/api/requests',
        validRequest({
          dialogId: dialogOf('Сергей'),
          amount: '48500',
          currency: 'USD',
          beneficiary: { name: 'Guangzhou Container Lines Ltd', country: 'CN', address: 'Guangzhou, Tianhe District', bankName: 'Bank of China', swift: 'BKCHCNBJ', account: '6222021234500017' },
          purpose: 'Оплата фрахта по договору 17/2026',
          payer: { name: 'ООО «Кузнецов Трейд»', inn: '7707083893', kpp: '773601001' },
        }),
      ),
    );
    await ok('POST offer (Сергей)', maria.post(`/api/requests/${sergeyRequest.id}/offers`, validOffer({ rate: '92.40', feePercent: '1.2', fixedFee: '0', days: 2 })));
    await ok('complete (Сергей)', maria.post(`/api/requests/${sergeyRequest.id}/status`, { action: 'complete' }));
    const ask = await until('the rating question in Сергей’s chat', async () => {
      const chat = await control.transcript(sergey.id, { bot_id: world.bot.id });
      return chat.messages.find((m) => m.buttons?.flat().some((b) => b.text.includes('5')) && m.text?.includes('Оцените'));
    });
    const five = ask.buttons!.flat().find((b) => b.text.includes('5'))!;
    await control.pressButton({ from: sergey.id, chat_id: sergey.id, message_id: ask.message_id, callback_data: five.callback_data! });
    await control.waitFor({ chat_id: sergey.id, bot_id: world.bot.id, text_includes: 'Спасибо за оценку', timeout_ms: 20_000 });
    await control.sendMessage({ from: sergey.id, text: 'Всё пришло вовремя, спасибо Марии!' });
    await ok(
      'POST /api/requests (Ольга)',
      maria.post('/api/requests', validRequest({ dialogId: dialogOf('Ольга'), amount: '250000', purpose: 'Оплата по договору поставки оборудования', payer: { name: 'ИП Смирнова Ольга Андреевна', inn: '500100732259' } })),
    );

    // A quick reply and a broadcast to «vip», test-sent to Мария (she has started the bot) and run to the end.
    await ok('POST /api/quick-replies', maria.post('/api/quick-replies', { name: 'реквизиты', body: '{client}, реквизиты для оплаты по заявке {request}: сумма <b>{amount} {currency}</b>, курс {rate}.' }));
    await control.sendMessage({ from: world.manager.id, text: '/start' });
    const broadcast = await ok('POST /api/broadcasts', maria.post('/api/broadcasts', { title: 'Новый тариф на оплату в юанях', body: 'Здравствуйте, {client}! С 1 декабря комиссия на платежи в юанях — <b>1 %</b>. Ваш менеджер {manager}.', labels: ['vip'] }));
    await ok('test send', maria.post(`/api/broadcasts/${broadcast.id}/test`));
    await until('the test send to reach Telegram', async () => {
      const started = await maria.post(`/api/broadcasts/${broadcast.id}/start`);
      return started.status === 200 ? true : undefined;
    });
    await until('the broadcast to finish', async () => {
      const list = await ok<{ items: Array<{ id: number; progress?: { left: number } | null }> }>('GET /api/broadcasts', maria.get('/api/broadcasts'));
      const item = list.items.find((b) => b.id === broadcast.id);
      return item?.progress && item.progress.left === 0 ? true : undefined;
    }, 60_000);
    // A second draft, saved and test-sent: the form as a manager fills it before the start.
    const draft = await ok('POST /api/broadcasts (draft)', maria.post('/api/broadcasts', { title: 'Праздничный график', body: '{client}, 31 декабря мы работаем до 15:00, с 1 по 8 января — выходные. <i>С наступающим!</i>', labels: ['vip', 'опт'] }));
    await ok('test send (draft)', maria.post(`/api/broadcasts/${draft.id}/test`));

    // The screens, as Мария sees them.
    const page = await pageAs(browser, app, maria);
    await page.goto(`${app.url}/requests`);
    await page.getByText(ivanRequest.number).first().waitFor();
    await shot(page, 'requests');

    await page.goto(`${app.url}/requests/${ivanRequest.id}`);
    await page.getByTestId('request-status').waitFor();
    await page.getByTestId('chat-message').filter({ hasText: 'Спасибо, жду' }).waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, 'request');
    await scrollToTop(page, page.getByRole('heading', { name: 'Предложения', exact: true }));
    await shot(page, 'request-chat');

    await page.goto(`${app.url}/ratings`);
    await page.getByTestId('ratings').getByRole('row').filter({ hasText: 'Мария' }).waitFor();
    await shot(page, 'ratings');

    await page.goto(`${app.url}/search?q=${encodeURIComponent('договор')}`);
    await page.getByText('Сергей').first().waitFor();
    await shot(page, 'search');

    // The dialogs page: statuses, waits and owners; the same filtered by a label (with the export buttons); «Мои».
    await page.goto(`${app.url}/dialogs`);
    await page.getByTestId('dialogs').getByText('Ольга').first().waitFor();
    await shot(page, 'dialogs');
    await page.goto(`${app.url}/dialogs?label=vip`);
    await page.getByTestId('dialogs').getByText('Сергей').first().waitFor();
    await shot(page, 'dialogs-labels');
    await page.goto(`${app.url}/dialogs?filter=mine`);
    await page.getByTestId('dialogs').getByText('Иван').first().waitFor();
    await shot(page, 'mine');

    const sergeyClient = await ok<{ clientId?: number; client?: { id?: number } }>(`GET /api/dialogs/${dialogOf('Сергей')}`, maria.get(`/api/dialogs/${dialogOf('Сергей')}`));
    const clientId = sergeyClient.clientId ?? sergeyClient.client?.id;
    if (typeof clientId !== 'number') throw new Error(`guide-screenshots: no client id in ${JSON.stringify(sergeyClient).slice(0, 300)}`);
    await page.goto(`${app.url}/clients/${clientId}`);
    await page.getByTestId('client-timeline').locator('[data-kind="rating"]').first().waitFor();
    await shot(page, 'client');

    await page.goto(`${app.url}/broadcasts`);
    await page.getByRole('heading', { name: 'Рассылки', exact: true }).waitFor();
    await page.getByTestId('broadcasts').getByText('Праздничный график').waitFor();
    await shot(page, 'broadcasts');
    await page.getByTestId('broadcasts').getByText('Праздничный график').click();
    await page.getByText(/Тест доставлен/).first().waitFor();
    await scrollToTop(page, page.getByLabel('Название'), 60);
    await shot(page, 'broadcast-form');
    await page.getByTestId('broadcasts').getByText('Новый тариф на оплату в юанях').click();
    await page.getByTestId('broadcast-report').getByText('Иван').waitFor();
    await scrollToTop(page, page.getByTestId('broadcast-progress'), 40);
    await shot(page, 'broadcast-report');

    await page.context().close();

    // The admin page's users tab, as a head of team (role «администратор») sees it.
    const admin = await signedInPage(browser, app.url, app.admin);
    await admin.setViewportSize(VIEWPORT);
    await admin.goto(`${app.url}/admin`);
    await admin.getByTestId('users').getByText('Мария').first().waitFor();
    await shot(admin, 'admin-users');
    await admin.context().close();
  } finally {
    await browser.close();
    await app.stop();
  }
}

await main();
