import { describe, expect, it } from 'vitest';
import {
  COUNTRIES,
  countriesSorted,
  countryName,
  CURRENCIES,
  currencyName,
  fillPurposeTemplate,
  findCountry,
  findCurrency,
  isCountryCode,
  isCurrencyCode,
  PAYMENT_PURPOSE_TEMPLATES,
} from './reference.js';

describe('currencies for the request form', () => {
  it('start with the ones clients pay in most, then the rest by code', () => {
    expect(CURRENCIES.slice(0, 7).map((c) => c.code)).toEqual(['CNY', 'USD', 'EUR', 'AED', 'HKD', 'TRY', 'INR']);
    const rest = CURRENCIES.slice(7).map((c) => c.code);
    expect(rest).toEqual([...rest].sort());
    expect(new Set(CURRENCIES.map((c) => c.code)).size).toBe(CURRENCIES.length);
  });

  it('have Russian names where Intl knows them', () => {
    expect(findCurrency('cny')).toMatchObject({ code: 'CNY', number: '156', digits: 2, nameRu: 'Китайский юань', nameEn: 'Yuan Renminbi' });
    expect(findCurrency('cny')?.countriesRu).toContain('Китай');
    expect(currencyName('RUB', 'ru')).toBe('Российский рубль');
    expect(currencyName('USD', 'en')).toBe('US Dollar');
    expect(currencyName('JPY', 'ru')).toBe('Японская иена');
    expect(findCurrency('JPY')?.digits).toBe(0);
    for (const currency of CURRENCIES) expect(currency.nameRu).toBeTruthy();
  });

  it('leave out metals, funds and test codes', () => {
    for (const code of ['XAU', 'XDR', 'XTS', 'XXX', 'BOV', 'USN']) expect(isCurrencyCode(code)).toBe(false);
    for (const code of ['RUB', 'KZT', 'XOF', 'XAF']) expect(isCurrencyCode(code)).toBe(true);
    expect(currencyName('ABC', 'ru')).toBe('ABC');
  });
});

describe('countries', () => {
  it('have Russian and English names and aliases for autocomplete', () => {
    expect(findCountry('ru')).toMatchObject({ code: 'RU', nameRu: 'Россия', nameEn: 'Russia' });
    expect(countryName('AE', 'ru')).toBe('ОАЭ');
    expect(countryName('TR', 'ru')).toBe('Турция');
    expect(countryName('CN', 'en')).toBe('China');
    expect(findCountry('CN')).toMatchObject({ nameRu: 'Китай', officialRu: 'КНР (Китайская Народная Республика)' });
    expect(countryName('US', 'ru')).toBe('США');
    expect(countryName('KR', 'ru')).toBe('Южная Корея');
    expect(countryName('TW', 'ru')).toBe('Тайвань');
    expect(countryName('ZZ', 'ru')).toBe('ZZ');
    expect(isCountryCode('HK')).toBe(true);
    expect(isCountryCode('XX')).toBe(false);
  });

  it('are sorted by name in the chosen language', () => {
    expect(COUNTRIES.length).toBeGreaterThan(240);
    expect(COUNTRIES[0]!.nameRu).toBe('Австралия');
    const en = countriesSorted('en').map((c) => c.nameEn);
    expect(en).toEqual([...en].sort((a, b) => a.localeCompare(b, 'en')));
  });
});

describe('payment-purpose templates', () => {
  it('fill their placeholders and keep the unfilled ones visible', () => {
    const goods = PAYMENT_PURPOSE_TEMPLATES.find((t) => t.id === 'goods')!;
    expect(goods.ru).toBe('Оплата по контракту № {contract} от {date} за товары');
    expect(fillPurposeTemplate(goods.ru, { contract: 'SZ-15', date: '01.10.2026' })).toBe('Оплата по контракту № SZ-15 от 01.10.2026 за товары');
    expect(fillPurposeTemplate(goods.ru, { contract: 'SZ-15', date: '  ' })).toBe('Оплата по контракту № SZ-15 от {date} за товары');
  });

  it('have unique ids and both languages', () => {
    expect(new Set(PAYMENT_PURPOSE_TEMPLATES.map((t) => t.id)).size).toBe(PAYMENT_PURPOSE_TEMPLATES.length);
    for (const template of PAYMENT_PURPOSE_TEMPLATES) {
      expect(template.ru).toMatch(/\{contract\}/);
      expect(template.en).toMatch(/\{contract\}/);
    }
  });
});
