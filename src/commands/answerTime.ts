/**
 * The answer-time promise (issue 19.3).
 *
 * - A client waiting for our answer longer than ANSWER_TIME_LIMIT_MINUTES of
 *   working time (core/workingHours) gets ONE reminder per waiting episode in
 *   the topic, mentioning the dialog's owner (a Telegram mention of their
 *   account) or, without an owner, addressed to the group. The episode is
 *   `dialogs.waiting_since`: the client writing again keeps it, our answer
 *   ends it; `reminded_waiting_since` remembers which one was reminded.
 * - Nothing floods the managers' group: at most REMINDERS_PER_GROUP reminders
 *   per group per run go into their topics; more late dialogs of that group
 *   are listed in one summary message in the group's General topic. Both go
 *   through the outbox in a housekeeping queue, served after client content.
 * - A client on the blocklist (commands/banClient) waits for nobody: no
 *   reminder, in no summary, while banned; `/unban` starts their wait afresh.
 * - Nor does a client who blocked the bot (commands/setClientBlocked): nobody
 *   can reach them through Telegram, so no reminder and in no summary while
 *   blocked. Their dialog keeps its status and wait (🔴, with 📵 beside it).
 * - A client who writes outside working hours gets the automatic answer once
 *   per off-hours period (until the next opening), in their language.
 */
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { escapeHtml, mentionHtml } from '../core/html.js';
import { topicLink } from '../core/topicLink.js';
import { formatOpening, formatWait, isWorkingTime, nextOpening, waitDeadline, waitedWorkingMs, type CalendarHistory } from '../core/workingHours.js';
import type { Tx } from '../db/index.js';
import { dialogs, users } from '../db/schema.js';
import { botText, clientLocale, MANAGERS_LOCALE } from './botTexts.js';
import { inTransaction, recordEvent, type CommandContext } from './context.js';
import type { Client, Dialog } from './dialogs.js';
import { enqueueTelegram, type TelegramCall } from './telegramOutbox.js';
import { workingCalendar, workingHistory } from './workingHours.js';

/**
 * Whether the client `c` (an alias of `clients` in the query) is one we are
 * asked to answer: not on the blocklist (commands/banClient) and not out of
 * Telegram's reach (blocked the bot, commands/setClientBlocked). The one rule
 * for the reminders here and the platform's «waiting too long» list and order
 * (platform/routes/dialogs).
 */
export const ANSWERABLE_CLIENT = sql`(c.banned_at is null and c.blocked_at is null)`;

/**
 * Reminders per managers' group per run (a minute apart): 3 of the group's 20
 * messages a minute, plus at most one summary for the rest.
 */
export const REMINDERS_PER_GROUP = 3;
/** At most this many dialogs in one summary message (Telegram's 4,096 characters); the rest wait for the next run. */
export const SUMMARY_LINES = 30;

/** The outbox queue of a group's reminders: housekeeping, after client content (jobs/telegramOutbox). */
export const reminderQueue = (chatId: number): string => `reminder:${chatId}`;

/** A dialog waiting longer than the limit (working time). */
export interface LateDialog {
  id: number;
  managersChatId: number;
  topicId: number;
  waitingSince: Date;
  /** Working time waited until `now`, ms. */
  waitedMs: number;
}

/**
 * The open dialogs whose client has waited longer than `limitMinutes` of
 * working time at `now` and was not reminded in this wait, oldest wait first
 * (at most 500 looked at per run). A wall-clock prefilter in SQL (working time
 * never exceeds elapsed time), the working time in core — over the hours'
 * history (commands/workingHours `workingHistory`): the part of a wait before
 * an edit of the hours counts under the hours then in force.
 */
