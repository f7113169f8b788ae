/**
 * Hostile uploads to a request's documents: oversized, a type not allowed,
 * a zip bomb named "PDF", an image bomb, names that climb out of directories
 * or split headers, and names that disguise their extension. Each is
 * refused with a reason (and leaves nothing behind) or stored harmlessly —
 * and the file is served back in a way a browser will not run.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import { startTestApp, validOffer, validRequest, type ApiClient, type TestApp } from '../helpers/app.js';

let app: TestApp;
let customer: ApiClient;
let requestId: number;
let filesDir: string;

beforeAll(async () => {
  app = await startTestApp();
  filesDir = new URL(app.hotline.config.storageUrl).pathname;
  customer = await app.signIn(await app.addUser({ role: 'customer', organization: 'ООО Загрузки' }));
  const agent = await app.signIn(await app.addUser({ role: 'agent', organization: 'Агент Загрузки' }));
  requestId = (await customer.post('/api/requests', validRequest())).body.id;
  const offer = await agent.post(`/api/requests/${requestId}/offers`, validOffer());
  expect((await customer.post(`/api/offers/${offer.body.id}/accept`)).status).toBe(200);
});
afterAll(async () => {
  await app?.stop();
});

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

async function upload(name: string, bytes: Buffer, type: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const response = await fetch(`${app.url}/api/requests/${requestId}/documents`, {
    method: 'POST',
    headers: { cookie: customer.cookie, 'x-csrf-token': customer.csrfToken },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as { id?: number; name?: string; mime?: string; error?: string; fields?: Record<string, string> } };
}

/** Every stored file, wherever under the storage directory. */
function storedFiles(): string[] {
  if (!fs.existsSync(filesDir)) return [];
  return (fs.readdirSync(filesDir, { recursive: true }) as string[]).filter((entry) => fs.statSync(path.join(filesDir, entry)).isFile()).sort();
}

async function documentRows(): Promise<number> {
  const result = await app.ctx.database.db.execute<{ n: string }>(sql`select count(*) as n from documents`);
  return Number(result.rows[0]!.n);
}

/** Refused with a reason beside the file field; no row, no file left in storage. */
async function expectRefused(name: string, bytes: Buffer, type: string, reason: RegExp) {
  const files = storedFiles();
  const rows = await documentRows();
  const result = await upload(name, bytes, type);
  expect(result.status, name).toBe(400);
  expect(result.body.error, name).toMatch(reason);
  expect(result.body.fields?.file, name).toBe(result.body.error);
  expect(await documentRows()).toBe(rows);
  expect(storedFiles()).toEqual(files);
}

/** A real ZIP with one entry that inflates from `compressed` bytes to `size` bytes of zeros. */
function zipBomb(size: number): Buffer {
  const data = zlib.deflateRawSync(Buffer.alloc(size), { level: 9 });
  const name = Buffer.from('zeros.bin');
  const crc = crc32(Buffer.alloc(size));
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A valid PNG whose header claims width × height pixels (an image bomb for whoever decodes it). */
async function pixelBomb(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } }).png().toBuffer());
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

