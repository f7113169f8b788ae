/**
 * Prepared lists for the request form (ARCHITECTURE.md §1, step 3):
 * currencies (ISO 4217), countries (ISO 3166) in Russian and English, and
 * payment-purpose templates. Static data, computed once at import.
 *
 * @example
 * CURRENCIES[0];            // { code: 'CNY', nameRu: 'Китайский юань', nameEn: 'Yuan Renminbi', digits: 2, … }
 * countryName('CN', 'ru');  // 'Китай'
 * searchOptions(countryOptions('ru'), 'Кит')[0]; // { code: 'CN', name: 'Китай', official: 'КНР (Китайская Народная Республика)', … }
 * fillPurposeTemplate(PAYMENT_PURPOSE_TEMPLATES[0]!.ru, { contract: '15', date: '01.10.2026' });
 */
import { data as currencyData } from 'currency-codes';
// The library's own entry (index.js), not its Node entry (entry-node.js): that one registers all ~80 locales
// (0.6 MB of JSON parsed into the heap at start-up) where only these two are used.
import countries from 'i18n-iso-countries/index.js';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import ru from 'i18n-iso-countries/langs/ru.json' with { type: 'json' };
import type { SearchOption } from './search.js';

// Registered explicitly: the library's index.js (in the browser and here) ships no locales.
countries.registerLocale(ru);
countries.registerLocale(en);

export type Locale = 'ru' | 'en';

export interface Currency {
  /** ISO 4217 letter code: `CNY`. */
  code: string;
  /** ISO 4217 numeric code: `156`. */
  number: string;
  /** Minor-unit digits: 2 for most, 0 for JPY. */
  digits: number;
  nameRu: string;
  nameEn: string;
  /** Where it is money, for search: «Китай», «China» for CNY. */
  countriesRu: string[];
  countriesEn: string[];
}

/**
 * Names people use and type where CLDR's differ (Intl says «Соединенные
 * Штаты», «Республика Корея», «Гонконг (САР)»): a Russian reader writes
 * «США», «Южная Корея», «Гонконг».
 */
const COMMON_NAMES: Record<string, { ru?: string; en?: string; also?: string[]; officialRu?: string }> = {
  US: { ru: 'США', en: 'United States', also: ['Америка', 'Соединённые Штаты Америки', 'America'] },
  GB: { ru: 'Великобритания', en: 'United Kingdom', also: ['Британия', 'Англия', 'Соединённое Королевство', 'Britain', 'England'] },
  KR: { ru: 'Южная Корея', en: 'South Korea', also: ['Корея', 'Korea'] },
  KP: { ru: 'Северная Корея', en: 'North Korea' },
  HK: { ru: 'Гонконг', en: 'Hong Kong', also: ['Сянган'] },
  MO: { ru: 'Макао', en: 'Macao', also: ['Аомынь', 'Macau'] },
  // i18n-iso-countries has no Russian official name beside «ОАЭ»: the full one is shown next to the acronym (issue 17).
  AE: { ru: 'ОАЭ', en: 'UAE', officialRu: 'Объединённые Арабские Эмираты', also: ['Эмираты', 'Дубай', 'Emirates', 'Dubai'] },
  CN: { also: ['Поднебесная', 'PRC'] },
  TR: { also: ['Türkiye', 'Турецкая Республика'] },
  CD: { ru: 'ДР Конго' },
  CG: { ru: 'Республика Конго' },
  MD: { also: ['Молдавия'] },
  BY: { also: ['Белоруссия'] },
};

/** The currencies our clients pay in most, in that order; the list starts with them. */
export const POPULAR_CURRENCY_CODES = ['CNY', 'USD', 'EUR', 'AED', 'HKD', 'TRY', 'INR'] as const;

/** Codes that are not money one pays a supplier in: metals, funds, units of account, test codes. */
const NOT_PAYABLE = new Set([
  'XAG', 'XAU', 'XPD', 'XPT', // precious metals
  'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XSU', 'XUA', // units of account
  'XTS', 'XXX', // testing, no currency
  'BOV', 'CHE', 'CHW', 'CLF', 'COU', 'MXV', 'USN', 'UYI', 'UYW', // funds and indexed units
]);

/**
 * Russian currency names as people say them where CLDR's differ: «Фунт
 * стерлингов» (the Bank of Russia's name) rather than «Британский фунт
 * стерлингов», so «фунт» finds the pound first (issue 17).
 */
const COMMON_CURRENCY_NAMES_RU: Record<string, string> = { GBP: 'Фунт стерлингов' };

/** Currencies that come first among equal matches after the popular ones and the rouble: «фунт» → GBP. */
const WELL_KNOWN_CURRENCY_CODES = ['GBP'];

function russianCurrencyName(code: string, fallback: string): string {
  if (COMMON_CURRENCY_NAMES_RU[code]) return COMMON_CURRENCY_NAMES_RU[code];
  try {
    const name = new Intl.DisplayNames('ru', { type: 'currency' }).of(code);
    if (!name || name === code) return fallback;
    return name.charAt(0).toUpperCase() + name.slice(1);
  } catch {
    return fallback;
  }
}

