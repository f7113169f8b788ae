/** The static lists of the request form, computed once per locale. */
import { createRequire } from 'node:module';
import currencyCodes from 'currency-codes';
import countries from 'i18n-iso-countries';

const require = createRequire(import.meta.url);
countries.registerLocale(require('i18n-iso-countries/langs/ru.json'));
countries.registerLocale(require('i18n-iso-countries/langs/en.json'));

/** The currencies of most payments, in this order, then the rest alphabetically. */
export const MOST_USED_CURRENCIES = ['CNY', 'USD', 'EUR', 'AED', 'HKD', 'TRY', 'INR', 'RUB'];

const RU_CURRENCY_NAMES: Record<string, string> = {
  CNY: 'Китайский юань',
  USD: 'Доллар США',
  EUR: 'Евро',
  AED: 'Дирхам ОАЭ',
  HKD: 'Гонконгский доллар',
  TRY: 'Турецкая лира',
  INR: 'Индийская рупия',
  RUB: 'Российский рубль',
  KZT: 'Казахстанский тенге',
  BYN: 'Белорусский рубль',
  GBP: 'Фунт стерлингов',
  JPY: 'Японская иена',
  KRW: 'Вон Республики Корея',
  CHF: 'Швейцарский франк',
  THB: 'Таиландский бат',
  VND: 'Вьетнамский донг',
  UZS: 'Узбекский сум',
  AMD: 'Армянский драм',
  KGS: 'Киргизский сом',
};

const cache = new Map<string, unknown>();
function once<T>(key: string, build: () => T): T {
  if (!cache.has(key)) cache.set(key, build());
  return cache.get(key) as T;
}

export function currencyList(locale: 'ru' | 'en'): Array<{ code: string; name: string }> {
  return once(`currencies:${locale}`, () => {
    const all = currencyCodes
      .codes()
      .filter((code) => !/^X/.test(code))
      .map((code) => ({ code, name: (locale === 'ru' ? RU_CURRENCY_NAMES[code] : undefined) ?? currencyCodes.code(code)?.currency ?? code }));
    const rank = (code: string) => {
      const index = MOST_USED_CURRENCIES.indexOf(code);
      return index === -1 ? MOST_USED_CURRENCIES.length : index;
    };
    return all.sort((a, b) => rank(a.code) - rank(b.code) || a.code.localeCompare(b.code));
  });
}

export function countryList(locale: 'ru' | 'en'): Array<{ code: string; name: string }> {
  return once(`countries:${locale}`, () =>
    Object.entries(countries.getNames(locale, { select: 'official' }))
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => a.name.localeCompare(b.name, locale)),
  );
}

const PURPOSES_RU = [
  'Оплата по контракту № {contract} от {date} за товары, инвойс № {invoice}',
  'Предоплата по контракту № {contract} от {date} за товары',
  'Оплата за оборудование по контракту № {contract}',
  'Оплата за услуги по договору № {contract}',
  'Оплата транспортных услуг по договору № {contract}',
];
const PURPOSES_EN = [
  'Payment for goods under contract No. {contract} dated {date}, invoice No. {invoice}',
  'Prepayment for goods under contract No. {contract} dated {date}',
  'Payment for equipment under contract No. {contract}',
  'Payment for services under agreement No. {contract}',
  'Payment for transport services under agreement No. {contract}',
];

export function purposeTemplates(locale: 'ru' | 'en'): string[] {
  return locale === 'ru' ? PURPOSES_RU : PURPOSES_EN;
}
