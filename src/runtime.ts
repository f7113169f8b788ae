/**
 * How the server process is started (`npm start` → scripts/start.mjs; the
 * benchmarks start `dist/main.js` the same way): Node flags and environment
 * that keep an idle instance small. Both were measured with `npm run bench --
 * startup` (docs/PERFORMANCE.md, "Memory"); without them an idle embedded
 * instance sat at ~300 MB, most of it memory the process had used once while
 * starting and kept.
 */

/**
 * `--max-semi-space-size=8` (MB): V8's young generation grows under
 * start-up's allocation (to ~58 MB in the measurement of 2026-11-30) and does
 * not shrink while the process idles. 8 MB semi-spaces cap it near 16 MB
 * (measured: 15 MB). Trade-off: a young collection every 8 MB allocated
 * instead of every few tens of MB, i.e. more, shorter scavenges under load;
 * the relay benchmark's throughput rows are measured with it. What start-up
 * grew is shrunk once when it is over (src/memory.ts, `compactHeap`).
 * Source: `node --v8-options` ("max size of a semi-space (in MBytes), the new
 * space consists of two semi-spaces").
 */
export const NODE_ARGS: readonly string[] = ['--max-semi-space-size=8'];

/**
 * glibc malloc: buffers of 128 KiB and more are mapped on their own and given
 * back to the system when freed. glibc's default starts there but raises the
 * threshold up to 32 MB each time such a buffer is freed, after which start-up's
 * big temporary buffers (PGlite reading its 9 MB WebAssembly module and 6 MB
 * file bundle, compiling PostgreSQL) land in the heap and stay resident as free
 * but unreturned memory. Setting the variable fixes the threshold. Source:
 * mallopt(3), M_MMAP_THRESHOLD and "dynamic mmap threshold". An operator's
 * own value wins.
 */
export const RUNTIME_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072' };

/** `env` with RUNTIME_ENV's settings where `env` does not set them itself. */
export function runtimeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...RUNTIME_ENV, ...env };
}
