import { describe, expect, it } from 'vitest';
import { startParameterOf } from './startParameter.js';

describe('startParameterOf', () => {
  it('takes the deep-link parameter Telegram sends after /start', () => {
    expect(startParameterOf('/start ads_autumn')).toBe('ads_autumn');
    expect(startParameterOf('/start@hotline_bot ref-42')).toBe('ref-42');
    expect(startParameterOf('/start ' + 'a'.repeat(64))).toBe('a'.repeat(64));
  });
  it('takes nothing that is not a deep link: a plain /start, other commands, forbidden characters, too long', () => {
    for (const text of ['/start', '/start ', '/started x', '/startx', 'start ads', '/start ads autumn', '/start осень', '/start a.b', '/start ' + 'a'.repeat(65), undefined, null]) {
      expect(startParameterOf(text)).toBeUndefined();
    }
  });
});