describe('uploads that are refused with a reason', () => {
  it('a file over 20 MB', async () => {
    await expectRefused('big.pdf', Buffer.concat([PDF, Buffer.alloc(21 * 1024 * 1024)]), 'application/pdf', /больше 20 МБ/);
  });

  it('types not on the list, whatever they claim to be', async () => {
    await expectRefused('setup.exe', Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), 'application/octet-stream', /Такие файлы не принимаются \(\.exe\)/);
    await expectRefused('page.html', Buffer.from('<script>alert(1)</script>'), 'text/html', /не принимаются \(\.html\)/);
    await expectRefused('logo.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'image/svg+xml', /не принимаются \(\.svg\)/);
    await expectRefused('archive.zip', zipBomb(1024), 'application/zip', /не принимаются \(\.zip\)/);
    await expectRefused('no-extension', PDF, 'application/pdf', /не принимаются \(\.\?\)/);
  });

  it('a zip bomb named "PDF" (100 MB of zeros in a few KB) — checked by its bytes, never inflated', async () => {
    const bomb = zipBomb(100 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(200 * 1024);
    await expectRefused('contract.pdf', bomb, 'application/pdf', /не соответствует его типу: имя говорит \.pdf, а внутри application\/zip/);
  });

  it('HTML or a script dressed as a PDF or an image', async () => {
    await expectRefused('invoice.pdf', Buffer.from('<html><script>alert(document.cookie)</script></html>'), 'application/pdf', /не соответствует его типу/);
    await expectRefused('photo.png', Buffer.from('<svg onload=alert(1)>'), 'image/png', /не соответствует его типу/);
    await expectRefused('empty.pdf', Buffer.alloc(0), 'application/pdf', /не соответствует его типу/);
  });

  it('a body that is not a file form, or a form without a file', async () => {
    const notMultipart = await customer.post(`/api/requests/${requestId}/documents`, { file: 'x' });
    expect(notMultipart).toMatchObject({ status: 400, body: { error: 'Пришлите файл формой multipart/form-data' } });
    const form = new FormData();
    form.append('sendToClient', 'true');
    const empty = await fetch(`${app.url}/api/requests/${requestId}/documents`, { method: 'POST', headers: { cookie: customer.cookie, 'x-csrf-token': customer.csrfToken }, body: form });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: 'Выберите файл' });
  });

  it('a multipart body with no boundary, an empty one, or one that breaks off: 400 with a reason on both upload routes, nothing stored (was a 500)', async () => {
    const admin = await app.signIn(await app.addUser({ role: 'admin' }));
    const quickReply = (await admin.post('/api/quick-replies', { name: 'broken_forms', body: 'x' })).body.id as number;
    const rows = await documentRows();
    const files = storedFiles();
    for (const [who, url] of [
      [customer, `/api/requests/${requestId}/documents`],
      [admin, `/api/quick-replies/${quickReply}/file`],
    ] as Array<[ApiClient, string]>) {
      for (const [contentType, body] of [
        ['multipart/form-data', 'whatever'],
        ['multipart/form-data; boundary=', '--\r\n'],
        ['multipart/form-data; boundary=zz', 'garbage with no boundary at all'],
        ['multipart/form-data; boundary=zz', '--zz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 cut'],
        ['multipart/form-data; boundary=zz', undefined],
      ] as Array<[string, string | undefined]>) {
        const response = await fetch(`${app.url}${url}`, { method: 'POST', headers: { cookie: who.cookie, 'x-csrf-token': who.csrfToken, 'content-type': contentType }, body });
        const answer = (await response.json()) as { error: string; code?: { code: string }; fields?: Record<string, string> };
        expect(response.status, `${url} ${contentType} ${body}`).toBe(400);
        expect(answer.fields?.file, `${url} ${contentType} ${body}`).toMatch(/повреждена|Выберите файл/);
        if (answer.error !== 'Выберите файл') expect(answer.code?.code).toBe('file.brokenForm');
      }
    }
    expect(await documentRows()).toBe(rows);
    expect(storedFiles()).toEqual(files);
  });

  it('a part the form does not name, a field given twice or a value it does not take: refused beside that part, nothing stored', async () => {
    const send = async (parts: Array<[string, string | Blob, string?]>) => {
      const form = new FormData();
      for (const [name, value, fileName] of parts) {
        if (typeof value === 'string') form.append(name, value);
        else form.append(name, value, fileName);
      }
      const response = await fetch(`${app.url}/api/requests/${requestId}/documents`, { method: 'POST', headers: { cookie: customer.cookie, 'x-csrf-token': customer.csrfToken }, body: form });
      return { status: response.status, body: (await response.json()) as { error: string; fields: Record<string, string>; fieldCodes: Record<string, { code: string }> } };
    };
    const rows = await documentRows();
    const files = storedFiles();
    const pdf = () => new Blob([new Uint8Array(PDF)], { type: 'application/pdf' });
    for (const [parts, field, message] of [
      [[['comment', 'срочно'], ['file', pdf(), 'a.pdf']], 'comment', 'Неизвестная часть формы: уберите её'],
      [[['file', pdf(), 'a.pdf'], ['comment', 'после файла']], 'comment', 'Неизвестная часть формы: уберите её'],
      [[['file', pdf(), 'a.pdf'], ['attachment', pdf(), 'b.pdf']], 'attachment', 'Неизвестная часть формы: уберите её'],
      [[['sendToClient', 'true'], ['sendToClient', 'false'], ['file', pdf(), 'a.pdf']], 'sendToClient', 'Указано дважды: оставьте одно значение'],
      [[['sendToClient', 'yes'], ['file', pdf(), 'a.pdf']], 'sendToClient', 'Допустимые значения: true, false, 1, 0, on'],
    ] as Array<[Array<[string, string | Blob, string?]>, string, string]>) {
      const answer = await send(parts);
      expect(answer.status, field).toBe(400);
      expect(answer.body.fields, field).toEqual({ [field]: message });
    }
    expect((await send([['comment', 'x'], ['file', pdf(), 'a.pdf']])).body.fieldCodes.comment).toEqual({ code: 'form.unknownPart' });
    expect(await documentRows()).toBe(rows);
    expect(storedFiles()).toEqual(files);
    // The form as the page sends it is still taken.
    expect((await send([['sendToClient', 'false'], ['file', pdf(), 'a.pdf']])).status).toBe(200);
  });
});

