/**
 * First start: creates our organization (customer and agent at once) and the
 * first admin. The admin's credentials come from ADMIN_EMAIL/ADMIN_PASSWORD;
 * in sandbox mode without them a password is generated and returned, for the
 * start-up lines to show once. Safe to run on every start: it only fills what is missing.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { organizations, users } from '../db/schema.js';
import type { CommandContext } from './context.js';
import { createUserInTx } from './createUser.js';
import { generatePassword, hashPassword } from './password.js';

export const DEFAULT_ORGANIZATION_NAME = 'Наша компания';
export const SANDBOX_ADMIN_EMAIL = 'admin@hotline.local';

export interface BootstrapResult {
  organizationId: number;
  /** Set when this run created the first admin. */
  admin?: { id: number; email: string; /** Only when generated here. */ password?: string };
}

export async function bootstrap(ctx: CommandContext): Promise<BootstrapResult> {
  const configured = ctx.config.admin;
  const generated = !configured && ctx.config.sandbox ? generatePassword() : undefined;
  const password = configured?.password ?? generated;
  const passwordHash = password ? await hashPassword(password) : undefined;

  const result = await ctx.database.transaction(async (tx) => {
    // Two instances starting at once on one PostgreSQL: one bootstraps, the other sees its rows.
    await tx.client.query(`select pg_advisory_xact_lock(72347201)`);
    let [ours] = await tx.db.select().from(organizations).where(eq(organizations.isOurs, true));
    if (!ours) {
      [ours] = await tx.db.insert(organizations).values({ name: DEFAULT_ORGANIZATION_NAME, kind: 'both', isOurs: true }).returning();
    }
    const result: BootstrapResult = { organizationId: ours!.id };
    const [anyAdmin] = await tx.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'admin'), isNull(users.disabledAt)))
      .limit(1);
    if (anyAdmin || !passwordHash || !password) return result;
    const email = configured?.email ?? SANDBOX_ADMIN_EMAIL;
    const admin = await createUserInTx(tx, { organizationId: ours!.id, role: 'admin', email, name: 'Администратор', password }, passwordHash);
    result.admin = { id: admin.id, email: admin.email!, password: generated };
    return result;
  });

  if (result.admin?.password) {
    // The password itself is in the sandbox's welcome lines (main.ts), set apart where a newcomer looks.
    ctx.log.info(`First admin created (sandbox): ${result.admin.email}; the password is shown once, below`);
  } else if (result.admin) {
    ctx.log.info(`First admin created: ${result.admin.email} (password from ADMIN_PASSWORD)`);
  } else if (!passwordHash) {
    const [admin] = await ctx.database.db.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1);
    if (!admin) ctx.log.warn('No admin yet: set ADMIN_EMAIL and ADMIN_PASSWORD and restart to create the first one');
  }
  return result;
}
