/**
 * The dashboard's API over a seeded data set whose answers are known
 * (test/helpers/insightSeed.ts): every chart's numbers, the manager filter,
 * the period's checks, and who is refused (everyone but an administrator of
 * our organization). Also a client's history and who may read it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type ApiClient, type TestApp } from '../helpers/app.js';
import { INSIGHT_ANSWERS, INSIGHT_PERIOD, seedInsight, type InsightSeed } from '../helpers/insightSeed.js';

describe('dashboard API', () => {
  let app: TestApp;
  let seed: InsightSeed;
  let admin: ApiClient;
  const period = `from=${INSIGHT_PERIOD.from}&to=${INSIGHT_PERIOD.to}`;

  beforeAll(async () => {
    app = await startTestApp();
    seed = await seedInsight(app);
    admin = await app.signIn(app.admin);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('each chart answers the seeded numbers, days cut in the admin’s zone (Moscow)', async () => {
    const get = async (chart: string) => {
      const response = await admin.get(`/api/insight/${chart}?${period}`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toMatchObject({ ...INSIGHT_PERIOD, timeZone: 'Europe/Moscow' });
      return response.body;
    };
    expect((await get('dialogs')).rows).toEqual(INSIGHT_ANSWERS.dialogs);
    expect((await get('first-response')).rows).toEqual(INSIGHT_ANSWERS.firstResponse);
    expect((await get('resolution')).rows).toEqual(INSIGHT_ANSWERS.resolution);
    expect((await get('managers-times')).rows.map(({ managerId: _id, ...row }: { managerId: number }) => row)).toEqual(INSIGHT_ANSWERS.managers);
    expect((await get('funnel')).rows).toEqual(INSIGHT_ANSWERS.funnel);
    expect((await get('volume-currency')).rows).toEqual(INSIGHT_ANSWERS.volumeByCurrency);
    expect((await get('volume-agent')).rows.map(({ agentId: _id, ...row }: { agentId: number }) => row)).toEqual(INSIGHT_ANSWERS.volumeByAgent);
    expect((await get('statuses')).rows).toEqual(INSIGHT_ANSWERS.statuses);
    expect((await get('sources')).rows).toEqual(INSIGHT_ANSWERS.sources);
  });

  it('the manager filter keeps that manager’s dialogs and requests', async () => {
    const dialogs = await admin.get(`/api/insight/dialogs?${period}&manager=${seed.anna.userId}`);
    expect(dialogs.body.rows).toEqual(INSIGHT_ANSWERS.dialogsAnna);
    const volume = await admin.get(`/api/insight/volume-currency?${period}&manager=${seed.boris.userId}`);
    expect(volume.body.rows).toEqual([{ currency: 'CNY', requests: 1, volume: '2500.25' }]);
    const managers = await admin.get('/api/insight/managers');
    expect(managers.body.rows.map((row: { name: string }) => row.name)).toEqual(expect.arrayContaining(['Анна Менеджер', 'Борис Менеджер']));
  });

  it('a bad period or manager is a 400 that names the field; nothing else is read', async () => {
    const cases: Array<[string, string]> = [
      ['from=2026-03-05&to=2026-03-01', 'from'],
      ['from=2026-02-30&to=2026-03-01', 'from'],
      ['from=01.03.2026&to=2026-03-01', 'from'],
      ['from=2024-01-01&to=2026-03-01', 'from'],
      ['to=tomorrow', 'to'],
      [`${period}&manager=999999`, 'manager'],
      [`${period}&manager=0x10`, 'manager'],
      [`${period}&unknown=1`, 'Проверьте поля'],
    ];
    for (const [query, field] of cases) {
      const response = await admin.get(`/api/insight/dialogs?${query}`);
      expect(response.status, query).toBe(400);
      expect(JSON.stringify(response.body), query).toContain(field);
    }
    // Each refusal carries a code the English page translates (src/core/messageCodes.ts).
    expect((await admin.get('/api/insight/dialogs?from=2026-03-05&to=2026-03-01')).body.code).toEqual({ code: 'insight.fromAfterTo' });
    expect((await admin.get('/api/insight/dialogs?from=2024-01-01&to=2026-03-01')).body.code).toEqual({ code: 'insight.periodTooLong', params: { days: '366' } });
    expect((await admin.get(`/api/insight/dialogs?${period}&manager=999999`)).body.code).toEqual({ code: 'insight.unknownManager' });
  });

  it('a manager, an agent, a customer and a stranger are refused every chart', async () => {
    const manager = await app.signIn(seed.anna);
    const agent = await app.signIn(await app.addUser({ role: 'agent', organization: 'Агент Запад' }));
    const customer = await app.signIn(await app.addUser({ role: 'customer', organization: 'ООО Покупатель' }));
    for (const chart of ['managers', 'dialogs', 'first-response', 'resolution', 'managers-times', 'funnel', 'volume-currency', 'volume-agent', 'statuses', 'sources']) {
      // The managers' list takes no period (an unknown parameter would be a 400 before the 403).
      const query = chart === 'managers' ? '' : `?${period}`;
      for (const client of [manager, agent, customer]) {
        const refused = await client.get(`/api/insight/${chart}${query}`);
        expect(refused.status, chart).toBe(403);
        expect(refused.body.code).toEqual({ code: 'insight.adminOnly' });
      }
      expect((await app.client().get(`/api/insight/${chart}${query}`)).status, chart).toBe(401);
    }
  });

  it('a client’s history: dialog, requests, statuses on one timeline, newest first; managers only', async () => {
    const manager = await app.signIn(seed.anna);
    const response = await manager.get(`/api/clients/${seed.clientD3}/history`);
    expect(response.status).toBe(200);
    expect(response.body.client.name).toBe('Клиент Три');
    expect(response.body.dialogId).toBe(seed.dialogD3);
    expect(response.body.notStored).toEqual([]);
    const entries = response.body.entries.map((entry: { kind: string; requestNumber: string | null; status: string | null }) => [entry.kind, entry.requestNumber, entry.status]);
    expect(entries).toEqual([
      ['status', '2026-900005', 'completed'],
      ['status', '2026-900005', 'accepted'],
      ['request', '2026-900005', 'completed'],
      ['status', '2026-900004', 'cancelled'],
      ['request', '2026-900004', 'cancelled'],
      ['dialog', null, 'open'],
    ]);
    const agent = await app.signIn(await app.addUser({ role: 'agent', organization: 'Агент Юг' }));
    expect((await agent.get(`/api/clients/${seed.clientD3}/history`)).status).toBe(403);
    expect((await manager.get('/api/clients/99999999/history')).status).toBe(404);
    // The request page names the dialog to staff (the link to the history), to nobody else.
    const page = await manager.get(`/api/requests/${seed.requestR4}`);
    expect(page.body.request.dialogId).toBe(seed.dialogD3);
  });
});
