/**
 * An admin disables or enables a user, renames them, or sets a new password
 * (the rules of core/fields.ts, as when the user is created). A disabled
 * user's sessions end. An empty change is a FieldErrors, not a no-op.
 */
import { eq } from 'drizzle-orm';
import { sessions, users } from '../db/schema.js';
import type { Viewer } from '../policies/access.js';
import { NotFoundError, recordEvent, type CommandContext } from './context.js';
import { requireAdmin } from './createOrganization.js';
import type { UserRow } from './createUser.js';
import { passwordProblem, userNameProblem } from '../core/fields.js';
import { hashPassword } from './password.js';
import { FieldErrors } from './validation.js';

export interface UpdateUserProps {
  actor: Viewer;
  userId: number;
  disabled?: boolean;
  password?: string;
  name?: string;
}

export async function updateUser(ctx: CommandContext, props: UpdateUserProps): Promise<UserRow> {
  requireAdmin(props.actor);
  if (props.disabled === undefined && props.password === undefined && props.name === undefined) {
    throw new FieldErrors({ body: 'Укажите, что изменить: disabled, password или name' });
  }
  const passwordError = props.password === undefined ? null : passwordProblem(props.password);
  if (passwordError) throw new FieldErrors({ password: passwordError });
  if (props.disabled && props.userId === props.actor.userId) throw new FieldErrors({ disabled: 'Нельзя отключить самого себя' });
  const passwordHash = props.password ? await hashPassword(props.password) : undefined;
  return ctx.database.transaction(async (tx) => {
    const [before] = await tx.db.select().from(users).where(eq(users.id, props.userId)).for('update');
    if (!before) throw new NotFoundError('Пользователь не найден');
    const changes: Partial<UserRow> = {};
    if (props.disabled !== undefined) changes.disabledAt = props.disabled ? (before.disabledAt ?? new Date()) : null;
    if (passwordHash) changes.passwordHash = passwordHash;
    if (props.name !== undefined) {
      const name = props.name.trim();
      const nameError = userNameProblem(name);
      if (nameError) throw new FieldErrors({ name: nameError });
      changes.name = name;
    }
    const [after] = await tx.db.update(users).set(changes).where(eq(users.id, before.id)).returning();
    if (props.disabled || passwordHash) {
      await tx.db.delete(sessions).where(eq(sessions.userId, before.id));
      // Platform instances keep recent sessions in memory for a few seconds: tell them these are gone.
      tx.afterCommit(() => ctx.live.publish({ channel: 'sessions', type: 'ended', data: { userId: before.id } }));
    }
    await recordEvent(tx, {
      actor: { userId: props.actor.userId },
      subjectType: 'user',
      subjectId: before.id,
      name: 'user.updated',
      before: { disabled: Boolean(before.disabledAt), name: before.name },
      after: { disabled: Boolean(after!.disabledAt), name: after!.name, passwordChanged: Boolean(passwordHash) },
    });
    return after!;
  });
}
