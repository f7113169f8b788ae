/**
 * The request form's fields and their checks: every mistake is reported
 * beside its field (`beneficiary.swift`, `payer.inn`…), all at once.
 */
import { isoDatesToRu } from '../core/dates.js';
import { purposeGapsMessage } from '../core/purpose.js';
import { isCountryCode, isCurrencyCode } from '../core/reference.js';
import { parseTermsDecimal } from '../core/terms.js';
import { normalizeRequisite, validateBeneficiary, validatePayer } from '../core/requisites.js';
import { FieldErrorCollector } from './validation.js';
import { DATE_MIN, DATE_NO_SUCH_DAY, isoDateNamesNoDay, parseIsoDateTime } from '../core/fields.js';
import { businessDate, parseDeadline } from '../core/editCommands.js';

export interface RequestFields {
  /** Amount to pay, a decimal string in `currency`. */
  amount: string;
  /** ISO 4217 code of the payment. */
  currency: string;
  /** ISO 4217 code the customer pays in; RUB by default. */
  fundingCurrency?: string;
  beneficiary: {
    name: string;
    /** ISO 3166 alpha-2. */
    country: string;
    address?: string;
    bankName?: string;
    swift?: string;
    /** Account number or IBAN. */
    account?: string;
    /** Required for payments in CNY. */
    cnaps?: string;
  };
  purpose: string;
  documents?: { contractNumber?: string; contractDate?: string; invoiceNumber?: string; invoiceDate?: string };
  payer: { name: string; inn: string; kpp?: string };
  /** ISO date (YYYY-MM-DD) or date-time. */
  deadline?: string | null;
  comment?: string | null;
}

/** The cleaned values, ready to store. */
export interface ValidRequestFields {
  amount: string;
  currency: string;
  fundingCurrency: string;
  beneficiary: Record<string, string> & { name: string; country: string };
  purpose: string;
  documents: Record<string, string>;
  payer: Record<string, string>;
  deadline: Date | null;
  comment: string | null;
}

const trim = (value: string | null | undefined) => (value ?? '').trim();

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && isCurrencyCode(code);
}

/** A document's date (contract, invoice): an ISO date in the app's date domain (core/fields.ts), or null. */
function parseDate(value: string): Date | null {
  return parseIsoDateTime(value);
}

export function validateAmount(value: string, errors: FieldErrorCollector, field = 'amount'): string | null {
  const result = parseTermsDecimal('amount', String(value ?? ''));
  if (result.ok) return result.value;
  errors.add(field, result.error);
  return null;
}

/**
 * Checks a request's fields as typed in the form (or sent to the API): amounts as decimal strings, dates
 * as ISO or ДД.ММ.ГГГГ, «today» for the deadline and the document dates being the calendar day in
 * `timeZone` (BUSINESS_TIME_ZONE; Europe/Moscow when not given). Throws ValidationError with every bad
 * field named; returns the normalized fields.
 */
