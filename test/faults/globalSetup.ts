/**
 * Empties the results before the suite and writes docs/RELIABILITY.md after
 * it — only when every scenario ran (a run of one file prints its tables
 * instead of overwriting the document with a part of it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { readResults, renderReport, RESULTS_DIR } from './report.js';

/** The scenario files of test/faults. */
const SCENARIOS = 9;
const DOC = path.resolve(import.meta.dirname, '../../docs/RELIABILITY.md');

let started = 0;

export function setup(): void {
  started = Date.now();
  fs.rmSync(RESULTS_DIR, { recursive: true, force: true });
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
}

export function teardown(): void {
  const results = readResults();
  if (results.length === 0) return;
  const report = renderReport(results, { command: 'npm run test:faults', seconds: (Date.now() - started) / 1000 });
  if (results.length === SCENARIOS) {
    fs.writeFileSync(DOC, report);
    process.stdout.write(`\nFault-injection figures written to ${path.relative(process.cwd(), DOC)}\n`);
  } else {
    process.stdout.write(`\n${report}\n(${results.length} of ${SCENARIOS} scenarios ran: docs/RELIABILITY.md left as it was)\n`);
  }
}
