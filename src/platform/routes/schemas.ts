/** Zod shapes shared by the request and offer routes (they also document the API at /docs). */
import { z } from 'zod';
import { isCountryCode, isCurrencyCode } from '../../core/reference.js';

/**
 * A whole number written as plain decimal digits (a JSON number is taken as is).
 * `z.coerce.number()` would read `0x10` as 16 and `1e3` as 1000, so a typo or a
 * probe would quietly address another row; here those are a 400 (issue 16.14).
 */
export const decimalInteger = (min: number, max: number) =>
  z.union([z.number(), z.string().regex(/^\d{1,32}$/, 'Целое число из цифр 0–9').transform(Number)]).pipe(z.number().min(min).max(max).int());

/** A row id: a positive safe integer in plain decimal digits. */
export const rowId = decimalInteger(1, Number.MAX_SAFE_INTEGER);

/**
 * A row id in a JSON body: a JSON number only. A body says what type it
 * sends (the page sends numbers); `"2"` for a number is a type mismatch, a 400
 * «Нужно число» beside the field (outside check: `organizationId: "2"` was taken).
 * Query strings and paths, which are text, read ids with `rowId`.
 */
export const bodyRowId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** `:id` of a path: plain decimal digits only. */
export const idParam = z.object({ id: rowId });
/** A sentence's machine code and parameters (src/core/messageCodes.ts), for a page to show it in its own language. */
export const messageCode = z.object({ code: z.string(), params: z.record(z.string(), z.string()).optional() });
export const errorBody = z.object({
  error: z.string(),
  fields: z.record(z.string(), z.string()).optional(),
  code: messageCode.optional(),
  fieldCodes: z.record(z.string(), messageCode).optional(),
});

/**
 * Identifiers and texts (an account, an ИНН, a contract's number or date) are
 * JSON strings only: a JSON number is a 400 «Нужен текст» beside the field.
 * Outside check: numbers were read with String(), so `12345678901234567890`
 * became "12345678901234567000", `1e3` "1000", `12.50` "12.5" — another
 * identifier than the one typed, stored in silence.
 */
const text = z.string();
const optionalText = z.string().nullable().optional().transform((v) => v ?? undefined);

/** The refusal of a JSON number a decimal field cannot take as sent (src/core/messageCodes.ts `form.inexactNumber`). */
export const INEXACT_NUMBER = 'Число с экспонентой (1e5) или больше 15 значащих цифр не передаётся точно: пришлите значение текстом, например "1234.56"';

/**
 * A JSON number a decimal field (an amount, a rate, a fee) can take: one whose
 * shortest decimal form is the value itself — a safe integer (≤ 2^53 − 1), or
 * a fraction of at most 15 significant digits (every such decimal survives the
 * trip through a binary double: IEEE 754, DBL_DIG = 15) — and written without an
 * exponent. `1e308`, `12345678901234567890` or `0.1234567890123456789` are not:
 * their digits are no longer what was typed.
 */
function exactNumber(value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const written = String(value);
  if (/e/i.test(written)) return false;
  if (Number.isInteger(value)) return Number.isSafeInteger(value);
  return written.replace(/^-?0*\.?0*/, '').replace('.', '').length <= 15;
}

/** A decimal value: text (read by the command, in its words), or a JSON number it can take exactly (`exactNumber`) as its decimal text. */
const decimal = z.union([z.string(), z.number().refine(exactNumber, INEXACT_NUMBER)]).transform(String);

export const requestStatus = z.enum(['collecting_offers', 'accepted', 'completed', 'cancelled']);

export const requestBody = z.strictObject({
  amount: decimal,
  currency: z.string(),
  fundingCurrency: z.string().optional(),
  beneficiary: z.strictObject({
    name: z.string(),
    country: z.string(),
    address: optionalText,
    bankName: optionalText,
    swift: optionalText,
    account: optionalText,
    cnaps: optionalText,
  }),
  purpose: z.string(),
  documents: z
    .strictObject({ contractNumber: optionalText, contractDate: optionalText, invoiceNumber: optionalText, invoiceDate: optionalText })
    .optional(),
  payer: z.strictObject({ name: z.string(), inn: text, kpp: optionalText }),
  deadline: z.string().nullable().optional(),
  comment: z.string().nullable().optional(),
  /** The client's dialog when a manager fills the form from the bot's link (our staff only). */
  dialogId: bodyRowId.optional(),
});

export const offerBody = z.strictObject({
  rate: decimal,
  feePercent: decimal,
  fixedFee: decimal,
  days: z.union([z.string(), z.number()]),
  validUntil: z.string().nullable().optional(),
  /** A request from a dialog: the dialog message its deal starts from (none = since the previous request). */
  dealFromMessageId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable().optional(),
});

export const requestSummary = z.object({
  id: z.number(),
  number: z.string(),
  status: requestStatus,
  origin: z.enum(['web', 'telegram']),
  hidden: z.boolean(),
  amount: z.string(),
  currency: z.string(),
  fundingCurrency: z.string(),
  beneficiaryName: z.string(),
  beneficiaryCountry: z.string().nullable(),
  customerName: z.string(),
  deadline: z.string().nullable(),
  createdAt: z.string(),
  offerCount: z.number(),
});

export const requestPage = z.object({ items: z.array(requestSummary), nextCursor: z.string().nullable() });

export const offer = z.object({
  id: z.number(),
  requestId: z.number(),
  agentOrganizationId: z.number(),
  agentName: z.string(),
  rate: z.string(),
  feePercent: z.string(),
  fixedFee: z.string(),
  base: z.string(),
  fee: z.string(),
  total: z.string(),
  days: z.number(),
  validUntil: z.string().nullable(),
  status: z.enum(['active', 'accepted', 'declined', 'withdrawn']),
  createdAt: z.string(),
});

export const listQuery = z.strictObject({
  /** An ISO 4217 code we know (`USD`, case aside); an unknown one is a 400, not an empty list. */
  currency: z.string().refine((code) => /^[A-Za-z]{3}$/.test(code) && isCurrencyCode(code), 'Нет такой валюты: нужен код ISO 4217 из трёх латинских букв, например USD').optional(),
  /** An ISO 3166-1 alpha-2 code (`CN`, case aside); an unknown one is a 400, not an empty list. */
  country: z.string().refine((code) => /^[A-Za-z]{2}$/.test(code) && isCountryCode(code), 'Нет такой страны: нужен код ISO 3166-1 из двух латинских букв, например CN').optional(),
  /** Decimal strings (see `requestQueries.ts`'s `filterAmount`); a bad one is a 400 naming the field. */
  amountMin: z.string().max(40).optional(),
  amountMax: z.string().max(40).optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  sort: z.enum(['newest', 'oldest', 'amountDesc', 'amountAsc']).optional(),
  cursor: z.string().max(200).optional(),
  limit: decimalInteger(1, 100).optional(),
});
