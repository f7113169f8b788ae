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
 *   Hotline as PDF (src/integrations/onec/generated.ts). While our
 *   organization's requisites are blank or wrong, it first warns in the topic
 *   (what is missing, where to fill it) and makes them only on
 *   «Сформировать как есть» (`anyway`).
 * Returns the short answer for the button press. Texts: the bot's Fluent
 * files (`onec-*`), in the managers' language.
 */
import type { Tx } from '../db/index.js';
import { and, eq } from 'drizzle-orm';
import { events, organizations, requests } from '../db/schema.js';
import { cardCallbackData } from '../core/actionCard.js';
import { escapeHtml } from '../core/html.js';
import { oneCLink } from '../core/oneCLink.js';
import { incompleteOrganizationRequisites } from '../core/requisites.js';
import { botText, MANAGERS_LOCALE } from './botTexts.js';
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
  request: Pick<typeof requests.$inferSelect, 'id' | 'number' | 'onecRef' | 'dialogId' | 'version'>;
  dialog: { id: number; managersChatId: number };
  cardMessageId: number;
  actor: Actor;
  /** Generate even though our requisites are incomplete (the warning's «Сформировать как есть»). */
  anyway?: boolean;
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
        text: botText(MANAGERS_LOCALE, request.onecRef ? 'onec-link' : 'onec-link-unbound', { number: request.number }),
        reply_markup: { inline_keyboard: [[{ text: botText(MANAGERS_LOCALE, 'onec-open-button'), url }]] },
        reply_parameters: { message_id: props.cardMessageId, allow_sending_without_reply: true },
      },
      target: { topicOfDialog: dialog.id },
    });
    return { answer: botText(MANAGERS_LOCALE, 'onec-answer-link') };
  }
  const generated = mode !== 'http' && mode !== 'odata';
  if (generated && !props.anyway) {
    const [ours] = await tx.db.select({ requisites: organizations.requisites }).from(organizations).where(eq(organizations.isOurs, true));
    const missing = incompleteOrganizationRequisites(ours?.requisites ?? {});
    if (missing.length > 0) {
      await enqueueTelegram(ctx, tx, {
        chatId: dialog.managersChatId,
        method: 'sendMessage',
        payload: {
          text: ourRequisitesWarning(ctx.config.publicUrl, missing.map((field) => botText(MANAGERS_LOCALE, `requisite-${field}`))),
          parse_mode: 'HTML',
          reply_markup: { inline_keyboard: [[{ text: botText(MANAGERS_LOCALE, 'onec-make-anyway-button'), callback_data: cardCallbackData(request.id, 'docs_anyway', request.version) }]] },
          reply_parameters: { message_id: props.cardMessageId, allow_sending_without_reply: true },
        },
        target: { topicOfDialog: dialog.id },
      });
      return { answer: botText(MANAGERS_LOCALE, 'onec-answer-requisites-missing'), alert: true };
    }
  }
  await ctx.jobs.send(tx, ONEC_DOCUMENTS_QUEUE, { requestId: request.id, cardMessageId: props.cardMessageId, create: true } satisfies OneCDocumentsJob, {
    singletonKey: `onec:${request.id}`,
  });
  await recordEvent(tx, { actor: props.actor, subjectType: 'request', subjectId: request.id, name: 'request.documentsRequested', after: { mode } });
  return { answer: botText(MANAGERS_LOCALE, mode === 'http' ? 'onec-answer-http' : mode === 'odata' ? 'onec-answer-odata' : 'onec-answer-generated') };
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

/**
 * The topic's warning before Hotline makes documents with our requisites blank: what is missing and where to
 * fill it (a link to the admin page: PUBLIC_URL must be an address Telegram keeps links to, see src/config.ts).
 */
export function ourRequisitesWarning(publicUrl: string, missing: readonly string[]): string {
  const url = `${publicUrl}/admin?tab=requisites`;
  return botText(MANAGERS_LOCALE, 'onec-requisites-warning', { missing: escapeHtml(missing.join(', ')), url: escapeHtml(url) });
}
