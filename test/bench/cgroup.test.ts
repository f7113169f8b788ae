/**
 * The benchmarks' simulated machines (bench/cgroup.ts) and open-loop load
 * generator (bench/openLoad.ts): a group holds the quota it was given and
 * the process moved into it, and leaves nothing behind; the load generator
 * sends exactly the requests it was asked for and counts refusals.
 * Where cgroups are not writable (not root, no cgroup v1 `cpu`), the group
 * tests are skipped with the reason the benchmarks print.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CpuGroup, cgroupSkipReason } from '../../bench/cgroup.js';
import { openLoad, WARMUP_SECONDS } from '../../bench/openLoad.js';

const skip = cgroupSkipReason();

describe.skipIf(skip !== null)(`cgroup v1 CPU quota${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('holds its quota and the process moved into it, and is gone after destroy (the process lives on)', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const group = CpuGroup.create(`test-${process.pid}`, 0.3);
    try {
      group.add(child.pid!);
      expect(fs.readFileSync(path.join(group.dir, 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('30000');
      expect(fs.readFileSync(path.join(group.dir, 'cpu.cfs_period_us'), 'utf8').trim()).toBe('100000');
      expect(fs.readFileSync(path.join(group.dir, 'cgroup.procs'), 'utf8').split('\n')).toContain(String(child.pid));
      expect(group.throttling().periods).toBeGreaterThanOrEqual(0);
      group.destroy();
      expect(fs.existsSync(group.dir)).toBe(false);
      expect(child.exitCode).toBeNull();
      group.destroy(); // twice is harmless
    } finally {
      group.destroy();
      child.kill();
    }
  });

  it('refuses a quota that is not a positive number of cores', () => {
    expect(() => CpuGroup.create('test-zero', 0)).toThrow(/> 0 cores/);
  });
});

describe('open-loop load generator', () => {
  it('sends rate × seconds requests after its unmeasured warm-up, and counts the refused ones of the measured part', async () => {
    let served = 0;
    const server = http.createServer((request, response) => {
      served++;
      // Keyed on the request's place in the schedule: over five connections the server may serve them in another
      // order (a stalled socket), and a refusal keyed on the order served could fall on either side of the warm-up.
      const sequence = Number(request.headers['x-load-sequence']);
      response.statusCode = sequence % 10 === 9 ? 503 : 200;
      response.end(request.headers.cookie ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const result = await openLoad(`http://127.0.0.1:${port}/`, 100, 0.5, 5, 'a=b');
      // The warm-up second (100 requests at 100/s, sequence 0–99) goes first, uncounted; then the 50 measured ones
      // (100–149), of which the server refuses every tenth (109, 119, … 149): 5.
      expect(served).toBe(100 * WARMUP_SECONDS + 50);
      expect(result.errors).toBe(5);
      expect(result.p99).toBeGreaterThanOrEqual(result.p50);
    } finally {
      server.close();
    }
  });
});
