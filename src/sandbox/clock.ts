/**
 * The emulator's time for rules that count time between a bot's calls and
 * its updates (src/sandbox/updates.ts: a getUpdates repeated within 0.5 s or
 * 3 s, update ids chosen anew after a week without updates). It is the wall
 * clock plus an offset that only moves forward, so a test can let a week pass
 * in no time; nothing else in the emulator follows it (message dates stay on
 * the wall clock).
 */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the emulator's time forward by `ms` (tests: "a week passes"). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`the clock only moves forward (asked ${ms} ms)`);
    this.offsetMs += ms;
  }
}
