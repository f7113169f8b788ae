/**
 * `npm run bench`: runs every benchmark and rewrites docs/PERFORMANCE.md with
 * the machine, the date, the command and each figure beside its target.
 * `npm run bench -- startup relay` runs only the named ones; the rows of the
 * others are kept from the existing docs/PERFORMANCE.md with the date they
 * were measured (the last column), so a partial run erases nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { machine, root, type Figure } from './lib.js';

const benchmarks: Record<string, () => Promise<{ run(): Promise<Figure[]> }>> = {
  startup: () => import('./startup.js'),
  emulator: () => import('./emulator.js'),
  relay: () => import('./relay.js'),
  dealflow: () => import('./dealFlow.js'),
  platform: () => import('./platform.js'),
  lcp: () => import('./lcp.js'),
  scaleout: () => import('./scaleOut.js'),
  crash: () => import('./crash.js'),
  search: () => import('./search.js'),
  dashboard: () => import('./dashboard.js'),
  media: () => import('./media.js'),
  status: () => import('./dialogStatus.js'),
  budget: () => import('./budget.js'),
};

/** A table row as written: the figure, the benchmark that measured it and when. */
interface Row {
  cells: [area: string, what: string, value: string, target: string, ok: string];
  benchmark: string;
  date: string;
}

const escape = (cell: string) => cell.replace(/\|/g, '\\|');

function rowOf(figure: Figure, benchmark: string, date: string): Row {
  return {
    cells: [figure.area, figure.what, figure.value, figure.target ?? '—', figure.ok === undefined ? '' : figure.ok ? '✅' : '❌'],
    benchmark,
    date,
  };
}

function table(rows: Row[]): string {
  const lines = rows.map((r) => `| ${[...r.cells, `${r.benchmark}, ${r.date}`].map(escape).join(' | ')} |`);
  return ['| area | what | measured | target | | benchmark, measured on, load average |', '|---|---|---|---|---|---|', ...lines].join('\n');
}

/** Which benchmark wrote a row of a file from before the last column existed. */
const LEGACY_AREAS: Record<string, string> = { 'Start-up': 'startup', sandbox: 'emulator', Relay: 'relay', 'Platform API': 'platform', Web: 'platform', media: 'media' };

/** The rows of an existing docs/PERFORMANCE.md (either layout). */
export function parseRows(markdown: string): Row[] {
  const fileDate = /^- Date: (.+? UTC)/m.exec(markdown)?.[1] ?? 'unknown date';
  const command = /^- Command: `npm run bench(?: -- ([^`]*))?`/m.exec(markdown);
  const ran = command?.[1]?.trim().split(/\s+/) ?? [];
  const rows: Row[] = [];
  // Only the figures' table: the notes appended below have tables of their own.
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith('| area |'));
  if (start < 0) return rows;
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('| ')) break;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
    if (cells.length === 6) {
      const [benchmark, ...date] = cells[5]!.split(', ');
      rows.push({ cells: cells.slice(0, 5) as Row['cells'], benchmark: benchmark!, date: date.length ? date.join(', ') : fileDate });
    } else if (cells.length === 5) {
      // The older layout had one date for the whole file and no benchmark column.
      const benchmark = ran.length === 1 ? ran[0]! : (LEGACY_AREAS[cells[0]!] ?? (cells[1]!.includes('burst') ? 'relay' : 'startup'));
      rows.push({ cells: cells as Row['cells'], benchmark, date: fileDate });
    }
  }
  return rows;
}

/** What one run measured: each benchmark's figures with when it started (and the load then). */
export interface RunResults {
  /** The names given on the command line (none = all). */
  wanted: string[];
  measured: Map<string, { figures: Figure[]; date: string }>;
  machine: string;
  date: string;
}

/**
 * docs/PERFORMANCE.md after a run: the rows of the benchmarks that ran are
 * replaced, every other row of `existing` stays with its own date.
 */
export function performanceMarkdown(existing: string | undefined, run: RunResults, notes: string | undefined): string {
  const kept = existing ? parseRows(existing).filter((r) => !run.measured.has(r.benchmark)) : [];
  const fresh = (name: string) => {
    const result = run.measured.get(name);
    return result?.figures.map((f) => rowOf(f, name, result.date));
  };
  // Registry order; rows of benchmarks no longer registered stay at the end.
  const rows = [...Object.keys(benchmarks).flatMap((name) => fresh(name) ?? kept.filter((r) => r.benchmark === name)), ...kept.filter((r) => !benchmarks[r.benchmark])];
  const intro = [
    '# Performance',
    '',
    'Written by `npm run bench` (bench/run.ts); do not edit the figures by hand.',
    'A partial run (`npm run bench -- lcp`) replaces only its own rows; the last column says which benchmark measured a row and when.',
    '',
    `- Machine: ${run.machine}`,
    `- Date: ${run.date}`,
    `- Command: \`npm run bench${run.wanted.length ? ` -- ${run.wanted.join(' ')}` : ''}\``,
    '',
    table(rows),
    '',
  ];
  return [...intro, ...(notes === undefined ? [] : ['', notes])].join('\n');
}

const now = () => `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(benchmarks);
  for (const name of names) if (!benchmarks[name]) throw new Error(`Unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(', ')}`);
  if (!fs.existsSync(path.join(root, 'dist/main.js'))) {
    console.log('Building first (npm run build)…');
    execSync('npm run build', { cwd: root, stdio: 'inherit' });
  }
  const measured: RunResults['measured'] = new Map();
  for (const name of names) {
    console.log(`== ${name}`);
    // When it started, and the machine's load then (it may be shared), go beside its rows.
    const date = `${now()}, load ${os.loadavg()[0]!.toFixed(1)}`;
    const figures = await (await benchmarks[name]!()).run();
    for (const f of figures) console.log(`${f.what}: ${f.value}${f.target ? ` (target ${f.target})` : ''}`);
    measured.set(name, { figures, date });
  }
  const file = path.join(root, 'docs/PERFORMANCE.md');
  const notesFile = path.join(root, 'docs/performance-notes.md');
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);
  fs.writeFileSync(file, performanceMarkdown(read(file), { wanted, measured, machine: machine(), date: now() }, read(notesFile)));
  console.log(`Wrote ${path.relative(root, file)}`);
  process.exit(0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
