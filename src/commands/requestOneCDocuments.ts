/**
 * «📄 Документы 1С» on the action card, by `ONEC_MODE`:
 * - `link`: a message in the topic with a button that opens the request's
 *   document in 1C (`ONEC_LINK_TEMPLATE`);
 * - `http`: a `onec.documents` job asks the 1C HTTP service for the documents
 *   (docs/1c-http-contract.md) and sends them into the topic;
 * - `off` (or `link` without a template): the same job generates them in
 *   Hotline as PDF (src/integrations/onec/generated.ts).
 * Returns the short answer for the button press.
 */
import type { Tx } from '../db/index.js';
import type { requests } from '../db/schema.js';
import { oneCLink } from '../core/oneCLink.js';
import { recordEvent, type Actor, type CommandContext } from './context.js';
import { enqueueTelegram } from './telegramOutbox.js';

export const ONEC_DOCUMENTS_QUEUE = 'onec.documents';

export interface OneCDocumentsJob {
  requestId: number;
  /** The card message the answers in the topic reply to. */
  cardMessageId?: number;
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
  await ctx.jobs.send(tx, ONEC_DOCUMENTS_QUEUE, { requestId: request.id, cardMessageId: props.cardMessageId } satisfies OneCDocumentsJob, {
    singletonKey: `onec:${request.id}`,
  });
  await recordEvent(tx, { actor: props.actor, subjectType: 'request', subjectId: request.id, name: 'request.documentsRequested', after: { mode } });
  return { answer: mode === 'http' ? 'Запросил документы в 1С — пришлю их в тему' : 'Формирую поручение агенту и счёт — пришлю их в тему' };
}