describe('names that try to escape, split headers or disguise the type', () => {
  it('path traversal names are stored under their last part, and nothing is written outside storage', async () => {
    const marker = `hotline-pwned-${process.pid}-${Date.now()}`;
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer();
    const cases: Array<[string, string]> = [
      [`../../../../../../tmp/${marker}.png`, `${marker}.png`],
      [`..\\..\\..\\Windows\\System32\\${marker}.png`, `${marker}.png`],
      [`/etc/cron.d/${marker}.png`, `${marker}.png`],
      [`....//....//${marker}.png`, `${marker}.png`],
      [`..${marker}.png`, `${marker}.png`],
    ];
    for (const [name, stored] of cases) {
      const result = await upload(name, png, 'image/png');
      expect(result, name).toMatchObject({ status: 200, body: { name: stored } });
    }
    expect(fs.existsSync(path.join(os.tmpdir(), `${marker}.png`))).toBe(false);
    expect(fs.existsSync(`/etc/cron.d/${marker}.png`)).toBe(false);
    for (const file of storedFiles()) expect(path.resolve(filesDir, file).startsWith(path.resolve(filesDir) + path.sep)).toBe(true);
  });

  it('a name with line breaks, quotes or a NUL cannot split the download headers', async () => {
    const result = await upload('a"\r\nSet-Cookie: hotline_session=evil\r\nX: "\u0000.pdf', PDF, 'application/pdf');
    expect(result.status).toBe(200);
    for (const bad of ['\r', '\n', '"', '\u0000']) expect(result.body.name).not.toContain(bad);
    const response = await fetch(`${app.url}/api/documents/${result.body.id}/download`, { headers: { cookie: customer.cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(response.headers.get('x')).toBeNull();
    const disposition = response.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="[^"\r\n]*"; filename\*=UTF-8''[^\s"]+$/);
  });

  it('right-to-left override characters cannot make "…gnp.exe" or "…fdp.png" look like another type', async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer();
    // «invoice\u202Efdp.png» shows as «invoicegnp.pdf» in a bidi-aware list.
    const result = await upload('invoice\u202Efdp.png', png, 'image/png');
    expect(result.status).toBe(200);
    expect(result.body.name).toBe('invoicefdp.png');
    for (const mark of ['\u202A', '\u202B', '\u202C', '\u202D', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F']) {
      const named = await upload(`scan${mark}.png`, png, 'image/png');
      expect(named.body.name, JSON.stringify(mark)).toBe('scan.png');
    }
  });
});

