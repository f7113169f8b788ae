/**
 * Working hours and the holiday calendar (issue 19.3, the answer-time
 * promise): when the hotline works, how much *working* time a client has
 * waited, and when we open next. Pure: no I/O, no clock (every function takes
 * the instant it reasons about).
 *
 * Wall-clock hours are read in the business time zone (an IANA name,
 * BUSINESS_TIME_ZONE) with the built-in `Temporal` (Node 26; TC39 Temporal,
 * the standard's own time-zone rules): a working day 09:00–18:00 on a day
 * the clocks move is the real elapsed time between those two wall times (8
 * or 10 hours), and a wall time that does not exist (02:30 when the clocks
 * jump 02:00 → 03:00) is read as Temporal's `compatible` (the later side).
 *
 * A day's hours: a holiday (a date off) has none; an extra working day (a
 * date normally off, such as a Saturday the government moved a Monday to) has
 * its own; any other day has its weekday's. Hours are one range a day,
 * `HH:MM`–`HH:MM`, the end after the start (`24:00` is the day's end); a
 * night shift across midnight is two ranges on two days and is not supported.
 *
 * @example
 * const hours = { ...DEFAULT_WORKING_HOURS, timeZone: 'Europe/Moscow' };
 * // A client wrote Friday 23:00; Monday 09:10 they have waited 10 working minutes:
 * workingMsBetween(hours, new Date('2026-11-27T20:00:00Z'), new Date('2026-11-30T06:10:00Z')); // 600000
 */
import { DATE_NO_SUCH_DAY, isoDateNamesNoDay } from './fields.js';

/** One day's working range, wall-clock `HH:MM` in the business time zone; `end` may be `24:00`. */
export interface DayHours {
  start: string;
  end: string;
}

/** A date normally off that is worked, with its hours. */
export interface ExtraWorkday extends DayHours {
  /** ISO date `YYYY-MM-DD` (a calendar date in the business time zone). */
  date: string;
}

/** What an administrator keeps on the platform (stored as one `settings` row, commands/workingHours). */
export interface WorkingHoursSettings {
  /** Monday first (index 0) to Sunday (index 6); null: a day off. */
  week: Array<DayHours | null>;
  /** ISO dates off (public holidays, a company day off). */
  holidays: string[];
  /** Dates normally off that are worked. */
  workdays: ExtraWorkday[];
  /** Whether a client who writes outside working hours gets the automatic answer (once per off-hours period). */
  offHoursAnswer: boolean;
}

/** The settings with the business time zone (BUSINESS_TIME_ZONE): what the calculations read. */
export interface WorkingCalendar extends WorkingHoursSettings {
  timeZone: string;
}

/**
 * Until an administrator edits them: Monday to Friday 09:00–18:00, no
 * holidays. The automatic answer is off until an administrator turns it on
 * (an upgrade does not start writing to clients unasked).
 */
export const DEFAULT_WORKING_HOURS: WorkingHoursSettings = {
  week: [
    { start: '09:00', end: '18:00' },
    { start: '09:00', end: '18:00' },
    { start: '09:00', end: '18:00' },
    { start: '09:00', end: '18:00' },
    { start: '09:00', end: '18:00' },
    null,
    null,
  ],
  holidays: [],
  workdays: [],
  offHoursAnswer: false,
};

/** At most this many dates in each list (a few years of holidays). */
export const MAX_CALENDAR_DATES = 400;

/** Whether `timeZone` is an IANA time zone name the runtime knows (`Europe/Moscow`, `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    Temporal.Now.instant().toZonedDateTimeISO(timeZone);
    return timeZone.trim() !== '';
  } catch {
    return false;
  }
}

// «9:00» is 09:00, as people write it (and as Russian typography prints hours); stored as `HH:MM` (checkRange).
const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$|^24:00$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
// The shape of a time, whatever its numbers (to tell «25:00» — no such time — from «9» — not a time).
const CLOCK_SHAPE = /^\d{1,2}:\d{2}$/;

/** Minutes after midnight of an `HH:MM` (or `H:MM`), or null when it is not one. */
export function minutesOf(time: string): number | null {
  const match = TIME.exec(time.trim());
  if (!match) return null;
  return match[1] === undefined ? 24 * 60 : Number(match[1]) * 60 + Number(match[2]);
}

