/**
 * A small data set for the dashboard whose answers are worked out by hand
 * (INSIGHT_ANSWERS). Seeded by direct SQL into the test app's database: the
 * charts are about *when* things happened (days cut in Moscow time, minutes
 * to the first answer, hours to completion), and the real commands stamp
 * rows with the current time. The rows are the ones the commands write
 * (a client, its dialog, messages in and out by a manager's Telegram id, a
 * request, the accepted offer, the `request.status` events).
 *
 * Period 01.03.2026–03.03.2026, Moscow (UTC+3):
 * - D1 opened 01.03 10:00; answered by Anna after 5 min (300 s).
 *   R1 1000.50 USD by Anna, accepted (agent «Агент Восток»), completed 24 h after creation.
 * - D2 opened 02.03 01:00 Moscow (still 01.03 in UTC: the day is Moscow's); answered by Boris after 20 min (1200 s).
 *   R2 2500.25 CNY by Boris, accepted (our organization as the agent), not completed.
 * - D3 opened 02.03 12:00; a note after 1 min (not an answer), Anna answers after 10 min (600 s).
 *   R3 300.00 USD by Anna, cancelled; R4 199.50 USD by Anna, accepted («Агент Восток»), completed 26 h after creation.
 * - D4 opened 03.03 09:00, not answered.
 * - Sources (the client's first /start parameter): D0, D1, D2 «ads_autumn», D3 «partner_x», D4 none.
 * - D0 opened 27.02 (outside the period); R0 9999.00 USD created 27.02: counted nowhere.
 * - R5 50.00 EUR, a web request of an outside customer, 03.03, collecting offers.
 */
import { sql } from 'drizzle-orm';
import { clients, dialogs, events, messages, offers, requests } from '../../src/db/schema.js';
import type { TestApp, TestUser } from './app.js';

export const INSIGHT_PERIOD = { from: '2026-03-01', to: '2026-03-03' };

/** What each chart must show for INSIGHT_PERIOD, everyone (and Anna alone where it differs). */
export const INSIGHT_ANSWERS = {
  dialogs: [
    { day: '2026-03-01', dialogs: 1 },
    { day: '2026-03-02', dialogs: 2 },
    { day: '2026-03-03', dialogs: 1 },
  ],
  dialogsAnna: [
    { day: '2026-03-01', dialogs: 1 },
    { day: '2026-03-02', dialogs: 1 },
    { day: '2026-03-03', dialogs: 0 },
  ],
  firstResponse: [
    { day: '2026-03-01', answered: 1, median: 300, p90: 300 },
    // 600 and 1200 s: median 900, p90 = 600 + 0.9 × 600 (percentile_cont interpolates).
    { day: '2026-03-02', answered: 2, median: 900, p90: 1140 },
    { day: '2026-03-03', answered: 0, median: null, p90: null },
  ],
  resolution: [
    { day: '2026-03-01', completed: 0, median: null, p90: null },
    { day: '2026-03-02', completed: 1, median: 86_400, p90: 86_400 },
    { day: '2026-03-03', completed: 1, median: 93_600, p90: 93_600 },
  ],
  managers: [
    // 300 and 600 s → 450, 570; 86 400 and 93 600 s → 90 000, 92 880.
    { manager: 'Анна Менеджер', answered: 2, firstResponseMedian: 450, firstResponseP90: 570, completed: 2, resolutionMedian: 90_000, resolutionP90: 92_880 },
    { manager: 'Борис Менеджер', answered: 1, firstResponseMedian: 1200, firstResponseP90: 1200, completed: 0, resolutionMedian: null, resolutionP90: null },
  ],
  funnel: { dialogs: 4, withRequest: 3, accepted: 3, completed: 2, cancelled: 1 },
  volumeByCurrency: [
    { currency: 'CNY', requests: 1, volume: '2500.25' },
    { currency: 'USD', requests: 2, volume: '1200.00' },
  ],
  volumeByAgent: [
    { agent: 'Агент Восток', currency: 'USD', requests: 2, volume: '1200.00' },
    { agent: 'Наша компания', currency: 'CNY', requests: 1, volume: '2500.25' },
  ],
  statuses: [
    { status: 'collecting_offers', requests: 1 },
    { status: 'accepted', requests: 1 },
    { status: 'completed', requests: 2 },
    { status: 'cancelled', requests: 1 },
  ],
  sources: [
    { source: 'ads_autumn', clients: 2 },
    { source: 'partner_x', clients: 1 },
    { source: null, clients: 1 },
  ],
};

