/**
 * Changes one term of an accepted request — `/rate 12.25` in the topic or the
 * same edit on the request page — and recomputes the derived amounts with the
 * formula of ARCHITECTURE.md §2. Writes an event (who, old → new), refreshes
 * the action card and the platform page, and leaves the same note in the
 * client's topic for either channel («✏️ Курс: 11,5 → 11,75», marked
 * «изменено на платформе: …» when made on the page). `undo` reverts the latest change not
 * yet reverted, so repeated undos step back through the history.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Edit } from '../core/editCommands.js';
import { canEditTerms, requestStatusLabel } from '../core/requestStatus.js';
import { Decimal } from '../core/money.js';
import { computeTerms } from '../core/terms.js';
import type { Tx } from '../db/index.js';
import { dialogs, events, requests, users } from '../db/schema.js';
import { renderTermsChangeNote, type TermsChangeNote } from '../core/termsNote.js';
import { MANAGERS_LOCALE, textsFor } from './botTexts.js';
import { enqueueTelegram } from './telegramOutbox.js';
import { mayRunDeal, requestAccess, type Viewer } from '../policies/access.js';
import { scheduleActionCard } from './actionCards.js';
import { scheduleOneCSync } from './requestOneCDocuments.js';
import { ForbiddenError, inTransaction, recordEvent, ValidationError, type CommandContext } from './context.js';

export type TermsEdit = Exclude<Edit, { field: 'undo' }>;
type Field = TermsEdit['field'];

export interface Props {
  requestId: number;
  edit: Edit;
  /**
   * Who changes the terms: a user of the request's customer organization, on
   * the page or — a manager of ours (`actingManager`) — from the topic, with
   * their Telegram id for the event. Both go through the same access rule.
   */
  actor: { viewer: Viewer; telegramUserId?: number };
  /** The edit command's message in the topic (from Telegram): the note answers it. */
  topicMessageId?: number;
}

export interface TermsChange extends TermsChangeNote {
  field: Field;
}

type RequestRow = typeof requests.$inferSelect;

/** The current value of a field, as a string for events and confirmations. */
function valueOf(request: RequestRow, field: Field): string {
  const terms = request.terms ?? {};
  switch (field) {
    case 'amount':
      return request.amount;
    case 'rate':
    case 'feePercent':
    case 'fixedFee':
    case 'days':
      return String(terms[field] ?? '');
    case 'purpose':
      return request.purpose;
    case 'beneficiaryName':
      return request.beneficiary.name ?? '';
    case 'deadline':
      return request.deadline ? request.deadline.toISOString().slice(0, 10) : '';
  }
}

/**
 * Whether an edit changes nothing: numbers by value («1,5» and the stored
 * 1.50 are one fee — comparing the text would leave a «1,50 % → 1,5 %» note
 * and a new version for no change, issue 17), other fields by text.
 */
function sameValue(field: Field, before: string, after: string): boolean {
  if (before === after) return true;
  if (field !== 'amount' && field !== 'rate' && field !== 'feePercent' && field !== 'fixedFee' && field !== 'days') return false;
  try {
    return new Decimal(before).equals(after);
  } catch {
    return false; // a stored value that is no number: any valid new one is a change
  }
}

/** The request's columns after setting `field` to `value` (terms recomputed). */
function apply(request: RequestRow, field: Field, value: string): Partial<RequestRow> {
  switch (field) {
    case 'purpose':
      return { purpose: value };
    case 'beneficiaryName':
      return { beneficiary: { ...request.beneficiary, name: value } };
    case 'deadline':
      return { deadline: value ? new Date(`${value}T00:00:00Z`) : null };
    default: {
      const terms = request.terms ?? {};
      const input = {
        amount: field === 'amount' ? value : request.amount,
        rate: field === 'rate' ? value : String(terms.rate),
        feePercent: field === 'feePercent' ? value : String(terms.feePercent),
        fixedFee: field === 'fixedFee' ? value : String(terms.fixedFee),
        days: Number(field === 'days' ? value : terms.days),
      };
      const computed = computeTerms(input);
      const next = {
        ...terms,
        amount: computed.amount,
        rate: computed.rate,
        feePercent: computed.feePercent,
        fixedFee: computed.fixedFee,
        days: String(computed.days),
        base: computed.base,
        fee: computed.fee,
        total: computed.total,
      };
      return { terms: next, ...(field === 'amount' ? { amount: computed.amount } : {}) };
    }
  }
}

