/**
 * What the bot can still do in a managers' group where it may post: read
 * managers' messages, create topics for new clients. Either can be lost
 * without the group being paused (managersChats.ts pauses a group the bot
 * cannot post into):
 *
 * - demoted to a plain member (or restricted) with privacy mode on, the bot
 *   gets only commands, mentions and replies to it — managers' answers in the
 *   topics never reach clients (Bot API, bot features § "Privacy mode": "bots
 *   added as administrators always receive all messages"; getMe's
 *   `can_read_all_group_messages` is false while privacy mode is on);
 * - an administrator without "Manage Topics" cannot create a new client's
 *   topic (Bot API § createForumTopic: "must have the can_manage_topics
 *   administrator rights"); its own topics keep working (a topic's creator
 *   may post, close and reopen it without the right, § closeForumTopic).
 *
 * Both are read from the bot's own `my_chat_member` in the group and again at
 * start-up (getChatMember of the bot + getMe), so a restart does not forget
 * them. A change is told once: one log line, one notice in the group (the
 * bot can still post there), the /readyz field, the /metrics gauge and the
 * admin page's banner (`unhealthyManagersChats`).
 */
import type { Api } from 'grammy';
import type { ChatMember, UserFromGetMe } from '@grammyjs/types';
import { botText, MANAGERS_LOCALE } from '../commands/botTexts.js';
import type { CommandContext } from '../commands/context.js';
import { currentManagersChatId, GROUP_PROBLEMS, MANAGERS_CHATS_CHANNEL, releaseRightWaiters, setGroupProblem, unhealthyManagersChats, type GroupProblem } from '../commands/managersChats.js';
import { enqueueTelegram, OUTBOX_CHANNEL } from '../commands/telegramOutbox.js';
import { metrics } from '../metrics.js';
import { MANAGER_COMMANDS } from './managerCommands.js';

/** What to do about each problem, for the log (operators read English). */
const FIX: Record<GroupProblem, string> = {
  cannot_read_messages:
    "managers' answers in the topics do not reach clients (in privacy mode a plain member bot gets only commands, mentions and replies to it); " +
    'make the bot an administrator of the group, or turn privacy mode off in @BotFather (/setprivacy → Disable) and add the bot to the group again',
  cannot_manage_topics: "new clients' messages wait: the bot cannot create their topics; give the bot the administrator right Manage Topics again",
};

/**
 * Which problems hold for the bot's membership `member` in a group, given
 * its getMe. Out of the group, or unable to send: none — the group is paused
 * instead (managersGroup.ts). A plain member's Manage Topics depends on the
 * group's default permissions; its unreadable messages are the problem to
 * fix (making it an administrator fixes both).
 */
export function groupProblems(member: ChatMember, me: Pick<UserFromGetMe, 'can_read_all_group_messages'>): Record<GroupProblem, boolean> {
  const blind = !me.can_read_all_group_messages;
  switch (member.status) {
    case 'administrator':
      return { cannot_read_messages: false, cannot_manage_topics: !member.can_manage_topics };
    case 'member':
      return { cannot_read_messages: blind, cannot_manage_topics: false };
    case 'restricted':
      if (!member.can_send_messages) return { cannot_read_messages: false, cannot_manage_topics: false };
      // Blind, its one fix (make it an administrator) gives it topics too: one problem, one notice.
      return { cannot_read_messages: blind, cannot_manage_topics: !blind && !member.can_manage_topics };
    default:
      return { cannot_read_messages: false, cannot_manage_topics: false };
  }
}

/** Sets `hotline_managers_chats_unhealthy{problem}` from the database (every instance's view). */
export async function refreshHealthGauge(ctx: Pick<CommandContext, 'database'>): Promise<void> {
  const unhealthy = await unhealthyManagersChats(ctx.database.pool);
  for (const problem of GROUP_PROBLEMS) metrics.managersChatsUnhealthy.set({ problem }, unhealthy.filter((u) => u.problem === problem).length);
}

