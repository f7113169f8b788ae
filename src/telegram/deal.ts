/**
 * The deal from the topic: `/new` (the signed link to the request form), the
 * edit commands (`/rate 12.25`, …, `/undo`) and the action card's buttons.
 * Thin: parsing and answers here, the work in commands.
 */
import { Composer } from 'grammy';
import { and, desc, eq } from 'drizzle-orm';
import type { Message } from '@grammyjs/types';
import type { CommandContext } from '../commands/context.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../commands/context.js';
import { changeTerms } from '../commands/changeTerms.js';
import { changeRequestStatus } from '../commands/changeRequestStatus.js';
import { scheduleActionCard, setCardConfirming } from '../commands/actionCards.js';
import { actingManager } from '../commands/ensureManagerUser.js';
import { issueRequestLink, REQUEST_LINK_TTL_SECONDS } from '../commands/issueRequestLink.js';
import { enqueueTelegram } from '../commands/telegramOutbox.js';
import { requestOneCDocuments } from '../commands/requestOneCDocuments.js';
import type { Dialog } from '../commands/dialogs.js';
import { parseCardCallback } from '../core/actionCard.js';
import { EDIT_COMMANDS_HELP_EN, EDIT_COMMANDS_HELP_RU, parseEditCommand } from '../core/editCommands.js';
import { escapeHtml } from '../core/html.js';
import { isFinalStatus, transition } from '../core/requestStatus.js';
import { actionCards, dialogs, requests } from '../db/schema.js';
import { mayRunDeal, requestAccess, type Viewer } from '../policies/access.js';
import type { HotlineContext } from './context.js';
import { botText, clientLocale, MANAGERS_LOCALE } from '../commands/botTexts.js';

type Answer = (text: string, extra?: Record<string, unknown>) => Promise<void>;

/**
 * `/new` in a client's topic: the signed link to the request form, as a
 * `login_url` button (Bot API, LoginUrl). The group sees the message, but the
 * link alone signs nobody in: Telegram adds the presser's signed identity
 * (https://core.telegram.org/widgets/login#checking-authorization) and the
 * platform lets in only the manager who typed /new. Production needs the
 * platform's domain linked to the bot in @BotFather (/setdomain) — Telegram's
 * rule for login_url buttons.
 */
export async function newRequestLink(ctx: CommandContext, c: HotlineContext, dialog: Dialog, answer: Answer): Promise<void> {
  const from = c.message!.from!;
  const { url } = await issueRequestLink(ctx, { dialog, manager: from }, c.tx);
  const minutes = REQUEST_LINK_TTL_SECONDS / 60;
  const manager = escapeHtml([from.first_name, from.last_name].filter(Boolean).join(' '));
  await answer(botText(MANAGERS_LOCALE, 'deal-new-link', { manager, minutes: String(minutes) }), {
    reply_markup: { inline_keyboard: [[{ text: botText(MANAGERS_LOCALE, 'deal-new-link-button'), login_url: { url } }]] },
  });
}

/** The request an edit command is about: the one whose card is replied to, else the dialog's latest accepted one. */
async function targetRequest(c: HotlineContext, dialog: Dialog) {
  const replied = c.message?.reply_to_message;
  if (replied && replied.message_id !== c.message?.message_thread_id) {
    const [card] = await c.tx.db
      .select({ requestId: actionCards.requestId })
      .from(actionCards)
      .where(and(eq(actionCards.managersChatId, dialog.managersChatId), eq(actionCards.messageId, replied.message_id)));
    if (card) return card.requestId;
  }
  const [latest] = await c.tx.db
    .select({ id: requests.id })
    .from(requests)
    .where(and(eq(requests.dialogId, dialog.id), eq(requests.status, 'accepted')))
    .orderBy(desc(requests.createdAt))
    .limit(1);
  return latest?.id;
}

/**
 * An edit command typed in a topic by `manager` (the acting manager, see
 * `actingManager`). Returns false when the text is not an edit command at all
 * (the dispatcher then tries the others).
 */
export async function editTerms(ctx: CommandContext, c: HotlineContext, dialog: Dialog, manager: Viewer, answer: Answer): Promise<boolean> {
  const parsed = parseEditCommand(c.message!.text!, new Date(), { botUsername: c.me?.username, timeZone: ctx.config.answerTime.timeZone });
  if (!parsed) return false;
  if (!parsed.ok) {
    await answer(escapeHtml(parsed.error));
    return true;
  }
  const requestId = await targetRequest(c, dialog);
  if (!requestId) {
    await answer(botText(MANAGERS_LOCALE, 'deal-no-accepted-request'));
    return true;
  }
  try {
    // The note of the change (the same for the request page) is the command's answer in the topic.
    await changeTerms(ctx, { requestId, edit: parsed.edit, actor: { viewer: manager, telegramUserId: c.message!.from!.id }, topicMessageId: c.message!.message_id }, c.tx);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof NotFoundError || error instanceof ForbiddenError) {
      await answer(escapeHtml(error.message));
      return true;
    }
    throw error;
  }
  return true;
}

