/**
 * «📄 Документы 1С» on the action card, by `ONEC_MODE`:
 * - `link`: a message in the topic with a button that opens the request's
 *   document in 1C (`ONEC_LINK_TEMPLATE`);
 * - `http`: a `onec.documents` job asks the 1C HTTP service for the documents
 *   (docs/1c-http-contract.md) and sends them into the topic;
 * - `odata`: the job makes, posts and keeps up to date the request's document
 *   through 1C's standard OData interface (src/integrations/onec/odata.ts)
 *   and answers with «Открыть в 1С»;
 * - `off` (or `link` without a template): the same job generates them in
 *   Hotline as PDF (src/integrations/onec/generated.ts).
 * Returns the short answer for the button press.
 */
import type { Tx } from '../db/index.js';
import { and, eq } from 'drizzle-orm';
import { events, requests } from '../db/schema.js';
import { oneCLink } from '../core/oneCLink.js';
import { recordEvent, type Actor, type CommandContext } from './context.js';
import { enqueueTelegram } from './telegramOutbox.js';

export const ONEC_DOCUMENTS_QUEUE = 'onec.documents';

export interface OneCDocumentsJob {
  requestId: number;
  /** The card message the answers in the topic reply to. */
  cardMessageId?: number;
  /** `odata` mode: the manager asked for the document, so make it if 1C has none (a change of terms or a cancellation only updates one that exists). */
  create?: boolean;
}

export interface OneCDocumentsProps {
  request: Pick<typeof requests.$inferSelect, 'id' | 'number' | 'onecRef' | 'dialogId'>;
  dialog: { id: number; managersChatId: number };
  cardMessageId: number;
  actor: Actor;
}

export async function requestOneCDocuments(ctx: CommandContext, tx: Tx, props: OneCDocumentsProps): Promise<{ answer: string; alert?: boolean }> {
  const { mode, linkTemplate } = ctx.config.onec;
  const { request, dialog } = props;
  if (mode === 'link' && linkTemplate) {
    const url = oneCLink(linkTemplate, { ref: request.onecRef, number: request.number });
    await enqueueTelegram(ctx, tx, {
      chatId: dialog.managersChatId,
      method: 'sendMessage',
      payload: {
        text: `Заявка №${request.number} в 1С${request.onecRef ? '' : ' (документ ещё не связан — откроется по номеру)'}`,
        reply_markup: { inline_keyboard: [[{ text: '📄 Открыть в 1С', url }]] },
        reply_parameters: { message_id: props.cardMessageId, allow_sending_without_reply: true },
      },
      target: { topicOfDialog: dialog.id },
    });
    return { answer: 'Ссылка на 1С — в теме' };
  }
  await ctx.jobs.send(tx, ONEC_DOCUMENTS_QUEUE, { requestId: request.id, cardMessageId: props.cardMessageId, create: true } satisfies OneCDocumentsJob, {
    singletonKey: `onec:${request.id}`,
  });
  await recordEvent(tx, { actor: props.actor, subjectType: 'request', subjectId: request.id, name: 'request.documentsRequested', after: { mode } });
  const answers = { http: 'Запросил документы в 1С — пришлю их в тему', odata: 'Создаю документ в 1С — ссылка на него придёт в тему' };
  return { answer: mode === 'http' || mode === 'odata' ? answers[mode] : 'Формирую поручение агенту и счёт — пришлю их в тему' };
}

/**
 * `ONEC_MODE=odata`: after a change of terms or a cancellation, a job brings
 * the request's 1C document in line (updates, re-posts or unposts it). Only a
 * request whose document was asked for has one; for the others the job finds
 * nothing to do. Call inside the changing command's transaction.
 */
export async function scheduleOneCSync(ctx: CommandContext, tx: Tx, requestId: number): Promise<void> {
  if (ctx.config.onec.mode !== 'odata') return;
  const [request] = await tx.db.select({ id: requests.id, onecRef: requests.onecRef }).from(requests).where(eq(requests.id, requestId));
  if (!request) return;
  const [asked] = await tx.db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.subjectType, 'request'), eq(events.subjectId, request.id), eq(events.name, 'request.documentsRequested')))
    .limit(1);
  if (!request.onecRef && !asked) return;
  await ctx.jobs.send(tx, ONEC_DOCUMENTS_QUEUE, { requestId: request.id } satisfies OneCDocumentsJob);
}
