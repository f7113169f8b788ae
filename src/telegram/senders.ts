/**
 * Only a person acts in the managers' group. A message or an edit there sent
 * on behalf of a chat — an administrator with «Remain anonymous» on (the
 * group itself as `sender_chat`, GroupAnonymousBot as `from`), a member
 * writing as a channel — or by a bot stops here: no manager account is made
 * for the stand-in account, no dialog or deal changes, nothing reaches a
 * client (the rule: core/sender.ts `actingPerson`). Registered after the
 * group's own housekeeping (telegram/managersGroup.ts: membership, migration,
 * the bot's `forum_topic_created`) and before the manager commands and the
 * relay, which may then take `from` as the manager.
 *
 * A command addressed to Hotline, or content in a client's topic, sent on
 * behalf of a chat gets a reply under it in the managers' language saying
 * why nothing happened and what to do. Edits, service messages, other chatter
 * in General and bots' messages (this bot's own among them) are dropped
 * silently, as the relay always dropped bots' messages. Card buttons need no
 * rule: a callback query's `from` is always the real person who pressed, even
 * for an anonymous administrator (tdlib/telegram-bot-api#667).
 */
import { Composer } from 'grammy';
import type { CommandContext } from '../commands/context.js';
import { botText, MANAGERS_LOCALE, type BotLocale } from '../commands/botTexts.js';
import { dialogOfTopic } from '../commands/dialogs.js';
import { enqueueTelegram } from '../commands/telegramOutbox.js';
import { TELEGRAM_SERVICE_ID, actingPerson, senderKind } from '../core/sender.js';
import type { HotlineContext } from './context.js';
import { commandName } from './managerCommands.js';
import { inManagersChat } from './managersGroup.js';
import { isService } from './relay.js';

/** The reply under a message or command sent on behalf of a chat in the managers' group (src/locales `manager-not-a-person`). */
export function notAPersonAnswer(locale: BotLocale = MANAGERS_LOCALE): string {
  return botText(locale, 'manager-not-a-person');
}

/** Stops every message and edit in a managers' group whose sender is no person (see the file's comment). */
export function onlyPersons(ctx: CommandContext): Composer<HotlineContext> {
  const composer = new Composer<HotlineContext>();
  const managers = composer.filter((c) => inManagersChat(ctx, c));
  managers.on('edited_message', async (c, next) => {
    if (actingPerson(c.editedMessage)) return next();
  });
  managers.on('message', async (c, next) => {
    const message = c.message;
    if (actingPerson(message)) return next();
    // Telegram's own posts (an automatic forward from a linked channel, its service account) get no answer: nobody reads it.
    if (senderKind(message) !== 'chat' || isService(message) || message.is_automatic_forward || message.from?.id === TELEGRAM_SERVICE_ID) return;
    const text = message.text ?? '';
    const command = text.startsWith('/') && commandName(text, c.me.username) !== undefined;
    const threadId = message.is_topic_message ? message.message_thread_id : undefined;
    const dialog = threadId === undefined ? undefined : await dialogOfTopic(c.tx, c.chat.id, threadId);
    if (!command && !dialog) return;
    await enqueueTelegram(ctx, c.tx, {
      chatId: c.chat.id,
      method: 'sendMessage',
      payload: {
        text: notAPersonAnswer(),
        ...(threadId !== undefined && !dialog ? { message_thread_id: threadId } : {}),
        reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
      },
      ...(dialog ? { target: { topicOfDialog: dialog.id } } : {}),
    });
  });
  return composer;
}