/** A real calendar day `YYYY-MM-DD` within 1990–2100, the platform's range for dates. */
function isIsoDate(value: string): boolean {
  return dateMessage(value) === null;
}

/**
 * Why `value` is not a date the calendar takes, or null when it is one: not
 * `YYYY-MM-DD` or outside 1990–2100 (HOURS_MESSAGES.date), or written so but
 * a day the calendar has not (`2026-02-31`, `2027-02-29`, `2026-01-00`:
 * HOURS_MESSAGES.noSuchDate).
 */
function dateMessage(value: string): string | null {
  if (value === '') return HOURS_MESSAGES.noDate;
  if (!ISO_DATE.test(value)) return HOURS_MESSAGES.date;
  const year = Number(value.slice(0, 4));
  if (year < 1990 || year > 2100) return HOURS_MESSAGES.date;
  return isoDateNamesNoDay(value) ? HOURS_MESSAGES.noSuchDate : null;
}

/** The refusals (Russian, with codes in core/messageCodes). */
export const HOURS_MESSAGES = {
  time: 'Время в формате ЧЧ:ММ, например 09:00',
  noTime: 'Укажите время: ЧЧ:ММ, например 09:00',
  noSuchTime: 'Такого времени нет: часы от 00 до 23 (24:00 — только конец дня), минуты от 00 до 59',
  range: 'Конец рабочего дня должен быть позже начала',
  noWorkday: 'Отметьте хотя бы один рабочий день недели',
  // The API takes ISO dates (the page's date field converts what a person types).
  date: 'Дата в формате ГГГГ-ММ-ДД, с 1990 по 2100 год',
  // An added day left empty (the page's date field writes ДД.ММ.ГГГГ: naming the API's format there misled).
  noDate: 'Укажите дату',
  noSuchDate: DATE_NO_SUCH_DAY,
  duplicate: 'Этот день уже есть в списке',
  both: 'Этот день уже отмечен выходным',
  sameAsWeek: 'В этот день и так работаем с такими часами — перенос не нужен',
  tooMany: `Не больше ${MAX_CALENDAR_DATES} дней в списке`,
} as const;

function checkRange(range: DayHours, field: string, errors: Record<string, string>): DayHours | null {
  const start = minutesOf(range.start ?? '');
  const end = minutesOf(range.end ?? '');
  const timeMessage = (typed: string | undefined) => {
    const text = (typed ?? '').trim();
    if (text === '') return HOURS_MESSAGES.noTime;
    // Written as a time but not one the clock has («25:00», «12:60», «24:00» as a start): saying the format again misled.
    return CLOCK_SHAPE.test(text) ? HOURS_MESSAGES.noSuchTime : HOURS_MESSAGES.time;
  };
  if (start === null || start === 24 * 60) errors[`${field}.start`] = timeMessage(range.start);
  if (end === null) errors[`${field}.end`] = timeMessage(range.end);
  if (start === null || end === null || start === 24 * 60) return null;
  if (end <= start) {
    errors[`${field}.end`] = HOURS_MESSAGES.range;
    return null;
  }
  return { start: clockTime(start), end: clockTime(end) };
}

/** `HH:MM` of minutes after midnight (1440 is `24:00`). */
function clockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * Checks what an administrator sent: every time `HH:MM` (`24:00` only as an
 * end), each end after its start, at least one working weekday, dates real
 * ISO dates, no date twice, no date both off and worked, no extra working
 * day that the week already works with the same hours, at most
 * MAX_CALENDAR_DATES per list. Errors are keyed by field path (`week.0.end`,
 * `holidays.2`, `workdays.1.date`); with any error `value` is null.
 */
