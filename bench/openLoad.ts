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
 * Each request carries its place in the schedule (0-based) in an
 * `x-load-sequence` header: over several connections the server may see them
 * in another order, so a test server keys its answers on that, not on the
 * order it serves them.
 *
 * The first WARMUP_SECONDS of the schedule are sent but not counted: a fresh
 * generator is not ready to keep a schedule. Measured 2026-11-30 (platform
 * benchmark, generator in a cgroup of 0.5 core): starting it (tsx compiling
 * this file) used up the group's quota in every one of its first 5–7
 * 100 ms periods, and the first 100–200 ms of requests then went out up to
 * 75 ms late — 20–40 of a run's 1,000 requests, enough to be its p99.
 *
 * `tsx bench/openLoad.ts <url> <rate/s> <seconds> <connections> [cookie]`
 * prints one JSON line: { p50, p99, max (ms), rps (answered per second), errors (non-2xx or failed),
 * late (requests sent more than 5 ms after their time: the generator's own stalls), throttled (CFS periods in which
 * the generator's own cgroup ran out of quota while measuring; null where it has no cgroup v1 quota) }.
 */
import fs from 'node:fs';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { quantile } from './lib.js';

export interface OpenLoadResult {
  p50: number;
  p99: number;
  max: number;
  rps: number;
  errors: number;
  late: number;
  throttled: number | null;
}

/** Seconds of the schedule sent before the measured part starts (not counted). */
export const WARMUP_SECONDS = 1;

/** `nr_throttled` of this process's cgroup v1 `cpu` controller, or null without one. */
function throttledPeriods(): number | null {
  try {
    const line = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => /^\d+:(?:[^:]*,)?cpu(?:,[^:]*)?:/.test(l));
    if (!line) return null;
    const stat = fs.readFileSync(`/sys/fs/cgroup/cpu${line.slice(line.lastIndexOf(':') + 1)}/cpu.stat`, 'utf8');
    const value = /nr_throttled (\d+)/.exec(stat)?.[1];
    return value === undefined ? null : Number(value);
  } catch {
    return null;
  }
}

/** Sends `rate` × `seconds` GETs to `url` on schedule; see the file's comment. */
export async function openLoad(url: string, rate: number, seconds: number, connections: number, cookie = ''): Promise<OpenLoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const warmup = Math.round(rate * WARMUP_SECONDS);
  const total = warmup + Math.round(rate * seconds);
  const latencies: number[] = [];
  let errors = 0;
  let late = 0;
  const start = performance.now();
  const measuredFrom = start + (warmup * 1000) / rate;
  const one = (index: number, scheduled: number, counted: boolean) =>
    new Promise<void>((resolve) => {
      if (counted && performance.now() - scheduled > 5) late++;
      const request = http.get(url, { agent, headers: { cookie, 'x-load-sequence': String(index) } }, (response) => {
        response.resume();
        response.on('end', () => {
          if (counted) {
            if ((response.statusCode ?? 0) >= 300) errors++;
            latencies.push(performance.now() - scheduled);
          }
          resolve();
        });
      });
      request.on('error', () => {
        if (counted) errors++;
        resolve();
      });
    });
  const pending: Promise<void>[] = [];
  let throttledBefore: number | null = null;
  for (let i = 0; i < total; i++) {
    const scheduled = start + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (i === warmup) throttledBefore = throttledPeriods();
    pending.push(one(i, scheduled, i >= warmup));
  }
  await Promise.all(pending);
  const throttledAfter = throttledPeriods();
  const elapsed = (performance.now() - measuredFrom) / 1000;
  agent.destroy();
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: Math.max(...latencies),
    rps: latencies.length / elapsed,
    errors,
    late,
    throttled: throttledBefore === null || throttledAfter === null ? null : throttledAfter - throttledBefore,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url, rate, seconds, connections, cookie] = process.argv.slice(2);
  console.log(JSON.stringify(await openLoad(url!, Number(rate), Number(seconds), Number(connections), cookie ?? '')));
}
