/**
 * Bank and tax requisites: Russian INN, KPP, BIC and settlement accounts,
 * SWIFT/BIC and IBAN (ibantools), Chinese CNAPS. Each `validate…` returns a
 * Russian sentence for the person who typed the value, or `null` when it is
 * fine. They check the shape and the checksum, not that the thing exists.
 *
 * Inputs are taken as typed: spaces are ignored and letters upper-cased,
 * so «7707 083 893» passes. `normalizeRequisite` gives the stored form.
 *
 * @example
 * validateInn('7707083893'); // null
 * validateInn('7707083894'); // 'ИНН не сходится по контрольной сумме — проверьте цифры'
 */
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';

/** The stored form of a typed code: no spaces of any kind, upper case. */
export function normalizeRequisite(value: string | null | undefined): string {
  return (value ?? '').replace(/[\s\u00A0\u202F\u2009-]/g, '').toUpperCase();
}

const digitsOf = (text: string): number[] => Array.from(text, (ch) => ch.charCodeAt(0) - 48);

function weightedSum(digits: number[], weights: readonly number[]): number {
  return weights.reduce((sum, weight, i) => sum + weight * (digits[i] ?? 0), 0);
}

const INN10_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8] as const;
const INN12_WEIGHTS_11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8] as const;
const INN12_WEIGHTS_12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8] as const;

export type InnKind = 'legal' | 'individual' | 'any';

/**
 * INN (ИНН): 10 digits for an organization, 12 for an individual or sole
 * proprietor, with the Federal Tax Service check digits.
 */
export function validateInn(value: string, kind: InnKind = 'any'): string | null {
  const inn = normalizeRequisite(value);
  if (!inn) return 'Укажите ИНН';
  if (!/^\d+$/.test(inn)) return 'ИНН состоит только из цифр';
  const lengths = kind === 'legal' ? [10] : kind === 'individual' ? [12] : [10, 12];
  if (!lengths.includes(inn.length)) {
    if (kind === 'legal') return `ИНН организации — 10 цифр, а введено ${inn.length}`;
    if (kind === 'individual') return `ИНН физического лица или ИП — 12 цифр, а введено ${inn.length}`;
    return `ИНН — 10 цифр у организации или 12 у ИП и физического лица, а введено ${inn.length}`;
  }
  if (/^0+$/.test(inn)) return 'ИНН не может состоять из одних нулей';
  const d = digitsOf(inn);
  const check = (weights: readonly number[]) => (weightedSum(d, weights) % 11) % 10;
  const valid =
    inn.length === 10 ? check(INN10_WEIGHTS) === d[9] : check(INN12_WEIGHTS_11) === d[10] && check(INN12_WEIGHTS_12) === d[11];
  return valid ? null : 'ИНН не сходится по контрольной сумме — проверьте цифры';
}

/**
 * KPP (КПП): 9 characters — 4 digits of the tax office, 2 of the reason
 * (digits or capital Latin letters), 3 digits of the number.
 */
export function validateKpp(value: string): string | null {
  const kpp = normalizeRequisite(value);
  if (!kpp) return 'Укажите КПП';
  if (kpp.length !== 9) return `КПП — 9 символов, а введено ${kpp.length}`;
  if (!/^\d{4}[\dA-Z]{2}\d{3}$/.test(kpp)) return 'КПП: 4 цифры, 2 цифры или латинские буквы, затем 3 цифры — например 773601001';
  return null;
}

/** Russian bank BIC (БИК): 9 digits starting with 04, the code of Russia. */
export function validateRuBic(value: string): string | null {
  const bic = normalizeRequisite(value);
  if (!bic) return 'Укажите БИК банка';
  if (!/^\d{9}$/.test(bic)) return `БИК — 9 цифр, а введено «${bic.slice(0, 20)}»`;
  if (!bic.startsWith('04')) return 'БИК российского банка начинается с 04 — проверьте цифры';
  return null;
}

