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

  it('the clients who came without a link parameter are a choice of their own, in the list and in the export', async () => {
    const client = await t.newClient('Безссылочный');
    await t.control.sendMessage({ from: client.id, text: 'Просто пишу' });
    await t.waitForTopic(client, { textIncludes: 'Просто пишу' });
    const names = async (query: string) => (await admin.get(`/api/dialogs?${query}`)).body.items.map((d: { clientName: string }) => d.clientName);
    const without = await names('withoutSource=true');
    expect(without).toContain('Безссылочный');
    expect(without).not.toContain('Осенний');
    expect(without).not.toContain('Вернувшийся'); // came by a link later: a source now
    expect((await admin.get('/api/dialogs/sources')).body.without).toBe(without.length);
    const csv = await admin.get('/api/clients/export?format=csv&withoutSource=true&lang=en');
    expect(csv.status).toBe(200);
    expect(csv.body).toContain('Безссылочный');
    expect(csv.body).not.toContain('Осенний');
    // A source and «without one» at once can match nobody: refused, saying why.
    const both = await admin.get('/api/dialogs?source=ads_autumn&withoutSource=true');
    expect(both.status).toBe(400);
    expect(both.body.fields.withoutSource).toContain('выберите одно');
  });

  it('a malformed source filter is refused with the rule', async () => {
    const bad = await admin.get('/api/dialogs?source=' + encodeURIComponent('ads autumn'));
    expect(bad.status).toBe(400);
    expect(bad.body.fields.source).toContain('от 1 до 64 латинских букв, цифр, _ и -');
  });
});
