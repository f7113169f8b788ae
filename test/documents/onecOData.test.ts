/**
 * ONEC_MODE=odata against the stand-in for 1C's standard OData interface
 * (test/helpers/onecOData.ts), driven as a manager drives it: the card's
 * «Документы 1С» → a posted «Счёт на оплату покупателю» in 1C's data and
 * «Открыть в 1С» to exactly that document; `/rate` → the document updated;
 * «Отменить» → unposted; each 1C failure → a sentence in the topic.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navigationRef } from '../../src/core/oneCOData.js';
import { requests } from '../../src/db/schema.js';
import { startOneCODataStub, type OneCODataStub, type Right } from '../helpers/onecOData.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import type { OneCDocumentsRequest } from '../../src/integrations/onec/http.js';
import { actionCard, dealInTopic, pressCardButton } from './helpers.js';

let stub: OneCODataStub;
let t: TelegramWorld;
beforeAll(async () => {
  stub = await startOneCODataStub();
  t = await startTelegramWorld({ env: { ONEC_MODE: 'odata', ONEC_URL: stub.url, ONEC_USER: 'hotline', ONEC_PASSWORD: 'secret' } });
});
afterAll(async () => {
  await t?.stop();
  await stub?.close();
});

const DOCUMENT = 'Document_СчетНаОплатуПокупателю';
const say = (threadId: number, text: string) => t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: threadId, text });
const inTopic = (threadId: number, text: string, timeout = 20_000) =>
  t.control.waitFor({ chat_id: t.group, message_thread_id: threadId, text_includes: text, timeout_ms: timeout });
const onecRef = async (requestId: number) => (await t.hotline.database().db.select().from(requests).where(eq(requests.id, requestId)))[0]!.onecRef;
const documentOf = async (requestId: number) => {
  const ref = await onecRef(requestId);
  return stub.rows(DOCUMENT).find((d) => d.Ref_Key === ref);
};
/** Presses «Отменить», then its confirming button on the refreshed card. */
async function cancel(threadId: number) {
  await pressCardButton(t, threadId, '❌ Отменить');
  await expect.poll(async () => (await actionCard(t, threadId)).buttons?.flat().map((b) => b.text), { timeout: 10_000 }).toContain('❌ Отменить — подтвердите');
  await pressCardButton(t, threadId, 'Отменить — подтвердите');
}