/** SWIFT/BIC: 8 or 11 characters, bank code, country, location, optional branch. */
export function validateSwift(value: string): string | null {
  const swift = normalizeRequisite(value);
  if (!swift) return 'Укажите SWIFT/BIC банка';
  if (swift.length !== 8 && swift.length !== 11) return `SWIFT/BIC — 8 или 11 латинских букв и цифр, а введено ${swift.length}`;
  if (!isValidBIC(swift)) return 'SWIFT/BIC не похож на настоящий: 4 буквы банка, 2 буквы страны, 2 символа города, например BKCHCNBJ или BKCHCNBJ300';
  return null;
}

/** A bank identifier of either kind: 9 digits are a Russian BIC, anything else must be a SWIFT/BIC. */
export function validateBic(value: string): string | null {
  const bic = normalizeRequisite(value);
  if (/^\d+$/.test(bic)) return validateRuBic(bic);
  return validateSwift(bic);
}

/** IBAN with its country's length and the mod-97 check digits. */
export function validateIban(value: string): string | null {
  const iban = electronicFormatIBAN(normalizeRequisite(value)) ?? '';
  if (!iban) return 'Укажите IBAN';
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return 'IBAN начинается с кода страны и двух контрольных цифр, например DE89 3704 0044 0532 0130 00';
  if (!isValidIBAN(iban)) return 'IBAN не сходится: проверьте длину для страны и контрольные цифры';
  return null;
}

/** CNAPS — the Chinese bank code: 12 digits. */
export function validateCnaps(value: string): string | null {
  const cnaps = normalizeRequisite(value);
  if (!cnaps) return 'Укажите код CNAPS банка получателя';
  if (!/^\d{12}$/.test(cnaps)) return `CNAPS — 12 цифр, а введено «${cnaps.slice(0, 20)}»`;
  return null;
}

const ACCOUNT_WEIGHTS = [7, 1, 3] as const;

/**
 * Russian settlement account (расчётный счёт): 20 digits; with the bank's
 * BIC also the control key (the last 3 digits of the BIC go in front).
 */
export function validateRuAccount(value: string, bic?: string): string | null {
  const account = normalizeRequisite(value);
  if (!account) return 'Укажите расчётный счёт';
  if (!/^\d{20}$/.test(account)) return `Расчётный счёт — 20 цифр, а введено ${account.length} символов`;
  const bank = normalizeRequisite(bic);
  if (!/^\d{9}$/.test(bank)) return null;
  return accountKeyValid(bank.slice(-3), account) ? null : 'Расчётный счёт не сходится с БИК банка — проверьте счёт и БИК';
}

/**
 * Correspondent account (корр. счёт) of a Russian bank: 20 digits starting
 * with 30101; with the BIC also the control key («0» and BIC digits 5–6 go in front).
 */
export function validateCorrAccount(value: string, bic?: string): string | null {
  const account = normalizeRequisite(value);
  if (!account) return 'Укажите корреспондентский счёт';
  if (!/^\d{20}$/.test(account)) return `Корреспондентский счёт — 20 цифр, а введено ${account.length} символов`;
  if (!account.startsWith('30101')) return 'Корреспондентский счёт начинается с 30101';
  const bank = normalizeRequisite(bic);
  if (!/^\d{9}$/.test(bank)) return null;
  return accountKeyValid(`0${bank.slice(4, 6)}`, account) ? null : 'Корреспондентский счёт не сходится с БИК банка — проверьте счёт и БИК';
}

/** The Bank of Russia control key: weights 7, 1, 3 over the 3-digit prefix and the account. */
function accountKeyValid(prefix: string, account: string): boolean {
  const d = digitsOf(prefix + account);
  const sum = d.reduce((total, digit, i) => total + ((digit * ACCOUNT_WEIGHTS[i % 3]!) % 10), 0);
  return sum % 10 === 0;
}

/** Errors by field name (`name`, `swift`…); empty means fine. */
export type RequisiteErrors = Record<string, string>;

export interface BeneficiaryRequisites {
  name?: string | null;
  /** ISO 3166 alpha-2. */
  country?: string | null;
  address?: string | null;
  bankName?: string | null;
  swift?: string | null;
  /** Account number or IBAN. */
  account?: string | null;
  cnaps?: string | null;
}

export interface BeneficiaryRules {
  /** Payments in CNY need the CNAPS code. */
  currency?: string;
  /** Prepended to each field name, e.g. `beneficiary.` → `beneficiary.swift`. */
  prefix?: string;
}

