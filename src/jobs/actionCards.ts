/**
 * Posts, edits and pins a request's action card when the outbox reaches a
 * `hotline.refreshActionCard` row. The card is rendered at that moment from
 * the request as it is then, so one refresh shows every change before it.
 * A card that was deleted is posted anew and pinned; a final card (completed,
 * cancelled) loses its buttons and is unpinned.
 */
import { GrammyError, type Api } from 'grammy';
import { eq } from 'drizzle-orm';
import crypto from 'node:crypto';
import type { CommandContext } from '../commands/context.js';
import { renderActionCard } from '../core/actionCard.js';
import { oneCNavigationUrl } from '../core/oneCOData.js';
import { actionCards, clients, dialogs, documents, requests } from '../db/schema.js';
import type { RateLimiter } from './rateLimits.js';
import { botText, MANAGERS_LOCALE, textsFor } from '../commands/botTexts.js';

export class ActionCards {
  constructor(
    private readonly ctx: CommandContext,
    private readonly api: Api,
    private readonly limiter: RateLimiter,
  ) {}

  private async render(requestId: number) {
    const db = this.ctx.database.db;
    const [row] = await db
      .select({ request: requests, dialog: dialogs, client: clients, card: actionCards })
      .from(requests)
      .innerJoin(dialogs, eq(dialogs.id, requests.dialogId))
      .innerJoin(clients, eq(clients.id, dialogs.clientId))
      .leftJoin(actionCards, eq(actionCards.requestId, requests.id))
      .where(eq(requests.id, requestId));
    if (!row) return undefined;
    const { request, client, card } = row;
    const generated = await db.select({ id: documents.id, source: documents.source }).from(documents).where(eq(documents.requestId, requestId));
    const fromOneC = generated.filter((d) => d.source === 'onec' || d.source === 'generated').length;
    const terms = request.terms;
    const rendered = renderActionCard({
      requestId: request.id,
      number: request.number,
      status: request.status,
      clientName: [client.firstName, client.lastName].filter(Boolean).join(' ') + (client.username ? ` (@${client.username})` : ''),
      amount: request.amount,
      currency: request.currency,
      fundingCurrency: request.fundingCurrency,
      terms: terms
        ? { rate: terms.rate!, feePercent: terms.feePercent!, fixedFee: terms.fixedFee!, fee: terms.fee!, total: terms.total!, days: terms.days! }
        : undefined,
      beneficiaryName: request.beneficiary.name ?? '—',
      beneficiaryCountry: request.beneficiaryCountry,
      purpose: request.purpose,
      deadline: request.deadline,
      documentsNote: fromOneC ? botText(MANAGERS_LOCALE, 'action-documents-made', { count: String(fromOneC) }) : undefined,
      publicUrl: this.ctx.config.publicUrl,
      confirming: (card?.confirming as 'complete' | 'cancel' | null) ?? undefined,
      version: request.version,
      oneCUrl: this.oneCUrl(request.onecRef),
    }, textsFor(MANAGERS_LOCALE));
    const hash = crypto.createHash('sha256').update(JSON.stringify(rendered)).digest('hex').slice(0, 32);
    return { ...rendered, hash, request, card, final: request.status === 'completed' || request.status === 'cancelled' };
  }

  /** «Открыть в 1С» on the card: only in odata mode, where onecRef is the document's Ref_Key. */
  private oneCUrl(ref: string | null): string | undefined {
    const { mode, odata } = this.ctx.config.onec;
    if (mode !== 'odata' || !ref || !odata.webUrl) return undefined;
    try {
      return oneCNavigationUrl(odata.webUrl, odata.mapping.document, ref);
    } catch {
      return undefined;
    }
  }

  /** @param threadId the dialog's topic, already ensured by the outbox. */
  async refresh(requestId: number, chatId: number, threadId: number): Promise<void> {
    const card = await this.render(requestId);
    if (!card) return;
    const db = this.ctx.database.db;
    const markup = { inline_keyboard: card.keyboard };
    const existing = card.card?.messageId && card.card.topicId === threadId ? card.card.messageId : undefined;
    if (existing) {
      if (card.card?.renderedHash === card.hash && card.card.pinned === !card.final) return;
      try {
        await this.limiter.sending(chatId, () =>
          this.api.editMessageText(chatId, existing, card.html, {
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
            reply_markup: markup,
          }),
        );
      } catch (error) {
        const description = error instanceof GrammyError ? error.description : '';
        if (!/message is not modified/.test(description)) {
          if (!/message to edit not found|MESSAGE_ID_INVALID/.test(description)) throw error;
          return this.post(requestId, chatId, threadId, card.html, markup, card.hash, card.final);
        }
      }
      await this.setPinned(requestId, chatId, existing, !card.final, card.card?.pinned ?? false);
      await db.update(actionCards).set({ renderedHash: card.hash, updatedAt: new Date() }).where(eq(actionCards.requestId, requestId));
      return;
    }
    await this.post(requestId, chatId, threadId, card.html, markup, card.hash, card.final);
  }

  private async post(
    requestId: number,
    chatId: number,
    threadId: number,
    html: string,
    markup: { inline_keyboard: unknown[] },
    hash: string,
    final: boolean,
  ): Promise<void> {
    const message = await this.limiter.sending(chatId, () =>
      this.api.sendMessage(chatId, html, {
        message_thread_id: threadId,
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        reply_markup: markup as never,
      }),
    );
    await this.ctx.database.db
      .insert(actionCards)
      .values({ requestId, managersChatId: chatId, topicId: threadId, messageId: message.message_id, renderedHash: hash, pinned: false })
      .onConflictDoUpdate({
        target: actionCards.requestId,
        set: { managersChatId: chatId, topicId: threadId, messageId: message.message_id, renderedHash: hash, pinned: false, updatedAt: new Date() },
      });
    await this.setPinned(requestId, chatId, message.message_id, !final, false);
  }

  private async setPinned(requestId: number, chatId: number, messageId: number, pin: boolean, pinned: boolean): Promise<void> {
    if (pin === pinned) return;
    try {
      await this.limiter.sending(chatId, () => (pin ? this.api.pinChatMessage(chatId, messageId, { disable_notification: true }) : this.api.unpinChatMessage(chatId, messageId)));
    } catch (error) {
      // Unpinning a message that is no longer pinned is not a failure.
      if (pin || !(error instanceof GrammyError && error.error_code === 400)) throw error;
    }
    await this.ctx.database.db.update(actionCards).set({ pinned: pin }).where(eq(actionCards.requestId, requestId));
  }
}
