/**
 * Labels on clients (issue 19.5): a manager adds (`/label vip opt` in the
 * client's topic, or the client page) or removes (`/unlabel vip`, the page)
 * labels on a client. The rule of a label is core/labels; the rows are
 * `client_labels`. Each label added or removed is one event
 * (`client.label_added` / `client.label_removed`, subject the client,
 * `after: { label }`) — the client page's timeline shows them. The client
 * card in the topic shows the labels: its refresh is queued in the outbox,
 * once per dialog while one is still waiting (so a burst of label changes
 * costs the managers' group one edit, paced by the outbox's limits).
 */
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { clientLabels, clients, dialogs } from '../db/schema.js';
import { LABELS_PER_CLIENT_MAX, LABEL_MAX, mixesScripts, normaliseLabel } from '../core/labels.js';
import { mayLabelClients, type Viewer } from '../policies/access.js';
import { ForbiddenError, inTransaction, NotFoundError, recordEvent, type CommandContext } from './context.js';
import { REFRESH_CLIENT_CARD, cardQueue, enqueueTelegram } from './telegramOutbox.js';
import { FieldErrors } from './validation.js';

export interface Props {
  actor: Viewer;
  clientId: number;
  /** Labels to add, one label per item as typed (normalised here: core/labels `normaliseLabel`). */
  add?: string[];
  /** Labels to remove, one per item as typed (normalised here). */
  remove?: string[];
}

export interface LabelsState {
  /** The client's labels after the change, alphabetical. */
  labels: string[];
  /** What was really added / removed (a label already there, or not there, is left out). */
  added: string[];
  removed: string[];
}

/** The message of a label that breaks the rule (400 beside its item, `add.0`), naming it (a long one cut at 40 characters, with «…»). */
export const labelRuleMessage = (typed: string) =>
  `Метка «${typed.length > 40 ? `${typed.slice(0, 40)}…` : typed}» не подходит: от 1 до ${LABEL_MAX} букв, цифр, _ или -, без пробелов`;

/** The message of a new label that mixes Latin and Cyrillic letters (400 beside its item; core/labels `mixesScripts`). */
export const mixedScriptsMessage = (label: string) => `Метка «${label}» не подходит: в ней и латинские, и русские буквы — напишите её одним алфавитом`;

/**
 * Adds and removes labels on one client in one transaction and returns the
 * labels after it. Removing a label the client has not, or adding one it has,
 * changes nothing (and writes nothing).
 * Errors: 403 ForbiddenError for anyone but our staff (`mayLabelClients`);
 * 404 NotFoundError for an unknown client; 400 FieldErrors keyed by the
 * item (`add.0`, `remove.2`, every bad one at once) when a label breaks the
 * rule of core/labels, or a new one mixes Latin and Cyrillic letters (nothing
 * is changed then, not even the good ones), or `add` when the client would
 * carry more than LABELS_PER_CLIENT_MAX.
 */