const IBAN_LIKE = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/;

/**
 * The foreign beneficiary of a payment: name, country (alpha-2), SWIFT,
 * account or IBAN (an IBAN-shaped account is checked as an IBAN), CNAPS for
 * payments in yuan.
 */
export function validateBeneficiary(b: BeneficiaryRequisites, rules: BeneficiaryRules = {}): RequisiteErrors {
  const errors: RequisiteErrors = {};
  const add = (field: string, message: string | null) => {
    if (message) errors[`${rules.prefix ?? ''}${field}`] = message;
  };
  const name = (b.name ?? '').trim();
  add('name', name ? (name.length > 200 ? 'Наименование получателя — не длиннее 200 символов' : null) : 'Укажите получателя');
  const country = (b.country ?? '').trim().toUpperCase();
  add('country', country ? (/^[A-Z]{2}$/.test(country) ? null : 'Страна — двухбуквенный код, выберите из списка') : 'Выберите страну получателя');
  const swift = normalizeRequisite(b.swift);
  add('swift', swift ? validateSwift(swift) : 'Укажите SWIFT/BIC банка получателя');
  const account = normalizeRequisite(b.account);
  if (!account) add('account', 'Укажите счёт или IBAN получателя');
  else if (IBAN_LIKE.test(account)) add('account', validateIban(account));
  else if (!/^[A-Z0-9]{5,34}$/.test(account)) add('account', 'Счёт получателя — от 5 до 34 латинских букв и цифр');
  const cnaps = normalizeRequisite(b.cnaps);
  if (cnaps) add('cnaps', validateCnaps(cnaps));
  else if ((rules.currency ?? '').toUpperCase() === 'CNY') add('cnaps', 'Для платежа в юанях укажите CNAPS банка получателя');
  return errors;
}

export interface PayerRequisites {
  name?: string | null;
  inn?: string | null;
  kpp?: string | null;
  /** Settlement account, 20 digits; optional. */
  account?: string | null;
  /** Russian BIC of the payer's bank; optional, required with `account`. */
  bic?: string | null;
}

/**
 * The Russian payer: name, INN, KPP (required for an organization, i.e. a
 * 10-digit INN; a sole proprietor has none), and optionally the settlement
 * account with its bank's BIC.
 */
export function validatePayer(p: PayerRequisites, rules: { prefix?: string } = {}): RequisiteErrors {
  const errors: RequisiteErrors = {};
  const add = (field: string, message: string | null) => {
    if (message) errors[`${rules.prefix ?? ''}${field}`] = message;
  };
  add('name', (p.name ?? '').trim() ? null : 'Укажите плательщика');
  const inn = normalizeRequisite(p.inn);
  add('inn', validateInn(inn));
  const kpp = normalizeRequisite(p.kpp);
  if (kpp) add('kpp', inn.length === 12 ? 'У ИП и физического лица нет КПП — оставьте поле пустым' : validateKpp(kpp));
  else if (inn.length === 10) add('kpp', 'Для организации укажите КПП');
  const account = normalizeRequisite(p.account);
  const bic = normalizeRequisite(p.bic);
  if (bic) add('bic', validateRuBic(bic));
  if (account) {
    if (!bic) add('bic', 'Укажите БИК банка плательщика');
    add('account', validateRuAccount(account, validateRuBic(bic) ? undefined : bic));
  }
  return errors;
}

/**
 * OGRN (ОГРН) of an organization: 13 digits; OGRNIP (ОГРНИП) of a sole
 * proprietor: 15. The last digit is the remainder of the rest divided by 11
 * (13 for OGRNIP), taken mod 10.
 */
