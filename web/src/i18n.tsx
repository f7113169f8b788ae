/**
 * Russian by default, English switchable. Plain typed dictionaries: the
 * Russian one defines the keys, the English one must have every key.
 * The choice is remembered in localStorage.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { ru, en, type Messages } from './messages.js';
import { setApiLocale } from './api.js';
import { currencyDisplay, formatPercent, writtenScale } from '../../src/core/money.js';

export type Locale = 'ru' | 'en';
export type MessageKey = keyof Messages;

const dictionaries: Record<Locale, Messages> = { ru, en };
const STORAGE_KEY = 'hotline.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'ru' || saved === 'en') return saved;
  } catch {
    /* storage may be unavailable (private mode): fall back to Russian */
  }
  return 'ru';
}

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  /** Translates a key; `{name}` placeholders are filled from `vars`. */
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** 1 225 000,00 ₽ in Russian, ₽1,225,000.00 in English. */
  money(value: string | number, currency?: string): string;
  number(value: string | number, fractionDigits?: { min?: number; max?: number }): string;
  /** An exchange rate with the places it was written with, up to 6: «12,10», not «12,1» (issue 17.17). */
  rate(value: string): string;
  /** A fee percentage, up to 4 places: «1,50» as typed, «1,5» for a typed «1,500» (core/money.ts formatPercent). */
  percent(value: string): string;
  /** Date and time in the user's time zone. */
  dateTime(value: string | Date): string;
  date(value: string | Date): string;
}

const I18nContext = createContext<I18n | null>(null);

const intlLocale = (locale: Locale) => (locale === 'ru' ? 'ru-RU' : 'en-GB');

/** Intl formats decimal strings exactly (no float in between); anything else is shown as is. */
const toNumeric = (value: string | number): Intl.StringNumericLiteral | number | null => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const text = value.trim();
  return /^-?\d+(\.\d+)?$/.test(text) ? (text as Intl.StringNumericLiteral) : null;
};

/** `timeZone`: the signed-in user's (IANA name); dates are shown in it. Unset: the browser's. */
export function I18nProvider({ children, timeZone }: { children: ReactNode; timeZone?: string }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* ignore */
    }
    document.documentElement.lang = next;
  }, []);

  const value = useMemo<I18n>(() => {
    // The server's refusals are shown in this language from now on (api.ts).
    setApiLocale(locale);
    const dict = dictionaries[locale];
    const tag = intlLocale(locale);
    const zone = validTimeZone(timeZone);
    // ДД.ММ.ГГГГ in Russian, as the card and the documents write dates; in English «30 Nov 2026»: a month
    // name, so neither a US nor a UK reader takes 05/12 for the other's date (the date fields write it so too).
    const numericDate = locale === 'ru' ? ({ day: '2-digit', month: '2-digit', year: 'numeric' } as const) : ({ day: '2-digit', month: 'short', year: 'numeric' } as const);
    const dateTimeFormat = new Intl.DateTimeFormat(tag, { ...numericDate, hour: '2-digit', minute: '2-digit', timeZone: zone });
    // Calendar dates (contract date, deadline) are days, not instants: shown as stored, in UTC.
    const dateFormat = new Intl.DateTimeFormat(tag, { ...numericDate, timeZone: 'UTC' });
    // Made once per option set and reused: a new Intl.NumberFormat costs far more than a format() call, and a
    // chart formats every tick and tooltip value on each draw (the dashboard, docs/PERFORMANCE.md «Dashboard»).
    const formats = new Map<string, Intl.NumberFormat>();
    const numberFormat = (options: Intl.NumberFormatOptions) => {
      const key = JSON.stringify(options);
      let format = formats.get(key);
      if (!format) formats.set(key, (format = new Intl.NumberFormat(tag, options)));
      return format;
    };
    const number: I18n['number'] = (value, digits = {}) => {
      const n = toNumeric(value);
      if (n === null) return String(value);
      return numberFormat({ minimumFractionDigits: digits.min ?? 0, maximumFractionDigits: digits.max ?? 6 }).format(n);
    };
    return {
      locale,
      setLocale,
      t(key, vars) {
        let text: string = dict[key] ?? ru[key] ?? key;
        if (vars) for (const [name, v] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(v));
        return text;
      },
      money(value, currency) {
        const n = toNumeric(value);
        if (n === null) return String(value);
        if (!currency) return numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
        try {
          // «¥» for the yuan, the ISO code where a sign would mislead a Russian reader (core/money's currencyDisplay).
          return numberFormat({ style: 'currency', currency, currencyDisplay: currencyDisplay(currency, locale), minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
        } catch {
          return `${new Intl.NumberFormat(tag, { minimumFractionDigits: 2 }).format(n)} ${currency}`;
        }
      },
      number,
      rate: (value) => number(value, { min: Math.min(writtenScale(value), 6), max: 6 }),
      percent: (value) => (toNumeric(value) === null ? String(value) : formatPercent(value, locale)),
      dateTime: (value) => dateTimeFormat.format(new Date(value)),
      date: (value) => dateFormat.format(new Date(value)),
    };
  }, [locale, setLocale, timeZone]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

function validTimeZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n() outside <I18nProvider>');
  return value;
}
