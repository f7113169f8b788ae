/**
 * Every file of the dialog reaches storage and the request: a client sends a
 * photo and a PDF, a manager sends a document into the topic; once the offer
 * is accepted all three are listed for the request with names and sniffed
 * MIME types, and download for the deal room only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramWorld, type TelegramWorld } from '../helpers/telegram.js';
import { acceptDeal, JPEG, outsider, PDF } from './helpers.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

interface Listed {
  id: number;
  name: string;
  mime: string | null;
  size: number | null;
  state: string;
  source: string;
  authorName: string | null;
  error: string | null;
}

describe('files of the dialog', () => {
  it('client photo and PDF, manager document → stored, listed for the request, downloadable by the deal room only', async () => {
    const client = await t.newClient('Файлы');
    await t.control.sendMessage({ from: client.id, text: 'Высылаю инвойс' });
    await t.control.sendMessage({ from: client.id, media: { type: 'photo', base64: JPEG.toString('base64') }, caption: 'фото паспорта' });
    await t.control.sendMessage({ from: client.id, media: { type: 'document', base64: PDF.toString('base64'), file_name: 'invoice.pdf', mime_type: 'application/pdf' } });
    const topic = await t.waitForTopic(client, { minCount: 4 });
    await t.control.sendMessage({
      from: t.manager.id,
      chat_id: t.group,
      message_thread_id: topic.threadId,
      media: { type: 'document', base64: PDF.toString('base64'), file_name: 'Договор.pdf', mime_type: 'application/pdf' },
    });
    await t.control.waitFor({ chat_id: client.id, min_count: 4 });

    const { requestId, manager } = await acceptDeal(t, topic.threadId);
    let listed: Listed[] = [];
    await expect
      .poll(
        async () => {
          listed = (await manager.get(`/api/requests/${requestId}/documents`)).body as Listed[];
          return listed.map((d) => `${d.state} ${d.mime}`);
        },
        { timeout: 15_000 },
      )
      .toEqual(['stored image/jpeg', 'stored application/pdf', 'stored application/pdf']);
    expect(listed.map((d) => d.name)).toEqual([expect.stringMatching(/^photo-\d+\.jpg$/), 'invoice.pdf', 'Договор.pdf']);
    expect(listed.map((d) => d.source)).toEqual(['chat', 'chat', 'chat']);
    expect(listed[0]!.authorName).toBe('Файлы');
    expect(listed[1]!.size).toBe(PDF.length);

    const download = await fetch(`${t.hotline.url}/api/documents/${listed[2]!.id}/download`, { headers: { cookie: manager.cookie } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('Договор.pdf')}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);

    const stranger = await outsider(t);
    const denied = await fetch(`${t.hotline.url}/api/documents/${listed[2]!.id}/download`, { headers: { cookie: stranger.cookie } });
    expect(denied.status).toBe(404);
    expect((await stranger.get(`/api/requests/${requestId}/documents`)).status).toBe(404);
    const anonymous = await fetch(`${t.hotline.url}/api/documents/${listed[2]!.id}/download`);
    expect(anonymous.status).toBe(401);
  });

  it('a file over 20 MB is recorded as too large, the message still reaches the topic', async () => {
    const client = await t.newClient('Большой');
    await t.control.sendMessage({ from: client.id, media: { type: 'document', size: 21 * 1024 * 1024, file_name: 'scan.pdf', mime_type: 'application/pdf' } });
    const topic = await t.waitForTopic(client, { minCount: 2 });
    const { requestId, manager } = await acceptDeal(t, topic.threadId);
    const listed = (await manager.get(`/api/requests/${requestId}/documents`)).body as Listed[];
    expect(listed).toMatchObject([{ name: 'scan.pdf', state: 'too_large', error: expect.stringContaining('20 МБ') }]);
  });
});
