/**
 * An open-loop load generator, run as its own process (so a benchmark can put
 * it in a cgroup of its own): GETs `url` at a fixed rate, request i
 * scheduled at start + i ÷ rate whatever the answers do, over keep-alive
 * connections (at most `connections`). A request's latency counts from its
 * scheduled time, not from when a free connection let it go, so a stall
 * shows in full (no coordinated omission). autocannon's `-R` sends each
 * second's requests in a burst at the start of the second, which measures its
 * own queueing instead.
 *
 * `tsx bench/openLoad.ts <url> <rate/s> <seconds> <connections> [cookie]`
 * prints one JSON line: { p50, p99, max (ms), rps (answered per second), errors (non-2xx or failed) }.
 */
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { quantile } from './lib.js';

export interface OpenLoadResult {
  p50: number;
  p99: number;
  max: number;
  rps: number;
  errors: number;
}

/** Sends `rate` × `seconds` GETs to `url` on schedule; see the file's comment. */
export async function openLoad(url: string, rate: number, seconds: number, connections: number, cookie = ''): Promise<OpenLoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const one = (scheduled: number) =>
    new Promise<void>((resolve) => {
      const request = http.get(url, { agent, headers: { cookie } }, (response) => {
        response.resume();
        response.on('end', () => {
          if ((response.statusCode ?? 0) >= 300) errors++;
          latencies.push(performance.now() - scheduled);
          resolve();
        });
      });
      request.on('error', () => {
        errors++;
        resolve();
      });
    });
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const scheduled = start + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(one(scheduled));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: Math.max(...latencies), rps: latencies.length / elapsed, errors };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url, rate, seconds, connections, cookie] = process.argv.slice(2);
  console.log(JSON.stringify(await openLoad(url!, Number(rate), Number(seconds), Number(connections), cookie ?? '')));
}
