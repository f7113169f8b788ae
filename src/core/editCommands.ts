/**
 * Edit commands a manager types in the dialog's topic after «Изменить»
 * (ARCHITECTURE.md §1, step 7): `/rate 12.25` changes the rate, and so on.
 * Parsing only — applying the edit is the `changeTerms` command's job.
 *
 * `parseEditCommand` answers one of three things and never throws:
 * - `null` — not an edit command at all (plain text, `/new`, …): let others handle it;
 * - `{ ok: false, error, message }` — an edit command typed wrong: the bot
 *   replies with `error`, which says what is wrong and shows the right
 *   command («Пример: /rate 12.25»); a form (the request page's terms
 *   editor) shows `message` beside the field: the same refusal without the
 *   bot's words (no command, no «после команды»), a sentence
 *   src/core/messageCodes.ts knows, so it reaches an English page in English;
 * - `{ ok: true, edit }` — the new value, canonical (dot separator, no spaces).
 *
 * @example
 * parseEditCommand('/rate@HotlineBot 12,25'); // { ok: true, edit: { field: 'rate', value: '12.25' } }
 * parseEditCommand('/rate abc');              // { ok: false, error: 'Курс должен быть …\nПример: /rate 12.25', message: 'Курс должен быть …' }
 * parseEditCommand('hello');                  // null
 */
import { isoDatesToRu } from './dates.js';
import { purposeGapsMessage } from './purpose.js';
import { parseTermsDays, parseTermsDecimal, type DecimalTermsField } from './terms.js';

export type Edit =
  | { field: 'rate' | 'amount' | 'feePercent' | 'fixedFee'; value: string }
  | { field: 'days'; value: number }
  | { field: 'purpose' | 'beneficiaryName'; value: string }
  | { field: 'deadline'; /** ISO date, YYYY-MM-DD. */ value: string }
  | { field: 'undo' };

export type EditField = Edit['field'];

export type ParseEditResult =
  | { ok: true; edit: Edit }
  | {
      ok: false;
      /** The bot's reply: the refusal and the command's example. */
      error: string;
      /** The refusal as a form shows it beside the field (a coded sentence, no command). */
      message: string;
    };

export interface ParseEditOptions {
  /** The bot's username without «@»; when set, `/rate@OtherBot 1` is not ours (null). */
  botUsername?: string;
  /** IANA zone whose calendar day is «today» for `/deadline` (BUSINESS_TIME_ZONE); Europe/Moscow when not given. */
  timeZone?: string;
}

export interface EditCommandSpec {
  /** Without the slash, as typed: `rate`. */
  command: string;
  field: EditField;
  /** A full valid example: `/rate 12.25`. */
  example: string;
  descriptionRu: string;
  descriptionEn: string;
}

/** The commands in the order the help shows them. */
export const EDIT_COMMANDS: readonly EditCommandSpec[] = [
  { command: 'rate', field: 'rate', example: '/rate 12.25', descriptionRu: 'курс', descriptionEn: 'rate' },
  { command: 'amount', field: 'amount', example: '/amount 100000', descriptionRu: 'сумма платежа', descriptionEn: 'payment amount' },
  { command: 'fee', field: 'feePercent', example: '/fee 1.5', descriptionRu: 'комиссия, %', descriptionEn: 'fee, %' },
  { command: 'fixed', field: 'fixedFee', example: '/fixed 500', descriptionRu: 'фиксированная комиссия', descriptionEn: 'fixed fee' },
  { command: 'days', field: 'days', example: '/days 3', descriptionRu: 'срок исполнения, дней', descriptionEn: 'execution time, days' },
  {
    command: 'purpose',
    field: 'purpose',
    example: '/purpose Оплата по контракту № 15 от 01.10.2026 за товары',
    descriptionRu: 'назначение платежа',
    descriptionEn: 'payment purpose',
  },
  { command: 'deadline', field: 'deadline', example: '/deadline 01.12.2026', descriptionRu: 'крайний срок оплаты', descriptionEn: 'payment deadline' },
  { command: 'beneficiary', field: 'beneficiaryName', example: '/beneficiary Shenzhen Trading Co., Ltd', descriptionRu: 'получатель', descriptionEn: 'beneficiary' },
  { command: 'undo', field: 'undo', example: '/undo', descriptionRu: 'отменить последнее изменение', descriptionEn: 'undo the last change' },
];

/** Plain text (no HTML special characters), safe in Telegram HTML mode as is. */
export const EDIT_COMMANDS_HELP_RU = [
  'Чтобы изменить условия, напишите в эту тему команду с новым значением:',
  ...EDIT_COMMANDS.map((c) => `${c.example} — ${c.descriptionRu}`),
  'Дробную часть можно писать через точку или запятую. Итог к оплате пересчитается сам.',
].join('\n');

export const EDIT_COMMANDS_HELP_EN = [
  'To change the terms, send a command with the new value in this topic:',
  ...EDIT_COMMANDS.map((c) => `${c.example} — ${c.descriptionEn}`),
  'Use a dot or a comma for decimals. The total is recalculated automatically.',
].join('\n');

/** Longest purpose we take: a Russian payment order allows 210 characters, foreign payments more; 500 like the web form. */
export const PURPOSE_MAX_LENGTH = 500;
export const BENEFICIARY_NAME_MAX_LENGTH = 200;
/** A deadline further ahead than this is surely a typo. */
const DEADLINE_MAX_YEARS_AHEAD = 2;
/** «Today» for a deadline is the business day where the team works: BUSINESS_TIME_ZONE, Europe/Moscow by default. */
const DEFAULT_BUSINESS_TIME_ZONE = 'Europe/Moscow';

