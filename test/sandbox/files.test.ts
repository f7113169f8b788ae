import { InputFile, InputMediaBuilder } from 'grammy';
import type { Message } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { telegramUploadName } from '../../src/jobs/media.js';
import { PNG, startPolling, startSandbox, TOKEN, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
let clientId: number;

beforeEach(async () => {
  sandbox = await startSandbox();
  clientId = (await sandbox.control.createUser({ first_name: 'Ivan' })).id;
  await sandbox.control.sendMessage({ from: clientId, text: '/start' });
});
afterEach(async () => {
  if (sandbox.bot.isRunning()) await sandbox.bot.stop();
  await sandbox.close();
});

async function download(filePath: string): Promise<Buffer> {
  const response = await fetch(`${sandbox.apiRoot}/file/bot${TOKEN}/${filePath}`);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('files', () => {
  it('uploads a document by multipart (InputFile from a Buffer) and serves it back', async () => {
    const bytes = Buffer.from('%PDF-1.4 hotline test document');
    const sent = await sandbox.bot.api.sendDocument(clientId, new InputFile(bytes, 'offer.pdf'), { caption: 'Your offer' });
    expect(sent.document).toMatchObject({ file_name: 'offer.pdf', mime_type: 'application/pdf', file_size: bytes.length });
    expect(sent.caption).toBe('Your offer');
    expect(sent.document!.file_id).not.toBe(sent.document!.file_unique_id);

    const file = await sandbox.bot.api.getFile(sent.document!.file_id);
    expect(file.file_path).toMatch(/^documents\/file_\d+\.pdf$/);
    expect(file.file_size).toBe(bytes.length);
    expect(await download(file.file_path!)).toEqual(bytes);
  });

  it('file names with spaces and non-Latin letters survive the upload, read as Telegram reads them (issue 17.14)', async () => {
    const name = 'Поручение агенту № 2026-000001.pdf';
    // grammY writes the name unquoted; Telegram keeps the spaces and letters of such a value.
    const plain = await sandbox.bot.api.sendDocument(clientId, new InputFile(Buffer.from('%PDF-1.4 a'), name));
    expect(plain.document?.file_name).toBe(name);
    // Hotline's encoding: what Telegram would change (%, ;, quotes) is percent-encoded and decoded back.
    for (const tricky of [name, '100% оплата; счёт "A".pdf', '  края .pdf']) {
      const sent = await sandbox.bot.api.sendDocument(clientId, new InputFile(Buffer.from('%PDF-1.4 b'), telegramUploadName(tricky)));
      expect(sent.document?.file_name).toBe(tricky);
    }

    // Raw parts as other clients write them: a quoted-string with escapes, percent-encoding; `filename*` is ignored by Telegram.
    const upload = async (disposition: string) => {
      const boundary = 'hotlineBoundary';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n${clientId}\r\n--${boundary}\r\n`),
        Buffer.from(`Content-Disposition: ${disposition}\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 c\r\n--${boundary}--\r\n`, 'utf8'),
      ]);
      const response = await fetch(`${sandbox.apiRoot}/bot${TOKEN}/sendDocument`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
      return (await response.json()) as { ok: boolean; result?: Message; description?: string };
    };
    expect((await upload('form-data; name="document"; filename="Счёт \\"A\\" № 1.pdf"')).result?.document?.file_name).toBe('Счёт "A" № 1.pdf');
    expect((await upload('form-data; name="document"; filename=%D0%A1%D1%87%D1%91%D1%82%20%E2%84%96%201.pdf')).result?.document?.file_name).toBe('Счёт № 1.pdf');
    expect((await upload(`form-data; name="document"; filename="plain.pdf"; filename*=UTF-8''%D0%A1.pdf`)).result?.document?.file_name).toBe('plain.pdf');
    expect(await upload('form-data; name="document"; filename="unclosed.pdf')).toMatchObject({ ok: false, description: 'Bad Request: unclosed quoted string in Content-Disposition header' });
  });

  it('a client sends a photo; the bot downloads it via getFile and the file URL', async () => {
    const { bot, control } = sandbox;
    const photos: Message[] = [];
    bot.on('message:photo', async (ctx) => {
      photos.push(ctx.message);
      await ctx.reply('photo received');
    });
    await startPolling(bot);
    await control.sendMessage({ from: clientId, media: { type: 'photo', base64: PNG.toString('base64') }, caption: 'invoice' });
    await control.waitFor({ chat_id: clientId, text_includes: 'photo received' });

    const sizes = photos[0]!.photo!;
    expect(sizes.at(-1)).toMatchObject({ width: 1, height: 1 });
    expect(photos[0]!.caption).toBe('invoice');
    const file = await bot.api.getFile(sizes.at(-1)!.file_id);
    expect(file.file_path).toMatch(/^photos\/file_\d+\.jpg$/);
    expect(await download(file.file_path!)).toEqual(PNG);
  });

  it('a large photo gets several sizes, the largest 1280 px on the long side', async () => {
    const [message] = await sandbox.control.sendMessage({ from: clientId, media: { type: 'photo', width: 4000, height: 3000 } });
    expect(message!.photo!.map((p) => [p.width, p.height])).toEqual([
      [90, 68],
      [320, 240],
      [800, 600],
      [1280, 960],
    ]);
  });

  it('refuses getFile for files over 20 MB', async () => {
    const [message] = await sandbox.control.sendMessage({ from: clientId, media: { type: 'document', size: 21 * 1024 * 1024, file_name: 'huge.zip' } });
    await expect(sandbox.bot.api.getFile(message!.document!.file_id)).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: file is too big' });
  });

  it('sendMediaGroup with attach:// parts makes one album of separate messages', async () => {
    const album: Message[] = await sandbox.bot.api.sendMediaGroup(clientId, [
      InputMediaBuilder.photo(new InputFile(PNG, 'a.png'), { caption: 'first' }),
      InputMediaBuilder.photo(new InputFile(PNG, 'b.png'), { caption: 'second' }),
    ]);
    expect(album).toHaveLength(2);
    expect(album[0]!.media_group_id).toBeDefined();
    expect(album[1]!.media_group_id).toBe(album[0]!.media_group_id);
    expect(album[1]!.photo![0]!.file_id).not.toBe(album[0]!.photo![0]!.file_id);
    expect(album.map((m) => m.caption)).toEqual(['first', 'second']);
    const reused = await sandbox.bot.api.sendPhoto(clientId, album[0]!.photo!.at(-1)!.file_id);
    expect(reused.photo).toEqual(album[0]!.photo);

    const documents: Message[] = await sandbox.bot.api.sendMediaGroup(clientId, [
      InputMediaBuilder.document(new InputFile(Buffer.from('one'), 'one.txt')),
      InputMediaBuilder.document(new InputFile(Buffer.from('two'), 'two.csv')),
    ]);
    expect(documents.map((m) => m.document?.mime_type)).toEqual(['text/plain', 'text/csv']);
  });

  it('a photo URL is refused: the emulator has no Internet', async () => {
    await expect(sandbox.bot.api.sendPhoto(clientId, 'https://example.com/a.jpg')).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: wrong HTTP URL' });
  });
});

describe('copying', () => {
  it('copyMessage keeps the media and the caption, or takes a new caption', async () => {
    const { bot, control } = sandbox;
    const group = await control.createGroup({ title: 'Managers', member_ids: [(await control.createUser({ first_name: 'Maria' })).id] });
    const [original] = await control.sendMessage({ from: clientId, media: { type: 'document', size: 100, file_name: 'passport.pdf' }, caption: 'my <b>passport</b>' });

    const copy = await bot.api.copyMessage(group.id, clientId, original!.message_id);
    const renamed = await bot.api.copyMessage(group.id, clientId, original!.message_id, { caption: '<i>checked</i>', parse_mode: 'HTML' });
    const transcript = await control.transcript(group.id);
    const byId = (id: number) => transcript.messages.find((m) => m.message_id === id)!;
    expect(byId(copy.message_id)).toMatchObject({ caption: 'my <b>passport</b>', media: { type: 'document', file_name: 'passport.pdf', file_id: original!.document!.file_id } });
    expect(byId(renamed.message_id)).toMatchObject({ caption: 'checked', caption_entities: [{ type: 'italic', offset: 0, length: 7 }] });
    expect(byId(copy.message_id).raw.forward_origin).toBeUndefined();
  });

  it('copyMessages keeps an album together with its captions', async () => {
    const { bot, control } = sandbox;
    const group = await control.createGroup({ title: 'Managers', member_ids: [(await control.createUser({ first_name: 'Maria' })).id] });
    const sent = await control.sendMessage({
      from: clientId,
      album: [
        { type: 'photo', caption: 'front' },
        { type: 'photo', caption: 'back' },
      ],
    });
    const [text] = await control.sendMessage({ from: clientId, text: 'both sides' });
    const ids = await bot.api.copyMessages(group.id, clientId, [...sent.map((m) => m.message_id), text!.message_id]);
    expect(ids).toHaveLength(3);

    const copies = (await control.transcript(group.id)).messages;
    expect(copies.map((m) => m.caption ?? m.text)).toEqual(['front', 'back', 'both sides']);
    expect(copies[0]!.media_group_id).toBeDefined();
    expect(copies[1]!.media_group_id).toBe(copies[0]!.media_group_id);
    expect(copies[0]!.media_group_id).not.toBe(sent[0]!.media_group_id);
    expect(copies[0]!.media?.type).toBe('photo');
  });

  it('copying a message that does not exist answers like Telegram', async () => {
    await expect(sandbox.bot.api.copyMessage(clientId, clientId, 999)).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: message to copy not found' });
  });
});
