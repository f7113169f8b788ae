/**
 * Every setting of Hotline, parsed once from the environment (and an optional
 * `.env` file) by one zod schema. A wrong or missing value stops start-up with
 * a single line that names the variable and says what is wrong.
 *
 * The table of settings lives in ARCHITECTURE.md §7 and `.env.example`.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import util from 'node:util';
import { z } from 'zod';
import { isTimeZone } from './core/workingHours.js';
import { oneCMapping, oneCMappingOverride, oneCWebBase, type OneCDocumentMapping } from './core/oneCOData.js';

/** Thrown when a setting is missing or malformed; `message` is the one line to print. */
export class ConfigError extends Error {
  constructor(
    /** The environment variable at fault. */
    readonly variable: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Setting ${variable}: ${reason}`, options);
    this.name = 'ConfigError';
  }
}

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const chatIdList = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
  // A group id is negative: -100… for a supergroup; a basic group's (e.g. -4123456789) is accepted
  // too — managers often start with one, and when they turn on Topics Telegram upgrades it to a
  // supergroup with a new id, which Hotline follows (migrate_to_chat_id; commands/managersChats.ts).
  .refine((ids) => ids.every((id) => /^-\d{5,}$/.test(id)), {
    message: 'must be one or more group ids like -1001234567890 (a forum supergroup), separated by commas',
  })
  .transform((ids) => ids.map(Number));

/** Every setting Hotline reads from the environment (or `.env`), with its parsing and default. */
const settings = z
  .object({
    NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test']).default('development')),
    PORT: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: 'must be a number' })
        .int('must be a whole number')
        .min(0, 'must be between 0 and 65535')
        .max(65535, 'must be between 0 and 65535')
        .default(3000),
    ),
    // No default here: sandbox mode binds to loopback unless HOST says otherwise (see loadConfig).
    HOST: optionalString,
    PUBLIC_URL: z.preprocess(emptyToUndefined, url(['http:', 'https:']).optional()),
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
    TRUST_PROXY: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .optional()
        .transform((v) => (v === undefined || v === 'false' ? false : v === 'true' ? true : /^\d+$/.test(v) ? Number(v) : v)),
    ),
    DATABASE_URL: z.preprocess(emptyToUndefined, url(['postgres:', 'postgresql:']).optional()),
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    SANDBOX: z.preprocess(
      emptyToUndefined,
      z.enum(['on', 'off'], { message: 'must be "on" or "off"' }).optional(),
    ),
    METRICS_TOKEN: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[\x21-\x7e]{16,256}$/, 'must be 16–256 printable characters without spaces (a random string)')
        .optional(),
    ),
    TELEGRAM_BOT_TOKEN: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'must look like 123456789:AA… (the token @BotFather gave you)')
        .optional(),
    ),
    TELEGRAM_API_ROOT: z.preprocess(
      emptyToUndefined,
      url(['http:', 'https:'])
        .refine((v) => !v.endsWith('/'), { message: 'must not end with a slash' })
        .optional(),
    ),
    TELEGRAM_MANAGERS_CHAT_ID: z.preprocess(emptyToUndefined, chatIdList.optional()),
    TELEGRAM_MODE: z.preprocess(
      emptyToUndefined,
      z.enum(['polling', 'webhook'], { message: 'must be "polling" or "webhook"' }).default('polling'),
    ),
    TELEGRAM_RATE_LIMITS: z.preprocess(
      emptyToUndefined,
      z.enum(['on', 'off'], { message: 'must be "on" or "off"' }).optional(),
    ),
    TELEGRAM_LIMITS_TIME_SCALE: z.preprocess(
      emptyToUndefined,
      z.coerce.number({ message: 'must be a number' }).positive('must be above 0').max(1, 'must be at most 1').default(1),
    ),
    TELEGRAM_WEBHOOK_SECRET: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1–256 characters of A–Z, a–z, 0–9, _ and -')
        .optional(),
    ),
    APP_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
    ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email('must be an e-mail address').optional()),
    ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(10, 'must be at least 10 characters').optional()),
    ONEC_MODE: z.preprocess(
      emptyToUndefined,
      z.enum(['off', 'link', 'http', 'odata'], { message: 'must be "off", "link", "http" or "odata"' }).default('off'),
    ),
    ONEC_URL: z.preprocess(emptyToUndefined, url(['http:', 'https:']).optional()),
    ONEC_USER: optionalString,
    ONEC_PASSWORD: optionalString,
    ONEC_LINK_TEMPLATE: optionalString,
    // ONEC_MODE=odata (src/integrations/onec/odata.ts, docs/1c.md).
    ONEC_ODATA_MAPPING: z.preprocess(
      (v) => {
        if (emptyToUndefined(v) === undefined) return undefined;
        try {
          return JSON.parse(String(v));
        } catch {
          return v;
        }
      },
      oneCMappingOverride.optional(),
    ),
    ONEC_ODATA_ON_CHANGE: z.preprocess(emptyToUndefined, z.enum(['update', 'replace'], { message: 'must be "update" or "replace"' }).default('update')),
    ONEC_WEB_URL: z.preprocess(emptyToUndefined, url(['http:', 'https:']).optional()),
    ONEC_PRINT_URL: z.preprocess(emptyToUndefined, url(['http:', 'https:']).optional()),
    STORAGE_URL: z.preprocess(
      emptyToUndefined,
      url(['file:', 's3:'])
        .refine((v) => !v.startsWith('s3:') || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/|$)/.test(v), {
          message: 'must be s3://bucket or s3://bucket/prefix with a valid bucket name (3–63 lowercase letters, digits, dots and hyphens)',
        })
        .optional(),
    ),
    AWS_REGION: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^[a-z0-9-]+$/, 'must be a region name like eu-central-1').default('us-east-1'),
    ),
    AWS_ENDPOINT_URL: z.preprocess(
      emptyToUndefined,
      url(['http:', 'https:'])
        .refine((v) => !v.endsWith('/'), { message: 'must not end with a slash' })
        .optional(),
    ),
    AWS_ACCESS_KEY_ID: optionalString,
    AWS_SECRET_ACCESS_KEY: optionalString,
    GREETING: optionalString,
    DIALOG_ASSIGNMENT: z.preprocess(emptyToUndefined, z.enum(['manual', 'first_answer', 'round_robin']).default('first_answer')),
    TOPIC_TITLE_DELAY_SECONDS: z.preprocess(
      emptyToUndefined,
      z.coerce.number({ message: 'must be a number of seconds' }).min(0, 'must be 0 or more').max(3600, 'must be at most 3600').default(30),
    ),
    DIALOG_AUTO_CLOSE_HOURS: z.preprocess(
      emptyToUndefined,
      z.coerce.number({ message: 'must be a number of hours' }).min(0, 'must be 0 (off) or more').max(24 * 365, 'must be at most a year').default(0),
    ),
    ANSWER_TIME_LIMIT_MINUTES: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: 'must be a number of minutes' })
        .int('must be a whole number of minutes')
        .min(0, 'must be 0 (off) or more')
        .max(7 * 24 * 60, 'must be at most a week (10080)')
        .default(0),
    ),
    BUSINESS_TIME_ZONE: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .refine(isTimeZone, { message: 'must be an IANA time zone name such as Europe/Moscow' })
        .default('Europe/Moscow'),
    ),
    RATING_REQUEST: z.preprocess(emptyToUndefined, z.enum(['on', 'off']).default('off')),
    RATING_COMMENT_MINUTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1440).default(10)),
    RATING_TYPED_HOURS: z.preprocess(
      emptyToUndefined,
      z.coerce.number({ message: 'must be a number of hours' }).int('must be a whole number of hours').min(1, 'must be 1 or more').max(720, 'must be at most 30 days (720)').default(24),
    ),
  });

/** The names of every setting (`.env.example` documents each; test/operations/envExample.test.ts checks it). */
export const SETTING_NAMES: readonly string[] = Object.keys(settings.shape);

const schema = settings.superRefine((env, ctx) => {
    const need = (variable: string, reason: string) => ctx.addIssue({ code: 'custom', path: [variable], message: reason });
    // Fail closed: production never falls into the open sandbox because a token is missing (issue 16.1).
    if (env.SANDBOX === 'on' && env.TELEGRAM_BOT_TOKEN) {
      need('SANDBOX', 'must not be "on" when TELEGRAM_BOT_TOKEN is set (sandbox mode plays Telegram itself); unset one of them');
    }
    if (!env.TELEGRAM_BOT_TOKEN && env.SANDBOX === 'off') {
      need('TELEGRAM_BOT_TOKEN', 'is required when SANDBOX=off (the token @BotFather gave you)');
    }
    if (!env.TELEGRAM_BOT_TOKEN && env.NODE_ENV === 'production' && env.SANDBOX !== 'on') {
      need(
        'TELEGRAM_BOT_TOKEN',
        'is required when NODE_ENV=production; refusing to start the built-in Telegram emulator (sandbox mode) in production — set the token, or SANDBOX=on to run the sandbox on purpose',
      );
    }
    if (env.TELEGRAM_BOT_TOKEN && !env.TELEGRAM_MANAGERS_CHAT_ID) {
      need('TELEGRAM_MANAGERS_CHAT_ID', 'is required when TELEGRAM_BOT_TOKEN is set (the managers\' forum supergroup id)');
    }
    if (env.TELEGRAM_MODE === 'webhook') {
      if (!env.TELEGRAM_WEBHOOK_SECRET) need('TELEGRAM_WEBHOOK_SECRET', 'is required when TELEGRAM_MODE=webhook');
      if (!env.PUBLIC_URL) need('PUBLIC_URL', 'is required when TELEGRAM_MODE=webhook (Telegram must reach it)');
    }
    if (env.ONEC_MODE === 'http' && !env.ONEC_URL) need('ONEC_URL', 'is required when ONEC_MODE=http');
    if (env.ONEC_MODE === 'odata' && !env.ONEC_URL) need('ONEC_URL', 'is required when ONEC_MODE=odata (the base\'s …/odata/standard.odata/ address)');
    if (env.ONEC_MODE === 'link' && !env.ONEC_LINK_TEMPLATE) {
      need('ONEC_LINK_TEMPLATE', 'is required when ONEC_MODE=link');
    }
    if (env.ADMIN_EMAIL && !env.ADMIN_PASSWORD) need('ADMIN_PASSWORD', 'is required when ADMIN_EMAIL is set');
    if (env.AWS_ACCESS_KEY_ID && !env.AWS_SECRET_ACCESS_KEY) need('AWS_SECRET_ACCESS_KEY', 'is required when AWS_ACCESS_KEY_ID is set');
    if (env.AWS_SECRET_ACCESS_KEY && !env.AWS_ACCESS_KEY_ID) need('AWS_ACCESS_KEY_ID', 'is required when AWS_SECRET_ACCESS_KEY is set');
  });

/** The parsed, typed settings. */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  /** Address to bind: HOST, else 127.0.0.1 in sandbox mode and 0.0.0.0 with a bot token. */
  host: string;
  /** Bearer token /metrics asks for (METRICS_TOKEN); undefined: /metrics answers loopback callers only. */
  metricsToken: string | undefined;
  /** Whether X-Forwarded-For is trusted (the client IP the login limit counts). */
  trustProxy: boolean | number | string;
  /** Base of links sent to Telegram, without a trailing slash. */
  publicUrl: string;
  dataDir: string;
  /** PostgreSQL URL, or undefined for the embedded PGlite in `dataDir/pg`. */
  databaseUrl: string | undefined;
  logLevel: string;
  telegram: {
    /** Undefined means sandbox mode: the built-in emulator plays Telegram. */
    token: string | undefined;
    /** Bot API base URL; undefined means "Telegram's" (or the emulator in sandbox mode). */
    apiRoot: string | undefined;
    managersChatIds: number[];
    mode: 'polling' | 'webhook';
    webhookSecret: string | undefined;
    /** Respect Telegram's sending limits up front (default: on, off in sandbox mode). */
    rateLimits: boolean;
    /** Shrinks the limit windows (1 = Telegram's); below 1 only against the emulator's scaled limits. */
    limitsTimeScale: number;
  };
  sandbox: boolean;
  appSecret: string;
  admin: { email: string; password: string } | undefined;
  onec: {
    mode: 'off' | 'link' | 'http' | 'odata';
    url: string | undefined;
    user: string | undefined;
    password: string | undefined;
    linkTemplate: string | undefined;
    /** ONEC_MODE=odata: the document made, where the navigation links point, what a change of terms does, and the optional print service. */
    odata: { mapping: OneCDocumentMapping; onChange: 'update' | 'replace'; webUrl: string | undefined; printUrl: string | undefined };
  };
  storageUrl: string;
  /** For `s3://` storage; without keys the AWS SDK finds credentials itself (instance role, ~/.aws). */
  s3: {
    region: string;
    /** An S3-compatible server (MinIO, …), addressed path-style; undefined means AWS. */
    endpoint: string | undefined;
    accessKeyId: string | undefined;
    secretAccessKey: string | undefined;
  };
  greeting: string | undefined;
  /**
   * Who becomes a dialog's responsible manager without `/take` or `/assign`:
   * `manual` — nobody; `first_answer` — the first manager who answers the client;
   * `round_robin` — new dialogs are dealt in turn to managers on shift (`/shift on`),
   * and the first answer when nobody is on shift.
   */
  dialogAssignment: 'manual' | 'first_answer' | 'round_robin';
  /**
   * How long a dialog's status must hold before the topic's title shows it
   * (seconds): a back-and-forth chat is renamed once it settles, not on every
   * message — each rename costs one of the group's 20 messages a minute.
   */
  topicTitleDelaySeconds: number;
  /** Dialogs nobody wrote in for this long (hours) are closed; 0 turns auto-close off (the default). */
  dialogAutoCloseHours: number;
  /**
   * RATING_REQUEST (`on`|`off`, default off): a completed request asks its
   * client to rate the service (buttons 1–5); the client's next message within
   * RATING_COMMENT_MINUTES (default 10) after the rating is its comment. A
   * score typed as a message («5», «4 ⭐») instead of pressed counts within
   * RATING_TYPED_HOURS (default 24) of the question (commands/rateRequest).
   */
  rating: { ask: boolean; commentMinutes: number; typedHours: number };
  /**
   * The answer-time promise (issue 19.3): a client waiting longer than
   * `limitMinutes` of working time (ANSWER_TIME_LIMIT_MINUTES; 0 — off, the
   * default) gets one reminder in the topic; working hours are read in
   * `timeZone` (BUSINESS_TIME_ZONE, IANA, default Europe/Moscow). The hours and
   * holidays themselves are kept on the platform (commands/workingHours).
   */
  answerTime: { limitMinutes: number; timeZone: string };
}

/** Reads a `.env` file if there is one; values in the real environment win. */
export function readDotEnv(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  return util.parseEnv(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}

/**
 * Parses the settings.
 * @example const config = loadConfig(process.env) // throws ConfigError on a bad value
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: { dotEnvFile?: string | false } = {},
): Config {
  const fromFile = options.dotEnvFile === false ? {} : readDotEnv(options.dotEnvFile ?? '.env');
  const parsed = schema.safeParse({ ...fromFile, ...env });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const sandbox = !e.TELEGRAM_BOT_TOKEN;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    // The sandbox (emulator and its control API) is for one person trying Hotline: loopback unless told otherwise.
    host: e.HOST ?? (sandbox ? '127.0.0.1' : '0.0.0.0'),
    metricsToken: e.METRICS_TOKEN,
    trustProxy: e.TRUST_PROXY,
    // 127.0.0.1, not localhost: Telegram drops a link whose host has no dot (TDLib's LinkManager::check_link,
    // src/sandbox/urls.ts), so the bot's links to the platform (card, requisites warning) work in the sandbox too.
    publicUrl: (e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''),
    dataDir,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    telegram: {
      token: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT,
      managersChatIds: e.TELEGRAM_MANAGERS_CHAT_ID ?? [],
      mode: e.TELEGRAM_MODE,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
      // Off by default in sandbox mode: the emulator is Telegram there, and nobody should wait for its limits.
      rateLimits: e.TELEGRAM_RATE_LIMITS ? e.TELEGRAM_RATE_LIMITS === 'on' : !sandbox,
      limitsTimeScale: e.TELEGRAM_LIMITS_TIME_SCALE,
    },
    sandbox,
    appSecret: e.APP_SECRET ?? '',
    admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : undefined,
    onec: {
      mode: e.ONEC_MODE,
      url: e.ONEC_URL,
      user: e.ONEC_USER,
      password: e.ONEC_PASSWORD,
      linkTemplate: e.ONEC_LINK_TEMPLATE,
      odata: {
        mapping: oneCMapping(e.ONEC_ODATA_MAPPING),
        onChange: e.ONEC_ODATA_ON_CHANGE,
        webUrl: e.ONEC_WEB_URL ?? (e.ONEC_URL && e.ONEC_MODE === 'odata' ? oneCWebBase(e.ONEC_URL) : undefined),
        printUrl: e.ONEC_PRINT_URL,
      },
    },
    storageUrl: e.STORAGE_URL ?? `file://${path.join(dataDir, 'files')}`,
    s3: {
      region: e.AWS_REGION,
      endpoint: e.AWS_ENDPOINT_URL,
      accessKeyId: e.AWS_ACCESS_KEY_ID,
      secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
    },
    greeting: e.GREETING,
    dialogAssignment: e.DIALOG_ASSIGNMENT,
    topicTitleDelaySeconds: e.TOPIC_TITLE_DELAY_SECONDS,
    dialogAutoCloseHours: e.DIALOG_AUTO_CLOSE_HOURS,
    rating: { ask: e.RATING_REQUEST === 'on', commentMinutes: e.RATING_COMMENT_MINUTES, typedHours: e.RATING_TYPED_HOURS },
    answerTime: { limitMinutes: e.ANSWER_TIME_LIMIT_MINUTES, timeZone: e.BUSINESS_TIME_ZONE },
  };
}

/**
 * Returns APP_SECRET, or the secret generated once into `DATA_DIR/app-secret`
 * so links and sessions stay valid across restarts.
 */
export function ensureAppSecret(config: Config): string {
  if (config.appSecret) return config.appSecret;
  const file = path.join(config.dataDir, 'app-secret');
  if (fs.existsSync(file)) {
    const secret = fs.readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/**
 * Makes DATA_DIR exist and be the owner's only (0700): it holds the embedded
 * database, the app secret, the sandbox snapshot and stored documents, and
 * another local user must neither read nor write them (issue 16.12). A
 * directory made world-writable by an older version is tightened on start.
 */
export function secureDataDir(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const stat = fs.statSync(dataDir);
  if ((stat.mode & 0o077) !== 0 && stat.uid === process.getuid?.()) fs.chmodSync(dataDir, 0o700);
}

/**
 * The key the sandbox's control API asks for when the sandbox is reachable
 * beyond loopback: generated once into `DATA_DIR/sandbox-key` (0600), so a
 * link handed out stays valid across restarts; delete the file to revoke it.
 */
export function ensureSandboxKey(dataDir: string): string {
  const file = path.join(dataDir, 'sandbox-key');
  if (fs.existsSync(file)) {
    const key = fs.readFileSync(file, 'utf8').trim();
    if (key.length >= 32) return key;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}
