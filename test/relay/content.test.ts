/**
 * Issue 15, items 5-9: content Telegram won't copy, notes around long or
 * formatted text, media edits, late album parts, a client's new name.
 * Everything is driven through the emulator as people would: the client in
 * the private chat, the manager in the topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { MessageEntity } from '@grammyjs/types';
import { clients, dialogs, documents, messages } from '../../src/db/schema.js';
import { EDITED_NOTE } from '../../src/commands/recordEdit.js';
import { COPY_REFUSED_NOTE, SOURCE_GONE_NOTE } from '../../src/jobs/contentFallback.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import type { Transcript, TranscriptMessage } from '../../src/sandbox/control.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

/** The stored client message with this id in the client's private chat. */
const storedOf = async (client: { id: number }, clientChatMessageId: number) => {
  const [row] = await t.hotline
    .database()
    .db.select({ message: messages })
    .from(messages)
    .innerJoin(dialogs, eq(dialogs.id, messages.dialogId))
    .innerJoin(clients, eq(clients.id, dialogs.clientId))
    .where(and(eq(clients.telegramUserId, client.id), eq(messages.clientChatMessageId, clientChatMessageId), eq(messages.direction, 'in')));
  return row!.message;
};

/** The substring an entity covers (offsets in UTF-16 units, as JS strings). */
const covered = (text: string, e: { offset: number; length: number }) => text.slice(e.offset, e.offset + e.length);

async function dialogWith(name: string, first = 'Здравствуйте') {
  const client = await t.newClient(name);
  const [sent] = await t.control.sendMessage({ from: client.id, text: first });
  const topic = await t.waitForTopic(client, { textIncludes: first });
  return { client, topic, firstMessage: sent! };
}

