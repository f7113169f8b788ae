/** The static lists of the request form (from `core/reference`), shaped for the API once per locale. */
import { countriesSorted, CURRENCIES, PAYMENT_PURPOSE_TEMPLATES, type Locale } from '../../core/reference.js';

const cache = new Map<string, unknown>();
function once<T>(key: string, build: () => T): T {
  if (!cache.has(key)) cache.set(key, build());
  return cache.get(key) as T;
}

/** ISO 4217, most used first (CNY, USD, EUR, AED, HKD, TRY, INR), then by code. */
export function currencyList(locale: Locale): Array<{ code: string; name: string }> {
  return once(`currencies:${locale}`, () => CURRENCIES.map((c) => ({ code: c.code, name: locale === 'ru' ? c.nameRu : c.nameEn })));
}

export function countryList(locale: Locale): Array<{ code: string; name: string }> {
  return once(`countries:${locale}`, () => countriesSorted(locale).map((c) => ({ code: c.code, name: locale === 'ru' ? c.nameRu : c.nameEn })));
}

export function purposeTemplates(locale: Locale): string[] {
  return once(`purposes:${locale}`, () => PAYMENT_PURPOSE_TEMPLATES.map((template) => template[locale]));
}
