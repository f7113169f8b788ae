/**
 * `npm run doctor`: checks that this Hotline can work with its settings —
 * the settings parse, the database answers and is migrated, the file storage
 * takes a file, the bot token is valid, each managers' chat is a forum
 * supergroup where the bot is an administrator with Manage Topics, Pin
 * Messages and Delete Messages (which also lets it see every message: a plain
 * member in privacy mode gets only commands, mentions and replies to it), the webhook (in webhook mode) is set and
 * reachable, and 1C answers (ONEC_MODE=http: the HTTP service; ONEC_MODE=odata:
 * the standard OData interface, the objects Hotline needs published in it, and
 * the 1C user's right to read them), and — when Hotline makes the documents
 * itself (no 1C) — that our organization's requisites are filled in; and,
 * from a Hotline running with these settings (its /readyz), the managers'
 * groups it reports paused or unhealthy. One line per check; a failed one
 * says what to do.
 *
 * The same checks run at start-up with NODE_ENV=production
 * (`logStartupChecks`): each failure is a warning line, start-up goes on.
 *
 * @example
 * const checks = await runDoctor(process.env);
 * for (const check of checks) console.log(formatCheck(check));
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Api, GrammyError, HttpError } from 'grammy';
import type { UserFromGetMe } from '@grammyjs/types';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { migrationsFolder, type Database } from './db/index.js';
import { DataDirLockedError, embeddedHolder, startEmbeddedDatabase } from './db/embedded.js';
import { openStorage } from './documents/storage.js';
import { WEBHOOK_PATH } from './telegram/webhook.js';
import { entityLabel, ODataClient, OneCODataError, type OneCFailure } from './integrations/onec/odataClient.js';
import { isLoopbackHost } from './platform/security.js';
import { incompleteOrganizationRequisites, type OrganizationRequisiteField } from './core/requisites.js';

/** One check's outcome; `fix` (for a failure) is what to do, in plain words. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface DoctorOptions {
  /** The app's own open database (start-up use); otherwise the doctor connects itself. */
  database?: Database;
  /** How long one network call may take (default 10 s). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** The rights the bot needs in a managers' chat, as Telegram's admin settings name them. */
export const REQUIRED_RIGHTS = [
  ['can_manage_topics', 'Manage Topics'],
  ['can_pin_messages', 'Pin Messages'],
  ['can_delete_messages', 'Delete Messages'],
] as const;

/** Parses the settings, then runs every check; a setting that does not parse is the only line. */
export async function runDoctor(
  env: Record<string, string | undefined> = process.env,
  options: DoctorOptions & { dotEnvFile?: string | false } = {},
): Promise<Check[]> {
  let config: Config;
  try {
    config = loadConfig(env, { dotEnvFile: options.dotEnvFile });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [{ name: 'settings', ok: false, detail: error.message, fix: `correct ${error.variable} in the environment or in .env (see .env.example)` }];
  }
  const telegram = config.sandbox ? 'sandbox Telegram' : `Telegram ${config.telegram.mode}`;
  const settings: Check = {
    name: 'settings',
    ok: true,
    detail: `parsed (NODE_ENV=${config.env}, ${config.databaseUrl ? 'PostgreSQL' : 'embedded database'}, ${telegram}, 1C ${config.onec.mode})`,
  };
  return [settings, ...(await doctor(config, options)), ...(await checkRunningInstance(config, options.timeoutMs ?? DEFAULT_TIMEOUT_MS))];
}

/** Every check for parsed settings, in order: database, storage, Telegram, 1C. */
export async function doctor(config: Config, options: DoctorOptions = {}): Promise<Check[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const checks: Check[] = [];
  checks.push(...(await checkDatabase(config, options.database, timeoutMs)));
  checks.push(await checkStorage(config));
  checks.push(...(await checkTelegram(config, timeoutMs)));
  if (config.onec.mode === 'http') checks.push(await checkOneC(config, timeoutMs));
  if (config.onec.mode === 'odata') checks.push(...(await checkOneCOData(config, timeoutMs)));
  if (config.onec.mode === 'odata' && config.onec.odata.printUrl) checks.push(await checkOneC(config, timeoutMs, config.onec.odata.printUrl, '1C print service'));
  checks.push(...checkExposure(config));
  return checks;
}

// ── exposure ─────────────────────────────────────────────────────────────

/**
 * What strangers could reach (issue 16.1, 16.12, 16.15): the sandbox in
 * production or beyond loopback, a DATA_DIR other local users can read or
 * write, and who may read /metrics.
 */
