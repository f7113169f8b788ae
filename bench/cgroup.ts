/**
 * Simulated separate machines for the benchmarks: cgroup v1 CPU bandwidth
 * (CFS quota). A group gets `cores` of CPU time per period (a quota of 0.4
 * = 40 ms of every 100 ms, however many cores the machine has); a process
 * moved into it (all its threads, and the children it starts later) is
 * throttled to that.
 *
 * Up to its quota a group also weighs 8 ordinary processes (`cpu.shares`), so
 * other work on a shared machine delays it less: the quota caps, the weight
 * keeps it from being crowded out.
 *
 * Needs root and the v1 `cpu` controller mounted at /sys/fs/cgroup/cpu (the
 * `cpuacct` controller, here mounted on its own at /sys/fs/cgroup/cpuacct,
 * is used for the group's CPU time when it is there; otherwise /proc). cgroup v2's
 * `cpu.max` is not handled: `cgroupSkipReason()` names why a benchmark skips.
 *
 * Groups are named `hotline-bench-<pid>-<name>`; each is removed by
 * `destroy()`, and every group this process made is removed on exit too (its
 * processes moved back to the root group first), so a failed run leaves none.
 */
import fs from 'node:fs';
import path from 'node:path';

const CPU_ROOT = '/sys/fs/cgroup/cpu';
const CPUACCT_ROOT = '/sys/fs/cgroup/cpuacct';
/** CFS period, microseconds (the kernel's default). */
const PERIOD_US = 100_000;
/** cpu.shares of a group: 8 × an ordinary process's 1024. */
const SHARES = 8 * 1024;

const live = new Set<CpuGroup>();
let exitHookInstalled = false;

/** Why CPU quotas cannot be used here, or null when they can (root, cgroup v1 `cpu` writable). */
export function cgroupSkipReason(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform}): no cgroups`;
  if (!fs.existsSync(path.join(CPU_ROOT, 'cpu.cfs_quota_us'))) {
    return `cgroup v1 cpu controller not mounted at ${CPU_ROOT} (cgroup v2 cpu.max is not handled; as root: mount -t cgroup -o cpu cgroup ${CPU_ROOT})`;
  }
  const probe = path.join(CPU_ROOT, `hotline-bench-probe-${process.pid}`);
  try {
    fs.mkdirSync(probe);
    fs.writeFileSync(path.join(probe, 'cpu.cfs_quota_us'), String(PERIOD_US / 2));
    return null;
  } catch (error) {
    return `cannot create a cgroup with a CPU quota under ${CPU_ROOT} (${(error as NodeJS.ErrnoException).code ?? String(error)}; needs root)`;
  } finally {
    try {
      fs.rmdirSync(probe);
    } catch {
      // was never made
    }
  }
}

function removeGroup(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const parent = path.dirname(dir);
  // A group with processes in it cannot be removed: move them back to the parent first.
  for (let attempt = 0; attempt < 20; attempt++) {
    const pids = fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        fs.writeFileSync(path.join(parent, 'cgroup.procs'), pid);
      } catch {
        // exited meanwhile
      }
    }
    try {
      fs.rmdirSync(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EBUSY') throw error;
    }
  }
  throw new Error(`could not remove cgroup ${dir}`);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const group of live) group.destroy();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const group of live) group.destroy();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
}

/** One simulated machine: a cgroup v1 with a CPU quota. */
export class CpuGroup {
  readonly dir: string;
  private readonly acctDir: string | undefined;

  private constructor(
    readonly name: string,
    /** CPU quota in cores (0.4 = 40 % of one core). */
    readonly cores: number,
  ) {
    this.dir = path.join(CPU_ROOT, `hotline-bench-${process.pid}-${name}`);
    fs.mkdirSync(this.dir);
    fs.writeFileSync(path.join(this.dir, 'cpu.cfs_period_us'), String(PERIOD_US));
    fs.writeFileSync(path.join(this.dir, 'cpu.cfs_quota_us'), String(Math.round(cores * PERIOD_US)));
    // A machine of its own is also not preempted by the rest of this (shared) machine's load: up to
    // its quota, the group weighs as much as SHARES ordinary processes (the default weight is 1024).
    fs.writeFileSync(path.join(this.dir, 'cpu.shares'), String(SHARES));
    // cpuacct mounted separately (as here) needs a group of its own to count the same processes.
    if (fs.existsSync(path.join(CPUACCT_ROOT, 'cpuacct.usage')) && path.resolve(CPUACCT_ROOT) !== path.resolve(CPU_ROOT)) {
      const acct = path.join(CPUACCT_ROOT, path.basename(this.dir));
      try {
        fs.mkdirSync(acct);
        this.acctDir = acct;
      } catch {
        this.acctDir = undefined;
      }
    } else if (fs.existsSync(path.join(this.dir, 'cpuacct.usage'))) {
      this.acctDir = this.dir;
    }
  }

  /**
   * Makes a group with a quota of `cores` (> 0; may exceed 1 on a machine with
   * several cores). Throws when cgroups are not writable: call
   * `cgroupSkipReason()` first.
   */
  static create(name: string, cores: number): CpuGroup {
    if (!(cores > 0)) throw new Error(`CPU quota must be > 0 cores, got ${cores}`);
    installExitHook();
    const group = new CpuGroup(name, cores);
    live.add(group);
    return group;
  }

  /** Moves process `pid` (all its threads; its later children follow) into the group. */
  add(pid: number): void {
    fs.writeFileSync(path.join(this.dir, 'cgroup.procs'), String(pid));
    if (this.acctDir && this.acctDir !== this.dir) fs.writeFileSync(path.join(this.acctDir, 'cgroup.procs'), String(pid));
  }

  /** CPU seconds used by the group's processes since it was made (cpuacct), or undefined without cpuacct. */
  usageSeconds(): number | undefined {
    if (!this.acctDir) return undefined;
    return Number(fs.readFileSync(path.join(this.acctDir, 'cpuacct.usage'), 'utf8')) / 1e9;
  }

  /** Periods so far, periods in which the group was throttled, and seconds it spent throttled (cpu.stat). */
  throttling(): { periods: number; throttled: number; throttledSeconds: number } {
    const stat = Object.fromEntries(
      fs
        .readFileSync(path.join(this.dir, 'cpu.stat'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [key, value] = line.split(' ');
          return [key!, Number(value)];
        }),
    );
    return { periods: stat.nr_periods ?? 0, throttled: stat.nr_throttled ?? 0, throttledSeconds: (stat.throttled_time ?? 0) / 1e9 };
  }

  /** Moves any processes left back to the root group and removes the group (idempotent). */
  destroy(): void {
    if (!live.has(this)) return;
    live.delete(this);
    removeGroup(this.dir);
    if (this.acctDir && this.acctDir !== this.dir) removeGroup(this.acctDir);
  }
}
