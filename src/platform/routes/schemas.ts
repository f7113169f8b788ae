/** Zod shapes shared by the request and offer routes (they also document the API at /docs). */
import { z } from 'zod';

export const idParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export const errorBody = z.object({ error: z.string(), fields: z.record(z.string(), z.string()).optional() });

/** Form values arrive as text; numbers are accepted too and read as text (never as floats). */
const text = z.union([z.string(), z.number()]).transform(String);
const optionalText = z.union([z.string(), z.number(), z.null()]).optional().transform((v) => (v === null || v === undefined ? undefined : String(v)));

export const requestStatus = z.enum(['collecting_offers', 'accepted', 'completed', 'cancelled']);

export const requestBody = z.object({
  amount: text,
  currency: z.string(),
  fundingCurrency: z.string().optional(),
  beneficiary: z.object({
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
    .object({ contractNumber: optionalText, contractDate: optionalText, invoiceNumber: optionalText, invoiceDate: optionalText })
    .optional(),
  payer: z.object({ name: z.string(), inn: text, kpp: optionalText }),
  deadline: z.string().nullable().optional(),
  comment: z.string().nullable().optional(),
  /** The client's dialog when a manager fills the form from the bot's link (our staff only). */
  dialogId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

export const offerBody = z.object({
  rate: text,
  feePercent: text,
  fixedFee: text,
  days: z.union([z.string(), z.number()]),
  validUntil: z.string().nullable().optional(),
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

export const listQuery = z.object({
  currency: z.string().max(3).optional(),
  country: z.string().max(2).optional(),
  amountMin: z.string().max(20).optional(),
  amountMax: z.string().max(20).optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  sort: z.enum(['newest', 'oldest', 'amountDesc', 'amountAsc']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