export function checkExposure(config: Config): Check[] {
  const checks: Check[] = [];
  if (config.sandbox) {
    const exposed = !isLoopbackHost(config.host) || config.trustProxy !== false;
    if (config.env === 'production') {
      checks.push({
        name: 'sandbox',
        ok: false,
        detail: 'NODE_ENV=production runs the built-in Telegram emulator (SANDBOX=on): no real client reaches this Hotline, and the sandbox plays every user',
        fix: 'set TELEGRAM_BOT_TOKEN and TELEGRAM_MANAGERS_CHAT_ID and remove SANDBOX=on',
      });
    } else if (exposed) {
      checks.push({
        name: 'sandbox',
        ok: false,
        detail: `reachable beyond this machine (HOST=${config.host}${config.trustProxy !== false ? ', TRUST_PROXY' : ''}): its control API reads every chat and acts as any user, guarded only by the sandbox key in ${path.join(config.dataDir, 'sandbox-key')}`,
        fix: 'set HOST=127.0.0.1 unless others must try the sandbox, and hand the sandbox link printed at start-up only to them',
      });
    } else {
      checks.push({ name: 'sandbox', ok: true, detail: `listens on ${config.host} only (this machine)` });
    }
  }
  let mode: number | undefined;
  try {
    mode = fs.statSync(config.dataDir).mode & 0o777;
  } catch {
    // Not created yet: Hotline creates it owner-only.
  }
  if (mode !== undefined && (mode & 0o077) !== 0) {
    checks.push({
      name: 'data directory',
      ok: false,
      detail: `${config.dataDir} is open to other local users (mode ${mode.toString(8).padStart(3, '0')}); it holds the database, the app secret and clients' files`,
      fix: `chmod 700 ${config.dataDir} (Hotline also tightens it at start)`,
    });
  } else {
    checks.push({ name: 'data directory', ok: true, detail: `${config.dataDir} is the owner's only${mode === undefined ? ' (created at first start)' : ''}` });
  }
  checks.push({
    name: 'metrics',
    ok: true,
    detail: config.metricsToken ? '/metrics asks for METRICS_TOKEN as a bearer token' : '/metrics answers callers on this machine only (set METRICS_TOKEN to scrape it from elsewhere)',
  });
  return checks;
}

/** `✓ name: detail` or `✗ name: detail — fix: …`, one line. */
export function formatCheck(check: Check): string {
  return check.ok ? `✓ ${check.name}: ${check.detail}` : `✗ ${check.name}: ${check.detail} — fix: ${check.fix ?? 'see the detail'}`;
}

/**
 * The start-up use (NODE_ENV=production): runs the checks against the app's
 * open database and logs each failure as a warning line, then one summary
 * line. It never stops the app: Telegram or 1C may be away for a minute, and
 * the app retries them by itself.
 */
export async function logStartupChecks(config: Config, database: Database, log: Logger, stopping: () => boolean = () => false): Promise<Check[]> {
  let checks: Check[];
  try {
    checks = await doctor(config, { database });
  } catch (error) {
    if (!stopping()) log.warn(`Start-up checks could not run: ${(error as Error).message}`);
    return [];
  }
  if (stopping()) return checks;
  const failed = checks.filter((check) => !check.ok);
  for (const check of failed) log.warn(`Start-up check ${formatCheck(check)}`);
  if (failed.length) log.warn(`Start-up checks: ${failed.length} of ${checks.length} failed (run npm run doctor after fixing them)`);
  else log.info(`Start-up checks: all ${checks.length} passed`);
  return checks;
}

// ── database ─────────────────────────────────────────────────────────────

/** Where a PostgreSQL URL points, without its password. */
function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}

