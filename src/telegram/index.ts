/**
 * The Telegram adapter in one place: the grammY bot with its composers
 * (managers' group membership → exactly-once intake → the group's housekeeping →
 * only persons act → manager commands → relay), and how updates arrive
 * (long polling or webhook).
 */
import { Bot } from 'grammy';
import type { CommandContext } from '../commands/context.js';
import type { HotlineContext } from './context.js';
import { exactlyOnce } from './intake.js';
import { GroupMembership, groupMembership } from './groupMembership.js';
import { managerCommands } from './managerCommands.js';
import { actionCardButtons } from './deal.js';
import { ratingButtons } from './rating.js';
import { broadcastOptOut } from './broadcastOptOut.js';
import { ALLOWED_UPDATES, Poller } from './poller.js';
import { relay } from './relay.js';
import { managersGroup } from './managersGroup.js';
import { onlyPersons } from './senders.js';
import { watchManagersGroups } from './managersGroupHealth.js';
import { WEBHOOK_PATH } from './webhook.js';

export interface TelegramOptions {
  token: string;
  /** Bot API base URL; undefined = Telegram's. */
  apiRoot: string | undefined;
  mode: 'polling' | 'webhook';
  webhookSecret?: string;
  publicUrl: string;
  /** Long-poll timeout; tests use short ones so that stop() is quick. */
  pollTimeoutSeconds?: number;
}

export interface Telegram {
  bot: Bot<HotlineContext>;
  stop(): Promise<void>;
}

export function createBot(ctx: CommandContext, options: Pick<TelegramOptions, 'token' | 'apiRoot'>): Bot<HotlineContext> {
  const bot = new Bot<HotlineContext>(options.token, {
    client: { ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}), timeoutSeconds: 60 },
  });
  const membership = new GroupMembership(
    () => ctx.config.telegram.managersChatIds,
    (question, error) => ctx.log.warn(`Could not ask Telegram ${question} (${error instanceof Error ? error.message : String(error)})`),
  );
  // Before the intake's transaction: a Telegram call must not hold the database.
  bot.use(groupMembership(ctx, membership));
  bot.use(exactlyOnce(ctx));
  bot.use(managersGroup(ctx));
  // Nobody but a person acts in the managers' group (an anonymous admin, a channel, a bot: core/sender.ts).
  bot.use(onlyPersons(ctx));
  bot.use(managerCommands(ctx));
  bot.use(ratingButtons(ctx));
  bot.use(broadcastOptOut(ctx));
  bot.use(actionCardButtons(ctx));
  bot.use(relay(ctx));
  return bot;
}

/** Connects the bot (getMe), registers the commands, checks its rights in the managers' groups, and starts receiving updates. */
export async function startTelegram(ctx: CommandContext, bot: Bot<HotlineContext>, options: TelegramOptions): Promise<Telegram> {
  await bot.init();
  // The command menu in each managers' group, the bot's rights there as Telegram says them now, and later migrations' menus.
  const unwatch = await watchManagersGroups(ctx, bot.api);
  if (options.mode === 'webhook') {
    await bot.api.setWebhook(`${options.publicUrl}${WEBHOOK_PATH}`, {
      secret_token: options.webhookSecret,
      allowed_updates: [...ALLOWED_UPDATES],
    });
    ctx.log.info(`Telegram: webhook set to ${options.publicUrl}${WEBHOOK_PATH} as @${bot.botInfo.username}`);
    return { bot, stop: async () => unwatch() };
  }
  await bot.api.deleteWebhook();
  const poller = new Poller(bot, ctx.log, { timeoutSeconds: options.pollTimeoutSeconds });
  poller.start();
  ctx.log.info(`Telegram: long polling as @${bot.botInfo.username}`);
  return {
    bot,
    stop: async () => {
      unwatch();
      await poller.stop();
    },
  };
}