/** The action card's buttons. Only presses on the current card of a managers' group count. */
export function actionCardButtons(ctx: CommandContext): Composer<HotlineContext> {
  const composer = new Composer<HotlineContext>();
  composer.on('callback_query:data', async (c) => {
    const parsed = parseCardCallback(c.callbackQuery.data);
    const message = c.callbackQuery.message as Message | undefined;
    const reply = (text: string, alert = false) => {
      c.tx.afterCommit(() => void c.answerCallbackQuery({ text, show_alert: alert }).catch(() => undefined));
    };
    if (!parsed || !message) return reply(botText(MANAGERS_LOCALE, 'action-answer-dead-button'));
    if (!ctx.config.telegram.managersChatIds.includes(message.chat.id)) {
      return reply(botText(MANAGERS_LOCALE, 'action-answer-managers-only'), true);
    }
    const [row] = await c.tx.db
      .select({ request: requests, card: actionCards, dialog: dialogs })
      .from(requests)
      .innerJoin(actionCards, eq(actionCards.requestId, requests.id))
      .innerJoin(dialogs, eq(dialogs.id, requests.dialogId))
      .where(eq(requests.id, parsed.requestId))
      .for('update', { of: requests });
    // «Сформировать как есть» is pressed under the bot's warning in the request's own topic, every other button on the card itself.
    const pressedOn =
      parsed.action === 'docs_anyway'
        ? row && message.from?.id === c.me.id && message.message_thread_id === row.dialog.topicId && row.dialog.managersChatId === message.chat.id
        : row && row.card.messageId === message.message_id;
    if (!row || !pressedOn || row.card.managersChatId !== message.chat.id) {
      return reply(botText(MANAGERS_LOCALE, 'action-answer-wrong-card'), true);
    }
    const { request, card, dialog } = row;
    // A member the group's admins restricted from sending (muted) runs no deal: refused before any account is made for them.
    if (c.groupMuted) return reply(botText(clientLocale(c.callbackQuery.from.language_code), 'manager-muted-no-deal'), true);
    // The same rule as the request page's buttons: an enabled manager of ours, acting for the request's customer.
    let manager: Viewer;
    try {
      manager = await actingManager(c.tx, c.callbackQuery.from);
      if (!mayRunDeal(await requestAccess(c.tx.db, manager, request.id))) return reply(botText(MANAGERS_LOCALE, 'action-answer-not-group-deal'), true);
    } catch (error) {
      if (error instanceof ForbiddenError || error instanceof NotFoundError) return reply(error.message, true);
      throw error;
    }
    // A completed or cancelled request: a press left over on its card (a second «Завершить — подтвердите», say) is told so,
    // not that the card is being updated. «Документы 1С» keeps its own rules.
    if (isFinalStatus(request.status) && parsed.action !== 'docs' && parsed.action !== 'docs_anyway') {
      if (parsed.version !== request.version) await scheduleActionCard(ctx, c.tx, request);
      return reply(botText(MANAGERS_LOCALE, 'action-answer-closed', { number: request.number, status: request.status }), true);
    }
    if (parsed.version !== request.version) {
      await scheduleActionCard(ctx, c.tx, request);
      return reply(botText(MANAGERS_LOCALE, 'action-answer-stale'), true);
    }
    const topicAnswer = (text: string) =>
      enqueueTelegram(ctx, c.tx, {
        chatId: dialog.managersChatId,
        method: 'sendMessage',
        payload: { text, parse_mode: 'HTML', reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } },
        target: { topicOfDialog: dialog.id },
      });

    switch (parsed.action) {
      case 'edit':
        if (card.confirming) await setCardConfirming(ctx, c.tx, request, null);
        // The help lives in core/editCommands (both languages, built from the command list), not in the Fluent files.
        await topicAnswer(escapeHtml(MANAGERS_LOCALE === 'en' ? EDIT_COMMANDS_HELP_EN : EDIT_COMMANDS_HELP_RU));
        return reply(botText(MANAGERS_LOCALE, 'action-answer-edit'));
      case 'keep':
        // «↩️ Не завершать» / «↩️ Не отменять»: the card returns to its usual buttons; no help is posted.
        if (card.confirming) await setCardConfirming(ctx, c.tx, request, null);
        return reply(botText(MANAGERS_LOCALE, 'action-answer-keep'));
      case 'docs':
      case 'docs_anyway': {
        // «Сформировать как есть» sits under the requisites warning, not on the card: answers reply to the card.
        const cardMessageId = parsed.action === 'docs_anyway' ? (card.messageId ?? message.message_id) : message.message_id;
        const anyway = parsed.action === 'docs_anyway';
        const result = await requestOneCDocuments(ctx, c.tx, { request, dialog, cardMessageId, anyway, actor: { telegramUserId: c.callbackQuery.from.id } });
        return reply(result.answer, result.alert);
      }
      case 'complete':
      case 'cancel': {
        const check = transition(request.status, parsed.action);
        if (!check.ok) return reply(check.error, true);
        await setCardConfirming(ctx, c.tx, request, parsed.action);
        return reply(botText(MANAGERS_LOCALE, parsed.action === 'complete' ? 'action-answer-ask-complete' : 'action-answer-ask-cancel'));
      }
      case 'confirm_complete':
      case 'confirm_cancel': {
        const action = parsed.action === 'confirm_complete' ? 'complete' : 'cancel';
        if (card.confirming !== action) return reply(botText(MANAGERS_LOCALE, 'action-answer-press-again'), true);
        try {
          // The command refreshes the card and the client card itself: the request page's buttons run the same one.
          await changeRequestStatus(ctx, { actor: manager, requestId: request.id, action }, c.tx);
        } catch (error) {
          if (error instanceof ValidationError || error instanceof ForbiddenError || error instanceof NotFoundError) return reply(error.message, true);
          throw error;
        }
        return reply(botText(MANAGERS_LOCALE, action === 'complete' ? 'action-answer-completed' : 'action-answer-cancelled'));
      }
    }
  });
  return composer;
}