export async function labelClient(ctx: CommandContext, props: Props, tx?: Tx): Promise<LabelsState> {
  return inTransaction(ctx, tx, async (tx) => {
    if (!(await mayLabelClients(tx.db, props.actor))) throw new ForbiddenError('Метки клиентов ставят только менеджеры');
    const add = normaliseAll(props.add ?? []);
    const remove = normaliseAll(props.remove ?? []);
    // Each refused label beside its item (`add.1`), all of them at once, as the API keys every list item.
    const refused: Record<string, string> = {};
    for (const [list, { invalid }] of [['add', add], ['remove', remove]] as const) {
      for (const { index, typed } of invalid) refused[`${list}.${index}`] = labelRuleMessage(typed);
    }
    (props.add ?? []).forEach((typed, index) => {
      const label = normaliseLabel(typed);
      if (label !== undefined && mixesScripts(label)) refused[`add.${index}`] ??= mixedScriptsMessage(label);
    });
    if (Object.keys(refused).length > 0) throw new FieldErrors(refused);
    // The client row is the lock: two changes of one client's labels go one after the other.
    const [client] = await tx.db.select({ id: clients.id }).from(clients).where(eq(clients.id, props.clientId)).for('update');
    if (!client) throw new NotFoundError('Клиент не найден');
    const current = await labelsOf(tx, client.id);
    const removed = remove.labels.filter((label) => current.includes(label));
    const added = add.labels.filter((label) => !current.includes(label) && !remove.labels.includes(label));
    const after = [...current.filter((label) => !removed.includes(label)), ...added].sort();
    if (after.length > LABELS_PER_CLIENT_MAX) throw new FieldErrors({ add: `У клиента не больше ${LABELS_PER_CLIENT_MAX} меток` });
    if (removed.length === 0 && added.length === 0) return { labels: current, added, removed };
    if (removed.length > 0) await tx.db.delete(clientLabels).where(and(eq(clientLabels.clientId, client.id), inArray(clientLabels.label, removed)));
    if (added.length > 0) {
      await tx.db.insert(clientLabels).values(added.map((label) => ({ clientId: client.id, label, createdBy: props.actor.userId })));
    }
    for (const label of removed) {
      await recordEvent(tx, { actor: { userId: props.actor.userId }, subjectType: 'client', subjectId: client.id, name: 'client.label_removed', before: { label }, after: { label } });
    }
    for (const label of added) {
      await recordEvent(tx, { actor: { userId: props.actor.userId }, subjectType: 'client', subjectId: client.id, name: 'client.label_added', before: null, after: { label } });
    }
    await refreshCardOnce(ctx, tx, client.id);
    tx.afterCommit(() => ctx.live.publish({ channel: 'dialogs', type: 'message', data: { clientId: client.id } }));
    return { labels: after, added, removed };
  });
}

/** Each item normalised (core/labels), each label once in the order given; the items that break the rule, as given. */
function normaliseAll(typed: string[]): { labels: string[]; invalid: Array<{ index: number; typed: string }> } {
  const labels: string[] = [];
  const invalid: Array<{ index: number; typed: string }> = [];
  for (const [index, item] of typed.entries()) {
    const label = normaliseLabel(item);
    if (label === undefined) invalid.push({ index, typed: item });
    else if (!labels.includes(label)) labels.push(label);
  }
  return { labels, invalid };
}

/** A client's labels, alphabetical. */
export async function labelsOf(tx: Pick<Tx, 'db'>, clientId: number): Promise<string[]> {
  const rows = await tx.db.select({ label: clientLabels.label }).from(clientLabels).where(eq(clientLabels.clientId, clientId)).orderBy(asc(clientLabels.label));
  return rows.map((row) => row.label);
}

/** Every label in use and how many clients carry it, most used first (for the lists' filter). */
export async function labelsInUse(tx: Pick<Tx, 'db'>): Promise<Array<{ label: string; clients: number }>> {
  const rows = await tx.db
    .select({ label: clientLabels.label, clients: count() })
    .from(clientLabels)
    .groupBy(clientLabels.label)
    .orderBy(sql`count(*) desc`, asc(clientLabels.label))
    .limit(500);
  return rows.map((row) => ({ label: row.label, clients: Number(row.clients) }));
}

/**
 * Queues a refresh of the client card of the client's dialog — unless one is
 * already waiting in the outbox and not yet taken by a worker: that one will
 * read the labels as they are when it runs. A dialog without a topic gets the
 * labels in its first card.
 */
async function refreshCardOnce(ctx: CommandContext, tx: Tx, clientId: number): Promise<void> {
  const [dialog] = await tx.db.select({ id: dialogs.id, chatId: dialogs.managersChatId, topicId: dialogs.topicId }).from(dialogs).where(eq(dialogs.clientId, clientId));
  if (!dialog || dialog.topicId === null) return;
  const waiting = await tx.db.execute(sql`
    select 1 from telegram_outbox
     where queue = ${cardQueue(dialog.id)} and method = ${REFRESH_CLIENT_CARD} and state = 'pending' and lease_until is null
     limit 1`);
  if (waiting.rows.length > 0) return;
  await enqueueTelegram(ctx, tx, { chatId: dialog.chatId, method: 'hotline.refreshClientCard', target: { topicOfDialog: dialog.id } });
}
