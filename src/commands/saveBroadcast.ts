/**
 * Broadcasts kept on the platform (issue 19.5): our staff write a draft —
 * title, text (core/quickReply's HTML with `{client}` / `{manager}`), labels —
 * and change it until it is started (commands/startBroadcast). Also the reads
 * the page needs: the list, one broadcast with its progress, its report.
 */
import { desc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { broadcasts, telegramOutbox } from '../db/schema.js';
import { checkTemplateBody } from '../core/quickReply.js';
import { BROADCAST_VARIABLES, checkBroadcastTitle, failureReason, normalizeLabels, testDelivery, type RecipientOutcome, type RecipientReason, type TestDelivery, type TestFailure } from '../core/broadcast.js';
import { maySendBroadcasts, type Viewer } from '../policies/access.js';
import { ConflictError, ForbiddenError, inTransaction, NotFoundError, recordEvent, type CommandContext } from './context.js';
import { FieldErrorCollector } from './validation.js';

export type Broadcast = typeof broadcasts.$inferSelect;

const REFUSED = 'Рассылки отправляют только менеджеры и администраторы';
export const NOT_FOUND = 'Рассылка не найдена';
export const NOT_DRAFT = 'Рассылка уже запущена: её текст и метки не меняются';

/** Refuses (403) anyone but our managers and admins (`maySendBroadcasts`). */
export async function requireBroadcasts(tx: Pick<Tx, 'db'>, actor: Viewer): Promise<void> {
  if (!(await maySendBroadcasts(tx.db, actor))) throw new ForbiddenError(REFUSED);
}

export interface Props {
  actor: Viewer;
  /** The draft to change; absent to create one. */
  id?: number;
  /** 1–100 characters, for lists and the report (never sent). */
  title: string;
  /** Telegram HTML of the quick replies' subset with `{client}` / `{manager}`; at most 4096 characters of text. */
  body: string;
  /** Clients having any of these labels get it (normalised as core/labels: `#` dropped, lower-case). */
  labels: string[];
}

/**
 * Creates or changes a draft. Errors: 403 for others than our staff; 404 for
 * an unknown `id`; 400 FieldErrors — `title`, `body` (as quick replies, with
 * the broadcast's variables), `labels` (none, more than 20); 409 when the
 * broadcast is no longer a draft. Changing the text forgets its test send.
 */
export async function saveBroadcast(ctx: CommandContext, props: Props, tx?: Tx): Promise<Broadcast> {
  return inTransaction(ctx, tx, async (tx) => {
    await requireBroadcasts(tx, props.actor);
    const title = (props.title ?? '').trim();
    const body = (props.body ?? '').replace(/\r\n?/g, '\n');
    const labels = normalizeLabels(props.labels ?? []);
    const errors = new FieldErrorCollector();
    errors.add('title', checkBroadcastTitle(title));
    errors.add('body', checkTemplateBody(body, BROADCAST_VARIABLES));
    for (const [field, message] of Object.entries(labels.errors)) errors.add(field, message);
    let before: Broadcast | undefined;
    if (props.id !== undefined) {
      [before] = await tx.db.select().from(broadcasts).where(eq(broadcasts.id, props.id)).for('update');
      if (!before) throw new NotFoundError(NOT_FOUND);
      if (before.state !== 'draft') throw new ConflictError(NOT_DRAFT);
    }
    errors.throwIfAny();
    const [saved] = before
      ? await tx.db.update(broadcasts).set({ title, body, labels: labels.labels, updatedAt: new Date() }).where(eq(broadcasts.id, before.id)).returning()
      : await tx.db.insert(broadcasts).values({ title, body, labels: labels.labels, createdBy: props.actor.userId }).returning();
    await recordEvent(tx, {
      actor: { userId: props.actor.userId },
      subjectType: 'broadcast',
      subjectId: saved!.id,
      name: before ? 'broadcast.updated' : 'broadcast.created',
      before: before ? { title: before.title, body: before.body, labels: before.labels } : null,
      after: { title, body, labels: labels.labels },
    });
    return saved!;
  });
}

/** Counts of a broadcast's recipients by outcome; `left` = not yet answered by Telegram (or not yet handed to the outbox). */
export interface Progress {
  total: number;
  sent: number;
  failed: number;
  skipped: number;
  left: number;
}

const PROGRESS = sql`count(*)::int as total,
  count(*) filter (where o.state = 'sent')::int as sent,
  count(*) filter (where o.state = 'failed')::int as failed,
  count(*) filter (where r.state = 'skipped')::int as skipped,
  count(*) filter (where r.state = 'pending' or (r.state = 'queued' and o.state = 'pending'))::int as left`;

/**
 * Where the test of the current body stands (core/broadcast testDelivery),
 * null when the current body was not test-sent (never, or the text changed).
 */
export type TestState = { delivery: TestDelivery; failure: TestFailure | null; detail: string | null } | null;

/** The test states of these broadcasts, by id: their test outbox rows read at once. */
async function testStates(tx: Pick<Tx, 'db'>, rows: Broadcast[]): Promise<Map<number, TestState>> {
  const ids = rows.filter((b) => b.testedOutboxId !== null).map((b) => b.testedOutboxId!);
  const outbox = ids.length
    ? await tx.db.select({ id: telegramOutbox.id, state: telegramOutbox.state, lastError: telegramOutbox.lastError }).from(telegramOutbox).where(inArray(telegramOutbox.id, ids))
    : [];
  const byOutbox = new Map(outbox.map((o) => [o.id, o]));
  return new Map(
    rows.map((b) => [b.id, b.testedBody !== null && b.testedBody === b.body && b.testedOutboxId !== null ? testDelivery(byOutbox.get(b.testedOutboxId)) : null]),
  );
}

/** The broadcast or 404 (our staff only: 403 for others), with its progress, its tester's name and its test's state. */
export async function getBroadcast(tx: Pick<Tx, 'db'>, actor: Viewer, id: number): Promise<Broadcast & { progress: Progress; testedByName: string | null; test: TestState }> {
  await requireBroadcasts(tx, actor);
  const [row] = await tx.db.select().from(broadcasts).where(eq(broadcasts.id, id));
  if (!row) throw new NotFoundError(NOT_FOUND);
  const counts = await tx.db.execute<Record<keyof Progress, number>>(sql`select ${PROGRESS}
    from broadcast_recipients r left join telegram_outbox o on o.id = r.outbox_id where r.broadcast_id = ${id}`);
  const tester = row.testedBy ? await tx.db.execute<{ name: string }>(sql`select name from users where id = ${row.testedBy}`) : undefined;
  const test = (await testStates(tx, [row])).get(row.id) ?? null;
  return { ...row, progress: toProgress(counts.rows[0]), testedByName: tester?.rows[0]?.name ?? null, test };
}

function toProgress(row: Record<string, unknown> | undefined): Progress {
  const n = (key: string) => Number(row?.[key] ?? 0);
  return { total: n('total'), sent: n('sent'), failed: n('failed'), skipped: n('skipped'), left: n('left') };
}

/** Every broadcast, newest first (at most 200), with its progress. */
export async function listBroadcasts(tx: Pick<Tx, 'db'>, actor: Viewer): Promise<Array<Broadcast & { progress: Progress; test: TestState }>> {
  await requireBroadcasts(tx, actor);
  const rows = await tx.db.select().from(broadcasts).orderBy(desc(broadcasts.id)).limit(200);
  if (rows.length === 0) return [];
  const counts = await tx.db.execute<Record<string, unknown>>(sql`select r.broadcast_id, ${PROGRESS}
    from broadcast_recipients r left join telegram_outbox o on o.id = r.outbox_id
    where r.broadcast_id in (${sql.join(rows.map((b) => sql`${b.id}`), sql`, `)}) group by r.broadcast_id`);
  const byId = new Map(counts.rows.map((c) => [Number(c.broadcast_id), toProgress(c)]));
  const tests = await testStates(tx, rows);
  return rows.map((b) => ({ ...b, progress: byId.get(b.id) ?? toProgress(undefined), test: tests.get(b.id) ?? null }));
}

/** One line of the report: who, and what became of their message. */
export interface ReportLine {
  clientId: number;
  name: string;
  username: string | null;
  telegramUserId: number;
  outcome: RecipientOutcome;
  /** Why not sent (skipped or failed), null otherwise. */
  reason: RecipientReason | null;
  /** Telegram's words for a failure, as the outbox recorded them. */
  detail: string | null;
  /** ISO time Telegram accepted it (sent only). */
  sentAt: string | null;
}

/** The report: every recipient by name, with outcome and reason (our staff only). */
export async function broadcastReport(tx: Pick<Tx, 'db'>, actor: Viewer, id: number): Promise<ReportLine[]> {
  await getBroadcast(tx, actor, id);
  const result = await tx.db.execute<Record<string, unknown>>(sql`
    select c.id, c.first_name, c.last_name, c.username, c.telegram_user_id, r.state, r.reason, o.state as outbox_state, o.last_error, o.sent_at
      from broadcast_recipients r join clients c on c.id = r.client_id left join telegram_outbox o on o.id = r.outbox_id
     where r.broadcast_id = ${id}
     order by lower(c.first_name), c.id`);
  return result.rows.map((row) => {
    const outcome: RecipientOutcome = row.state === 'skipped' ? 'skipped' : row.state === 'pending' ? 'pending' : ((row.outbox_state as 'pending' | 'sent' | 'failed' | null) ?? 'pending');
    const detail = outcome === 'failed' ? String(row.last_error ?? '') || null : null;
    return {
      clientId: Number(row.id),
      name: [row.first_name, row.last_name].filter(Boolean).join(' ').trim() || '—',
      username: (row.username as string | null) ?? null,
      telegramUserId: Number(row.telegram_user_id),
      outcome,
      reason: outcome === 'skipped' ? (row.reason as RecipientReason) : outcome === 'failed' ? failureReason(detail) : null,
      detail,
      sentAt: outcome === 'sent' && row.sent_at ? new Date(row.sent_at as string).toISOString() : null,
    };
  });
}
