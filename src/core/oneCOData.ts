/**
 * Pure rules of `ONEC_MODE=odata`: which 1C document Hotline makes from a
 * request (the mapping setting and its default for 1C:Бухгалтерия
 * предприятия 3.0), what its header and tabular section hold, and the
 * navigation link that opens exactly that document in 1C.
 */
import { Decimal } from './money.js';
import { z } from 'zod';

/**
 * Which 1C entity is made and which of its properties get what. Property
 * names are those of 1C's standard OData interface (`<Реквизит>_Key` for a
 * reference, the tabular section's own name for its rows). A property set to
 * `null` is not sent (for configurations that lack it).
 */
export interface OneCDocumentMapping {
  /** The entity set, e.g. `Document_СчетНаОплатуПокупателю`. */
  document: string;
  /** The tabular section the fee line goes to, e.g. `Товары` (its entity set is `<document>_<table>`). */
  table: string;
  header: {
    organization: string | null;
    counterparty: string | null;
    contract: string | null;
    currency: string | null;
    amount: string | null;
    /** Carries `Hotline №<number>`: how a retry finds a document it already made. */
    comment: string;
  };
  line: { content: string | null; quantity: string | null; price: string | null; sum: string | null };
  /** Constant properties: `header` for the document, `line` for the row (e.g. `СтавкаНДС: "БезНДС"`). */
  constants: { header: Record<string, string | number | boolean>; line: Record<string, string | number | boolean> };
  /** The contract kind the counterparty's contract is found or made with (`ВидДоговора`). */
  contractKind: string;
}

/**
 * The default: «Счёт на оплату покупателю» of 1C:Бухгалтерия предприятия 3.0
 * for the agent's fee (entity `Document_СчетНаОплатуПокупателю`, tabular
 * section `Товары`, contract kind `СПокупателем`). The fee is a service
 * without VAT by default (an agent's fee under УСН is the common case); set
 * `constants.line.СтавкаНДС` for another rate.
 */
export const DEFAULT_ONEC_MAPPING: OneCDocumentMapping = {
  document: 'Document_СчетНаОплатуПокупателю',
  table: 'Товары',
  header: {
    organization: 'Организация_Key',
    counterparty: 'Контрагент_Key',
    contract: 'ДоговорКонтрагента_Key',
    currency: 'ВалютаДокумента_Key',
    amount: 'СуммаДокумента',
    comment: 'Комментарий',
  },
  line: { content: 'Содержание', quantity: 'Количество', price: 'Цена', sum: 'Сумма' },
  constants: { header: { СуммаВключаетНДС: true }, line: { СтавкаНДС: 'БезНДС' } },
  contractKind: 'СПокупателем',
};

const property = z.string().regex(/^[\p{L}_][\p{L}\p{N}_]{0,80}$/u, 'must be a 1C property name').nullable();
const constants = z.record(z.string().regex(/^[\p{L}_][\p{L}\p{N}_]{0,80}$/u), z.union([z.string().max(200), z.number(), z.boolean()]));

/** `ONEC_ODATA_MAPPING`: a JSON object whose keys override the default mapping's. */
export const oneCMappingOverride = z
  .object({
    document: z.string().regex(/^(Document|Catalog)_[\p{L}\p{N}_]{1,80}$/u, 'must be an entity set like Document_СчетНаОплатуПокупателю'),
    table: z.string().regex(/^[\p{L}_][\p{L}\p{N}_]{0,80}$/u),
    header: z.object({ organization: property, counterparty: property, contract: property, currency: property, amount: property, comment: property.unwrap() }).partial(),
    line: z.object({ content: property, quantity: property, price: property, sum: property }).partial(),
    constants: z.object({ header: constants, line: constants }).partial(),
    contractKind: z.string().max(80),
  })
  .partial()
  .strict();

/** The default with `override`'s keys laid over it (one level deep for the nested objects). */
export function oneCMapping(override: z.infer<typeof oneCMappingOverride> = {}): OneCDocumentMapping {
  const d = DEFAULT_ONEC_MAPPING;
  return {
    document: override.document ?? d.document,
    table: override.table ?? d.table,
    header: { ...d.header, ...override.header },
    line: { ...d.line, ...override.line },
    constants: { header: { ...d.constants.header, ...override.constants?.header }, line: { ...d.constants.line, ...override.constants?.line } },
    contractKind: override.contractKind ?? d.contractKind,
  };
}

/** What the document is made from. Money as decimal strings. */
export interface OneCDocumentInput {
  number: string;
  /** Request date (the document's `Date`), as 1C's local time without zone. */
  date: Date;
  fee: string;
  fixedFee: string;
  fundingCurrency: string;
  organizationKey: string;
  counterpartyKey: string;
  contractKey: string;
  currencyKey: string;
}

/** The marker a made document carries in its comment (one per request). */
export function oneCMarker(requestNumber: string): string {
  return `Hotline №${requestNumber}`;
}

/**
 * The document's JSON body: header and one row of the tabular section. Every
 * row carries `LineNumber` — 1C answers a row without it with an internal
 * error (code -1), see test/helpers/onecOData.ts for the sources.
 */