describe('what is stored is served back harmlessly', () => {
  it('a PNG with HTML after its header is served as image/png with nosniff, never as a page', async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer();
    const polyglot = Buffer.concat([png, Buffer.from('<html><script>alert(document.cookie)</script></html>')]);
    const result = await upload('polyglot.png', polyglot, 'image/png');
    expect(result.status).toBe(200);
    for (const inline of ['0', '1']) {
      const response = await fetch(`${app.url}/api/documents/${result.body.id}/download?inline=${inline}`, { headers: { cookie: customer.cookie } });
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('an image bomb (a 100 000 × 100 000 PNG in a few bytes) is stored, but its preview is refused with a reason and the server stays up', async () => {
    const bomb = await pixelBomb(100_000, 100_000);
    const result = await upload('bomb.png', bomb, 'image/png');
    expect(result.status).toBe(200);
    const thumbnail = await fetch(`${app.url}/api/documents/${result.body.id}/thumbnail`, { headers: { cookie: customer.cookie } });
    expect(thumbnail.status).toBe(400);
    expect(((await thumbnail.json()) as { error: string }).error).toBe('Изображение не читается — превью не сделать');
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

/**
 * A multipart upload written by hand, part by part, so a test can stop in
 * the middle (as a broken connection does) or go on later.
 */
function rawUpload(as: ApiClient, toRequest: number) {
  const boundary = `----hotline${Date.now()}${Math.random().toString(16).slice(2)}`;
  const request = http.request(`${app.url}/api/requests/${toRequest}/documents`, {
    method: 'POST',
    headers: { cookie: as.cookie, 'x-csrf-token': as.csrfToken, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
  });
  const response = new Promise<{ status: number; body: { error?: string } | undefined }>((resolve, reject) => {
    request.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
    });
    request.on('error', reject);
  });
  let held = false;
  return {
    response,
    /** A file part (the server stores its bytes as they arrive). */
    file(name: string, bytes: Buffer, type: string) {
      request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
      request.write(bytes);
      request.write('\r\n');
    },
    /** Starts a field part and stops there: the file before it is complete, and the server waits for the rest. */
    hold() {
      request.write(`--${boundary}\r\nContent-Disposition: form-data; name="sendToClient"\r\n\r\n`);
      held = true;
    },
    end() {
      request.end(`${held ? 'false\r\n' : ''}--${boundary}--\r\n`);
    },
    /** The connection breaks. */
    abort() {
      request.destroy();
      response.catch(() => undefined);
    },
  };
}

/** Stored blobs only (not the partial writes under tmp/). */
const storedBlobs = () => storedFiles().filter((file) => !file.startsWith(`tmp${path.sep}`) && !file.startsWith('tmp/'));

/** A PDF no other test stores (content-addressed storage: same bytes, same blob). */
const uniquePdf = (label: string) => Buffer.concat([PDF, Buffer.from(`% ${label} ${process.pid} ${Math.random()}\n`)]);

describe('uploads leave nothing behind and never delete what others use (issues 16.6, 16.7)', () => {
  it('a request the user cannot see: 404 before a byte is stored, even when the connection then breaks', async () => {
    const stranger = await app.signIn(await app.addUser({ role: 'customer', organization: 'ООО Чужие' }));
    const files = storedFiles();
    const attempt = rawUpload(stranger, requestId);
    attempt.file('x.pdf', uniquePdf('stranger'), 'application/pdf');
    const refused = await attempt.response.catch(() => ({ status: 0, body: undefined }));
    attempt.abort();
    expect([0, 404]).toContain(refused.status);
    const unknown = rawUpload(customer, 987654321);
    unknown.file('x.pdf', uniquePdf('unknown request'), 'application/pdf');
    unknown.end();
    expect((await unknown.response).status).toBe(404);
    expect(storedFiles()).toEqual(files);
  });

  it('a connection that breaks after the file part leaves no file', async () => {
    const files = storedFiles();
    const rows = await documentRows();
    const attempt = rawUpload(customer, requestId);
    attempt.file('broken.pdf', uniquePdf('broken'), 'application/pdf');
    attempt.hold();
    // Wait until the server has stored the file (it waits for the rest of the form), then break the connection.
    await expect.poll(() => storedBlobs().length, { timeout: 10_000 }).toBe(files.filter((f) => !f.startsWith('tmp')).length + 1);
    attempt.abort();
    await expect.poll(() => storedFiles(), { timeout: 10_000 }).toEqual(files);
    expect(await documentRows()).toBe(rows);
  });

  it('a second file part is refused with a reason and the first is not left behind', async () => {
    const files = storedFiles();
    const rows = await documentRows();
    const attempt = rawUpload(customer, requestId);
    attempt.file('one.pdf', uniquePdf('one'), 'application/pdf');
    attempt.file('two.pdf', uniquePdf('two'), 'application/pdf');
    attempt.end();
    const result = await attempt.response;
    expect(result).toMatchObject({ status: 400, body: { error: 'Пришлите один файл за раз' } });
    expect(storedFiles()).toEqual(files);
    expect(await documentRows()).toBe(rows);
  });

  it("a failed upload of the same bytes does not delete another user's document", async () => {
    const other = await app.signIn(await app.addUser({ role: 'customer', organization: 'ООО Соседи' }));
    const otherRequest = (await other.post('/api/requests', validRequest())).body.id as number;
    const bytes = uniquePdf('shared');
    const files = storedFiles();
    // The customer's upload stores the bytes first and waits for the rest of its form…
    const failing = rawUpload(customer, requestId);
    failing.file('shared.pdf', bytes, 'image/png'); // …and will fail: the claimed type is not what the bytes are.
    failing.hold();
    await expect.poll(() => storedBlobs().length, { timeout: 10_000 }).toBe(files.filter((f) => !f.startsWith('tmp')).length + 1);
    // Meanwhile the neighbour uploads the same bytes: one blob, now their document.
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), 'ours.pdf');
    const kept = await fetch(`${app.url}/api/requests/${otherRequest}/documents`, { method: 'POST', headers: { cookie: other.cookie, 'x-csrf-token': other.csrfToken }, body: form });
    expect(kept.status).toBe(200);
    const document = (await kept.json()) as { id: number };
    failing.end();
    expect((await failing.response).status).toBe(400);
    const download = await fetch(`${app.url}/api/documents/${document.id}/download`, { headers: { cookie: other.cookie } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });
});

describe('names and Office documents (issue 16.18)', () => {
  it('a name over 200 characters is shortened, keeping its extension, and the file is accepted', async () => {
    const result = await upload(`${'Договор поставки '.repeat(20)}.pdf`, uniquePdf('long name'), 'application/pdf');
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect([...result.body.name!].length).toBeLessThanOrEqual(200);
    expect(result.body.name).toMatch(/^Договор поставки .*…\.pdf$/);
    await expectRefused(`${'x'.repeat(250)}.exe`, Buffer.from('MZ'), 'application/octet-stream', /Такие файлы не принимаются \(\.exe\)/);
  });

  it('a ZIP that is not a Word or Excel document is refused as such; a real .docx is accepted', async () => {
    await expectRefused('contract.docx', zipBomb(1024), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', /внутри обычный ZIP-архив, а не документ Office/);
    await expectRefused('table.xlsx', zipBomb(1024), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', /обычный ZIP-архив/);
    const docx = officeDocument('word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml');
    const result = await upload('contract.docx', docx, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.mime).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });
});

/**
 * A minimal Office Open XML package (stored entries): `[Content_Types].xml`
 * naming the main part's type, placed last as LibreOffice does, so the
 * first bytes show only a ZIP.
 */
function officeDocument(mainPart: string, mainType: string): Buffer {
  const entries: Array<[string, Buffer]> = [
    [mainPart, Buffer.from('<?xml version="1.0"?><document/>'.padEnd(6000, ' '))],
    [
      '[Content_Types].xml',
      Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/${mainPart}" ContentType="${mainType}"/></Types>`,
      ),
    ],
  ];
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
