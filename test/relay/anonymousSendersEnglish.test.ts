/**
 * The reply to an anonymous administrator (test/relay/anonymousSenders.test.ts)
 * in a managers' group that reads English: the managers' language is one
 * constant (commands/botTexts `MANAGERS_LOCALE`), set to `en` here for the
 * whole Hotline this file starts, so the reply comes from src/locales/en.ftl.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { dialogs, users } from '../../src/db/schema.js';
import { notAPersonAnswer } from '../../src/telegram/senders.js';

vi.mock(import('../../src/commands/botTexts.js'), async (importOriginal) => ({ ...(await importOriginal()), MANAGERS_LOCALE: 'en' as const }));

const NOT_A_PERSON = 'Not taken: you are posting anonymously or as a channel. Admins: turn off “Remain anonymous” in your admin rights; members: choose yourself under “Send as”. Then send it again as yourself.';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

describe('an anonymous administrator in an English managers\' group', () => {
  it('the reply is in English; /take changes nothing and makes no account for GroupAnonymousBot', async () => {
    expect(notAPersonAnswer()).toBe(NOT_A_PERSON);
    expect(notAPersonAnswer('ru')).toContain('Не принято: вы пишете анонимно');
    const admin = await t.control.createUser({ first_name: 'Ann', username: 'ann_admin', language_code: 'en' });
    await t.control.addMember(t.group, { user_id: admin.id, status: 'administrator', rights: { is_anonymous: true, can_manage_topics: true } });
    const client = await t.newClient('John', { language_code: 'en' });
    await t.control.sendMessage({ from: client.id, text: 'Need a payment' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Need a payment' });

    for (const text of ['Paying tomorrow', '/take']) {
      const [sent] = await t.control.sendMessage({ from: admin.id, chat_id: t.group, message_thread_id: topic.threadId, text });
      await expect
        .poll(async () => visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).find((m) => m.from?.id === t.bot.id && m.reply_to_message_id === sent!.message_id)?.text, { timeout: 15_000 })
        .toBe(NOT_A_PERSON);
    }
    const [dialog] = await t.hotline.database().db.select({ ownerUserId: dialogs.ownerUserId }).from(dialogs).where(eq(dialogs.topicId, topic.threadId));
    expect(dialog!.ownerUserId).toBeNull();
    expect(await t.hotline.database().db.select({ id: users.id }).from(users).where(eq(users.telegramUserId, 1087968824))).toEqual([]);
    expect(visible(await t.control.transcript(client.id)).some((m) => m.text?.includes('Paying tomorrow'))).toBe(false);
  });
});