describe('15.5 every kind of message reaches the topic and the platform', () => {
  it('a poll, dice, a venue, a location and a contact are copied and stored with their content as text', async () => {
    const { client, topic } = await dialogWith('Содержимое');
    const [poll] = await t.control.sendMessage({ from: client.id, poll: { question: 'Когда удобнее платить?', options: ['Сегодня', 'Завтра'] } });
    const [dice] = await t.control.sendMessage({ from: client.id, dice: { emoji: '🎲', value: 4 } });
    const [venue] = await t.control.sendMessage({
      from: client.id,
      venue: { latitude: 55.7558, longitude: 37.6173, title: 'Офис на Тверской', address: 'Тверская, 1' },
    });
    const [location] = await t.control.sendMessage({ from: client.id, location: { latitude: 59.93, longitude: 30.31 } });
    const [contact] = await t.control.sendMessage({ from: client.id, contact: { phone_number: '+79001234567', first_name: 'Бухгалтер', last_name: 'Ольга' } });
    const after = await t.waitForTopic(client, { minCount: visible(topic).length + 5 });
    const copies = visible(after).slice(-5).map((m) => m.raw);
    expect(copies[0]!.poll?.question).toBe('Когда удобнее платить?');
    expect(copies[1]!.dice).toMatchObject({ emoji: '🎲', value: 4 });
    expect(copies[2]!.venue?.title).toBe('Офис на Тверской');
    expect(copies[3]!.location).toMatchObject({ latitude: 59.93 });
    expect(copies[4]!.contact?.phone_number).toBe('+79001234567');

    const summaries = await Promise.all([poll, dice, venue, location, contact].map(async (m) => (await storedOf(client, m!.message_id)).media));
    expect(summaries.map((m) => m?.kind)).toEqual(['poll', 'dice', 'venue', 'location', 'contact']);
    expect(summaries[0]!.summary).toContain('Когда удобнее платить?');
    expect(summaries[0]!.summary).toContain('2. Завтра');
    expect(summaries[1]!.summary).toContain('4');
    expect(summaries[2]!.summary).toContain('Офис на Тверской');
    expect(summaries[2]!.summary).toContain('Тверская, 1');
    expect(summaries[3]!.summary).toContain('59.93');
    expect(summaries[4]!.summary).toContain('Бухгалтер Ольга');
    expect(summaries[4]!.summary).toContain('+79001234567');
  });

  it('a forwarded quiz Telegram refuses to copy still reaches the topic: what it was, its content, and why', async () => {
    const { client, topic } = await dialogWith('Викторина');
    const author = await t.newClient('Автор викторины');
    await t.control.sendMessage({
      from: client.id,
      forwarded_from: author.id,
      poll: { question: 'Какой код валюты у юаня?', options: ['CNY', 'CNH', 'RMB'], type: 'quiz', correct_option_id: 0 },
    });
    const after = await t.waitForTopic(client, { textIncludes: 'Какой код валюты у юаня?', minCount: visible(topic).length + 1 });
    const note = visible(after).at(-1)!;
    expect(note.raw.poll).toBeUndefined();
    expect(note.text).toContain(COPY_REFUSED_NOTE);
    expect(note.text).toContain("message can't be copied");
    expect(note.text).toContain('Викторина');
    expect(note.text).toContain('1. CNY');
    expect(note.text).toContain('3. RMB');
  });

  it('a message the client deleted before its copy went out still reaches the topic, as text', async () => {
    const { client, topic } = await dialogWith('Удалил');
    // Telegram fails the copies for a while (500), so the client has time to delete the message.
    const failedBefore = (await t.control.stats()).faults.error;
    await t.control.setFaults({ error_rate: 1, methods: ['copyMessage'] });
    try {
      const [sent] = await t.control.sendMessage({ from: client.id, text: 'Счёт 12 400 USD, оплата до пятницы' });
      // Wait until the bot has tried (and failed) to copy it: the message reached Hotline.
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && (await t.control.stats()).faults.error === failedBefore) await new Promise((r) => setTimeout(r, 50));
      await t.control.deleteMessage({ from: client.id, message_id: sent!.message_id });
    } finally {
      await t.control.clearFaults();
    }
    const after = await t.waitForTopic(client, { textIncludes: 'Счёт 12 400 USD', minCount: visible(topic).length + 1 });
    const note = visible(after).at(-1)!;
    expect(note.text).toContain(SOURCE_GONE_NOTE);
    expect(note.text).toContain('Счёт 12 400 USD, оплата до пятницы');
  });

  it("a manager's quiz the bot can't copy reaches the client as text", async () => {
    const { client, topic } = await dialogWith('Викторина2');
    await t.control.sendMessage({
      from: t.manager.id,
      chat_id: t.group,
      message_thread_id: topic.threadId,
      poll: { question: 'Проверим реквизиты?', options: ['Да', 'Нет'], type: 'quiz', correct_option_id: 0 },
    });
    const chat = await t.control.waitFor({ chat_id: client.id, text_includes: 'Проверим реквизиты?' });
    const received = chat.messages.at(-1)!;
    expect(received.from?.is_bot).toBe(true);
    expect(received.text).toContain('1. Да');
    // The client is not shown the managers' note about Telegram.
    expect(received.text).not.toContain(COPY_REFUSED_NOTE);
  });
});

