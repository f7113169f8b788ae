/**
 * `GET /api/search` as each kind of user: Russian word forms and typos are
 * found, matches come as ranges over plain text, and nobody finds what the
 * access rules hide from them (a client's dialog outside our staff, a request
 * an agent could not open, the documents of another's deal room).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, validOffer, validRequest, type ApiClient, type TestApp, type TestUser } from '../helpers/app.js';
import { createRequest } from '../../src/commands/createRequest.js';
import { clients, dialogs, documents, messages, requestMessages } from '../../src/db/schema.js';
import { requestAccess, requestVisibleTo, dealRoomOf, canSeeDealRoom } from '../../src/policies/access.js';
import { search } from '../../src/commands/search.js';
import { readSearchQuery } from '../../src/core/searchText.js';

let app: TestApp;
let manager: TestUser;
let customer: TestUser;
let otherCustomer: TestUser;
let agentA: TestUser;
let agentB: TestUser;
let agentC: TestUser;
let ourAgent: TestUser;
let as: Record<'manager' | 'customer' | 'otherCustomer' | 'agentA' | 'agentB' | 'agentC' | 'ourAgent', ApiClient>;
/** The customer's web request: agent A's offer accepted, agent B's not. */
let webDeal: { id: number; number: string };
/** A request from the client's dialog (a Telegram deal). */
let telegramDeal: { id: number; number: string };
/** A web request still collecting offers: in the agents' general list. */
let listed: { id: number; number: string };

type Group = { key: string; client: { name: string } | null; topicUrl: string | null; requestId: number | null; hits: Hit[] };
type Hit = { kind: string; field: string; text: string; ranges: Array<[number, number]>; requestId: number | null };

const hits = (groups: Group[]) => groups.flatMap((g) => g.hits);
const marked = (hit: Hit) => hit.ranges.map(([s, e]) => hit.text.slice(s, e));

