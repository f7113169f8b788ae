import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EDIT_COMMANDS,
  EDIT_COMMANDS_HELP_EN,
  EDIT_COMMANDS_HELP_RU,
  businessDate,
  parseDeadline,
  parseEditCommand,
  PURPOSE_MAX_LENGTH,
} from './editCommands.js';

/** 25 Nov 2026, 23:00 in Moscow (20:00 UTC). */
const now = new Date('2026-11-25T20:00:00Z');
const plain = (text: string) => text.replace(/[\u00A0\u202F]/g, ' ');

/**
 * Arbitrary text: whole code points (fast-check's 'binary' never yields a
 * lone surrogate) mixed with raw UTF-16 code units, which do.
 */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const anyText = (maxLength: number) => fc.oneof(fc.string({ unit: 'binary', maxLength }), fc.string({ unit: codeUnit, maxLength }));
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('/purpose refuses a template with holes and writes dates ДД.ММ.ГГГГ (issue 17.2)', () => {
  it('refuses «№ … от …» with what to fill and the right form', () => {
    const result = parseEditCommand('/purpose Оплата по контракту № … от … за товары', now);
    expect(result).toMatchObject({ ok: false });
    const error = (result as { error: string }).error;
    expect(error).toContain('укажите номер (после «№»), дату (после «от»)');
    expect(error).toContain('Пример: /purpose Оплата по контракту № 15 от 01.10.2026 за товары');
    expect(parseEditCommand('/purpose Оплата по контракту № {contract} от 01.10.2026', now)).toMatchObject({ ok: false });
  });

  it('takes an ISO date as ДД.ММ.ГГГГ', () => {
    expect(parseEditCommand('/purpose Оплата по контракту № 15 от 2026-10-01 за товары', now)).toEqual({
      ok: true,
      edit: { field: 'purpose', value: 'Оплата по контракту № 15 от 01.10.2026 за товары' },
    });
  });
});

