import { describe, expect, it } from 'vitest';
import { checkTemplateBody, checkTemplateName, matchTemplates, parseTemplateHtml, renderTemplate, TemplateError } from './quickReply.js';

describe('quick reply templates', () => {
  it('Telegram HTML of the subset becomes text and entities with UTF-16 offsets', () => {
    expect(parseTemplateHtml('😀 <b>жир <i>курсив</i></b> &lt;1&gt; <a href="https://example.com/?a=1&amp;b=2">ссылка</a>')).toEqual({
      text: '😀 жир курсив <1> ссылка',
      entities: [
        { type: 'bold', offset: 3, length: 10 },
        { type: 'italic', offset: 7, length: 6 },
        { type: 'text_link', offset: 18, length: 6, url: 'https://example.com/?a=1&b=2' },
      ],
    });
  });

  it('refuses what Telegram would refuse, saying where', () => {
    expect(checkTemplateBody('<b>x</i>')).toBe('Ожидался </b>, а написан </i> (символ 5)');
    expect(checkTemplateBody('a & b')).toBe('Знак «&» пишите как &amp; (символ 3)');
    expect(checkTemplateBody('<b class="x">x</b>')).toBe('У тега <b> не бывает атрибутов (символ 1)');
    expect(checkTemplateBody('<code><b>x</b></code>')).toBe('Внутри <code> теги не работают (символ 7)');
    expect(checkTemplateBody('<b></b>')).toBe('Напишите текст');
    expect(checkTemplateBody('x'.repeat(4097))).toMatch(/^Текст длиннее 4096/);
    expect(checkTemplateBody('Привет, {client}')).toBeNull();
    // Sent with the variables filled: 4,000 characters and a client's name of up to 129 may not fit (outside check).
    expect(checkTemplateBody(`${'x'.repeat(3970)} {client}`)).toBe('С подставленными переменными текст может выйти длиннее 4096 символов — сократите его');
    expect(checkTemplateBody(`${'x'.repeat(3900)} {client}`)).toBeNull();
  });

  it('names: letters (Latin, Cyrillic), digits, _ and -, up to 32', () => {
    expect(checkTemplateName('оплата_usd-2')).toBeNull();
    expect(checkTemplateName('a'.repeat(33))).not.toBeNull();
    expect(checkTemplateName('a b')).not.toBeNull();
  });

  it('variables are filled as text (never markup); a missing one is named', () => {
    expect(renderTemplate('<b>{client}</b>', { client: '<Ваня & Co>' })).toEqual({ text: '<Ваня & Co>', entities: [{ type: 'bold', offset: 0, length: 11 }] });
    expect(() => renderTemplate('{client}: {rate}', { client: 'Ваня' })).toThrow(TemplateError);
    try {
      renderTemplate('{client}: {rate}', { client: 'Ваня' });
    } catch (error) {
      expect((error as Error).message).toBe('rate');
    }
  });

  it('a template that passed the check fits 4096 with the longest names Telegram allows, emoji ones too', () => {
    const body = `{client}, {manager}: ${'x'.repeat(4096 - 129 - 200 - 4)}`;
    expect(checkTemplateBody(body)).toBeNull();
    // 64 characters a part in Telegram's count, 128 UTF-16 units each: more than the check assumed.
    const client = `${'😀'.repeat(64)} ${'😀'.repeat(64)}`;
    const rendered = renderTemplate(body, { client, manager: 'М'.repeat(250) });
    expect(rendered.text.length).toBeLessThanOrEqual(4096);
    expect(rendered.text.startsWith('😀'.repeat(63))).toBe(true);
    expect(rendered.text).toMatch(/^(😀)+…, М+…: x+$/u);
    // Numbers and amounts are never cut.
    expect(renderTemplate('{amount}', { amount: '1'.repeat(60) }).text).toBe('1'.repeat(60));
  });

  it('an exact name wins over prefixes; a prefix may match several', () => {
    const all = [{ name: 'оплата' }, { name: 'оплата_usd' }, { name: 'Привет' }];
    expect(matchTemplates(all, 'ОПЛАТА').exact?.name).toBe('оплата');
    expect(matchTemplates(all, 'опл').matches.map((t) => t.name)).toEqual(['оплата', 'оплата_usd']);
    expect(matchTemplates(all, 'прив').matches.map((t) => t.name)).toEqual(['Привет']);
  });
});