export interface InsightSeed {
  anna: TestUser;
  boris: TestUser;
  /** The client of D3 (two requests, a cancelled one, documents none). */
  clientD3: number;
  dialogD3: number;
  requestR4: number;
}

const CHAT = -1_001_234_500_000;
const at = (iso: string) => new Date(iso);

export async function seedInsight(app: TestApp): Promise<InsightSeed> {
  const anna = await app.addUser({ role: 'manager', name: 'Анна Менеджер', telegramUserId: 7_100_001 });
  const boris = await app.addUser({ role: 'manager', name: 'Борис Менеджер', telegramUserId: 7_100_002 });
  const customer = await app.addUser({ role: 'customer', organization: 'ООО Внешний заказчик', name: 'Внешний заказчик' });
  const agentEast = await app.addOrganization('Агент Восток', 'agent');
  const ours = app.ourOrganizationId;
  const db = app.ctx.database.db;

  let telegramId = 5_500_000;
  let topic = 100;
  let number = 0;
  const dialog = async (name: string, openedAt: string, talk: Array<{ direction: 'in' | 'out' | 'note'; at: string; by?: TestUser }>, source: string | null = null) => {
    const [client] = await db
      .insert(clients)
      .values({ telegramUserId: ++telegramId, firstName: name, startParameter: source, createdAt: at(openedAt), updatedAt: at(openedAt) })
      .returning({ id: clients.id });
    const [row] = await db
      .insert(dialogs)
      .values({ clientId: client!.id, managersChatId: CHAT, topicId: ++topic, createdAt: at(openedAt), lastMessageAt: at(talk.at(-1)!.at) })
      .returning({ id: dialogs.id });
    let seq = 0;
    for (const message of talk) {
      seq++;
      await db.insert(messages).values({
        dialogId: row!.id,
        seq,
        direction: message.direction,
        authorTelegramId: message.by ? (message.by === anna ? 7_100_001 : 7_100_002) : null,
        authorName: message.by?.name ?? null,
        clientChatMessageId: message.direction === 'in' ? seq : null,
        topicMessageId: 1000 + seq,
        text: `${message.direction} ${seq}`,
        skip: message.direction === 'note',
        sentAt: at(message.at),
        createdAt: at(message.at),
      });
    }
    return { clientId: client!.id, dialogId: row!.id };
  };

  const request = async (options: {
    dialogId: number | null;
    by: TestUser;
    createdAt: string;
    amount: string;
    currency: string;
    status: 'collecting_offers' | 'accepted' | 'completed' | 'cancelled';
    agent?: number;
    closedAt?: string;
  }) => {
    const created = at(options.createdAt);
    const [row] = await db
      .insert(requests)
      .values({
        number: `2026-90${String(++number).padStart(4, '0')}`,
        customerOrganizationId: options.dialogId === null ? options.by.organizationId : ours,
        dialogId: options.dialogId,
        origin: options.dialogId === null ? 'web' : 'telegram',
        status: options.status,
        hidden: options.dialogId !== null,
        amount: options.amount,
        currency: options.currency,
        beneficiary: { name: 'Shenzhen Trading Co., Ltd', country: 'CN' },
        purpose: 'Оплата по контракту',
        createdBy: options.by.userId,
        createdAt: created,
        updatedAt: created,
      })
      .returning({ id: requests.id });
    const requestId = row!.id;
    await db.insert(events).values({ at: created, actorUserId: options.by.userId, subjectType: 'request', subjectId: requestId, name: 'request.created', after: { status: 'collecting_offers' } });
    if (options.agent !== undefined) {
      const [offer] = await db
        .insert(offers)
        .values({ requestId, agentOrganizationId: options.agent, rate: '12.5', feePercent: '1', fixedFee: '0', total: '1', days: 1, status: 'accepted', createdBy: options.by.userId, createdAt: created })
        .returning({ id: offers.id });
      await db.update(requests).set({ acceptedOfferId: offer!.id }).where(sql`${requests.id} = ${requestId}`);
      await db.insert(events).values({ at: created, actorUserId: options.by.userId, subjectType: 'request', subjectId: requestId, name: 'request.status', before: { status: 'collecting_offers' }, after: { status: 'accepted', offerId: offer!.id } });
    }
    if (options.closedAt) {
      const closed = options.status === 'completed' ? 'completed' : 'cancelled';
      await db.insert(events).values({
        at: at(options.closedAt),
        actorUserId: options.by.userId,
        subjectType: 'request',
        subjectId: requestId,
        name: 'request.status',
        before: { status: options.agent !== undefined ? 'accepted' : 'collecting_offers' },
        after: { status: closed },
      });
    }
    return requestId;
  };

  // D0, outside the period.
  const d0 = await dialog('Клиент Ноль', '2026-02-27T07:00:00Z', [
    { direction: 'in', at: '2026-02-27T07:00:00Z' },
    { direction: 'out', at: '2026-02-27T07:01:00Z', by: anna },
  ], 'ads_autumn');
  await request({ dialogId: d0.dialogId, by: anna, createdAt: '2026-02-27T08:00:00Z', amount: '9999.00', currency: 'USD', status: 'accepted', agent: agentEast });

  const d1 = await dialog('Клиент Один', '2026-03-01T07:00:00Z', [
    { direction: 'in', at: '2026-03-01T07:00:00Z' },
    { direction: 'out', at: '2026-03-01T07:05:00Z', by: anna },
    { direction: 'in', at: '2026-03-01T07:06:00Z' },
  ], 'ads_autumn');
  await request({ dialogId: d1.dialogId, by: anna, createdAt: '2026-03-01T07:30:00Z', amount: '1000.50', currency: 'USD', status: 'completed', agent: agentEast, closedAt: '2026-03-02T07:30:00Z' });

  const d2 = await dialog('Клиент Два', '2026-03-01T22:00:00Z', [
    { direction: 'in', at: '2026-03-01T22:00:00Z' },
    { direction: 'in', at: '2026-03-01T22:10:00Z' },
    { direction: 'out', at: '2026-03-01T22:20:00Z', by: boris },
  ], 'ads_autumn');
  await request({ dialogId: d2.dialogId, by: boris, createdAt: '2026-03-01T22:30:00Z', amount: '2500.25', currency: 'CNY', status: 'accepted', agent: ours });

  const d3 = await dialog('Клиент Три', '2026-03-02T09:00:00Z', [
    { direction: 'in', at: '2026-03-02T09:00:00Z' },
    { direction: 'note', at: '2026-03-02T09:01:00Z', by: boris },
    { direction: 'out', at: '2026-03-02T09:10:00Z', by: anna },
  ], 'partner_x');
  await request({ dialogId: d3.dialogId, by: anna, createdAt: '2026-03-02T09:30:00Z', amount: '300.00', currency: 'USD', status: 'cancelled', closedAt: '2026-03-02T10:00:00Z' });
  const requestR4 = await request({ dialogId: d3.dialogId, by: anna, createdAt: '2026-03-02T10:30:00Z', amount: '199.50', currency: 'USD', status: 'completed', agent: agentEast, closedAt: '2026-03-03T12:30:00Z' });

  await dialog('Клиент Четыре', '2026-03-03T06:00:00Z', [{ direction: 'in', at: '2026-03-03T06:00:00Z' }]);

  await request({ dialogId: null, by: customer, createdAt: '2026-03-03T08:00:00Z', amount: '50.00', currency: 'EUR', status: 'collecting_offers' });

  return { anna, boris, clientD3: d3.clientId, dialogD3: d3.dialogId, requestR4 };
}
