/**
 * Labels on clients (issue 19.5): short tags a manager puts on a client
 * (`/label vip`, the client page) to filter lists, send to a group of clients
 * and export them.
 *
 * The rule of a label (one place, used by the bot, the API and the database
 * check): the text as typed is trimmed, a leading `#` is dropped (managers
 * write `#vip` by habit), and it is lower-cased (`VIP`, `Vip` and `vip` are one
 * label); what remains must be 1–{@link LABEL_MAX} characters of letters
 * (Latin or Cyrillic, `ё` included), digits, `_` and `-`. So a label never
 * holds a space, a comma or markup: it is safe in Telegram HTML, a URL query
 * and a CSV cell, and `/label vip opt` is two labels. A client has at most
 * {@link LABELS_PER_CLIENT_MAX} labels.
 */

/** The longest label, in characters. */
export const LABEL_MAX = 32;
/** The most labels one client may carry (a filter tag, not a notebook). */
export const LABELS_PER_CLIENT_MAX = 20;
/** A normalised label: see the rule above. */
export const LABEL_PATTERN = /^[a-zа-яё0-9_-]{1,32}$/;

/** The label `typed` stands for (trimmed, `#` dropped, lower-case), or undefined when it breaks the rule. */
export function normaliseLabel(typed: string): string | undefined {
  const label = labelForm(typed);
  return LABEL_PATTERN.test(label) ? label : undefined;
}

/**
 * The form a typed label is compared in, valid or not yet (a word still being
 * typed, a filter's text): trimmed, without a leading «#», lower case.
 * normaliseLabel is this form, checked against LABEL_PATTERN.
 */
export function labelForm(typed: string): string {
  return typed.trim().replace(/^#/, '').toLowerCase();
}

/**
 * True when a label mixes Latin and Cyrillic letters («viр» with a Cyrillic
 * р): it looks like another label on screen («vip») while filters, broadcasts
 * and exports treat it as a different one, so a new label may not (old ones
 * can still be taken off).
 */
export function mixesScripts(label: string): boolean {
  return /[a-z]/.test(label) && /[а-яё]/.test(label);
}

/** Labels typed in one go in the topic (`/label vip, опт`): the pieces between spaces and commas, as typed. */
export function splitLabels(typed: string): string[] {
  return typed.split(/[\s,]+/).filter(Boolean);
}
