/**
 * A member the managers' group's admins restricted from sending («muted») gets
 * no deal-control rights (outside tester's report: such a member with no
 * account pressed «✅ Завершить», confirmed, completed the request, and a
 * manager account was made for them). Their press is refused with an answer
 * in their language; no account is made; the request stays as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';
import { acceptDeal, actionCard } from '../documents/helpers.js';
import { users } from '../../src/db/schema.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

describe('a muted member of the managers\' group', () => {
  it('is refused on a deal card\'s buttons, in their language, and no account is made for them', async () => {
    const client = await t.newClient('Ольга');
    await t.control.sendMessage({ from: client.id, text: 'Нужен платёж' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Нужен платёж' });
    await acceptDeal(t, topic.threadId);

    const muted = await t.newClient('Глеб');
    const mutedEn = await t.newClient('Greg', { language_code: 'en' });
    for (const user of [muted, mutedEn]) {
      await t.control.addMember(t.group, { user_id: user.id, status: 'member' });
      await t.control.addMember(t.group, { user_id: user.id, status: 'restricted', permissions: {} });
    }
    const card = await actionCard(t, topic.threadId);
    const finish = card.buttons!.flat().find((b) => b.text.includes('Завершить'))!;
    const press = (from: number) => t.control.pressButton({ from, chat_id: t.group, message_id: card.message_id, callback_data: finish.callback_data!, wait_ms: 10_000 });

    const ru = await press(muted.id);
    expect(JSON.stringify(ru)).toContain('Администраторы группы запретили вам писать в ней');
    const en = await press(mutedEn.id);
    expect(JSON.stringify(en)).toContain("The group's administrators have restricted you");

    const accounts = await t.hotline.database().db.select({ id: users.id }).from(users).where(eq(users.telegramUserId, muted.id));
    expect(accounts).toEqual([]);
    // The card did not move to «подтвердите».
    expect((await actionCard(t, topic.threadId)).buttons!.flat().some((b) => b.text.includes('подтвердите'))).toBe(false);
  });

  it('is still refused after Hotline restarts (what the process had seen is gone: Telegram is asked)', async () => {
    const client = await t.newClient('Аркадий');
    await t.control.sendMessage({ from: client.id, text: 'Счёт на оплату' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Счёт на оплату' });
    await acceptDeal(t, topic.threadId);
    const muted = await t.newClient('Зиновий');
    await t.control.addMember(t.group, { user_id: muted.id, status: 'member' });
    await t.control.addMember(t.group, { user_id: muted.id, status: 'restricted', permissions: {} });
    // Hotline has taken the restriction's update and those after it before it stops.
    await t.control.sendMessage({ from: client.id, text: 'Жду' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'Жду' });

    await t.restart();
    const card = await actionCard(t, topic.threadId);
    const finish = card.buttons!.flat().find((b) => b.text.includes('Завершить'))!;
    const answer = await t.control.pressButton({ from: muted.id, chat_id: t.group, message_id: card.message_id, callback_data: finish.callback_data!, wait_ms: 10_000 });
    expect(JSON.stringify(answer)).toContain('Администраторы группы запретили вам писать в ней');
    expect((await actionCard(t, topic.threadId)).buttons!.flat().some((b) => b.text.includes('подтвердите'))).toBe(false);

    // The group's admins lift the restriction: the same member may act (the card asks to confirm).
    await t.control.addMember(t.group, { user_id: muted.id, status: 'member' });
    const allowed = await t.control.pressButton({ from: muted.id, chat_id: t.group, message_id: card.message_id, callback_data: finish.callback_data!, wait_ms: 10_000 });
    expect(JSON.stringify(allowed)).not.toContain('запретили вам писать');
  });

  it('a plain member is refused too when the group\'s default permissions forbid members to write', async () => {
    const client = await t.newClient('Филимон');
    await t.control.sendMessage({ from: client.id, text: 'Оплата поставщику' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Оплата поставщику' });
    await acceptDeal(t, topic.threadId);
    const plain = await t.newClient('Трофим');
    await t.control.addMember(t.group, { user_id: plain.id, status: 'member' });
    await t.control.setChatPermissions(t.group, { can_send_messages: false });
    try {
      // A new process: nothing kept about the group's defaults.
      await t.restart();
      const card = await actionCard(t, topic.threadId);
      const finish = card.buttons!.flat().find((b) => b.text.includes('Завершить'))!;
      const answer = await t.control.pressButton({ from: plain.id, chat_id: t.group, message_id: card.message_id, callback_data: finish.callback_data!, wait_ms: 10_000 });
      expect(JSON.stringify(answer)).toContain('Администраторы группы запретили вам писать в ней');
      // The manager, an administrator of the group, still may.
      const own = await t.control.pressButton({ from: t.manager.id, chat_id: t.group, message_id: card.message_id, callback_data: finish.callback_data!, wait_ms: 10_000 });
      expect(JSON.stringify(own)).not.toContain('запретили вам писать');
    } finally {
      await t.control.setChatPermissions(t.group, { can_send_messages: true });
    }
  });
});
