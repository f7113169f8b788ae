/**
 * Edit commands typed in General (outside any client's topic): `/rate 12`,
 * `/amount 100` get the same answer as `/take` there — «Эта команда работает в
 * теме клиента.» — not «Неизвестная команда …, возможно, вы имели в виду
 * /rate 12», which sent the manager in a circle (outside tester's report).
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

/** The bot's reply to message `messageId` in General (waits until it is there). */
async function answerTo(messageId: number) {
  for (;;) {
    const transcript = await t.control.waitFor({ chat_id: t.group, text_includes: 'Эта команда работает в теме клиента.' });
    const unknown = transcript.messages.find((m) => m.reply_to_message_id === messageId && m.text?.includes('Неизвестная команда'));
    if (unknown) return unknown;
    const answer = transcript.messages.find((m) => m.reply_to_message_id === messageId && m.from?.is_bot);
    if (answer) return answer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('edit commands in General', () => {
  it.each(['/rate 12', '/amount 100', '/take'])('%s in General is told it works in a client\'s topic', async (text) => {
    const [sent] = await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, text });
    const answer = await answerTo(sent!.message_id);
    expect(answer.text).toBe('Эта команда работает в теме клиента.');
  });
});