export function validateRequestFields(input: RequestFields, now = new Date(), timeZone?: string): ValidRequestFields {
  const errors = new FieldErrorCollector();
  const amount = validateAmount(input.amount, errors);

  const currency = trim(input.currency).toUpperCase();
  if (!currency) errors.add('currency', 'Выберите валюту платежа');
  else if (!isCurrency(currency)) errors.add('currency', 'Нет такой валюты: выберите из списка');
  const fundingCurrency = trim(input.fundingCurrency).toUpperCase() || 'RUB';
  if (!isCurrency(fundingCurrency)) errors.add('fundingCurrency', 'Нет такой валюты: выберите из списка');

  const b = input.beneficiary ?? ({} as RequestFields['beneficiary']);
  for (const [field, message] of Object.entries(validateBeneficiary(b, { currency, prefix: 'beneficiary.' }))) errors.add(field, message);
  const beneficiary: Record<string, string> & { name: string; country: string } = { name: trim(b.name), country: trim(b.country).toUpperCase() };
  if (beneficiary.country && !errors.fields['beneficiary.country'] && !isCountryCode(beneficiary.country)) {
    errors.add('beneficiary.country', 'Нет такой страны: выберите из списка');
  }
  for (const key of ['address', 'bankName'] as const) {
    const value = trim(b[key]);
    if (value.length > 300) errors.add(`beneficiary.${key}`, 'Не длиннее 300 символов');
    if (value) beneficiary[key] = value;
  }
  for (const key of ['swift', 'account', 'cnaps'] as const) if (normalizeRequisite(b[key])) beneficiary[key] = normalizeRequisite(b[key]);

  // A Russian reader's dates (ДД.ММ.ГГГГ) in the purpose, and no template holes («№ … от …», «{contract}»).
  const purpose = isoDatesToRu(trim(input.purpose));
  if (!purpose) errors.add('purpose', 'Укажите назначение платежа');
  else if (purpose.length > 500) errors.add('purpose', 'Назначение платежа: не длиннее 500 символов');
  else if (purposeGapsMessage(purpose)) errors.add('purpose', purposeGapsMessage(purpose)!);

  const documents: Record<string, string> = {};
  for (const key of ['contractNumber', 'invoiceNumber'] as const) {
    const value = trim(input.documents?.[key]);
    if (value.length > 100) errors.add(`documents.${key}`, 'Не длиннее 100 символов');
    if (value) documents[key] = value;
  }
  for (const key of ['contractDate', 'invoiceDate'] as const) {
    const value = trim(input.documents?.[key]);
    if (!value) continue;
    const date = parseDate(value);
    const shaped = /^\d{4}-\d{2}-\d{2}/.test(value);
    // The banner and an API client see the sentence without its field: it names the date (issue 17).
    const which = key === 'contractDate' ? 'договора' : 'инвойса';
    // A day the calendar has not (2026-02-31, 2026-13-45) is said as such first: it is neither in the future nor misformatted.
    if (isoDateNamesNoDay(value)) errors.add(`documents.${key}`, DATE_NO_SUCH_DAY);
    else if (shaped && value.slice(0, 10) > businessDate(now, timeZone)) errors.add(`documents.${key}`, `Дата ${which} не может быть в будущем`);
    else if (shaped && value.slice(0, 10) < DATE_MIN) errors.add(`documents.${key}`, `Дата ${which} не может быть раньше ${DATE_MIN.slice(0, 4)} года`);
    else if (!date) errors.add(`documents.${key}`, 'Дата в формате ГГГГ-ММ-ДД');
    else documents[key] = value.slice(0, 10);
  }

  const p = input.payer ?? ({} as RequestFields['payer']);
  for (const [field, message] of Object.entries(validatePayer(p, { prefix: 'payer.' }))) errors.add(field, message);
  const payer: Record<string, string> = { name: trim(p.name), inn: normalizeRequisite(p.inn) };
  if (payer.name!.length > 300) errors.add('payer.name', 'Наименование плательщика: не длиннее 300 символов');
  if (normalizeRequisite(p.kpp)) payer.kpp = normalizeRequisite(p.kpp);

  let deadline: Date | null = null;
  const deadlineText = trim(input.deadline);
  if (deadlineText) {
    // The rule of the Telegram /deadline command (today in Moscow … two years
    // ahead), so both channels accept the same dates; a date-time counts by its date.
    const parsed = parseDeadline(/^\d{4}-\d{2}-\d{2}T/.test(deadlineText) ? deadlineText.slice(0, 10) : deadlineText, now, timeZone);
    if (parsed.ok) deadline = new Date(`${parsed.value}T00:00:00Z`);
    else errors.add('deadline', parsed.error);
  }

  const comment = trim(input.comment);
  if (comment.length > 2000) errors.add('comment', 'Комментарий: не длиннее 2000 символов');

  errors.throwIfAny();
  return {
    amount: amount!,
    currency,
    fundingCurrency,
    beneficiary,
    purpose,
    documents,
    payer,
    deadline,
    comment: comment || null,
  };
}
