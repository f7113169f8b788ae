/**
 * Every sentence the forms' checks refuse with has a machine code, and every
 * code an English text on the page (issue 17: an English page showed the
 * server's Russian). The checks are run with bad input, as a person would type it;
 * the terms editor's refusals also through its route, as the page sends them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSearchQuery } from '../../src/core/searchText.js';
import { MESSAGE_PHRASES, MESSAGE_TEMPLATES, messageCode } from '../../src/core/messageCodes.js';
import { serverMessagesEn } from '../../web/src/messages.js';
import { validateBeneficiary, validateInn, validateKpp, validateOgrn, validateOrganizationRequisites, validatePayer, validateRuBic, validateCnaps, validateIban, validateSwift, validateRuAccount, validateCorrAccount } from '../../src/core/requisites.js';
import { parseTermsDecimal, parseTermsDays } from '../../src/core/terms.js';
import { EDIT_COMMANDS, parseDeadline, parseEditCommand } from '../../src/core/editCommands.js';
import { serverText, setApiLocale } from '../../web/src/api.js';
import { startTestApp, validOffer, validRequest, type ApiClient, type TestApp } from '../helpers/app.js';
import { purposeGapsMessage } from '../../src/core/purpose.js';
import { validateRequestFields } from '../../src/commands/requestFields.js';
import { FieldErrors } from '../../src/commands/validation.js';
import { MAX_CALENDAR_DATES, validateWorkingHours } from '../../src/core/workingHours.js';

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
      ...Object.values(
        validateWorkingHours({
          week: [{ start: '18:00', end: '09:00' }, { start: '9', end: '25:00' }, null, null, null, null, null],
          holidays: ['2026-02-30', '2026-12-31', '2026-12-31', ...Array.from({ length: MAX_CALENDAR_DATES }, () => '2027-01-01')],
          workdays: [{ date: '2026-12-31', start: '10:00', end: '14:00' }],
          offHoursAnswer: true,
        }).errors,
      ),
      ...Object.values(validateWorkingHours({ week: Array(7).fill(null), holidays: [], workdays: [], offHoursAnswer: false }).errors),
      ...Object.values(validateOrganizationRequisites({ fullName: 'x'.repeat(301), inn: '500100732259', kpp: '773601001', bic: '044525225', account: '40702810900000000001', corrAccount: '30101810400000000225' }).errors),
      ...['', '-1', 'abc', '0', '1.1234567', '100,000', '99999999999999', '1e5', '1e400'].flatMap((text) =>
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

  it('«100,000» and «1e5» read in Russian on the bot and in full English sentences on the page', () => {
    const english = (russian: string) => {
      setApiLocale('en');
      try {
        return serverText(russian, messageCode(russian));
      } finally {
        setApiLocale('ru');
      }
    };
    const refusal = (field: 'amount' | 'feePercent' | 'fixedFee', text: string) => {
      const result = parseTermsDecimal(field, text);
      if (result.ok) throw new Error(`${text} was accepted`);
      return result.error;
    };
    const ambiguous = refusal('amount', '100,000');
    expect(ambiguous.replace(/[\u00a0\u202f]/g, ' ')).toBe('Сумма: «100,000» можно понять двояко — 100 000 или 100. Напишите 100000 или 100,00.');
    expect(ambiguous).not.toMatch(/[A-Za-z]/);
    expect(english(ambiguous)).toBe('Amount: «100,000» can be read two ways — 100,000 or 100. Type 100000 or 100.00.');
    expect(english(refusal('fixedFee', '1,500'))).toBe('Fixed fee: «1,500» can be read two ways — 1,500 or 1.5. Type 1500 or 1.50.');

    const exponent = refusal('amount', '1e5');
    expect(exponent).toBe('Сумма: число с экспонентой (1e5) не принимается — напишите его цифрами: 100000');
    expect(english(exponent)).toBe('Amount: a number in exponent form (1e5) is not accepted — write it out in digits: 100000');
    expect(english(refusal('feePercent', '2.5e-1'))).toBe('Fee: a number in exponent form (2.5e-1) is not accepted — write it out in digits: 0.25');
    const huge = refusal('amount', '1e400');
    expect(huge).toBe('Сумма: число с экспонентой (1e400) не принимается — напишите число цифрами, например 100000');
    expect(english(huge)).toBe('Amount: a number in exponent form (1e400) is not accepted — write the number in digits, e.g. 100000');
  });
});

/** What a manager types wrong into each control of the terms editor (every command of EDIT_COMMANDS). */
const BAD_TERMS: Record<string, string[]> = {
  rate: ['abc', '', '0', '-1', '12.1234567', '2000000'],
  amount: ['', '0', '100,000', 'x', '1000000000001', '1e5'],
  fee: ['150', '-1', '', '1.12345', 'abc'],
  fixed: ['-5', '', '1,500', 'x'],
  days: ['999', '', '3.5', 'x'],
  purpose: ['', '   ', 'Оплата по контракту № … от … за товары', 'я'.repeat(501)],
  deadline: ['', 'завтра', '31.02.2027', '01.01.2020', '01.01.2099'],
  beneficiary: ['', 'x'.repeat(201)],
  undo: ['please'],
};
/** The bot's words a web form must not show. */
const BOT_WORDS = /Пример:|после команды|\/(rate|amount|fee|fixed|days|purpose|deadline|beneficiary|undo)\b/;
const CYRILLIC = /[А-Яа-яЁё]/;

