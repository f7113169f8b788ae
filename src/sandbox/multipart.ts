/**
 * multipart/form-data as Telegram's Bot API server reads it, so a file's name
 * reaches the chat exactly as Telegram would show it.
 *
 * The rule (tdlib/td, tdnet/td/net/HttpReader.cpp, `parse_multipart_form_data`,
 * which the telegram-bot-api server runs): the boundary is what follows
 * `boundary=` in Content-Type (quotes dropped, up to `;`); a part's
 * Content-Disposition must start with `form-data;`, then each `key=value`:
 * a value in quotes is a quoted-string (`\` escapes the next byte), any other
 * runs to the next `;` and is trimmed — spaces and non-Latin letters inside are
 * kept; every value is then percent-decoded (`%20` → space, `+` stays `+`).
 * Only `name` and `filename` count: **`filename*` (RFC 5987) is ignored**. A
 * part with a `filename` is a file, any other a parameter.
 *
 * busboy (@fastify/multipart) reads a token RFC 7578's way instead and drops
 * the spaces and «№» of `filename=Поручение агенту № 1.pdf` (grammY writes the
 * name unquoted), which glued the names in the sandbox (issue 17.14).
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';

export interface MultipartPart {
  name: string;
  /** Present for a file part (possibly empty). */
  filename?: string;
  /** The part's Content-Type; `application/octet-stream` when absent, as td has it. */
  contentType: string;
  body: Buffer;
}

export interface MultipartLimits {
  /** Whole body, bytes. */
  body: number;
  /** One file, bytes. */
  file: number;
  files: number;
}

const tooLarge = (what: string) => new ApiError(413, `Request Entity Too Large: ${what}`);
const bad = (what: string) => new ApiError(400, `Bad Request: ${what}`);

/** td's boundary rule: after `boundary`, the first `=`, optional quotes, up to `;`. */
export function multipartBoundary(contentType: string): string {
  const at = contentType.toLowerCase().indexOf('boundary');
  if (at === -1) throw bad('boundary not found');
  const eq = contentType.indexOf('=', at + 8);
  if (eq === -1) throw bad('boundary value not found');
  let value = contentType.slice(eq + 1);
  const semicolon = value.indexOf(';');
  if (semicolon !== -1) value = value.slice(0, semicolon);
  if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (!value || value.length > 70) throw bad('boundary too big or empty');
  return value;
}

/** td's url_decode without `+` as space, on bytes: `%D0%9F` → the bytes D0 9F. */
function percentDecode(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x25 && i + 2 < bytes.length) {
      const hex = bytes.subarray(i + 1, i + 3).toString('latin1');
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        out[n++] = parseInt(hex, 16);
        i += 2;
        continue;
      }
    }
    out[n++] = bytes[i]!;
  }
  return out.subarray(0, n);
}

/**
 * The `name` and `filename` of a Content-Disposition value (as bytes in a
 * latin1 string), by td's rule above. UTF-8 names come back as text.
 */
export function contentDispositionParams(value: string): { name?: string; filename?: string } {
  let rest = value.trim();
  if (!rest.startsWith('form-data;')) throw bad('expected form-data content disposition');
  rest = rest.slice(10);
  const found: { name?: string; filename?: string } = {};
  for (;;) {
    rest = rest.trim();
    const eq = rest.indexOf('=');
    if (eq === -1) break;
    const key = rest.slice(0, eq).trim();
    rest = rest.slice(eq + 1).replace(/^\s+/, '');
    let raw: string;
    if (rest.startsWith('"')) {
      let i = 1;
      raw = '';
      for (;;) {
        if (i >= rest.length) throw bad('unclosed quoted string in Content-Disposition header');
        let c = rest[i++]!;
        if (c === '"') break;
        if (c === '\\') {
          if (i >= rest.length) throw bad('wrong escape sequence in Content-Disposition header');
          c = rest[i++]!;
        }
        raw += c;
      }
      rest = rest.slice(i).replace(/^\s+/, '');
      if (rest) {
        if (!rest.startsWith(';')) throw bad("expected ';' in Content-Disposition header");
        rest = rest.slice(1);
      }
    } else {
      const semicolon = rest.indexOf(';');
      raw = (semicolon === -1 ? rest : rest.slice(0, semicolon)).trim();
      rest = semicolon === -1 ? '' : rest.slice(semicolon + 1);
    }
    const decoded = percentDecode(Buffer.from(raw, 'latin1')).toString('utf8');
    if (key === 'name') found.name = decoded;
    else if (key === 'filename') found.filename = decoded;
  }
  return found;
}

/** Splits a whole multipart body into its parts (td's order of checks and messages). */
export function parseMultipart(body: Buffer, boundary: string, limits: MultipartLimits): MultipartPart[] {
  const delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  // The first boundary may open the body without the CRLF before it.
  const first = body.indexOf(delimiter.subarray(2));
  if (first === -1) return [];
  let at = first + delimiter.length - 2;
  const parts: MultipartPart[] = [];
  let files = 0;
  for (;;) {
    if (body.subarray(at, at + 2).toString('latin1') === '--') break; // the closing boundary
    const headersEnd = body.indexOf('\r\n\r\n', at, 'latin1');
    if (headersEnd === -1) throw bad('headers in multipart/form-data are not finished');
    const headers = body.subarray(at + 2, headersEnd).toString('latin1');
    if (!headers) throw bad('headers in multipart/form-data are empty');
    const end = body.indexOf(delimiter, headersEnd + 4);
    if (end === -1) throw bad('multipart/form-data is not finished');
    let name: string | undefined;
    let filename: string | undefined;
    let contentType = 'application/octet-stream';
    // Header lines, a continuation line (starting with a space or a tab) belongs to the one before.
    for (const line of headers.split(/\r\n(?![ \t])/)) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const header = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).replace(/\r\n/g, '').trim();
      if (header === 'content-disposition') ({ name, filename } = contentDispositionParams(value));
      else if (header === 'content-type') contentType = value;
    }
    if (!name) throw bad('field name in multipart/form-data not found');
    const content = body.subarray(headersEnd + 4, end);
    if (filename !== undefined) {
      if (++files > limits.files) throw tooLarge('too many files attached');
      if (content.length > limits.file) throw tooLarge('file is too big');
    }
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), contentType, body: content });
    at = end + delimiter.length;
  }
  return parts;
}

/** Reads a request's whole body, refusing one over `limit` bytes (413, as Telegram answers). */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge('request body is too big');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
