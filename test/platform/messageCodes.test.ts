/**
 * Every sentence the forms' checks refuse with has a machine code, and every
 * code an English text on the page (issue 17: an English page showed the
 * server's Russian). The checks are run with bad input, as a person would type it.
 */
import { describe, expect, it } from 'vitest';
import { readSearchQuery } from '../../src/core/searchText.js';
import { MESSAGE_PHRASES, MESSAGE_TEMPLATES, messageCode } from '../../src/core/messageCodes.js';
import { serverMessagesEn } from '../../web/src/messages.js';
import { validateBeneficiary, validateInn, validateKpp, validateOgrn, validateOrganizationRequisites, validatePayer, validateRuBic, validateCnaps, validateIban, validateSwift, validateRuAccount, validateCorrAccount } from '../../src/core/requisites.js';
import { parseTermsDecimal, parseTermsDays } from '../../src/core/terms.js';
import { parseDeadline } from '../../src/core/editCommands.js';
import { purposeGapsMessage } from '../../src/core/purpose.js';
import { validateRequestFields } from '../../src/commands/requestFields.js';
import { FieldErrors } from '../../src/commands/validation.js';

const NOW = new Date('2026-11-30T08:00:00Z');

function requestFieldMessages(input: Record<string, unknown>): string[] {
  try {
    validateRequestFields(input as never, NOW);
  } catch (error) {
    if (error instanceof FieldErrors) return Object.values(error.fields);
    throw error;
  }
  return [];
}

describe('server refusals carry codes the page can translate', () => {
  it('every code has an English text, every phrase too', () => {
    for (const code of Object.keys(MESSAGE_TEMPLATES)) expect(serverMessagesEn[code], code).toBeTruthy();
    for (const code of Object.keys(MESSAGE_PHRASES)) expect(serverMessagesEn[`@${code}`], code).toBeTruthy();
  });

  it('the checks behind the forms answer only with coded sentences', () => {
    const messages: (string | null | undefined)[] = [
      ...requestFieldMessages({ amount: '', currency: '', beneficiary: {}, purpose: '', payer: {}, deadline: 'вчера' }),
      ...requestFieldMessages({
        amount: '-5', currency: 'XXX', fundingCurrency: 'QQQ', beneficiary: { name: 'x'.repeat(201), country: 'ZZ', swift: 'AB', account: '1', address: 'a'.repeat(301) },
        purpose: 'Оплата по контракту № … от … за товары', documents: { contractDate: '2099-01-01', invoiceDate: '1800-01-01', contractNumber: 'n'.repeat(101) },
        payer: { name: 'ООО', inn: '123' }, deadline: '01.01.2020', comment: 'c'.repeat(2001),
      }),
      ...requestFieldMessages({ amount: '100,000', currency: 'CNY', beneficiary: { name: 'A', country: 'CN', swift: 'BKCHCNBJ', account: '12345678' }, purpose: 'Оплата {contract}', payer: { name: 'ООО', inn: '7707083893' }, deadline: '31.02.2027' }),
      ...requestFieldMessages({ amount: '1', currency: 'USD', beneficiary: { name: 'A', country: 'US', swift: 'BKCHCNBJ', account: '12345678' }, purpose: 'x', payer: { name: 'ООО', inn: '7707083893' }, deadline: '01.01.2099', documents: { contractDate: '2026-13-45' } }),
      ...Object.values(validateBeneficiary({ name: '', country: '' } as never, { currency: 'CNY' })),
      ...Object.values(validatePayer({ name: '', inn: '' } as never)),
      validateInn('abc'), validateInn('0000000000'), validateInn('7707083894'), validateInn('123', 'legal'), validateInn('123', 'individual'),
      validateKpp(''), validateKpp('12'), validateKpp('77360100Я'), validateRuBic(''), validateRuBic('12'), validateRuBic('123456789'),
      validateSwift(''), validateSwift('AB'), validateSwift('12345678'), validateIban(''), validateIban('XX'), validateIban('DE89370400440532013001'),
      validateCnaps(''), validateCnaps('1'), validateRuAccount(''), validateRuAccount('1'), validateCorrAccount(''), validateCorrAccount('1'), validateCorrAccount('12345678901234567890'),
      validateOgrn(''), validateOgrn('', 'individual'), validateOgrn('x'), validateOgrn('1', 'legal'), validateOgrn('1', 'individual'), validateOgrn('1'), validateOgrn('1027700132194'),
      ...Object.values(validateOrganizationRequisites({}).errors),
      ...Object.values(validateOrganizationRequisites({ fullName: 'x'.repeat(301), inn: '500100732259', kpp: '773601001', bic: '044525225', account: '40702810900000000001', corrAccount: '30101810400000000225' }).errors),
      ...['', '-1', 'abc', '0', '1.1234567', '100,000', '99999999999999'].flatMap((text) =>
        (['amount', 'rate', 'feePercent', 'fixedFee'] as const).map((field) => { const r = parseTermsDecimal(field, text); return r.ok ? null : r.error; })),
      ...['', '999', 'x'].map((text) => { const r = parseTermsDays(text); return r.ok ? null : r.error; }),
      ...['', 'завтра', '31.02.2027', '01.01.2020', '01.01.2099'].map((text) => { const r = parseDeadline(text, NOW); return r.ok ? null : r.error; }),
      purposeGapsMessage('Оплата по контракту № {contract} от {date}, инвойс {invoice} от {invoiceDate} …'),
      ...['', 'я'.repeat(101), 'ab\u0001'].map((text) => { const r = readSearchQuery(text); return r.ok ? null : r.error; }),
    ];
    expect(new Set(messages.filter(Boolean)).size).toBeGreaterThan(70);
    const uncoded = messages.filter((m): m is string => !!m).filter((m) => !messageCode(m));
    expect(uncoded).toEqual([]);
  });

  it('parameters come out as values, field names and purpose gaps as phrase tokens', () => {
    expect(messageCode('ИНН организации — 10 цифр, а введено 3')).toEqual({ code: 'inn.legalLength', params: { count: '3' } });
    expect(messageCode('Фиксированная комиссия не может быть отрицательной, например 500')).toEqual({ code: 'decimal.negative', params: { field: '@field.fixedFee', example: '500' } });
    expect(messageCode('Назначение платежа не заполнено до конца: укажите номер (после «№»), дату (после «от»).')).toEqual({
      code: 'request.purpose.gaps',
      params: { gaps: '@gap.number, @gap.dated' },
    });
    expect(messageCode('Что-то совсем другое')).toBeUndefined();
  });
});
