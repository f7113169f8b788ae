import { describe, expect, it } from 'vitest';
import { countryOptions, currencyOptions } from './reference.js';
import { searchOptions } from './search.js';

const top = (options: ReturnType<typeof countryOptions>, query: string, n = 1) => searchOptions(options, query, n).map((o) => o.code);

describe('country search finds the names people type, best match first (issue 17.3)', () => {
  const ru = countryOptions('ru');
  it.each([
    ['Кит', 'CN'],
    ['Китай', 'CN'],
    ['китай', 'CN'],
    ['Гонконг', 'HK'],
    ['Корея', 'KR'],
    ['Южная Корея', 'KR'],
    ['ОАЭ', 'AE'],
    ['Эмираты', 'AE'],
    ['США', 'US'],
    ['Америка', 'US'],
    ['Британия', 'GB'],
    ['Англия', 'GB'],
    ['Тур', 'TR'],
    ['Тайвань', 'TW'],
    ['China', 'CN'],
    ['KR', 'KR'],
  ])('«%s» → %s first', (query, code) => {
    expect(top(ru, query)).toEqual([code]);
  });

  it('shows China by the name people use with the official name beside it; «Китай» is found, Taiwan is not offered first', () => {
    const [first, second] = searchOptions(ru, 'Кит');
    expect(first).toMatchObject({ code: 'CN', name: 'Китай', official: 'КНР (Китайская Народная Республика)' });
    expect(second?.code).toBe('TW');
    expect(searchOptions(ru, 'Корея', 2).map((o) => o.name)).toEqual(['Южная Корея', 'Северная Корея']);
    // «ОАЭ» with its full name beside it (issue 17).
    expect(searchOptions(ru, 'ОАЭ', 1)[0]).toMatchObject({ code: 'AE', name: 'ОАЭ', official: 'Объединённые Арабские Эмираты' });
  });

  it('works in English too, and an empty query lists everything in order', () => {
    const en = countryOptions('en');
    expect(top(en, 'Chi')).toEqual(['CN']);
    expect(top(en, 'Korea')).toEqual(['KR']);
    expect(top(en, 'UAE')).toEqual(['AE']);
    expect(searchOptions(ru, '')).toHaveLength(ru.length);
    expect(searchOptions(ru, 'zzzzqq')).toEqual([]);
  });
});

describe('currency search finds a currency by code, name or country', () => {
  const ru = currencyOptions('ru');
  it.each([
    ['юань', 'CNY'],
    ['Китай', 'CNY'],
    ['Гонконг', 'HKD'],
    ['Корея', 'KRW'],
    ['ОАЭ', 'AED'],
    ['дирхам', 'AED'],
    ['США', 'USD'],
    ['доллар', 'USD'],
    ['usd', 'USD'],
    ['рубл', 'RUB'],
    ['Британия', 'GBP'],
    ['фунт', 'GBP'], // the pound sterling before the Falklands', St Helena's and Egypt's (issue 17)
    ['Фунт стерлингов', 'GBP'],
    ['лира', 'TRY'],
  ])('«%s» → %s first', (query, code) => {
    expect(top(ru, query)).toEqual([code]);
  });
});
