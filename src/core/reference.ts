/**
 * Prepared lists for the request form (ARCHITECTURE.md §1, step 3):
 * currencies (ISO 4217), countries (ISO 3166) in Russian and English, and
 * payment-purpose templates. Static data, computed once at import.
 *
 * @example
 * CURRENCIES[0];            // { code: 'CNY', nameRu: 'Китайский юань', nameEn: 'Yuan Renminbi', digits: 2, … }
 * countryName('CN', 'ru');  // 'Китай'
 * fillPurposeTemplate(PAYMENT_PURPOSE_TEMPLATES[0]!.ru, { contract: '15', date: '01.10.2026' });
 */
import { data as currencyData } from 'currency-codes';
import countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import ru from 'i18n-iso-countries/langs/ru.json' with { type: 'json' };

// Registered explicitly: the browser build of i18n-iso-countries ships no locales.
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
}

/** The currencies our clients pay in most, in that order; the list starts with them. */
export const POPULAR_CURRENCY_CODES = ['CNY', 'USD', 'EUR', 'AED', 'HKD', 'TRY', 'INR'] as const;

/** Codes that are not money one pays a supplier in: metals, funds, units of account, test codes. */
const NOT_PAYABLE = new Set([
  'XAG', 'XAU', 'XPD', 'XPT', // precious metals
  'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XSU', 'XUA', // units of account
  'XTS', 'XXX', // testing, no currency
  'BOV', 'CHE', 'CHW', 'CLF', 'COU', 'MXV', 'USN', 'UYI', 'UYW', // funds and indexed units
]);

function russianCurrencyName(code: string, fallback: string): string {
  try {
    const name = new Intl.DisplayNames('ru', { type: 'currency' }).of(code);
    if (!name || name === code) return fallback;
    return name.charAt(0).toUpperCase() + name.slice(1);
  } catch {
    return fallback;
  }
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
  /** The common name: «Россия», «КНР (Китайская Народная Республика)». */
  nameRu: string;
  /** The common name: «Russia», «China». */
  nameEn: string;
  /** Every other known name in both languages, for autocomplete: «Китай», «People's Republic of China». */
  aliases: string[];
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
  const nameRu = countries.getName(code, 'ru', { select: 'alias' }) ?? code;
  const nameEn = countries.getName(code, 'en', { select: 'alias' }) ?? code;
  const all = [
    ...(countries.getName(code, 'ru', { select: 'all' }) ?? []),
    ...(countries.getName(code, 'en', { select: 'all' }) ?? []),
    regionName(code, 'ru'),
    regionName(code, 'en'),
  ];
  const aliases = [...new Set(all.filter((name): name is string => !!name && name !== nameRu && name !== nameEn))];
  return { code, nameRu, nameEn, aliases };
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

/**
 * Fills `{name}` placeholders; a placeholder without a value stays as is, so
 * the manager sees what is left to fill.
 */
export function fillPurposeTemplate(template: string, values: Record<string, string | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name]?.trim();
    return value ? value : whole;
  });
}
