/**
 * Hostile content and callers on the Telegram side: the longest message
 * Telegram allows with entities, text with broken UTF-16, HTML in what
 * clients and managers type (the action card and the client card render it
 * as text), commands from outside the managers' group, and card buttons
 * pressed with another dialog's, an old, or made-up callback data.
 *
 * A modified Telegram client can send any callback data for a bot's
 * message: those presses are made through the emulator directly (the
 * control API, like Telegram's apps, only presses buttons that exist).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageEntity, User } from '@grammyjs/types';
import { eq } from 'drizzle-orm';
import { messages, requests } from '../../src/db/schema.js';
import type { TranscriptMessage } from '../../src/sandbox/control.js';
import { UserActions } from '../../src/sandbox/userActions.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { acceptDeal, actionCard } from '../documents/helpers.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

const say = (threadId: number, text: string) => t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: threadId, text });

async function dealTopic(name: string): Promise<{ client: User; threadId: number; requestId: number }> {
  const client = await t.newClient(name);
  await t.control.sendMessage({ from: client.id, text: 'Нужно оплатить инвойс' });
  const topic = await t.waitForTopic(client, { minCount: 2 });
  const { requestId } = await acceptDeal(t, topic.threadId);
  await actionCard(t, topic.threadId);
  return { client, threadId: topic.threadId, requestId };
}

async function requestRow(id: number) {
  const [row] = await t.hotline.database().db.select().from(requests).where(eq(requests.id, id));
  return { status: row!.status, terms: row!.terms, version: row!.version, beneficiary: row!.beneficiary };
}

/** What a modified client sends: a press with any callback data on a bot's message. */
async function forgePress(chatId: number, messageId: number, data: string, from: User = t.manager) {
  const emulator = t.emulator.emulator;
  const chat = chatId > 0 ? [...emulator.chats.values()].find((c) => c.chat.id === chatId)! : emulator.group(chatId)!;
  const stored = chat.message(messageId)!;
  expect(stored, `message ${messageId} in ${chatId}`).toBeDefined();
  const result = await emulator.pressButton(emulator.bots.get(t.bot.id)!, from, stored, data, 10_000);
  return result.answer;
}

const cardData = (card: TranscriptMessage, action: string) => card.buttons!.flat().find((b) => b.callback_data?.includes(`:${action}:`))!.callback_data!;