export function validateOgrn(value: string, kind: InnKind = 'any'): string | null {
  const ogrn = normalizeRequisite(value);
  if (!ogrn) return kind === 'individual' ? 'Укажите ОГРНИП' : 'Укажите ОГРН';
  if (!/^\d+$/.test(ogrn)) return 'ОГРН состоит только из цифр';
  const lengths = kind === 'legal' ? [13] : kind === 'individual' ? [15] : [13, 15];
  if (!lengths.includes(ogrn.length)) {
    if (kind === 'legal') return `ОГРН организации — 13 цифр, а введено ${ogrn.length}`;
    if (kind === 'individual') return `ОГРНИП — 15 цифр, а введено ${ogrn.length}`;
    return `ОГРН — 13 цифр у организации или 15 у ИП, а введено ${ogrn.length}`;
  }
  const divisor = ogrn.length === 13 ? 11 : 13;
  // The remainder digit by digit: the number does not fit a double exactly.
  const remainder = digitsOf(ogrn.slice(0, -1)).reduce((r, digit) => (r * 10 + digit) % divisor, 0);
  return remainder % 10 === Number(ogrn.at(-1)) ? null : 'ОГРН не сходится по контрольной цифре — проверьте цифры';
}

/**
 * Our organization's requisites as `organizations.requisites` stores them and
 * the generated documents (src/documents/pdf.ts) print them.
 */
export const ORGANIZATION_REQUISITE_FIELDS = ['fullName', 'inn', 'kpp', 'ogrn', 'address', 'bank', 'bic', 'corrAccount', 'account', 'director'] as const;
export type OrganizationRequisiteField = (typeof ORGANIZATION_REQUISITE_FIELDS)[number];
export type OrganizationRequisites = Record<OrganizationRequisiteField, string>;

const TEXT_REQUISITES: Partial<Record<OrganizationRequisiteField, { empty: string; max: number; label: string }>> = {
  fullName: { empty: 'Укажите полное наименование организации', max: 300, label: 'Полное наименование' },
  address: { empty: 'Укажите юридический адрес', max: 500, label: 'Юридический адрес' },
  bank: { empty: 'Укажите название банка', max: 300, label: 'Название банка' },
  director: { empty: 'Укажите руководителя, который подписывает документы', max: 200, label: 'Руководитель' },
};

/**
 * Checks every field of our organization's requisites and gives their stored
 * form: codes without spaces, texts trimmed with runs of spaces collapsed.
 * A 10-digit INN (organization) needs a KPP and a 13-digit OGRN; a 12-digit
 * one (sole proprietor) has no KPP and a 15-digit OGRNIP. The accounts are
 * checked against the BIC's control key when the BIC itself is right.
 */
export function validateOrganizationRequisites(input: Partial<Record<string, string | null | undefined>>): {
  values: OrganizationRequisites;
  errors: RequisiteErrors;
} {
  const errors: RequisiteErrors = {};
  const add = (field: OrganizationRequisiteField, message: string | null) => {
    if (message) errors[field] = message;
  };
  const values = {} as OrganizationRequisites;
  for (const field of ORGANIZATION_REQUISITE_FIELDS) {
    const given = input[field];
    const raw = typeof given === 'string' ? given : '';
    const text = TEXT_REQUISITES[field];
    if (text) {
      const value = raw.replace(/\s+/g, ' ').trim();
      values[field] = value;
      add(field, !value ? text.empty : value.length > text.max ? `${text.label} — не длиннее ${text.max} символов` : null);
    } else values[field] = normalizeRequisite(raw);
  }
  const { inn, kpp, ogrn, bic, account, corrAccount } = values;
  add('inn', validateInn(inn));
  const kind: InnKind = inn.length === 10 && !errors.inn ? 'legal' : inn.length === 12 && !errors.inn ? 'individual' : 'any';
  if (kind === 'individual') add('kpp', kpp ? 'У ИП нет КПП — оставьте поле пустым' : null);
  else add('kpp', validateKpp(kpp));
  add('ogrn', validateOgrn(ogrn, kind));
  add('bic', validateRuBic(bic));
  const bankBic = errors.bic ? undefined : bic;
  add('corrAccount', validateCorrAccount(corrAccount, bankBic));
  add('account', validateRuAccount(account, bankBic));
  return { values, errors };
}


/**
 * Our requisites that a generated document would print blank or wrong: the
 * fields `validateOrganizationRequisites` refuses, in the admin form's order.
 * Empty when the documents can be made as they are.
 */
export function incompleteOrganizationRequisites(input: Partial<Record<string, string | null | undefined>>): OrganizationRequisiteField[] {
  const { errors } = validateOrganizationRequisites(input);
  return ORGANIZATION_REQUISITE_FIELDS.filter((field) => field in errors);
}
