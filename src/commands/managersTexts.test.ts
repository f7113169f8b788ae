/**
 * The managers' texts of the deal notes, the client card, the 1C answers and
 * the requisites warning come from the Fluent files (issue 17): Russian word
 * for word as before (MANAGERS_LOCALE), English from en.ftl, and no Russian
 * literal left in those modules.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { textsFor } from './botTexts.js';
import { renderTermsChangeNote } from '../core/termsNote.js';
import { renderClientCard } from '../core/clientCard.js';
import { ourRequisitesWarning } from './requestOneCDocuments.js';
import { renderActionCard } from '../core/actionCard.js';

const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
const change = { field: 'rate' as const, before: '11.5', after: '11.75', totalBefore: '1150000.00', totalAfter: '1175000.00', undone: false };
const currency = { amount: 'CNY', funding: 'RUB' };
const card = {
  telegramUserId: 42,
  firstName: 'Ли',
  lastName: 'Вэй',
  username: 'liwei',
  language: 'zh',
  firstContactAt: new Date('2026-11-30T07:00:00Z'),
  blockedAt: null,
  requests: [{ id: 7, number: '2026-000007', status: 'accepted' }],
  publicUrl: 'https://hotline.example',
  timeZone: 'Europe/Moscow',
};

describe("managers' texts from the Fluent files", () => {
  it('the deal note reads as before in Russian, and in English from en.ftl', () => {
    expect(plain(renderTermsChangeNote(change, currency, textsFor('ru'), 'Ирина'))).toBe(
      '✏️ Курс: 11,5 → <b>11,75</b>\nИтого к оплате: 1 150 000,00 ₽ → <b>1 175 000,00 ₽</b>\n<i>Изменено на платформе: Ирина</i>',
    );
    expect(plain(renderTermsChangeNote({ ...change, field: 'deadline', before: '', after: '2026-12-05', undone: true, totalAfter: null }, currency, textsFor('ru')))).toBe(
      '↩️ Отменено: Оплатить до: — → <b>05.12.2026</b>',
    );
    expect(renderTermsChangeNote({ ...change, undone: true }, currency, textsFor('en'), 'Irina')).toMatch(/^↩️ Undone: Rate: 11,5 → <b>11,75<\/b>\nTotal to pay: .*\n<i>Changed on the platform: Irina<\/i>$/);
  });

  it('the client card reads as before in Russian, and in English from en.ftl', () => {
    expect(renderClientCard(card, textsFor('ru')).split('\n')).toEqual([
      '👤 <b>Ли Вэй</b> (@liwei)',
      'Telegram ID: <code>42</code>',
      'Язык: zh',
      expect.stringMatching(/^Первое обращение: 30\.11\.2026, 10:00/),
      'Ответственный: нет — взять: /take',
      'Заявки:',
      '• <a href="https://hotline.example/requests/7">№ 2026-000007</a> — принята',
      '<a href="https://hotline.example/dialogs?client=42">Диалог и заявки клиента на платформе</a>',
    ]);
    expect(renderClientCard({ ...card, requests: [] }, textsFor('ru'))).toContain('Заявок пока нет. Создать: /new');
    expect(renderClientCard(card, textsFor('en'))).toContain('• <a href="https://hotline.example/requests/7">No. 2026-000007</a> — accepted');
  });

  it('the action card reads as before in Russian (days in the right plural), and in English from en.ftl', () => {
    const data = {
      requestId: 7, number: '2026-000007', status: 'accepted' as const, clientName: 'Ли Вэй', amount: '10000.00', currency: 'CNY', fundingCurrency: 'RUB',
      terms: { rate: '12.25', feePercent: '1.50', fixedFee: '500.00', fee: '1837.50', total: '124837.50', days: '3' },
      beneficiaryName: 'Shenzhen Trading', beneficiaryCountry: 'CN', purpose: 'Оплата по контракту № 1 от 2026-10-01', deadline: null, documentsNote: 'сформированы (2)',
      publicUrl: 'https://hotline.example', version: 1,
    };
    const ru = renderActionCard(data, textsFor('ru'));
    expect(plain(ru.html).split('\n')).toEqual([
      '🤝 <b>Заявка № 2026-000007</b> — Принята',
      '<a href="https://hotline.example/requests/7">Открыть на платформе</a>',
      '',
      'Клиент: Ли Вэй',
      'Сумма: <b>10 000,00 ¥</b>',
      'Курс: 12,25 RUB/CNY',
      'Комиссия: 1,50 % = 1 837,50 ₽',
      'Фиксированная комиссия: 500,00 ₽',
      'Итого к оплате: <b>124 837,50 ₽</b>',
      'Срок исполнения: 3 дня',
      'Получатель: Shenzhen Trading (CN)',
      'Назначение: Оплата по контракту № 1 от 01.10.2026',
      'Документы: сформированы (2)',
    ]);
    expect(ru.keyboard.flat().map((b) => b.text)).toEqual(['✏️ Изменить', '📄 Документы 1С', '✅ Завершить', '❌ Отменить']);
    expect(renderActionCard({ ...data, terms: { ...data.terms, days: '5' } }, textsFor('ru')).html).toContain('Срок исполнения: 5 дней');
    expect(renderActionCard({ ...data, terms: { ...data.terms, days: '1' } }, textsFor('en')).html).toContain('Execution time: 1 day');
  });

  it('a fee typed as 1.500 shows as «1,5 %» on the card, not «1,500 %» (reads as a thousands group); 2 as «2 %», 0.125 as «0,125 %»', () => {
    const data = {
      requestId: 8, number: '2026-000008', status: 'accepted' as const, clientName: 'Ли Вэй', amount: '10000.00', currency: 'CNY', fundingCurrency: 'RUB',
      terms: { rate: '12.25', feePercent: '1.500', fixedFee: '0.00', fee: '1837.50', total: '124337.50', days: '3' },
      beneficiaryName: 'Shenzhen Trading', beneficiaryCountry: 'CN', purpose: 'Оплата по контракту', deadline: null,
      publicUrl: 'https://hotline.example', version: 1,
    };
    const feeLine = (feePercent: string) => plain(renderActionCard({ ...data, terms: { ...data.terms, feePercent } }, textsFor('ru')).html).split('\n').find((line) => line.startsWith('Комиссия:'));
    expect(feeLine('1.500')).toBe('Комиссия: 1,5 % = 1 837,50 ₽');
    expect(feeLine('2')).toBe('Комиссия: 2 % = 1 837,50 ₽');
    expect(feeLine('0.125')).toBe('Комиссия: 0,125 % = 1 837,50 ₽');
  });

  it('the requisites warning reads as before, with its link', () => {
    expect(ourRequisitesWarning('https://hotline.example', ['ИНН', 'БИК']).split('\n')).toEqual([
      '⚠️ <b>Реквизиты нашей компании не заполнены</b>',
      'Не хватает: ИНН, БИК. В поручении агенту и счёте эти места остались бы пустыми.',
      'Заполните их на платформе (администратор): <a href="https://hotline.example/admin?tab=requisites">Администрирование → Наши реквизиты</a> — и нажмите «Документы 1С» снова, или сформируйте как есть.',
    ]);
  });

  // Left: topicName's «Клиент 123» for a client with no name (the topic's title, renamed by the relay's jobs).
  const LEFT = ['`Клиент ${client.telegramUserId}`'];

  it('no Russian string literal is left in those modules (comments aside)', () => {
    for (const file of ['../core/termsNote.ts', '../core/clientCard.ts', '../core/actionCard.ts', './requestOneCDocuments.ts', '../integrations/onec/http.ts', '../jobs/actionCards.ts']) {
      const code = fs
        .readFileSync(new URL(file, import.meta.url), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      expect((code.match(/(['"`])[^'"`\n]*[А-Яа-яЁё][^'"`\n]*\1/g) ?? []).filter((literal) => !LEFT.includes(literal)), file).toEqual([]);
    }
  });
});
