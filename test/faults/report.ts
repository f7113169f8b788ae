/**
 * The figures of the fault-injection suite: each scenario records its counts
 * (before asserting, so a failed run is reported too) into a JSON file per
 * scenario; the global teardown (globalSetup.ts) writes docs/RELIABILITY.md
 * from them once every scenario has run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the scenarios leave their results; globalSetup empties it before a run. */
export const RESULTS_DIR = path.join(os.tmpdir(), 'hotline-faults-results');

/** What one direction of the conversation shows: what was sent against what arrived. */
export interface Tally {
  sent: number;
  /** Distinct sent messages that arrived at least once. */
  delivered: number;
  /** Extra copies beyond the first (a repeat after a kill is counted apart). */
  duplicated: number;
  /** Whole Bot API messages sent twice in a row — the call in flight when the process was killed. */
  repeatedAfterKill: number;
  /** Arrived before a message that was sent earlier. */
  outOfOrder: number;
  lost: number;
  /** Arrived but never sent (garbled, or from somewhere else). */
  unexpected: number;
}

export interface ScenarioResult {
  /** File order: 1…5. */
  order: number;
  title: string;
  /** What was done, in one or two sentences (faults, durations, scaling). */
  setup: string;
  rows: Array<{ direction: string; tally: Tally }>;
  /** Seconds from the end of the fault until every message had arrived (null: never). */
  drainSeconds: number | null;
  /** Further facts worth a line (429s answered, webhook errors…). */
  notes: string[];
  passed?: boolean;
}

export function recordResult(file: string, result: ScenarioResult): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, `${file}.json`), JSON.stringify(result, null, 2));
}

export function readResults(): ScenarioResult[] {
  if (!fs.existsSync(RESULTS_DIR)) return [];
  return fs
    .readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, f), 'utf8')) as ScenarioResult)
    .sort((a, b) => a.order - b.order);
}

const mark = (ok: boolean) => (ok ? '✅' : '❌');

function table(result: ScenarioResult): string {
  const lines = [
    '| direction | sent | delivered | duplicated | repeated after kill | out of order | lost |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { direction, tally: t } of result.rows) {
    lines.push(
      `| ${direction} | ${t.sent} | ${t.delivered} | ${t.duplicated} ${mark(t.duplicated === 0)} | ${t.repeatedAfterKill} | ${t.outOfOrder} ${mark(t.outOfOrder === 0)} | ${t.lost} ${mark(t.lost === 0)} |`,
    );
  }
  return lines.join('\n');
}

function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${cpus.length} × ${model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

export function renderReport(results: ScenarioResult[], options: { command: string; seconds: number }): string {
  const date = new Date().toISOString().replace('T', ' ').slice(0, 16);
  const parts = [
    '# Reliability',
    '',
    'Written by `npm run test:faults` (test/faults, vitest.faults.config.ts); do not edit the figures by hand.',
    '',
    `- Machine: ${machine()}`,
    `- Date: ${date} UTC`,
    `- Command: \`${options.command}\` (the whole suite took ${Math.round(options.seconds)} s)`,
    '- Database: PostgreSQL (a fresh database per scenario)',
    '',
    'Each scenario runs Hotline against the Telegram emulator (src/sandbox) with',
    'Telegram\'s flood limits on in both, their windows shrunk as stated per scenario',
    '(`TELEGRAM_LIMITS_TIME_SCALE`; only the flood windows are scaled — injected',
    '`retry_after`, outages and restarts take their real time). Clients write',
    'into the bot; a manager answers each client message in the client\'s topic',
    'as soon as it shows there. Targets: lost 0, duplicated 0, out of order 0.',
    '',
    '**Counting.** *Client → topic* compares what each client sent with the',
    'lines of the bot\'s messages in that client\'s topic (the outbox may merge a',
    'backlogged client\'s consecutive texts into one message, one line each);',
    '*manager → client* compares the manager\'s answers with the bot\'s copies in',
    'the client\'s private chat. *Repeated after kill*: the outbox is',
    'at-least-once towards Telegram — a Bot API call in flight when the process',
    'is killed cannot be known to have arrived (the Bot API has no idempotency',
    'key), so it is sent again after the restart: the same whole message twice in',
    'a row, at most once per queue per kill. It is counted apart and tolerated',
    'only in the kill scenario; anywhere else a repeat counts as a duplicate.',
    '*Drain* is the time from the end of the fault until the last message had',
    'arrived.',
    '',
  ];
  parts.push(
    '**Found by these scenarios and fixed** (before the fix each failed or drained far slower):',
    '',
    '- PostgreSQL restart: a connection the server dropped while a transaction held it was an unhandled',
    '  `error` event that killed the process (src/db/index.ts now listens while a client is checked out).',
    '- Outbox fairness: with more busy chats than worker slots, queues were served in name order and kept',
    '  their slot while they had work, so the managers\' topics waited until the clients\' chats ran dry;',
    '  now the queue waiting longest goes first and a queue gives its slot back after 8 calls.',
    '- Topic creation and cards inside an outbox row used grammY\'s 60 s timeout, longer than the row\'s',
    '  20 s lease: a held call stalled the dialog for a minute and, with two instances, let the other one',
    '  take the row over mid-call. They use the outbox\'s 15 s call timeout now.',
    '- After an outage every queue had backed off to 30 s; rows backing off from network failures are now',
    '  due again as soon as one call goes through.',
    '- PostgreSQL restart, once in three runs: a call Telegram had taken could not be marked sent while the',
    '  database was away, so the row went out again after its lease (a merged message twice). The outbox',
    '  now retries recording a sent call until the database is back.',
    '- Disk full: the intake job failed silently (the document just stayed pending); it now records',
    '  «Не удалось сохранить файл, попробуем ещё раз: …» on the document until a retry stores it.',
    '',
  );
  for (const result of results) {
    parts.push(`## ${result.order}. ${result.title} ${mark(result.passed ?? false)}`, '', result.setup, '', table(result), '');
    parts.push(`Drain after the fault ended: ${result.drainSeconds === null ? 'did not drain' : `${result.drainSeconds.toFixed(1)} s`}.`, '');
    for (const note of result.notes) parts.push(`- ${note}`);
    if (result.notes.length) parts.push('');
  }
  return parts.join('\n');
}
