/**
 * Quick replies kept on the platform (issue 19.4): our staff create, edit and
 * delete them; `/t name` in a topic sends one (commands/sendQuickReply).
 */
import { asc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { documents, quickReplies } from '../db/schema.js';
import { checkTemplateBody, checkTemplateName } from '../core/quickReply.js';
import { mayUseQuickReplies, type Viewer } from '../policies/access.js';
import { ForbiddenError, inTransaction, NotFoundError, recordEvent, type CommandContext } from './context.js';
import { FieldErrorCollector } from './validation.js';

export type QuickReply = typeof quickReplies.$inferSelect;

export interface Props {
  actor: Viewer;
  /** The template to change; absent to create one. */
  id?: number;
  /** 1–32 letters (Latin or Cyrillic), digits, `_`, `-`; unique ignoring case (core/quickReply). */
  name: string;
  /** Telegram HTML of the checked subset with `{variables}` (core/quickReply); at most 4096 characters of text. */
  body: string;
}

const REFUSED = 'Быстрые ответы ведут только менеджеры';

/** Refuses (403) anyone but our managers and admins (`mayUseQuickReplies`). */
export async function requireQuickReplies(tx: Pick<Tx, 'db'>, actor: Viewer): Promise<void> {
  if (!(await mayUseQuickReplies(tx.db, actor))) throw new ForbiddenError(REFUSED);
}

/**
 * Creates or updates a quick reply. Errors: 403 for others than our staff;
 * 404 for an unknown `id`; 400 FieldErrors — `name` (form, or taken by
 * another template ignoring case), `body` (empty, an unknown `{variable}`,
 * markup Telegram would refuse, longer than 4096 characters).
 */
export async function saveQuickReply(ctx: CommandContext, props: Props, tx?: Tx): Promise<QuickReply> {
  return inTransaction(ctx, tx, async (tx) => {
    await requireQuickReplies(tx, props.actor);
    const name = (props.name ?? '').trim();
    const body = (props.body ?? '').replace(/\r\n?/g, '\n');
    const errors = new FieldErrorCollector();
    errors.add('name', checkTemplateName(name));
    errors.add('body', checkTemplateBody(body));
    // One writer at a time decides whether a name is free (the unique index backs it).
    await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext('quick_replies'))`);
    let before: QuickReply | undefined;
    if (props.id !== undefined) {
      [before] = await tx.db.select().from(quickReplies).where(eq(quickReplies.id, props.id)).for('update');
      if (!before) throw new NotFoundError('Быстрый ответ не найден');
    }
    if (!('name' in errors.fields)) {
      const [taken] = await tx.db.select({ id: quickReplies.id }).from(quickReplies).where(sql`lower(${quickReplies.name}) = lower(${name})`);
      if (taken && taken.id !== props.id) errors.add('name', 'Такое название уже есть');
    }
    errors.throwIfAny();
    const [saved] = before
      ? await tx.db.update(quickReplies).set({ name, body, updatedBy: props.actor.userId, updatedAt: new Date() }).where(eq(quickReplies.id, before.id)).returning()
      : await tx.db.insert(quickReplies).values({ name, body, createdBy: props.actor.userId, updatedBy: props.actor.userId }).returning();
    await recordEvent(tx, {
      actor: { userId: props.actor.userId },
      subjectType: 'quick_reply',
      subjectId: saved!.id,
      name: before ? 'quick_reply.updated' : 'quick_reply.created',
      before: before ? { name: before.name, body: before.body } : null,
      after: { name, body },
    });
    return saved!;
  });
}

/** Deletes a quick reply. Errors: 403 for others than our staff; 404 for an unknown id. */
export async function deleteQuickReply(ctx: CommandContext, props: { actor: Viewer; id: number }, tx?: Tx): Promise<void> {
  return inTransaction(ctx, tx, async (tx) => {
    await requireQuickReplies(tx, props.actor);
    const [deleted] = await tx.db.delete(quickReplies).where(eq(quickReplies.id, props.id)).returning();
    if (!deleted) throw new NotFoundError('Быстрый ответ не найден');
    await recordEvent(tx, {
      actor: { userId: props.actor.userId },
      subjectType: 'quick_reply',
      subjectId: deleted.id,
      name: 'quick_reply.deleted',
      before: { name: deleted.name, body: deleted.body },
    });
  });
}

/** Every quick reply, by name (case-insensitively), with its file's name (null without one). */
export async function listQuickReplies(tx: Pick<Tx, 'db'>): Promise<Array<QuickReply & { fileName: string | null }>> {
  const rows = await tx.db
    .select({ reply: quickReplies, fileName: documents.name })
    .from(quickReplies)
    .leftJoin(documents, eq(documents.id, quickReplies.documentId))
    .orderBy(asc(sql`lower(${quickReplies.name})`), asc(quickReplies.id));
  return rows.map((row) => ({ ...row.reply, fileName: row.fileName }));
}
