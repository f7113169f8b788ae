/** An admin adds a customer or agent organization. */
import { organizations } from '../db/schema.js';
import type { Viewer } from '../policies/access.js';
import { ForbiddenError, recordEvent, type CommandContext } from './context.js';
import { FieldErrors } from './validation.js';

export interface CreateOrganizationProps {
  actor: Viewer;
  name: string;
  kind: 'customer' | 'agent' | 'both';
}

export type OrganizationRow = typeof organizations.$inferSelect;

export function requireAdmin(actor: Viewer): void {
  if (actor.role !== 'admin') throw new ForbiddenError('Это может только администратор');
}

export function validateOrganizationName(value: string): string {
  const name = (value ?? '').trim();
  if (!name) throw new FieldErrors({ name: 'Укажите название организации' });
  if (name.length > 200) throw new FieldErrors({ name: 'Название: не длиннее 200 символов' });
  return name;
}

export async function createOrganization(ctx: CommandContext, props: CreateOrganizationProps): Promise<OrganizationRow> {
  requireAdmin(props.actor);
  const name = validateOrganizationName(props.name);
  if (!['customer', 'agent', 'both'].includes(props.kind)) throw new FieldErrors({ kind: 'Выберите тип организации' });
  return ctx.database.transaction(async (tx) => {
    const [organization] = await tx.db.insert(organizations).values({ name, kind: props.kind }).returning();
    await recordEvent(tx, {
      actor: { userId: props.actor.userId },
      subjectType: 'organization',
      subjectId: organization!.id,
      name: 'organization.created',
      after: { name, kind: props.kind },
    });
    return organization!;
  });
}
