/**
 * The whole app for a test: started in-process on a fresh temp DATA_DIR with
 * the embedded PGlite (or a fresh PostgreSQL database when TEST_DATABASE_URL
 * is set), bootstrapped (our organization and the first admin), with helpers
 * to add organizations and users and to call the API as one of them.
 *
 * @example
 * const app = await startTestApp();
 * const agent = await app.signIn(await app.addUser({ role: 'agent', organization: 'Агент 1' }));
 * await agent.get('/api/agent/requests');
 */
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startHotline, type Hotline } from '../../src/main.js';
import { bootstrap } from '../../src/commands/bootstrap.js';
import { LiveBus } from '../../src/commands/live.js';
import type { CommandContext } from '../../src/commands/context.js';
import { loadViewer, type Role, type Viewer } from '../../src/policies/access.js';
import { createUserInTx } from '../../src/commands/createUser.js';
import { hashPassword } from '../../src/commands/password.js';
import { sql } from 'drizzle-orm';
import { organizations, users } from '../../src/db/schema.js';
import { testDatabase, type TestDatabase } from './database.js';
import { issueSignInLink } from '../../src/commands/issueSignInLink.js';
import { signQuery } from '../../src/core/signedLink.js';
import { loginUrlFor } from '../../src/sandbox/loginUrl.js';

export const ADMIN_EMAIL = 'admin@test.local';
export const ADMIN_PASSWORD = 'admin-password-123';
export const PASSWORD = 'password-123456';

export interface TestUser extends Viewer {
  email: string;
  password: string;
  name: string;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A signed-in API client: keeps the session cookie and sends the CSRF token. */
/** A client of the app at `url` signed in as the seeded administrator (ADMIN_EMAIL); throws naming the answer when sign-in is refused. */
export async function signedInAdmin(url: string): Promise<ApiClient> {
  const admin = new ApiClient(url);
  const answer = await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  if (answer.status !== 200) throw new Error(`administrator sign-in refused: ${answer.status} ${JSON.stringify(answer.body)}`);
  return admin;
}

export class ApiClient {
  cookie = '';
  csrfToken = '';

  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, body?: unknown, options: { csrf?: boolean } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    if (method !== 'GET' && this.csrfToken && options.csrf !== false) headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const setCookie = response.headers.getSetCookie();
    for (const line of setCookie) {
      const [pair] = line.split(';');
      if (pair?.startsWith('hotline_session=')) this.cookie = pair.endsWith('=') ? '' : pair;
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, body: unknown = {}, options?: { csrf?: boolean }) {
    return this.request<T>('POST', path, body, options);
  }

  patch<T = any>(path: string, body: unknown = {}) {
    return this.request<T>('PATCH', path, body);
  }

