import { afterEach, describe, expect, it, vi } from 'vitest';
import v8 from 'node:v8';
import vm from 'node:vm';
import { compactHeap, resetFreeMemoryForTests, returnFreeMemory, type FfiLoader } from './memory.js';

afterEach(() => resetFreeMemoryForTests());

describe('returnFreeMemory', () => {
  it.runIf(process.platform === 'linux')('calls glibc malloc_trim through node:ffi here', () => {
    // Linux with glibc (this project's machines): true or false, never "cannot".
    expect(typeof returnFreeMemory()).toBe('boolean');
    // Opened once; later calls reuse it.
    expect(typeof returnFreeMemory(() => {
      throw new Error('not loaded again');
    })).toBe('boolean');
  });

  it('fails closed to undefined when node:ffi is missing, refused, or the symbol is not there', () => {
    expect(returnFreeMemory(() => undefined)).toBeUndefined();
    resetFreeMemoryForTests();
    const refused: FfiLoader = () => {
      throw Object.assign(new Error('Access to this API has been restricted'), { code: 'ERR_ACCESS_DENIED' });
    };
    expect(returnFreeMemory(refused)).toBeUndefined();
    resetFreeMemoryForTests();
    const noSymbol: FfiLoader = () => ({
      dlopen: () => {
        throw new Error('undefined symbol: malloc_trim');
      },
    });
    expect(returnFreeMemory(noSymbol)).toBeUndefined();
  });

  it('reports what malloc_trim says: 1 → true (memory returned), 0 → false', () => {
    const withResult =
      (result: number): FfiLoader =>
      () => ({ dlopen: () => ({ functions: { malloc_trim: () => result }, lib: { close() {} } }) });
    if (process.platform !== 'linux') {
      expect(returnFreeMemory(withResult(1))).toBeUndefined();
      return;
    }
    expect(returnFreeMemory(withResult(1))).toBe(true);
    resetFreeMemoryForTests();
    expect(returnFreeMemory(withResult(0))).toBe(false);
  });

  it("keeps node:ffi's ExperimentalWarning out of the log, and no other warning", () => {
    const emitted = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const original = process.emitWarning;
      const warns: FfiLoader = () => {
        process.emitWarning('FFI is an experimental feature and might change at any time', 'ExperimentalWarning');
        process.emitWarning('something else', 'Warning');
        return { dlopen: () => ({ functions: { malloc_trim: () => 1 }, lib: { close() {} } }) };
      };
      returnFreeMemory(warns);
      if (process.platform === 'linux') {
        expect(emitted.mock.calls.map((call) => call[0])).toEqual(['something else']);
      }
      expect(process.emitWarning).toBe(original);
    } finally {
      emitted.mockRestore();
    }
  });
});

describe('compactHeap', () => {
  it("shrinks V8's young generation that allocation had grown, and leaves no global gc behind", () => {
    const newSpace = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')!.space_size;
    // Short-lived garbage, as start-up makes: the young generation grows toward its maximum.
    let sink = 0;
    for (let i = 0; i < 2_000_000; i++) sink += { i, text: `row ${i}` }.text.length;
    expect(sink).toBeGreaterThan(0);
    const grown = newSpace();
    const ms = compactHeap();
    expect(typeof ms).toBe('number');
    expect(newSpace()).toBeLessThan(grown);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    expect(vm.runInNewContext('typeof gc')).toBe('undefined');
  });
});
