/**
 * The periodic part of dialog statuses: auto-close (issue 19.1) and the
 * answer-time reminders (issue 19.3) run once a minute through the job
 * queue's scheduler (pg-boss `schedule`, one run per minute across every
 * instance), when DIALOG_AUTO_CLOSE_HOURS / ANSWER_TIME_LIMIT_MINUTES are above 0.
 */
import type { CommandContext } from '../commands/context.js';
import { autoCloseDialogs } from '../commands/autoCloseDialogs.js';
import { remindLateDialogs } from '../commands/answerTime.js';

/** The job that reminds the topics of dialogs waiting longer than the answer-time limit (commands/answerTime). */
export const REMIND_LATE_DIALOGS = 'hotline.remindLateDialogs';

/** The job that closes inactive dialogs (commands/autoCloseDialogs). */
export const AUTO_CLOSE_DIALOGS = 'hotline.autoCloseDialogs';

/** Registers the auto-close and reminder workers and their once-a-minute schedules; a feature turned off has its schedule removed. */
export async function startDialogStatusJobs(ctx: CommandContext): Promise<void> {
  await startAnswerTimeJob(ctx);
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

async function startAnswerTimeJob(ctx: CommandContext): Promise<void> {
  const jobs = ctx.jobs;
  await jobs.define({ name: REMIND_LATE_DIALOGS, retryLimit: 0, expireInSeconds: 120 });
  if (ctx.config.answerTime.limitMinutes <= 0) {
    await jobs.boss.unschedule(REMIND_LATE_DIALOGS);
    return;
  }
  await jobs.work(REMIND_LATE_DIALOGS, async () => {
    const reminded = await remindLateDialogs(ctx);
    if (reminded > 0) ctx.log.info(`Answer time: ${reminded} dialog(s) waiting longer than ${ctx.config.answerTime.limitMinutes} min of working time reminded`);
  });
  await jobs.boss.schedule(REMIND_LATE_DIALOGS, '* * * * *');
}
