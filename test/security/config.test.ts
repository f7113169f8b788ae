/**
 * Fail-open configuration (issue 16.1): production without a bot token used
 * to run the open sandbox on 0.0.0.0 — the emulator's control API (read every
 * chat, post as any user) and a Bot API whose token was a constant of the
 * source. Now production refuses to start unless SANDBOX=on asks for the
 * sandbox; the sandbox binds to loopback unless HOST says otherwise; its bot
 * token is random; and once it is reachable beyond loopback its control API
 * and files answer only with the sandbox key the start-up log prints.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger, startHotline } from '../../src/main.js';
import { checkExposure } from '../../src/doctor.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { tempDir } from '../helpers/database.js';
import { spawnHotline } from '../helpers/process.js';

/** The token every sandbox had before (src/sandbox/mode.ts); it must open nothing now. */
const LEGACY_TOKEN = '7000000001:SANDBOXsandboxSANDBOXsandbox000';

const parse = (env: Record<string, string>) => loadConfig(env, { dotEnvFile: false });
const refusal = (env: Record<string, string>): ConfigError => {
  try {
    parse(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the settings were accepted');
};

describe('production never falls into the sandbox by accident', () => {
  it('NODE_ENV=production without TELEGRAM_BOT_TOKEN is refused, naming the token and SANDBOX=on', () => {
    const error = refusal({ NODE_ENV: 'production' });
    expect(error.variable).toBe('TELEGRAM_BOT_TOKEN');
    expect(error.message).toMatch(/^Setting TELEGRAM_BOT_TOKEN: is required when NODE_ENV=production; .*SANDBOX=on/);
  });

  it('the process refuses to start with that one line, exits 1 and never listens', async () => {
    const dataDir = tempDir();
    const hotline = await spawnHotline({ NODE_ENV: 'production', DATA_DIR: dataDir, HOST: '127.0.0.1' });
    expect(await hotline.exited).toBe(1);
    const lines = hotline.output().trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^hotline: Setting TELEGRAM_BOT_TOKEN: is required when NODE_ENV=production; .*set the token, or SANDBOX=on/)]);
    await expect(fetch(`${hotline.url}/healthz`)).rejects.toThrow();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('SANDBOX=on runs the sandbox in production on purpose; the doctor still flags it', () => {
    const config = parse({ NODE_ENV: 'production', SANDBOX: 'on' });
    expect(config.sandbox).toBe(true);
    expect(config.host).toBe('127.0.0.1');
    expect(checkExposure(config).find((c) => c.name === 'sandbox')).toMatchObject({ ok: false, detail: expect.stringMatching(/^NODE_ENV=production runs the built-in Telegram emulator/) });
  });

  it('contradictions are refused: SANDBOX=on with a token, SANDBOX=off without one', () => {
    expect(refusal({ SANDBOX: 'on', TELEGRAM_BOT_TOKEN: '123456789:AAbbbbbbbbbbbbbbbbbbbbbbbbbb', TELEGRAM_MANAGERS_CHAT_ID: '-1001234567890' }).variable).toBe('SANDBOX');
    expect(refusal({ SANDBOX: 'off' }).variable).toBe('TELEGRAM_BOT_TOKEN');
    expect(refusal({ SANDBOX: 'yes' }).message).toBe('Setting SANDBOX: must be "on" or "off"');
  });

  it('the sandbox binds to loopback unless HOST says otherwise; with a bot token the default stays 0.0.0.0', () => {
    expect(parse({}).host).toBe('127.0.0.1');
    expect(parse({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(parse({ TELEGRAM_BOT_TOKEN: '123456789:AAbbbbbbbbbbbbbbbbbbbbbbbbbb', TELEGRAM_MANAGERS_CHAT_ID: '-1001234567890' }).host).toBe('0.0.0.0');
    expect(checkExposure(parse({})).find((c) => c.name === 'sandbox')).toMatchObject({ ok: true });
    expect(checkExposure(parse({ HOST: '0.0.0.0' })).find((c) => c.name === 'sandbox')).toMatchObject({ ok: false, detail: expect.stringMatching(/^reachable beyond this machine \(HOST=0\.0\.0\.0\)/) });
    expect(checkExposure(parse({ TRUST_PROXY: 'true' })).find((c) => c.name === 'sandbox')).toMatchObject({ ok: false });
  });
});

describe('the sandbox bot token is not a constant of the source', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('on loopback the control API answers this machine only: a request relayed by a proxy is refused', async () => {
    expect((await fetch(`${app.url}/tg/sandbox/chats`)).status).toBe(200);
    for (const relayed of [{ 'x-forwarded-for': '8.8.8.8' }, { forwarded: 'for=8.8.8.8' }, { 'x-real-ip': '8.8.8.8' }]) {
      const answer = await fetch(`${app.url}/tg/sandbox/chats`, { headers: relayed });
      expect(answer.status).toBe(403);
      expect(((await answer.json()) as { error: string }).error).toMatch(/this machine only/);
    }
  });

  it('the old constant token opens neither the Bot API nor its files', async () => {
    const getMe = await fetch(`${app.url}/tg/bot${LEGACY_TOKEN}/getMe`);
    expect(getMe.status).toBe(401);
    expect((await fetch(`${app.url}/tg/file/bot${LEGACY_TOKEN}/documents/file_0.pdf`)).status).toBe(401);
  });

  /** The bot's token as saved in DATA_DIR/sandbox.json — written a second after the emulator's state changes, so waited for. */
  const savedToken = async (dataDir: string): Promise<string> => {
    const file = path.join(dataDir, 'sandbox.json');
    let token = '';
    await expect
      .poll(() => {
        if (!fs.existsSync(file)) return '';
        try {
          token = (JSON.parse(fs.readFileSync(file, 'utf8')) as { bots: Array<{ token: string }> }).bots[0]?.token ?? '';
        } catch {
          token = ''; // caught mid-write
        }
        return token;
      }, { timeout: 15_000 })
      .not.toBe('');
    return token;
  };

  it('the token is random per data directory, kept across restarts, and the bot works with it', async () => {
    const token = await savedToken(app.hotline.config.dataDir);
    expect(token).toMatch(/^7000000001:AA[A-Za-z0-9_-]{43}$/);
    const me = (await (await fetch(`${app.url}/tg/bot${token}/getMe`)).json()) as { ok: boolean; result: { username: string } };
    expect(me).toMatchObject({ ok: true, result: { username: 'hotline_sandbox_bot' } });

    const other = await startTestApp();
    try {
      const otherToken = await savedToken(other.hotline.config.dataDir);
      expect(otherToken).not.toBe(token);
      expect((await fetch(`${other.url}/tg/bot${token}/getMe`)).status).toBe(401);
    } finally {
      await other.stop();
    }
  });
});

describe('a sandbox data directory from before keeps its chats but loses the constant token', () => {
  it('the legacy token in the snapshot is replaced at start', async () => {
    const first = await startTestApp();
    const dataDir = first.hotline.config.dataDir;
    const config = first.hotline.config;
    await first.hotline.stop();
    const file = path.join(dataDir, 'sandbox.json');
    const snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as { bots: Array<{ token: string }> };
    snapshot.bots[0]!.token = LEGACY_TOKEN;
    fs.writeFileSync(file, JSON.stringify(snapshot));
    const again = await startHotline({ ...config, port: 0 }, { log: createLogger({ logLevel: 'silent', env: 'test' }) });
    try {
      await again.started;
      expect((await fetch(`${again.url}/tg/bot${LEGACY_TOKEN}/getMe`)).status).toBe(401);
      const users = (await (await fetch(`${again.url}/tg/sandbox/users`)).json()) as Array<{ username?: string }>;
      expect(users.some((u) => u.username === 'manager')).toBe(true);
    } finally {
      await again.stop();
      await first.stop().catch(() => undefined);
    }
  });
});

describe('a sandbox exposed beyond loopback (HOST=0.0.0.0)', () => {
  let app: TestApp;
  let lines: string[];
  let key: string;
  beforeAll(async () => {
    lines = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push((JSON.parse(line) as { msg: string }).msg);
        done();
      },
    });
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '0.0.0.0', LOG_LEVEL: 'info' }, { dotEnvFile: false });
    const hotline = await startHotline(config, { log: createLogger(config, sink) });
    await hotline.started;
    app = { hotline, url: hotline.url, stop: async () => {
      await hotline.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    } } as TestApp;
    key = fs.readFileSync(path.join(dataDir, 'sandbox-key'), 'utf8').trim();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('the start-up log prints the sandbox link with its key; the key file is owner-only', () => {
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`open http://127\\.0\\.0\\.1:\\d+/tg/sandbox/enter\\?key=${key}`)));
    expect(fs.statSync(path.join(app.hotline.config.dataDir, 'sandbox-key')).mode & 0o077).toBe(0);
  });

  it('a stranger cannot read chats, list users, post as the manager (/new) or download files through the control API', async () => {
    const users = await fetch(`${app.url}/tg/sandbox/users`);
    expect(users.status).toBe(401);
    expect(((await users.json()) as { error: string }).error).toMatch(/sandbox key/);
    expect((await fetch(`${app.url}/tg/sandbox/chats`)).status).toBe(401);
    const post = await fetch(`${app.url}/tg/sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 1, text: '/new' }) });
    expect(post.status).toBe(401);
    expect((await fetch(`${app.url}/tg/sandbox/files/AgACAgIAAxkanything`)).status).toBe(401);
    expect((await fetch(`${app.url}/tg/sandbox/users`, { headers: { 'x-sandbox-key': 'wrong-key-wrong-key-wrong-key-wrong' } })).status).toBe(401);
    expect((await fetch(`${app.url}/tg/sandbox/enter?key=wrong`, { redirect: 'manual' })).status).toBe(401);
  });

  it('with the key (header, or the cookie the sandbox link sets) the control API answers', async () => {
    expect((await fetch(`${app.url}/tg/sandbox/users`, { headers: { 'x-sandbox-key': key } })).status).toBe(200);
    const enter = await fetch(`${app.url}/tg/sandbox/enter?key=${key}`, { redirect: 'manual' });
    expect(enter.status).toBe(303);
    expect(enter.headers.get('location')).toBe('/sandbox');
    const cookie = enter.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^hotline_sandbox_key=.+; Path=\/; HttpOnly; SameSite=Strict/);
    expect((await fetch(`${app.url}/tg/sandbox/users`, { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(200);
  });
});
