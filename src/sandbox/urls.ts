/**
 * Link URLs as Telegram stores them. TDLib's `LinkManager::check_link`
 * (td/telegram/LinkManager.cpp), which the Bot API server runs on every
 * text_link and URL button, adds `http://` to a bare domain, lower-cases the
 * host and ends a path-less URL with `/` — `example.com` comes back as
 * `http://example.com/` — and refuses what is not a link (a host without a
 * dot, an unknown scheme).
 */
const KEPT_SCHEMES = /^(tg|ton):/i;

/** The normalized URL, or undefined when Telegram would refuse it. */
export function normalizeUrl(raw: string): string | undefined {
  const url = raw.trim();
  if (!url) return undefined;
  if (KEPT_SCHEMES.test(url)) return url;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
  let parsed: URL;
  try {
    parsed = new URL(hasScheme ? url : `http://${url}`);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const host = parsed.hostname;
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
  if (!isIp && !/\.[a-z\u00a1-\uffff-]{2,}$/i.test(host)) return undefined;
  return parsed.href;
}
