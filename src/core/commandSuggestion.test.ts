import { describe, expect, it } from 'vitest';
import { suggestCommand, type KnownCommand } from './commandSuggestion.js';

const known: KnownCommand[] = [
  { command: 'new', example: '/new', takesValue: false },
  { command: 'rate', example: '/rate 12.25' },
  { command: 'fee', example: '/fee 1.5' },
  { command: 'fixed', example: '/fixed 500' },
  { command: 'purpose', example: '/purpose Оплата по контракту № 15 от 01.10.2026 за товары' },
  { command: 'skip', example: '/skip', takesValue: false },
  { command: 'unskip', example: '/unskip', takesValue: false },
  { command: 'help', example: '/help', takesValue: false },
  { command: 'hold', example: '/hold', takesValue: false },
];

describe('a command typed wrong gets the nearest known one in its right form', () => {
  it.each([
    ['/rate12.30', 'rate', '/rate 12.30'],
    ['/rate12,30', 'rate', '/rate 12,30'],
    ['/RATE12.30', 'rate', '/rate 12.30'],
    ['/fee1,5%', 'fee', '/fee 1,5%'],
    ['/raet 12.30', 'rate', '/rate 12.30'],
    ['/rat 12.30', 'rate', '/rate 12.30'],
    ['/fixd500', 'fixed', '/fixed 500'],
    ['/neww', 'new', '/new'],
    ['/hepl', 'help', '/help'],
    ['/purpse', 'purpose', '/purpose Оплата по контракту № 15 от 01.10.2026 за товары'],
    ['/кфеу 12.30', 'rate', '/rate 12.30'],
    ['/unskp', 'unskip', '/unskip'],
  ])('%s → %s', (typed, command, form) => {
    expect(suggestCommand(typed, known)).toMatchObject({ command, form });
  });

  it.each([
    ['/hold.', '/hold'],
    ['/holdx', '/hold'],
    ['/hold1', '/hold'],
    ['/holdx сейчас', '/hold'],
    ['/hepl me', '/help'],
    ['/ткуц', '/new'],
  ])('%s → just %s: a command without a value is suggested bare, says it takes none', (typed, form) => {
    // `/hold .` or `/help me` would itself be refused («пишется без значения»).
    expect(suggestCommand(typed, known)).toEqual({ command: form.slice(1), form, takesValue: false });
  });

  it('says a command with a value takes one', () => {
    expect(suggestCommand('/rate12.30', known)).toEqual({ command: 'rate', form: '/rate 12.30', takesValue: true });
    expect(suggestCommand('/raet', known)).toEqual({ command: 'rate', form: '/rate 12.25', takesValue: true });
  });

  it('suggests nothing for text far from every command or for no command at all', () => {
    expect(suggestCommand('/status', known)).toBeUndefined();
    expect(suggestCommand('/', known)).toBeUndefined();
    expect(suggestCommand('rate 12', known)).toBeUndefined();
    expect(suggestCommand('/xyzzy 1', known)).toBeUndefined();
  });
});
