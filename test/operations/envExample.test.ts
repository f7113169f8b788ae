/**
 * `.env.example` is where an operator reads what can be set (README: «every
 * setting is listed there»): each setting Hotline reads has its line there,
 * and no line names a setting Hotline does not read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../src/config.js';

const example = fs.readFileSync(path.join(import.meta.dirname, '../../.env.example'), 'utf8');
/** Names given a value in the file, commented out (`# NAME=…`) or not. */
const listed = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]{2,})=/gm)].map((match) => match[1]!));

describe('.env.example', () => {
  it('lists every setting Hotline reads, with a value to copy', () => {
    expect(SETTING_NAMES.filter((name) => !listed.has(name))).toEqual([]);
  });

  it('names no setting Hotline does not read', () => {
    expect([...listed].filter((name) => !SETTING_NAMES.includes(name))).toEqual([]);
  });
});
