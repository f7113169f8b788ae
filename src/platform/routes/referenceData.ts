/** The static lists of the request form (from `core/reference`), shaped for the API once per locale. */
import { countryOptions, currencyOptions, PAYMENT_PURPOSE_TEMPLATES, type Locale } from '../../core/reference.js';
import type { SearchOption } from '../../core/search.js';

const cache = new Map<string, unknown>();
function once<T>(key: string, build: () => T): T {
  if (!cache.has(key)) cache.set(key, build());
  return cache.get(key) as T;
}

/** ISO 4217, most used first (CNY, USD, EUR, AED, HKD, TRY, INR), then by code; with the names to search by. */
export function currencyList(locale: Locale): SearchOption[] {
  return once(`currencies:${locale}`, () => currencyOptions(locale));
}

/** Countries by the name people use, with the official name and the names to search by. */
export function countryList(locale: Locale): SearchOption[] {
  return once(`countries:${locale}`, () => countryOptions(locale));
}

export function purposeTemplates(locale: Locale): string[] {
  return once(`purposes:${locale}`, () => PAYMENT_PURPOSE_TEMPLATES.map((template) => template[locale]));
}