/** The latest change that has not been undone yet. */
async function lastUndoable(tx: Tx, requestId: number) {
  const history = await tx.db
    .select()
    .from(events)
    .where(and(eq(events.subjectType, 'request'), eq(events.subjectId, requestId), eq(events.name, 'request.terms_changed')))
    .orderBy(desc(events.id))
    .limit(200);
  const undone = new Set<number>();
  for (const event of history) {
    const after = event.after as { undoOf?: number } | null;
    if (after?.undoOf) {
      undone.add(after.undoOf);
      continue;
    }
    if (!undone.has(event.id)) return event;
  }
  return undefined;
}

export async function changeTerms(ctx: CommandContext, props: Props, tx?: Tx): Promise<TermsChange> {
  return inTransaction(ctx, tx, async (tx) => {
    const access = await requestAccess(tx.db, props.actor.viewer, props.requestId, { forUpdate: true });
    if (!mayRunDeal(access)) throw new ForbiddenError('Изменить условия может только заказчик заявки');
    const request = access.request;
    if (!canEditTerms(request.status) || !request.terms) {
      throw new ValidationError(
        `Условия можно менять только у принятой заявки, а эта — «${requestStatusLabel(request.status, 'ru')}».`,
      );
    }

    let field: Field;
    let value: string;
    let undoOf: number | undefined;
    if (props.edit.field === 'undo') {
      const last = await lastUndoable(tx, request.id);
      if (!last) throw new ValidationError('Отменять нечего: условия ещё не менялись.');
      const before = last.before as { field: Field; value: string };
      field = before.field;
      value = before.value;
      undoOf = last.id;
    } else {
      field = props.edit.field;
      value = String(props.edit.value);
    }

    const before = valueOf(request, field);
    const changes = apply(request, field, value);
    const updated = { ...request, ...changes };
    const after = valueOf(updated, field);
    if (sameValue(field, before, after)) throw new ValidationError('Это значение уже установлено — ничего не изменилось.');
    const totalBefore = request.terms.total ?? null;
    const totalAfter = updated.terms?.total ?? null;

    await tx.db
      .update(requests)
      .set({ ...changes, version: request.version + 1, updatedAt: new Date() })
      .where(eq(requests.id, request.id));
    const actor = { userId: props.actor.viewer.userId, telegramUserId: props.actor.telegramUserId };
    await recordEvent(tx, {
      actor,
      subjectType: 'request',
      subjectId: request.id,
      name: 'request.terms_changed',
      before: { field, value: before, total: totalBefore },
      after: { field, value: after, total: totalAfter, ...(undoOf ? { undoOf } : {}) },
    });
    await scheduleActionCard(ctx, tx, updated);
    await scheduleOneCSync(ctx, tx, request.id);
    const change: TermsChange = { field, before, after, totalBefore, totalAfter, undone: undoOf !== undefined };
    await noteInTopic(ctx, tx, updated, change, props);
    const requestId = request.id;
    tx.afterCommit(() => ctx.live.publish({ channel: `request:${requestId}`, type: 'terms', data: { field }, audience: 'dealRoom' }));
    return change;
  });
}

/**
 * The change's note in the client's topic (a request from a dialog only):
 * an answer to the `/rate` command typed there, or — made on the page — a
 * note that says who changed it on the platform.
 */
async function noteInTopic(ctx: CommandContext, tx: Tx, request: RequestRow, change: TermsChange, props: Props): Promise<void> {
  if (!request.dialogId) return;
  const [dialog] = await tx.db.select({ managersChatId: dialogs.managersChatId }).from(dialogs).where(eq(dialogs.id, request.dialogId));
  if (!dialog) return;
  let platformAuthor: string | undefined;
  if (props.topicMessageId === undefined) {
    const [user] = await tx.db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, props.actor.viewer.userId));
    platformAuthor = user?.name || user?.email || '—';
  }
  const text = renderTermsChangeNote(change, { amount: request.currency, funding: request.fundingCurrency }, textsFor(MANAGERS_LOCALE), platformAuthor);
  await enqueueTelegram(ctx, tx, {
    chatId: dialog.managersChatId,
    method: 'sendMessage',
    payload: {
      text,
      parse_mode: 'HTML',
      ...(props.topicMessageId !== undefined ? { reply_parameters: { message_id: props.topicMessageId, allow_sending_without_reply: true } } : {}),
    },
    target: { topicOfDialog: request.dialogId },
  });
}