/**
 * Records what `member` (the bot's membership in `chatId`; fetched with
 * getChatMember when not given) and a fresh getMe say, and tells people of
 * each change once: an error line and a notice in the group when a problem
 * begins, a warning line and a notice when it ends. With `startup`, a
 * problem that still holds is logged again (a restart's log says it too),
 * without a second notice.
 */
export async function checkManagersGroupHealth(
  ctx: CommandContext,
  api: Api,
  chatId: number,
  member?: ChatMember,
  options: { startup?: boolean } = {},
): Promise<void> {
  const me = await api.getMe();
  const membership = member ?? (await api.getChatMember(chatId, me.id));
  const problems = groupProblems(membership, me);
  const out = ['kicked', 'left'].includes(membership.status) || (membership.status === 'restricted' && !membership.can_send_messages);
  for (const problem of GROUP_PROBLEMS) {
    const holds = problems[problem];
    const change = await setGroupProblem(ctx.database.pool, chatId, problem, holds);
    if (change === 'began' || (options.startup && holds && change === null)) {
      ctx.log.error(`Managers' group ${chatId}: the bot ${problem === 'cannot_read_messages' ? 'cannot read managers\' messages' : 'cannot create topics'} (it is ${membership.status}${problem === 'cannot_read_messages' ? ', privacy mode on' : ', without Manage Topics'}): ${FIX[problem]}.`);
    }
    if (change === 'ended' && problem === 'cannot_manage_topics' && (await releaseRightWaiters(ctx.database.pool, chatId))) {
      ctx.live.publish({ channel: OUTBOX_CHANNEL, type: 'wake' });
    }
    if (change === 'ended') ctx.log.warn(`Managers' group ${chatId}: the bot ${problem === 'cannot_read_messages' ? 'reads managers\' messages' : 'may create topics'} again`);
    // Out of the group the bot cannot post, and the pause already says so: no notice then.
    if (change && !out) {
      const text = botText(MANAGERS_LOCALE, `managers-group-${problem.replaceAll('_', '-')}-${change}`);
      await ctx.database.transaction((tx) => enqueueTelegram(ctx, tx, { chatId, method: 'sendMessage', payload: { text } }));
    }
  }
  await refreshHealthGauge(ctx);
}

/**
 * Registers the managers' command menu in `chatId` (Bot API setMyCommands
 * with scope `chat`: Telegram keeps it per chat id, so a group that became a
 * supergroup needs it again). A failure is a warning: the commands work
 * without the menu.
 */
export async function registerManagerMenu(ctx: Pick<CommandContext, 'log'>, api: Api, chatId: number): Promise<void> {
  await api
    .setMyCommands(MANAGER_COMMANDS, { scope: { type: 'chat', chat_id: chatId } })
    .catch((error: Error) => ctx.log.warn(`Could not register commands in ${chatId}: ${error.message}`));
}

/**
 * Start-up: for every managers' group — the supergroup a configured basic
 * group became, when it did — the command menu and the bot's health there as
 * Telegram says it now.
 * Subscribes to later migrations. Returns the function that unsubscribes.
 */
export async function watchManagersGroups(ctx: CommandContext, api: Api): Promise<() => void> {
  // A configured basic group may have become a supergroup while Hotline was down or before this start: ask the one it is now.
  const current = await ctx.database.transaction(async (tx) => Promise.all(ctx.config.telegram.managersChatIds.map((id) => currentManagersChatId(tx, id))));
  for (const chatId of new Set(current)) {
    await registerManagerMenu(ctx, api, chatId);
    await checkManagersGroupHealth(ctx, api, chatId, undefined, { startup: true }).catch((error: Error) =>
      ctx.log.warn(`Could not check the bot's rights in the managers' group ${chatId}: ${error.message}`),
    );
  }
  return ctx.live.subscribe(MANAGERS_CHATS_CHANNEL, (message) => {
    if (message.type !== 'migrated') return;
    const { to } = message.data as { to: number };
    void registerManagerMenu(ctx, api, to);
  });
}