describe('1C through the standard OData interface', () => {
  it('«Документы 1С» → counterparty, contract and a posted invoice for the fee in 1C; «Открыть в 1С» opens exactly it', async () => {
    const deal = await dealInTopic(t, 'OData счёт');
    const answer = await pressCardButton(t, deal.threadId, 'Документы 1С');
    expect(answer.answer?.text).toContain('Создаю документ в 1С');
    const topic = await inTopic(deal.threadId, 'создан и проведён в 1С');

    // The payer became a counterparty (by ИНН/КПП) with a contract of our organization.
    const [counterparty] = stub.rows('Catalog_Контрагенты').filter((c) => c.ИНН === '7707083893');
    expect(counterparty).toMatchObject({ КПП: '773601001', Description: 'ООО «Ромашка»', ЮридическоеФизическоеЛицо: 'ЮридическоеЛицо', DeletionMark: false });
    const [organization] = stub.rows('Catalog_Организации');
    const contract = stub.rows('Catalog_ДоговорыКонтрагентов').find((c) => c.Owner_Key === counterparty!.Ref_Key);
    expect(contract).toMatchObject({ Организация_Key: organization!.Ref_Key, ВидДоговора: 'СПокупателем' });

    // The invoice: posted, the fee (18 375 + 500 fixed) in rubles, one row with LineNumber.
    const document = await documentOf(deal.requestId);
    const ruble = stub.rows('Catalog_Валюты').find((c) => c.Code === '643')!;
    expect(document).toMatchObject({
      Posted: true,
      DeletionMark: false,
      Контрагент_Key: counterparty!.Ref_Key,
      ДоговорКонтрагента_Key: contract!.Ref_Key,
      Организация_Key: organization!.Ref_Key,
      ВалютаДокумента_Key: ruble.Ref_Key,
      СуммаДокумента: 18875,
    });
    const request = (await deal.manager.get(`/api/requests/${deal.requestId}`)).body;
    const number = request.number ?? request.request?.number;
    expect(document!.Комментарий).toBe(`Hotline №${number}`);
    expect(document!.Товары).toEqual([
      expect.objectContaining({ LineNumber: '1', Количество: 1, Цена: 18875, Сумма: 18875, СтавкаНДС: 'БезНДС', Содержание: `Агентское вознаграждение по заявке №${number}` }),
    ]);

    // «Открыть в 1С»: the web client's navigation link with the GUID in 1C's order.
    const expected = `${stub.webUrl}#e1cib/data/${encodeURIComponent('Документ.СчетНаОплатуПокупателю')}?ref=${navigationRef(document!.Ref_Key)}`;
    const message = topic.messages.find((m) => m.text?.includes('создан и проведён'))!;
    expect(message.text).toContain(`№ ${String(document!.Number)}`);
    expect(message.text).toMatch(/сумма 18\s875,00/);
    expect((message.buttons!.flat()[0] as { url?: string }).url).toBe(expected);
    await expect
      .poll(async () => (await actionCard(t, deal.threadId)).buttons?.flat().map((b) => (b as { url?: string }).url).filter(Boolean), { timeout: 10_000 })
      .toEqual([expected]);

    // Pressing again makes no second document.
    await pressCardButton(t, deal.threadId, 'Документы 1С');
    await inTopic(deal.threadId, 'в 1С проведён: сумма');
    expect(stub.rows(DOCUMENT).filter((d) => d.Комментарий === `Hotline №${number}`)).toHaveLength(1);

    // `/rate` → the same document carries the new fee (1 230 000 × 1.5 % + 500) and is posted again.
    await say(deal.threadId, '/rate 12.30');
    await inTopic(deal.threadId, 'в 1С обновлён и проведён');
    expect(await documentOf(deal.requestId)).toMatchObject({ Ref_Key: document!.Ref_Key, Posted: true, СуммаДокумента: 18950 });
    expect((await documentOf(deal.requestId))!.Товары).toEqual([expect.objectContaining({ LineNumber: '1', Сумма: 18950 })]);

    // «Отменить» → unposted, kept (an accountant decides whether to delete it).
    await cancel(deal.threadId);
    await inTopic(deal.threadId, 'распроведён');
    expect(await documentOf(deal.requestId)).toMatchObject({ Ref_Key: document!.Ref_Key, Posted: false, DeletionMark: false });
  });

  it('cancelling on the platform unposts the document too (the same command as the card)', async () => {
    const deal = await dealInTopic(t, 'OData платформа');
    await pressCardButton(t, deal.threadId, 'Документы 1С');
    await inTopic(deal.threadId, 'создан и проведён в 1С');
    const cancelled = await deal.manager.post(`/api/requests/${deal.requestId}/status`, { action: 'cancel' });
    expect(cancelled.status).toBe(200);
    await inTopic(deal.threadId, 'распроведён');
    expect(await documentOf(deal.requestId)).toMatchObject({ Posted: false });
  });

  it('a second deal of the same payer reuses the counterparty and its contract', async () => {
    const before = { counterparties: stub.rows('Catalog_Контрагенты').length, contracts: stub.rows('Catalog_ДоговорыКонтрагентов').length };
    const deal = await dealInTopic(t, 'OData второй');
    await pressCardButton(t, deal.threadId, 'Документы 1С');
    await inTopic(deal.threadId, 'создан и проведён в 1С');
    expect(stub.rows('Catalog_Контрагенты')).toHaveLength(Math.max(before.counterparties, 1));
    expect(stub.rows('Catalog_ДоговорыКонтрагентов')).toHaveLength(Math.max(before.contracts, 1));
  });

  it('with ONEC_ODATA_ON_CHANGE=replace a change of terms marks the old document for deletion and posts a new one', async () => {
    const settings = t.hotline.context().config.onec.odata;
    const deal = await dealInTopic(t, 'OData замена');
    await pressCardButton(t, deal.threadId, 'Документы 1С');
    await inTopic(deal.threadId, 'создан и проведён в 1С');
    const old = (await documentOf(deal.requestId))!;
    settings.onChange = 'replace';
    try {
      await say(deal.threadId, '/fee 2');
      await inTopic(deal.threadId, 'помечен в 1С на удаление');
    } finally {
      settings.onChange = 'update';
    }
    expect(stub.rows(DOCUMENT).find((d) => d.Ref_Key === old.Ref_Key)).toMatchObject({ DeletionMark: true, Posted: false });
    const fresh = (await documentOf(deal.requestId))!;
    expect(fresh.Ref_Key).not.toBe(old.Ref_Key);
    expect(fresh).toMatchObject({ Posted: true, DeletionMark: false, СуммаДокумента: 25000 });
  });
});