export function validateWorkingHours(input: WorkingHoursSettings): { value: WorkingHoursSettings | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const week = Array.from({ length: 7 }, (_, day) => {
    const range = input.week[day];
    return range ? checkRange(range, `week.${day}`, errors) : null;
  });
  if (input.week.slice(0, 7).every((range) => !range)) errors['week'] = HOURS_MESSAGES.noWorkday;
  const seen = new Set<string>();
  if (input.holidays.length > MAX_CALENDAR_DATES) errors['holidays'] = HOURS_MESSAGES.tooMany;
  if (input.workdays.length > MAX_CALENDAR_DATES) errors['workdays'] = HOURS_MESSAGES.tooMany;
  const holidays = input.holidays.map((date, i) => {
    const value = date.trim();
    const refused = dateMessage(value);
    if (refused) errors[`holidays.${i}`] = refused;
    else if (seen.has(value)) errors[`holidays.${i}`] = HOURS_MESSAGES.duplicate;
    seen.add(value);
    return value;
  });
  const workdaySeen = new Set<string>();
  const workdays = input.workdays.map((day, i) => {
    const date = (day.date ?? '').trim();
    const refused = dateMessage(date);
    if (refused) errors[`workdays.${i}.date`] = refused;
    else if (workdaySeen.has(date)) errors[`workdays.${i}.date`] = HOURS_MESSAGES.duplicate;
    else if (seen.has(date)) errors[`workdays.${i}.date`] = HOURS_MESSAGES.both;
    workdaySeen.add(date);
    const range = checkRange(day, `workdays.${i}`, errors);
    // An extra working day is for a day normally off, or a normal one with other hours (a shortened eve of a holiday).
    const usual = isIsoDate(date) ? week[Temporal.PlainDate.from(date).dayOfWeek - 1] : null;
    if (range && usual && usual.start === range.start && usual.end === range.end && !errors[`workdays.${i}.date`]) {
      errors[`workdays.${i}.date`] = HOURS_MESSAGES.sameAsWeek;
    }
    return { date, start: range?.start ?? day.start, end: range?.end ?? day.end };
  });
  if (Object.keys(errors).length > 0) return { value: null, errors };
  return {
    value: {
      week: week,
      holidays: [...holidays].sort(),
      workdays: workdays.sort((a, b) => a.date.localeCompare(b.date)),
      offHoursAnswer: Boolean(input.offHoursAnswer),
    },
    errors,
  };
}

/** A day's working range as two instants, or null for a day off. */
function rangeOn(calendar: WorkingCalendar, date: Temporal.PlainDate): { start: number; end: number } | null {
  const iso = date.toString();
  if (calendar.holidays.includes(iso)) return null;
  const hours = calendar.workdays.find((day) => day.date === iso) ?? calendar.week[date.dayOfWeek - 1];
  if (!hours) return null;
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  if (start === null || end === null || end <= start) return null;
  const range = { start: instantAt(calendar.timeZone, date, start), end: instantAt(calendar.timeZone, date, end) };
  // A range the clocks skip whole (02:00–03:00 on the day they move forward) lasts no real time: no range, no opening.
  return range.end > range.start ? range : null;
}

/** Epoch milliseconds of `minutes` after the wall-clock midnight of `date` in `timeZone` (24:00 is the next day's 00:00). */
function instantAt(timeZone: string, date: Temporal.PlainDate, minutes: number): number {
  const day = minutes === 24 * 60 ? date.add({ days: 1 }) : date;
  const m = minutes % (24 * 60);
  return day.toPlainDateTime({ hour: Math.floor(m / 60), minute: m % 60 }).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}

function localDate(timeZone: string, at: number): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(timeZone).toPlainDate();
}

/** How far the calculations look for an opening: a calendar with none within this many days has none. */
const SEARCH_DAYS = 800;

