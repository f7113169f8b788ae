import { describe, expect, it } from 'vitest';
import { composeNote, joinTexts, shortenText, splitText, TEXT_LIMIT, type Entity } from './composeText.js';

const covered = (text: string, e: Entity) => text.slice(e.offset, e.offset + e.length);

describe('composeText: user text inside bot messages', () => {
  it('shifts entities by what comes before them, in UTF-16 units (an emoji counts two)', () => {
    const joined = joinTexts([{ text: '✏️ 😀 Сообщение:\n' }, { text: 'оплата по ссылке', entities: [{ type: 'text_link', offset: 10, length: 6, url: 'https://x.example' }] }]);
    const link = joined.entities![0]!;
    expect(covered(joined.text, link)).toBe('ссылке');
    expect(link.url).toBe('https://x.example');
  });

  it('a 4,090-character text with a 23-character header becomes two messages, nothing lost, every entity on its characters', () => {
    const body = 'а'.repeat(2000) + ' ' + 'б'.repeat(2089);
    const entities: Entity[] = [
      { type: 'bold', offset: 0, length: 5 },
      { type: 'italic', offset: 3990, length: 100 },
    ];
    const parts = composeNote('✏️ Сообщение изменено:', { text: body, entities });
    expect(parts).toHaveLength(2);
    for (const part of parts) expect(part.text.length).toBeLessThanOrEqual(TEXT_LIMIT);
    expect(parts.map((p) => p.text).join('')).toBe(`✏️ Сообщение изменено:\n${body}`);
    const italic = parts.flatMap((p) => (p.entities ?? []).filter((e) => e.type === 'italic').map((e) => covered(p.text, e))).join('');
    expect(italic).toBe(body.slice(3990));
    expect(covered(parts[0]!.text, parts[0]!.entities!.find((e) => e.type === 'bold')!)).toBe('ааааа');
  });

  it('never cuts an emoji in half', () => {
    const text = '😀'.repeat(3000);
    const parts = splitText({ text });
    expect(parts.map((p) => p.text).join('')).toBe(text);
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(TEXT_LIMIT);
      expect(part.text.length % 2).toBe(0);
    }
  });

  it('shortens to a limit with a pointer at the end, entities clipped', () => {
    const short = shortenText({ text: 'x'.repeat(2000), entities: [{ type: 'bold', offset: 900, length: 1000 }] }, 1024, '… полный текст на платформе');
    expect(short.text.length).toBeLessThanOrEqual(1024);
    expect(short.text.endsWith('… полный текст на платформе')).toBe(true);
    const bold = short.entities![0]!;
    expect(bold.offset + bold.length).toBeLessThanOrEqual(short.text.length - '… полный текст на платформе'.length);
  });
});
