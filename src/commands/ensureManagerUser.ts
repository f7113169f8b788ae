import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { prepared, type Tx } from '../db/index.js';
import { organizations, users } from '../db/schema.js';
import { managerRefusal, type Viewer } from '../policies/access.js';
import { ForbiddenError, recordEvent } from './context.js';
import type { TelegramPerson } from './relayTypes.js';

/**
 * The platform user of a manager who acts from the managers' group, created
 * on first use in our organization with the role `manager`.
 */
export async function ensureManagerUser(tx: Tx, person: TelegramPerson): Promise<{ id: number; organizationId: number; created: boolean }> {
  const [existing] = await tx.db
    .select({ id: users.id, organizationId: users.organizationId, telegramUsername: users.telegramUsername })
    .from(users)
    .where(eq(users.telegramUserId, person.id));
  if (existing) {
    // Kept as last seen, for `/assign @username` (commands/dialogOwner).
    if ((person.username ?? null) !== existing.telegramUsername) {
      await tx.db.update(users).set({ telegramUsername: person.username ?? null }).where(eq(users.id, existing.id));
    }
    return { id: existing.id, organizationId: existing.organizationId, created: false };
  }
  const [ours] = await tx.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.isOurs, true));
  if (!ours) throw new Error('Our organization does not exist yet (bootstrap did not run)');
  const [user] = await tx.db
    .insert(users)
    .values({
      organizationId: ours.id,
      role: 'manager',
      telegramUserId: person.id,
      telegramUsername: person.username ?? null,
      name: [person.first_name, person.last_name].filter(Boolean).join(' ') || `Менеджер ${person.id}`,
      locale: person.language_code === 'en' ? 'en' : 'ru',
    })
    .onConflictDoNothing()
    .returning({ id: users.id, organizationId: users.organizationId });
  if (!user) return ensureManagerUser(tx, person);
  await recordEvent(tx, {
    actor: { telegramUserId: person.id },
    subjectType: 'user',
    subjectId: user.id,
    name: 'user.created_from_telegram',
    after: { role: 'manager', telegramUserId: person.id },
  });
  return { ...user, created: true };
}

/**
 * The manager acting from the managers' group (a command, a card button), as
 * the platform viewer every access rule takes — created on first use like
 * `ensureManagerUser`. Throws ForbiddenError with a sentence for the topic
 * when their account is disabled or is not a manager's (policies/access.ts).
 */
export async function actingManager(tx: Tx, person: TelegramPerson): Promise<Viewer> {
  const { id } = await ensureManagerUser(tx, person);
  const [user] = await tx.db
    .select({ userId: users.id, organizationId: users.organizationId, role: users.role, disabledAt: users.disabledAt, organizationKind: organizations.kind })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.organizationId))
    .where(eq(users.id, id));
  const refusal = managerRefusal(user!);
  if (refusal) throw new ForbiddenError(refusal);
  return { userId: user!.userId, organizationId: user!.organizationId, role: user!.role, organizationKind: user!.organizationKind };
}

/**
 * Whether the Telegram account `telegramUserId` belongs to one of our staff:
 * an enabled platform user of our organization (a manager or an
 * administrator) linked to that account — by an administrator, by signing
 * in from Telegram, or on first use in the managers' group (any message or
 * command there, `ensureManagerUser`). Returns the language their answers
 * take (`users.locale`), or undefined for anyone else (a client). One indexed
 * read (`users.telegram_user_id` is unique).
 */
export async function ourStaffByTelegram(tx: Tx, telegramUserId: number): Promise<{ locale: 'ru' | 'en' } | undefined> {
  const [row] = await staffByTelegram(tx).execute({ telegramUserId });
  return row ? { locale: row.locale === 'en' ? 'en' : 'ru' } : undefined;
}

/**
 * The rule of ourStaffByTelegram as a condition on a `users` row joined to
 * its organization, for the Telegram account `telegramUserId` (an SQL value:
 * a placeholder or a column). Used by the read below and by the relay's
 * one-statement touch of a returning client (commands/dialogs
 * `touchDialogOfClient`, `unlessStaff`), so the two cannot disagree.
 */
export function ourStaffCondition(telegramUserId: SQL): SQL {
  return and(
    eq(users.telegramUserId, telegramUserId),
    eq(organizations.isOurs, true),
    inArray(users.role, ['manager', 'admin']),
    isNull(users.disabledAt),
  )!;
}

/** ourStaffByTelegram's read, prepared once per connection: it runs for every message a client writes. */
function staffByTelegram(tx: Tx) {
  return prepared(tx, 'staff_by_telegram', (db, name) =>
    db
      .select({ locale: users.locale })
      .from(users)
      .innerJoin(organizations, eq(organizations.id, users.organizationId))
      .where(ourStaffCondition(sql`${sql.placeholder('telegramUserId')}::bigint`))
      .prepare(name),
  );
}