describe('with a print service (ONEC_PRINT_URL)', () => {
  it('the posted document is printed by the HTTP service: it gets the Ref_Key as ref, its PDF lands in the topic and on the platform', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n').toString('base64');
    const received: Array<{ ref: string | null; number: string }> = [];
    const printer = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(raw) as OneCDocumentsRequest;
        received.push({ ref: body.request.ref, number: body.request.number });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ ref: body.request.ref, documents: [{ name: `Счёт на оплату ${body.request.number}.pdf`, mime: 'application/pdf', contentBase64: pdf }] }));
      });
    });
    await new Promise<void>((resolve) => printer.listen(0, '127.0.0.1', resolve));
    const settings = t.hotline.context().config.onec.odata;
    settings.printUrl = `http://127.0.0.1:${(printer.address() as AddressInfo).port}/bp/hs/hotline/documents`;
    try {
      const deal = await dealInTopic(t, 'OData печать');
      await pressCardButton(t, deal.threadId, 'Документы 1С');
      await inTopic(deal.threadId, 'создан и проведён в 1С');
      await expect
        .poll(async () => visible(await t.control.transcript(t.group)).filter((m) => m.message_thread_id === deal.threadId && m.media?.type === 'document').length, { timeout: 20_000 })
        .toBe(1);
      const document = (await documentOf(deal.requestId))!;
      expect(received.at(-1)!.ref).toBe(document.Ref_Key);
      const listed = (await deal.manager.get(`/api/requests/${deal.requestId}/documents`)).body as Array<{ name: string; source: string }>;
      expect(listed.filter((d) => d.source === 'onec').map((d) => d.name)).toEqual([expect.stringMatching(/^Счёт на оплату/)]);
    } finally {
      settings.printUrl = undefined;
      await new Promise((resolve) => printer.close(resolve));
    }
  });
});