/** Whether `at` is inside working hours. */
export function isWorkingTime(calendar: WorkingCalendar, at: Date): boolean {
  const t = at.getTime();
  const range = rangeOn(calendar, localDate(calendar.timeZone, t));
  return range !== null && range.start <= t && t < range.end;
}

/**
 * Working time between `from` and `to`, in milliseconds (0 when `to` is not
 * after `from`): the sum of each day's working range clipped to [from, to].
 */
export function workingMsBetween(calendar: WorkingCalendar, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (!(b > a)) return 0;
  let total = 0;
  const last = localDate(calendar.timeZone, b);
  for (let date = localDate(calendar.timeZone, a); Temporal.PlainDate.compare(date, last) <= 0; date = date.add({ days: 1 })) {
    const range = rangeOn(calendar, date);
    if (range) total += Math.max(0, Math.min(b, range.end) - Math.max(a, range.start));
  }
  return total;
}

/**
 * The instant at which `limitMs` of working time has passed since `since`
 * (for `limitMs` 0: the first working instant at or after `since`), or null
 * when the calendar has no working time in the next SEARCH_DAYS days.
 * A client waiting since `since` is late from this instant on.
 */
export function workingDeadline(calendar: WorkingCalendar, since: Date, limitMs: number): Date | null {
  const a = since.getTime();
  let left = Math.max(0, limitMs);
  let date = localDate(calendar.timeZone, a);
  for (let i = 0; i < SEARCH_DAYS; i++, date = date.add({ days: 1 })) {
    const range = rangeOn(calendar, date);
    if (!range || range.end <= a) continue;
    const start = Math.max(a, range.start);
    if (start + left <= range.end) return new Date(start + left);
    left -= range.end - start;
  }
  return null;
}

/**
 * The next opening after `at`: the start of the first working range that
 * begins after `at` (when `at` is inside working hours, the next day's), or
 * null when there is none within SEARCH_DAYS days. What the automatic answer
 * promises to a client who wrote outside working hours.
 */
export function nextOpening(calendar: WorkingCalendar, at: Date): Date | null {
  const t = at.getTime();
  let date = localDate(calendar.timeZone, t);
  for (let i = 0; i < SEARCH_DAYS; i++, date = date.add({ days: 1 })) {
    const range = rangeOn(calendar, date);
    if (range && range.start > t) return new Date(range.start);
  }
  return null;
}

/**
 * The opening as a client reads it, in their language and in the business
 * time zone: «сегодня в 09:00», «завтра в 09:00», «в понедельник, 30.11.2026,
 * в 09:00»; «today at 09:00», «tomorrow at 09:00», «on Monday, 30 Nov 2026, at
 * 09:00». The zone is named after the time when it is not Moscow for a
 * Russian reader (`09:00 (Europe/Berlin)`).
 */
export function formatOpening(calendar: Pick<WorkingCalendar, 'timeZone'>, opening: Date, now: Date, locale: 'ru' | 'en'): string {
  const at = Temporal.Instant.fromEpochMilliseconds(opening.getTime()).toZonedDateTimeISO(calendar.timeZone);
  const today = localDate(calendar.timeZone, now.getTime());
  const days = today.until(at.toPlainDate(), { largestUnit: 'days' }).days;
  const time = `${String(at.hour).padStart(2, '0')}:${String(at.minute).padStart(2, '0')}`;
  const zone = locale === 'ru' && calendar.timeZone === 'Europe/Moscow' ? ' по Москве' : ` (${calendar.timeZone})`;
  const date = at.toPlainDate();
  if (locale === 'ru') {
    if (days === 0) return `сегодня в ${time}${zone}`;
    if (days === 1) return `завтра в ${time}${zone}`;
    const weekday = ['понедельник', 'вторник', 'среду', 'четверг', 'пятницу', 'субботу', 'воскресенье'][date.dayOfWeek - 1];
    const dd = `${String(date.day).padStart(2, '0')}.${String(date.month).padStart(2, '0')}.${date.year}`;
    return `${date.dayOfWeek === 2 ? 'во' : 'в'} ${weekday}, ${dd}, в ${time}${zone}`;
  }
  if (days === 0) return `today at ${time}${zone}`;
  if (days === 1) return `tomorrow at ${time}${zone}`;
  const weekday = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][date.dayOfWeek - 1];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][date.month - 1];
  return `on ${weekday}, ${date.day} ${month} ${date.year}, at ${time}${zone}`;
}

