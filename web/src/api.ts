/**
 * The web app's only way to the server: JSON over `/api`, the session cookie,
 * and the CSRF token (sent as `x-csrf-token` on every state-changing call).
 */
import { serverMessagesEn } from './messages.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Messages for form fields: `{ 'beneficiary.swift': 'Неверный BIC' }`. */
    readonly fields: Record<string, string> = {},
    /** The whole error answer (some carry more than `error`, e.g. a refused link's `reason`). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | undefined;

/** A server sentence's machine code as the API sends it beside the Russian text (src/core/messageCodes.ts). */
export interface MessageCode {
  code: string;
  params?: Record<string, string>;
}

let uiLocale: 'ru' | 'en' = 'ru';

/** Called by the i18n provider: the language the server's refusals are shown in. */
export function setApiLocale(locale: 'ru' | 'en'): void {
  uiLocale = locale;
}

/**
 * A server sentence in the UI's language: in English its code's text from
 * `serverMessagesEn` (parameters filled, `@phrase` tokens translated); the
 * server's own Russian sentence in Russian or when the code is unknown.
 */
export function serverText(message: string, code?: MessageCode): string {
  if (uiLocale === 'ru' || !code) return message;
  const template = serverMessagesEn[code.code];
  if (!template) return message;
  let text = template;
  for (const [name, value] of Object.entries(code.params ?? {})) {
    text = text.replaceAll(`{${name}}`, value.replace(/@([\w.]+)/g, (token, key: string) => serverMessagesEn[`@${key}`] ?? token));
  }
  return text;
}

/** An error answer's sentence and field messages in the UI's language. */
export function localizedError(body: { error?: string; code?: MessageCode; fields?: Record<string, string>; fieldCodes?: Record<string, MessageCode> }) {
  const fields = Object.fromEntries(Object.entries(body.fields ?? {}).map(([field, message]) => [field, serverText(message, body.fieldCodes?.[field])]));
  return { error: body.error === undefined ? undefined : serverText(body.error, body.code), fields };
}

/** Called with the token from `/api/auth/me` and sign-in answers. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export async function api<T>(path: string, options: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network');
  }
  const text = await response.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const body = localizedError((data ?? {}) as Parameters<typeof localizedError>[0]);
    throw new ApiError(response.status, body.error ?? response.statusText, body.fields, (data ?? {}) as Record<string, unknown>);
  }
  return data as T;
}

/** Builds `?a=1&b=2` from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// Shapes the API answers with (see /docs for the full schema).

export type Role = 'admin' | 'manager' | 'agent' | 'customer';
export type OrganizationKind = 'customer' | 'agent' | 'both';
export type RequestStatus = 'collecting_offers' | 'accepted' | 'completed' | 'cancelled';

export interface Me {
  id: number;
  email: string | null;
  name: string;
  role: Role;
  organizationId: number;
  organizationName: string;
  organizationKind: OrganizationKind;
  timeZone: string;
  /** The organization may place requests / make offers. */
  canRequest: boolean;
  canOffer: boolean;
}

export interface Session {
  user: Me | null;
  csrfToken?: string;
}

export interface Meta {
  product: string;
  sandbox: boolean;
}

export interface Beneficiary {
  name: string;
  country: string;
  address?: string;
  bankName?: string;
  swift?: string;
  account?: string;
  cnaps?: string;
}

export interface Payer {
  name: string;
  inn: string;
  kpp?: string;
}

export interface RequestSummary {
  id: number;
  number: string;
  status: RequestStatus;
  origin: 'web' | 'telegram';
  hidden: boolean;
  amount: string;
  currency: string;
  fundingCurrency: string;
  beneficiaryName: string;
  beneficiaryCountry: string | null;
  customerName: string;
  deadline: string | null;
  createdAt: string;
  offerCount: number;
}

export interface Offer {
  id: number;
  requestId: number;
  agentOrganizationId: number;
  agentName: string;
  rate: string;
  feePercent: string;
  fixedFee: string;
  base: string;
  fee: string;
  total: string;
  days: number;
  validUntil: string | null;
  status: 'active' | 'accepted' | 'declined' | 'withdrawn';
  createdAt: string;
}

export interface TimelineEvent {
  id: number;
  at: string;
  actorName: string | null;
  name: string;
  subjectType: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface DocumentRow {
  id: number;
  name: string;
  mime: string | null;
  size: number | null;
  source: string;
  state: string;
  createdAt: string;
}

export interface ChatMessage {
  id: string;
  authorName: string;
  direction: 'in' | 'out' | 'note' | 'system' | 'platform';
  text: string | null;
  /** `summary`: the content as text (a poll, a venue, a contact…), see src/core/messageContent.ts. */
  media: { kind: string; fileName?: string; fileId?: string; summary?: string } | null;
  /** A post written on the platform: where else it went (`topic`; `client` = the topic and the client). */
  deliveredTo?: 'topic' | 'client' | null;
  at: string;
}

export interface RequestPage {
  request: RequestSummary & {
    beneficiary: Beneficiary;
    purpose: string;
    documents: Record<string, string>;
    payer: Payer;
    comment: string | null;
    terms: Record<string, string> | null;
    acceptedOfferId: number | null;
    customerOrganizationId: number;
    /** The client's dialog (our staff only): the link to the client's history. */
    dialogId: number | null;
  };
  /** What the viewer may do here. */
  viewer: { isCustomer: boolean; canOffer: boolean; canAccept: boolean; canChangeStatus: boolean; canChat: boolean };
  offers: Offer[];
  timeline: TimelineEvent[];
  documents: DocumentRow[];
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}
