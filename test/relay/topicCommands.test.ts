/**
 * Issue 17 through the emulator: a command typed wrong gets the command
 * meant (17.16).
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

describe('a manager types a command wrong in the topic', () => {
  it('/rate12.30 is answered with the command meant and its right form, not a blank name', async () => {
    const client = await t.newClient('Борис');
    await t.control.sendMessage({ from: client.id, text: 'Здравствуйте' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Здравствуйте' });

    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: '/rate12.30' });
    const glued = await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'Возможно, вы имели в виду' });
    const answer = glued.messages.find((m) => m.text?.includes('Возможно'))!.text!;
    expect(answer).toContain('Неизвестная команда /rate12.30.');
    expect(answer).toContain('/rate 12.30');

    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: '/neww' });
    const misspelt = await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'имели в виду /new ' });
    expect(misspelt.messages.some((m) => m.text?.includes('Неизвестная команда /neww.'))).toBe(true);

    const privateChat = await t.control.transcript(client.id);
    expect(privateChat.messages.map((m) => m.text).join('\n')).not.toContain('rate');
  });
});
