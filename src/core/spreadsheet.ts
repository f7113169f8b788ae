/**
 * Cells of a CSV file that a spreadsheet opens (the export of clients).
 *
 * Formula injection (OWASP, «CSV Injection»): a spreadsheet treats a cell
 * that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as a
 * formula, so a client named `=HYPERLINK(…)` would run in the manager's
 * Excel. OWASP's rule: prefix such a cell with a single quote `'`, which the
 * spreadsheet shows as text. Applied to every text cell of a CSV (an XLSX
 * cell is typed as a string and never evaluated, so it is written as is).
 */

/** The characters that make a spreadsheet read a cell as a formula (OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** `value`, made safe to open in a spreadsheet: `'` before a formula-like start (OWASP). */
export function csvSafe(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
