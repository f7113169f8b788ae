/**
 * Security posture of the HTTP server (ARCHITECTURE §9): security headers on
 * every answer (@fastify/helmet), who counts as a local caller, and the body
 * limits of routes that answer before anyone is authenticated.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Fastify's own default: every JSON body the platform takes from a signed-in user fits in 1 MB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Sign-in, link sign-in: an e-mail and a password, or a token and its signed query, fit in 16 KB (issue 16.11). */
export const UNAUTHENTICATED_BODY_LIMIT = 16 * 1024;

/** Whether binding to `host` keeps the server reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  return bare === '::1';
}

/**
 * A caller on this machine, not relayed: the socket comes from a loopback
 * address and no proxy header says it speaks for someone else. A reverse proxy
 * on the same host always adds X-Forwarded-For (or Forwarded), so its
 * callers never pass for local ones.
 */
export function isLocalCaller(request: FastifyRequest): boolean {
  const address = (request.raw.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (!(address === '::1' || (net.isIPv4(address) && address.startsWith('127.')))) return false;
  return !request.headers['x-forwarded-for'] && !request.headers.forwarded && !request.headers['x-real-ip'];
}

/** Compares a presented secret with the expected one in constant time. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * Headers every page and API answer carries (issue 16.3): a CSP that allows
 * only our own scripts (the React app, /sandbox and the Swagger UI at /docs
 * load theirs from files; Mantine and Swagger UI set inline styles), no
 * framing by other sites (clickjacking), no Referer (sign-in links carry
 * tokens in their query), `nosniff`, and HSTS when PUBLIC_URL is https.
 * Routes that serve outside files replace the CSP with a stricter one
 * (src/documents/untrusted.ts).
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(options.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // Only behind HTTPS: a browser that saw HSTS on plain http would refuse the site until it expired.
    strictTransportSecurity: options.https ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    // Cross-origin isolation headers would break nothing here but buy nothing either.
    crossOriginEmbedderPolicy: false,
  });
}
