import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { botText, clientLocale } from './botTexts.js';
import { greetingFor } from './recordClientMessage.js';
import { outageNotice } from './managersChats.js';

const keys = (file: string) =>
  fs
    .readFileSync(new URL(`../locales/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => /^[a-z][\w-]* =/.test(line))
    .map((line) => line.split(' =')[0]);

describe('bot texts for clients follow the client\'s language (issue 17.15)', () => {
  it('a client reading Russian gets Russian, anyone else English; no language → Russian', () => {
    expect(clientLocale('ru')).toBe('ru');
    expect(clientLocale('uk')).toBe('ru');
    expect(clientLocale('kk-KZ')).toBe('ru');
    expect(clientLocale('en')).toBe('en');
    expect(clientLocale('en-US')).toBe('en');
    expect(clientLocale('zh-hans')).toBe('en');
    expect(clientLocale(null)).toBe('ru');
    expect(clientLocale('')).toBe('ru');
  });

  it('ru.ftl and en.ftl hold the same keys, and every text renders in both', () => {
    expect(keys('en.ftl')).toEqual(keys('ru.ftl'));
    for (const key of keys('ru.ftl')) {
      // Every variable the texts use (also inside a function: NUMBER($average)), a number for those a selector or
      // NUMBER() reads.
      const numbers = new Set(['count', 'more', 'average']);
      const vars = Object.fromEntries(
        [...fs.readFileSync(new URL('../locales/ru.ftl', import.meta.url), 'utf8').matchAll(/\$(\w+)/g)].map((m) => [m[1]!, numbers.has(m[1]!) ? 2 : `/${m[1]}`]),
      );
      expect(botText('ru', key!, vars)).not.toMatch(/^\{/);
      expect(botText('en', key!, vars)).not.toMatch(/^\{/);
      // A text of words is translated; one of only variables and signs («• { $client } — { $wait }») is the same in both.
      const words = botText('ru', key!, vars).replace(/\/\w+/g, '');
      if (/\p{L}/u.test(words)) expect(botText('en', key!, vars)).not.toBe(botText('ru', key!, vars));
    }
  });

  it('counts agree with their noun in both languages (no «client(s)»)', () => {
    expect(botText('en', 'answer-time-summary', { count: 1, limit: 10 })).toMatch(/^⏰ 1 more client has waited/);
    expect(botText('en', 'answer-time-summary', { count: 3, limit: 10 })).toMatch(/^⏰ 3 more clients have waited/);
    expect(botText('ru', 'answer-time-summary', { count: 3, limit: 10 })).toMatch(/ещё 3 клиента:$/);
    for (const locale of ['ru', 'en'] as const) {
      for (const line of fs.readFileSync(new URL(`../locales/${locale}.ftl`, import.meta.url), 'utf8').split('\n')) {
        if (!line.startsWith('#')) expect(line).not.toMatch(/\w\(s\)/);
      }
    }
  });

  it('the deal\'s answers and the topic\'s notes to managers read as before in Russian and fit a callback answer (200 characters)', () => {
    expect(botText('ru', 'action-answer-completed')).toBe('Заявка завершена');
    expect(botText('ru', 'action-answer-press-again')).toBe('Сначала нажмите кнопку ещё раз на актуальной карточке.');
    expect(botText('ru', 'deal-new-link', { manager: 'Ли Вэй', minutes: '10' })).toBe(
      '📝 Создать заявку для клиента — кнопка ниже.\n' +
        'Кнопка работает только у менеджера, набравшего /new (Ли Вэй): входит на платформу под его учётной записью через Telegram, один раз, в течение 10 мин.',
    );
    expect(outageNotice(new Date('2026-12-01T09:15:00Z'), new Date('2026-12-01T09:20:30Z'))).toBe(
      '⚠️ Бот снова в группе. Сообщения, написанные здесь с 09:15:00 UTC до 09:20:30 UTC, до клиентов не дошли: ' +
        'Telegram не передаёт боту сообщения из группы, в которой его нет. Повторите их, пожалуйста, в темах клиентов.',
    );
    for (const locale of ['ru', 'en'] as const) {
      for (const key of keys(`${locale}.ftl`).filter((k) => k!.startsWith('action-answer-'))) {
        expect([...botText(locale, key!, { number: '2026-000007', status: 'completed' })].length, key).toBeLessThanOrEqual(200);
      }
    }
  });

  it('the greeting: English for an English client; the operator\'s GREETING replaces the Russian one only', () => {
    expect(greetingFor('en', undefined)).toMatch(/^Hello! We have received your message/);
    expect(greetingFor('ru', undefined)).toMatch(/^Здравствуйте!/);
    expect(greetingFor('ru', 'Добрый день!')).toBe('Добрый день!');
    expect(greetingFor('en', 'Добрый день!')).toMatch(/^Hello!/);
  });
});
