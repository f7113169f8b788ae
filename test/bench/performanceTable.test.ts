/**
 * docs/PERFORMANCE.md after `npm run bench -- <some>`: the named benchmarks'
 * rows are replaced, every other row stays with the date it was measured —
 * also when the file still has the older layout without that column.
 */
import { describe, expect, it } from 'vitest';
import { parseRows, performanceMarkdown, type RunResults } from '../../bench/run.js';
import type { Figure } from '../../bench/lib.js';

const LEGACY = `# Performance

Written by \`npm run bench\` (bench/run.ts); do not edit the figures by hand.

- Machine: 2 × AMD EPYC, 24 GiB RAM, Linux, Node v20.20.2
- Date: 2026-11-25 21:07 UTC
- Command: \`npm run bench -- relay\`

| area | what | measured | target | |
|---|---|---|---|---|
| Relay | inbound updates/s, PostgreSQL | 150/s | ≥ 500/s | ❌ |
| Memory | peak RSS of the app during that burst, PostgreSQL | 170 MB | ≤ 400 MB | ✅ |
## Where the time goes (analysis)

| share | where |
|---|---|
| 31–37 % | \`writev\` |
`;

const NOTES = '## Where the time goes (analysis)\n\n| share | where |\n|---|---|\n| 31–37 % | `writev` |\n';

function results(wanted: string[], measured: Record<string, Figure[]>, date: string): RunResults {
  return {
    wanted,
    measured: new Map(Object.entries(measured).map(([name, figures]) => [name, { figures, date }])),
    machine: 'test machine',
    date,
  };
}

const lcp: Figure = { area: 'Web', what: 'Largest Contentful Paint of the request page', value: '624 ms', target: '≤ 1 s', ok: true };

describe('a partial benchmark run', () => {
  it('keeps the rows of the benchmarks it did not run, with their own date, from a file of the older layout', () => {
    const written = performanceMarkdown(LEGACY, results(['lcp'], { lcp: [lcp] }, '2026-11-26 01:46 UTC, load 3.0'), NOTES);
    const rows = parseRows(written);
    expect(rows.map((r) => [r.benchmark, r.cells[2], r.date])).toEqual([
      ['relay', '150/s', '2026-11-25 21:07 UTC'],
      ['relay', '170 MB', '2026-11-25 21:07 UTC'],
      ['lcp', '624 ms', '2026-11-26 01:46 UTC, load 3.0'],
    ]);
    expect(written).toContain('- Command: `npm run bench -- lcp`');
    // The notes come once, below the figures, and their table is not read as figures.
    expect(written.split('## Where the time goes').length).toBe(2);
    expect(written.indexOf('624 ms')).toBeGreaterThan(0);
    expect(written.indexOf('624 ms')).toBeLessThan(written.indexOf('## Where the time goes'));
  });

  it('replaces only the rows of the benchmark it ran again', () => {
    const first = performanceMarkdown(LEGACY, results(['lcp'], { lcp: [lcp] }, '2026-11-26 01:46 UTC, load 3.0'), NOTES);
    const relay: Figure[] = [{ area: 'Relay', what: 'inbound updates/s, PostgreSQL', value: '512/s', target: '≥ 500/s', ok: true }];
    const second = parseRows(performanceMarkdown(first, results(['relay'], { relay }, '2026-11-27 09:00 UTC, load 0.4'), NOTES));
    expect(second.map((r) => [r.benchmark, r.cells[2], r.cells[4], r.date])).toEqual([
      ['relay', '512/s', '✅', '2026-11-27 09:00 UTC, load 0.4'],
      ['lcp', '624 ms', '✅', '2026-11-26 01:46 UTC, load 3.0'],
    ]);
  });

  it('a cell with a | in it reads back as written', () => {
    const piped: Figure = { area: 'Web', what: 'p50 | p99 of something', value: '1 | 2 ms' };
    const [row] = parseRows(performanceMarkdown(undefined, results(['lcp'], { lcp: [piped] }, '2026-11-26 01:46 UTC'), undefined));
    expect(row!.cells.slice(0, 4)).toEqual(['Web', 'p50 | p99 of something', '1 | 2 ms', '—']);
    expect(row!.benchmark).toBe('lcp');
  });
});
