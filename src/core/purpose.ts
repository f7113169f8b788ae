/**
 * The payment purpose made from a template (core/reference's
 * PAYMENT_PURPOSE_TEMPLATES): filling its `{placeholders}` and finding the
 * holes left in it. Pure and light (the web form uses it as the manager
 * types); the request's validation and the `/purpose` command refuse a
 * purpose with holes, so «Оплата по контракту № … от … за товары» never
 * reaches the card or the documents.
 */
import { isoDatesToRu } from './dates.js';

/**
 * Fills `{name}` placeholders; a placeholder without a value stays as is, so
 * the manager sees what is left to fill. An ISO date value (`2026-10-01`, as
 * a date picker gives it) is written ДД.ММ.ГГГГ.
 */
export function fillPurposeTemplate(template: string, values: Record<string, string | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name]?.trim();
    return value ? isoDatesToRu(value) : whole;
  });
}

/** What each placeholder asks for, as the gap message names it. */
const PLACEHOLDER_NAMES: Record<string, string> = {
  contract: 'номер контракта',
  date: 'дату контракта',
  invoice: 'номер инвойса',
  invoiceDate: 'дату инвойса',
};

/**
 * The holes left in a payment purpose made from a template: `{placeholders}`
 * and «…» (or «...») where a number or a date belongs. Empty when there are
 * none. Each hole is named for the reader: «номер контракта», «дату
 * контракта», «номер (после «№»)», «дату (после «от»)».
 *
 * @example
 * purposeGaps('Оплата по контракту № … от … за товары'); // ['номер (после «№»)', 'дату (после «от»)']
 * purposeGaps('Оплата по контракту № {contract} от 01.10.2026'); // ['номер контракта']
 * purposeGaps('Оплата по контракту № от за товары'); // ['номер (после «№»)', 'дату (после «от»)']
 */
export function purposeGaps(purpose: string): string[] {
  const gaps: string[] = [];
  for (const [, name] of purpose.matchAll(/\{(\w+)\}/g)) gaps.push(PLACEHOLDER_NAMES[name!] ?? `«{${name}}»`);
  for (const match of purpose.matchAll(/(№|(?<!\p{L})от|(?<!\p{L})dated|(?<!\p{L})No\.)?\s*(…|\.{3})/giu)) {
    const before = match[1]?.toLowerCase();
    gaps.push(before === '№' || before === 'no.' ? 'номер (после «№»)' : before === 'от' || before === 'dated' ? 'дату (после «от»)' : 'пропуск «…»');
  }
  // Nothing at all after «№» or «от» (the next word is another part of the template, or the text ends):
  // «Оплата по контракту № от за товары» has the same holes as the one with «…».
  for (const _ of purpose.matchAll(/(?:№|(?<!\p{L})No\.)\s*(?=$|[,.;:)]|(?:от|за|dated|for)(?!\p{L}))/giu)) gaps.push('номер (после «№»)');
  for (const _ of purpose.matchAll(/(?<!\p{L})(?:от|dated)\s*(?=$|[,.;:)]|(?:за|№|for)(?!\p{L}))/giu)) gaps.push('дату (после «от»)');
  return [...new Set(gaps)];
}

/**
 * The message for a purpose with holes, undefined when it has none: what to
 * fill, to show beside the field (web) or in the bot's reply.
 */
export function purposeGapsMessage(purpose: string): string | undefined {
  const gaps = purposeGaps(purpose);
  if (!gaps.length) return undefined;
  return `Назначение платежа не заполнено до конца: укажите ${gaps.join(', ')}.`;
}
