/**
 * Keeps a client's topic titled with the client's current name: when a
 * client changes name or username, the outbox renames the topic
 * (editForumTopic) after the client's message itself went out — the group's
 * 20 messages a minute serve client content first (ARCHITECTURE §5).
 */
import { GrammyError, type Api } from 'grammy';
import { eq } from 'drizzle-orm';
import type { CommandContext } from '../commands/context.js';
import { topicName } from '../core/clientCard.js';
import { clients, dialogs } from '../db/schema.js';
import type { RateLimiter } from './rateLimits.js';
import type { Topics } from './topics.js';

export { RENAME_TOPIC } from '../commands/recordClientMessage.js';

/**
 * Renames the dialog's topic to the client's name as stored now, so several
 * renames queued in a row cost one call: the later ones find it done
 * (TOPIC_NOT_MODIFIED, Telegram's answer when the name is unchanged).
 */
export async function renameTopic(ctx: CommandContext, api: Api, topics: Topics, limiter: RateLimiter, dialogId: number): Promise<void> {
  const threadId = await topics.ensure(dialogId);
  const [row] = await ctx.database.db
    .select({ dialog: dialogs, client: clients })
    .from(dialogs)
    .innerJoin(clients, eq(clients.id, dialogs.clientId))
    .where(eq(dialogs.id, dialogId));
  if (!row) return;
  await limiter.take(row.dialog.managersChatId);
  try {
    await api.editForumTopic(row.dialog.managersChatId, threadId, { name: topicName(row.client) });
  } catch (error) {
    if (error instanceof GrammyError && /TOPIC_NOT_MODIFIED/.test(error.description)) return;
    throw error;
  }
}