describe('manager types an edit command in the topic', () => {
  it.each([
    ['/rate 12.25', { field: 'rate', value: '12.25' }],
    ['/rate@HotlineBot 12,25', { field: 'rate', value: '12.25' }],
    ['  /rate   12,250000  ', { field: 'rate', value: '12.250000' }],
    ['/rate 12.10', { field: 'rate', value: '12.10' }],
    ['/RATE 90', { field: 'rate', value: '90' }],
    ['/amount 100000', { field: 'amount', value: '100000.00' }],
    ['/amount 1 225 000,50', { field: 'amount', value: '1225000.50' }],
    ['/fee 1.5', { field: 'feePercent', value: '1.5' }],
    ['/fee 1,5 %', { field: 'feePercent', value: '1.5' }],
    ['/fee 0', { field: 'feePercent', value: '0' }],
    ['/fixed 500', { field: 'fixedFee', value: '500.00' }],
    ['/days 3', { field: 'days', value: 3 }],
    ['/days 0', { field: 'days', value: 0 }],
    ['/days 5 дней', { field: 'days', value: 5 }],
    ['/purpose Оплата по контракту № 15 от 01.10.2026 за товары', { field: 'purpose', value: 'Оплата по контракту № 15 от 01.10.2026 за товары' }],
    ['/purpose  Оплата\nпо   контракту\t', { field: 'purpose', value: 'Оплата по контракту' }],
    ['/purpose \uD800Оплата\uDFFF', { field: 'purpose', value: 'Оплата' }],
    ['/purpose Оплата 😀', { field: 'purpose', value: 'Оплата 😀' }],
    ['/deadline 2026-12-01', { field: 'deadline', value: '2026-12-01' }],
    ['/deadline 01.12.2026', { field: 'deadline', value: '2026-12-01' }],
    ['/deadline 1.12.2026', { field: 'deadline', value: '2026-12-01' }],
    ['/deadline 25.11.2026', { field: 'deadline', value: '2026-11-25' }],
    ['/beneficiary Shenzhen Trading Co., Ltd', { field: 'beneficiaryName', value: 'Shenzhen Trading Co., Ltd' }],
    ['/beneficiary <b>ООО «Ромашка»</b>', { field: 'beneficiaryName', value: '<b>ООО «Ромашка»</b>' }],
    ['/undo', { field: 'undo' }],
    ['/undo@HotlineBot', { field: 'undo' }],
  ])('%j → %j', (text, edit) => {
    expect(parseEditCommand(text, now)).toEqual({ ok: true, edit });
  });

  it.each([
    ['/rate abc', 'Курс должен быть положительным числом, например 12,25\nПример: /rate 12.25'],
    ['/rate', 'Курс не указан — введите число, например 12,25\nПример: /rate 12.25'],
    ['/rate 0', 'Курс должен быть больше нуля, например 12,25\nПример: /rate 12.25'],
    ['/rate -1', 'Курс должен быть положительным числом, например 12,25\nПример: /rate 12.25'],
    ['/rate 12.1234567', 'Курс: не больше 6 знаков после запятой, например 12,25\nПример: /rate 12.25'],
    ['/rate 1e5', 'Курс: число с экспонентой (1e5) не принимается — напишите его цифрами: 100000\nПример: /rate 12.25'],
    ['/amount 1e5', 'Сумма: число с экспонентой (1e5) не принимается — напишите его цифрами: 100000\nПример: /amount 100000'],
    ['/amount 1e400', 'Сумма: число с экспонентой (1e400) не принимается — напишите число цифрами, например 100000\nПример: /amount 100000'],
    ['/amount 0', 'Сумма должна быть больше нуля, например 100000\nПример: /amount 100000'],
    ['/amount 1000000000001', 'Сумма должна быть не больше 1 000 000 000 000\nПример: /amount 100000'],
    ['/fee 101', 'Комиссия должна быть не больше 100\nПример: /fee 1.5'],
    ['/fixed -5', 'Фиксированная комиссия не может быть отрицательной, например 500\nПример: /fixed 500'],
    ['/days 3.5', 'Срок исполнения должен быть целым числом дней от 0 до 365, например 3\nПример: /days 3'],
    ['/days 400', 'Срок исполнения должен быть целым числом дней от 0 до 365, например 3\nПример: /days 3'],
    ['/days', 'Срок исполнения не указан — введите число дней, например 3\nПример: /days 3'],
    ['/purpose', 'Укажите назначение платежа после команды.\nПример: /purpose Оплата по контракту № 15 от 01.10.2026 за товары'],
    ['/purpose \u0000 \u0007', 'Укажите назначение платежа после команды.\nПример: /purpose Оплата по контракту № 15 от 01.10.2026 за товары'],
    ['/beneficiary   ', 'Укажите наименование получателя после команды.\nПример: /beneficiary Shenzhen Trading Co., Ltd'],
    ['/deadline', 'Укажите дату. Срок оплаты — дата в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 01.12.2026.\nПример: /deadline 01.12.2026'],
    ['/deadline завтра', 'Не понимаю дату. Срок оплаты — дата в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 01.12.2026.\nПример: /deadline 01.12.2026'],
    ['/deadline 31.02.2027', 'Такой даты нет. Срок оплаты — дата в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 01.12.2026.\nПример: /deadline 01.12.2026'],
    ['/deadline 2026-13-01', 'Такой даты нет. Срок оплаты — дата в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 01.12.2026.\nПример: /deadline 01.12.2026'],
    ['/deadline 24.11.2026', 'Дата 24.11.2026 уже прошла. Укажите сегодняшнюю или будущую дату.\nПример: /deadline 01.12.2026'],
    ['/deadline 2029-01-01', 'Дата слишком далеко: не позже чем через 2 года.\nПример: /deadline 01.12.2026'],
    ['/undo please', 'У команды /undo нет параметров: она отменяет последнее изменение.\nПример: /undo'],
  ])('%j → «%s»', (text, error) => {
    const result = parseEditCommand(text, now);
    expect(result?.ok).toBe(false);
    if (result && !result.ok) expect(plain(result.error)).toBe(error);
  });

  it.each([
    ['/rate abc', 'Курс должен быть положительным числом, например 12,25'],
    ['/fee 150', 'Комиссия должна быть не больше 100'],
    ['/purpose', 'Укажите назначение платежа'],
    ['/beneficiary', 'Укажите получателя'],
    ['/undo please', 'Отмена последнего изменения не принимает значения'],
  ])('%j → the form\'s message «%s», without the bot\'s command (issue 17)', (text, message) => {
    expect(parseEditCommand(text, now)).toMatchObject({ ok: false, message });
  });

  it('refuses a purpose longer than the limit', () => {
    const result = parseEditCommand(`/purpose ${'я'.repeat(PURPOSE_MAX_LENGTH + 1)}`, now);
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining(`длиннее ${PURPOSE_MAX_LENGTH} символов`) });
    expect(parseEditCommand(`/purpose ${'я'.repeat(PURPOSE_MAX_LENGTH)}`, now)).toMatchObject({ ok: true });
  });

  it.each(['hello', '', ' ', '/new', '/start', '/rates 1', '/rate12', 'rate 12', '//rate 1', '/ rate 1', 'text /rate 1', '/undoall'])(
    '%j is not an edit command → null',
    (text) => {
      expect(parseEditCommand(text, now)).toBeNull();
    },
  );

  it('ignores a command addressed to another bot when the username is known', () => {
    expect(parseEditCommand('/rate@OtherBot 1', now, { botUsername: 'HotlineBot' })).toBeNull();
    expect(parseEditCommand('/rate@hotlinebot 1', now, { botUsername: '@HotlineBot' })).toMatchObject({ ok: true });
  });

  it('never throws, whatever the text (lone surrogates included)', () => {
    const prefixes = fc.constantFrom('', '/', ...EDIT_COMMANDS.map((c) => `/${c.command} `), '/rate@Bot ', '/deadline 01.');
    fc.assert(
      fc.property(prefixes, anyText(80), (prefix, rest) => {
        const result = parseEditCommand(prefix + rest, now);
        if (result !== null) expect(typeof result.ok).toBe('boolean');
        if (result && !result.ok) expect(result.error.length).toBeGreaterThan(0);
        if (result?.ok && 'value' in result.edit && typeof result.edit.value === 'string') {
          // What we keep is well-formed text: no lone surrogates reach the database.
          expect(result.edit.value).not.toMatch(LONE_SURROGATE);
        }
      }),
      { numRuns: 5000 },
    );
    expect(fc.sample(anyText(40), 500).some((text) => LONE_SURROGATE.test(text))).toBe(true);
    fc.assert(
      fc.property(anyText(200), fc.date({ noInvalidDate: false }), (text, date) => {
        parseEditCommand(text, date);
      }),
    );
  });
});

