/**
 * Composition root: config → database → queue → http → bot → workers.
 *
 * `startHotline()` builds the whole app in-process (tests use it); running this
 * file starts it with the environment's settings and stops it cleanly on
 * SIGINT/SIGTERM.
 */
import { pathToFileURL } from 'node:url';
import { pino, type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { ConfigError, ensureAppSecret, ensureSandboxKey, loadConfig, secureDataDir, type Config } from './config.js';
import { isLoopbackHost } from './platform/security.js';
import { safeErrorSerializer, scrubLogText } from './logRedaction.js';
import { DataDirLockedError } from './db/embedded.js';
import { openDatabase, type Database } from './db/index.js';
import { Jobs } from './db/jobs.js';
import { Instance } from './db/instances.js';
import { startTableMaintenance } from './jobs/tableMaintenance.js';
import { createHttpServer } from './platform/server.js';
import { apiPlugin } from './platform/api.js';
import { LiveBus } from './commands/live.js';
import { pausedManagersChats, unhealthyManagersChats } from './commands/managersChats.js';
import type { CommandContext } from './commands/context.js';
import { bootstrap, SANDBOX_ADMIN_EMAIL } from './commands/bootstrap.js';
import { createBot, startTelegram, type Telegram } from './telegram/index.js';
import { webhookPlugin } from './telegram/webhook.js';
import type { HotlineContext } from './telegram/context.js';
import { TelegramOutbox, type OutboxOptions } from './jobs/telegramOutbox.js';
import { startDocumentWorkers } from './jobs/media.js';
import { startDialogStatusJobs } from './jobs/dialogStatus.js';
import { openStorage, waitForStorage } from './documents/storage.js';
import { TELEGRAM_LIMITS, type Limits } from './jobs/rateLimits.js';
import { BroadcastFeeder } from './jobs/broadcasts.js';
import type { Bot } from 'grammy';
import type { Update } from '@grammyjs/types';
import { openSandbox, SANDBOX_API_PREFIX, type SandboxWorld } from './sandbox/mode.js';
import { botApiAlias, emulatorPlugin } from './sandbox/plugin.js';
import { logStartupChecks } from './doctor.js';
import { compactHeap, returnFreeMemory } from './memory.js';

export interface Hotline {
  config: Config;
  /** Base URL the HTTP server listens on, e.g. http://127.0.0.1:41234. */
  url: string;
  /** Resolves once the database is open and migrated. */
  started: Promise<void>;
  database(): Database;
  jobs(): Jobs;
  /** The app's own command context (its LiveBus reaches the outbox and live pages). */
  context(): CommandContext;
  /** Graceful stop: stop taking work, finish or hand back jobs, close pools. */
  stop(): Promise<void>;
  /** The bot token Telegram's login data is checked with: TELEGRAM_BOT_TOKEN, or the sandbox bot's (tests sign as the emulator does). */
  telegramLoginToken: string | undefined;
}

/**
 * Paths pino blanks in every log line (issue 16.17): personal data and
 * secrets that an error or a request object might carry — a failing query's
 * parameters, a Telegram update, request bodies and credentials.
 */
export const LOG_REDACT_PATHS = [
  'params',
  'parameters',
  'update',
  'body',
  'password',
  'token',
  'err.params',
  'err.parameters',
  'err.query',
  'err.update',
  'err.payload',
  'err.body',
  'err.cause.params',
  'err.cause.parameters',
  'err.cause.query',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-sandbox-key"]',
];

/** A second stop signal sooner than this after the first is the same stop delivered twice (ms). */
const REPEATED_SIGNAL_MS = 1500;

/**
 * The app's logger: the paths above redacted, errors without their query
 * parameters, and every message scrubbed of Drizzle's `params: …` (error
 * messages are often interpolated into the line). On a terminal the lines are
 * readable (pino-pretty: time, level, message); otherwise — a file, a pipe, a
 * log collector — one JSON object a line.
 * @param destination where lines go (default stdout); tests pass a stream
 * @param options.pretty readable lines instead of JSON (default: stdout is a terminal and no destination was given)
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'env'>, destination?: DestinationStream, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? (destination === undefined && process.stdout.isTTY === true);
  return pino(
    {
      level: config.logLevel,
      base: undefined,
      redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: safeErrorSerializer },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubLogText(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    pretty ? pinoPretty({ destination: destination ?? 1, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: false, sync: true }) : destination,
  );
}

/**
 * The sandbox's last start-up line: where to go and how to sign in. The first
 * admin's generated password (first start only) stands on its own lines, set
 * apart, rather than inside a sentence among the other lines.
 */
export function sandboxWelcome(config: Pick<Config, 'publicUrl' | 'admin'>, created?: { email: string; password?: string }): string {
  const email = created?.email ?? config.admin?.email ?? SANDBOX_ADMIN_EMAIL;
  const password = created?.password
    ? `${created.password}   ← shown this once: keep it`
    : config.admin
      ? '(ADMIN_PASSWORD)'
      : '(the one shown on the first start of this DATA_DIR)';
  const rule = '─'.repeat(64);
  return [
    'Sandbox mode (no TELEGRAM_BOT_TOKEN): Telegram is emulated on this machine.',
    rule,
    `  Play the clients and the managers:  ${config.publicUrl}/sandbox`,
    `  Sign in to the platform:            ${config.publicUrl}/sign-in`,
    `    e-mail:    ${email}`,
    `    password:  ${password}`,
    rule,
  ].join('\n');
}

export interface StartOptions {
  log?: Logger;
  /** How long a graceful stop waits for running jobs before handing them back. */
  shutdownGraceMs?: number;
  /** Telegram's sending limits (default: the real ones); false sends as fast as the API answers. */
  telegramLimits?: Limits | false;
  /** Long-poll timeout in seconds (tests use short ones). */
  pollTimeoutSeconds?: number;
  /** Outbox tuning (tests use short call timeouts). */
  outbox?: Omit<OutboxOptions, 'limits'>;
}

export async function startHotline(config: Config, options: StartOptions = {}): Promise<Hotline> {
  const log = options.log ?? createLogger(config);
  secureDataDir(config.dataDir);
  config.appSecret = ensureAppSecret(config);
  let database: Database | undefined;
  let jobs: Jobs | undefined;
  let context: CommandContext | undefined;
  let telegram: Telegram | undefined;
  let bot: Bot<HotlineContext> | undefined;
  // Updates are taken as soon as the bot knows itself (getMe), not once
  // setWebhook has returned: Telegram starts delivering the moment it sets the
  // webhook, and an update answered 503 then waits for Telegram's retry.
  const webhookHandler = () => (bot?.isInited() ? (update: Update) => bot!.handleUpdate(update) : undefined);
  let outbox: TelegramOutbox | undefined;
  let instance: Instance | undefined;
  let feeder: BroadcastFeeder | undefined;
  let stopping = false;
  const live = new LiveBus();
  const getContext = () => {
    if (!context) throw new Error('Hotline is starting');
    return context;
  };

  const sandbox: SandboxWorld | undefined = config.sandbox ? openSandbox(config.dataDir) : undefined;
  // Beyond loopback (or behind a proxy) strangers can reach the sandbox: its control API then asks for a key.
  const sandboxKey = sandbox && (!isLoopbackHost(config.host) || config.trustProxy !== false) ? ensureSandboxKey(config.dataDir) : undefined;
  const http = await createHttpServer({
    log,
    sandbox: config.sandbox,
    ...(sandbox ? { rewriteUrl: (url: string) => botApiAlias(url, SANDBOX_API_PREFIX) } : {}),
    trustProxy: config.trustProxy,
    publicUrl: config.publicUrl,
    metricsToken: config.metricsToken,
    // In webhook mode an instance takes Telegram's calls only once its bot is
    // initialized: until then a load balancer should send them elsewhere.
    ready: async () =>
      Boolean(context && !stopping && (config.telegram.mode !== 'webhook' || webhookHandler()) && (await context.database.ready())),
    pausedGroups: async () => (context ? pausedManagersChats(context.database.pool) : []),
    unhealthyGroups: async () => (context ? unhealthyManagersChats(context.database.pool) : []),
    plugins: [
      // Link sign-in checks Telegram's login data with the bot's token (the emulator's in sandbox mode).
      { plugin: apiPlugin({ getContext, telegramLoginToken: config.telegram.token ?? sandbox?.token }), prefix: '/api' },
      ...(sandbox ? [{ plugin: emulatorPlugin(sandbox.emulator, { controlKey: sandboxKey }), prefix: SANDBOX_API_PREFIX }] : []),
      ...(config.telegram.mode === 'webhook' && config.telegram.webhookSecret
        ? [{ plugin: webhookPlugin(webhookHandler, config.telegram.webhookSecret) }]
        : []),
    ],
  });
  await http.listen({ port: config.port, host: config.host });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://127.0.0.1:${port}`;

  const started = (async () => {
    // A missing bucket or refused credentials stop start-up with one line; an unreachable storage is waited for.
    await waitForStorage(openStorage(config), log, () => stopping);
    database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, log });
    // This process's heartbeat: its outbox leases are taken over within seconds if it dies.
    instance = new Instance(database, log);
    await instance.start();
    jobs = new Jobs(database, log);
    await jobs.start();
    // Autovacuum's job where none runs (the embedded database; a server with autovacuum off).
    await startTableMaintenance({ database, jobs, log });
    const ready: CommandContext = { database, jobs, config, live, log };
    // Our organization and the first admin exist before /readyz says 200.
    const boot = await bootstrap(ready);
    context = ready;
    if (sandbox) {
      if (config.telegram.managersChatIds.length > 0) {
        log.warn('TELEGRAM_MANAGERS_CHAT_ID is not read in sandbox mode: the emulator\'s forum «Менеджеры» is the managers\' group (docs/sandbox.md)');
      }
      config.telegram.managersChatIds = [sandbox.managersChatId];
    }
    const token = config.telegram.token ?? sandbox?.token;
    const apiRoot = sandbox ? `${url}${SANDBOX_API_PREFIX}` : config.telegram.apiRoot;
    if (token) {
      bot = createBot(context, { token, apiRoot });
      outbox = new TelegramOutbox(context, bot.api, { instance: instance.id, ...options.outbox, limits: options.telegramLimits ?? telegramLimits(config) });
      outbox.start();
      feeder = new BroadcastFeeder(context);
      feeder.start();
      await startDocumentWorkers(context, bot.api);
      await startDialogStatusJobs(context);
      telegram = await connectTelegram(context, bot, () => stopping, {
        token,
        apiRoot,
        mode: config.telegram.mode,
        webhookSecret: config.telegram.webhookSecret,
        publicUrl: config.publicUrl,
        pollTimeoutSeconds: options.pollTimeoutSeconds,
      });
    }
    log.info(
      `Hotline is ready on ${config.publicUrl} (database: ${database.embedded ? `embedded, ${config.dataDir}/pg` : 'PostgreSQL'})`,
    );
    if (sandbox) {
      log.info(sandboxWelcome(config, boot.admin));
      if (sandboxKey) {
        log.warn(
          `The sandbox is reachable beyond this machine (HOST=${config.host}${config.trustProxy !== false ? ', TRUST_PROXY' : ''}): ` +
            `its control API answers only with the sandbox key — open ${config.publicUrl}${SANDBOX_API_PREFIX}/sandbox/enter?key=${sandboxKey} (kept in ${config.dataDir}/sandbox-key)`,
        );
      }
    }
    // Production: the `npm run doctor` checks, once connected (and the webhook set); failures are warnings, not a stop.
    if (config.env === 'production') void logStartupChecks(config, ready.database, log, () => stopping);
  })();

  const hotline: Hotline = {
    config,
    url,
    started,
    telegramLoginToken: config.telegram.token ?? sandbox?.token,
    database: () => {
      if (!database) throw new Error('The database is not open yet');
      return database;
    },
    context: getContext,
    jobs: () => {
      if (!jobs) throw new Error('The job queue is not started yet');
      return jobs;
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      await started.catch(() => undefined);
      await telegram?.stop();
      await http.close();
      await feeder?.stop();
      await outbox?.stop();
      await jobs?.stop(options.shutdownGraceMs);
      await instance?.stop();
      await database?.close();
      await sandbox?.emulator.close();
    },
  };
  // A failed start (locked data dir, …) must still release the port.
  started.catch(() => http.close().catch(() => undefined));
  return hotline;
}