describe('the longest messages and broken text', () => {
  it('a client message of 4,096 characters with entities reaches the topic whole, with its formatting', async () => {
    const client = await t.newClient('Длинный');
    const head = 'Жирный курсив ссылка ';
    const text = head + 'я'.repeat(4096 - head.length);
    expect(text.length).toBe(4096);
    const entities: MessageEntity[] = [
      { type: 'bold', offset: 0, length: 6 },
      { type: 'italic', offset: 7, length: 6 },
      { type: 'text_link', offset: 14, length: 6, url: 'https://example.com/?a=<b>&b="x"' },
      { type: 'code', offset: 4000, length: 96 },
    ];
    await t.control.sendMessage({ from: client.id, text, entities: entities as unknown as Array<Record<string, unknown>> });
    const topic = await t.waitForTopic(client, { minCount: 2, textIncludes: 'ссылка' });
    const relayed = visible(topic).find((m) => m.text?.startsWith(head.slice(0, 10)));
    expect(relayed?.text).toBe(text);
    // Telegram normalizes a text_link's URL as it takes the message (the emulator does too: issue 18.4); the link itself survives.
    const normalized = entities.map((e) => (e.type === 'text_link' ? { ...e, url: 'https://example.com/?a=%3Cb%3E&b=%22x%22' } : e));
    expect(relayed?.entities).toEqual(expect.arrayContaining(normalized.map((e) => expect.objectContaining(e))));
    const [stored] = await t.hotline.database().db.select().from(messages).where(eq(messages.text, text));
    expect(stored?.direction).toBe('in');
  });

  it("a manager's 4,096-character answer with entities reaches the client whole", async () => {
    const client = await t.newClient('Длинный ответ');
    await t.control.sendMessage({ from: client.id, text: 'Жду ответ' });
    const topic = await t.waitForTopic(client, { minCount: 2 });
    const text = 'Ответ: ' + 'ж'.repeat(4096 - 7);
    await t.control.sendMessage({
      from: t.manager.id,
      chat_id: t.group,
      message_thread_id: topic.threadId,
      text,
      entities: [{ type: 'bold', offset: 0, length: 6 }, { type: 'underline', offset: 7, length: 4089 }],
    });
    const chat = await t.control.waitFor({ chat_id: client.id, text_includes: 'Ответ: жжж' });
    const got = chat.messages.find((m) => m.from?.is_bot && m.text?.startsWith('Ответ:'));
    expect(got?.text).toBe(text);
    expect(got?.entities).toEqual([expect.objectContaining({ type: 'bold', offset: 0, length: 6 }), expect.objectContaining({ type: 'underline', offset: 7, length: 4089 })]);
  });

  it('text with lone UTF-16 surrogates is relayed and stored (the broken halves replaced), and the dialog keeps working', async () => {
    const client = await t.newClient('Суррогаты');
    const broken = `Счёт \ud83d и \ude00 конец`;
    // Put in the emulator in this process: its control API refuses a lone surrogate in a JSON body (strict input).
    const users = new UserActions(t.emulator.emulator);
    users.send({ from: client.id, text: broken, entities: [{ type: 'bold', offset: 0, length: 4 }] });
    const topic = await t.waitForTopic(client, { minCount: 2, textIncludes: 'конец', timeoutMs: 30_000 });
    const relayed = visible(topic).find((m) => m.text?.includes('конец'))!;
    expect(relayed.text).toMatch(/^Счёт .+ и .+ конец$/);
    const stored = await t.hotline.database().db.select({ text: messages.text }).from(messages).where(eq(messages.dialogId, (await dialogOf(client)).id));
    expect(stored.map((m) => m.text).find((x) => x?.includes('конец'))).toMatch(/^Счёт .+ и .+ конец$/);
    // The manager answers with broken text too; the next messages still flow both ways.
    users.send({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: `Ответ \udc00 принят` });
    await t.control.waitFor({ chat_id: client.id, text_includes: 'принят', timeout_ms: 30_000 });
    await t.control.sendMessage({ from: client.id, text: 'после сломанного' });
    await t.waitForTopic(client, { textIncludes: 'после сломанного', timeoutMs: 30_000 });
  });
});

async function dialogOf(client: User) {
  const { dialogs, clients } = await import('../../src/db/schema.js');
  const [row] = await t.hotline
    .database()
    .db.select({ id: dialogs.id })
    .from(dialogs)
    .innerJoin(clients, eq(clients.id, dialogs.clientId))
    .where(eq(clients.telegramUserId, client.id));
  return row!;
}

