/**
 * Fault injection for Bot API calls: a share of calls answers 500, a share is
 * held and never applied (the client times out, as on a broken network), a
 * share answers 429; `latencyMs` answers every call late (a slow network).
 * With a seed the sequence of faults is reproducible.
 * `unreachable` takes the whole Bot API (calls and file downloads, getUpdates
 * too) off the network: every connection is dropped, open ones included.
 * `lateRate` is the fault a held call is not: the call is *applied* at once
 * and its answer comes `lateMs` later — or never (`lateMs` unset: the
 * connection is dropped after `holdMs`). The Bot API has no idempotency key,
 * so a client that gave up cannot tell this from a call never applied.
 */
export interface FaultSettings {
  /** Share of calls answering 500 "Internal Server Error", 0…1. */
  errorRate: number;
  /** Share of calls held without an answer until the client gives up, 0…1. */
  timeoutRate: number;
  /** Share of calls answering 429 with `retryAfter`, 0…1. */
  tooManyRate: number;
  /** Seconds in the injected 429s. */
  retryAfter: number;
  /** When set, each injected 429 asks for a random whole number of seconds from `retryAfter` to this. */
  retryAfterMax?: number;
  /** Makes the faults deterministic. */
  seed?: number;
  /** Methods affected (case-insensitive); default all but getUpdates. */
  methods?: string[];
  /** How long a held call waits for the client to give up before the socket is dropped. */
  holdMs: number;
  /** The Bot API cannot be reached: connections are dropped without an answer. */
  unreachable: boolean;
  /** A slow network: each call (of `methods`) is applied at once and answered this many ms later. */
  latencyMs: number;
  /** Share of calls applied at once but answered late (`lateMs`) or never, 0…1. */
  lateRate: number;
  /** How late the answer of a `late` call comes; undefined: never (dropped after `holdMs`). */
  lateMs?: number;
}

export type Fault = 'error' | 'timeout' | 'too_many' | 'unreachable' | 'late';

export const NO_FAULTS: FaultSettings = { errorRate: 0, timeoutRate: 0, tooManyRate: 0, retryAfter: 1, holdMs: 120_000, unreachable: false, latencyMs: 0, lateRate: 0 };

/** mulberry32: tiny, fast, good enough to spread faults (and reproducible from a seed). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  settings: FaultSettings = NO_FAULTS;
  private random: () => number = Math.random;
  private methods: Set<string> | undefined;
  private active = false;
  /** Called when the Bot API goes off the network, to drop the connections open at that moment. */
  onUnreachable: (() => void) | undefined;

  configure(settings: Partial<FaultSettings>): FaultSettings {
    const wasUnreachable = this.settings.unreachable;
    this.settings = { ...NO_FAULTS, ...settings };
    if (this.settings.unreachable && !wasUnreachable) this.onUnreachable?.();
    this.random = settings.seed === undefined ? Math.random : seeded(settings.seed);
    this.methods = settings.methods && new Set(settings.methods.map((m) => m.toLowerCase()));
    this.active = this.settings.errorRate + this.settings.timeoutRate + this.settings.tooManyRate + this.settings.lateRate > 0;
    return this.settings;
  }

  /** How long the answer to a call of `method` (lower-case) waits after the call is applied. */
  latency(method: string): number {
    if (this.settings.latencyMs <= 0) return 0;
    if (this.methods ? !this.methods.has(method) : method === 'getupdates') return 0;
    return this.settings.latencyMs;
  }

  /** `method` is lower-case. */
  pick(method: string): Fault | undefined {
    if (!this.active) return undefined;
    if (this.methods ? !this.methods.has(method) : method === 'getupdates') return undefined;
    const roll = this.random();
    const { errorRate, timeoutRate, tooManyRate, lateRate } = this.settings;
    if (roll < errorRate) return 'error';
    if (roll < errorRate + timeoutRate) return 'timeout';
    if (roll < errorRate + timeoutRate + tooManyRate) return 'too_many';
    if (roll < errorRate + timeoutRate + tooManyRate + lateRate) return 'late';
    return undefined;
  }

  /** The `retry_after` of an injected 429. */
  retryAfter(): number {
    const { retryAfter, retryAfterMax } = this.settings;
    if (retryAfterMax === undefined || retryAfterMax <= retryAfter) return retryAfter;
    return retryAfter + Math.floor(this.random() * (retryAfterMax - retryAfter + 1));
  }
}
