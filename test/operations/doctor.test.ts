/**
 * `npm run doctor` against the Telegram emulator, a real database and real
 * directories: a proper set-up is all ✓; each thing an operator can get wrong
 * (a group without topics, a bot without a right, a wrong token, the database
 * or 1C away, a storage that cannot be written) is a ✗ line that says what to
 * do. With NODE_ENV=production the app runs the same checks at start-up and
 * logs failures as warnings.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from 'grammy';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { formatCheck, runDoctor, type Check } from '../../src/doctor.js';
import { startHotline, type Hotline } from '../../src/main.js';
import { BOT_TOKEN, startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';
import { ApiClient } from '../helpers/app.js';
import { OUR_REQUISITES } from '../helpers/requisites.js';
import { tempDir, testDatabase, type TestDatabase } from '../helpers/database.js';
import { freePort, root } from '../helpers/process.js';

type Env = Record<string, string | undefined>;

const doctor = (env: Env) => runDoctor(env, { dotEnvFile: false, timeoutMs: 5_000 });
const byName = (checks: Check[], name: string) => checks.find((c) => c.name === name);
const failed = (checks: Check[]) => checks.filter((c) => !c.ok).map((c) => c.name);

/** A pino logger whose lines the test reads. */
function capturedLog() {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines, warnings: () => lines.filter((l) => l.level === 40).map((l) => l.msg) };
}

/** Runs `npm run doctor`'s program from the sources (as the built one runs from dist). */
function doctorProcess(env: Env): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/doctor.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

