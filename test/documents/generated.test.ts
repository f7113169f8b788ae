/**
 * ONEC_MODE=off (the default): «Документы 1С» → Hotline generates the order to
 * the agent and the invoice itself; both reach the topic and the platform and
 * read back with the request's amounts and names, and with our requisites as
 * the admin saved them on the admin page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFParse } from 'pdf-parse';
import { ApiClient } from '../helpers/app.js';
import { OUR_REQUISITES, OUR_REQUISITES_STORED } from '../helpers/requisites.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { actionCard, dealInTopic, pressCardButton } from './helpers.js';
import { ourRequisitesWarning } from '../../src/commands/requestOneCDocuments.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

describe('documents without 1C', () => {
  it('with our requisites blank it warns first (what is missing, a link to fill them); «Сформировать как есть» makes the two PDFs, in the topic and on the platform', async () => {
    const deal = await dealInTopic(t, 'Без 1С');
    const warned = await pressCardButton(t, deal.threadId, 'Документы 1С');
    expect(warned.answer?.text).toContain('Реквизиты нашей компании не заполнены');
    expect(warned.answer?.show_alert).toBe(true);
    let warning: Awaited<ReturnType<typeof t.control.transcript>>['messages'][number] | undefined;
    await expect
      .poll(async () => {
        warning = visible(await t.control.transcript(t.group)).find((m) => m.message_thread_id === deal.threadId && m.text?.startsWith('⚠️ Реквизиты нашей компании не заполнены'));
        return Boolean(warning);
      }, { timeout: 10_000 })
      .toBe(true);
    expect(warning!.text).toContain('Не хватает: полное наименование, ИНН, КПП, ОГРН, юридический адрес, банк, БИК, корр. счёт, расчётный счёт, руководитель');
    // Where to fill them: a link to the admin page that survives Telegram's link check (the default address is
    // 127.0.0.1, not localhost, which Telegram drops as a host without a dot).
    expect(warning!.text).toContain('Заполните их на платформе (администратор): Администрирование → Наши реквизиты');
    const link = warning!.entities?.find((entity) => entity.type === 'text_link');
    expect(link?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/admin\?tab=requisites$/);
    expect(warning!.text!.slice(link!.offset, link!.offset + link!.length)).toBe('Администрирование → Наши реквизиты');
    expect(ourRequisitesWarning('https://hotline.example', ['ИНН'])).toContain('<a href="https://hotline.example/admin?tab=requisites">');
    // Nothing is made until the manager says so.
    expect((await deal.manager.get(`/api/requests/${deal.requestId}/documents`)).body).toEqual([]);
    const anyway = warning!.buttons!.flat().find((b) => b.text === '📄 Сформировать как есть')!;
    const answer = await t.control.pressButton({ from: t.manager.id, chat_id: t.group, message_id: warning!.message_id, callback_data: anyway.callback_data! });
    expect(answer.answer?.text).toContain('Формирую');
    await expect
      .poll(async () => visible(await t.control.transcript(t.group)).filter((m) => m.message_thread_id === deal.threadId && m.media?.type === 'document').length, { timeout: 20_000 })
      .toBe(2);
    const listed = (await deal.manager.get(`/api/requests/${deal.requestId}/documents`)).body as Array<{ id: number; name: string; source: string }>;
    expect(listed.map((d) => [d.source, d.name.replace(/ № \S+\.pdf$/, '')])).toEqual([
      ['generated', 'Поручение агенту'],
      ['generated', 'Счёт на оплату'],
    ]);
    // The names arrive in the topic as made, spaces and «№» kept (issue 17.14).
    const inTopic = visible(await t.control.transcript(t.group))
      .filter((m) => m.message_thread_id === deal.threadId && m.media?.type === 'document')
      .map((m) => m.media?.file_name);
    expect(inTopic.sort()).toEqual(listed.map((d) => d.name).sort());
    expect(inTopic.find((n) => n?.startsWith('Поручение'))).toMatch(/^Поручение агенту № \d{4}-\d{6}\.pdf$/);
    const request = (await deal.manager.get(`/api/requests/${deal.requestId}`)).body;
    const r = request.request ?? request;
    const invoice = await fetch(`${t.hotline.url}/api/documents/${listed[1]!.id}/download`, { headers: { cookie: deal.manager.cookie } });
    const content = (await new PDFParse({ data: new Uint8Array(await invoice.arrayBuffer()) }).getText()).text.replace(/[\u00a0\u202f]/g, ' ');
    expect(content).toContain(`Счёт на оплату № ${r.number}`);
    expect(content).toContain(r.payer.name);
    const total = new Intl.NumberFormat('ru-RU', { minimumFractionDigits: 2 }).format(r.terms.total).replace(/[\u00a0\u202f]/g, ' ');
    expect(content).toContain(total);
    await expect.poll(async () => (await actionCard(t, deal.threadId)).text, { timeout: 10_000 }).toContain('сформированы (2)');
  });

  it('our requisites saved by the admin through the API are printed on both documents', async () => {
    const admin = new ApiClient(t.hotline.url);
    expect((await admin.signIn('admin@test.local', 'admin-password-123')).status).toBe(200);
    const saved = await admin.request('PUT', '/api/admin/requisites', OUR_REQUISITES);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);

    const deal = await dealInTopic(t, 'Реквизиты');
    await pressCardButton(t, deal.threadId, 'Документы 1С');
    let listed: Array<{ id: number; name: string }> = [];
    await expect
      .poll(async () => {
        listed = (await deal.manager.get(`/api/requests/${deal.requestId}/documents`)).body;
        return listed.length;
      }, { timeout: 20_000 })
      .toBe(2);
    const r = OUR_REQUISITES_STORED;
    for (const document of listed) {
      const pdf = await fetch(`${t.hotline.url}/api/documents/${document.id}/download`, { headers: { cookie: deal.manager.cookie } });
      expect(pdf.status).toBe(200);
      // Long values may wrap inside a table cell: compare with the white space collapsed.
      const content = (await new PDFParse({ data: new Uint8Array(await pdf.arrayBuffer()) }).getText()).text.replace(/[\s\u00a0\u202f]+/g, ' ');
      expect(content, document.name).toContain(r.fullName);
      expect(content, document.name).toContain(`${r.inn} / ${r.kpp}`);
      expect(content, document.name).toContain(r.ogrn);
      expect(content, document.name).toContain(r.address);
      expect(content, document.name).toContain(`${r.bank}, БИК ${r.bic}`);
      expect(content, document.name).toContain(`${r.account}, ${r.corrAccount}`);
      expect(content, document.name).toContain(`/ ${r.director} /`);
      expect(content, document.name).not.toContain('Наша компания');
    }
  });
});
