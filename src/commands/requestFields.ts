/**
 * The request form's fields and their checks: every mistake is reported
 * beside its field (`beneficiary.swift`, `payer.inn`…), all at once.
 */
import { isCountryCode, isCurrencyCode } from '../core/reference.js';
import { parseTermsDecimal } from '../core/terms.js';
import { normalizeRequisite, validateBeneficiary, validatePayer } from '../core/requisites.js';
import { FieldErrorCollector } from './validation.js';

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

function parseDate(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value)) return null;
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function validateAmount(value: string, errors: FieldErrorCollector, field = 'amount'): string | null {
  const result = parseTermsDecimal('amount', String(value ?? ''));
  if (result.ok) return result.value;
  errors.add(field, result.error);
  return null;
}

export function validateRequestFields(input: RequestFields, now = new Date()): ValidRequestFields {
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

  const purpose = trim(input.purpose);
  if (!purpose) errors.add('purpose', 'Укажите назначение платежа');
  else if (purpose.length > 500) errors.add('purpose', 'Назначение платежа: не длиннее 500 символов');

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
    if (!date) errors.add(`documents.${key}`, 'Дата в формате ГГГГ-ММ-ДД');
    else if (date.getTime() > now.getTime() + 86_400_000) errors.add(`documents.${key}`, 'Дата не может быть в будущем');
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
    deadline = parseDate(deadlineText);
    if (!deadline) errors.add('deadline', 'Дата в формате ГГГГ-ММ-ДД');
    else if (deadline.getTime() < Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())) {
      errors.add('deadline', 'Срок оплаты не может быть в прошлом');
    }
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