describe('parseDeadline and businessDate', () => {
  it('counts «today» in Moscow: at 22:00 UTC it is already the next day there', () => {
    expect(businessDate(new Date('2026-11-25T20:59:00Z'))).toBe('2026-11-25');
    expect(businessDate(new Date('2026-11-25T21:00:00Z'))).toBe('2026-11-26');
    expect(parseDeadline('25.11.2026', new Date('2026-11-25T21:00:00Z'))).toMatchObject({ ok: false });
  });

  it('counts «today» in the business time zone the deployment sets (BUSINESS_TIME_ZONE)', () => {
    // 15:00 UTC on 25 November is already 26 November in Vladivostok (UTC+10), still the 25th in Moscow.
    const at = new Date('2026-11-25T15:00:00Z');
    expect(businessDate(at, 'Asia/Vladivostok')).toBe('2026-11-26');
    expect(parseDeadline('25.11.2026', at, 'Asia/Vladivostok')).toMatchObject({ ok: false });
    expect(parseDeadline('25.11.2026', at)).toEqual({ ok: true, value: '2026-11-25' });
    expect(parseEditCommand('/deadline 25.11.2026', at, { timeZone: 'Asia/Vladivostok' })).toMatchObject({ ok: false });
    expect(parseEditCommand('/deadline 26.11.2026', at, { timeZone: 'Asia/Vladivostok' })).toEqual({ ok: true, edit: { field: 'deadline', value: '2026-11-26' } });
  });

  it('accepts 29 February only in a leap year', () => {
    expect(parseDeadline('29.02.2028', now)).toEqual({ ok: true, value: '2028-02-29' });
    expect(parseDeadline('29.02.2027', now)).toMatchObject({ ok: false });
  });
});

describe('the help shown after «Изменить»', () => {
  it('lists every command with an example that parses', () => {
    for (const command of EDIT_COMMANDS) {
      expect(EDIT_COMMANDS_HELP_RU).toContain(command.example);
      expect(EDIT_COMMANDS_HELP_EN).toContain(command.example);
      expect(parseEditCommand(command.example, now)).toMatchObject({ ok: true, edit: { field: command.field } });
    }
  });

  it('is plain text that needs no escaping in Telegram HTML', () => {
    expect(EDIT_COMMANDS_HELP_RU).not.toMatch(/[<>&]/);
    expect(EDIT_COMMANDS_HELP_EN).not.toMatch(/[<>&]/);
  });
});

describe('a number a locale reads two ways (issue 16.8)', () => {
  it('«/amount 100,000» is refused with both readings, never stored as 100', () => {
    const result = parseEditCommand('/amount 100,000', now);
    expect(result?.ok).toBe(false);
    if (result && !result.ok) expect(plain(result.error)).toContain('100 000 или 100');
    expect(parseEditCommand('/amount 100000', now)).toEqual({ ok: true, edit: { field: 'amount', value: '100000.00' } });
    expect(parseEditCommand('/fixed 1,500', now)?.ok).toBe(false);
  });
});
