/**
 * docs/sandbox.md's coverage table tells the truth: every Bot API method has
 * a row, and a row says "yes" exactly when the emulator answers the method —
 * the others answer the explicit "not emulated" error, never a 404.
 */
import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BOT_API_METHODS } from '../../src/sandbox/methods/catalogue.js';
import { methods } from '../../src/sandbox/methods/index.js';

const rows = new Map(
  [...fs.readFileSync(new URL('../../docs/sandbox.md', import.meta.url), 'utf8').matchAll(/^\| `([A-Za-z]+)` \| (yes|no) \|/gm)].map((m) => [m[1]!, m[2]!]),
);

describe('docs/sandbox.md coverage table', () => {
  test('lists every Bot API method', () => {
    expect(BOT_API_METHODS.filter((name) => !rows.has(name))).toEqual([]);
  });

  test('says "yes" exactly for the methods the emulator answers', () => {
    const wrong = BOT_API_METHODS.filter((name) => (rows.get(name) === 'yes') !== methods.has(name.toLowerCase()));
    expect(wrong).toEqual([]);
  });

  test('every method the emulator answers is a real Bot API method (no typos registered)', () => {
    const known = new Set(BOT_API_METHODS.map((name) => name.toLowerCase()));
    expect([...methods.keys()].filter((name) => !known.has(name))).toEqual([]);
  });
});
