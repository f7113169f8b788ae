/**
 * The managers' group itself, as the bot sees it: its own rights there
 * (`my_chat_member`: removed → the group is paused, rights back → resumed),
 * the group becoming a supergroup (`migrate_to_chat_id`), and the topics it
 * created (`forum_topic_created`, adopted when a createForumTopic answer was
 * lost). Registered before the relay, which ignores bots' messages.
 */
import { Composer } from 'grammy';
import type { CommandContext } from '../commands/context.js';
import { adoptCreatedTopic } from '../commands/adoptCreatedTopic.js';
import { followManagersChatMigration, isMigratedManagersChat, pauseManagersChat, resumeManagersChat } from '../commands/managersChats.js';
import { enqueueTelegram, OUTBOX_CHANNEL } from '../commands/telegramOutbox.js';
import type { HotlineContext } from './context.js';

/** How long a paused group's calls wait before one tries again when no `my_chat_member` says the rights are back. */
const PROBE_MS = 30_000;

const clock = (at: Date) => `${at.toISOString().slice(11, 19)} UTC`;

/**
 * The notice managers get when the bot is back in their group: messages
 * written there between `from` (the pause began) and `to` (the bot's
 * return) did not reach clients.
 */
export function outageNotice(from: Date, to: Date): string {
  return (
    `⚠️ Бот снова в группе. Сообщения, написанные здесь с ${clock(from)} до ${clock(to)}, до клиентов не дошли: ` +
    'Telegram не передаёт боту сообщения из группы, в которой его нет. Повторите их, пожалуйста, в темах клиентов.'
  );
}

export function managersGroup(ctx: CommandContext): Composer<HotlineContext> {
  const composer = new Composer<HotlineContext>();
  const managers = composer.filter(async (c) => {
    const chatId = c.chat?.id;
    if (chatId === undefined || chatId > 0) return false;
    return ctx.config.telegram.managersChatIds.includes(chatId) || (await isMigratedManagersChat(c.tx, chatId));
  });

  managers.on('my_chat_member', async (c, next) => {
    const member = c.myChatMember.new_chat_member;
    const chatId = c.chat.id;
    // Bot API ChatMember: kicked/left = removed; restricted without can_send_messages = muted.
    const removed = member.status === 'kicked' || member.status === 'left' || (member.status === 'restricted' && !member.can_send_messages);
    if (removed) {
      const reason = member.status === 'restricted' ? 'the bot may not send messages in the group' : 'the bot was removed from the group';
      if (await pauseManagersChat(c.tx.client, chatId, reason, PROBE_MS)) {
        ctx.log.error(`Managers' group ${chatId} is paused: ${reason}. Messages wait and go out in order once the bot is back as an administrator.`);
      }
    } else {
      const pausedAt = await resumeManagersChat(c.tx.client, chatId);
      if (pausedAt) {
        ctx.log.warn(`Managers' group ${chatId}: the bot is ${member.status} again; waiting messages go out now`);
        c.tx.afterCommit(() => ctx.live.publish({ channel: OUTBOX_CHANNEL, type: 'wake' }));
      }
      const old = c.myChatMember.old_chat_member.status;
      // Back after a removal this instance saw (the removal paused the group;
      // a bot added for the first time also comes from "left", but was never
      // paused — nothing to tell then).
      if (pausedAt && (old === 'kicked' || old === 'left')) {
        // Bot API: a bot receives updates only from chats it is a member of, and
        // cannot fetch a chat's history later — what managers wrote meanwhile
        // never reached Hotline. Say so, once, where they will read it (the
        // group's General topic), through the outbox like every other call.
        await enqueueTelegram(ctx, c.tx, { chatId, method: 'sendMessage', payload: { text: outageNotice(pausedAt, new Date(c.myChatMember.date * 1000)) } });
      }
    }
    await next();
  });

  managers.on('message', async (c, next) => {
    const message = c.message;
    if (message.migrate_to_chat_id !== undefined) {
      await followManagersChatMigration(ctx, c.chat.id, message.migrate_to_chat_id, c.tx);
      return;
    }
    if (message.forum_topic_created && message.from.id === c.me.id && message.message_thread_id !== undefined) {
      await adoptCreatedTopic(ctx, { managersChatId: c.chat.id, topicId: message.message_thread_id, name: message.forum_topic_created.name }, c.tx);
      return;
    }
    await next();
  });
  return composer;
}
