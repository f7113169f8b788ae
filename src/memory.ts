/**
 * Giving memory the process no longer uses back to the system.
 *
 * Two steps once start-up is over (src/main.ts): V8 first (`compactHeap`),
 * then glibc (`returnFreeMemory`).
 *
 * Start-up (PGlite reading its 9 MB WebAssembly module and 6 MB file bundle,
 * V8 compiling PostgreSQL's code on its background threads, the modules being
 * parsed) frees tens of MB of malloc'd memory that glibc keeps: free chunks in
 * the middle of its heaps are only returned by malloc_trim(3), never by
 * free() (which trims only a heap's top). Measured 2026-11-30 with gdb on an
 * idle embedded instance: RSS 231 → 211 MB after one malloc_trim(0).
 *
 * Node has no binding for malloc_trim; Node 26's `node:ffi` (experimental)
 * can call it. Everything here fails closed to "not trimmed": another libc
 * (musl, macOS), a Node without `node:ffi`, or a permission model that forbids
 * FFI (`--permission` without `--allow-ffi`) only leaves the memory where it is.
 */

import v8 from 'node:v8';
import vm from 'node:vm';

/** V8's `gc` function as the `--expose-gc` extension defines it (V8 src/extensions/gc-extension.cc). */
type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * Runs V8's memory-reducing full collection once ("last resort": full
 * collections until nothing more is freed, old space compacted, and the young
 * generation shrunk to its minimum; V8 src/extensions/gc-extension.cc →
 * `Heap::CollectAllAvailableGarbage`).
 *
 * Why: start-up's allocation grows the young generation to its maximum (two
 * 8 MB semi-spaces with src/runtime.ts's flag), and V8 shrinks it only when its
 * memory reducer runs — which it never does on an idle Hotline, whose pollers
 * allocate all the time (`--trace-memory-reducer`: "high alloc"). A plain
 * `gc()` leaves the young generation at its size. Measured 2026-12-01 on an
 * idle embedded instance 0.3 s after `/readyz` (3 interleaved pairs): RSS
 * 3 s after ready 210–216 MB without, 187–191 MB with; the young
 * generation grows back only as far as later load needs (still capped by
 * `--max-semi-space-size`). It stops the event loop once, 70–110 ms.
 *
 * The `gc` function comes from a fresh vm context created while the
 * `--expose-gc` flag is briefly on (the main context gets no global `gc`);
 * the flag is switched off again at once, so later contexts get none either.
 *
 * @returns the milliseconds the collection took, or undefined where this V8
 *   offers no `gc` function (the process then keeps its memory as it was).
 */
export function compactHeap(): number | undefined {
  let gc: GcFunction | undefined;
  try {
    v8.setFlagsFromString('--expose-gc');
    const found: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
    if (typeof found === 'function') gc = found as GcFunction;
  } catch {
    gc = undefined;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  if (!gc) return undefined;
  const started = performance.now();
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return performance.now() - started;
}

/** What `node:ffi`'s dlopen returns, as far as used here (Node 26: `{ arguments, return }` definitions). */
interface FfiLibrary {
  functions: { malloc_trim: (pad: bigint) => number };
  lib: { close(): void };
}
interface FfiModule {
  dlopen(path: string, definitions: Record<string, { arguments: string[]; return: string }>): FfiLibrary;
}

/** Loads `node:ffi`, or undefined where this Node has none. */
export type FfiLoader = () => FfiModule | undefined;

const nodeFfi: FfiLoader = () => process.getBuiltinModule('node:ffi') as unknown as FfiModule | undefined;

let trim: ((pad: bigint) => number) | null | undefined;

/**
 * Opens glibc's malloc_trim through `node:ffi` once. Node prints one
 * ExperimentalWarning for FFI; it is the only one expected here and says
 * nothing an operator can act on, so it is kept out of the log.
 */
function mallocTrim(load: FfiLoader): ((pad: bigint) => number) | null {
  // glibc only: musl (no libc.so.6, no malloc_trim) makes dlopen throw below.
  if (process.platform !== 'linux') return null;
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/^FFI is an experimental feature/.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    const ffi = load();
    if (!ffi) return null;
    return ffi.dlopen('libc.so.6', { malloc_trim: { arguments: ['uint64'], return: 'int32' } }).functions.malloc_trim;
  } catch {
    return null;
  } finally {
    process.emitWarning = emitWarning;
  }
}

/**
 * Returns free malloc memory to the system (glibc's `malloc_trim(0)`: free
 * pages anywhere in its heaps, not only at their tops). Takes well under a
 * millisecond on an idle instance (0.3 ms measured), holding each malloc
 * arena's lock meanwhile.
 *
 * @param load how `node:ffi` is loaded (tests pass a stand-in); read on the first call only.
 * @returns true if memory was returned, false if there was none to return,
 *   undefined where it cannot be done (not glibc, no `node:ffi`, FFI not permitted).
 */
export function returnFreeMemory(load: FfiLoader = nodeFfi): boolean | undefined {
  if (trim === undefined) trim = mallocTrim(load);
  if (!trim) return undefined;
  try {
    return trim(0n) === 1;
  } catch {
    return undefined;
  }
}

/** Forgets the opened malloc_trim (tests). */
export function resetFreeMemoryForTests(): void {
  trim = undefined;
}
