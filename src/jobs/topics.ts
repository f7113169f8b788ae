/**
 * A dialog's forum topic and its client card, created when the outbox first
 * needs the topic and recreated when a manager deleted it. Only the outbox
 * worker holding the managers' chat lease calls this, so a dialog never gets
 * two topics.
 */
import type { Api } from 'grammy';
import { GrammyError } from 'grammy';
import { desc, eq } from 'drizzle-orm';
import type { CommandContext } from '../commands/context.js';
import { clients, dialogs, requests } from '../db/schema.js';
import { renderClientCard, topicName } from '../core/clientCard.js';
import type { RateLimiter } from './rateLimits.js';

export const MANAGERS_TIME_ZONE = 'Europe/Moscow';

export class Topics {
  constructor(
    private readonly ctx: CommandContext,
    private readonly api: Api,
    private readonly limiter: RateLimiter,
  ) {}

  private async load(dialogId: number) {
    const db = this.ctx.database.db;
    const [row] = await db
      .select({ dialog: dialogs, client: clients })
      .from(dialogs)
      .innerJoin(clients, eq(clients.id, dialogs.clientId))
      .where(eq(dialogs.id, dialogId));
    if (!row) throw new Error(`Dialog ${dialogId} does not exist`);
    return row;
  }

  private async cardHtml(dialogId: number): Promise<string> {
    const { client } = await this.load(dialogId);
    const clientRequests = await this.ctx.database.db
      .select({ id: requests.id, number: requests.number, status: requests.status })
      .from(requests)
      .where(eq(requests.dialogId, dialogId))
      .orderBy(desc(requests.createdAt))
      .limit(10);
    return renderClientCard({
      telegramUserId: client.telegramUserId,
      firstName: client.firstName,
      lastName: client.lastName,
      username: client.username,
      language: client.language,
      firstContactAt: client.createdAt,
      blocked: Boolean(client.blockedAt),
      requests: clientRequests,
      publicUrl: this.ctx.config.publicUrl,
      timeZone: MANAGERS_TIME_ZONE,
    });
  }

  /**
   * Topics known to exist with their card, by dialog: the common case costs no
   * query. A stale entry (another instance recreated the topic) shows up as
   * "message thread not found" and is forgotten.
   */
  private readonly known = new Map<number, number>();

  /** The dialog's topic id, creating the topic (and its client card) if there is none. */
  async ensure(dialogId: number): Promise<number> {
    const cached = this.known.get(dialogId);
    if (cached !== undefined) return cached;
    const { dialog, client } = await this.load(dialogId);
    const chatId = dialog.managersChatId;
    let topicId = dialog.topicId;
    if (topicId === null) {
      await this.limiter.take(chatId);
      const topic = await this.api.createForumTopic(chatId, topicName(client));
      topicId = topic.message_thread_id;
      // Saved before the card is sent: a failed card must not cost a second topic.
      await this.ctx.database.db
        .update(dialogs)
        .set({ topicId, clientCardMessageId: null, status: 'open' })
        .where(eq(dialogs.id, dialogId));
      this.ctx.log.info(`Opened topic ${topicId} in ${chatId} for dialog ${dialogId}`);
    }
    if (dialog.topicId === null || dialog.clientCardMessageId === null) {
      await this.limiter.take(chatId);
      const card = await this.api.sendMessage(chatId, await this.cardHtml(dialogId), {
        message_thread_id: topicId,
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      });
      await this.ctx.database.db.update(dialogs).set({ clientCardMessageId: card.message_id }).where(eq(dialogs.id, dialogId));
    }
    if (this.known.size > 10_000) this.known.clear();
    this.known.set(dialogId, topicId);
    return topicId;
  }

  /** The topic is gone (a manager deleted it): the next call to ensure() creates a new one. */
  async forget(dialogId: number): Promise<void> {
    this.known.delete(dialogId);
    this.ctx.log.warn(`The topic of dialog ${dialogId} was deleted; it will be recreated with the client card`);
    await this.ctx.database.db.update(dialogs).set({ topicId: null, clientCardMessageId: null }).where(eq(dialogs.id, dialogId));
  }

  /** Edits the client card in place; posts a new one if the old card is gone. */
  async refreshCard(dialogId: number): Promise<void> {
    const threadId = await this.ensure(dialogId);
    const { dialog } = await this.load(dialogId);
    const html = await this.cardHtml(dialogId);
    const chatId = dialog.managersChatId;
    if (dialog.clientCardMessageId) {
      try {
        await this.limiter.take(chatId);
        await this.api.editMessageText(chatId, dialog.clientCardMessageId, html, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
        });
        return;
      } catch (error) {
        if (error instanceof GrammyError && /message is not modified/.test(error.description)) return;
        if (!(error instanceof GrammyError && /message to edit not found/.test(error.description))) throw error;
      }
    }
    await this.limiter.take(chatId);
    const card = await this.api.sendMessage(chatId, html, {
      message_thread_id: threadId,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
    await this.ctx.database.db.update(dialogs).set({ clientCardMessageId: card.message_id }).where(eq(dialogs.id, dialogId));
  }
}
