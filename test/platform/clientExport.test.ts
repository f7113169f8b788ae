/**
 * Issue 19.5, labels from the platform and the export of clients, through the
 * API a page uses: labels added and removed on a client (the same command as
 * `/label`), the dialogs list filtered by label, the client's timeline; the
 * export as CSV (BOM, `;` and the decimal comma for Russian, formula injection
 * guarded, ISO dates in the business time zone) and XLSX (real date cells,
 * number volumes shown with 2 decimals), respecting the filters; an
 * agent is refused; a large set streams out page by page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient } from '../helpers/app.js';
import { acceptDeal, actionCard, pressCardButton } from '../documents/helpers.js';
import { parseCsv } from '../helpers/csv.js';

let t: TelegramWorld;
let admin: ApiClient;
let agent: ApiClient;
beforeAll(async () => {
  t = await startTelegramWorld();
  admin = new ApiClient(t.hotline.url);
  expect((await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
  const organization = await admin.post('/api/admin/organizations', { name: 'Агент Экспорт', kind: 'agent' });
  expect(organization.status).toBe(200);
  const user = await admin.post('/api/admin/users', { organizationId: organization.body.id, role: 'agent', email: 'agent-export@test.local', name: 'Агент', password: 'password-123456' });
  expect(user.status).toBe(200);
  agent = new ApiClient(t.hotline.url);
  expect((await agent.signIn('agent-export@test.local', 'password-123456')).status).toBe(200);
});
afterAll(async () => {
  await t?.stop();
});

const download = async (client: ApiClient, path: string) => {
  const response = await fetch(t.hotline.url + path, { headers: { cookie: client.cookie } });
  return { status: response.status, type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), bytes: Buffer.from(await response.arrayBuffer()) };
};

async function clientWithDialog(name: string, text: string) {
  const client = await t.newClient(name);
  await t.control.sendMessage({ from: client.id, text });
  const topic = await t.waitForTopic(client, { textIncludes: text });
  const dialogs = (await admin.get('/api/dialogs')).body.items as Array<{ id: number; clientId: number; clientName: string }>;
  return { client, topic, clientId: dialogs.find((d) => d.clientName === name)!.clientId };
}

describe('labels and the export of clients from the platform', () => {
  it('labels from the API, the list filtered by label, the timeline, CSV and XLSX that respect the filter', async () => {
    const vip = await clientWithDialog('=HYPERLINK("http://evil.example")', 'Платёж в Китай');
    const other = await clientWithDialog('Пётр; "Иванов"', 'Вопрос по курсу');
    // A completed deal for the VIP client: 100 000 CNY.
    await acceptDeal(t, vip.topic.threadId);
    await pressCardButton(t, vip.topic.threadId, 'Завершить');
    await expect.poll(async () => (await actionCard(t, vip.topic.threadId)).buttons?.flat().some((b) => b.text.includes('подтвердите')), { timeout: 10_000 }).toBe(true);
    await pressCardButton(t, vip.topic.threadId, 'Завершить — подтвердите');
    // The tester's amount, with kopecks: 125 000.60 CNY.
    await t.hotline.database().pool.query(`update requests set amount = '125000.60' where dialog_id in (select id from dialogs where client_id = $1) and status = 'completed'`, [vip.clientId]);

    const bad = await admin.post(`/api/clients/${vip.clientId}/labels`, { add: ['vip', 'два слова'] });
    expect(bad.status).toBe(400);
    expect(bad.body.fields['add.1']).toBe('Метка «два слова» не подходит: от 1 до 32 букв, цифр, _ или -, без пробелов');
    expect(bad.body.fieldCodes['add.1']).toEqual({ code: 'labels.form', params: { label: 'два слова', max: '32' } });
    const added = await admin.post(`/api/clients/${vip.clientId}/labels`, { add: ['VIP', 'опт', 'tmp'] });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ labels: ['tmp', 'vip', 'опт'], added: ['vip', 'опт', 'tmp'], removed: [] });
    expect((await admin.post(`/api/clients/${vip.clientId}/labels`, { remove: ['tmp'] })).body.labels).toEqual(['vip', 'опт']);
    expect((await admin.post(`/api/clients/${other.clientId}/labels`, { add: ['опт'] })).body.labels).toEqual(['опт']);
    // The card in the topic shows the labels (one paced refresh).
    await t.control.waitFor({ chat_id: t.group, message_thread_id: vip.topic.threadId, text_includes: '🏷 Метки: vip, опт' });

    const byLabel = (await admin.get('/api/dialogs?label=%23VIP')).body.items as Array<{ clientId: number; labels: string[] }>;
    expect(byLabel.map((d) => d.clientId)).toEqual([vip.clientId]);
    expect(byLabel[0]!.labels).toEqual(['vip', 'опт']);
    expect((await admin.get('/api/dialogs?label=опт')).body.items).toHaveLength(2);
    const badFilter = await admin.get('/api/dialogs?label=a%20b');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.code.code).toBe('labels.filterForm');
    expect((await admin.get('/api/clients/labels')).body.items).toEqual([{ label: 'опт', clients: 2 }, { label: 'vip', clients: 1 }]);

    const history = (await admin.get(`/api/clients/${vip.clientId}/history`)).body;
    expect(history.client.labels).toEqual(['vip', 'опт']);
    const labelEntries = history.entries.filter((e: { kind: string }) => e.kind.startsWith('label_')).map((e: { kind: string; label: string; actorName: string }) => `${e.kind}:${e.label}:${e.actorName}`);
    expect(labelEntries.sort()).toEqual(['label_added:tmp:Администратор', 'label_added:vip:Администратор', 'label_added:опт:Администратор', 'label_removed:tmp:Администратор'].sort());

    // CSV, Russian: BOM, `;`, CRLF, the filter respected, the formula-like name guarded, ISO dates, decimal volume.
    const csv = await download(admin, '/api/clients/export?format=csv&label=vip');
    expect(csv.status).toBe(200);
    expect(csv.type).toBe('text/csv; charset=utf-8');
    expect(csv.disposition).toMatch(/^attachment; filename="clients-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.bytes.toString('utf8').slice(1);
    expect(text).toContain('\r\n');
    const rows = parseCsv(text, ';');
    expect(rows[0]).toEqual(['ID клиента', 'Имя', 'Username', 'Telegram ID', 'Язык', 'Метки', 'Источник (start)', 'Первое обращение (Europe/Moscow)', 'Последний контакт (Europe/Moscow)', 'Заявок', 'Завершено заявок', 'Объём CNY', 'Ответственный']);
    expect(rows).toHaveLength(2);
    const row = rows[1]!;
    expect(row[0]).toBe(String(vip.clientId));
    expect(row[1]).toBe(`'=HYPERLINK("http://evil.example")`);
    expect(row[3]).toBe(String(vip.client.id));
    expect(row[5]).toBe('vip, опт');
    // Dates in the business time zone (BUSINESS_TIME_ZONE, Europe/Moscow by default) with its offset; the same moment.
    expect(row[7]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/);
    const [stored] = (await t.hotline.database().pool.query<{ created_at: Date }>('select created_at from clients where id = $1', [vip.clientId])).rows;
    expect(new Date(row[7]!).getTime()).toBe(Math.floor(stored!.created_at.getTime() / 1000) * 1000);
    expect(row[8]).toMatch(/^\d{4}-\d{2}-\d{2}T.*\+03:00$/);
    // The amount with the decimal comma Russian Excel reads as a number (outside check: `125000.60` was text there).
    expect(row.slice(9, 12)).toEqual(['1', '1', '125000,60']);
    // English CSV: `,`-separated, the decimal point.
    const csvEn = await download(admin, '/api/clients/export?format=csv&lang=en&label=vip');
    const rowsEn = parseCsv(csvEn.bytes.toString('utf8').slice(1), ',');
    expect(rowsEn[0]!.slice(7, 9)).toEqual(['First contact (Europe/Moscow)', 'Last contact (Europe/Moscow)']);
    expect(rowsEn[1]!.slice(9, 12)).toEqual(['1', '1', '125000.60']);

    // XLSX, English headers, the «опт» filter: both clients; real dates; the volume a decimal string.
    const xlsx = await download(admin, `/api/clients/export?format=xlsx&lang=en&label=${encodeURIComponent('опт')}`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual(['Client ID', 'Name', 'Username', 'Telegram ID', 'Language', 'Labels', 'Source (start)', 'First contact (Europe/Moscow)', 'Last contact (Europe/Moscow)', 'Requests', 'Completed requests', 'Volume CNY', 'Owner']);
    expect(sheet.rowCount).toBe(3);
    const byId = new Map([2, 3].map((n) => [values(n)[0], values(n)]));
    const vipRow = byId.get(vip.clientId)!;
    expect(vipRow[1]).toBe('=HYPERLINK("http://evil.example")');
    expect(vipRow[7]).toBeInstanceOf(Date);
    expect(sheet.getCell(2, 8).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(vipRow[5]).toBe('vip, опт');
    // The amount is a number cell shown with 2 decimals (outside check: a text cell `125000.60`), read back with exceljs.
    const vipLine = [2, 3].find((n) => values(n)[0] === vip.clientId)!;
    expect(sheet.getCell(vipLine, 12).type).toBe(ExcelJS.ValueType.Number);
    expect(sheet.getCell(vipLine, 12).value).toBe(125000.6);
    expect(sheet.getCell(vipLine, 12).numFmt).toBe('#,##0.00');
    // The date cell shows Moscow's wall-clock time (UTC+3): the CSV's local time, to the minute.
    expect((vipRow[7] as Date).toISOString().slice(0, 16)).toBe(row[7]!.slice(0, 16));
    const otherRow = byId.get(other.clientId)!;
    expect(otherRow[1]).toBe('Пётр; "Иванов"');
    expect(otherRow[9]).toBe(0);
  });

  it('an agent is refused labels, the labels list and the export; nothing changes', async () => {
    const { clientId } = await clientWithDialog('Чужой клиент', 'Здравствуйте');
    expect((await agent.post(`/api/clients/${clientId}/labels`, { add: ['spy'] })).status).toBe(403);
    expect((await agent.get('/api/clients/labels')).status).toBe(403);
    const refused = await download(agent, '/api/clients/export?format=csv');
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.bytes.toString()).code.code).toBe('export.staffOnly');
    expect((await admin.get(`/api/clients/${clientId}/history`)).body.client.labels).toEqual([]);
    // Without a session: 401.
    expect((await fetch(`${t.hotline.url}/api/clients/export?format=csv`)).status).toBe(401);
    // A bad format or filter is a 400 with the reason, not a file.
    expect((await download(admin, '/api/clients/export?format=pdf')).status).toBe(400);
    expect((await download(admin, '/api/clients/export?format=csv&source=a%20b')).status).toBe(400);
  });

  it('a large set streams out page by page: 5 000 clients, every one in the file once', async () => {
    await t.hotline.database().pool.query(
      `insert into clients (telegram_user_id, first_name) select 7000000000 + n, 'Массовый ' || n from generate_series(1, 5000) n`,
    );
    const csv = await download(admin, '/api/clients/export?format=csv&lang=en');
    const rows = parseCsv(csv.bytes.toString('utf8').slice(1), ',').slice(1);
    const mass = rows.filter((row) => row[1]!.startsWith('Массовый '));
    expect(mass).toHaveLength(5000);
    expect(new Set(mass.map((row) => row[0])).size).toBe(5000);
  });
});