async function find(client: ApiClient, q: string): Promise<Group[]> {
  const response = await client.get(`/api/search?q=${encodeURIComponent(q)}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.groups as Group[];
}

beforeAll(async () => {
  app = await startTestApp();
  manager = await app.addUser({ role: 'manager', name: 'Мария Менеджер' });
  customer = await app.addUser({ role: 'customer', organization: 'ООО Заказчик' });
  otherCustomer = await app.addUser({ role: 'customer', organization: 'ООО Другой' });
  agentA = await app.addUser({ role: 'agent', organization: 'Агент А' });
  agentB = await app.addUser({ role: 'agent', organization: 'Агент Б' });
  agentC = await app.addUser({ role: 'agent', organization: 'Агент В' });
  ourAgent = await app.addUser({ role: 'agent', organization: app.ourOrganizationId });
  const users = { manager, customer, otherCustomer, agentA, agentB, agentC, ourAgent };
  as = Object.fromEntries(await Promise.all(Object.entries(users).map(async ([name, user]) => [name, await app.signIn(user)]))) as typeof as;

  const { db } = app.ctx.database;
  const [client] = await db.insert(clients).values({ telegramUserId: 555000111, firstName: 'Пётр', lastName: 'Иванов', username: 'petr_iv' }).returning();
  const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 77 }).returning();
  const dialogMessages = await db
    .insert(messages)
    .values([
      { dialogId: dialog!.id, seq: 1, direction: 'in', text: 'Добрый день, отправил договор поставки с Шэньчжэнем', sentAt: new Date('2026-11-01T10:00:00Z') },
      { dialogId: dialog!.id, seq: 2, direction: 'in', text: null, media: { kind: 'document', fileName: 'Спецификация_оборудования.pdf' }, sentAt: new Date('2026-11-01T10:01:00Z') },
      { dialogId: dialog!.id, seq: 3, direction: 'note', text: '!проверить <b>валютный</b> контроль', sentAt: new Date('2026-11-01T10:02:00Z') },
    ])
    .returning();
  telegramDeal = await createRequest(app.ctx, { actor: manager, dialogId: dialog!.id, ...validRequest({ purpose: 'Оплата оборудования по контракту' }) } as never);
  await db.insert(requestMessages).values(dialogMessages.map((m) => ({ requestId: telegramDeal.id, messageId: m.id, sentAt: m.sentAt })));

  const created = await as.customer.post('/api/requests', validRequest({ amount: '250000.50', beneficiary: { ...validRequest().beneficiary, name: 'Guangzhou Lighting Ltd' } }));
  webDeal = created.body;
  const offerA = await as.agentA.post(`/api/requests/${webDeal.id}/offers`, validOffer());
  await as.agentB.post(`/api/requests/${webDeal.id}/offers`, validOffer({ rate: '12.5' }));
  expect((await as.customer.post(`/api/offers/${offerA.body.id}/accept`, {})).status).toBe(200);
  await db.insert(documents).values({ requestId: webDeal.id, source: 'upload', state: 'stored', name: 'Инвойс_поставки_ламп.pdf' });
  // A dialog's file not (yet) in any request: our staff only.
  await db.insert(documents).values({ dialogId: dialog!.id, source: 'chat', state: 'stored', name: 'Паспорт_Иванова.jpg' });

  listed = (await as.otherCustomer.post('/api/requests', validRequest({ amount: '777', payer: { name: 'ООО «Лютик»', inn: '500100732259' }, comment: 'Груз стоит на таможне в Забайкальске' }))).body;
});
afterAll(async () => {
  await app?.stop();
});

describe('a manager finds', () => {
  it('a message by another form of its word («договором» → «договор»), the word marked', async () => {
    const groups = await find(as.manager, 'договором');
    const message = hits(groups).find((h) => h.kind === 'message');
    expect(message?.text).toContain('отправил договор поставки');
    expect(marked(message!)).toEqual(['договор']);
    // Grouped under the client's dialog, with the link to the topic (sandbox mode: the sandbox page).
    const group = groups.find((g) => g.hits.includes(message!))!;
    expect(group.client?.name).toBe('Пётр Иванов');
    expect(group.topicUrl).toMatch(/\/sandbox\?chat=-1001234567890&topic=77$/);
  });

  it('a client by a name with a typo, by @username and by Telegram id', async () => {
    for (const q of ['Иванв', '@petr_iv', '555000111']) {
      const client = hits(await find(as.manager, q)).find((h) => h.kind === 'client');
      expect(client?.text, q).toContain('Пётр Иванов');
      expect(marked(client!).length, q).toBeGreaterThan(0);
    }
  });

  it("a client by a name typed with one wrong letter, as requests' payers are found (5 letters or more); not for whom clients are hidden", async () => {
    // «Ивонов» is too unlike «Иванов» for the normal bar (the outside check, fault 3): only the typo search finds it.
    for (const [q, word] of [
      ['Ивонов', 'Иванов'],
      ['Иваноф', 'Иванов'],
    ] as const) {
      const client = hits(await find(as.manager, q)).find((h) => h.kind === 'client');
      expect(client?.text, q).toContain('Пётр Иванов');
      expect(marked(client!), q).toContain(word);
    }
    // Four letters: too little to guess from.
    expect(hits(await find(as.manager, 'Ивнв')).filter((h) => h.kind === 'client')).toEqual([]);
    // Clients are our staff's: the guess shows none to a customer.
    expect(hits(await find(as.customer, 'Ивонов')).filter((h) => h.kind === 'client')).toEqual([]);
  });

  it('a file sent in the dialog by a word of its name, in another form', async () => {
    const hit = hits(await find(as.manager, 'спецификации')).find((h) => h.kind === 'message');
    expect(hit).toMatchObject({ field: 'fileName', text: 'Спецификация_оборудования.pdf' });
  });

  it('a request by number, by INN and by amount', async () => {
    const byNumber = hits(await find(as.manager, telegramDeal.number)).find((h) => h.kind === 'request');
    expect(byNumber).toMatchObject({ field: 'number', requestId: telegramDeal.id, text: telegramDeal.number });
    const byInn = hits(await find(as.manager, '500100732259')).filter((h) => h.kind === 'request');
    expect(byInn.map((h) => h.requestId)).toEqual([listed.id]);
    expect(marked(byInn[0]!)).toEqual(['500100732259']);
    const byAmount = hits(await find(as.manager, '777,00')).filter((h) => h.kind === 'request');
    expect(byAmount.map((h) => h.requestId)).toEqual([listed.id]);
  });

  it("a request by a word of its comment or its payer's name: that word is shown and marked", async () => {
    const byComment = hits(await find(as.manager, 'Забайкальск')).find((h) => h.kind === 'request');
    expect(byComment).toMatchObject({ field: 'details', requestId: listed.id });
    expect(byComment!.text).toContain('Груз стоит на таможне в Забайкальске');
    expect(marked(byComment!)).toEqual(['Забайкальске']);
    const byPayer = hits(await find(as.manager, 'Лютика')).find((h) => h.kind === 'request');
    expect(byPayer?.text).toContain('ООО «Лютик»');
    expect(byPayer?.text).not.toContain('Забайкальске');
    expect(marked(byPayer!)).toEqual(['Лютик']);
  });

  it("a request by its payer's name typed with one wrong letter (5 letters or more); not a shorter word, not for whom the request is hidden", async () => {
    const ivanov = (await as.otherCustomer.post('/api/requests', validRequest({ payer: { name: 'ИП Иванов Сергей', inn: '7707083893', kpp: '773601001' } }))).body;
    const requestsFound = async (who: ApiClient, q: string) => hits(await find(who, q)).filter((h) => h.kind === 'request');
    for (const [q, id, word] of [
      ['Ивонов', ivanov.id, 'Иванов'],
      ['Лютек', listed.id, 'Лютик'],
    ] as const) {
      const found = await requestsFound(as.manager, q);
      expect(found.map((h) => h.requestId), q).toEqual([id]);
      expect(found[0]!.text, q).toContain(word);
      expect(marked(found[0]!), q).toEqual([word]);
    }
    // Four letters: too little to guess from; a search that found something gets no guesses added.
    expect(await requestsFound(as.manager, 'Лтик')).toEqual([]);
    expect((await requestsFound(as.manager, 'Иванов')).map((h) => h.requestId)).toEqual([ivanov.id]);
    // The guess follows the same rules of who sees what.
    expect(await requestsFound(as.customer, 'Ивонов')).toEqual([]);
    expect((await requestsFound(as.otherCustomer, 'Ивонов')).map((h) => h.requestId)).toEqual([ivanov.id]);
  });

  it('text with HTML comes back as plain text with ranges, never markup of ours', async () => {
    const note = hits(await find(as.manager, 'валютного контроля')).find((h) => h.kind === 'message');
    expect(note?.text).toBe('!проверить <b>валютный</b> контроль');
    expect(marked(note!)).toEqual(['валютный', 'контроль']);
  });
});

describe('newest matches first', () => {
  let dialogId: number;
  beforeAll(async () => {
    const { db } = app.ctx.database;
    const [client] = await db.insert(clients).values({ telegramUserId: 555000222, firstName: 'Анна', lastName: 'Логистова' }).returning();
    const [dialog] = await db.insert(dialogs).values({ clientId: client!.id, managersChatId: -1001234567890, topicId: 78 }).returning();
    dialogId = dialog!.id;
    // Written out of order: the newest by time is not the last row stored (an import, a late mirror).
    const days = [5, 1, 9, 3, 7];
    await db.insert(messages).values(
      days.map((day, i) => ({ dialogId, seq: i + 1, direction: 'in' as const, text: `Коносамент номер ${day}, прошу проверить`, sentAt: new Date(`2026-11-0${day}T12:00:00Z`) })),
    );
  });

  it('when more messages match than a page holds, the page shows the newest of them, newest first', async () => {
    const response = await as.manager.get(`/api/search?q=${encodeURIComponent('коносамента')}&limit=3`);
    expect(response.status).toBe(200);
    const shown = hits(response.body.groups as Group[]).filter((h) => h.kind === 'message');
    expect(shown.map((h) => h.text)).toEqual(['Коносамент номер 9, прошу проверить', 'Коносамент номер 7, прошу проверить', 'Коносамент номер 5, прошу проверить']);
    expect(marked(shown[0]!)).toEqual(['Коносамент']);
  });

  it('a word in a single old message is found too (the index, past the newest messages)', async () => {
    const shown = hits(await find(as.manager, 'номер 1')).filter((h) => h.kind === 'message');
    expect(shown.map((h) => h.text)).toEqual(['Коносамент номер 1, прошу проверить']);
  });

  it("inside a caller's transaction (the bot's /find) the search leaves the planner's settings as they were", async () => {
    const { db } = app.ctx.database;
    const read = readSearchQuery('номер 1');
    if (!read.ok) throw new Error(read.error);
    const after = await db.transaction(async (tx) => {
      // A word in one old message: the step through the GIN index, which switches scans off for itself.
      const groups = await search(tx, manager, read.query, { limit: 20 });
      expect(groups.flatMap((g) => g.hits).some((h) => h.kind === 'message')).toBe(true);
      return (await tx.execute(sql`select current_setting('enable_seqscan') as seq, current_setting('enable_indexscan') as idx, current_setting('enable_indexonlyscan') as only`)).rows[0];
    });
    expect(after).toEqual({ seq: 'on', idx: 'on', only: 'on' });
  });

  it('an edited message is found by its new words, no longer by the old ones', async () => {
    const { db } = app.ctx.database;
    // As recordEdit stores an edit: the text changes, the search follows without any step of ours.
    await db.update(messages).set({ text: 'Дубликат счёта отправлен', editedAt: new Date() }).where(sql`${messages.dialogId} = ${dialogId} and ${messages.seq} = 2`);
    expect(hits(await find(as.manager, 'дубликата')).filter((h) => h.kind === 'message').map((h) => h.text)).toEqual(['Дубликат счёта отправлен']);
    expect(hits(await find(as.manager, 'номер 1')).filter((h) => h.kind === 'message')).toEqual([]);
  });
});

describe('nobody finds what they may not see', () => {
  it('customers and agents never find a client, the dialog, its messages or files', async () => {
    for (const who of ['customer', 'otherCustomer', 'agentA', 'agentB', 'agentC', 'ourAgent'] as const) {
      for (const q of ['договором', 'Иванов', '555000111', 'спецификация', 'валютный', 'паспорт']) {
        const found = hits(await find(as[who], q));
        expect(found.filter((h) => h.kind === 'client' || h.kind === 'message' || h.kind === 'document'), `${who}: ${q}`).toEqual([]);
      }
    }
  });

  it('a Telegram deal is found by our staff only', async () => {
    expect(hits(await find(as.manager, telegramDeal.number)).some((h) => h.requestId === telegramDeal.id)).toBe(true);
    for (const who of ['customer', 'agentA', 'agentC', 'ourAgent'] as const) {
      expect(hits(await find(as[who], telegramDeal.number)).filter((h) => h.requestId === telegramDeal.id), who).toEqual([]);
    }
  });

  it("an agent finds a deal's documents only when its offer was accepted; an agent who never offered, not the request either", async () => {
    const docOf = async (who: keyof typeof as) => hits(await find(as[who], 'инвойс поставки')).filter((h) => h.kind === 'document');
    expect((await docOf('customer')).map((h) => h.text)).toEqual(['Инвойс_поставки_ламп.pdf']);
    expect((await docOf('agentA')).map((h) => h.requestId)).toEqual([webDeal.id]);
    expect(await docOf('agentB')).toEqual([]);
    expect(await docOf('agentC')).toEqual([]);
    expect(hits(await find(as.agentB, webDeal.number)).map((h) => h.requestId)).toContain(webDeal.id);
    expect(hits(await find(as.agentC, webDeal.number)).filter((h) => h.requestId === webDeal.id)).toEqual([]);
    expect(hits(await find(as.otherCustomer, 'Guangzhou'))).toEqual([]);
    // The general list is every agent's: agent C finds the listed request by its INN.
    expect(hits(await find(as.agentC, '500100732259')).map((h) => h.requestId)).toEqual([listed.id]);
  });

  it("a post in a request's chat on the platform: found by that deal room (another word form, the word marked), by nobody else", async () => {
    const posted = await as.customer.post(`/api/requests/${webDeal.id}/messages`, { text: 'Платёжку по инвойсу отправили, ждём подтверждения от бенефициара' });
    expect(posted.status).toBe(200);
    const postOf = async (who: keyof typeof as) => hits(await find(as[who], 'подтверждение бенефициаров')).filter((h) => h.kind === 'post');
    for (const who of ['customer', 'agentA'] as const) {
      const [post] = await postOf(who);
      expect(post, who).toMatchObject({ field: 'text', requestId: webDeal.id });
      expect(post!.text, who).toMatch(/: Платёжку по инвойсу отправили, ждём подтверждения от бенефициара$/);
      expect(marked(post!), who).toEqual(['подтверждения', 'бенефициара']);
    }
    // Agent B offered but was not accepted, agent C never offered, another customer has nothing to do with it; our
    // manager is outside this web deal's room, as its chat page says.
    for (const who of ['agentB', 'agentC', 'otherCustomer', 'ourAgent', 'manager'] as const) expect(await postOf(who), who).toEqual([]);

    // On a Telegram deal our manager writes in the request's chat: found under the client's dialog, by our staff only.
    expect((await as.manager.post(`/api/requests/${telegramDeal.id}/messages`, { text: 'Курс согласовали с казначейством' })).status).toBe(200);
    const groups = await find(as.manager, 'казначейства');
    const group = groups.find((g) => g.hits.some((h) => h.kind === 'post'));
    expect(group?.client?.name).toBe('Пётр Иванов');
    expect(group!.hits.find((h) => h.kind === 'post')).toMatchObject({ requestId: telegramDeal.id, text: 'Мария Менеджер: Курс согласовали с казначейством' });
    for (const who of ['customer', 'agentA', 'ourAgent'] as const) expect(hits(await find(as[who], 'казначейства')), who).toEqual([]);
  });

  it('the SQL rules of search agree with requestAccess for every user and request', async () => {
    const { db } = app.ctx.database;
    const all = [telegramDeal.id, webDeal.id, listed.id];
    for (const viewer of [manager, customer, otherCustomer, agentA, agentB, agentC, ourAgent]) {
      const visible = (await db.execute<{ id: string }>(sql`select id from requests where ${requestVisibleTo(viewer)}`)).rows.map((r) => Number(r.id));
      const dealRoom = (await db.execute<{ id: string }>(sql`select id from requests where ${dealRoomOf(viewer)}`)).rows.map((r) => Number(r.id));
      for (const id of all) {
        const access = await requestAccess(db, viewer, id).catch(() => null);
        expect(visible.includes(id), `${viewer.role} ${viewer.organizationId} sees ${id}`).toBe(access !== null);
        expect(dealRoom.includes(id), `${viewer.role} ${viewer.organizationId} deal room ${id}`).toBe(access !== null && canSeeDealRoom(access));
      }
    }
  });
});

describe('bad input', () => {
  it.each([
    ['q=', /^Пустое значение параметра/],
    ['q=%D0%B0', /хотя бы 2/],
    [`q=${'я'.repeat(101)}`, /длиннее 100/],
    ['q=%01%01%01', /управляющие/],
  ])('%s → 400 naming q', async (query, reason) => {
    const response = await as.manager.get(`/api/search?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.fields.q).toMatch(reason);
  });

  it('no q, an unknown parameter or a bad limit → 400 saying what is allowed, beside the parameter; signed out → 401', async () => {
    const refused = async (query: string) => {
      const response = await as.manager.get(`/api/search${query}`);
      expect(response.status).toBe(400);
      return response.body as { fields: Record<string, string>; fieldCodes?: Record<string, { code: string; params?: Record<string, string> }> };
    };
    expect((await refused('')).fields.q).toBe('Обязательное поле');
    const unknown = await refused('?q=договор&page=2');
    expect(unknown.fields).toEqual({ page: 'Неизвестное поле: уберите его' });
    expect(unknown.fieldCodes?.page).toEqual({ code: 'form.unknownField' });
    const tooMany = await refused('?q=договор&limit=500');
    expect(tooMany.fields.limit).toBe('Число не больше 50');
    // The page shows the English text from the code and its parameter.
    expect(tooMany.fieldCodes?.limit).toEqual({ code: 'form.numberMax', params: { max: '50' } });
    expect((await refused('?q=договор&limit=0')).fields.limit).toBe('Число не меньше 1');
    expect((await refused('?q=договор&limit=abc')).fields.limit).toBe('Целое число из цифр 0–9');
    expect((await refused('?q=договор&limit=2.5')).fields.limit).toBe('Целое число из цифр 0–9');
    expect((await app.client().get('/api/search?q=договор')).status).toBe(401);
  });
});
