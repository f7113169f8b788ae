/**
 * Issue 19.6 through the emulator: a client who opens the bot by a deep link
 * (`t.me/<bot>?start=ads_autumn`, which Telegram turns into `/start ads_autumn`)
 * is known by that source: the client card says it, and the dialogs list on
 * the platform filters by it. The first source is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { ApiClient, signedInAdmin } from '../helpers/app.js';

let t: TelegramWorld;
let admin: ApiClient;
beforeAll(async () => {
  t = await startTelegramWorld();
  admin = await signedInAdmin(t.hotline.url);
});
afterAll(async () => {
  await t?.stop();
});

const cardOf = async (threadId: number) => visible(await t.control.transcript(t.group, { thread_id: threadId })).find((m) => m.text?.startsWith('👤'))?.text ?? '';

describe('where a client comes from', () => {
  it('a new client by a deep link: the card names the source, the dialogs list filters by it; a later link does not replace it', async () => {
    const client = await t.newClient('Осенний');
    await t.control.sendMessage({ from: client.id, text: '/start ads_autumn' });
    const topic = await t.waitForTopic(client, { textIncludes: '/start ads_autumn' });
    await expect.poll(() => cardOf(topic.threadId), { timeout: 15_000 }).toContain('Источник: ads_autumn');

    await t.control.sendMessage({ from: client.id, text: '/start ads_winter' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: '/start ads_winter' });
    const listed = await admin.get('/api/dialogs?source=ads_autumn');
    expect(listed.body.items.map((d: { clientName: string }) => d.clientName)).toEqual(['Осенний']);
    expect(listed.body.items[0].startParameter).toBe('ads_autumn');
    expect((await admin.get('/api/dialogs?source=ads_winter')).body.items).toEqual([]);
    expect(await cardOf(topic.threadId)).toContain('Источник: ads_autumn');
  });

  it('a client who wrote first and came by a link later gets the source on the card then', async () => {
    const client = await t.newClient('Вернувшийся');
    await t.control.sendMessage({ from: client.id, text: 'Добрый день' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Добрый день' });
    await expect.poll(() => cardOf(topic.threadId), { timeout: 15_000 }).toContain('Вернувшийся');
    expect(await cardOf(topic.threadId)).not.toContain('Источник');

    await t.control.sendMessage({ from: client.id, text: '/start partner-42' });
    await expect.poll(() => cardOf(topic.threadId), { timeout: 15_000 }).toContain('Источник: partner-42');
    const sources = await admin.get('/api/dialogs/sources');
    expect(sources.body.items).toEqual(expect.arrayContaining([{ source: 'partner-42', clients: 1 }, { source: 'ads_autumn', clients: 1 }]));
  });

  it('a malformed source filter is refused with the rule', async () => {
    const bad = await admin.get('/api/dialogs?source=' + encodeURIComponent('ads autumn'));
    expect(bad.status).toBe(400);
    expect(bad.body.fields.source).toContain('от 1 до 64 латинских букв, цифр, _ и -');
  });
});
