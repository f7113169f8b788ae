/** OGRN checksums and our organization's requisites as one form (src/core/requisites.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateOgrn, validateOrganizationRequisites } from './requisites.js';

const valid = {
  fullName: '  Общество с ограниченной   ответственностью «Платёжный агент» ',
  inn: '7728 168 971',
  kpp: '772801001',
  ogrn: '1027 7396 42281',
  address: 'г. Москва, ул. Вавилова, д. 19',
  bank: 'ПАО Сбербанк',
  bic: '044525225',
  corrAccount: '30101810400000000225',
  account: '40702 810 9 3800 0000001',
  director: 'Иванов Иван Иванович',
};

describe('OGRN', () => {
  it.each(['1027700132195', '1027739642281', '304500116000157', '1027 7001 32195'])('%s is valid', (ogrn) => {
    expect(validateOgrn(ogrn)).toBeNull();
  });

  it.each([
    ['', 'any', 'Укажите ОГРН'],
    ['', 'individual', 'Укажите ОГРНИП'],
    ['10277001321a5', 'any', 'ОГРН состоит только из цифр'],
    ['102770013219', 'any', 'ОГРН — 13 цифр у организации или 15 у ИП, а введено 12'],
    ['304500116000157', 'legal', 'ОГРН организации — 13 цифр, а введено 15'],
    ['1027700132195', 'individual', 'ОГРНИП — 15 цифр, а введено 13'],
    ['1027700132196', 'any', 'ОГРН не сходится по контрольной цифре — проверьте цифры'],
    ['304500116000158', 'any', 'ОГРН не сходится по контрольной цифре — проверьте цифры'],
  ] as const)('%j (%s) → %s', (ogrn, kind, message) => {
    expect(validateOgrn(ogrn, kind)).toBe(message);
  });

  it('exactly one check digit fits any 12 leading digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{11}$/), (head) => {
        const fits = Array.from({ length: 10 }, (_, d) => `${head}${d}`).filter((ogrn) => validateOgrn(ogrn, 'legal') === null);
        expect(fits).toHaveLength(1);
      }),
    );
  });
});

describe('our organization requisites', () => {
  it('valid ones: no errors, codes without spaces, texts trimmed', () => {
    const { values, errors } = validateOrganizationRequisites(valid);
    expect(errors).toEqual({});
    expect(values).toEqual({
      ...valid,
      fullName: 'Общество с ограниченной ответственностью «Платёжный агент»',
      inn: '7728168971',
      ogrn: '1027739642281',
      account: '40702810938000000001',
    });
  });

  it('an account or a correspondent account that does not fit the BIC is named; with a broken BIC only the BIC is', () => {
    expect(validateOrganizationRequisites({ ...valid, bic: '044030653' }).errors).toEqual({
      corrAccount: 'Корреспондентский счёт не сходится с БИК банка — проверьте счёт и БИК',
      account: 'Расчётный счёт не сходится с БИК банка — проверьте счёт и БИК',
    });
    expect(validateOrganizationRequisites({ ...valid, bic: '4452522' }).errors).toEqual({ bic: 'БИК — 9 цифр, а введено «4452522»' });
  });

  it('a sole proprietor has no KPP and a 15-digit OGRNIP', () => {
    expect(validateOrganizationRequisites({ ...valid, inn: '500100732259', kpp: '', ogrn: '304500116000157' }).errors).toEqual({});
    expect(validateOrganizationRequisites({ ...valid, inn: '500100732259', ogrn: '304500116000157' }).errors).toEqual({ kpp: 'У ИП нет КПП — оставьте поле пустым' });
  });

  it('values that are not strings count as empty', () => {
    const { errors } = validateOrganizationRequisites({ ...valid, inn: 7728168971 as unknown as string, bank: null });
    expect(errors).toEqual({ inn: 'Укажите ИНН', bank: 'Укажите название банка' });
  });
});
