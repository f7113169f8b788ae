/**
 * `/find` in the managers' group through the emulator: a manager finds a
 * client's message by another form of its word, in General or in a topic,
 * and gets links to the client's topic; a wrong or empty /find is answered
 * with what to type.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

describe('a manager types /find in the managers\' group', () => {
  it('in General: the client with a link to their topic, the message with the word in bold', async () => {
    const client = await t.newClient('Анатолий', { last_name: 'Шаповалов' });
    await t.control.sendMessage({ from: client.id, text: 'Отправляю договор на поставку ламп из Шэньчжэня' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Отправляю договор' });

    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, text: '/find договором' });
    const general = await t.control.waitFor({ chat_id: t.group, text_includes: '🔎' });
    const answer = general.messages.find((m) => m.text?.includes('🔎'))!;
    expect(answer.message_thread_id).toBeUndefined();
    expect(answer.text).toContain('Найдено по запросу «договором»');
    expect(answer.text).toContain('Анатолий Шаповалов');
    expect(answer.text).toContain('Отправляю договор на поставку ламп из Шэньчжэня');
    const bold = answer.entities!.filter((e) => e.type === 'bold').map((e) => answer.text!.slice(e.offset, e.offset + e.length));
    expect(bold).toContain('договор');
    const links = answer.entities!.filter((e) => e.type === 'text_link').map((e) => (e as { url: string }).url);
    // Telegram's link to a topic of a private supergroup: the chat id without -100 (the sandbox page in sandbox mode, test/platform/search.test.ts).
    expect(links).toContain(`https://t.me/c/${String(t.group).replace(/^-100/, '')}/${topic.threadId}`);
  });

  it('in a topic: the answer stays in that topic; a name with a typo is found', async () => {
    const client = await t.newClient('Зинаида', { last_name: 'Ковалевская', username: 'zina_k' });
    await t.control.sendMessage({ from: client.id, text: 'Добрый день' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Добрый день' });
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: '/find Ковалевска' });
    const inTopic = await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: '🔎' });
    expect(inTopic.messages.find((m) => m.text?.includes('🔎'))!.text).toContain('Зинаида Ковалевская @zina_k');
    // Nothing of it reached the client.
    expect((await t.control.transcript(client.id)).messages.map((m) => m.text).join('\n')).not.toContain('find');
  });

  it('an empty /find says what to type; nothing found says so; /fnid gets the command meant', async () => {
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, text: '/find' });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'Напишите, что найти' });
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, text: '/find абракадабра' });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'По запросу «абракадабра» ничего не нашлось' });
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, text: '/find я' });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'Не получилось искать: Введите хотя бы 2 символа' });
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, text: '/fnid договор' });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'имели в виду /find договор' });
  });
});
