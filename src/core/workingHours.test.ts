/**
 * Working hours (issue 19.3): the waiting time counts working time only,
 * across nights, weekends, holidays, extra working days and the days the
 * clocks move; with properties checked under random calendars and instants
 * against a minute-by-minute count (no code under test in the oracle but
 * `isWorkingTime`, itself checked by examples).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WORKING_HOURS,
  formatOpening,
  formatWait,
  HOURS_MESSAGES,
  isTimeZone,
  isWorkingTime,
  nextOpening,
  validateWorkingHours,
  waitDeadline,
  waitedWorkingMs,
  historyOf,
  workingDeadline,
  workingMsBetween,
  type WorkingCalendar,
} from './workingHours.js';

const moscow: WorkingCalendar = { ...DEFAULT_WORKING_HOURS, timeZone: 'Europe/Moscow' };
const MIN = 60_000;
const at = (iso: string) => new Date(iso);

describe('working time', () => {
  it('a client who wrote at 23:00 on Friday is late on Monday at 09:10 with a 10-minute limit', () => {
    const friday23 = at('2026-11-27T23:00:00+03:00');
    expect(workingMsBetween(moscow, friday23, at('2026-11-30T09:05:00+03:00'))).toBe(5 * MIN);
    expect(workingMsBetween(moscow, friday23, at('2026-11-30T09:10:00+03:00'))).toBe(10 * MIN);
    expect(workingDeadline(moscow, friday23, 10 * MIN)).toEqual(at('2026-11-30T09:10:00+03:00'));
  });

  it('counts only the hours inside the day and carries over nights', () => {
    // Tuesday 17:55 → Wednesday 09:05: 5 + 5 minutes.
    expect(workingMsBetween(moscow, at('2026-12-01T17:55:00+03:00'), at('2026-12-02T09:05:00+03:00'))).toBe(10 * MIN);
    expect(workingDeadline(moscow, at('2026-12-01T17:55:00+03:00'), 10 * MIN)).toEqual(at('2026-12-02T09:05:00+03:00'));
    expect(workingMsBetween(moscow, at('2026-12-02T10:00:00+03:00'), at('2026-12-02T09:00:00+03:00'))).toBe(0);
  });

  it('skips holidays and works extra working days', () => {
    const calendar: WorkingCalendar = { ...moscow, holidays: ['2026-11-30'], workdays: [{ date: '2026-11-28', start: '10:00', end: '14:00' }] };
    // Friday 18:00 → Tuesday 09:10: Saturday 10–14 (4 h) and Tuesday 10 minutes; Monday is off.
    expect(workingMsBetween(calendar, at('2026-11-27T18:00:00+03:00'), at('2026-12-01T09:10:00+03:00'))).toBe(4 * 60 * MIN + 10 * MIN);
    expect(isWorkingTime(calendar, at('2026-11-30T12:00:00+03:00'))).toBe(false);
    expect(isWorkingTime(calendar, at('2026-11-28T12:00:00+03:00'))).toBe(true);
    expect(nextOpening(calendar, at('2026-11-28T15:00:00+03:00'))).toEqual(at('2026-12-01T09:00:00+03:00'));
  });

  it('a working day the clocks move lasts its real time; a wall time that does not exist is read later', () => {
    const berlin: WorkingCalendar = { ...DEFAULT_WORKING_HOURS, timeZone: 'Europe/Berlin', week: Array(7).fill({ start: '00:00', end: '24:00' }) };
    // 29 March 2026: 02:00 → 03:00, a 23-hour day; 25 October 2026: a 25-hour day.
    expect(workingMsBetween(berlin, at('2026-03-29T00:00:00+01:00'), at('2026-03-30T00:00:00+02:00'))).toBe(23 * 60 * MIN);
    expect(workingMsBetween(berlin, at('2026-10-25T00:00:00+02:00'), at('2026-10-26T00:00:00+01:00'))).toBe(25 * 60 * MIN);
    const night: WorkingCalendar = { ...berlin, week: Array(7).fill({ start: '02:30', end: '04:00' }) };
    // 02:30 does not exist on 29 March: the range starts at 03:30 (summer time), 30 minutes to 04:00.
    expect(nextOpening(night, at('2026-03-29T00:00:00+01:00'))).toEqual(at('2026-03-29T03:30:00+02:00'));
    expect(workingMsBetween(night, at('2026-03-29T00:00:00+01:00'), at('2026-03-29T12:00:00+02:00'))).toBe(30 * MIN);
    // A range the clocks skip whole opens nothing: the next opening is the next real one (found by the property below, CI of stop 28).
    const skipped: WorkingCalendar = { ...berlin, week: [null, null, null, null, null, null, { start: '00:00', end: '00:15' }], workdays: [{ date: '2026-03-29', start: '02:00', end: '03:00' }] };
    expect(nextOpening(skipped, at('2026-03-22T00:00:00+01:00'))).toEqual(at('2026-04-05T00:00:00+02:00'));
    expect(workingMsBetween(skipped, at('2026-03-29T00:00:00+01:00'), at('2026-03-30T00:00:00+02:00'))).toBe(0);
  });

  it('the next opening: later today, tomorrow, after the weekend', () => {
    expect(nextOpening(moscow, at('2026-11-30T07:00:00+03:00'))).toEqual(at('2026-11-30T09:00:00+03:00'));
    expect(nextOpening(moscow, at('2026-11-30T12:00:00+03:00'))).toEqual(at('2026-12-01T09:00:00+03:00'));
    expect(nextOpening(moscow, at('2026-11-27T19:00:00+03:00'))).toEqual(at('2026-11-30T09:00:00+03:00'));
    expect(nextOpening({ ...moscow, holidays: [] , week: [null, null, null, null, null, null, null] }, at('2026-11-27T19:00:00+03:00'))).toBeNull();
  });

  it('says the opening in the client\'s language', () => {
    const friday = at('2026-11-27T19:00:00+03:00');
    const monday = at('2026-11-30T09:00:00+03:00');
    expect(formatOpening(moscow, monday, friday, 'ru')).toBe('в понедельник, 30.11.2026, в 09:00 по Москве');
    expect(formatOpening(moscow, monday, friday, 'en')).toBe('on Monday, 30 Nov 2026, at 09:00 (Europe/Moscow)');
    expect(formatOpening(moscow, monday, at('2026-11-30T02:00:00+03:00'), 'ru')).toBe('сегодня в 09:00 по Москве');
    expect(formatOpening(moscow, at('2026-12-01T09:00:00+03:00'), at('2026-11-30T19:00:00+03:00'), 'en')).toBe('tomorrow at 09:00 (Europe/Moscow)');
    expect(formatOpening(moscow, at('2026-12-01T09:00:00+03:00'), friday, 'ru')).toBe('во вторник, 01.12.2026, в 09:00 по Москве');
    expect(formatWait(65 * MIN, 'ru')).toBe('1 ч 05 мин');
    expect(formatWait(12 * MIN + 59_000, 'en')).toBe('12 min');
  });

  it('knows time zones', () => {
    expect(isTimeZone('Europe/Moscow')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('validating the hours an administrator sets', () => {
  it('refuses bad ranges and dates, field by field, and saves nothing', () => {
    const { value, errors } = validateWorkingHours({
      week: [{ start: '18:00', end: '09:00' }, { start: '9', end: '18:00' }, { start: '09:00', end: '25:00' }, null, null, null, null],
      holidays: ['2026-02-30', '2026-12-31', '2026-12-31', '0001-01-01', '2027-02-29', '2026-01-00', '31.12.2026'],
      workdays: [{ date: '2026-12-31', start: '10:00', end: '14:00' }, { date: '2026-12-26', start: '24:00', end: '24:00' }],
      offHoursAnswer: true,
    });
    expect(value).toBeNull();
    expect(errors).toEqual({
      'week.0.end': HOURS_MESSAGES.range,
      'week.1.start': HOURS_MESSAGES.time,
      'week.2.end': HOURS_MESSAGES.noSuchTime,
      'holidays.0': HOURS_MESSAGES.noSuchDate,
      'holidays.2': HOURS_MESSAGES.duplicate,
      'holidays.3': HOURS_MESSAGES.date,
      'holidays.4': HOURS_MESSAGES.noSuchDate,
      'holidays.5': HOURS_MESSAGES.noSuchDate,
      'holidays.6': HOURS_MESSAGES.date,
      'workdays.0.date': HOURS_MESSAGES.both,
      'workdays.1.start': HOURS_MESSAGES.noSuchTime,
    });
    expect(validateWorkingHours({ ...DEFAULT_WORKING_HOURS, week: Array(7).fill(null) }).errors).toEqual({ week: HOURS_MESSAGES.noWorkday });
  });

  it('an hour written without its leading zero («9:00») is taken and kept as 09:00; «9» or «9.00» is still refused', () => {
    const week = [{ start: '9:00', end: '18:00' }, { start: ' 8:30 ', end: '17:30' }, null, null, null, null, null];
    const { value, errors } = validateWorkingHours({ ...DEFAULT_WORKING_HOURS, week });
    expect(errors).toEqual({});
    expect(value?.week.slice(0, 2)).toEqual([{ start: '09:00', end: '18:00' }, { start: '08:30', end: '17:30' }]);
    // An added day left empty asks for a date (not for the API's ГГГГ-ММ-ДД, which the page's field does not show).
    expect(validateWorkingHours({ ...DEFAULT_WORKING_HOURS, holidays: [' '] }).errors).toEqual({ 'holidays.0': HOURS_MESSAGES.noDate });
    const refused = validateWorkingHours({ ...DEFAULT_WORKING_HOURS, week: [{ start: '9', end: '9.00' }, ...week.slice(1)] });
    expect(refused.errors).toEqual({ 'week.0.start': HOURS_MESSAGES.time, 'week.0.end': HOURS_MESSAGES.time });
  });

  it('an emptied time asks for one; an extra working day the week already works with the same hours is refused, a shortened one is taken', () => {
    const week = DEFAULT_WORKING_HOURS.week.map((range, day) => (day === 2 ? { start: '', end: '18:00' } : range));
    expect(validateWorkingHours({ ...DEFAULT_WORKING_HOURS, week }).errors).toEqual({ 'week.2.start': HOURS_MESSAGES.noTime });
    const monday = DEFAULT_WORKING_HOURS.week[0]!;
    // 7 Dec 2026 is a Monday.
    expect(validateWorkingHours({ ...DEFAULT_WORKING_HOURS, workdays: [{ date: '2026-12-07', ...monday }] }).errors).toEqual({
      'workdays.0.date': HOURS_MESSAGES.sameAsWeek,
    });
    const shortened = validateWorkingHours({ ...DEFAULT_WORKING_HOURS, workdays: [{ date: '2026-12-07', start: monday.start, end: '17:00' }] });
    expect(shortened.errors).toEqual({});
    expect(shortened.value?.workdays).toEqual([{ date: '2026-12-07', start: monday.start, end: '17:00' }]);
  });

  it('takes good hours, sorted', () => {
    const { value } = validateWorkingHours({ ...DEFAULT_WORKING_HOURS, holidays: ['2027-01-02', '2027-01-01'], workdays: [{ date: '2026-12-26', start: '10:00', end: '24:00' }] });
    expect(value?.holidays).toEqual(['2027-01-01', '2027-01-02']);
    expect(value?.workdays).toEqual([{ date: '2026-12-26', start: '10:00', end: '24:00' }]);
  });
});

describe('working time under random calendars (properties)', () => {
  const zones = fc.constantFrom('Europe/Moscow', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC', 'Australia/Lord_Howe');
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const range = fc
    .tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 96 }))
    .filter(([a, b]) => b > a)
    .map(([a, b]) => ({ start: hhmm(a * 15), end: hhmm(b * 15) }));
  const base = Date.parse('2026-03-20T00:00:00Z');
  const instant = fc.integer({ min: 0, max: 60 * 24 * 14 }).map((minutes) => new Date(base + minutes * MIN));
  const calendar = fc.record({
    timeZone: zones,
    week: fc.array(fc.option(range, { nil: null }), { minLength: 7, maxLength: 7 }).filter((week) => week.some(Boolean)),
    holidays: fc.uniqueArray(fc.integer({ min: 0, max: 8 }).map((d) => new Date(base + d * 86_400_000).toISOString().slice(0, 10)), { maxLength: 4 }),
    // Extra working days on other dates than the holidays (which take days 0–8).
    workdays: fc.uniqueArray(fc.tuple(fc.integer({ min: 9, max: 16 }), range), { maxLength: 3, selector: ([d]) => d }).map((days) =>
      days.map(([d, hours]) => ({ date: new Date(base + d * 86_400_000).toISOString().slice(0, 10), ...hours })),
    ),
    offHoursAnswer: fc.constant(true),
  });

  it('equals a minute-by-minute count of working minutes', () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 0, max: 60 * 24 * 3 }), (cal, from, minutes) => {
        const to = new Date(from.getTime() + minutes * MIN);
        let count = 0;
        for (let t = from.getTime(); t < to.getTime(); t += MIN) if (isWorkingTime(cal, new Date(t))) count++;
        expect(workingMsBetween(cal, from, to)).toBe(count * MIN);
      }),
      { numRuns: 60 },
    );
  });

  it('is additive, and the deadline is where the count reaches the limit', () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 0, max: 60 * 24 * 5 }), fc.integer({ min: 0, max: 60 * 24 * 5 }), fc.integer({ min: 1, max: 600 }), (cal, a, x, y, limit) => {
        const b = new Date(a.getTime() + x * MIN);
        const c = new Date(b.getTime() + y * MIN);
        expect(workingMsBetween(cal, a, c)).toBe(workingMsBetween(cal, a, b) + workingMsBetween(cal, b, c));
        const deadline = workingDeadline(cal, a, limit * MIN)!;
        expect(workingMsBetween(cal, a, deadline)).toBe(limit * MIN);
        expect(isWorkingTime(cal, new Date(deadline.getTime() - 1))).toBe(true);
        const opening = nextOpening(cal, a)!;
        expect(opening.getTime()).toBeGreaterThan(a.getTime());
        expect(isWorkingTime(cal, opening)).toBe(true);
        // Nothing opens strictly between: just before the opening it is off unless a range runs on into it.
        if (!isWorkingTime(cal, a)) expect(workingMsBetween(cal, a, opening)).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('with no edits it is the calendar itself; across random edits it is the sum of the periods', () => {
    fc.assert(
      fc.property(calendar, calendar, instant, fc.integer({ min: 0, max: 60 * 24 * 3 }), fc.integer({ min: 0, max: 60 * 24 * 3 }), fc.integer({ min: 1, max: 600 }), (before, after, from, split, x, limit) => {
        const until = new Date(from.getTime() + split * MIN);
        const to = new Date(from.getTime() + x * MIN);
        const h = { earlier: [{ until, calendar: before }], current: after };
        expect(waitedWorkingMs(historyOf(before), from, to)).toBe(workingMsBetween(before, from, to));
        const expected = workingMsBetween(before, from, to < until ? to : until) + (to > until ? workingMsBetween(after, until, to) : 0);
        expect(waitedWorkingMs(h, from, to)).toBe(expected);
        const deadline = waitDeadline(h, from, limit * MIN)!;
        expect(waitedWorkingMs(h, from, deadline)).toBe(limit * MIN);
      }),
      { numRuns: 80 },
    );
  });
});

describe('working time across edits of the hours (the outside check, fault 3)', () => {
  // Tuesday 01.12.2026: 09:00–18:00 Moscow until an edit at 12:00 makes the day a holiday from then on.
  const edit = at('2026-12-01T12:00:00+03:00');
  const holiday: WorkingCalendar = { ...moscow, holidays: ['2026-12-01'] };
  const history = { earlier: [{ until: edit, calendar: moscow }], current: holiday };

  it('a wait keeps the working time it had before the edit; after it, the new hours count', () => {
    const since = at('2026-12-01T10:00:00+03:00');
    // Under the holiday alone the morning would be recounted to nothing; under the history it stays 2 hours.
    expect(workingMsBetween(holiday, since, at('2026-12-01T15:00:00+03:00'))).toBe(0);
    expect(waitedWorkingMs(history, since, at('2026-12-01T15:00:00+03:00'))).toBe(120 * MIN);
    expect(waitedWorkingMs(history, since, at('2026-12-02T09:30:00+03:00'))).toBe(150 * MIN);
    // The deadline of a 10-minute limit fell before the edit and stays there.
    expect(waitDeadline(history, since, 10 * MIN)).toEqual(at('2026-12-01T10:10:00+03:00'));
    // A wait running over the edit: 30 minutes before it, the rest of a 60-minute limit on the next working morning.
    expect(waitDeadline(history, at('2026-12-01T11:30:00+03:00'), 60 * MIN)).toEqual(at('2026-12-02T09:30:00+03:00'));
    // A wait that began after the edit: the new hours only.
    expect(waitDeadline(history, at('2026-12-01T13:00:00+03:00'), 10 * MIN)).toEqual(at('2026-12-02T09:10:00+03:00'));
  });
});
