/**
 * Emulator throughput: sendMessage with flood limits off, driven by N
 * concurrent keep-alive HTTP clients for a few seconds, three runs. The
 * emulator runs in a child process so that it and the load generator each get
 * a core of the 2-core machine. The clients use node:http with a keep-alive
 * agent: Node 20's fetch costs more CPU per call than the emulator itself
 * (measured here: ~900 calls/s with fetch against ~9,500 with node:http), so
 * it would measure the load generator, not the emulator. BENCH_CLIENT=fetch
 * measures with fetch anyway.
 *
 * `npx tsx bench/emulator.ts` prints the result as JSON on stdout;
 * `run()` returns it as docs/PERFORMANCE.md figures.
 * BENCH_CONCURRENCY (default 32) and BENCH_SECONDS (default 5) tune it.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startEmulator } from '../src/sandbox/standalone.js';
import { median, quantile, type Figure } from './lib.js';

const TOKEN = '7000000001:AAHotlineBenchmarkToken';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = 3;
const CHATS = 50;
const TARGET = 3000;

interface Run {
  calls_per_second: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

export interface EmulatorBenchmark {
  name: 'emulator.sendMessage';
  client: 'node:http' | 'fetch';
  concurrency: number;
  seconds_per_run: number;
  runs: Run[];
  /** Median of the runs. */
  calls_per_second: number;
  p50_ms: number;
  p99_ms: number;
  target_calls_per_second: number;
}

/** Child process: an emulator with one bot and CHATS clients who started it. */
async function serve(): Promise<void> {
  const started = await startEmulator();
  started.emulator.createBot({ token: TOKEN, username: 'bench_bot', firstName: 'Bench' });
  const chatIds: number[] = [];
  for (let i = 0; i < CHATS; i++) {
    const user = await started.control.createUser({ first_name: `Client ${i}` });
    await started.control.sendMessage({ from: user.id, text: '/start' });
    chatIds.push(user.id);
  }
  process.stdout.write(`${JSON.stringify({ apiRoot: started.apiRoot, chatIds })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void started.close().then(() => process.exit(0)));
}

const USE_FETCH = process.env.BENCH_CLIENT === 'fetch';

/** One keep-alive POST; resolves with the status once the body is read. */
async function post(agent: http.Agent, url: URL, body: string): Promise<number> {
  if (USE_FETCH) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await response.arrayBuffer();
    return response.status;
  }
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    request.once('error', reject);
    request.end(body);
  });
}

async function measure(apiRoot: string, chatIds: number[], seconds: number): Promise<Run> {
  const url = new URL(`${apiRoot}/bot${TOKEN}/sendMessage`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const chatId = chatIds[(worker + i * CONCURRENCY) % chatIds.length];
        const sent = performance.now();
        const status = await post(agent, url, JSON.stringify({ chat_id: chatId, text: `message ${i} from worker ${worker}` }));
        if (status !== 200) errors++;
        latencies.push(performance.now() - sent);
      }
    }),
  );
  agent.destroy();
  const elapsed = (performance.now() - started) / 1000;
  const round = (n: number) => Math.round(n * 100) / 100;
  return { calls_per_second: Math.round(latencies.length / elapsed), p50_ms: round(quantile(latencies, 0.5)), p99_ms: round(quantile(latencies, 0.99)), errors };
}

export async function benchmark(): Promise<EmulatorBenchmark> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const [line] = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
    const { apiRoot, chatIds } = JSON.parse(line!) as { apiRoot: string; chatIds: number[] };
    await measure(apiRoot, chatIds, 1); // warm-up: JIT and connections
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(apiRoot, chatIds, SECONDS));
    const middle = runs.find((r) => r.calls_per_second === median(runs.map((x) => x.calls_per_second)))!;
    return {
      name: 'emulator.sendMessage',
      client: USE_FETCH ? 'fetch' : 'node:http',
      concurrency: CONCURRENCY,
      seconds_per_run: SECONDS,
      runs,
      calls_per_second: middle.calls_per_second,
      p50_ms: middle.p50_ms,
      p99_ms: middle.p99_ms,
      target_calls_per_second: TARGET,
    };
  } finally {
    child.stdin!.end();
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

export async function run(): Promise<Figure[]> {
  const result = await benchmark();
  return [
    {
      area: 'sandbox',
      what: `emulator sendMessage, ${result.concurrency} keep-alive clients, limits off (median of ${RUNS} × ${result.seconds_per_run} s)`,
      value: `${result.calls_per_second} calls/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms`,
      target: `≥ ${TARGET} calls/s`,
      ok: result.calls_per_second >= TARGET,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === 'serve') await serve();
  else process.stdout.write(`${JSON.stringify(await benchmark(), null, 2)}\n`);
}
