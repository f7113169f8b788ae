/**
 * The periodic part of dialog statuses (issue 19.1): auto-close runs once a
 * minute through the job queue's scheduler (pg-boss `schedule`, one run per
 * minute across every instance), when DIALOG_AUTO_CLOSE_HOURS is above 0.
 */
import type { CommandContext } from '../commands/context.js';
import { autoCloseDialogs } from '../commands/autoCloseDialogs.js';

/** The job that closes inactive dialogs (commands/autoCloseDialogs). */
export const AUTO_CLOSE_DIALOGS = 'hotline.autoCloseDialogs';

/** Registers the auto-close worker and its once-a-minute schedule; with auto-close off, removes the schedule. */
export async function startDialogStatusJobs(ctx: CommandContext): Promise<void> {
  const jobs = ctx.jobs;
  await jobs.define({ name: AUTO_CLOSE_DIALOGS, retryLimit: 0, expireInSeconds: 120 });
  if (ctx.config.dialogAutoCloseHours <= 0) {
    await jobs.boss.unschedule(AUTO_CLOSE_DIALOGS);
    return;
  }
  await jobs.work(AUTO_CLOSE_DIALOGS, async () => {
    const closed = await autoCloseDialogs(ctx, { hours: ctx.config.dialogAutoCloseHours });
    if (closed > 0) ctx.log.info(`Auto-close: ${closed} dialog(s) without messages for ${ctx.config.dialogAutoCloseHours} h closed`);
  });
  await jobs.boss.schedule(AUTO_CLOSE_DIALOGS, '* * * * *');
}