describe('HTML typed by people is shown as text', () => {
  const payload = `<b>Жирный</b> & <a href="https://evil.example">ссылка</a> <script>alert(1)</script> </code>`;

  it('a client named with HTML: the topic and the client card show the name as typed', async () => {
    const client = await t.newClient('<b>Иван</b> & <i>Ко</i>', { last_name: '</code><a href="x">' });
    await t.control.sendMessage({ from: client.id, text: payload });
    const topic = await t.waitForTopic(client, { minCount: 2, textIncludes: 'alert(1)' });
    const chat = await t.control.transcript(t.group);
    expect(chat.topics.find((x) => x.message_thread_id === topic.threadId)?.name).toContain('<b>Иван</b> & <i>Ко</i>');
    const shown = visible(topic);
    expect(shown[0]!.text).toContain('<b>Иван</b> & <i>Ко</i> </code><a href="x">');
    expect(shown[0]!.entities?.some((e) => e.type === 'text_link' && (e as { url: string }).url === 'x')).toBeFalsy();
    expect(shown[1]!.text).toBe(payload);
    // Telegram itself marks the bare address as a url; no formatting comes from the tags.
    expect((shown[1]!.entities ?? []).map((e) => e.type)).toEqual(['url']);
  });

  it('HTML put into the terms by edit commands is escaped on the action card — shown literally, no injected formatting', async () => {
    const deal = await dealTopic('Карточка HTML');
    await say(deal.threadId, `/beneficiary ${payload}`);
    await say(deal.threadId, `/purpose Оплата <i>по</i> договору & "кавычки" </b>`);
    await expect.poll(async () => (await actionCard(t, deal.threadId)).text, { timeout: 30_000 }).toContain(payload);
    await expect.poll(async () => (await actionCard(t, deal.threadId)).text, { timeout: 30_000 }).toContain('Оплата <i>по</i> договору & "кавычки" </b>');
    const latest = await actionCard(t, deal.threadId);
    // Only the card's own formatting: nothing italic or linked from what was typed.
    for (const entity of latest.entities ?? []) {
      const covered = latest.text!.slice(entity.offset, entity.offset + entity.length);
      expect(covered, entity.type).not.toMatch(/Жирный|ссылка|по договору/);
      if (entity.type === 'text_link') expect((entity as { url: string }).url).not.toContain('evil.example');
    }
    expect((await requestRow(deal.requestId)).beneficiary).toMatchObject({ name: payload });
  });
});

