import { describe, expect, it } from 'vitest';
import { formatDateRu, isoDatesToRu } from './dates.js';
import { fillPurposeTemplate, purposeGaps, purposeGapsMessage } from './purpose.js';
import { PAYMENT_PURPOSE_TEMPLATES } from './reference.js';

describe('dates as a Russian reader sees them (issue 17.2)', () => {
  it('are ДД.ММ.ГГГГ', () => {
    expect(formatDateRu('2026-10-01')).toBe('01.10.2026');
    expect(formatDateRu('2026-12-05T00:00:00Z')).toBe('05.12.2026');
    expect(formatDateRu(new Date('2026-12-04T22:30:00Z'), 'Europe/Moscow')).toBe('05.12.2026');
    expect(formatDateRu('not a date')).toBe('not a date');
  });

  it('replace ISO dates inside a text and leave other digits alone', () => {
    expect(isoDatesToRu('Оплата по контракту № 15 от 2026-10-01, инвойс от 2026-10-15')).toBe('Оплата по контракту № 15 от 01.10.2026, инвойс от 15.10.2026');
    expect(isoDatesToRu('Контракт 2026-15-40 и счёт 12-2026-01-01-7')).toBe('Контракт 2026-15-40 и счёт 12-2026-01-01-7');
    expect(isoDatesToRu('без дат')).toBe('без дат');
  });
});

describe('a payment purpose from a template', () => {
  const goods = PAYMENT_PURPOSE_TEMPLATES.find((t) => t.id === 'goods')!.ru;

  it('is filled with the date as ДД.ММ.ГГГГ', () => {
    expect(fillPurposeTemplate(goods, { contract: 'SZ-15', date: '2026-10-01' })).toBe('Оплата по контракту № SZ-15 от 01.10.2026 за товары');
  });

  it('names its holes: «…» after № and от, unfilled placeholders', () => {
    expect(purposeGaps('Оплата по контракту № … от … за товары')).toEqual(['номер (после «№»)', 'дату (после «от»)']);
    expect(purposeGaps('Оплата по контракту №... от ... за товары')).toEqual(['номер (после «№»)', 'дату (после «от»)']);
    expect(purposeGaps(fillPurposeTemplate(goods, { contract: '15' }))).toEqual(['дату контракта']);
    expect(purposeGaps('Payment under contract No. … dated … for goods')).toEqual(['номер (после «№»)', 'дату (после «от»)']);
    expect(purposeGapsMessage('Оплата по контракту № … от … за товары')).toBe('Назначение платежа не заполнено до конца: укажите номер (после «№»), дату (после «от»).');
  });

  it('names the holes left with nothing at all after № and от (the template\'s fields simply erased)', () => {
    expect(purposeGaps('Оплата по контракту № от за товары')).toEqual(['номер (после «№»)', 'дату (после «от»)']);
    expect(purposeGaps('Предоплата по контракту №  от  за услуги')).toEqual(['номер (после «№»)', 'дату (после «от»)']);
    expect(purposeGaps('Оплата по инвойсу № 7 от')).toEqual(['дату (после «от»)']);
    expect(purposeGaps('Оплата по контракту №, за товары')).toEqual(['номер (после «№»)']);
    expect(purposeGaps('Payment under contract No. dated for goods')).toEqual(['номер (после «№»)', 'дату (после «от»)']);
  });

  it('has no holes when filled', () => {
    expect(purposeGaps('Оплата по контракту № 15 от 01.10.2026 за товары')).toEqual([]);
    expect(purposeGapsMessage('Оплата за товары')).toBeUndefined();
    // Dots at the end of a sentence or inside a number are no hole.
    expect(purposeGaps('Оплата по контракту № 15.2 от 01.10.2026. НДС не облагается.')).toEqual([]);
    // «от» and «№» with something after them; words that merely contain them.
    expect(purposeGaps('Оплата по договору № б/н от 01.10.2026 за товары, отгрузка от поставщика')).toEqual([]);
    expect(purposeGaps('Оплата по контракту № HK-8 от 25.11.2026 за товары')).toEqual([]);
  });
});
