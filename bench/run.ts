/**
 * `npm run bench`: runs every benchmark and rewrites docs/PERFORMANCE.md with
 * the machine, the date, the command and each figure beside its target.
 * `npm run bench -- startup relay` runs only the named ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { machine, root, type Figure } from './lib.js';

const benchmarks: Record<string, () => Promise<{ run(): Promise<Figure[]> }>> = {
  startup: () => import('./startup.js'),
  emulator: () => import('./emulator.js'),
  relay: () => import('./relay.js'),
  platform: () => import('./platform.js'),
  media: () => import('./media.js'),
};

function table(figures: Figure[]): string {
  const rows = figures.map(
    (f) => `| ${f.area} | ${f.what} | ${f.value} | ${f.target ?? '—'} | ${f.ok === undefined ? '' : f.ok ? '✅' : '❌'} |`,
  );
  return ['| area | what | measured | target | |', '|---|---|---|---|---|', ...rows].join('\n');
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(benchmarks);
  if (!fs.existsSync(path.join(root, 'dist/main.js'))) {
    console.log('Building first (npm run build)…');
    execSync('npm run build', { cwd: root, stdio: 'inherit' });
  }
  const figures: Figure[] = [];
  for (const name of names) {
    const load = benchmarks[name];
    if (!load) throw new Error(`Unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(', ')}`);
    console.log(`== ${name}`);
    const results = await (await load()).run();
    for (const f of results) console.log(`${f.what}: ${f.value}${f.target ? ` (target ${f.target})` : ''}`);
    figures.push(...results);
  }
  const file = path.join(root, 'docs/PERFORMANCE.md');
  const intro = [
    '# Performance',
    '',
    'Written by `npm run bench` (bench/run.ts); do not edit the figures by hand.',
    '',
    `- Machine: ${machine()}`,
    `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `- Command: \`npm run bench${wanted.length ? ` -- ${wanted.join(' ')}` : ''}\``,
    '',
    table(figures),
    '',
  ];
  const notesFile = path.join(root, 'docs/performance-notes.md');
  const notes = fs.existsSync(notesFile) ? ['', fs.readFileSync(notesFile, 'utf8')] : [];
  fs.writeFileSync(file, [...intro, ...notes].join('\n'));
  console.log(`Wrote ${path.relative(root, file)}`);
  process.exit(0);
}

void main();
