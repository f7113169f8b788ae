/**
 * An admin adds a user to an organization with a role and a password.
 * The role must fit the organization: agents work for agent organizations,
 * customers for customer ones, managers for ours.
 */
import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { organizations, users } from '../db/schema.js';
import type { Role, Viewer } from '../policies/access.js';
import { recordEvent, type CommandContext } from './context.js';
import { requireAdmin } from './createOrganization.js';
import { hashPassword } from './password.js';
import { FieldErrorCollector } from './validation.js';
import { EMAIL_MAX_LENGTH, passwordProblem, userNameProblem } from '../core/fields.js';

export interface CreateUserProps {
  /** The admin; omitted only by bootstrap. */
  actor?: Viewer;
  organizationId: number;
  role: Role;
  email: string;
  name: string;
  password: string;
  telegramUserId?: number | null;
}

export type UserRow = typeof users.$inferSelect;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function createUser(ctx: CommandContext, props: CreateUserProps): Promise<UserRow> {
  if (props.actor) requireAdmin(props.actor);
  const passwordHash = passwordProblem(props.password) ? '' : await hashPassword(props.password);
  return ctx.database.transaction((tx) => createUserInTx(tx, props, passwordHash));
}

export async function createUserInTx(tx: Tx, props: CreateUserProps, passwordHash: string): Promise<UserRow> {
  const errors = new FieldErrorCollector();
  const email = (props.email ?? '').trim().toLowerCase();
  const name = (props.name ?? '').trim();
  if (!email) errors.add('email', 'Укажите e-mail');
  else if (email.length > EMAIL_MAX_LENGTH || !EMAIL.test(email)) errors.add('email', 'Это не похоже на e-mail');
  errors.add('name', userNameProblem(name));
  errors.add('password', passwordProblem(props.password));
  const [organization] = await tx.db.select().from(organizations).where(eq(organizations.id, props.organizationId));
  if (!organization) errors.add('organizationId', 'Выберите организацию');
  else {
    const fits =
      props.role === 'admin' || props.role === 'manager'
        ? organization.isOurs
        : props.role === 'agent'
          ? organization.kind !== 'customer'
          : props.role === 'customer'
            ? organization.kind !== 'agent'
            : false;
    if (!fits) errors.add('role', 'Роль не подходит организации: менеджеры и администраторы — наши, агенты — у агентов, клиенты — у заказчиков');
  }
  if (email && !errors.fields.email) {
    const [taken] = await tx.db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email}`);
    if (taken) errors.add('email', 'Пользователь с таким e-mail уже есть');
  }
  if (props.telegramUserId !== undefined && props.telegramUserId !== null) {
    errors.add('telegramUserId', await claimTelegramId(tx, props.telegramUserId, props.actor?.userId, undefined));
  }
  errors.throwIfAny();
  const [user] = await tx.db
    .insert(users)
    .values({ organizationId: props.organizationId, role: props.role, email, name, passwordHash, telegramUserId: props.telegramUserId ?? null })
    .returning();
  await recordEvent(tx, {
    actor: props.actor ? { userId: props.actor.userId } : undefined,
    subjectType: 'user',
    subjectId: user!.id,
    name: 'user.created',
    after: { email, name, role: props.role, organizationId: props.organizationId },
  });
  return user!;
}

/**
 * Makes `telegramUserId` free for user `forUserId` (undefined: a user being
 * created). One account per Telegram user — the bot finds the manager by it
 * and the column is unique: an ENABLED other account holding it refuses
 * (the sentence naming that account, for the `telegramUserId` field); a
 * DISABLED one gives it up (its telegram_user_id is cleared and an event
 * recorded), so a duplicate made by writing in the group, once disabled, no
 * longer blocks the real account. Returns the refusal, or null.
 */
export async function claimTelegramId(tx: Tx, telegramUserId: number, actorId: number | undefined, forUserId: number | undefined): Promise<string | null> {
  const [holder] = await tx.db
    .select({ id: users.id, name: users.name, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.telegramUserId, telegramUserId))
    .for('update');
  if (!holder || holder.id === forUserId) return null;
  if (!holder.disabledAt) return `Этот Telegram ID уже у пользователя «${holder.name}»`;
  await tx.db.update(users).set({ telegramUserId: null }).where(eq(users.id, holder.id));
  await recordEvent(tx, {
    actor: actorId ? { userId: actorId } : undefined,
    subjectType: 'user',
    subjectId: holder.id,
    name: 'user.updated',
    before: { telegramUserId },
    after: { telegramUserId: null, reason: 'given to another account' },
  });
  return null;
}