describe('15.6 notes around user text keep its formatting and fit Telegram', () => {
  async function makeMirrorUneditable(transcript: Transcript, text: string): Promise<TranscriptMessage> {
    const mirror = visible(transcript).find((m) => m.text?.startsWith(text))!;
    await t.control.deleteMessage({ from: t.manager.id, chat_id: t.group, message_id: mirror.message_id });
    return mirror;
  }

  it('an edit of a 4,090-character text whose mirror cannot be edited arrives whole, within 4,096 per message, formatting kept', async () => {
    const { client, topic } = await dialogWith('Длинный');
    const body = 'Реквизиты: '.padEnd(4000, 'я') + ' конец.';
    const link = 'подробнее';
    const original = (body + ' ' + link).padEnd(4090, '!');
    const [sent] = await t.control.sendMessage({ from: client.id, text: original });
    const mirrored = await t.waitForTopic(client, { textIncludes: 'Реквизиты: ', minCount: visible(topic).length + 1 });
    await makeMirrorUneditable(mirrored, 'Реквизиты: ');

    const edited = original.replace('конец.', 'КОНЕЦ.');
    const linkOffset = edited.indexOf(link);
    const entities: MessageEntity[] = [
      { type: 'bold', offset: 0, length: 10 },
      { type: 'text_link', offset: linkOffset, length: link.length, url: 'https://pay.example/invoice/15' },
    ];
    await t.control.editMessage({ from: client.id, message_id: sent!.message_id, text: edited, entities: entities as unknown as Array<Record<string, unknown>> });
    // The note comes in parts; the last one ends the text.
    const last = mirrored.messages.at(-1)!.message_id;
    const deadline = Date.now() + 15_000;
    let notes: TranscriptMessage[] = [];
    while (Date.now() < deadline) {
      const after = await t.control.transcript(t.group, { thread_id: mirrored.threadId });
      notes = visible(after).filter((m) => m.message_id > last);
      if (notes.at(-1)?.text?.endsWith('!!!')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(notes.length).toBeGreaterThanOrEqual(2);
    for (const note of notes) expect(note.text!.length).toBeLessThanOrEqual(4096);
    const whole = notes.map((n) => n.text).join('');
    expect(whole.startsWith(EDITED_NOTE)).toBe(true);
    expect(whole).toContain(edited.slice(0, 200));
    expect(whole.replace(/\s/g, '').endsWith(edited.replace(/\s/g, '').slice(-100))).toBe(true);
    const bold = notes[0]!.entities!.find((e) => e.type === 'bold')!;
    expect(covered(notes[0]!.text!, bold)).toBe('Реквизиты:');
    const withLink = notes.find((n) => n.entities?.some((e) => e.type === 'text_link'))!;
    const textLink = withLink.entities!.find((e) => e.type === 'text_link')! as MessageEntity.TextLinkMessageEntity;
    expect(covered(withLink.text!, textLink)).toBe(link);
    expect(textLink.url).toBe('https://pay.example/invoice/15');
  });

  it('a short edited note keeps a link that existed only as formatting', async () => {
    const { client, topic } = await dialogWith('Ссылка');
    const [sent] = await t.control.sendMessage({ from: client.id, text: 'Оплата по счёту' });
    const mirrored = await t.waitForTopic(client, { textIncludes: 'Оплата по счёту', minCount: visible(topic).length + 1 });
    await makeMirrorUneditable(mirrored, 'Оплата по счёту');
    await t.control.editMessage({
      from: client.id,
      message_id: sent!.message_id,
      text: 'Оплата по новому счёту',
      entities: [{ type: 'text_link', offset: 10, length: 12, url: 'https://pay.example/invoice/16' }],
    });
    const after = await t.control.waitFor({ chat_id: t.group, message_thread_id: mirrored.threadId, text_includes: 'новому счёту' });
    const note = visible(after).at(-1)!;
    expect(note.text).toBe(`${EDITED_NOTE}\nОплата по новому счёту`);
    const link = note.entities?.find((e) => e.type === 'text_link') as MessageEntity.TextLinkMessageEntity | undefined;
    expect(link?.url).toBe('https://pay.example/invoice/16');
    expect(covered(note.text!, link!)).toBe('новому счёту');
  });
});

describe('15.7 a replaced photo is relayed and every version kept', () => {
  it('the client replaces the photo of «Платёжка» (same caption): the topic shows the new file, the platform keeps both', async () => {
    const { client, topic } = await dialogWith('Платёжка');
    const [sent] = await t.control.sendMessage({ from: client.id, media: { type: 'photo', size: 3000, width: 800, height: 600 }, caption: 'Платёжка' });
    const mirrored = await t.waitForTopic(client, { textIncludes: 'Платёжка', minCount: visible(topic).length + 1 });
    const mirror = visible(mirrored).find((m) => m.caption === 'Платёжка')!;
    const oldFile = mirror.raw.photo!.at(-1)!.file_unique_id;

    const edited = await t.control.editMessageMedia({ from: client.id, message_id: sent!.message_id, media: { type: 'photo', size: 5000, width: 1000, height: 700 }, caption: 'Платёжка' });
    const newFile = edited.photo!.at(-1)!.file_unique_id;
    expect(newFile).not.toBe(oldFile);
    const deadline = Date.now() + 15_000;
    let now = mirror;
    while (Date.now() < deadline) {
      const transcript = await t.control.transcript(t.group, { thread_id: mirrored.threadId });
      now = transcript.messages.find((m) => m.message_id === mirror.message_id)!;
      if (now.raw.photo?.at(-1)?.file_unique_id === newFile) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(now.raw.photo!.at(-1)!.file_unique_id).toBe(newFile);
    expect(now.caption).toBe('Платёжка');

    const stored = await storedOf(client, sent!.message_id);
    expect(stored.media?.fileUniqueId).toBe(newFile);
    expect(stored.media?.previous?.map((p) => p.fileUniqueId)).toEqual([oldFile]);
    const versions = await t.hotline.database().db.select().from(documents).where(eq(documents.messageId, stored.id));
    expect(versions).toHaveLength(2);
  });

  it('a manager replaces a photo in the topic: the client sees the new one', async () => {
    const { client, topic } = await dialogWith('Платёжка2');
    const [sent] = await t.control.sendMessage({
      from: t.manager.id,
      chat_id: t.group,
      message_thread_id: topic.threadId,
      media: { type: 'photo', size: 3000 },
      caption: 'Счёт',
    });
    const chat = await t.control.waitFor({ chat_id: client.id, text_includes: 'Счёт' });
    const copy = chat.messages.find((m) => m.caption === 'Счёт')!;
    const edited = await t.control.editMessageMedia({ from: t.manager.id, chat_id: t.group, message_id: sent!.message_id, media: { type: 'photo', size: 6000 }, caption: 'Счёт' });
    const newFile = edited.photo!.at(-1)!.file_unique_id;
    const deadline = Date.now() + 15_000;
    let current = copy;
    while (Date.now() < deadline && current.raw.photo?.at(-1)?.file_unique_id !== newFile) {
      await new Promise((r) => setTimeout(r, 100));
      current = (await t.control.transcript(client.id)).messages.find((m) => m.message_id === copy.message_id)!;
    }
    expect(current.raw.photo!.at(-1)!.file_unique_id).toBe(newFile);
  });
});

describe('15.8 album parts that arrive late stay in the album', () => {
  it('parts sent 1.2 s apart go out as one album', async () => {
    const { client, topic } = await dialogWith('Медленный альбом');
    const album = `late-${Date.now()}`;
    for (let i = 0; i < 3; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 1200));
      await t.control.sendMessage({ from: client.id, media: { type: 'photo', size: 3000 }, media_group_id: album, ...(i === 0 ? { caption: 'Документы' } : {}) });
    }
    const after = await t.waitForTopic(client, { minCount: visible(topic).length + 3 });
    const photos = visible(after).filter((m) => m.media?.type === 'photo');
    expect(photos).toHaveLength(3);
    expect(new Set(photos.map((p) => p.media_group_id)).size).toBe(1);
    expect(photos[0]!.media_group_id).toBeTruthy();
  });
});

describe('15.9 the topic title follows the client', () => {
  it('a client who changes name and username gets the topic renamed, after their message', async () => {
    const { client, topic } = await dialogWith('Роман', 'Добрый день');
    await t.control.updateUser(client.id, { first_name: 'Роман', last_name: 'Новиков', username: 'roman_n' });
    await t.control.sendMessage({ from: client.id, text: 'Я сменил имя' });
    const deadline = Date.now() + 15_000;
    let name = '';
    while (Date.now() < deadline) {
      const chat = await t.control.transcript(t.group);
      name = chat.topics.find((x) => x.message_thread_id === topic.threadId)!.name;
      if (name === '🔴 Роман Новиков (@roman_n)') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(name).toBe('🔴 Роман Новиков (@roman_n)');
    const after = await t.control.transcript(t.group, { thread_id: topic.threadId });
    const services = after.messages.filter((m) => m.service === 'forum_topic_edited').map((m) => m.message_id);
    const message = after.messages.find((m) => m.text === 'Я сменил имя')!;
    // Client content first: the message went out before the rename.
    expect(services).toHaveLength(1);
    expect(message.message_id).toBeLessThan(services[0]!);
  });
});
