/**
 * An admin sets our organization's requisites (full name, INN, KPP, OGRN,
 * address, bank, BIC, accounts, director): what the documents Hotline
 * generates itself print (`ONEC_MODE=off`). All fields are checked first;
 * one mistake changes nothing.
 */
import { eq } from 'drizzle-orm';
import { ORGANIZATION_REQUISITE_FIELDS, validateOrganizationRequisites, type OrganizationRequisites } from '../core/requisites.js';
import { organizations } from '../db/schema.js';
import type { Viewer } from '../policies/access.js';
import { NotFoundError, recordEvent, type CommandContext } from './context.js';
import { requireAdmin, type OrganizationRow } from './createOrganization.js';
import { FieldErrors } from './validation.js';

export const NO_OUR_ORGANIZATION = 'Наша организация не отмечена: перезапустите Hotline, при запуске она создаётся';

export interface UpdateOurRequisitesProps {
  actor: Viewer;
  requisites: Partial<Record<string, string | null | undefined>>;
}

export async function updateOurRequisites(ctx: CommandContext, props: UpdateOurRequisitesProps): Promise<OrganizationRow> {
  requireAdmin(props.actor);
  const { values, errors } = validateOrganizationRequisites(props.requisites);
  if (Object.keys(errors).length > 0) throw new FieldErrors(errors);
  return ctx.database.transaction(async (tx) => {
    const [before] = await tx.db.select().from(organizations).where(eq(organizations.isOurs, true)).for('update');
    if (!before) throw new NotFoundError(NO_OUR_ORGANIZATION);
    const changed = ORGANIZATION_REQUISITE_FIELDS.filter((field) => (before.requisites[field] ?? '') !== values[field]);
    if (changed.length === 0) return before;
    // Keys other than ours (set by hand or by a later version) stay as they are.
    const requisites: Record<string, string> = { ...before.requisites, ...values };
    const [after] = await tx.db.update(organizations).set({ requisites }).where(eq(organizations.id, before.id)).returning();
    await recordEvent(tx, {
      actor: { userId: props.actor.userId },
      subjectType: 'organization',
      subjectId: before.id,
      name: 'organization.requisites_updated',
      before: Object.fromEntries(changed.map((field) => [field, before.requisites[field] ?? null])),
      after: Object.fromEntries(changed.map((field) => [field, values[field]])) as Partial<OrganizationRequisites>,
    });
    return after!;
  });
}
