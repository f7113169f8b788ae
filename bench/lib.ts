/** Small helpers shared by the benchmarks: statistics, machine facts, spawning the built app. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import type { Message } from '@grammyjs/types';
import pg from 'pg';
import { createPostgresDatabase } from '../test/helpers/database.js';
import type { TelegramEmulator } from '../src/sandbox/emulator.js';
import type { SandboxEvent } from '../src/sandbox/events.js';
import { NODE_ARGS, RUNTIME_ENV } from '../src/runtime.js';

export const root = path.resolve(import.meta.dirname, '..');

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (values: number[]) => quantile(values, 0.5);

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-'));
}

/** A fresh PostgreSQL database for a benchmark run (the tests' helper; BENCH_DATABASE_URL names the server). */
export function freshPostgres(serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres') {
  return createPostgresDatabase(serverUrl);
}

/** Starts the built app (`dist/main.js`) as `npm start` would, minus the build check. */
export function spawnBuilt(env: Record<string, string>): ChildProcess {
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the app.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  return spawn(process.execPath, [...NODE_ARGS, ...nodeArgs, path.join(root, 'dist/main.js')], {
    cwd: root,
    // The same Node flags and malloc settings as `npm start` (src/runtime.ts).
    env: { ...RUNTIME_ENV, PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    // BENCH_APP_LOGS=1 shows the app's log lines (LOG_LEVEL warn) among the benchmark's output.
    stdio: ['ignore', process.env.BENCH_APP_LOGS ? 'inherit' : 'ignore', 'inherit'],
  });
}

export async function waitFor(url: string, status = 200, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status === status) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${url} never answered ${status}`);
}

export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** CPU seconds (user + system) a process has used so far (Linux; 100 clock ticks a second). */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds used so far by the processes whose command line contains `text` (e.g. the PostgreSQL backends of one database). */
export function cpuSecondsOf(text: string): Map<number, number> {
  const used = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) used.set(Number(entry), cpuSeconds(Number(entry)));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return used;
}

/** The whole machine's CPU time so far, busy and total, in seconds of one core (Linux /proc/stat). */
export function machineCpu(): { busy: number; total: number } {
  const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const values = ticks.map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = values[3]! + (values[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

/** CPU seconds used while a meter ran, by process: the apps, the database's PostgreSQL backends, this process, the whole machine. */
export interface CpuUsed {
  apps: number[];
  postgres: number;
  /** This process: the emulator and the load generator. */
  bench: number;
  machine: number;
}

/** Starts counting CPU time; the returned function says what was used since. */
export function cpuMeter(appPids: number[], databaseName: string | undefined): () => CpuUsed {
  const apps = appPids.map(cpuSeconds);
  const postgres = databaseName ? cpuSecondsOf(databaseName) : new Map<number, number>();
  const bench = process.cpuUsage();
  const machine = machineCpu().busy;
  return () => {
    let postgresUsed = 0;
    if (databaseName) for (const [pid, used] of cpuSecondsOf(databaseName)) postgresUsed += used - (postgres.get(pid) ?? 0);
    const benchUsed = process.cpuUsage(bench);
    return {
      apps: appPids.map((pid, i) => cpuSeconds(pid) - apps[i]!),
      postgres: postgresUsed,
      bench: (benchUsed.user + benchUsed.system) / 1e6,
      machine: machineCpu().busy - machine,
    };
  };
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Waits until `check` is true, every `everyMs`; throws naming `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Calls `listener` on every change the emulator (in this process) records, right after it is recorded. */
export function onEmulatorEvent(emulator: TelegramEmulator, listener: (event: SandboxEvent) => void): void {
  const log = emulator.events;
  const emit = log.emit.bind(log);
  log.emit = (event) => {
    emit(event);
    listener(event as SandboxEvent);
  };
}

/** A group's message as the emulator holds it now. */
export function groupMessage(emulator: TelegramEmulator, chatId: number, messageId: number): Message | undefined {
  return (emulator.group(chatId)?.messages.get(messageId) as { message?: Message } | undefined)?.message;
}

/** One row of docs/PERFORMANCE.md. */
export interface Figure {
  area: string;
  what: string;
  value: string;
  target?: string;
  /** true = meets target, false = misses it, undefined = no target. */
  ok?: boolean;
}

/**
 * Waits until the outbox of the database at `url` has no pending row (what
 * the app had to send is sent), polling every `everyMs`; resolves with the ms
 * waited, or NaN once `timeoutMs` passed with rows still pending.
 */
export async function outboxSettled(url: string, timeoutMs = 120_000, everyMs = 50): Promise<number> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const started = Date.now();
  try {
    for (;;) {
      const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM telegram_outbox WHERE state = 'pending'");
      if (rows[0]!.n === '0') return Date.now() - started;
      if (Date.now() - started > timeoutMs) return NaN;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  } finally {
    await db.end();
  }
}