interface Queryable {
  query(text: string): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/** Whether every migration this version ships is applied (as drizzle's migrator decides it). */
async function migrationsApplied(db: Queryable): Promise<{ ok: boolean; detail: string }> {
  const expected = readMigrationFiles({ migrationsFolder });
  let last: number;
  try {
    const { rows } = await db.query('SELECT max(created_at)::bigint AS last FROM drizzle.migrations');
    last = Number(rows[0]?.last ?? 0);
  } catch (error) {
    if ((error as { code?: string }).code === '42P01' || (error as { code?: string }).code === '3F000') last = 0;
    else throw error;
  }
  const applied = expected.filter((m) => m.folderMillis <= last).length;
  return applied === expected.length
    ? { ok: true, detail: `all ${expected.length} migrations applied` }
    : { ok: false, detail: `${applied} of ${expected.length} migrations applied` };
}

const NOT_MIGRATED_FIX = 'start Hotline once: it applies the migrations at start-up';

async function checkDatabase(config: Config, database: Database | undefined, timeoutMs: number): Promise<Check[]> {
  const name = 'database';
  if (database) {
    const where = database.embedded ? `embedded (${path.join(config.dataDir, 'pg')})` : `PostgreSQL at ${describeUrl(database.url)}`;
    try {
      const migrations = await migrationsApplied(database.pool);
      return migrations.ok
        ? [{ name, ok: true, detail: `${where}, ${migrations.detail}` }, ...(await checkOurRequisites(config, database.pool))]
        : [{ name, ok: false, detail: `${where}: ${migrations.detail}`, fix: NOT_MIGRATED_FIX }];
    } catch (error) {
      return [{ name, ok: false, detail: `${where}: ${(error as Error).message}`, fix: 'see the database server and its log' }];
    }
  }
  return config.databaseUrl ? checkPostgres(config, config.databaseUrl, timeoutMs) : checkEmbedded(config, timeoutMs);
}

async function checkPostgres(config: Config, url: string, timeoutMs: number): Promise<Check[]> {
  const name = 'database';
  const where = describeUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string; autovacuum: string }>(
      "SELECT current_setting('server_version') AS version, current_setting('autovacuum') AS autovacuum",
    );
    const migrations = await migrationsApplied(client);
    // Not a failure: Hotline vacuums its own tables where autovacuum is off (db/maintenance).
    const vacuum = rows[0]?.autovacuum === 'on' ? '' : '; autovacuum is off: Hotline vacuums its own tables once a minute (turn autovacuum on if other applications share this server)';
    const detail = `PostgreSQL ${rows[0]?.version ?? ''} at ${where}, ${migrations.detail}${vacuum}`;
    return migrations.ok ? [{ name, ok: true, detail }, ...(await checkOurRequisites(config, client))] : [{ name, ok: false, detail, fix: NOT_MIGRATED_FIX }];
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    if (code === '28P01' || code === '28000') {
      return [{ name, ok: false, detail: `PostgreSQL at ${where} refused the login: ${message}`, fix: 'check the user and password in DATABASE_URL' }];
    }
    if (code === '3D000') {
      const database = new URL(url).pathname.slice(1);
      return [{ name, ok: false, detail: `PostgreSQL at ${where}: ${message}`, fix: `create the database (createdb ${database}) or correct its name in DATABASE_URL` }];
    }
    return [
      {
        name,
        ok: false,
        detail: `cannot reach PostgreSQL at ${where}: ${message || code}`,
        fix: 'start PostgreSQL, or correct the host and port in DATABASE_URL (and check the firewall between them)',
      },
    ];
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkEmbedded(config: Config, timeoutMs: number): Promise<Check[]> {
  const name = 'database';
  const dir = path.join(config.dataDir, 'pg');
  const where = `embedded (${dir})`;
  const holder = embeddedHolder(config.dataDir);
  if (holder) return [await checkRunningEmbedded(config, holder, timeoutMs)];
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    return [{ name, ok: false, detail: `${where}: there is no database there yet`, fix: 'start Hotline once (it creates the embedded database), or correct DATA_DIR' }];
  }
  let embedded;
  try {
    embedded = await startEmbeddedDatabase(config.dataDir);
  } catch (error) {
    if (error instanceof DataDirLockedError) return [await checkRunningEmbedded(config, embeddedHolder(config.dataDir) ?? 0, timeoutMs)];
    return [{ name, ok: false, detail: `${where} does not open: ${(error as Error).message}`, fix: `check that ${config.dataDir} is readable and writable by this user, or restore it from a backup (docs/operations.md)` }];
  }
  const client = new pg.Client({ connectionString: embedded.url });
  try {
    await client.connect();
    const migrations = await migrationsApplied(client);
    return migrations.ok
      ? [{ name, ok: true, detail: `${where}, ${migrations.detail}` }, ...(await checkOurRequisites(config, client))]
      : [{ name, ok: false, detail: `${where}: ${migrations.detail}`, fix: NOT_MIGRATED_FIX }];
  } catch (error) {
    return [{ name, ok: false, detail: `${where}: ${(error as Error).message}`, fix: 'restore DATA_DIR from a backup (docs/operations.md)' }];
  } finally {
    await client.end().catch(() => undefined);
    await embedded.stop();
  }
}

