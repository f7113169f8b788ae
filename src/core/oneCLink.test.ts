import { describe, expect, it } from 'vitest';
import { oneCLink } from './oneCLink.js';

describe('1C link', () => {
  it('a web-client link with the document reference', () => {
    expect(oneCLink('https://1c.example/base/#e1cib/data/Документ.ЗаказКлиента?ref={ref}', { ref: '9f1c-22', number: 'H-000007' })).toBe(
      'https://1c.example/base/#e1cib/data/Документ.ЗаказКлиента?ref=9f1c-22',
    );
  });

  it('an e1c:// link by number when the reference is not known yet', () => {
    expect(oneCLink('e1c://server/base/#e1cib/list/Документ.ЗаказКлиента?number={number}&ref={ref}', { ref: null, number: 'H 7/1' })).toBe(
      'e1c://server/base/#e1cib/list/Документ.ЗаказКлиента?number=H%207%2F1&ref=',
    );
  });

  it('a GUID from the HTTP service becomes the navigation ref 1C opens', () => {
    expect(oneCLink('https://1c.example/base/#e1cib/data/Документ.СчетНаОплатуПокупателю?ref={ref}', { ref: '5828755a-8819-11ed-89ab-000c29dddd38', number: 'H-7' })).toBe(
      'https://1c.example/base/#e1cib/data/Документ.СчетНаОплатуПокупателю?ref=89ab000c29dddd3811ed88195828755a',
    );
  });
});
