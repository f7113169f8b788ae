import { and, eq, isNotNull } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { dialogTopics, dialogs } from '../db/schema.js';
import { inTransaction, type CommandContext } from './context.js';
import { adoptTopic } from './dialogs.js';
import { enqueueTelegram } from './telegramOutbox.js';

export interface Props {
  /** The managers' group the topic was created in. */
  managersChatId: number;
  /** The new topic's id (the `forum_topic_created` service message's `message_thread_id`). */
  topicId: number;
  /** Its name, as `forum_topic_created.name` shows it. */
  name: string;
}

/**
 * Telegram tells the bot about a topic the bot created (`forum_topic_created`
 * from the bot itself). Usually the outbox already saved it; when the
 * createForumTopic answer was lost (a timeout after Telegram applied it), or
 * is not saved yet (the service message came first), this is how the dialog
 * learns its topic: the one dialog whose creation claim has
 * this name adopts it. A bot-created topic no dialog owns (another try
 * created the dialog's topic meanwhile) is an orphan and is deleted, so
 * managers never see an empty topic.
 */
export async function adoptCreatedTopic(ctx: CommandContext, props: Props, tx?: Tx): Promise<'known' | 'adopted' | 'orphan'> {
  return inTransaction(ctx, tx, async (tx) => {
    const { managersChatId, topicId, name } = props;
    const claims = await tx.db
      .select({ id: dialogs.id, topicId: dialogs.topicId })
      .from(dialogs)
      .where(and(eq(dialogs.managersChatId, managersChatId), isNotNull(dialogs.topicClaimedAt), eq(dialogs.topicClaimName, name)))
      .for('update');
    // Checked after the claims (whose lock waits for a creator still saving its answer): the outbox records a topic
    // and clears its claim in one statement, so a topic it saved meanwhile shows here and is not taken for an orphan.
    const [known] = await tx.db
      .select({ dialogId: dialogTopics.dialogId })
      .from(dialogTopics)
      .where(and(eq(dialogTopics.managersChatId, managersChatId), eq(dialogTopics.topicId, topicId)));
    if (known) return 'known';
    // Two dialogs creating a topic of the same name at once: leave it to their answers.
    if (claims.length > 1) return 'known';
    const claim = claims[0];
    if (claim) {
      const winner = await adoptTopic(tx.db, claim.id, managersChatId, topicId);
      if (winner === topicId) {
        // Also the usual order under load: Telegram's service message can come before the outbox has saved the call's
        // answer (which then finds the same topic already there) — the answer is not necessarily lost.
        ctx.log.info(`Topic ${topicId} in ${managersChatId} is dialog ${claim.id}'s, learnt from Telegram's forum_topic_created before the createForumTopic answer was saved`);
        return 'adopted';
      }
    }
    // Nobody owns it: the dialog's topic was created by another try.
    ctx.log.warn(`Topic ${topicId} in ${managersChatId} was created by the bot but belongs to no dialog; deleting it`);
    await enqueueTelegram(ctx, tx, { chatId: managersChatId, method: 'deleteForumTopic', payload: { message_thread_id: topicId } });
    return 'orphan';
  });
}
