/**
 * Who is responsible for a dialog (issue 19.2). A dialog has at most one
 * owner — a manager or admin of ours — who took it (`/take`), was handed it
 * (`/assign @username`), answered first (DIALOG_ASSIGNMENT=first_answer; a
 * message to a client who blocked the bot, undelivered, is no answer), or
 * was dealt it while on shift (round_robin, `/shift on`). `/release` leaves it
 * with nobody. The same commands serve the topic and the dialogs page.
 *
 * Every change is one conditional write on the dialog's row (the caller holds
 * it locked, or the update says `owner_user_id is null`), so two instances or
 * two managers never both win; the topic hears of a change made by a person
 * once, and the client card shows the owner.
 */
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { dialogs, organizations, users } from '../db/schema.js';
import { mayOwnDialogs, type Viewer } from '../policies/access.js';
import { escapeHtml, mentionHtml } from '../core/html.js';
import { botText, MANAGERS_LOCALE } from './botTexts.js';
import { ForbiddenError, inTransaction, NotFoundError, recordEvent, ValidationError, type CommandContext } from './context.js';
import type { Dialog } from './dialogs.js';
import { enqueueTelegram, type TelegramCall } from './telegramOutbox.js';

/** How the owner changed: by a person (said in the topic) or by a rule (shown on the card only). */
export type OwnerChange = 'take' | 'assign' | 'release' | 'first_answer' | 'round_robin';

export interface Props {
  /** Who acts: a manager in the topic or on the page (for `first_answer` and `round_robin`, the new owner). */
  actor: Viewer;
  dialogId: number;
  /** The new owner's user id; null to release. */
  ownerUserId: number | null;
  how: OwnerChange;
}

export interface OwnerState {
  owner: { userId: number; name: string } | null;
  /** False when the dialog already was so (nothing written, nothing said). */
  changed: boolean;
}

/** An enabled manager or admin of our organization, by id; undefined otherwise. */
async function staffUser(tx: Tx, userId: number): Promise<{ id: number; name: string; telegramUserId: number | null } | undefined> {
  const [user] = await tx.db
    .select({ id: users.id, name: users.name, telegramUserId: users.telegramUserId })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.organizationId))
    .where(and(eq(users.id, userId), inArray(users.role, ['manager', 'admin']), isNull(users.disabledAt), eq(organizations.isOurs, true)));
  return user;
}

/**
 * Sets or clears a dialog's owner. Errors: ForbiddenError (403) for anyone but
 * our managers and admins (`mayOwnDialogs`); NotFoundError (404) for an unknown
 * dialog; ValidationError on `ownerUserId` when the new owner is not an enabled
 * manager or admin of ours. `first_answer` only takes a dialog nobody owns.
 */
export async function setDialogOwner(ctx: CommandContext, props: Props, tx?: Tx): Promise<OwnerState> {
  return inTransaction(ctx, tx, async (tx) => {
    if (!(await mayOwnDialogs(tx.db, props.actor))) throw new ForbiddenError('Ответственных за диалоги назначают только менеджеры');
    const [dialog] = await tx.db.select().from(dialogs).where(eq(dialogs.id, props.dialogId)).for('update');
    if (!dialog) throw new NotFoundError('Диалог не найден');
    const owner = props.ownerUserId === null ? undefined : await staffUser(tx, props.ownerUserId);
    if (props.ownerUserId !== null && !owner) throw new ValidationError('Вести диалог может только менеджер нашей организации с действующей учётной записью', 'ownerUserId');
    const before = dialog.ownerUserId;
    const current = before === null ? null : ((await staffUser(tx, before)) ?? { id: before, name: '—', telegramUserId: null });
    if (before === (owner?.id ?? null) || (props.how === 'first_answer' && before !== null)) {
      return { owner: current ? { userId: current.id, name: current.name } : null, changed: false };
    }
    await tx.db
      .update(dialogs)
      .set({ ownerUserId: owner?.id ?? null, ownerSince: owner ? new Date() : null })
      .where(eq(dialogs.id, dialog.id));
    await recordEvent(tx, {
      actor: { userId: props.actor.userId },
      subjectType: 'dialog',
      subjectId: dialog.id,
      name: 'dialog.owner_changed',
      before: { ownerUserId: before },
      after: { ownerUserId: owner?.id ?? null, how: props.how },
    });
    const calls: TelegramCall[] = [];
    if (props.how === 'take' || props.how === 'assign' || props.how === 'release') {
      const [actor] = await tx.db.select({ name: users.name }).from(users).where(eq(users.id, props.actor.userId));
      const by = escapeHtml(actor?.name ?? '—');
      // Whoever gains or loses the dialog and did not do it themselves is mentioned, so Telegram notifies them.
      const named = (person: { id: number; name: string; telegramUserId: number | null }) =>
        person.id === props.actor.userId ? escapeHtml(person.name) : mentionHtml(person);
      const text =
        props.how === 'release'
          ? botText(MANAGERS_LOCALE, 'dialog-owner-released', { by })
          : props.how === 'take' && current
            ? botText(MANAGERS_LOCALE, 'dialog-owner-taken-from', { who: named(owner!), from: named(current) })
            : props.how === 'take' || owner!.id === props.actor.userId
              ? botText(MANAGERS_LOCALE, 'dialog-owner-taken', { who: named(owner!) })
              : botText(MANAGERS_LOCALE, 'dialog-owner-assigned', { who: named(owner!), by });
      calls.push({ chatId: dialog.managersChatId, method: 'sendMessage', payload: { text, parse_mode: 'HTML' }, target: { topicOfDialog: dialog.id } });
    }
    // The card shows the owner; a dialog whose topic is not made yet gets it in its first card.
    if (dialog.topicId !== null) calls.push({ chatId: dialog.managersChatId, method: 'hotline.refreshClientCard', target: { topicOfDialog: dialog.id } });
    if (calls.length > 0) await enqueueTelegram(ctx, tx, ...calls);
    tx.afterCommit(() => ctx.live.publish({ channel: 'dialogs', type: 'message', data: { dialogId: dialog.id } }));
    return { owner: owner ? { userId: owner.id, name: owner.name } : null, changed: true };
  });
}

