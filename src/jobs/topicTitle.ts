/**
 * Keeps a client's topic titled with the dialog's status and the client's
 * name (issue 19.1, core/dialogStatus `topicTitle`). The step was queued by
 * commands/dialogStatus `queueTopicTitle` once the status held for
 * TOPIC_TITLE_DELAY_SECONDS; it reads the status and the name as they are
 * now, and renames only when the title shown differs: a rename is a service
 * message of the group's 20 a minute. Its queue waits while the group has
 * client content due (jobs/telegramOutbox: housekeeping after content).
 */
import { GrammyError, type Api } from 'grammy';
import { and, eq } from 'drizzle-orm';
import type { CommandContext } from '../commands/context.js';
import { dialogStatusOf, neutralTopicTitle, topicTitle } from '../core/dialogStatus.js';
import { clients, dialogs } from '../db/schema.js';
import type { RateLimiter } from './rateLimits.js';
import { titleRefused, type Topics } from './topics.js';

export { RENAME_TOPIC } from '../commands/dialogStatus.js';

/**
 * Gives the dialog's topic its current title, and refreshes the client card
 * when the status it shows changed. Nothing is sent when the topic already
 * has that title, or has no topic yet (its creation names it, jobs/topics).
 */
export async function renameTopic(ctx: CommandContext, api: Api, topics: Topics, limiter: RateLimiter, dialogId: number): Promise<void> {
  const [row] = await ctx.database.db
    .select({ dialog: dialogs, client: clients })
    .from(dialogs)
    .innerJoin(clients, eq(clients.id, dialogs.clientId))
    .where(eq(dialogs.id, dialogId));
  if (!row || row.dialog.topicId === null) return;
  const { dialog, client } = row;
  // A banned client's topic shows the ban (⛔), not a wait nobody is asked to answer (commands/banClient).
  const status = dialogStatusOf(dialog, client);
  let title = topicTitle(client, status);
  if (title === dialog.topicTitle) return;
  const rename = async (name: string) => {
    try {
      await limiter.sending(dialog.managersChatId, () => api.editForumTopic(dialog.managersChatId, dialog.topicId!, { name }), 'housekeeping');
    } catch (error) {
      // TOPIC_NOT_MODIFIED: Telegram's answer when the title already is this one.
      if (!(error instanceof GrammyError && /TOPIC_NOT_MODIFIED/.test(error.description))) throw error;
    }
  };
  try {
    await rename(title);
  } catch (error) {
    // A fitted title Telegram still refuses (jobs/topics does the same at creation): the status is shown with a neutral name.
    const neutral = neutralTopicTitle(client, status);
    if (!titleRefused(error) || neutral === title) throw error;
    ctx.log.error(`Telegram refused the topic title of dialog ${dialogId} (${error.description}, ${title.length} UTF-16 units); renaming the topic to «${neutral}»`);
    title = neutral;
    if (title !== dialog.topicTitle) await rename(title);
  }
  await ctx.database.db
    .update(dialogs)
    .set({ topicTitle: title })
    .where(and(eq(dialogs.id, dialogId), eq(dialogs.topicId, dialog.topicId!)));
  // The card shows the status (not the name's changes, which it reads itself): refreshed with the title, paced with it.
  const statusShown = (t: string | null) => (t ? Array.from(t)[0] : undefined);
  // The row read above (its status is the one just shown) makes the card: not read again.
  if (statusShown(dialog.topicTitle) !== statusShown(title)) await topics.refreshCard(dialogId, row);
}