const COMMAND_SHAPE = /^\/([A-Za-z_]+)(?:@([A-Za-z0-9_]+))?(?=\s|$)([\s\S]*)$/;

const DECIMAL_FIELDS: Record<string, DecimalTermsField> = { rate: 'rate', amount: 'amount', fee: 'feePercent', fixed: 'fixedFee' };

/** Parses a manager's message; see the module comment for the three outcomes. */
export function parseEditCommand(text: string, now: Date = new Date(), options: ParseEditOptions = {}): ParseEditResult | null {
  try {
    return parse(text, now, options);
  } catch {
    // Defensive: a parser bug must not take the bot's update handler down.
    return { ok: false, error: 'Не удалось разобрать команду. Список команд с примерами — по кнопке «Изменить».', message: 'Не удалось разобрать значение — проверьте его' };
  }
}

function parse(text: string, now: Date, options: ParseEditOptions): ParseEditResult | null {
  if (typeof text !== 'string') return null;
  const match = COMMAND_SHAPE.exec(text.trim());
  if (!match) return null;
  const command = match[1]!.toLowerCase();
  const mention = match[2];
  const argument = (match[3] ?? '').trim();
  const spec = EDIT_COMMANDS.find((c) => c.command === command);
  if (!spec) return null;
  if (mention && options.botUsername && mention.toLowerCase() !== options.botUsername.replace(/^@/, '').toLowerCase()) return null;

  /** `message` for a form; the bot says `botText` (default: the same) and shows the command. */
  const fail = (message: string, botText = message): ParseEditResult => ({ ok: false, error: `${botText}\nПример: ${spec.example}`, message });

  const decimalField = DECIMAL_FIELDS[command];
  if (decimalField) {
    // «1,5 %» for the fee and «500 ₽»-style units are what people type; the unit is implied.
    const value = decimalField === 'feePercent' ? argument.replace(/\s*%$/, '') : argument;
    const result = parseTermsDecimal(decimalField, value);
    return result.ok ? { ok: true, edit: { field: decimalField, value: result.value } as Edit } : fail(result.error);
  }

  switch (spec.field) {
    case 'days': {
      const result = parseTermsDays(argument.replace(/\s*(дн(ей|я|ь)?|д\.?|days?)$/i, ''));
      return result.ok ? { ok: true, edit: { field: 'days', value: result.value } } : fail(result.error);
    }
    case 'purpose': {
      const value = isoDatesToRu(cleanLine(argument));
      if (!value) return fail('Укажите назначение платежа', 'Укажите назначение платежа после команды.');
      if (value.length > PURPOSE_MAX_LENGTH) return fail(`Назначение платежа длиннее ${PURPOSE_MAX_LENGTH} символов (${value.length}) — сократите его.`);
      const gaps = purposeGapsMessage(value);
      if (gaps) return fail(gaps);
      return { ok: true, edit: { field: 'purpose', value } };
    }
    case 'beneficiaryName': {
      const value = cleanLine(argument);
      if (!value) return fail('Укажите получателя', 'Укажите наименование получателя после команды.');
      if (value.length > BENEFICIARY_NAME_MAX_LENGTH) return fail(`Наименование получателя длиннее ${BENEFICIARY_NAME_MAX_LENGTH} символов — сократите его.`);
      return { ok: true, edit: { field: 'beneficiaryName', value } };
    }
    case 'deadline': {
      const result = parseDeadline(argument, now, options.timeZone);
      return result.ok ? { ok: true, edit: { field: 'deadline', value: result.value } } : fail(result.error);
    }
    case 'undo':
      if (argument) return fail('Отмена последнего изменения не принимает значения', 'У команды /undo нет параметров: она отменяет последнее изменение.');
      return { ok: true, edit: { field: 'undo' } };
    default:
      return null;
  }
}

/**
 * A date as managers type it — `2026-12-01`, `01.12.2026` or `1.12.2026` —
 * as an ISO date. It must exist, not be in the past (Moscow time) and be at
 * most two years ahead.
 */
export function parseDeadline(input: string, now: Date = new Date(), timeZone: string = DEFAULT_BUSINESS_TIME_ZONE): { ok: true; value: string } | { ok: false; error: string } {
  const text = input.trim();
  const format = 'Срок оплаты — дата в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 01.12.2026.';
  if (!text) return { ok: false, error: `Укажите дату. ${format}` };
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ru = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  let year: number, month: number, day: number;
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (ru) [year, month, day] = [Number(ru[3]), Number(ru[2]), Number(ru[1])];
  else return { ok: false, error: `Не понимаю дату. ${format}` };

  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { ok: false, error: `Такой даты нет. ${format}` };
  }
  const value = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const today = businessDate(now, timeZone);
  if (value < today) return { ok: false, error: `Дата ${String(day).padStart(2, '0')}.${String(month).padStart(2, '0')}.${year} уже прошла. Укажите сегодняшнюю или будущую дату.` };
  const [ty, tm, td] = today.split('-');
  const limit = `${Number(ty) + DEADLINE_MAX_YEARS_AHEAD}-${tm}-${td}`;
  if (value > limit) return { ok: false, error: `Дата слишком далеко: не позже чем через ${DEADLINE_MAX_YEARS_AHEAD} года.` };
  return { ok: true, value };
}

/** The calendar date of `now` in `timeZone` (IANA; BUSINESS_TIME_ZONE, Europe/Moscow by default) as YYYY-MM-DD. */
export function businessDate(now: Date, timeZone: string = DEFAULT_BUSINESS_TIME_ZONE): string {
  if (Number.isNaN(now.getTime())) return new Date().toISOString().slice(0, 10);
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** One line of free text: whitespace collapsed, control characters and lone surrogates dropped. */
function cleanLine(text: string): string {
  return text
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
