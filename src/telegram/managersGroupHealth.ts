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
import type { CommandContext } from '../commands/context.js';
import { currentManagersChatId, GROUP_PROBLEMS, MANAGERS_CHATS_CHANNEL, recordGroupProblem, type GroupProblem } from '../commands/managersChats.js';
import { MANAGER_COMMANDS } from './managerCommands.js';

/**
 * Which problems hold for the bot's membership `member` in a group, given
 * its getMe; undefined where the membership does not tell. Out of the group,
 * or unable to send: none — the group is paused instead (managersGroup.ts).
 * Topics: an administrator's `can_manage_topics` tells; a plain member's (or
 * a restricted one's without the right) depends on the group's default
 * permissions, which no my_chat_member carries — there Telegram's own answer
 * to createForumTopic decides (src/jobs/topics.ts: a refusal "not enough
 * rights to create a topic" sets the problem, a created topic clears it).
 */
export function groupProblems(member: ChatMember, me: Pick<UserFromGetMe, 'can_read_all_group_messages'>): Record<GroupProblem, boolean | undefined> {
  const blind = !me.can_read_all_group_messages;
  switch (member.status) {
    case 'administrator':
      return { cannot_read_messages: false, cannot_manage_topics: !member.can_manage_topics };
    case 'member':
      return { cannot_read_messages: blind, cannot_manage_topics: undefined };
    case 'restricted':
      if (!member.can_send_messages) return { cannot_read_messages: false, cannot_manage_topics: undefined };
      return { cannot_read_messages: blind, cannot_manage_topics: member.can_manage_topics ? false : undefined };
    default:
      return { cannot_read_messages: false, cannot_manage_topics: undefined };
  }
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
    // Topics: what Telegram refuses or allows (createForumTopic) outranks a guess from the membership —
    // a plain member's right to create topics depends on the group's permissions, which no my_chat_member tells.
    if (holds === undefined) continue;
    await recordGroupProblem(ctx, chatId, problem, holds, {
      cause: `it is ${membership.status}${problem === 'cannot_read_messages' ? ', privacy mode on' : ', without Manage Topics'}`,
      silent: out,
      startup: options.startup,
    });
  }
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
