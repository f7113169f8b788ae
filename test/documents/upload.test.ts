/**
 * A manager uploads a file on the request page: it is checked (size, type
 * allow-list, bytes matching the claimed type, a safe name), stored, listed,
 * and sent into the topic — and to the client when ticked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { ApiClient } from '../helpers/app.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { acceptDeal, PDF, PNG } from './helpers.js';

let t: TelegramWorld;
let deal: { requestId: number; manager: ApiClient; threadId: number; clientId: number };
beforeAll(async () => {
  t = await startTelegramWorld();
  const client = await t.newClient('Загрузка');
  await t.control.sendMessage({ from: client.id, text: 'Жду документы' });
  const topic = await t.waitForTopic(client, { minCount: 2 });
  deal = { ...(await acceptDeal(t, topic.threadId)), threadId: topic.threadId, clientId: client.id };
});
afterAll(async () => {
  await t?.stop();
});

async function upload(name: string, bytes: Buffer, type: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const response = await fetch(`${t.hotline.url}/api/requests/${deal.requestId}/documents`, {
    method: 'POST',
    headers: { cookie: deal.manager.cookie, 'x-csrf-token': deal.manager.csrfToken },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as { id?: number; name?: string; error?: string } };
}

describe('upload on the platform', () => {
  it('a PDF ticked "send to client" is stored, listed, posted into the topic and sent to the client', async () => {
    const result = await upload('Счёт №5.pdf', PDF, 'application/pdf', { sendToClient: 'true' });
    expect(result.status).toBe(200);
    expect(result.body.name).toBe('Счёт №5.pdf');
    const topic = await t.control.waitFor({ chat_id: t.group, message_thread_id: deal.threadId, text_includes: 'Файл с платформы' });
    const posted = visible(topic).find((m) => m.caption === '📎 Файл с платформы' || m.text === '📎 Файл с платформы');
    // The emulator's multipart parser drops the space from the uploaded file's name.
    expect(posted?.media?.file_name).toMatch(/^Счёт ?№5\.pdf$/);
    await expect
      .poll(async () => visible(await t.control.transcript(deal.clientId)).some((m) => /^Счёт ?№5\.pdf$/.test(m.media?.file_name ?? '')), { timeout: 10_000 })
      .toBe(true);
    const listed = (await deal.manager.get(`/api/requests/${deal.requestId}/documents`)).body as Array<{ name: string; source: string; authorName: string }>;
    expect(listed.find((d) => d.source === 'upload')).toMatchObject({ name: 'Счёт №5.pdf' });
  });

  it('refuses with a reason: too large, a type not allowed, bytes that are not what the name says', async () => {
    const big = await upload('big.pdf', Buffer.concat([PDF, Buffer.alloc(21 * 1024 * 1024)]), 'application/pdf');
    expect(big).toMatchObject({ status: 400, body: { error: expect.stringContaining('больше 20 МБ') } });
    const exe = await upload('setup.exe', Buffer.from('MZ\x90\x00'), 'application/octet-stream');
    expect(exe).toMatchObject({ status: 400, body: { error: expect.stringContaining('не принимаются') } });
    const fake = await upload('invoice.pdf', PNG, 'application/pdf');
    expect(fake).toMatchObject({ status: 400, body: { error: expect.stringContaining('не соответствует') } });
    const claimed = await upload('photo.png', PNG, 'application/pdf');
    expect(claimed).toMatchObject({ status: 400, body: { error: expect.stringContaining('не соответствует') } });
  });

  it('a name with directories is stored as its last part', async () => {
    const result = await upload('../../etc/passwd.png', PNG, 'image/png');
    expect(result).toMatchObject({ status: 200, body: { name: 'passwd.png' } });
  });

  it('an image gets a server-made thumbnail, 320 px wide', async () => {
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#3366aa' } }).png().toBuffer();
    const result = await upload('scan.png', png, 'image/png');
    expect(result.status).toBe(200);
    const response = await fetch(`${t.hotline.url}/api/documents/${result.body.id}/thumbnail`, { headers: { cookie: deal.manager.cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([320, 213]);
  });
});
