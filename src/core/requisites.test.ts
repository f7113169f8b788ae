import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normalizeRequisite,
  validateBeneficiary,
  validateBic,
  validateCnaps,
  validateCorrAccount,
  validateIban,
  validateInn,
  validateKpp,
  validatePayer,
  validateRuAccount,
  validateRuBic,
  validateSwift,
} from './requisites.js';

describe('INN', () => {
  it.each(['7707083893', '7736050003', '7702070139', '500100732259', '7707 083 893'])('%s is valid', (inn) => {
    expect(validateInn(inn)).toBeNull();
  });

  it.each([
    ['', 'any', 'Укажите ИНН'],
    ['77070838a3', 'any', 'ИНН состоит только из цифр'],
    ['77070', 'any', 'ИНН — 10 цифр у организации или 12 у ИП и физического лица, а введено 5'],
    ['500100732259', 'legal', 'ИНН организации — 10 цифр, а введено 12'],
    ['7707083893', 'individual', 'ИНН физического лица или ИП — 12 цифр, а введено 10'],
    ['0000000000', 'any', 'ИНН не может состоять из одних нулей'],
    ['7707083894', 'any', 'ИНН не сходится по контрольной сумме — проверьте цифры'],
    ['500100732258', 'any', 'ИНН не сходится по контрольной сумме — проверьте цифры'],
    ['500100732269', 'any', 'ИНН не сходится по контрольной сумме — проверьте цифры'],
  ] as const)('%j (%s) → «%s»', (inn, kind, message) => {
    expect(validateInn(inn, kind)).toBe(message);
  });

  it('accepts any INN whose check digits are computed by the FNS rule', () => {
    const check = (digits: number[], weights: number[]) => (weights.reduce((s, w, i) => s + w * digits[i]!, 0) % 11) % 10;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 10, maxLength: 10 }), (digits) => {
        fc.pre(digits.some((d) => d !== 0));
        const inn10 = [...digits.slice(0, 9), check(digits, [2, 4, 10, 3, 5, 9, 4, 6, 8])];
        expect(validateInn(inn10.join(''))).toBeNull();
        const n11 = check(digits, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
        const n12 = check([...digits, n11], [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
        expect(validateInn([...digits, n11, n12].join(''))).toBeNull();
      }),
    );
  });
});

describe('KPP', () => {
  it.each(['773601001', '7736AB001', '7736 01 001'])('%s is valid', (kpp) => expect(validateKpp(kpp)).toBeNull());
  it.each([
    ['', 'Укажите КПП'],
    ['77360100', 'КПП — 9 символов, а введено 8'],
    ['A73601001', 'КПП: 4 цифры, 2 цифры или латинские буквы, затем 3 цифры — например 773601001'],
    ['7736010A1', 'КПП: 4 цифры, 2 цифры или латинские буквы, затем 3 цифры — например 773601001'],
  ])('%j → «%s»', (kpp, message) => expect(validateKpp(kpp)).toBe(message));
});

describe('BIC, SWIFT, IBAN, CNAPS, account', () => {
  it.each([
    ['044525225', null],
    ['04452522', 'БИК — 9 цифр, а введено «04452522»'],
    ['123456789', 'БИК российского банка начинается с 04 — проверьте цифры'],
    ['BKCHCNBJ', null],
    ['bkchcnbj300', null],
    ['SABRRUMM', null],
    ['BKCH', 'SWIFT/BIC — 8 или 11 латинских букв и цифр, а введено 4'],
    ['1KCHCNBJ', 'SWIFT/BIC не похож на настоящий: 4 буквы банка, 2 буквы страны, 2 символа города, например BKCHCNBJ или BKCHCNBJ300'],
    ['BKCHXXBJ', 'SWIFT/BIC не похож на настоящий: 4 буквы банка, 2 буквы страны, 2 символа города, например BKCHCNBJ или BKCHCNBJ300'],
    ['', 'Укажите SWIFT/BIC банка'],
  ])('validateBic(%j) → %j', (value, message) => expect(validateBic(value)).toBe(message));

  it('validateRuBic and validateSwift check one kind each', () => {
    expect(validateRuBic('BKCHCNBJ')).toBe('БИК — 9 цифр, а введено «BKCHCNBJ»');
    expect(validateRuBic('')).toBe('Укажите БИК банка');
    expect(validateSwift('044525225')).toBe('SWIFT/BIC — 8 или 11 латинских букв и цифр, а введено 9');
  });

  it.each([
    ['DE89 3704 0044 0532 0130 00', null],
    ['de89370400440532013000', null],
    ['AE070331234567890123456', null],
    ['DE89370400440532013001', 'IBAN не сходится: проверьте длину для страны и контрольные цифры'],
    ['DE8937040044053201300', 'IBAN не сходится: проверьте длину для страны и контрольные цифры'],
    ['12345678', 'IBAN начинается с кода страны и двух контрольных цифр, например DE89 3704 0044 0532 0130 00'],
    ['', 'Укажите IBAN'],
  ])('validateIban(%j) → %j', (value, message) => expect(validateIban(value)).toBe(message));

  it.each([
    ['102100099996', null],
    ['1021 0009 9996', null],
    ['10210009999', 'CNAPS — 12 цифр, а введено «10210009999»'],
    ['10210009999X', 'CNAPS — 12 цифр, а введено «10210009999X»'],
    ['', 'Укажите код CNAPS банка получателя'],
  ])('validateCnaps(%j) → %j', (value, message) => expect(validateCnaps(value)).toBe(message));

  it('checks a Russian account against its BIC', () => {
    expect(validateRuAccount('40702810200000000001', '044525225')).toBeNull();
    expect(validateRuAccount('40702810300000000001', '044525225')).toBe('Расчётный счёт не сходится с БИК банка — проверьте счёт и БИК');
    expect(validateRuAccount('40702810300000000001')).toBeNull();
    expect(validateRuAccount('4070281030000000000')).toBe('Расчётный счёт — 20 цифр, а введено 19 символов');
    expect(validateRuAccount('')).toBe('Укажите расчётный счёт');
    // Sberbank's correspondent account and BIC.
    expect(validateCorrAccount('30101810400000000225', '044525225')).toBeNull();
    expect(validateCorrAccount('30101810500000000225', '044525225')).toBe('Корреспондентский счёт не сходится с БИК банка — проверьте счёт и БИК');
    expect(validateCorrAccount('40702810200000000001')).toBe('Корреспондентский счёт начинается с 30101');
  });

  it('normalizeRequisite drops spaces and hyphens and upper-cases', () => {
    expect(normalizeRequisite(' de89\u00A03704-0044 ')).toBe('DE8937040044');
    expect(normalizeRequisite(undefined)).toBe('');
  });
});