/** The /readyz of a Hotline running on this machine with these settings (HOST, PORT). */
function localReadyzUrl(config: Config): string {
  const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}/readyz`;
}

/** The embedded database is single-process: while Hotline runs, ask it (/readyz) instead of opening it. */
async function checkRunningEmbedded(config: Config, pid: number, timeoutMs: number): Promise<Check> {
  const name = 'database';
  const url = localReadyzUrl(config);
  const where = `embedded (${path.join(config.dataDir, 'pg')}), open in the running Hotline (pid ${pid})`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return { name, ok: true, detail: `${where}; its ${url} answers 200 (connected and migrated)` };
    return { name, ok: false, detail: `${where}; its ${url} answers ${response.status}`, fix: `see that process's log (it says why the database is not ready)` };
  } catch (error) {
    return { name, ok: false, detail: `${where}; ${url} does not answer (${reason(error)})`, fix: 'see that process: is it stuck? stop it, then start Hotline again' };
  }
}

// ── our requisites ───────────────────────────────────────────────────────

const REQUISITE_NAMES: Record<OrganizationRequisiteField, string> = {
  fullName: 'full name',
  inn: 'INN',
  kpp: 'KPP',
  ogrn: 'OGRN',
  address: 'legal address',
  bank: 'bank',
  bic: 'BIK',
  corrAccount: 'correspondent account',
  account: 'settlement account',
  director: 'director',
};

/**
 * When Hotline makes the documents itself (no 1C: `ONEC_MODE=off`, or `link`
 * without a template), our organization's requisites are printed on them:
 * blank or wrong ones are named here, with where to fill them.
 */
async function checkOurRequisites(config: Config, db: Queryable): Promise<Check[]> {
  const generates = config.onec.mode === 'off' || (config.onec.mode === 'link' && !config.onec.linkTemplate);
  if (!generates) return [];
  const name = 'our requisites';
  const { rows } = await db.query('SELECT requisites FROM organizations WHERE is_ours LIMIT 1');
  const missing = incompleteOrganizationRequisites((rows[0]?.requisites as Record<string, string> | undefined) ?? {});
  if (missing.length === 0) return [{ name, ok: true, detail: 'filled in: the documents Hotline generates carry them' }];
  return [
    {
      name,
      ok: false,
      detail: `blank or wrong: ${missing.map((field) => REQUISITE_NAMES[field]).join(', ')} — the order to the agent and the invoice Hotline generates (no 1C) would print them blank`,
      fix: `an admin fills them in at ${config.publicUrl}/admin?tab=requisites (Administration → Our requisites)`,
    },
  ];
}

// ── storage ──────────────────────────────────────────────────────────────

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function checkStorage(config: Config): Promise<Check> {
  const name = 'file storage';
  const url = new URL(config.storageUrl);
  const where = url.protocol === 'file:' ? fileURLToPath(url) : `${url.protocol}//${url.host}${url.pathname}`;
  const fix =
    url.protocol === 'file:'
      ? `make ${where} a directory that the user running Hotline${process.getuid ? ` (uid ${process.getuid()})` : ''} may write, or point STORAGE_URL elsewhere`
      : 'check the bucket in STORAGE_URL and its credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL)';
  // Random bytes: a file of their own, never one a document uses (storage keys are content hashes).
  const probe = Buffer.concat([Buffer.from('hotline doctor probe '), randomBytes(16)]);
  let step = 'open';
  try {
    const storage = openStorage(config);
    step = 'reach';
    await storage.check?.();
    step = 'write';
    const stored = await storage.put(Readable.from([probe]));
    step = 'read';
    const back = await readAll(await storage.get(stored.key));
    step = 'delete';
    await storage.delete(stored.key);
    if (!back.equals(probe)) return { name, ok: false, detail: `${where}: a file read back differs from what was written`, fix };
    return { name, ok: true, detail: `${where}: wrote, read back and deleted a probe file` };
  } catch (error) {
    return { name, ok: false, detail: `${where}: cannot ${step} (${(error as Error).message})`, fix };
  }
}

// ── Telegram ─────────────────────────────────────────────────────────────

/** Why a call failed, in a few words: the network error's code, or its message (never the bot token). */
function reason(error: unknown): string {
  if (error instanceof HttpError) return reason(error.error);
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  const code = e.code ?? e.cause?.code;
  if (code && /^E[A-Z_]+$/.test(code)) return code;
  return (e.cause?.message ?? e.message ?? String(error)).replace(/\/bot[^/\s]+/g, '/bot<token>');
}

