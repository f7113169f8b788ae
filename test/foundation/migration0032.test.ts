/**
 * Migration 0032 (the outside check of issue 19, faults 3 and 2) on data an
 * older version left: the working hours' earlier versions are rebuilt from
 * the edits' events, and a rating of a dialog nobody owned is credited to the
 * manager of ours who answered the client last before it was asked. The
 * migration's own SQL is run again on such rows (it is rerunnable: the hours
 * row is only written when missing, only ratings without a manager change).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { clients, dialogs, events, messages, requestRatings, requests } from '../../src/db/schema.js';
import { forgetCachedWorkingHours, workingHistory } from '../../src/commands/workingHours.js';
import { DEFAULT_WORKING_HOURS } from '../../src/core/workingHours.js';
import { migrationsFolder } from '../../src/db/index.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ BUSINESS_TIME_ZONE: 'Europe/Moscow' });
});
afterAll(async () => {
  await app?.stop();
});

async function runMigration0032() {
  const text = fs.readFileSync(path.join(migrationsFolder, '0032_hours_history_rating_credit.sql'), 'utf8');
  for (const statement of text.split('--> statement-breakpoint')) await app.ctx.database.db.execute(sql.raw(statement));
}

describe('migration 0032', () => {
  it('rebuilds the earlier working hours from the edits an older version recorded', async () => {
    const { db } = app.ctx.database;
    const saturdays = { ...DEFAULT_WORKING_HOURS, week: [...DEFAULT_WORKING_HOURS.week.slice(0, 5), { start: '10:00', end: '14:00' }, null] };
    const edits = [
      { at: new Date('2026-11-01T09:00:00Z'), before: DEFAULT_WORKING_HOURS, after: saturdays },
      { at: new Date('2026-11-20T09:00:00Z'), before: saturdays, after: DEFAULT_WORKING_HOURS },
    ];
    for (const edit of edits) await db.insert(events).values({ ...edit, subjectType: 'user', subjectId: app.admin.userId, name: 'settings.working_hours_updated' });
    await db.execute(sql`delete from settings where key = 'working_hours_earlier'`);
    await runMigration0032();
    forgetCachedWorkingHours(app.ctx.database);
    const history = await workingHistory(app.ctx);
    expect(history.earlier.map((item) => [item.until.toISOString(), item.calendar.week[5]])).toEqual([
      ['2026-11-01T09:00:00.000Z', null],
      ['2026-11-20T09:00:00.000Z', { start: '10:00', end: '14:00' }],
    ]);
  });

  it('credits a rating nobody owned to the manager who answered last before it was asked; one with a manager stays', async () => {
    const { db } = app.ctx.database;
    const irina = await app.addUser({ role: 'manager', organization: app.admin.organizationId, name: 'Ирина Менеджер', telegramUserId: 5550001 });
    const pavel = await app.addUser({ role: 'manager', organization: app.admin.organizationId, name: 'Павел Менеджер' });
    const [client] = await db.insert(clients).values({ telegramUserId: 7200001, firstName: 'Ничей' }).returning();
    const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 70 }).returning();
    const asked = new Date('2026-11-25T12:00:00Z');
    // Павел answered on the platform, then Ирина in the topic (known by her Telegram id); a later answer does not count.
    await db.insert(messages).values([
      { dialogId: dialog!.id, seq: 1, direction: 'in', text: 'Нужна оплата', sentAt: new Date('2026-11-25T10:00:00Z') },
      { dialogId: dialog!.id, seq: 2, direction: 'out', authorUserId: pavel.userId, text: 'Сейчас', sentAt: new Date('2026-11-25T10:05:00Z') },
      { dialogId: dialog!.id, seq: 3, direction: 'out', authorTelegramId: 5550001, text: 'Готово', sentAt: new Date('2026-11-25T11:00:00Z') },
      { dialogId: dialog!.id, seq: 4, direction: 'out', authorUserId: pavel.userId, text: 'Спасибо за оценку', sentAt: new Date('2026-11-25T13:00:00Z') },
    ]);
    const request = async (n: number) =>
      (
        await db
          .insert(requests)
          .values({ number: `2026-93000${n}`, customerOrganizationId: app.admin.organizationId, dialogId: dialog!.id, origin: 'telegram', status: 'completed', amount: '100', currency: 'USD', beneficiary: { name: 'X' }, purpose: 'Оплата' })
          .returning()
      )[0]!;
    const [unowned, owned] = [await request(1), await request(2)];
    await db.insert(requestRatings).values([
      { requestId: unowned.id, dialogId: dialog!.id, score: 5, askedAt: asked, ratedAt: asked },
      { requestId: owned.id, dialogId: dialog!.id, ownerUserId: pavel.userId, score: 3, askedAt: asked, ratedAt: asked },
    ]);
    await runMigration0032();
    const admin = await app.signIn(app.admin);
    const rows = (await admin.get('/api/ratings/managers')).body.items.map((r: { name: string | null; rated: number; average: string }) => [r.name, r.rated, r.average]);
    expect(rows).toEqual([
      ['Ирина Менеджер', 1, '5.00'],
      ['Павел Менеджер', 1, '3.00'],
    ]);
    expect(irina.userId).not.toBe(pavel.userId);
  });
});