/** Telegram's limits as the settings ask (TELEGRAM_RATE_LIMITS, TELEGRAM_LIMITS_TIME_SCALE). */
function telegramLimits(config: Config): Limits | false {
  return config.telegram.rateLimits ? { ...TELEGRAM_LIMITS, timeScale: config.telegram.limitsTimeScale } : false;
}

/** Starts the bot, retrying while Telegram cannot be reached (a wrong token stops start-up). */
async function connectTelegram(
  context: CommandContext,
  bot: Bot<HotlineContext>,
  stopping: () => boolean,
  options: Parameters<typeof startTelegram>[2],
): Promise<Telegram | undefined> {
  for (let attempt = 1; !stopping(); attempt++) {
    try {
      return await startTelegram(context, bot, options);
    } catch (error) {
      const status = (error as { error_code?: number }).error_code;
      if (status === 401 || status === 404) {
        throw new ConfigError('TELEGRAM_BOT_TOKEN', 'Telegram rejected it (401 Unauthorized): check the token with @BotFather', { cause: error });
      }
      const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      context.log.warn(`Telegram is not reachable (${(error as Error).message}); retrying in ${Math.round(delay / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return undefined;
}

/** Prints one line for errors a person can fix, and exits with 1. */
function fail(error: unknown, log?: Logger): never {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    process.stderr.write(`hotline: ${error.message}\n`);
  } else if (log) {
    log.fatal({ err: error }, `Hotline could not start: ${(error as Error).message}`);
  } else {
    process.stderr.write(`hotline: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
}

async function main(): Promise<void> {
  // Everything Hotline writes (the embedded database, stored files, the sandbox snapshot) is the owner's only (issue 16.12).
  process.umask(0o077);
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    fail(error);
  }
  const log = createLogger(config);
  let hotline: Hotline;
  try {
    hotline = await startHotline(config, { log });
    await hotline.started;
  } catch (error) {
    fail(error, log);
  }
  // What start-up freed goes back to the system now (src/memory.ts): V8's young generation shrunk, then glibc's
  // free pages returned.
  compactHeap();
  returnFreeMemory();
  // Ctrl+C signals the whole process group, and `npm start`'s launcher (scripts/start.mjs) passes it on too: the
  // same stop arrives twice within milliseconds. Only a signal well after the first one means "exit at once".
  let firstSignalAt: number | undefined;
  const shutdown = (signal: string) => {
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt < REPEATED_SIGNAL_MS) return;
      log.warn(`${signal} again: exiting at once`);
      process.exit(1);
    }
    firstSignalAt = Date.now();
    log.info(`${signal} received: stopping`);
    hotline.stop().then(
      () => process.exit(0),
      (error: unknown) => fail(error, log),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}
