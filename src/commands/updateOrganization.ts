/**
 * An admin renames an organization or changes its kind (our own stays «both»).
 * A kind its users' roles would not fit is refused (400 on `kind`, naming the
 * role and how many users have it): «agent» while it has clients, «customer»
 * while it has agents — the rule createUser applies (user.roleMismatch).
 */
import { and, count, eq } from 'drizzle-orm';
import { organizations, users } from '../db/schema.js';
import type { Viewer } from '../policies/access.js';
import { NotFoundError, recordEvent, type CommandContext } from './context.js';
import { requireAdmin, validateOrganizationName, type OrganizationRow } from './createOrganization.js';
import { FieldErrors } from './validation.js';

export interface UpdateOrganizationProps {
  actor: Viewer;
  organizationId: number;
  name?: string;
  kind?: 'customer' | 'agent' | 'both';
}

export async function updateOrganization(ctx: CommandContext, props: UpdateOrganizationProps): Promise<OrganizationRow> {
  requireAdmin(props.actor);
  return ctx.database.transaction(async (tx) => {
    const [before] = await tx.db.select().from(organizations).where(eq(organizations.id, props.organizationId)).for('update');
    if (!before) throw new NotFoundError('Организация не найдена');
    const changes: Partial<OrganizationRow> = {};
    if (props.name !== undefined) changes.name = validateOrganizationName(props.name);
    if (props.kind !== undefined && props.kind !== before.kind) {
      if (before.isOurs) throw new FieldErrors({ kind: 'Наша организация всегда и заказчик, и агент' });
      // Users whose role would no longer fit the new kind (the rule of createUser: agents in agents, clients in customers) block it.
      const misfit = props.kind === 'agent' ? 'customer' : props.kind === 'customer' ? 'agent' : undefined;
      if (misfit) {
        const [row] = await tx.db.select({ n: count() }).from(users).where(and(eq(users.organizationId, before.id), eq(users.role, misfit)));
        const n = Number(row?.n ?? 0);
        if (n > 0) {
          throw new FieldErrors({
            kind:
              misfit === 'customer'
                ? `Организация не может стать только агентом: в ней пользователи с ролью «клиент» (${n}) — сначала смените им роль или организацию`
                : `Организация не может стать только заказчиком: в ней пользователи с ролью «агент» (${n}) — сначала смените им роль или организацию`,
          });
        }
      }
      changes.kind = props.kind;
    }
    if (Object.keys(changes).length === 0) return before;
    const [after] = await tx.db.update(organizations).set(changes).where(eq(organizations.id, before.id)).returning();
    await recordEvent(tx, {
      actor: { userId: props.actor.userId },
      subjectType: 'organization',
      subjectId: before.id,
      name: 'organization.updated',
      before: Object.fromEntries(Object.keys(changes).map((key) => [key, before[key as keyof OrganizationRow]])),
      after: changes,
    });
    return after!;
  });
}