async function checkTelegram(config: Config, timeoutMs: number): Promise<Check[]> {
  const token = config.telegram.token;
  if (!token) {
    return [{ name: 'Telegram', ok: true, detail: 'sandbox mode (no TELEGRAM_BOT_TOKEN): skipped — the built-in emulator plays Telegram' }];
  }
  const apiRoot = config.telegram.apiRoot ?? 'https://api.telegram.org';
  // The same client the app uses (grammY), so TELEGRAM_API_ROOT is honoured alike.
  const api = new Api(token, { apiRoot, timeoutSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)) });
  let me: UserFromGetMe;
  try {
    me = await api.getMe();
  } catch (error) {
    if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
      return [{ name: 'Telegram bot token', ok: false, detail: `Telegram rejected the token (${error.error_code} ${error.description})`, fix: 'copy the token again from @BotFather (/mybots → API Token) into TELEGRAM_BOT_TOKEN' }];
    }
    return [{ name: 'Telegram bot token', ok: false, detail: `cannot check: Telegram at ${apiRoot} does not answer (${reason(error)})`, fix: `check that this host reaches ${apiRoot} (network, firewall, proxy) and TELEGRAM_API_ROOT` }];
  }
  const checks: Check[] = [{ name: 'Telegram bot token', ok: true, detail: `valid: the bot is @${me.username} (id ${me.id})` }];
  for (const chatId of config.telegram.managersChatIds) checks.push(...(await checkManagersChat(api, me, chatId)));
  if (config.telegram.mode === 'webhook') checks.push(...(await checkWebhook(api, config, timeoutMs)));
  return checks;
}

async function checkManagersChat(api: Api, me: UserFromGetMe, chatId: number): Promise<Check[]> {
  const name = `managers' chat ${chatId}`;
  let title: string;
  try {
    const chat = await api.getChat(chatId);
    title = 'title' in chat && chat.title ? `«${chat.title}»` : String(chatId);
    if (chat.type !== 'supergroup') {
      return [{ name, ok: false, detail: `${title} is a ${chat.type}, not a forum supergroup`, fix: `turn on Topics in the settings of ${title}: Telegram makes it a supergroup with a new id, which Hotline follows (messages wait until then); put the new id in TELEGRAM_MANAGERS_CHAT_ID afterwards` }];
    }
    if (!chat.is_forum) {
      return [{ name, ok: false, detail: `${title} is a supergroup without topics (not a forum)`, fix: `turn on Topics in the settings of ${title} (Edit → Topics)` }];
    }
  } catch (error) {
    if (error instanceof GrammyError) {
      return [{
        name,
        ok: false,
        detail: `Telegram says: ${error.description}`,
        fix: `add the bot @${me.username} to the managers' group, and check that TELEGRAM_MANAGERS_CHAT_ID holds its id (${chatId})`,
      }];
    }
    return [{ name, ok: false, detail: `cannot check: ${reason(error)}`, fix: 'check that this host reaches Telegram, then run the doctor again' }];
  }
  const checks: Check[] = [{ name, ok: true, detail: `${title} is a forum supergroup` }];
  const rightsName = `bot rights in ${chatId}`;
  const all = REQUIRED_RIGHTS.map(([, label]) => label).join(', ');
  const makeAdmin = (rights: string) => `make the bot @${me.username} an administrator of chat ${chatId} ${title} with ${rights}`;
  try {
    const member = await api.getChatMember(chatId, me.id);
    if (member.status === 'creator') {
      checks.push({ name: rightsName, ok: true, detail: 'the bot owns the chat' });
    } else if (member.status !== 'administrator') {
      // A plain member in privacy mode (BotFather's default) sees only commands, mentions and replies to
      // it (Bot API § Privacy mode): managers' answers in the topics would never reach Hotline.
      const blind = member.status === 'member' && !me.can_read_all_group_messages ? ' (in privacy mode it sees only commands, mentions and replies to it, not the managers\' answers)' : '';
      checks.push({ name: rightsName, ok: false, detail: `the bot is ${member.status === 'member' ? 'a member' : member.status}, not an administrator${blind}`, fix: makeAdmin(all) });
    } else {
      const missing = REQUIRED_RIGHTS.filter(([right]) => !member[right]).map(([, label]) => label);
      checks.push(
        missing.length
          ? { name: rightsName, ok: false, detail: `the bot is an administrator without ${missing.join(', ')}`, fix: makeAdmin(missing.join(', ')) }
          : { name: rightsName, ok: true, detail: `administrator with ${all}` },
      );
    }
  } catch (error) {
    checks.push({ name: rightsName, ok: false, detail: `cannot check: ${error instanceof GrammyError ? error.description : reason(error)}`, fix: makeAdmin(all) });
  }
  return checks;
}