/** A working-time wait as a manager reads it: «12 мин», «19 ч 05 мин» (Russian) / «12 min», «19 h 05 min»; whole minutes, rounded down. */
export function formatWait(ms: number, locale: 'ru' | 'en'): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const [h, m] = [Math.floor(minutes / 60), minutes % 60];
  const u = locale === 'ru' ? { h: 'ч', m: 'мин' } : { h: 'h', m: 'min' };
  if (h > 0) return `${h} ${u.h} ${String(m).padStart(2, '0')} ${u.m}`;
  return `${m} ${u.m}`;
}

/**
 * The working hours over time: each earlier calendar was in force until its
 * `until` (in order, oldest first; each from the previous one's `until`, the
 * first from always), `current` from the last `until` on. An administrator's
 * edit starts a new period and never rewrites the past (issue 19, the outside
 * check, fault 3): a wait keeps the working time it accrued under the hours
 * then in force, and runs on under the new hours from the edit on.
 */
export interface CalendarHistory {
  earlier: ReadonlyArray<{ until: Date; calendar: WorkingCalendar }>;
  current: WorkingCalendar;
}

/** A calendar with no history: the same hours always. */
export function historyOf(calendar: WorkingCalendar): CalendarHistory {
  return { earlier: [], current: calendar };
}

/** The periods of a history that overlap [from, ∞), each with its calendar and its instants (ms; `end` Infinity for the current one). */
function periodsFrom(history: CalendarHistory, from: number): Array<{ calendar: WorkingCalendar; start: number; end: number }> {
  const periods: Array<{ calendar: WorkingCalendar; start: number; end: number }> = [];
  let start = -Infinity;
  for (const { until, calendar } of history.earlier) {
    const end = until.getTime();
    if (end > from && end > start) periods.push({ calendar, start: Math.max(start, from), end });
    start = Math.max(start, end);
  }
  periods.push({ calendar: history.current, start: Math.max(start, from), end: Infinity });
  return periods;
}

/**
 * Working time between `from` and `to` (ms) across a history: each part of
 * the span counted under the calendar in force then (`workingMsBetween` per
 * period). 0 when `to` is not after `from`.
 */
export function waitedWorkingMs(history: CalendarHistory, from: Date, to: Date): number {
  const b = to.getTime();
  let total = 0;
  for (const period of periodsFrom(history, from.getTime())) {
    if (period.start >= b) break;
    total += workingMsBetween(period.calendar, new Date(period.start), new Date(Math.min(b, period.end)));
  }
  return total;
}

/**
 * `workingDeadline` across a history: the instant `limitMs` of working time
 * has passed since `since`, each period counted under its own calendar; null
 * when no calendar gives the time within SEARCH_DAYS of the current one. A
 * wait whose deadline fell before an edit keeps it; one still running when
 * the hours change gets the rest of its limit under the new hours.
 */
export function waitDeadline(history: CalendarHistory, since: Date, limitMs: number): Date | null {
  let left = Math.max(0, limitMs);
  for (const period of periodsFrom(history, since.getTime())) {
    const start = new Date(period.start);
    const deadline = workingDeadline(period.calendar, start, left);
    if (period.end === Infinity) return deadline;
    if (deadline && deadline.getTime() <= period.end) return deadline;
    left -= workingMsBetween(period.calendar, start, new Date(period.end));
  }
  return null;
}
