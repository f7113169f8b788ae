/**
 * Issue 19.4, quick replies, through the emulator and the platform's API: a
 * manager keeps templates on the platform and sends one with `/t name` (or a
 * unique beginning of it) in the client's topic; the client gets it from the
 * bot with its formatting, the topic shows what was sent, and it joins the
 * request's chat like any answer. Ambiguous or unknown names, a variable with
 * no value yet and a banned client send nothing and say why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { ApiClient, signedInAdmin } from '../helpers/app.js';
import { acceptDeal, PDF } from '../documents/helpers.js';

let t: TelegramWorld;
let admin: ApiClient;
beforeAll(async () => {
  t = await startTelegramWorld();
  admin = await signedInAdmin(t.hotline.url);
});
afterAll(async () => {
  await t?.stop();
});

const botMessages = async (chatId: number) => (await t.control.transcript(chatId)).messages.filter((m) => m.from?.is_bot);

async function attachFile(id: number, name: string, bytes: Buffer, type: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const response = await fetch(`${t.hotline.url}/api/quick-replies/${id}/file`, { method: 'POST', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken }, body: form });
  return { status: response.status, body: (await response.json()) as { fileName?: string | null; fields?: Record<string, string> } };
}

async function openTopic(name: string, text: string) {
  const client = await t.newClient(name);
  await t.control.sendMessage({ from: client.id, text });
  const topic = await t.waitForTopic(client, { textIncludes: text });
  const say = (line: string) => t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: line });
  const inTopic = { chat_id: t.group, message_thread_id: topic.threadId };
  return { client, topic, say, inTopic };
}

describe('quick replies on the platform', () => {
  it('a template is checked on save: the name\'s form and uniqueness, markup Telegram would refuse, unknown variables', async () => {
    const created = await admin.post('/api/quick-replies', { name: 'Реквизиты', body: 'Реквизиты: <b>счёт</b>' });
    expect(created.status).toBe(201);
    expect((await admin.post('/api/quick-replies', { name: 'реквизиты', body: 'другой' })).body.fields.name).toBe('Такое название уже есть');
    expect((await admin.post('/api/quick-replies', { name: 'два слова', body: 'x' })).body.fields.name).toBe('Название: 1–32 буквы, цифры, _ или -, без пробелов');
    const unclosed = await admin.post('/api/quick-replies', { name: 'bad', body: 'Здравствуйте, <b>{client}' });
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.fields.body).toBe('Тег <b> не закрыт: допишите </b>');
    expect((await admin.post('/api/quick-replies', { name: 'bad', body: '<script>x</script>' })).body.fields.body).toMatch(/^Тег <script> не поддерживается/);
    expect((await admin.post('/api/quick-replies', { name: 'bad', body: '1 < 2' })).body.fields.body).toBe('Знак «<» пишите как &lt; (символ 3)');
    expect((await admin.post('/api/quick-replies', { name: 'bad', body: '<a href="javascript:alert(1)">x</a>' })).body.fields.body).toMatch(/^Адрес ссылки должен начинаться с https:\/\//);
    expect((await admin.post('/api/quick-replies', { name: 'bad', body: 'Привет, {клиент}' })).body.fields.body).toMatch(/^Неизвестная переменная \{клиент\}/);
    const edited = await admin.request('PUT', `/api/quick-replies/${created.body.id}`, { name: 'Реквизиты', body: 'Реквизиты: <i>счёт</i>' });
    expect(edited.status).toBe(200);
    expect(edited.body.body).toBe('Реквизиты: <i>счёт</i>');
    expect((await admin.request('PUT', '/api/quick-replies/999999', { name: 'x', body: 'x' })).status).toBe(404);
    const list = await admin.get('/api/quick-replies');
    expect(list.body.items.map((r: { name: string }) => r.name)).toContain('Реквизиты');
    expect(list.body.variables.map((v: { name: string }) => v.name)).toEqual(['client', 'manager', 'request', 'amount', 'currency', 'rate', 'total']);
    expect((await admin.request('DELETE', `/api/quick-replies/${created.body.id}`)).status).toBe(200);
    expect((await admin.request('DELETE', `/api/quick-replies/${created.body.id}`)).status).toBe(404);
    // Not signed in: refused.
    expect((await new ApiClient(t.hotline.url).get('/api/quick-replies')).status).toBe(401);
  });
});

describe('/t in a client\'s topic', () => {
  beforeAll(async () => {
    for (const [name, body] of [
      ['привет', 'Здравствуйте, <b>{client}</b>! Меня зовут {manager}, я помогу с платежом.'],
      ['оплата_usd', 'Оплата в долларах: <a href="https://example.com/usd">условия</a>'],
      ['оплата_cny', 'Оплата в юанях'],
      ['условия', 'Заявка № {request}: {amount} {currency} по курсу {rate}, итого {total}.'],
    ]) {
      const saved = await admin.post('/api/quick-replies', { name, body });
      expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    }
  });

  it('exact and prefix send the template as the manager\'s message; ambiguous, unknown and /t alone answer with names and send nothing', async () => {
    const { client, topic, say, inTopic } = await openTopic('Ирина', 'Добрый день, хочу оплатить инвойс');
    const statusOf = async () => ((await admin.get('/api/dialogs')).body.items as Array<{ clientName: string; dialogStatus: string }>).find((d) => d.clientName === 'Ирина')?.dialogStatus;
    expect(await statusOf()).toBe('waiting_us');

    await say('/t ПРИВЕТ');
    const greeting = 'Здравствуйте, Ирина! Меня зовут Мария Менеджер, я помогу с платежом.';
    await t.control.waitFor({ chat_id: client.id, text_includes: greeting });
    const toClient = (await botMessages(client.id)).find((m) => m.text === greeting)!;
    expect(toClient.entities).toEqual([{ type: 'bold', offset: 14, length: 5 }]);
    // An answer like a typed one: the client no longer waits for us (issue 19.1).
    expect(await statusOf()).toBe('waiting_client');
    // The topic shows what was sent, once.
    await t.control.waitFor({ ...inTopic, text_includes: greeting });
    expect(visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).filter((m) => m.text === greeting)).toHaveLength(1);

    await say('/t оплата_u');
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Оплата в долларах: условия' });
    const link = (await botMessages(client.id)).find((m) => m.text?.startsWith('Оплата в долларах'))!;
    expect(link.entities).toEqual([{ type: 'text_link', offset: 19, length: 7, url: 'https://example.com/usd' }]);

    const before = (await botMessages(client.id)).length;
    await say('/t оплата');
    await t.control.waitFor({ ...inTopic, text_includes: 'Под «оплата» подходит несколько: оплата_cny, оплата_usd. Уточните имя.' });
    await say('/t прощай');
    await t.control.waitFor({ ...inTopic, text_includes: 'Быстрого ответа «прощай» нет. Есть: оплата_cny, оплата_usd, привет, условия' });
    await say('/t');
    await t.control.waitFor({ ...inTopic, text_includes: 'Быстрые ответы: оплата_cny, оплата_usd, привет, условия' });
    // A variable with no value yet: named, nothing sent.
    await say('/t условия');
    await t.control.waitFor({ ...inTopic, text_includes: 'Не отправлено: в ответе «условия» есть {request}, а у диалога нет текущей заявки с этим значением.' });
    expect((await botMessages(client.id)).length).toBe(before);
  });

  it('with the deal\'s terms: the values as the card shows them, and the reply joins the request\'s chat', async () => {
    const { client, topic, say } = await openTopic('Пётр', 'Нужен платёж в Китай');
    const deal = await acceptDeal(t, topic.threadId);
    const request = await deal.manager.get(`/api/requests/${deal.requestId}`);
    const number = request.body.request.number as string;
    expect(number).toMatch(/^\d{4}-\d{6}$/);
    await say('/t усл');
    const expected = `Заявка № ${number}: 100 000,00 CNY по курсу 12,25, итого 1 243 875,00 ₽.`;
    await t.control.waitFor({ chat_id: client.id, text_includes: `Заявка № ${number}` });
    // Intl's digit groups are narrow no-break spaces, as on the card.
    const plain = (text: string | null | undefined) => (text ?? '').replace(/\s/g, ' ');
    expect((await botMessages(client.id)).map((m) => plain(m.text))).toContain(expected);
    await expect
      .poll(async () => ((await deal.manager.get(`/api/requests/${deal.requestId}/messages`)).body as Array<{ text: string | null }>).map((m) => plain(m.text)), { timeout: 10_000 })
      .toContain(expected);
  });

  it('a banned client gets nothing: the topic says why', async () => {
    const { client, say, inTopic } = await openTopic('Спамер', 'Реклама');
    await say('/ban реклама');
    await t.control.waitFor({ ...inTopic, text_includes: 'Клиент в чёрном списке' });
    const before = (await botMessages(client.id)).length;
    await say('/t привет');
    await t.control.waitFor({ ...inTopic, text_includes: 'Не отправлено: клиент в чёрном списке. Вернуть: /unban' });
    expect((await botMessages(client.id)).length).toBe(before);
  });

  it('a template with a file: the file with the text as its caption on both sides; a text too long for a caption follows the file', async () => {
    const contract = await admin.post('/api/quick-replies', { name: 'договор', body: 'Договор для <b>{client}</b> во вложении' });
    expect((await attachFile(contract.body.id, 'setup.exe', Buffer.from('MZ'), 'application/octet-stream')).body.fields?.file).toMatch(/^Такие файлы не принимаются/);
    const attached = await attachFile(contract.body.id, 'Договор.pdf', PDF, 'application/pdf');
    expect(attached.status, JSON.stringify(attached.body)).toBe(200);
    expect(attached.body.fileName).toBe('Договор.pdf');
    const long = await admin.post('/api/quick-replies', { name: 'длинный', body: 'Подробно: ' + 'условия оплаты. '.repeat(80) });
    expect((await attachFile(long.body.id, 'Условия.pdf', PDF, 'application/pdf')).status).toBe(200);

    const { client, topic, say, inTopic } = await openTopic('Анна', 'Пришлите договор');
    await say('/t догов');
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Договор для Анна во вложении' });
    const sent = (await botMessages(client.id)).find((m) => m.caption === 'Договор для Анна во вложении')!;
    expect(sent.media?.file_name).toBe('Договор.pdf');
    expect(sent.caption_entities).toEqual([{ type: 'bold', offset: 12, length: 4 }]);
    await t.control.waitFor({ ...inTopic, text_includes: 'Договор для Анна во вложении' });
    const inTheTopic = visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).filter((m) => m.caption === 'Договор для Анна во вложении');
    expect(inTheTopic).toHaveLength(1);
    expect(inTheTopic[0]!.media?.file_name).toBe('Договор.pdf');

    // Sent again: Telegram already has the file (by file_id), the same on both sides.
    await say('/t договор');
    await expect.poll(async () => (await botMessages(client.id)).filter((m) => m.caption === 'Договор для Анна во вложении').length, { timeout: 10_000 }).toBe(2);

    await say('/t длинный');
    await t.control.waitFor({ chat_id: client.id, text_includes: 'Подробно: условия оплаты.' });
    const mine = await botMessages(client.id);
    const file = mine.findIndex((m) => m.media?.file_name === 'Условия.pdf');
    expect(file).toBeGreaterThan(-1);
    expect(mine[file]!.caption).toBeUndefined();
    expect(mine[file + 1]!.text).toMatch(/^Подробно: условия оплаты\./);
  });
});