describe('doctor against the emulator (polling mode)', () => {
  let t: TelegramWorld;
  let env: (extra?: Env) => Env;

  beforeAll(async () => {
    t = await startTelegramWorld();
    const admin = new ApiClient(t.hotline.url);
    expect((await admin.signIn('admin@test.local', 'admin-password-123')).status).toBe(200);
    expect((await admin.request('PUT', '/api/admin/requisites', OUR_REQUISITES)).status).toBe(200);
    env = (extra = {}) => ({
      DATA_DIR: t.database.dataDir,
      DATABASE_URL: t.database.url,
      // The app's own port: with the embedded database the doctor asks the running app (/readyz).
      PORT: new URL(t.hotline.url).port,
      HOST: '127.0.0.1',
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_API_ROOT: t.emulator.apiRoot,
      TELEGRAM_MANAGERS_CHAT_ID: String(t.group),
      ...extra,
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('a forum supergroup where the bot is an admin with every right: all ✓', async () => {
    const checks = await doctor(env());
    // The doctor reads our requisites where it opens the database itself (not through a running embedded one); beforeAll filled them.
    const requisites = t.database.kind === 'postgres' ? ['our requisites'] : [];
    expect(checks.map((c) => c.name)).toEqual(['settings', 'database', ...requisites, 'file storage', 'Telegram bot token', `managers' chat ${t.group}`, `bot rights in ${t.group}`, 'data directory', 'metrics', 'running Hotline']);
    expect(failed(checks)).toEqual([]);
    expect(byName(checks, 'Telegram bot token')!.detail).toContain('@hotline_test_bot');
    expect(byName(checks, `managers' chat ${t.group}`)!.detail).toBe('«Менеджеры 1» is a forum supergroup');
    expect(byName(checks, `bot rights in ${t.group}`)!.detail).toBe('administrator with Manage Topics, Pin Messages, Delete Messages');
    expect(byName(checks, 'database')!.detail).toMatch(t.database.kind === 'postgres' ? /^PostgreSQL .*all \d+ migrations applied/ : /open in the running Hotline .*answers 200/);
    expect(checks.map(formatCheck).every((line) => line.startsWith('✓ '))).toBe(true);
    if (t.database.kind === 'postgres') {
      // A server without autovacuum is said so (Hotline then vacuums its own tables, db/maintenance): not a failure.
      const client = new pg.Client({ connectionString: t.database.url });
      await client.connect();
      const autovacuum = (await client.query<{ s: string }>(`SELECT current_setting('autovacuum') AS s`)).rows[0]!.s;
      await client.end();
      const said = byName(checks, 'database')!.detail.includes('autovacuum is off: Hotline vacuums its own tables');
      expect(said).toBe(autovacuum !== 'on');
    }
  });

  it('a group without topics: ✗ with "turn on Topics"; the other group stays ✓', async () => {
    const plain = await t.control.createGroup({ title: 'Без тем', member_ids: [t.manager.id], bot_ids: [t.bot.id], is_forum: false });
    const checks = await doctor(env({ TELEGRAM_MANAGERS_CHAT_ID: `${t.group},${plain.id}` }));
    expect(failed(checks)).toEqual([`managers' chat ${plain.id}`]);
    const line = formatCheck(byName(checks, `managers' chat ${plain.id}`)!);
    expect(line).toBe(`✗ managers' chat ${plain.id}: «Без тем» is a supergroup without topics (not a forum) — fix: turn on Topics in the settings of «Без тем» (Edit → Topics)`);
    // Its rights are not checked: the chat itself is wrong.
    expect(byName(checks, `bot rights in ${plain.id}`)).toBeUndefined();
  });

  it('a basic group: ✗ with "turn on Topics", saying Hotline follows the supergroup it becomes', async () => {
    const basic = await t.control.createGroup({ title: 'Группа', member_ids: [t.manager.id], bot_ids: [t.bot.id], type: 'group' });
    const checks = await doctor(env({ TELEGRAM_MANAGERS_CHAT_ID: `${t.group},${basic.id}` }));
    expect(failed(checks)).toEqual([`managers' chat ${basic.id}`]);
    expect(formatCheck(byName(checks, `managers' chat ${basic.id}`)!)).toBe(
      `✗ managers' chat ${basic.id}: «Группа» is a group, not a forum supergroup — fix: turn on Topics in the settings of «Группа»: Telegram makes it a supergroup with a new id, which Hotline follows (messages wait until then); put the new id in TELEGRAM_MANAGERS_CHAT_ID afterwards`,
    );
  });

  it('a bot that is only a member: ✗ naming all three rights', async () => {
    const group = await t.control.createGroup({ title: 'Бот не админ', member_ids: [t.manager.id], bot_ids: [] });
    await t.control.addMember(group.id, { user_id: t.bot.id, status: 'member' });
    const checks = await doctor(env({ TELEGRAM_MANAGERS_CHAT_ID: String(group.id) }));
    expect(failed(checks)).toEqual([`bot rights in ${group.id}`]);
    expect(formatCheck(byName(checks, `bot rights in ${group.id}`)!)).toBe(
      `✗ bot rights in ${group.id}: the bot is a member, not an administrator (in privacy mode it sees only commands, mentions and replies to it, not the managers' answers) — fix: make the bot @hotline_test_bot an administrator of chat ${group.id} «Бот не админ» with Manage Topics, Pin Messages, Delete Messages`,
    );
  });

  it('an admin bot without Pin Messages: ✗ naming that right alone (and the emulator refuses its pins, as Telegram does)', async () => {
    const group = await t.control.createGroup({ title: 'Без закрепления', member_ids: [t.manager.id], bot_ids: [] });
    await t.control.addMember(group.id, { user_id: t.bot.id, status: 'administrator', rights: { can_manage_chat: true, can_manage_topics: true, can_delete_messages: true } });
    const checks = await doctor(env({ TELEGRAM_MANAGERS_CHAT_ID: String(group.id) }));
    expect(failed(checks)).toEqual([`bot rights in ${group.id}`]);
    const rights = byName(checks, `bot rights in ${group.id}`)!;
    expect(rights.detail).toBe('the bot is an administrator without Pin Messages');
    expect(rights.fix).toBe(`make the bot @hotline_test_bot an administrator of chat ${group.id} «Без закрепления» with Pin Messages`);

    const api = new Api(BOT_TOKEN, { apiRoot: t.emulator.apiRoot });
    const message = await api.sendMessage(group.id, 'карточка');
    await expect(api.pinChatMessage(group.id, message.message_id)).rejects.toMatchObject({ error_code: 400 });
    const member = await api.getChatMember(group.id, t.bot.id);
    expect(member).toMatchObject({ status: 'administrator', can_pin_messages: false, can_manage_topics: true });
  });

  it('a wrong token: ✗ "token" with @BotFather, and no chat checks', async () => {
    const checks = await doctor(env({ TELEGRAM_BOT_TOKEN: '9876543210:AAwrongwrongwrongwrongwrongwrong' }));
    expect(failed(checks)).toEqual(['Telegram bot token']);
    expect(formatCheck(byName(checks, 'Telegram bot token')!)).toBe(
      '✗ Telegram bot token: Telegram rejected the token (401 Unauthorized) — fix: copy the token again from @BotFather (/mybots → API Token) into TELEGRAM_BOT_TOKEN',
    );
    expect(checks.some((c) => c.name.startsWith("managers' chat"))).toBe(false);
  });

  it('Telegram not answering: ✗ that says so and names TELEGRAM_API_ROOT', async () => {
    const root = `http://127.0.0.1:${await freePort()}`;
    const checks = await doctor(env({ TELEGRAM_API_ROOT: root }));
    const token = byName(checks, 'Telegram bot token')!;
    expect(token.ok).toBe(false);
    expect(token.detail).toBe(`cannot check: Telegram at ${root} does not answer (ECONNREFUSED)`);
    expect(token.fix).toContain('TELEGRAM_API_ROOT');
  });

  it('the database unreachable: ✗ database, the other checks still run', async () => {
    const port = await freePort();
    const checks = await doctor(env({ DATABASE_URL: `postgres://hotline:secret@127.0.0.1:${port}/hotline` }));
    expect(failed(checks)).toEqual(['database']);
    const database = byName(checks, 'database')!;
    expect(database.detail).toMatch(new RegExp(`^cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}/hotline: .*ECONNREFUSED`));
    expect(database.detail).not.toContain('secret');
    expect(database.fix).toBe('start PostgreSQL, or correct the host and port in DATABASE_URL (and check the firewall between them)');
  });

  it('a storage that cannot be written: ✗ file storage with the directory to fix', async () => {
    const dir = tempDir('hotline-doctor-');
    fs.writeFileSync(path.join(dir, 'blocker'), 'a file where the storage directory should be');
    const files = path.join(dir, 'blocker', 'files');
    const checks = await doctor(env({ STORAGE_URL: pathToFileURL(files).href }));
    expect(failed(checks)).toEqual(['file storage']);
    const storage = byName(checks, 'file storage')!;
    expect(storage.detail).toMatch(new RegExp(`^${files.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write \\(ENOTDIR`));
    expect(storage.fix).toMatch(new RegExp(`^make ${files.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} a directory that the user running Hotline .* may write`));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('1C (ONEC_MODE=http): nothing listening ✗; a 1C that accepts the credentials ✓; wrong credentials ✗', async () => {
    const deadPort = await freePort();
    let checks = await doctor(env({ ONEC_MODE: 'http', ONEC_URL: `http://127.0.0.1:${deadPort}/base/hs/hotline/documents` }));
    expect(failed(checks)).toEqual(['1C HTTP service']);
    expect(byName(checks, '1C HTTP service')).toMatchObject({
      detail: `http://127.0.0.1:${deadPort}/base/hs/hotline/documents does not answer (ECONNREFUSED)`,
      fix: 'check ONEC_URL, and that the 1C web server is running and reachable from this host',
    });

    // A stand-in 1C: basic auth, and the documents service takes POSTs only (as a published 1C HTTP service).
    const expected = `Basic ${Buffer.from('hotline:пароль-1с').toString('base64')}`;
    const onec = http.createServer((request, response) => {
      if (request.headers.authorization !== expected) return response.writeHead(401, { 'www-authenticate': 'Basic realm="1C"' }).end();
      response.writeHead(request.method === 'POST' ? 200 : 405).end();
    });
    await new Promise<void>((resolve) => onec.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(onec.address() as { port: number }).port}/base/hs/hotline/documents`;
    try {
      checks = await doctor(env({ ONEC_MODE: 'http', ONEC_URL: url, ONEC_USER: 'hotline', ONEC_PASSWORD: 'пароль-1с' }));
      expect(failed(checks)).toEqual([]);
      expect(byName(checks, '1C HTTP service')!.detail).toBe(`${url} answers (HTTP 405, credentials accepted)`);

      checks = await doctor(env({ ONEC_MODE: 'http', ONEC_URL: url, ONEC_USER: 'hotline', ONEC_PASSWORD: 'wrong' }));
      expect(byName(checks, '1C HTTP service')).toMatchObject({
        ok: false,
        detail: `${url} refused the credentials (HTTP 401)`,
        fix: 'check ONEC_USER and ONEC_PASSWORD (a 1C user with rights to the HTTP service)',
      });
    } finally {
      onec.close();
    }
  });

  it('a setting that does not parse is the one line, naming the variable', async () => {
    const checks = await doctor(env({ TELEGRAM_MODE: 'webhook', PUBLIC_URL: 'https://hotline.example' }));
    expect(checks).toEqual([
      { name: 'settings', ok: false, detail: 'Setting TELEGRAM_WEBHOOK_SECRET: is required when TELEGRAM_MODE=webhook', fix: 'correct TELEGRAM_WEBHOOK_SECRET in the environment or in .env (see .env.example)' },
    ]);
  });

  it('the command prints one line per check and exits 0 when all pass, 1 with the fix when one fails', async () => {
    const good = await doctorProcess(env());
    expect(good.code).toBe(0);
    const lines = good.stdout.trim().split('\n');
    const n = t.database.kind === 'postgres' ? 10 : 9;
    expect(lines).toHaveLength(n + 1);
    expect(lines.slice(0, n).every((line) => line.startsWith('✓ '))).toBe(true);
    expect(lines[n]).toBe(`All ${n} checks passed.`);

    const bad = await doctorProcess(env({ TELEGRAM_BOT_TOKEN: '9876543210:AAwrongwrongwrongwrongwrongwrong' }));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('✗ Telegram bot token: Telegram rejected the token (401 Unauthorized) — fix: copy the token again from @BotFather');
    expect(bad.stdout.trim().split('\n').at(-1)).toBe(`1 of ${t.database.kind === 'postgres' ? 8 : 7} checks failed.`);
    // Two cold `node --import tsx` starts: on a loaded two-core machine (CI beside other work) they took 60 s.
  }, 180_000);

  it('the managers\' groups the running Hotline reports unhealthy or paused are ✗ lines that say what to do; with no Hotline running it says so', async () => {
    // The owner demotes the bot to a plain member (privacy mode on): the running Hotline sees its my_chat_member.
    await t.control.addMember(t.group, { user_id: t.bot.id, status: 'member' });
    try {
      await expect.poll(async () => failed(await doctor(env())), { timeout: 15_000 }).toContain(`managers' group ${t.group}`);
      const checks = await doctor(env());
      expect(byName(checks, 'running Hotline')).toMatchObject({ ok: true, detail: expect.stringMatching(/answers ready; managers' groups: 0 paused, 1 problems$/) });
      expect(formatCheck(byName(checks, `managers' group ${t.group}`)!)).toMatch(
        /^✗ managers' group -\d+: since .*: the bot is a plain member in privacy mode: it does not receive managers' messages, .* — fix: make the bot an administrator of the group, or turn privacy mode off in @BotFather/,
      );

      // Kicked: the group is paused, and the doctor says so in the same place.
      await t.control.addMember(t.group, { user_id: t.bot.id, status: 'kicked' });
      await expect
        .poll(async () => byName(await doctor(env()), `managers' group ${t.group}`)?.fix, { timeout: 15_000 })
        .toBe('add the bot back to the group as an administrator with Manage Topics, Pin Messages, Delete Messages; the waiting messages then go out in order');
    } finally {
      await t.control.addMember(t.group, { user_id: t.bot.id, status: 'administrator' });
    }
    await expect.poll(async () => failed(await doctor(env())), { timeout: 15_000 }).toEqual([]);

    const nobody = await freePort();
    const alone = await doctor(env({ PORT: String(nobody), PUBLIC_URL: `http://127.0.0.1:${nobody}` }));
    expect(byName(alone, 'running Hotline')).toMatchObject({ ok: true, detail: expect.stringMatching(/^no Hotline runs here: nothing answers at http:\/\/127\.0\.0\.1:\d+\/readyz/) });
  });
});

describe('webhook mode, NODE_ENV=production', () => {
  const SECRET = 'doctor-webhook-secret_1';
  // 1C makes the documents here (link mode), so our requisites are not Hotline's concern: this part is about webhooks.
  const ONEC_LINK = { ONEC_MODE: 'link', ONEC_LINK_TEMPLATE: 'https://1c.example/hotline#{number}' };
  let t: TelegramWorld;
  let port: number;
  const startup = capturedLog();
  const env = (extra: Env = {}): Env => ({
    DATA_DIR: t.database.dataDir,
    DATABASE_URL: t.database.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_API_ROOT: t.emulator.apiRoot,
    TELEGRAM_MANAGERS_CHAT_ID: String(t.group),
    ...ONEC_LINK,
    ...extra,
  });

  beforeAll(async () => {
    port = await freePort();
    t = await startTelegramWorld({
      env: { NODE_ENV: 'production', TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: SECRET, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...ONEC_LINK },
      start: { log: startup.log },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the app checks itself at start-up, once the webhook is set: all passed, no warnings', async () => {
    await expect.poll(() => startup.lines.some((l) => /^Start-up checks: /.test(l.msg)), { timeout: 20_000 }).toBe(true);
    expect(startup.lines.find((l) => /^Start-up checks: /.test(l.msg))!.msg).toBe('Start-up checks: all 9 passed');
    expect(startup.warnings().filter((w) => w.startsWith('Start-up check'))).toEqual([]);
  });

  it('the webhook is set to PUBLIC_URL and the URL reaches Hotline: ✓', async () => {
    const checks = await doctor(env());
    expect(failed(checks)).toEqual([]);
    expect(byName(checks, 'Telegram webhook')!.detail).toBe(`set to http://127.0.0.1:${port}/telegram/webhook, 0 updates waiting`);
    expect(byName(checks, 'webhook URL')!.detail).toBe(`http://127.0.0.1:${port}/telegram/webhook reaches Hotline's webhook`);
  });

  it('another PUBLIC_URL: ✗ the webhook points elsewhere, ✗ the URL does not answer', async () => {
    const other = `http://127.0.0.1:${await freePort()}`;
    const checks = await doctor(env({ PUBLIC_URL: other }));
    expect(failed(checks)).toEqual(['Telegram webhook', 'webhook URL']);
    expect(byName(checks, 'Telegram webhook')).toMatchObject({
      detail: `set to http://127.0.0.1:${port}/telegram/webhook, not ${other}/telegram/webhook`,
      fix: 'give every instance the same PUBLIC_URL and restart Hotline (it sets the webhook to PUBLIC_URL at start-up)',
    });
    expect(byName(checks, 'webhook URL')!.fix).toMatch(/^is Hotline running\? Route .*\/telegram\/webhook to Hotline/);
  });

  it('a URL that answers but is not Hotline: ✗ with its status', async () => {
    // The app's platform API answers there, not the webhook.
    const checks = await doctor(env({ PUBLIC_URL: `http://127.0.0.1:${port}/api` }));
    expect(byName(checks, 'webhook URL')).toMatchObject({ ok: false, detail: `http://127.0.0.1:${port}/api/telegram/webhook answers HTTP 404, not Hotline's webhook` });
  });
});

describe('embedded database, production start-up warnings', () => {
  let database: TestDatabase;
  let hotline: Hotline | undefined;
  let env: Env;
  const startup = capturedLog();

  beforeAll(async () => {
    database = await testDatabase({ forceEmbedded: true });
    // 1C configured but away: the app starts anyway and says so. Production without a bot token runs only with SANDBOX=on.
    env = { DATA_DIR: database.dataDir, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', SANDBOX: 'on', ONEC_MODE: 'http', ONEC_URL: `http://127.0.0.1:${await freePort()}/hs/hotline` };
  });
  afterAll(async () => {
    await hotline?.stop();
    await database?.cleanup();
  });

  it('before the first start: ✗ no embedded database yet', async () => {
    const checks = await doctor(env);
    expect(byName(checks, 'database')).toMatchObject({
      ok: false,
      detail: `embedded (${path.join(database.dataDir, 'pg')}): there is no database there yet`,
      fix: 'start Hotline once (it creates the embedded database), or correct DATA_DIR',
    });
    expect(byName(checks, 'Telegram')!.detail).toMatch(/^sandbox mode \(no TELEGRAM_BOT_TOKEN\): skipped/);
  });

  it('a failed check at start-up is a warning line, and the app runs', async () => {
    hotline = await startHotline(loadConfig(env, { dotEnvFile: false }), { log: startup.log });
    await hotline.started;
    await expect.poll(() => startup.lines.some((l) => /^Start-up checks: /.test(l.msg)), { timeout: 20_000 }).toBe(true);
    expect(startup.warnings().filter((w) => w.startsWith('Start-up check'))).toEqual([
      expect.stringMatching(/^Start-up check ✗ 1C HTTP service: .* does not answer \(ECONNREFUSED.*— fix: check ONEC_URL/),
      expect.stringMatching(/^Start-up check ✗ sandbox: NODE_ENV=production runs the built-in Telegram emulator \(SANDBOX=on\)/),
      'Start-up checks: 2 of 7 failed (run npm run doctor after fixing them)',
    ]);
    expect((await fetch(`${hotline.url}/readyz`)).status).toBe(200);
  });

  it('after a stop the doctor opens the embedded database itself, and leaves it free', async () => {
    await hotline!.stop();
    hotline = undefined;
    const checks = await doctor(env);
    expect(byName(checks, 'database')).toMatchObject({ ok: true, detail: expect.stringMatching(/^embedded \(.*\), all \d+ migrations applied$/) });
    expect(fs.existsSync(path.join(database.dataDir, 'hotline.pid'))).toBe(false);
  });

  it('without 1C Hotline makes the documents itself: blank requisites are ✗, named, with the admin page to fill them', async () => {
    const checks = await doctor({ ...env, ONEC_MODE: 'off', ONEC_URL: undefined, PUBLIC_URL: 'https://hotline.example' });
    expect(byName(checks, 'our requisites')).toEqual({
      name: 'our requisites',
      ok: false,
      detail:
        'blank or wrong: full name, INN, KPP, OGRN, legal address, bank, BIK, correspondent account, settlement account, director — the order to the agent and the invoice Hotline generates (no 1C) would print them blank',
      fix: 'an admin fills them in at https://hotline.example/admin?tab=requisites (Administration → Our requisites)',
    });
    // With 1C making them (ONEC_MODE=http), the check is not there.
    expect(byName(await doctor(env), 'our requisites')).toBeUndefined();
  });
});