/**
 * The countries that pay in a currency, in both languages, for search.
 * currency-codes names them in English («Hong Kong», «Korea (The Republic
 * Of)»); ISO 4217 builds a national code from the country's alpha-2 code
 * (KRW → KR), which finds the rest.
 */
function currencyCountries(currency: string, names: readonly string[]): { countriesRu: string[]; countriesEn: string[] } {
  const issuer = currency.slice(0, 2);
  const codes = new Set(names.map((name) => countries.getAlpha2Code(name, 'en')).filter((code): code is string => !!code));
  if (countries.isValid(issuer)) codes.add(issuer);
  return {
    countriesRu: [...codes].flatMap((code) => [commonName(code, 'ru'), ...(COMMON_NAMES[code]?.also ?? [])]),
    countriesEn: [...[...codes].map((code) => commonName(code, 'en')), ...names],
  };
}

const popularRank = (code: string) => {
  const i = (POPULAR_CURRENCY_CODES as readonly string[]).indexOf(code);
  return i === -1 ? POPULAR_CURRENCY_CODES.length : i;
};

/** Every payable ISO 4217 currency: the popular ones first, then the rest by code. */
export const CURRENCIES: readonly Currency[] = currencyData
  .filter((record) => !NOT_PAYABLE.has(record.code))
  .map((record) => ({
    code: record.code,
    number: record.number,
    digits: record.digits,
    nameEn: record.currency,
    nameRu: russianCurrencyName(record.code, record.currency),
    ...currencyCountries(record.code, record.countries),
  }))
  .sort((a, b) => popularRank(a.code) - popularRank(b.code) || a.code.localeCompare(b.code));

const CURRENCY_BY_CODE = new Map(CURRENCIES.map((currency) => [currency.code, currency]));

export function findCurrency(code: string): Currency | undefined {
  return CURRENCY_BY_CODE.get(code.trim().toUpperCase());
}

export function isCurrencyCode(code: string): boolean {
  return CURRENCY_BY_CODE.has(code.trim().toUpperCase());
}

/** `currencyName('CNY', 'ru')` → `Китайский юань`; an unknown code comes back as is. */
export function currencyName(code: string, locale: Locale): string {
  const currency = findCurrency(code);
  if (!currency) return code;
  return locale === 'ru' ? currency.nameRu : currency.nameEn;
}

export interface Country {
  /** ISO 3166-1 alpha-2: `CN`. */
  code: string;
  /** The name people use (CLDR's, as Intl has it, or ours below): «Китай», «США», «Южная Корея». */
  nameRu: string;
  /** The name people use: «China», «United States». */
  nameEn: string;
  /** The official name (i18n-iso-countries) when it differs: «КНР (Китайская Народная Республика)». */
  officialRu?: string;
  officialEn?: string;
  /** Every other known name in both languages, for autocomplete: «Китайская Республика» for Taiwan. */
  aliases: string[];
}

/** The name people use in `locale`: ours above, else CLDR's through Intl, else i18n-iso-countries'. */
function commonName(code: string, locale: Locale): string {
  return COMMON_NAMES[code]?.[locale] ?? regionName(code, locale) ?? countries.getName(code, locale, { select: 'alias' }) ?? code;
}

function regionName(code: string, locale: Locale): string | undefined {
  try {
    const name = new Intl.DisplayNames(locale, { type: 'region' }).of(code);
    return name && name !== code ? name : undefined;
  } catch {
    return undefined;
  }
}

function countryOf(code: string): Country {
  const nameRu = commonName(code, 'ru');
  const nameEn = commonName(code, 'en');
  const official = (locale: Locale, name: string) => {
    const value = (locale === 'ru' ? COMMON_NAMES[code]?.officialRu : undefined) ?? countries.getName(code, locale, { select: 'official' });
    return value && value !== name ? value : undefined;
  };
  const officialRu = official('ru', nameRu);
  const officialEn = official('en', nameEn);
  const all = [
    ...(countries.getName(code, 'ru', { select: 'all' }) ?? []),
    ...(countries.getName(code, 'en', { select: 'all' }) ?? []),
    regionName(code, 'ru'),
    regionName(code, 'en'),
    ...(COMMON_NAMES[code]?.also ?? []),
  ];
  const aliases = [...new Set(all.filter((name): name is string => !!name && ![nameRu, nameEn, officialRu, officialEn].includes(name)))];
  return { code, nameRu, nameEn, ...(officialRu ? { officialRu } : {}), ...(officialEn ? { officialEn } : {}), aliases };
}

/** Every country with both names, sorted by the Russian name. */
export const COUNTRIES: readonly Country[] = Object.keys(countries.getAlpha2Codes())
  .map(countryOf)
  .sort((a, b) => a.nameRu.localeCompare(b.nameRu, 'ru'));

const COUNTRY_BY_CODE = new Map(COUNTRIES.map((country) => [country.code, country]));

export function findCountry(code: string): Country | undefined {
  return COUNTRY_BY_CODE.get(code.trim().toUpperCase());
}