describe("1C's failures reach the manager as sentences", () => {
  const withRights = (rights: Map<string, Set<Right>> | '*') => stub.users.set('hotline', { password: 'secret', rights });

  it('no right to post → who lacks which right and where the administrator gives it', async () => {
    const all = new Set<Right>(['read', 'insert', 'update']);
    withRights(new Map(['Catalog_Организации', 'Catalog_Валюты', 'Catalog_Контрагенты', 'Catalog_ДоговорыКонтрагентов', DOCUMENT].map((s) => [s, all])));
    try {
      const deal = await dealInTopic(t, 'OData без прав');
      await pressCardButton(t, deal.threadId, 'Документы 1С');
      const topic = await inTopic(deal.threadId, 'нет права на проведение');
      const text = topic.messages.find((m) => m.text?.includes('нет права'))!.text!;
      expect(text).toContain('У пользователя 1С «hotline» нет права на проведение: Документ СчетНаОплатуПокупателю.');
      expect(text).toContain('Нарушение прав доступа!');
      expect(text).toContain('Группы доступа');
      expect(text).toContain('нажмите «Документы 1С» ещё раз');
    } finally {
      withRights('*');
    }
  });

  it('an entity not published → what to tick in «Настройка стандартного интерфейса OData»', async () => {
    stub.published.delete('Catalog_Контрагенты');
    try {
      const deal = await dealInTopic(t, 'OData публикация');
      await pressCardButton(t, deal.threadId, 'Документы 1С');
      const topic = await inTopic(deal.threadId, 'не опубликован');
      const text = topic.messages.find((m) => m.text?.includes('не опубликован'))!.text!;
      expect(text).toContain('В 1С не опубликован «Справочник Контрагенты» для стандартного интерфейса OData.');
      expect(text).toContain('«Настройка стандартного интерфейса OData»');
      expect(await onecRef(deal.requestId)).toBeNull();
    } finally {
      stub.published.add('Catalog_Контрагенты');
    }
  });

  it('the base locked → told once that it will be retried, and the retry posts the document once 1C opens', async () => {
    stub.locked = true;
    const deal = await dealInTopic(t, 'OData блокировка');
    try {
      await pressCardButton(t, deal.threadId, 'Документы 1С');
      const topic = await inTopic(deal.threadId, 'База 1С сейчас закрыта');
      expect(topic.messages.find((m) => m.text?.includes('База 1С'))!.text).toContain('Начало сеанса с информационной базой запрещено');
    } finally {
      stub.locked = false;
    }
    const done = await inTopic(deal.threadId, 'создан и проведён в 1С', 60_000);
    expect(done.messages.filter((m) => m.text?.includes('База 1С сейчас закрыта'))).toHaveLength(1);
    expect(await documentOf(deal.requestId)).toMatchObject({ Posted: true });
  });

  it("1C refuses to post (a check failed) → 1C's own words, and the document stays unposted", async () => {
    stub.postError = 'Ошибка при вызове метода контекста (Записать): Не заполнено поле "Банковский счет организации"';
    try {
      const deal = await dealInTopic(t, 'OData отказ');
      await pressCardButton(t, deal.threadId, 'Документы 1С');
      const topic = await inTopic(deal.threadId, '1С отказал');
      expect(topic.messages.find((m) => m.text?.includes('1С отказал'))!.text).toContain(
        '1С отказал (проведение: Документ СчетНаОплатуПокупателю): «Ошибка при вызове метода контекста (Записать): Не заполнено поле "Банковский счет организации"».',
      );
      expect(await documentOf(deal.requestId)).toMatchObject({ Posted: false });
    } finally {
      stub.postError = undefined;
    }
  });

  it('a wrong password → the manager learns 1C refuses the user and what the administrator checks', async () => {
    stub.users.set('hotline', { password: 'changed-in-1c', rights: '*' });
    try {
      const deal = await dealInTopic(t, 'OData пароль');
      await pressCardButton(t, deal.threadId, 'Документы 1С');
      const topic = await inTopic(deal.threadId, 'не пускает пользователя');
      expect(topic.messages.find((m) => m.text?.includes('не пускает'))!.text).toContain('ONEC_USER / ONEC_PASSWORD');
    } finally {
      stub.users.set('hotline', { password: 'secret', rights: '*' });
    }
  });
});

describe('the stand-in answers like 1C', () => {
  const call = (method: string, path: string, body?: unknown) =>
    fetch(stub.url + path, {
      method,
      headers: { authorization: `Basic ${Buffer.from('hotline:secret').toString('base64')}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('a tabular-section row without LineNumber → 500 and odata.error code -1 with the internal-error text', async () => {
    const response = await call('POST', `${encodeURIComponent(DOCUMENT)}?$format=json`, { Товары: [{ Содержание: 'x', Сумма: 1 }] });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      'odata.error': { code: '-1', message: { lang: 'ru', value: 'Произошла внутренняя ошибка OData сервиса. Дополнительные сведения можно найти в технологическом журнале.' } },
    });
  });

  it('$metadata lists only published entity sets; $filter finds by ИНН', async () => {
    const metadata = await (await call('GET', '$metadata')).text();
    expect(metadata).toContain('<EntitySet Name="Catalog_Контрагенты"');
    expect(metadata).toContain('<EntitySet Name="Document_СчетНаОплатуПокупателю_Товары"');
    const found = (await (await call('GET', `${encodeURIComponent('Catalog_Организации')}?$format=json&$filter=${encodeURIComponent("ИНН eq '7702070139'")}`)).json()) as { value: Array<Record<string, unknown>> };
    expect(found.value).toHaveLength(1);
    expect(found.value[0]).toMatchObject({ DeletionMark: false, ИНН: '7702070139', Ref_Key: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });
});