describe("the terms editor's refusals are a form's coded messages, not the bot's replies (issue 17)", () => {
  it('every command: the form message has a code and no command; the bot keeps its example', () => {
    expect(Object.keys(BAD_TERMS).sort()).toEqual(EDIT_COMMANDS.map((c) => c.command).sort());
    for (const [command, values] of Object.entries(BAD_TERMS)) {
      for (const value of values) {
        const parsed = parseEditCommand(`/${command} ${value}`, NOW);
        expect(parsed?.ok, `/${command} ${value}`).toBe(false);
        if (!parsed || parsed.ok) continue;
        expect(parsed.message, `/${command} ${value}`).not.toMatch(BOT_WORDS);
        expect(messageCode(parsed.message), parsed.message).toBeDefined();
        expect(parsed.error).toContain(`Пример: ${EDIT_COMMANDS.find((c) => c.command === command)!.example}`);
      }
    }
  });

  describe('through POST /api/requests/:id/terms, as the page sends them', () => {
    let app: TestApp;
    let customer: ApiClient;
    let requestId: number;

    beforeAll(async () => {
      app = await startTestApp();
      customer = await app.signIn(await app.addUser({ role: 'customer', organization: 'ООО Заказчик' }));
      const agent = await app.signIn(await app.addUser({ role: 'agent', organization: 'Агент' }));
      requestId = (await customer.post('/api/requests', validRequest())).body.id;
      const offer = await agent.post(`/api/requests/${requestId}/offers`, validOffer());
      expect((await customer.post(`/api/offers/${offer.body.id}/accept`)).status).toBe(200);
    });
    afterAll(async () => {
      await app?.stop();
      setApiLocale('ru');
    });

    it('each refusal is a coded field message without the bot\'s hint, in Russian and in English', async () => {
      for (const [command, values] of Object.entries(BAD_TERMS)) {
        const field = EDIT_COMMANDS.find((c) => c.command === command)!.field;
        for (const value of values) {
          const response = await customer.post(`/api/requests/${requestId}/terms`, { command, value });
          const what = `${command} «${value.slice(0, 20)}»: ${JSON.stringify(response.body).slice(0, 300)}`;
          expect(response.status, what).toBe(400);
          const russian: string = response.body.fields[field];
          expect(russian, what).toBeTruthy();
          expect(russian, what).not.toMatch(BOT_WORDS);
          expect(russian, what).not.toMatch(/например \d+\.\d+(?![.\d])/); // Russian examples write 12,25 and 1,5 (a date 01.12.2026 is fine)
          expect(response.body.fieldCodes?.[field], what).toBeDefined();
          setApiLocale('en');
          const english = serverText(russian, response.body.fieldCodes[field]);
          setApiLocale('ru');
          expect(english, what).not.toMatch(CYRILLIC);
          expect(english, what).not.toMatch(BOT_WORDS);
        }
      }
      const english = (russian: string, code: unknown) => {
        setApiLocale('en');
        const text = serverText(russian, code as never);
        setApiLocale('ru');
        return text;
      };
      const rate = await customer.post(`/api/requests/${requestId}/terms`, { command: 'rate', value: 'abc' });
      expect(rate.body.fields.rate).toBe('Курс должен быть положительным числом, например 12,25');
      expect(english(rate.body.fields.rate, rate.body.fieldCodes.rate)).toBe('Rate must be a positive number, e.g. 12.25');
      const fee = await customer.post(`/api/requests/${requestId}/terms`, { command: 'fee', value: '150' });
      expect(english(fee.body.fields.feePercent, fee.body.fieldCodes.feePercent)).toBe('Fee must be at most 100');
      const purpose = await customer.post(`/api/requests/${requestId}/terms`, { command: 'purpose', value: '' });
      expect(purpose.body.fields.purpose).toBe('Укажите назначение платежа');
      expect(english(purpose.body.fields.purpose, purpose.body.fieldCodes.purpose)).toBe('Enter the payment purpose');
    });
  });
});