export function isCountryCode(code: string): boolean {
  return COUNTRY_BY_CODE.has(code.trim().toUpperCase());
}

/** `countryName('CN', 'ru')` → `Китай`; an unknown code comes back as is. */
export function countryName(code: string, locale: Locale): string {
  const country = findCountry(code);
  if (!country) return code;
  return locale === 'ru' ? country.nameRu : country.nameEn;
}

/** Countries sorted by their name in `locale`, for a select box. */
export function countriesSorted(locale: Locale): Country[] {
  if (locale === 'ru') return [...COUNTRIES];
  return [...COUNTRIES].sort((a, b) => a.nameEn.localeCompare(b.nameEn, 'en'));
}

/**
 * Countries as search options in `locale`: the name people use, the official
 * name beside it, every other name (both languages) to be found by. Sorted
 * by name; rank them with `searchOptions` (core/search).
 */
export function countryOptions(locale: Locale): SearchOption[] {
  return countriesSorted(locale).map((c) => {
    const name = locale === 'ru' ? c.nameRu : c.nameEn;
    const official = locale === 'ru' ? c.officialRu : c.officialEn;
    const aliases = [locale === 'ru' ? c.nameEn : c.nameRu, locale === 'ru' ? c.officialEn : c.officialRu, ...c.aliases].filter((a): a is string => !!a);
    const popular = POPULAR_COUNTRY_CODES.indexOf(c.code);
    return { code: c.code, name, ...(official ? { official } : {}), aliases, ...(popular >= 0 ? { priority: popular } : {}) };
  });
}

/** Where our clients' suppliers are most: equal matches list these first («Тур» → Турция before Туркменистан). */
export const POPULAR_COUNTRY_CODES: readonly string[] = ['CN', 'HK', 'AE', 'TR', 'IN', 'KR', 'KZ', 'UZ', 'KG', 'AM', 'BY', 'RU', 'US', 'DE', 'IT', 'GB', 'JP', 'VN', 'TH', 'MY', 'SG', 'ID'];

/**
 * Currencies as search options in `locale`, popular first: found by code,
 * by name in both languages and by the countries that pay in them
 * («Китай» → CNY, «Гонконг» → HKD).
 */
export function currencyOptions(locale: Locale): SearchOption[] {
  return CURRENCIES.map((c) => ({
    code: c.code,
    // The rouble, the usual funding currency, right after the currencies paid in most.
    ...(c.code === 'RUB'
      ? { priority: POPULAR_CURRENCY_CODES.length }
      : WELL_KNOWN_CURRENCY_CODES.includes(c.code)
        ? { priority: POPULAR_CURRENCY_CODES.length + 1 + WELL_KNOWN_CURRENCY_CODES.indexOf(c.code) }
        : popularRank(c.code) < POPULAR_CURRENCY_CODES.length
          ? { priority: popularRank(c.code) }
          : {}),
    name: locale === 'ru' ? c.nameRu : c.nameEn,
    aliases: [locale === 'ru' ? c.nameEn : c.nameRu, ...(locale === 'ru' ? c.countriesRu : c.countriesEn), ...(locale === 'ru' ? c.countriesEn : c.countriesRu)],
  }));
}

export interface PaymentPurposeTemplate {
  id: string;
  /** Russian text with `{placeholders}`. */
  ru: string;
  en: string;
}

/**
 * Payment purposes managers use most. Placeholders: `{contract}` and `{date}`
 * (contract number and date), `{invoice}` and `{invoiceDate}`.
 */
export const PAYMENT_PURPOSE_TEMPLATES: readonly PaymentPurposeTemplate[] = [
  {
    id: 'goods',
    ru: 'Оплата по контракту № {contract} от {date} за товары',
    en: 'Payment under contract No. {contract} dated {date} for goods',
  },
  {
    id: 'goods_invoice',
    ru: 'Оплата по контракту № {contract} от {date}, инвойс № {invoice} от {invoiceDate}, за товары',
    en: 'Payment under contract No. {contract} dated {date}, invoice No. {invoice} dated {invoiceDate}, for goods',
  },
  {
    id: 'prepayment',
    ru: 'Предоплата по контракту № {contract} от {date} за товары',
    en: 'Prepayment under contract No. {contract} dated {date} for goods',
  },
  {
    id: 'services',
    ru: 'Оплата по контракту № {contract} от {date} за услуги',
    en: 'Payment under contract No. {contract} dated {date} for services',
  },
  {
    id: 'transport',
    ru: 'Оплата транспортных услуг по договору № {contract} от {date}',
    en: 'Payment for transport services under contract No. {contract} dated {date}',
  },
  {
    id: 'equipment',
    ru: 'Оплата по контракту № {contract} от {date} за оборудование',
    en: 'Payment under contract No. {contract} dated {date} for equipment',
  },
];

// The purpose's filling and checks live in core/purpose (light enough for the browser); re-exported here with the templates.
export { fillPurposeTemplate, purposeGaps, purposeGapsMessage } from './purpose.js';
