/**
 * An admin disables or enables a user, renames them, or sets a new password
 * (the rules of core/fields.ts, as when the user is created). A disabled
 * user's sessions end. An empty change is a FieldErrors, not a no-op.
 * `telegramUserId` links the account to a Telegram user (null unlinks): so a
 * manager created on the web is the one the bot knows when they write in the
 * managers' group. Refused naming the holder when another ENABLED account has
 * that id; a disabled holder gives it up (createUser.claimTelegramId).
 * A password is refused (FieldErrors on `password`, nothing changed) for an
 * account without an e-mail — a manager made from the managers' group: one
 * signs in with e-mail and password, so it could never be used, and it would
 * take the account out of «membership is the grant» (groupMemberAccount.ts
 * keys on no e-mail and no password). An e-mail is never removed here (this
 * command does not change it), so no password is ever left without one.
 */
import { eq } from 'drizzle-orm';
import { sessions, users } from '../db/schema.js';
import type { Viewer } from '../policies/access.js';
import { NotFoundError, recordEvent, type CommandContext } from './context.js';
import { requireAdmin } from './createOrganization.js';
import { claimTelegramId, type UserRow } from './createUser.js';
import { passwordProblem, userNameProblem } from '../core/fields.js';
import { hashPassword } from './password.js';
import { FieldErrors } from './validation.js';

/** The refusal of a password for an account without an e-mail (src/core/messageCodes.ts `user.passwordNoEmail`). */
export const PASSWORD_WITHOUT_EMAIL = 'У пользователя нет e-mail: пароль без e-mail не даёт войти — задать его нельзя';

export interface UpdateUserProps {
  actor: Viewer;
  userId: number;
  disabled?: boolean;
  password?: string;
  name?: string;
  /** Telegram user id to link, null to unlink. */
  telegramUserId?: number | null;
}

export async function updateUser(ctx: CommandContext, props: UpdateUserProps): Promise<UserRow> {
  requireAdmin(props.actor);
  if (props.disabled === undefined && props.password === undefined && props.name === undefined && props.telegramUserId === undefined) {
    throw new FieldErrors({ body: 'Укажите, что изменить: disabled, password, name или telegramUserId' });
  }
  if (props.password !== undefined) {
    // No e-mail is the first thing to say: no password would do, however long (read again, locked, below).
    const [account] = await ctx.database.db.select({ email: users.email }).from(users).where(eq(users.id, props.userId));
    if (account && !account.email) throw new FieldErrors({ password: PASSWORD_WITHOUT_EMAIL });
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
    if (passwordHash && !before.email) throw new FieldErrors({ password: PASSWORD_WITHOUT_EMAIL });
    if (passwordHash) changes.passwordHash = passwordHash;
    if (props.name !== undefined) {
      const name = props.name.trim();
      const nameError = userNameProblem(name);
      if (nameError) throw new FieldErrors({ name: nameError });
      changes.name = name;
    }
    if (props.telegramUserId !== undefined && props.telegramUserId !== before.telegramUserId) {
      if (props.telegramUserId !== null) {
        const refusal = await claimTelegramId(tx, props.telegramUserId, props.actor.userId, before.id);
        if (refusal) throw new FieldErrors({ telegramUserId: refusal });
      }
      changes.telegramUserId = props.telegramUserId;
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
      before: { disabled: Boolean(before.disabledAt), name: before.name, telegramUserId: before.telegramUserId },
      after: { disabled: Boolean(after!.disabledAt), name: after!.name, telegramUserId: after!.telegramUserId, passwordChanged: Boolean(passwordHash) },
    });
    return after!;
  });
}
