/**
 * The managers' group itself, as the bot sees it: its own rights there
 * (`my_chat_member`: removed → the group is paused, rights back → resumed;
 * a plain member in privacy mode, or an administrator without Manage Topics →
 * a health problem, managersGroupHealth.ts),
 * the group becoming a supergroup (`migrate_to_chat_id`), and the topics it
 * created (`forum_topic_created`, adopted when a createForumTopic answer was
 * lost), and members leaving and joining (a group-only account follows its
 * owner's membership: commands/groupMemberAccount.ts). Registered before the
 * relay, which ignores bots' messages.
 */
import { Composer } from 'grammy';
import type { CommandContext } from '../commands/context.js';
import { adoptCreatedTopic } from '../commands/adoptCreatedTopic.js';
import { followManagersChatMigration, isMigratedManagersChat, markBotRemoved, noticeBotReturn, pauseManagersChat, resumeManagersChat } from '../commands/managersChats.js';
import { OUTBOX_CHANNEL } from '../commands/telegramOutbox.js';
import { checkManagersGroupHealth } from './managersGroupHealth.js';
import { memberJoinedManagersGroup, memberLeftManagersGroup } from '../commands/groupMemberAccount.js';
import { isInChat } from './groupMembership.js';
import type { HotlineContext } from './context.js';

/** How long a paused group's calls wait before one tries again when no `my_chat_member` says the rights are back. */
const PROBE_MS = 30_000;

/**
 * Whether the update's chat is a managers' group: one configured in
 * TELEGRAM_MANAGERS_CHAT_ID, or the supergroup one became
 * (migrate_to_chat_id, recorded by any instance: one indexed read, only for a
 * group not configured). The one test every composer of the group filters by.
 */
export async function inManagersChat(ctx: CommandContext, c: HotlineContext): Promise<boolean> {
  const chatId = c.chat?.id;
  if (chatId === undefined || chatId > 0) return false;
  return ctx.config.telegram.managersChatIds.includes(chatId) || (await isMigratedManagersChat(c.tx, chatId));
}

export function managersGroup(ctx: CommandContext): Composer<HotlineContext> {
  const composer = new Composer<HotlineContext>();
  const managers = composer.filter((c) => inManagersChat(ctx, c));

  managers.on('my_chat_member', async (c, next) => {
    const member = c.myChatMember.new_chat_member;
    const chatId = c.chat.id;
    const at = new Date(c.myChatMember.date * 1000);
    // Bot API ChatMember: kicked/left = removed; restricted without can_send_messages = muted.
    const out = member.status === 'kicked' || member.status === 'left';
    const removed = out || (member.status === 'restricted' && !member.can_send_messages);
    if (removed) {
      const reason = member.status === 'restricted' ? 'the bot may not send messages in the group' : 'the bot was removed from the group';
      if (out) await markBotRemoved(c.tx.client, chatId, at);
      if (await pauseManagersChat(c.tx.client, chatId, reason, PROBE_MS)) {
        ctx.log.error(`Managers' group ${chatId} is paused: ${reason}. Messages wait and go out in order once the bot is back as an administrator.`);
      }
    } else {
      const pausedAt = await resumeManagersChat(c.tx.client, chatId);
      if (pausedAt) {
        ctx.log.warn(`Managers' group ${chatId}: the bot is ${member.status} again; waiting messages go out now`);
        c.tx.afterCommit(() => ctx.live.publish({ channel: OUTBOX_CHANNEL, type: 'wake' }));
      }
      // Back after a removal: told once, whether this update or a call that
      // went through (the outbox's probe) saw it first.
      await noticeBotReturn(ctx, c.tx, chatId, at);
    }
    // What the bot can still do there (read managers' messages, create topics): after the commit, with a fresh getMe.
    c.tx.afterCommit(() => {
      checkManagersGroupHealth(ctx, c.api, chatId, member).catch((error: Error) =>
        ctx.log.warn(`Could not check the bot's rights in the managers' group ${chatId}: ${error.message}`),
      );
    });
    await next();
  });

  // Another member's change (Bot API Update.chat_member; the bot administers the group and asks for them).
  managers.on('chat_member', async (c, next) => {
    const member = c.chatMember.new_chat_member;
    if (!member.user.is_bot) {
      if (isInChat(member)) await memberJoinedManagersGroup(c.tx, member.user.id, c.chat.id);
      else await memberLeftManagersGroup(ctx, c.tx, member.user.id, c.chat.id);
    }
    await next();
  });

  managers.on('message', async (c, next) => {
    const message = c.message;
    const left = message.left_chat_member;
    if (left && !left.is_bot) await memberLeftManagersGroup(ctx, c.tx, left.id, c.chat.id);
    for (const joined of message.new_chat_members ?? []) if (!joined.is_bot) await memberJoinedManagersGroup(c.tx, joined.id, c.chat.id);
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
