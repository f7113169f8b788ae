/**
 * Cells of a CSV file that a spreadsheet opens (the export of clients).
 *
 * Formula injection (OWASP, «CSV Injection»): a spreadsheet treats a cell
 * that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as a
 * formula, so a client named `=HYPERLINK(…)` would run in the manager's
 * Excel. OWASP's rule: prefix such a cell with a single quote `'`, which the
 * spreadsheet shows as text. Applied to every text cell of a CSV (an XLSX
 * cell is typed as a string and never evaluated, so it is written as is).
 *
 * Money: the app keeps amounts as decimal strings (`125000.60`, core/money),
 * never floats. A spreadsheet needs them as numbers to add them up, so they
 * become numbers here, at the file's boundary only: `spreadsheetNumber` for an
 * XLSX number cell, `csvDecimal` for the decimal separator a CSV's reader
 * expects.
 */

/** The characters that make a spreadsheet read a cell as a formula (OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** `value`, made safe to open in a spreadsheet: `'` before a formula-like start (OWASP). */
export function csvSafe(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** A plain decimal as the app stores money: optional minus, digits, optional `.` and digits (no exponent, no grouping). */
const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;

/**
 * The most significant digits a decimal may have and still be a spreadsheet
 * number exactly: 15 — IEEE 754 double's DBL_DIG (any decimal of at most 15
 * significant digits converts to a double that reads back as the same
 * decimal to 15 digits) and the precision Excel keeps and shows.
 */
export const SPREADSHEET_DIGITS = 15;

/**
 * A decimal string (`125000.60`) as the number an XLSX cell holds, or null
 * when it cannot be one exactly: not a plain decimal, or more than
 * SPREADSHEET_DIGITS significant digits (such a value is written as text, so
 * no digit is lost). The only place money becomes a float: the number goes
 * straight into the file, where Excel reads it back as the same decimal.
 */
export function spreadsheetNumber(decimal: string): number | null {
  if (!PLAIN_DECIMAL.test(decimal)) return null;
  const significant = decimal.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  if (significant.length > SPREADSHEET_DIGITS) return null;
  const value = Number(decimal);
  return Number.isFinite(value) ? value : null;
}

/**
 * A decimal string (`125000.60`) as a CSV cell that the reader's spreadsheet
 * reads as a number: Russian (`;`-separated files, a Russian Windows' list
 * separator) with a decimal comma — `125000,60`; with a point a Russian Excel
 * takes it for text, and `1.5` for a date. English keeps the point. Anything
 * but a plain decimal goes through csvSafe unchanged otherwise. A plain
 * decimal needs no formula guard: digits with one separator and an optional
 * leading minus are a number to every spreadsheet, never a formula.
 */
export function csvDecimal(decimal: string, language: 'ru' | 'en'): string {
  if (!PLAIN_DECIMAL.test(decimal)) return csvSafe(decimal);
  return language === 'ru' ? decimal.replace('.', ',') : decimal;
}