/** A delivery error older than this no longer fails the check (Telegram keeps the last one). */
const RECENT_WEBHOOK_ERROR_S = 3600;

async function checkWebhook(api: Api, config: Config, timeoutMs: number): Promise<Check[]> {
  const expected = `${config.publicUrl}${WEBHOOK_PATH}`;
  const checks: Check[] = [];
  const name = 'Telegram webhook';
  try {
    const info = await api.getWebhookInfo();
    const age = info.last_error_date ? Math.floor(Date.now() / 1000) - info.last_error_date : undefined;
    const lastError = info.last_error_message ? `${info.last_error_message} (at ${new Date(info.last_error_date! * 1000).toISOString()})` : '';
    if (!info.url) {
      checks.push({ name, ok: false, detail: 'no webhook is set', fix: `start Hotline with TELEGRAM_MODE=webhook (it sets the webhook to ${expected})` });
    } else if (info.url !== expected) {
      checks.push({ name, ok: false, detail: `set to ${info.url}, not ${expected}`, fix: 'give every instance the same PUBLIC_URL and restart Hotline (it sets the webhook to PUBLIC_URL at start-up)' });
    } else if (lastError && age !== undefined && age < RECENT_WEBHOOK_ERROR_S) {
      checks.push({
        name,
        ok: false,
        detail: `set to ${info.url}, but Telegram's last delivery failed: ${lastError}; ${info.pending_update_count} updates waiting`,
        fix: 'make PUBLIC_URL reachable from the internet over HTTPS (ports 443, 80, 88 or 8443, a valid certificate) and route /telegram/webhook to Hotline',
      });
    } else {
      const note = lastError ? `; an older delivery error: ${lastError}` : '';
      checks.push({ name, ok: true, detail: `set to ${info.url}, ${info.pending_update_count} updates waiting${note}` });
    }
  } catch (error) {
    checks.push({ name, ok: false, detail: `cannot check: ${error instanceof GrammyError ? error.description : reason(error)}`, fix: 'check that this host reaches Telegram, then run the doctor again' });
  }
  checks.push(await checkWebhookUrl(expected, timeoutMs));
  return checks;
}

/**
 * Whether the webhook URL reaches Hotline: a POST without the secret header
 * gets Hotline's own 401 (nothing is stored), anything else is not us.
 */
async function checkWebhookUrl(url: string, timeoutMs: number): Promise<Check> {
  const name = 'webhook URL';
  const fix = `route ${url} to Hotline (DNS, firewall, reverse proxy) and run Hotline with TELEGRAM_MODE=webhook`;
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    if (response.status === 401 && text.includes('X-Telegram-Bot-Api-Secret-Token')) return { name, ok: true, detail: `${url} reaches Hotline's webhook` };
    return { name, ok: false, detail: `${url} answers HTTP ${response.status}, not Hotline's webhook`, fix };
  } catch (error) {
    return { name, ok: false, detail: `${url} does not answer (${reason(error)})`, fix: `is Hotline running? ${fix[0]!.toUpperCase()}${fix.slice(1)}` };
  }
}

// ── the running instance ─────────────────────────────────────────────────

/** /readyz's answer (src/platform/server.ts): managers' groups that are paused or unhealthy. */
interface Readyz {
  status: string;
  paused_managers_groups?: Array<{ chat_id: number; paused_at: string; reason: string; reason_code?: string; waiting: number }>;
  unhealthy_managers_groups?: Array<{ chat_id: number; problem: string; since: string }>;
}

/** What to do about a paused group, by its reason's code (commands/managersChats.ts pauseReasonCode). */
const PAUSED_FIX: Record<string, string> = {
  removed: 'add the bot back to the group as an administrator with Manage Topics, Pin Messages, Delete Messages; the waiting messages then go out in order',
  muted: 'make the bot an administrator of the group again (or lift its restriction) so that it may post; the waiting messages then go out in order',
  not_forum: 'turn on Topics in the group\'s settings; a basic group then becomes a supergroup, which Hotline follows',
  gone: 'the group was deleted or converted: check TELEGRAM_MANAGERS_CHAT_ID and that the bot is in the group',
};

/** What to do about an unhealthy group, by problem (telegram/managersGroupHealth.ts). */
const UNHEALTHY: Record<string, { detail: string; fix: string }> = {
  cannot_read_messages: {
    detail: "the bot is a plain member in privacy mode: it does not receive managers' messages, so their answers in the topics do not reach clients",
    fix: 'make the bot an administrator of the group, or turn privacy mode off in @BotFather (/setprivacy → Disable) and add the bot to the group again',
  },
  cannot_manage_topics: {
    detail: "the bot is an administrator without Manage Topics: new clients' messages wait, their topics cannot be created",
    fix: 'give the bot the administrator right Manage Topics again',
  },
};