  async signIn(email: string, password: string): Promise<ApiResponse> {
    const response = await this.post('/api/auth/sign-in', { email, password });
    if (response.status === 200) this.csrfToken = response.body.csrfToken;
    return response;
  }
}

export interface TestApp {
  hotline: Hotline;
  url: string;
  /** A command context over the app's database (its own LiveBus). */
  ctx: CommandContext;
  ourOrganizationId: number;
  admin: TestUser;
  /** Adds a user (and its organization when named by `organization`). */
  addUser(options: { role: Role; organization?: string | number; kind?: 'customer' | 'agent' | 'both'; email?: string; name?: string; telegramUserId?: number }): Promise<TestUser>;
  /** Adds an organization directly. */
  addOrganization(name: string, kind: 'customer' | 'agent' | 'both'): Promise<number>;
  /** A new API client signed in as `user`. */
  signIn(user: TestUser): Promise<ApiClient>;
  client(): ApiClient;
  stop(): Promise<void>;
}

let counter = 0;

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database: TestDatabase = await testDatabase();
  const config = loadConfig(
    {
      DATA_DIR: database.dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      ...env,
    },
    { dotEnvFile: false },
  );
  const log = pino({ level: 'silent' });
  const hotline = await startHotline(config, { log });
  await hotline.started;
  const ctx: CommandContext = { database: hotline.database(), jobs: hotline.jobs(), config, live: new LiveBus(), log };
  // main.ts bootstraps on start; running it again is a no-op that tells us our organization.
  const boot = await bootstrap(ctx);
  const [adminRow] = await ctx.database.db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${ADMIN_EMAIL}`);
  const organizationsByName = new Map<string, number>();

  const addOrganization = async (name: string, kind: 'customer' | 'agent' | 'both') => {
    const [row] = await ctx.database.db.insert(organizations).values({ name, kind }).returning({ id: organizations.id });
    organizationsByName.set(name, row!.id);
    return row!.id;
  };

  const toTestUser = async (userId: number, email: string, password: string): Promise<TestUser> => {
    const viewer = await loadViewer(ctx.database.db, userId);
    return { userId, organizationId: viewer!.organizationId, role: viewer!.role, organizationKind: viewer!.organizationKind, email, password, name: viewer!.name };
  };

  const passwordHash = await hashPassword(PASSWORD);
  const app: TestApp = {
    hotline,
    url: hotline.url,
    ctx,
    ourOrganizationId: boot.organizationId,
    admin: await toTestUser(adminRow!.id, ADMIN_EMAIL, ADMIN_PASSWORD),
    addOrganization,
    async addUser(options) {
      let organizationId: number;
      if (typeof options.organization === 'number') organizationId = options.organization;
      else if (options.organization) {
        organizationId =
          organizationsByName.get(options.organization) ??
          (await addOrganization(options.organization, options.kind ?? (options.role === 'customer' ? 'customer' : 'agent')));
      } else organizationId = boot.organizationId;
      const n = ++counter;
      const email = options.email ?? `${options.role}${n}@test.local`;
      const user = await ctx.database.transaction((tx) =>
        createUserInTx(
          tx,
          { organizationId, role: options.role, email, name: options.name ?? `${options.role} ${n}`, password: PASSWORD, telegramUserId: options.telegramUserId },
          passwordHash,
        ),
      );
      return toTestUser(user.id, email, PASSWORD);
    },
    async signIn(user) {
      const client = new ApiClient(hotline.url);
      const response = await client.signIn(user.email, user.password);
      if (response.status !== 200) throw new Error(`sign-in as ${user.email} failed: ${response.status} ${JSON.stringify(response.body)}`);
      return client;
    },
    client: () => new ApiClient(hotline.url),
    async stop() {
      await hotline.stop();
      await database.cleanup();
    },
  };
  return app;
}

/** A valid request form (Chinese beneficiary, CNY, a Russian payer with valid INN/KPP). */
export function validRequest(overrides: Record<string, unknown> = {}) {
  return {
    amount: '100000',
    currency: 'CNY',
    fundingCurrency: 'RUB',
    beneficiary: {
      name: 'Shenzhen Trading Co., Ltd',
      country: 'CN',
      address: 'Shenzhen, Futian District',
      bankName: 'Bank of China',
      swift: 'BKCHCNBJ',
      account: '6222021234567890',
      cnaps: '104584000003',
    },
    purpose: 'Оплата по контракту за товары',
    documents: { contractNumber: 'C-1', contractDate: '2026-01-10', invoiceNumber: 'INV-7', invoiceDate: '2026-02-01' },
    payer: { name: 'ООО «Ромашка»', inn: '7707083893', kpp: '773601001' },
    ...overrides,
  };
}

/** A valid offer form: 12.25 RUB per CNY, 1.5 %, 500 RUB fixed, 3 days. */
export function validOffer(overrides: Record<string, unknown> = {}) {
  return { rate: '12.25', feePercent: '1.5', fixedFee: '500', days: 3, ...overrides };
}

/** Just the database and a command context, for command tests (no HTTP, no job workers). */
export interface CommandTestContext {
  ctx: CommandContext;
  ourOrganizationId: number;
  addUser: TestApp['addUser'];
  addOrganization: TestApp['addOrganization'];
  close(): Promise<void>;
}

export async function openCommandContext(env: Record<string, string> = {}): Promise<CommandTestContext> {
  const { openDatabase } = await import('../../src/db/index.js');
  const database: TestDatabase = await testDatabase();
  const config = loadConfig({ DATA_DIR: database.dataDir, LOG_LEVEL: 'silent', DATABASE_URL: database.url, ...env }, { dotEnvFile: false });
  const log = pino({ level: 'silent' });
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, log, max: 2 });
  const jobs = { send: async () => null } as unknown as CommandContext['jobs'];
  const ctx: CommandContext = { database: db, jobs, config, live: new LiveBus(), log };
  const [ours] = await db.db.insert(organizations).values({ name: 'Наша компания', kind: 'both', isOurs: true }).returning({ id: organizations.id });
  const passwordHash = await hashPassword(PASSWORD);
  const byName = new Map<string, number>();
  const addOrganization = async (name: string, kind: 'customer' | 'agent' | 'both') => {
    const [row] = await db.db.insert(organizations).values({ name, kind }).returning({ id: organizations.id });
    byName.set(name, row!.id);
    return row!.id;
  };
  return {
    ctx,
    ourOrganizationId: ours!.id,
    addOrganization,
    async addUser(options) {
      const organizationId =
        typeof options.organization === 'number'
          ? options.organization
          : options.organization
            ? (byName.get(options.organization) ?? (await addOrganization(options.organization, options.kind ?? (options.role === 'customer' ? 'customer' : 'agent'))))
            : ours!.id;
      const n = ++counter;
      const email = options.email ?? `${options.role}${n}@test.local`;
      const user = await db.transaction((tx) =>
        createUserInTx(tx, { organizationId, role: options.role, email, name: options.name ?? `${options.role} ${n}`, password: PASSWORD, telegramUserId: options.telegramUserId }, passwordHash),
      );
      const viewer = await loadViewer(db.db, user.id);
      return { userId: user.id, organizationId, role: viewer!.role, organizationKind: viewer!.organizationKind, email, password: PASSWORD, name: viewer!.name };
    },
    async close() {
      await db.close();
      await database.cleanup();
    },
  };
}

/**
 * The URL Telegram opens when `user` presses the bot's login_url button for
 * `url`: the link plus `user`'s login data, signed with the sandbox bot's token
 * by the emulator's own signer (what `startTestApp`'s sandbox-mode app trusts).
 */
export function pressedLoginUrl(
  app: Pick<TestApp, 'hotline'>,
  url: string | URL,
  user: { id: number; first_name: string; last_name?: string; username?: string },
  now = new Date(),
): URL {
  return new URL(loginUrlFor(String(url), { ...user, is_bot: false }, app.hotline.telegramLoginToken!, now));
}

/** Opens a link the way the page does: the whole query to POST /api/auth/link. The client keeps the session on 200. */
export async function openSignInLink(client: ApiClient, url: URL): Promise<ApiResponse> {
  const query = Object.fromEntries(url.searchParams);
  const response = await client.post('/api/auth/link', { token: query.token ?? '', query });
  if (response.status === 200) client.csrfToken = response.body.csrfToken;
  return response;
}

/**
 * The body the page posts for a bot link pressed in Telegram by the manager
 * with `telegramUserId`: a fresh sign-in link signed like the bot's, plus their
 * Telegram login data.
 */
export async function telegramLinkBody(app: Pick<TestApp, 'ctx' | 'hotline' | 'url'>, telegramUserId: number, firstName = 'Менеджер'): Promise<{ token: string; query: Record<string, string> }> {
  const link = await issueSignInLink(app.ctx, { telegramUserId });
  const signed = signQuery({ manager: telegramUserId, token: link.token }, app.hotline.config.appSecret, 600);
  const url = pressedLoginUrl(app, `${app.url}/new?${new URLSearchParams(signed)}`, { id: telegramUserId, first_name: firstName });
  return { token: link.token, query: Object.fromEntries(url.searchParams) };
}

/** Signs a manager in the way managers do: by a bot link pressed in Telegram (see `telegramLinkBody`). */
export async function signInByTelegram(app: TestApp, telegramUserId: number, firstName = 'Менеджер'): Promise<{ client: ApiClient; response: ApiResponse }> {
  const client = app.client();
  const response = await client.post('/api/auth/link', await telegramLinkBody(app, telegramUserId, firstName));
  if (response.status === 200) client.csrfToken = response.body.csrfToken;
  return { client, response };
}
