/** The navigation link's `ref` and the default document body of ONEC_MODE=odata. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ONEC_MAPPING, guidFromNavigationRef, navigationRef, oneCDocumentBody, oneCMapping, oneCNavigationUrl, oneCWebBase } from './oneCOData.js';

describe('navigation links', () => {
  it('reorders the GUID as 1C does: fourth and fifth group, then third, second, first (public pairs of real links)', () => {
    expect(navigationRef('5828755a-8819-11ed-89ab-000c29dddd38')).toBe('89ab000c29dddd3811ed88195828755a');
    expect(navigationRef('312E175A-C9C9-11EC-8936-000C29DDDD38')).toBe('8936000c29dddd3811ecc9c9312e175a');
    expect(guidFromNavigationRef('8ca0000d8843cd1b11dc8d043d71007f')).toBe('3d71007f-8d04-11dc-8ca0-000d8843cd1b');
    expect(navigationRef(guidFromNavigationRef('8ca0000d8843cd1b11dc8d043d71007f'))).toBe('8ca0000d8843cd1b11dc8d043d71007f');
    expect(() => navigationRef('not-a-guid')).toThrow();
  });

  it('opens the document in the web client of the publication the OData address belongs to', () => {
    const base = oneCWebBase('https://1c.example/bp/odata/standard.odata/');
    expect(base).toBe('https://1c.example/bp/');
    expect(oneCNavigationUrl(base, 'Document_СчетНаОплатуПокупателю', '5828755a-8819-11ed-89ab-000c29dddd38')).toBe(
      `https://1c.example/bp/#e1cib/data/${encodeURIComponent('Документ.СчетНаОплатуПокупателю')}?ref=89ab000c29dddd3811ed88195828755a`,
    );
  });
});

describe('the document body', () => {
  const input = {
    number: 'H-7',
    date: new Date('2026-11-30T10:00:00Z'),
    fee: '18375.00',
    fixedFee: '500.00',
    fundingCurrency: 'RUB',
    organizationKey: 'o',
    counterpartyKey: 'c',
    contractKey: 'k',
    currencyKey: 'r',
  };

  it('default: an invoice for the fee with one row that carries LineNumber', () => {
    expect(oneCDocumentBody(DEFAULT_ONEC_MAPPING, input)).toEqual({
      Date: '2026-11-30T00:00:00',
      СуммаВключаетНДС: true,
      Организация_Key: 'o',
      Контрагент_Key: 'c',
      ДоговорКонтрагента_Key: 'k',
      ВалютаДокумента_Key: 'r',
      СуммаДокумента: 18875,
      Комментарий: 'Hotline №H-7',
      Товары: [{ LineNumber: '1', СтавкаНДС: 'БезНДС', Содержание: 'Агентское вознаграждение по заявке №H-7', Количество: 1, Цена: 18875, Сумма: 18875 }],
    });
  });

  it('a mapping override renames, drops (null) and adds properties', () => {
    const mapping = oneCMapping({ document: 'Document_ЗаказКлиента', table: 'Услуги', header: { contract: null }, constants: { line: { СтавкаНДС: 'НДС20' } } });
    const body = oneCDocumentBody(mapping, input);
    expect(body).not.toHaveProperty('ДоговорКонтрагента_Key');
    expect(body.Услуги).toEqual([expect.objectContaining({ LineNumber: '1', СтавкаНДС: 'НДС20' })]);
  });
});