/**
 * Round-robin (DIALOG_ASSIGNMENT=round_robin): a new dialog goes to the
 * manager on shift who was dealt one longest ago (never first). Nobody on
 * shift: the dialog stays without an owner (the first answer takes it).
 * Runs in the transaction that opened the dialog; the chosen manager's row is
 * locked (`skip locked`: two new clients at once go to two managers).
 */
export async function dealNewDialog(ctx: Pick<CommandContext, 'config'>, tx: Tx, dialog: Dialog): Promise<void> {
  if (ctx.config.dialogAssignment !== 'round_robin') return;
  const [next] = await tx.db
    .select({ id: users.id })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.organizationId))
    .where(and(isNotNull(users.onShiftSince), isNull(users.disabledAt), inArray(users.role, ['manager', 'admin']), eq(organizations.isOurs, true)))
    .orderBy(sql`${users.lastDealtAt} asc nulls first`, asc(users.id))
    .limit(1)
    .for('update', { of: users, skipLocked: true });
  if (!next) return;
  const now = new Date();
  await tx.db.update(users).set({ lastDealtAt: now }).where(eq(users.id, next.id));
  await tx.db.update(dialogs).set({ ownerUserId: next.id, ownerSince: now }).where(and(eq(dialogs.id, dialog.id), isNull(dialogs.ownerUserId)));
  dialog.ownerUserId = next.id;
  dialog.ownerSince = now;
  await recordEvent(tx, {
    actor: { userId: next.id },
    subjectType: 'dialog',
    subjectId: dialog.id,
    name: 'dialog.owner_changed',
    before: { ownerUserId: null },
    after: { ownerUserId: next.id, how: 'round_robin' },
  });
}

/**
 * `/shift on|off`: whether new dialogs are dealt to this manager
 * (round-robin). Returns the managers on shift now, by name, and whether
 * this manager's shift changed (false: they already were on / off shift).
 */
export async function setOnShift(ctx: CommandContext, props: { actor: Viewer; onShift: boolean }, tx?: Tx): Promise<{ names: string[]; changed: boolean }> {
  return inTransaction(ctx, tx, async (tx) => {
    if (!(await mayOwnDialogs(tx.db, props.actor))) throw new ForbiddenError('Смену отмечают только менеджеры');
    const [user] = await tx.db.select({ onShiftSince: users.onShiftSince }).from(users).where(eq(users.id, props.actor.userId)).for('update');
    const changed = Boolean(user?.onShiftSince) !== props.onShift;
    if (changed) {
      await tx.db
        .update(users)
        .set({ onShiftSince: props.onShift ? new Date() : null })
        .where(eq(users.id, props.actor.userId));
      await recordEvent(tx, { actor: { userId: props.actor.userId }, subjectType: 'user', subjectId: props.actor.userId, name: props.onShift ? 'user.shift_started' : 'user.shift_ended' });
    }
    return { names: await onShiftNames(tx), changed };
  });
}

/** The names of the managers on shift, in the order they started it. */
export async function onShiftNames(tx: Tx): Promise<string[]> {
  const rows = await tx.db
    .select({ name: users.name })
    .from(users)
    .where(and(isNotNull(users.onShiftSince), isNull(users.disabledAt)))
    .orderBy(asc(users.onShiftSince));
  return rows.map((row) => row.name);
}

/**
 * The manager a `/assign` names: `@username` (as last seen in the managers'
 * group, case-insensitive) among enabled managers and admins of ours.
 */
export async function managerByUsername(tx: Tx, username: string): Promise<{ id: number; name: string } | undefined> {
  const [user] = await tx.db
    .select({ id: users.id, name: users.name })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.organizationId))
    .where(
      and(
        sql`lower(${users.telegramUsername}) = lower(${username.replace(/^@/, '')})`,
        inArray(users.role, ['manager', 'admin']),
        isNull(users.disabledAt),
        eq(organizations.isOurs, true),
      ),
    )
    .limit(1);
  return user;
}
