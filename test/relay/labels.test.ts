/**
 * Issue 19.5, labels on clients through the emulator: in a client's topic a
 * manager puts labels on (`/label vip опт`), takes one off (`/unlabel vip`),
 * lists them (`/label`); a wrong form gets the right one; the client card
 * shows the labels; the same rows the platform reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';
import { botText } from '../../src/commands/botTexts.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

describe('labels from the topic', () => {
  it('/label puts labels on (normalised), /unlabel takes them off, /label lists; the card shows them', async () => {
    const client = await t.newClient('Оптовик', { username: 'wholesale_1' });
    await t.control.sendMessage({ from: client.id, text: 'Нужен платёж в Китай' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Нужен платёж' });
    const say = (text: string) => t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text });
    const inTopic = { chat_id: t.group, message_thread_id: topic.threadId };

    await say('/label');
    await t.control.waitFor({ ...inTopic, text_includes: 'У клиента нет меток. Поставить: /label vip' });

    await say('/label VIP #Опт, vip');
    await t.control.waitFor({ ...inTopic, text_includes: '🏷 Поставлено: vip, опт. Метки клиента: vip, опт' });
    // The card (the topic's first message) is edited to show them.
    await t.control.waitFor({ ...inTopic, text_includes: '🏷 Метки: vip, опт' });

    await say('/label vip');
    await t.control.waitFor({ ...inTopic, text_includes: 'Ничего не изменилось. Метки клиента: vip, опт' });

    // A label that looks like «vip» but holds a Cyrillic «р» would be a different label on screen alike (attacker check).
    await say('/label viр');
    await t.control.waitFor({ ...inTopic, text_includes: 'Метка «viр» не подходит: в ней и латинские, и русские буквы — напишите её одним алфавитом' });
    await say('/label хороший<клиент>');
    await t.control.waitFor({ ...inTopic, text_includes: 'Метка «хороший<клиент>» не подходит: от 1 до 32 букв, цифр, _ или -, без пробелов' });
    await t.control.waitFor({ ...inTopic, text_includes: 'Метки пишите через пробел: /label vip опт' });

    await say('/unlabel');
    await t.control.waitFor({ ...inTopic, text_includes: 'Напишите, какие метки снять: /unlabel vip. Метки клиента: vip, опт' });

    await say('/unlabel VIP');
    await t.control.waitFor({ ...inTopic, text_includes: '🏷 Снято: vip. Метки клиента: опт' });
    await t.control.waitFor({ ...inTopic, text_includes: '🏷 Метки: опт' });

    await say('/label');
    await t.control.waitFor({ ...inTopic, text_includes: '🏷 Метки клиента: опт' });

    const rows = await t.hotline.database().pool.query<{ label: string; created_by: number | null }>(
      'select l.label, l.created_by from client_labels l join clients c on c.id = l.client_id where c.telegram_user_id = $1',
      [client.id],
    );
    expect(rows.rows.map((row) => row.label)).toEqual(['опт']);
    expect(rows.rows[0]!.created_by).not.toBeNull();
  });

  it('/label outside a client\'s topic says where it works', async () => {
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, text: '/label vip' });
    await t.control.waitFor({ chat_id: t.group, text_includes: 'Эта команда работает в теме клиента.' });
  });

  it('the English texts exist for every label answer', () => {
    expect(botText('en', 'manager-labels-changed', { added: 'vip', removed: 'none', labels: 'vip' })).toBe('🏷 Added: vip. The client\'s labels: vip');
    expect(botText('en', 'manager-labels-changed', { added: 'none', removed: 'vip', labels: 'none' })).toBe('🏷 Removed: vip. The client\'s labels: none');
    expect(botText('en', 'card-labels', { labels: 'vip' })).toBe('🏷 Labels: vip');
    expect(botText('en', 'manager-label-how')).toContain('/label vip wholesale');
  });
});
