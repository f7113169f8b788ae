import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { messages } from '../../src/db/schema.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

const captions: Record<string, string> = { photo: 'фото инвойса', document: 'инвойс' };
const kinds = [
  { type: 'photo' },
  { type: 'document', file_name: 'Инвойс №15.pdf', mime_type: 'application/pdf' },
  { type: 'video', mime_type: 'video/mp4', duration: 3 },
  { type: 'voice', mime_type: 'audio/ogg', duration: 2 },
  { type: 'audio', mime_type: 'audio/mpeg', duration: 5, title: 'Запись' },
  { type: 'video_note', length: 240, duration: 2 },
  { type: 'sticker', emoji: '👍' },
] as const;

describe('media crosses both ways', () => {
  it('every kind the client sends reaches the topic with captions and file names; locations and contacts too', async () => {
    const client = await t.newClient('Медиа');
    for (const media of kinds) {
      await t.control.sendMessage({ from: client.id, media: { ...media, size: 2048 }, caption: captions[media.type] });
    }
    await t.control.sendMessage({ from: client.id, location: { latitude: 55.75, longitude: 37.62 } });
    await t.control.sendMessage({ from: client.id, contact: { phone_number: '+79001234567', first_name: 'Бухгалтер' } });
    const topic = await t.waitForTopic(client, { minCount: 1 + kinds.length + 2 });
    const shown = visible(topic).slice(1);
    expect(shown.map((m) => m.media?.type ?? (m.location ? 'location' : m.contact ? 'contact' : 'text'))).toEqual([
      ...kinds.map((k) => k.type),
      'location',
      'contact',
    ]);
    expect(shown[0]!.caption).toBe('фото инвойса');
    expect(shown[1]!.media?.file_name).toBe('Инвойс №15.pdf');
    expect(shown[1]!.caption).toBe('инвойс');
    expect(shown[kinds.length + 1]!.contact?.phone_number).toBe('+79001234567');

    const stored = await t.hotline.database().db.select().from(messages).where(eq(messages.direction, 'in'));
    const invoice = stored.find((m) => m.media?.fileName === 'Инвойс №15.pdf')!;
    expect(invoice.media?.kind).toBe('document');
    expect(invoice.media?.fileId).toBeTruthy();
    expect(invoice.topicMessageId).toBe(shown[1]!.message_id);
    expect(invoice.clientChatMessageId).toBeTruthy();
  });

  it('every kind a manager sends reaches the client', async () => {
    const client = await t.newClient('Медиа2');
    await t.control.sendMessage({ from: client.id, text: 'жду документы' });
    const topic = await t.waitForTopic(client, { textIncludes: 'жду документы' });
    for (const media of kinds) {
      await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, media: { ...media, size: 1024 } });
    }
    const privateChat = await t.control.waitFor({ chat_id: client.id, min_count: 2 + kinds.length });
    const received = privateChat.messages.filter((m) => m.from?.is_bot && m.media).map((m) => m.media!.type);
    expect(received).toEqual(kinds.map((k) => k.type));
    const doc = privateChat.messages.find((m) => m.media?.type === 'document')!;
    expect(doc.media?.file_name).toBe('Инвойс №15.pdf');
  });

  it('an album arrives as an album, both ways', async () => {
    const client = await t.newClient('Альбом');
    await t.control.sendMessage({ from: client.id, text: 'сейчас пришлю фото' });
    const topic = await t.waitForTopic(client, { textIncludes: 'сейчас пришлю фото' });
    await t.control.sendMessage({
      from: client.id,
      album: [
        { type: 'photo', size: 3000, caption: 'страница 1' },
        { type: 'photo', size: 3000 },
        { type: 'photo', size: 3000 },
      ],
    });
    const withAlbum = await t.waitForTopic(client, { minCount: visible(topic).length + 3 });
    const album = visible(withAlbum).filter((m) => m.media?.type === 'photo');
    expect(album).toHaveLength(3);
    expect(new Set(album.map((m) => m.media_group_id)).size).toBe(1);
    expect(album[0]!.media_group_id).toBeTruthy();
    expect(album[0]!.caption).toBe('страница 1');

    await t.control.sendMessage({
      from: t.manager.id,
      chat_id: t.group,
      message_thread_id: topic.threadId,
      album: [
        { type: 'document', size: 500, file_name: 'a.pdf', mime_type: 'application/pdf' },
        { type: 'document', size: 500, file_name: 'b.pdf', mime_type: 'application/pdf' },
      ],
    });
    const documentsOf = async () => (await t.control.transcript(client.id)).messages.filter((m) => m.media?.type === 'document');
    await expect.poll(async () => (await documentsOf()).length, { timeout: 10_000 }).toBe(2);
    const docs = await documentsOf();
    expect(docs.map((m) => m.media?.file_name)).toEqual(['a.pdf', 'b.pdf']);
    expect(docs[0]!.media_group_id).toBeTruthy();
    expect(docs[0]!.media_group_id).toBe(docs[1]!.media_group_id);
  });
});

describe('/skip and /unskip', () => {
  it('marks the replied message skipped and back, confirming with a reaction; a /skip without a reply explains itself', async () => {
    const client = await t.newClient('Скип');
    await t.control.sendMessage({ from: client.id, text: 'личное, не для заявки' });
    const topic = await t.waitForTopic(client, { textIncludes: 'личное' });
    const target = visible(topic).find((m) => m.text === 'личное, не для заявки')!;
    const db = t.hotline.database().db;
    const stored = async () =>
      (await db.select().from(messages).where(and(eq(messages.text, 'личное, не для заявки'))))[0]!;

    const [command] = await t.control.sendMessage({
      from: t.manager.id,
      chat_id: t.group,
      message_thread_id: topic.threadId,
      reply_to_message_id: target.message_id,
      text: '/skip',
    });
    const deadline = Date.now() + 10_000;
    while (!(await stored()).skip && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await stored()).skip).toBe(true);
    await expect
      .poll(async () => {
        const tr = await t.control.transcript(t.group, { thread_id: topic.threadId });
        return JSON.stringify(tr.messages.find((m) => m.message_id === command!.message_id)?.reactions ?? {});
      }, { timeout: 10_000 })
      .toContain('👌');

    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, reply_to_message_id: target.message_id, text: '/unskip' });
    await expect.poll(async () => (await stored()).skip, { timeout: 10_000 }).toBe(false);

    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, text: '/skip' });
    const how = await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'Ответьте командой /skip на сообщение' });
    const privateChat = await t.control.transcript(client.id);
    expect(privateChat.messages.some((m) => m.text?.includes('/skip'))).toBe(false);

    // A reply to a message that is not the client's conversation (here the bot's own answer): the bot says so,
    // naming the command the manager typed, and nothing changes.
    const botAnswer = how.messages.find((m) => m.from?.is_bot && m.text?.includes('Ответьте командой /skip'))!;
    await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: topic.threadId, reply_to_message_id: botAnswer.message_id, text: '/unskip' });
    const notDialog = await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'не из переписки с клиентом' });
    expect(notDialog.messages.find((m) => m.text?.includes('не из переписки с клиентом'))!.text).toBe(
      'Это сообщение не из переписки с клиентом. Ответьте командой /unskip на сообщение клиента или менеджера.',
    );
    expect((await stored()).skip).toBe(false);
  });
});