/**
 * `npm run doctor` only (not the start-up checks, where the app would ask
 * itself): what a Hotline running with these settings reports on /readyz —
 * managers' groups paused (the bot cannot post) or unhealthy (it cannot read
 * managers' messages, or create topics), one line each. It asks the local
 * HOST:PORT, then PUBLIC_URL. No instance answering is said plainly and is
 * no failure: the doctor also runs before the first start.
 */
export async function checkRunningInstance(config: Config, timeoutMs: number): Promise<Check[]> {
  const name = 'running Hotline';
  const urls = [...new Set([localReadyzUrl(config), `${config.publicUrl}/readyz`])];
  let found: { url: string; response: Response } | undefined;
  const tried: string[] = [];
  for (const url of urls) {
    try {
      found = { url, response: await fetch(url, { signal: AbortSignal.timeout(timeoutMs) }) };
      break;
    } catch (error) {
      tried.push(`${url} (${reason(error)})`);
    }
  }
  if (!found) {
    return [{ name, ok: true, detail: `no Hotline runs here: nothing answers at ${tried.join(', ')} — the managers' groups' health is reported by a running instance; start it and run the doctor again to see it` }];
  }
  const { url, response } = found;
  if (response.status === 503) {
    await response.body?.cancel();
    return [{ name, ok: false, detail: `${url} answers 503: it is starting, or cannot reach its database`, fix: 'wait a minute and run the doctor again; if it stays so, see that instance\'s log' }];
  }
  let body: Readyz;
  try {
    body = (await response.json()) as Readyz;
  } catch {
    return [{ name, ok: false, detail: `${url} answers HTTP ${response.status}, not as Hotline's /readyz`, fix: 'check HOST, PORT and PUBLIC_URL: another program answers there' }];
  }
  const paused = body.paused_managers_groups ?? [];
  const unhealthy = body.unhealthy_managers_groups ?? [];
  const checks: Check[] = [
    {
      name,
      ok: true,
      detail: `${url} answers ${body.status}; managers' groups: ${paused.length} paused, ${unhealthy.length === 0 ? 'none unhealthy' : `${unhealthy.length} problems`}`,
    },
  ];
  for (const group of paused) {
    checks.push({
      name: `managers' group ${group.chat_id}`,
      ok: false,
      detail: `paused since ${group.paused_at}: Telegram refuses the bot (${group.reason}); ${group.waiting} messages wait, none is lost`,
      fix: PAUSED_FIX[group.reason_code ?? ''] ?? 'see the reason and the instance\'s log; the waiting messages go out in order once the bot may post there again',
    });
  }
  for (const group of unhealthy) {
    const known = UNHEALTHY[group.problem];
    checks.push({
      name: `managers' group ${group.chat_id}`,
      ok: false,
      detail: `since ${group.since}: ${known?.detail ?? group.problem}`,
      fix: known?.fix ?? 'see the instance\'s log',
    });
  }
  return checks;
}

// ── 1C ───────────────────────────────────────────────────────────────────