export async function lateDialogs(ctx: Pick<CommandContext, 'database'>, history: CalendarHistory, limitMinutes: number, now: Date): Promise<LateDialog[]> {
  const limitMs = limitMinutes * 60_000;
  const rows = await ctx.database.db.execute<{ id: number; managers_chat_id: number; topic_id: number; waiting_since: Date }>(sql`
    select d.id, d.managers_chat_id, d.topic_id, d.waiting_since
      from dialogs d join clients c on c.id = d.client_id
     where d.status = 'open' and d.waiting_since is not null and d.topic_id is not null
       and ${ANSWERABLE_CLIENT}
       and d.waiting_since <= ${new Date(now.getTime() - limitMs).toISOString()}::timestamptz
       and d.reminded_waiting_since is distinct from d.waiting_since
     order by d.waiting_since, d.id
     limit 500`);
  return rows.rows.flatMap((row) => {
    const since = new Date(row.waiting_since);
    const deadline = waitDeadline(history, since, limitMs);
    if (!deadline || deadline > now) return [];
    return [{ id: Number(row.id), managersChatId: Number(row.managers_chat_id), topicId: Number(row.topic_id), waitingSince: since, waitedMs: waitedWorkingMs(history, since, now) }];
  });
}

/** Marks the wait as reminded (one conditional write: still this wait, not reminded); the dialog with its owner when it was marked. */
async function markReminded(tx: Tx, late: LateDialog) {
  const [dialog] = await tx.db
    .update(dialogs)
    // The stored value itself (PostgreSQL keeps microseconds, a JS Date milliseconds): still this wait, compared within a millisecond.
    .set({ remindedWaitingSince: sql`${dialogs.waitingSince}` })
    .where(
      and(
        eq(dialogs.id, late.id),
        eq(dialogs.status, 'open'),
        sql`abs(extract(epoch from (${dialogs.waitingSince} - ${late.waitingSince.toISOString()}::timestamptz))) < 0.001`,
        or(isNull(dialogs.remindedWaitingSince), sql`${dialogs.remindedWaitingSince} <> ${dialogs.waitingSince}`),
        // Banned or blocked the bot since it was found late: nobody is asked to answer a client on the blocklist
        // (commands/banClient) or one Telegram cannot reach (commands/setClientBlocked).
        sql`exists (select 1 from clients c where c.id = ${dialogs.clientId} and ${ANSWERABLE_CLIENT})`,
      ),
    )
    .returning({ id: dialogs.id, ownerUserId: dialogs.ownerUserId, clientId: dialogs.clientId });
  if (!dialog) return undefined;
  const owner = dialog.ownerUserId
    ? (await tx.db.select({ name: users.name, telegramUserId: users.telegramUserId }).from(users).where(eq(users.id, dialog.ownerUserId)))[0]
    : undefined;
  return { ...dialog, owner };
}


/**
 * One run of the reminder job: finds the late dialogs and reminds each wait
 * once — up to `perGroup` in their topics per managers' group, the rest of the
 * group (up to SUMMARY_LINES) in one summary message in its General topic.
 * Each reminder is written with its mark and event in one transaction.
 * Returns how many waits were reminded. Does nothing with the limit off.
 */