describe('commands and buttons from the wrong place', () => {
  it('a client typing manager commands in the private chat changes nothing: it is relayed to the managers as the client’s words', async () => {
    const deal = await dealTopic('Хитрый клиент');
    const before = await requestRow(deal.requestId);
    await t.control.sendMessage({ from: deal.client.id, text: '/rate 0.01' });
    await t.control.sendMessage({ from: deal.client.id, text: '/new' });
    await t.control.sendMessage({ from: deal.client.id, text: 'вот и всё' });
    const topic = await t.waitForTopic(deal.client, { textIncludes: 'вот и всё' });
    expect(visible(topic).slice(-3).map((m) => m.text)).toEqual(['/rate 0.01', '/new', 'вот и всё']);
    expect(await requestRow(deal.requestId)).toEqual(before);
    // No link to the platform went to the client.
    const privateChat = await t.control.transcript(deal.client.id);
    expect(privateChat.messages.some((m) => m.entities?.some((e) => e.type === 'text_link'))).toBe(false);
  });

  it('in a group that is not the managers’ group, commands are refused with an answer and change nothing', async () => {
    const outsider = await t.control.createUser({ first_name: 'Посторонний' });
    const group = await t.control.createGroup({ title: 'Чужая группа', member_ids: [outsider.id], bot_ids: [t.bot.id], is_forum: false });
    const deal = await dealTopic('Чужая группа');
    const before = await requestRow(deal.requestId);
    for (const command of ['/new', '/rate 0.01', '/help']) {
      const [sent] = await t.control.sendMessage({ from: outsider.id, chat_id: group.id, text: command });
      await expect
        .poll(async () => (await t.control.transcript(group.id)).messages.find((m) => m.from?.is_bot && m.reply_to_message_id === sent!.message_id)?.text, { timeout: 20_000 })
        .toBe('Команды Hotline работают только в группе менеджеров.');
    }
    expect(await requestRow(deal.requestId)).toEqual(before);
    const chat = await t.control.transcript(group.id);
    expect(chat.messages.some((m) => m.entities?.some((e) => e.type === 'text_link'))).toBe(false);
    // A forged card press on the bot's message there is refused with an alert.
    const botMessage = chat.messages.find((m) => m.from?.is_bot)!;
    const answer = await forgePress(group.id, botMessage.message_id, `card:${deal.requestId}:complete:${before.version}`, outsider);
    expect(answer).toMatchObject({ text: 'Кнопки карточки доступны только менеджерам в их группе.', show_alert: true });
    expect(await requestRow(deal.requestId)).toEqual(before);
  });

  it("a card's button pressed with another dialog's request is refused, and neither request changes", async () => {
    const a = await dealTopic('Диалог А');
    const b = await dealTopic('Диалог Б');
    const cardA = await actionCard(t, a.threadId);
    const cardB = await actionCard(t, b.threadId);
    const beforeA = await requestRow(a.requestId);
    const anyway = cardData(cardA, 'docs').replace(':docs:', ':docs_anyway:');
    for (const data of [...['complete', 'cancel', 'edit', 'docs'].map((action) => cardData(cardA, action)), anyway]) {
      const answer = await forgePress(t.group, cardB.message_id, data);
      expect(answer, data).toMatchObject({ text: 'Эта карточка не относится к заявке, на которую указывает кнопка.', show_alert: true });
    }
    // Confirming on card B with A's data, even after B asked for confirmation, is refused too.
    await t.control.pressButton({ from: t.manager.id, chat_id: t.group, message_id: cardB.message_id, callback_data: cardData(cardB, 'complete') });
    const confirm = await forgePress(t.group, cardB.message_id, `card:${a.requestId}:confirm_complete:${beforeA.version}`);
    expect(confirm).toMatchObject({ text: 'Эта карточка не относится к заявке, на которую указывает кнопка.', show_alert: true });
    expect(await requestRow(a.requestId)).toEqual(beforeA);
    expect((await requestRow(b.requestId)).status).toBe('accepted');
  });

  it('old callback data (an earlier version of the card, a confirmation never asked for) is refused; made-up data is told the button no longer works', async () => {
    const deal = await dealTopic('Старые кнопки');
    const card = await actionCard(t, deal.threadId);
    const oldComplete = cardData(card, 'complete');
    await say(deal.threadId, '/rate 13.5');
    await expect.poll(async () => cardData(await actionCard(t, deal.threadId), 'complete'), { timeout: 30_000 }).not.toBe(oldComplete);
    const before = await requestRow(deal.requestId);
    expect(before.terms?.rate).toBe('13.5');

    const stale = await forgePress(t.group, card.message_id, oldComplete);
    expect(stale).toMatchObject({ text: expect.stringContaining('Карточка устарела'), show_alert: true });
    const unasked = await forgePress(t.group, card.message_id, `card:${deal.requestId}:confirm_complete:${before.version}`);
    expect(unasked).toMatchObject({ text: 'Сначала нажмите кнопку ещё раз на актуальной карточке.', show_alert: true });
    for (const junk of ['card:1:drop_table:1', 'card:-1:complete:1', `card:${deal.requestId}:complete:99999999999`, '', 'x'.repeat(64)]) {
      const answer = await forgePress(t.group, card.message_id, junk);
      expect(answer?.text, junk).toMatch(/больше не работает|не относится к заявке/);
    }
    expect(await requestRow(deal.requestId)).toEqual(before);

    // After completion, replaying «Завершить» and its confirmation changes nothing more.
    const current = await actionCard(t, deal.threadId);
    await t.control.pressButton({ from: t.manager.id, chat_id: t.group, message_id: current.message_id, callback_data: cardData(current, 'complete') });
    await expect.poll(async () => (await actionCard(t, deal.threadId)).buttons!.flat().some((b) => b.callback_data?.includes(':confirm_complete:')), { timeout: 30_000 }).toBe(true);
    const confirmCard = await actionCard(t, deal.threadId);
    const confirmData = confirmCard.buttons!.flat().find((b) => b.callback_data?.includes(':confirm_complete:'))!.callback_data!;
    const done = await t.control.pressButton({ from: t.manager.id, chat_id: t.group, message_id: confirmCard.message_id, callback_data: confirmData });
    expect(done.answer?.text).toBe('Заявка завершена');
    const completed = await requestRow(deal.requestId);
    expect(completed.status).toBe('completed');
    const replay = await forgePress(t.group, confirmCard.message_id, confirmData);
    expect(replay?.show_alert).toBe(true);
    expect(await requestRow(deal.requestId)).toMatchObject({ status: 'completed' });
  });
});