/** A GET to ONEC_URL: any answer with the credentials accepted means 1C is there (the service itself takes POSTs). */
async function checkOneC(config: Config, timeoutMs: number, url = config.onec.url, name = '1C HTTP service'): Promise<Check> {
  const { user, password } = config.onec;
  const headers: Record<string, string> = {};
  if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
  try {
    const response = await fetch(url!, { headers, signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403) {
      return {
        name,
        ok: false,
        detail: `${url} refused the credentials (HTTP ${response.status})`,
        fix: user ? 'check ONEC_USER and ONEC_PASSWORD (a 1C user with rights to the HTTP service)' : 'set ONEC_USER and ONEC_PASSWORD (a 1C user with rights to the HTTP service)',
      };
    }
    if (response.status >= 500) {
      return { name, ok: false, detail: `${url} answers HTTP ${response.status}`, fix: "check the 1C server and the web server publishing the HTTP service (their logs say why)" };
    }
    return { name, ok: true, detail: `${url} answers (HTTP ${response.status}${user ? ', credentials accepted' : ''})` };
  } catch (error) {
    return { name, ok: false, detail: `${url} does not answer (${reason(error)})`, fix: 'check ONEC_URL, and that the 1C web server is running and reachable from this host' };
  }
}

/** The objects ONEC_MODE=odata reads and writes: the document of the mapping and its tabular section, and the catalogs it refers to. */
export function oneCODataEntitySets(config: Config): string[] {
  const { document, table } = config.onec.odata.mapping;
  return ['Catalog_Организации', 'Catalog_Валюты', 'Catalog_Контрагенты', 'Catalog_ДоговорыКонтрагентов', document, `${document}_${table}`];
}

/**
 * ONEC_MODE=odata, three lines: the interface answers with the credentials
 * (`$metadata`); every object Hotline needs is published in it (what to tick
 * in 1C otherwise); the 1C user may read each of them. Adding, changing and
 * posting cannot be tried without making documents, so the first
 * «Документы 1С» checks those, and its failure names the missing right.
 */
async function checkOneCOData(config: Config, timeoutMs: number): Promise<Check[]> {
  const client = new ODataClient(config.onec, timeoutMs);
  const url = config.onec.url!;
  const user = config.onec.user ? `«${config.onec.user}»` : '(no ONEC_USER)';
  let published: Set<string>;
  try {
    published = await client.entitySets();
  } catch (error) {
    const failure = error instanceof OneCODataError ? error.failure : 'unreachable';
    const fixes: Partial<Record<OneCFailure, string>> = {
      auth: `check ONEC_USER and ONEC_PASSWORD: a 1C user (Администрирование → Настройки пользователей и прав → Пользователи) with «Аутентификация 1С:Предприятия» and a password`,
      locked: 'the base refuses sessions (an update or «Блокировка установки соединений» is on); run the doctor again when it is lifted',
    };
    return [
      {
        name: '1C OData',
        ok: false,
        detail: `${url}$metadata ${failure === 'unreachable' ? 'does not answer as 1C\'s standard OData interface' : failure === 'auth' ? 'refused the credentials (HTTP 401)' : `failed: ${(error as Error).message}`}`,
        fix:
          fixes[failure] ??
          'check ONEC_URL (https://<host>/<base>/odata/standard.odata/) and that the base is published on the web server with «Публиковать стандартный интерфейс OData» ticked (Конфигуратор → Администрирование → Публикация на веб-сервере)',
      },
    ];
  }
  const checks: Check[] = [{ name: '1C OData', ok: true, detail: `${url} answers as user ${user} (${published.size} objects published)` }];
  const needed = oneCODataEntitySets(config);
  const missing = needed.filter((set) => !published.has(set));
  checks.push(
    missing.length
      ? {
          name: '1C OData objects',
          ok: false,
          detail: `not published: ${missing.join(', ')}`,
          fix: `in 1C open «Настройка стандартного интерфейса OData» (Администрирование → Обслуживание, or Функции для технического специалиста → Обработки), tick ${missing.map((set) => `«${entityLabel(set)}»`).join(', ')} and press «Сохранить»`,
        }
      : { name: '1C OData objects', ok: true, detail: `published: ${needed.join(', ')}` },
  );
  if (missing.length) return checks;
  const denied: string[] = [];
  for (const set of needed) {
    try {
      await client.list(set, undefined, 1);
    } catch (error) {
      if (error instanceof OneCODataError && error.failure === 'rights') denied.push(set);
      else return [...checks, { name: '1C OData rights', ok: false, detail: `reading ${set} failed: ${(error as Error).message}`, fix: 'see 1C\'s message; run the doctor again' }];
    }
  }
  checks.push(
    denied.length
      ? {
          name: '1C OData rights',
          ok: false,
          detail: `user ${user} may not read ${denied.join(', ')}`,
          fix: `in 1C give ${user} the rights to read, add and change ${denied.map((set) => `«${entityLabel(set)}»`).join(', ')} and to post the document (Администрирование → Настройки пользователей и прав → Группы доступа, e.g. the profile «Бухгалтер»)`,
        }
      : { name: '1C OData rights', ok: true, detail: `user ${user} reads every object (adding and posting are checked by the first «Документы 1С»)` },
  );
  return checks;
}

// ── command line ─────────────────────────────────────────────────────────

async function cli(): Promise<void> {
  const checks = await runDoctor(process.env);
  for (const check of checks) process.stdout.write(formatCheck(check) + '\n');
  const failed = checks.filter((check) => !check.ok).length;
  process.stdout.write(failed ? `${failed} of ${checks.length} checks failed.\n` : `All ${checks.length} checks passed.\n`);
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli().catch((error: unknown) => {
    process.stderr.write(`doctor: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
