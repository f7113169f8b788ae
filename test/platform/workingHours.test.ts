/**
 * The working-hours form's refusals through the API and the command (issue 19.3,
 * the outside tester's report: several wrong fields gave one message, a date
 * that does not exist was lost). Every wrong field is answered at once, each
 * beside its own key, in Russian with a code the English page translates; one
 * wrong field saves nothing — neither the hours, nor the earlier versions, nor
 * an event.
 */
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveWorkingHours } from '../../src/commands/workingHours.js';
import { FieldErrors } from '../../src/commands/validation.js';
import { DEFAULT_WORKING_HOURS, HOURS_MESSAGES } from '../../src/core/workingHours.js';
import { events, settings } from '../../src/db/schema.js';
import { serverText, setApiLocale } from '../../web/src/api.js';
import { startTestApp, type ApiClient, type TestApp } from '../helpers/app.js';

describe('the working-hours form refused through the API', () => {
  let app: TestApp;
  let admin: ApiClient;

  beforeAll(async () => {
    app = await startTestApp({ BUSINESS_TIME_ZONE: 'Europe/Moscow' });
    admin = await app.signIn(app.admin);
    // Something saved before, for the refusals to leave alone.
    const saved = await admin.request('PUT', '/api/admin/working-hours', { ...DEFAULT_WORKING_HOURS, holidays: ['2026-12-31'] });
    expect(saved.status).toBe(200);
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** What is stored: the hours, their earlier versions and the edits' events. */
  const stored = async () => {
    const { db } = app.ctx.database;
    const rows = await db.select({ key: settings.key, value: settings.value, updatedAt: settings.updatedAt }).from(settings);
    const [edits] = await db.select({ n: count() }).from(events).where(and(eq(events.name, 'settings.working_hours_updated')));
    return { settings: rows.filter((row) => row.key.startsWith('working_hours')).sort((a, b) => a.key.localeCompare(b.key)), edits: edits!.n };
  };

  // A form with something wrong in every kind of field: what a person could type into the page.
  const bad = {
    week: [
      { start: '18:00', end: '09:00' }, // ends before it starts
      { start: '9', end: '18:00' }, // not HH:MM
      { start: '09:00', end: '18:00 и обед 13:00–14:00' }, // a long mistyped time
      { start: '09:00', end: '18:00' },
      { start: '', end: '18:00' }, // emptied
      null,
      null,
    ],
    // As typed on the page (the date field sends what is not a date as typed), written ISO but no day, a duplicate.
    holidays: ['31.02.2026', '2026-02-31', '2027-02-29', '2026-01-00', '1.1.26', '2026-12-31', '2026-12-31'],
    workdays: [{ date: '29.02.2027', start: '10:00', end: '09:00' }],
    offHoursAnswer: true,
  };
  const expected = {
    'week.0.end': HOURS_MESSAGES.range,
    'week.1.start': HOURS_MESSAGES.time,
    'week.2.end': HOURS_MESSAGES.time,
    'week.4.start': HOURS_MESSAGES.noTime,
    'holidays.0': HOURS_MESSAGES.date,
    'holidays.1': HOURS_MESSAGES.noSuchDate,
    'holidays.2': HOURS_MESSAGES.noSuchDate,
    'holidays.3': HOURS_MESSAGES.noSuchDate,
    'holidays.4': HOURS_MESSAGES.date,
    'holidays.6': HOURS_MESSAGES.duplicate,
    'workdays.0.date': HOURS_MESSAGES.date,
    'workdays.0.end': HOURS_MESSAGES.range,
  };

  it('every wrong field is answered at once, each beside its key, and nothing is saved', async () => {
    const before = await stored();
    const shown = (await admin.get('/api/admin/working-hours')).body;
    const response = await admin.request('PUT', '/api/admin/working-hours', bad);
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual(expected);
    expect(response.body.fieldCodes).toMatchObject({
      'week.0.end': { code: 'hours.range' },
      'holidays.0': { code: 'hours.date' },
      'holidays.1': { code: 'hours.noSuchDate' },
      'holidays.6': { code: 'hours.duplicate' },
      'workdays.0.end': { code: 'hours.range' },
    });
    expect(await stored()).toEqual(before);
    expect((await admin.get('/api/admin/working-hours')).body).toEqual(shown);
  });

  it('the English page reads each of them in English', async () => {
    const response = await admin.request('PUT', '/api/admin/working-hours', bad);
    setApiLocale('en');
    try {
      const english = Object.fromEntries(Object.keys(expected).map((field) => [field, serverText(response.body.fields[field], response.body.fieldCodes[field])]));
      expect(english).toMatchObject({
        'week.0.end': 'The working day must end after it starts',
        'week.4.start': 'Fill in the time: HH:MM, e.g. 09:00',
        'holidays.1': 'There is no such day in the calendar — check the day and the month',
        'holidays.6': 'This day is already in the list',
      });
    } finally {
      setApiLocale('ru');
    }
  });

  it('the command refuses the same with every field and changes nothing', async () => {
    const before = await stored();
    const refusal = await saveWorkingHours(app.ctx, { actor: app.admin, hours: bad }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(FieldErrors);
    expect((refusal as FieldErrors).fields).toEqual(expected);
    expect(await stored()).toEqual(before);
  });
});