describe('beneficiary and payer maps', () => {
  const beneficiary = { name: 'Shenzhen Trading Co., Ltd', country: 'CN', swift: 'BKCHCNBJ', account: '6217000010001234567', cnaps: '102100099996' };

  it('a complete beneficiary has no errors', () => {
    expect(validateBeneficiary(beneficiary, { currency: 'CNY' })).toEqual({});
    expect(validateBeneficiary({ ...beneficiary, country: 'DE', account: 'DE89370400440532013000', cnaps: '' })).toEqual({});
  });

  it('reports every field with the prefix', () => {
    expect(validateBeneficiary({}, { currency: 'CNY', prefix: 'beneficiary.' })).toEqual({
      'beneficiary.name': 'Укажите получателя',
      'beneficiary.country': 'Выберите страну получателя',
      'beneficiary.swift': 'Укажите SWIFT/BIC банка получателя',
      'beneficiary.account': 'Укажите счёт или IBAN получателя',
      'beneficiary.cnaps': 'Для платежа в юанях укажите CNAPS банка получателя',
    });
    expect(validateBeneficiary({ ...beneficiary, country: 'China', account: 'DE89370400440532013001', cnaps: '1' })).toEqual({
      country: 'Страна — двухбуквенный код, выберите из списка',
      account: 'IBAN не сходится: проверьте длину для страны и контрольные цифры',
      cnaps: 'CNAPS — 12 цифр, а введено «1»',
    });
    expect(validateBeneficiary({ ...beneficiary, account: '12/34' })).toEqual({ account: 'Счёт получателя — от 5 до 34 латинских букв и цифр' });
  });

  it('a payer: organization needs a KPP, a sole proprietor has none', () => {
    expect(validatePayer({ name: 'ООО «Ромашка»', inn: '7707083893', kpp: '773601001' })).toEqual({});
    expect(validatePayer({ name: 'ИП Иванов', inn: '500100732259' })).toEqual({});
    expect(validatePayer({ name: 'ООО', inn: '7707083893' }, { prefix: 'payer.' })).toEqual({ 'payer.kpp': 'Для организации укажите КПП' });
    expect(validatePayer({ name: 'ИП', inn: '500100732259', kpp: '773601001' })).toEqual({ kpp: 'У ИП и физического лица нет КПП — оставьте поле пустым' });
    expect(validatePayer({})).toEqual({ name: 'Укажите плательщика', inn: 'Укажите ИНН' });
  });

  it('a payer account is checked with its BIC', () => {
    const payer = { name: 'ООО', inn: '7707083893', kpp: '773601001' };
    expect(validatePayer({ ...payer, account: '40702810200000000001', bic: '044525225' })).toEqual({});
    expect(validatePayer({ ...payer, account: '40702810300000000001', bic: '044525225' })).toEqual({
      account: 'Расчётный счёт не сходится с БИК банка — проверьте счёт и БИК',
    });
    expect(validatePayer({ ...payer, account: '40702810200000000001' })).toEqual({ bic: 'Укажите БИК банка плательщика' });
  });
});
