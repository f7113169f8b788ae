/**
 * How a file that came from outside (a client's upload, a Telegram file) is
 * served on our origin (issue 16.3): its type is what its bytes are
 * (file-type), never what the sender claimed; `nosniff` stops the browser
 * guessing; anything that is not a raster image, a PDF, audio or video is an
 * attachment; and a CSP without scripts — `sandbox` puts even an inline file
 * in an opaque origin — means an HTML or SVG file can never run on the
 * platform's origin and read its cookies or CSRF token.
 */

/** Types a browser shows in place without running anything of the file's. */
const INLINE = /^(image\/(png|jpeg|gif|webp|avif|bmp)|application\/pdf|audio\/[\w.+-]+|video\/[\w.+-]+)$/;

/**
 * The CSP of an outside file: nothing may load or run; `sandbox` (without
 * allow-scripts) also gives the document an opaque origin. Chromium's PDF
 * viewer refuses sandboxed documents, so a PDF gets the same policy without
 * `sandbox` — `default-src 'none'` still forbids every script.
 */
export const UNTRUSTED_FILE_CSP = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox";
const PDF_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'";

/** The CSP for an outside file of sniffed type `mime`. */
export function untrustedFileCsp(mime: string): string {
  return mime === 'application/pdf' ? PDF_CSP : UNTRUSTED_FILE_CSP;
}

/** The type the bytes show (file-type reads the first few KB), or application/octet-stream. */
export async function sniffMime(head: Uint8Array): Promise<string> {
  // file-type is ESM-only and heavy: loaded on the first file served.
  const { fileTypeFromBuffer } = await import('file-type');
  return (await fileTypeFromBuffer(head))?.mime ?? 'application/octet-stream';
}

/** Whether a sniffed type may be shown in place (with UNTRUSTED_FILE_CSP). */
export function mayShowInline(mime: string): boolean {
  return INLINE.test(mime);
}

/** `attachment; filename="ascii"; filename*=UTF-8''…` with control and quote characters replaced. */
function disposition(name: string, inline: boolean): string {
  const base = [...(name.split(/[/\\]/).pop() ?? '')].map((char) => (char.charCodeAt(0) < 32 || char.charCodeAt(0) === 127 || '"*:<>?|'.includes(char) ? '_' : char));
  const safe = base.join('').slice(0, 200) || 'file';
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/[%\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(safe)}`;
}

/**
 * The headers to serve an outside file with.
 * @param mime the sniffed type (sniffMime), never the sender's claim
 * @param name the file's name as the sender gave it (sanitized here)
 * @param inline ask to show it in place; honoured only for mayShowInline types
 */
export function untrustedFileHeaders(mime: string, name: string, inline = true): Record<string, string> {
  const showInline = inline && mayShowInline(mime);
  return {
    'content-type': mime,
    'content-disposition': disposition(name, showInline),
    'x-content-type-options': 'nosniff',
    'content-security-policy': untrustedFileCsp(mime),
    // An opened file must not tell another site which request it came from.
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
  };
}