export async function remindLateDialogs(ctx: CommandContext, options: { now?: Date; perGroup?: number } = {}): Promise<number> {
  const limitMinutes = ctx.config.answerTime.limitMinutes;
  if (limitMinutes <= 0) return 0;
  const now = options.now ?? new Date();
  const perGroup = options.perGroup ?? REMINDERS_PER_GROUP;
  const late = await lateDialogs(ctx, await workingHistory(ctx), limitMinutes, now);
  const byGroup = new Map<number, LateDialog[]>();
  for (const dialog of late) byGroup.set(dialog.managersChatId, [...(byGroup.get(dialog.managersChatId) ?? []), dialog]);
  const t = (key: string, variables?: Record<string, string | number>) => botText(MANAGERS_LOCALE, key, variables);
  const event = (tx: Tx, dialog: LateDialog, summary: boolean) =>
    recordEvent(tx, { subjectType: 'dialog', subjectId: dialog.id, name: 'dialog.answer_late', after: { waitingSince: dialog.waitingSince.toISOString(), limitMinutes, summary } });
  let reminded = 0;
  for (const [chatId, group] of byGroup) {
    for (const dialog of group.slice(0, perGroup)) {
      const done = await inTransaction(ctx, undefined, async (tx) => {
        const marked = await markReminded(tx, dialog);
        if (!marked) return false;
        const wait = formatWait(dialog.waitedMs, MANAGERS_LOCALE);
        const text = marked.owner
          ? t('answer-time-reminder-owner', { who: mentionHtml(marked.owner), wait, limit: limitMinutes })
          : t('answer-time-reminder-group', { wait, limit: limitMinutes });
        await enqueueTelegram(ctx, tx, {
          chatId,
          method: 'sendMessage',
          payload: { text, parse_mode: 'HTML' },
          target: { topicOfDialog: dialog.id },
          queue: reminderQueue(chatId),
        });
        await event(tx, dialog, false);
        return true;
      });
      if (done) reminded++;
    }
    const rest = group.slice(perGroup, perGroup + SUMMARY_LINES);
    if (rest.length === 0) continue;
    reminded += await inTransaction(ctx, undefined, async (tx) => {
      const lines: string[] = [];
      for (const dialog of rest) {
        const marked = await markReminded(tx, dialog);
        if (!marked) continue;
        const [client] = await tx.db.execute<{ name: string }>(
          sql`select coalesce(nullif(trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), ''), username, telegram_user_id::text) as name from clients where id = ${marked.clientId}`,
        ).then((result) => result.rows);
        const link = topicLink(ctx.config, chatId, dialog.topicId);
        lines.push(
          t('answer-time-summary-line', {
            client: `<a href="${escapeHtml(link)}">${escapeHtml(client?.name ?? '—')}</a>`,
            wait: formatWait(dialog.waitedMs, MANAGERS_LOCALE),
            who: marked.owner ? mentionHtml(marked.owner) : t('answer-time-summary-nobody'),
          }),
        );
        await event(tx, dialog, true);
      }
      if (lines.length === 0) return 0;
      const text = [t('answer-time-summary', { count: lines.length, limit: limitMinutes }), ...lines].join('\n');
      const call: TelegramCall = { chatId, method: 'sendMessage', payload: { text, parse_mode: 'HTML', link_preview_options: { is_disabled: true } }, queue: reminderQueue(chatId) };
      await enqueueTelegram(ctx, tx, call);
      return lines.length;
    });
  }
  if (reminded > 0) ctx.live.publish({ channel: 'dialogs', type: 'message', data: {} });
  return reminded;
}

/**
 * The automatic answer to a client who writes outside working hours (or on a
 * holiday), when the administrator left it on: once per off-hours period —
 * the dialog remembers the opening it promised and says nothing more before
 * it. The text is in the client's language and names the next opening.
 * Returns the call to enqueue (the caller's transaction), or undefined.
 */
export async function offHoursAnswer(ctx: Pick<CommandContext, 'database' | 'config'>, tx: Tx, dialog: Dialog, client: Client, now = new Date()): Promise<TelegramCall | undefined> {
  if (dialog.offHoursAnsweredUntil && dialog.offHoursAnsweredUntil > now) return undefined;
  const calendar = await workingCalendar(ctx, tx);
  if (!calendar.offHoursAnswer || isWorkingTime(calendar, now)) return undefined;
  const opening = nextOpening(calendar, now);
  if (!opening) return undefined;
  await tx.db.update(dialogs).set({ offHoursAnsweredUntil: opening }).where(eq(dialogs.id, dialog.id));
  const locale = clientLocale(client.language);
  return { chatId: client.telegramUserId, method: 'sendMessage', payload: { text: botText(locale, 'off-hours-answer', { opening: formatOpening(calendar, opening, now, locale) }) } };
}