export function oneCDocumentBody(mapping: OneCDocumentMapping, input: OneCDocumentInput): Record<string, unknown> {
  const total = new Decimal(input.fee).plus(input.fixedFee).toDecimalPlaces(2);
  const amount = total.toNumber(); // OData Edm.Double: 1C's JSON carries numbers; two decimals survive a double exactly enough for 1C's Число(15,2).
  const body: Record<string, unknown> = { Date: oneCDate(input.date), ...mapping.constants.header };
  const set = (name: string | null, value: unknown) => {
    if (name) body[name] = value;
  };
  set(mapping.header.organization, input.organizationKey);
  set(mapping.header.counterparty, input.counterpartyKey);
  set(mapping.header.contract, input.contractKey);
  set(mapping.header.currency, input.currencyKey);
  set(mapping.header.amount, amount);
  body[mapping.header.comment] = oneCMarker(input.number);
  const line: Record<string, unknown> = { LineNumber: '1', ...mapping.constants.line };
  if (mapping.line.content) line[mapping.line.content] = `Агентское вознаграждение по заявке №${input.number}`;
  if (mapping.line.quantity) line[mapping.line.quantity] = 1;
  if (mapping.line.price) line[mapping.line.price] = amount;
  if (mapping.line.sum) line[mapping.line.sum] = amount;
  body[mapping.table] = [line];
  return body;
}

/** 1C's `Edm.DateTime` in JSON: local date and time, no zone (`2026-11-30T00:00:00`). */
export function oneCDate(date: Date): string {
  return `${date.toISOString().slice(0, 10)}T00:00:00`;
}

const GUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i;

/**
 * The `ref` of a 1C navigation link for an object's GUID (its `Ref_Key`).
 *
 * 1C writes the 16 bytes of a reference in the order it stores them, so the
 * 32 hex digits of `ref` are the GUID's groups reordered: the fourth and the
 * fifth group first, then the third, the second and the first —
 * GUID `5828755a-8819-11ed-89ab-000c29dddd38` ↔ `ref=89ab000c29dddd3811ed88195828755a`.
 * Sources: the platform's help on links (`e1cib/data/Документ.РасходТовара?ref=8ca0000d8843cd1b11dc8d043d71007f`,
 * form «Переход по ссылке»), and public code that converts between the two and
 * checks itself on real links: `from1CIdToGuid("8936000c29dddd3811ecc9c9312e175a")`
 * = `312e175a-c9c9-11ec-8936-000c29dddd38`. 1C's own GUIDs are time-based
 * (UUID v1), so their third group starts with `11e…` — it lands at digits
 * 17–20 of every real `ref` (`…11dc…`, `…11ed…`), which is how the order shows.
 *
 * @throws Error when `guid` is not a GUID.
 */
export function navigationRef(guid: string): string {
  const m = GUID.exec(guid);
  if (!m) throw new Error(`not a GUID: ${guid}`);
  return `${m[4]}${m[5]}${m[3]}${m[2]}${m[1]}`.toLowerCase();
}

/** The inverse of navigationRef: the GUID from a navigation link's 32-digit `ref`. */
export function guidFromNavigationRef(ref: string): string {
  if (!/^[0-9a-f]{32}$/i.test(ref)) throw new Error(`not a navigation ref: ${ref}`);
  const r = ref.toLowerCase();
  return `${r.slice(24)}-${r.slice(20, 24)}-${r.slice(16, 20)}-${r.slice(0, 4)}-${r.slice(4, 16)}`;
}

/** `Document_X` → `Документ.X`, `Catalog_X` → `Справочник.X`: the metadata name a navigation link uses. */
export function metadataName(entitySet: string): string {
  const [kind, ...rest] = entitySet.split('_');
  const name = rest.join('_');
  if (kind === 'Document') return `Документ.${name}`;
  if (kind === 'Catalog') return `Справочник.${name}`;
  throw new Error(`no navigation name for ${entitySet}`);
}

/**
 * The web-client URL that opens the object: `<base>#e1cib/data/Документ.X?ref=<ref>`.
 * `base` is the infobase's publication (`https://host/base/`); the metadata
 * name is percent-encoded (the web client decodes it, and a Telegram URL
 * button wants plain ASCII).
 *
 * @example oneCNavigationUrl('https://1c.example/bp/', 'Document_СчетНаОплатуПокупателю', '5828755a-8819-11ed-89ab-000c29dddd38')
 * // → 'https://1c.example/bp/#e1cib/data/%D0%94…?ref=89ab000c29dddd3811ed88195828755a'
 */
export function oneCNavigationUrl(base: string, entitySet: string, guid: string): string {
  const root = base.endsWith('/') ? base : `${base}/`;
  return `${root}#e1cib/data/${encodeURIComponent(metadataName(entitySet))}?ref=${navigationRef(guid)}`;
}

/** The web client's base from the OData root: `https://host/base/odata/standard.odata/` → `https://host/base/`. */
export function oneCWebBase(odataUrl: string): string {
  return odataUrl.replace(/odata\/standard\.odata\/?$/i, '').replace(/\/?$/, '/');
}
