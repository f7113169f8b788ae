import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signedUrl, signQuery, signToken, verifySignedQuery, verifyToken } from './signedLink.js';

const secret = 'test-secret-0123456789';
const now = new Date('2026-11-25T20:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const payloadArb = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).filter((key) => key !== 'exp' && key !== 'sig'),
  fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
  { maxKeys: 5 },
);

describe('signed tokens', () => {
  it('round-trips the payload until it expires', () => {
    const token = signToken({ tg_id: 1293672691, dialog: 5, name: 'Иван' }, secret, 900, now);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyToken(token, secret, later(899))).toEqual({
      ok: true,
      payload: { tg_id: 1293672691, dialog: 5, name: 'Иван' },
      expiresAt: later(900),
    });
    expect(verifyToken(token, secret, later(900))).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses another secret, garbage and half tokens', () => {
    const token = signToken({ a: 1 }, secret, 60, now);
    expect(verifyToken(token, 'other-secret', now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyToken('', secret, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyToken('abc', secret, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyToken(`${token}.x`, secret, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyToken(token.split('.')[0]! + '.', secret, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyToken('a b.c', secret, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a correctly signed body that is not our JSON', () => {
    const body = Buffer.from('[1,2]').toString('base64url');
    const sig = createHmac('sha256', secret).update('hotline.token.v1\n').update(body).digest('base64url');
    expect(verifyToken(`${body}.${sig}`, secret, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('keeps "exp" reserved and needs a secret', () => {
    expect(() => signToken({ exp: 1 }, secret, 60, now)).toThrow(/reserved/);
    expect(() => signToken({ a: 1 }, '', 60, now)).toThrow(/secret/);
  });

  it('round-trips any payload', () => {
    fc.assert(
      fc.property(payloadArb, fc.integer({ min: 1, max: 86_400 }), (payload, ttl) => {
        const result = verifyToken(signToken(payload, secret, ttl, now), secret, now);
        expect(result).toMatchObject({ ok: true, payload });
      }),
    );
  });

  it('fails when any single character is changed', () => {
    fc.assert(
      fc.property(payloadArb, fc.nat(), fc.constantFrom(...BASE64URL, '.', '=', '%', 'é'), (payload, at, replacement) => {
        const token = signToken(payload, secret, 600, now);
        const index = at % token.length;
        fc.pre(token[index] !== replacement);
        const tampered = token.slice(0, index) + replacement + token.slice(index + 1);
        expect(verifyToken(tampered, secret, now).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('fails when the last signature character is swapped for one that decodes to the same bytes', () => {
    const token = signToken({ tg_id: 1 }, secret, 600, now);
    // 32 bytes = 43 base64url characters; the last one carries 2 spare bits.
    const last = token.at(-1)!;
    const index = BASE64URL.indexOf(last);
    const twin = BASE64URL[index ^ 1]!;
    const tampered = token.slice(0, -1) + twin;
    expect(Buffer.from(tampered.split('.')[1]!, 'base64url')).toEqual(Buffer.from(token.split('.')[1]!, 'base64url'));
    expect(verifyToken(tampered, secret, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('manager types /new in the topic → gets a signed link', () => {
  const params = { tg_id: 1293672691, dialog: 5, manager: 77 };

  it('puts the params, the expiry and the signature in the query', () => {
    const url = signedUrl('https://platform.example/', '/new', params, secret, 900, now);
    expect(url).toMatch(/^https:\/\/platform\.example\/new\?tg_id=1293672691&dialog=5&manager=77&exp=1795637700&sig=[A-Za-z0-9_-]{43}$/);
    const query = Object.fromEntries(new URL(url).searchParams);
    expect(verifySignedQuery(query, secret, now)).toEqual({
      ok: true,
      payload: { tg_id: '1293672691', dialog: '5', manager: '77' },
      expiresAt: later(900),
    });
    expect(signedUrl('https://platform.example', 'new', params, secret, 900, now)).toBe(url);
  });

  it('opening the link with another tg_id fails', () => {
    const query = signQuery(params, secret, 900, now);
    expect(verifySignedQuery({ ...query, tg_id: '1293672692' }, secret, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('adding, removing or repeating a parameter fails', () => {
    const query = signQuery(params, secret, 900, now);
    expect(verifySignedQuery({ ...query, admin: '1' }, secret, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignedQuery({ ...query, ['__proto__']: 'x' }, secret, now).ok).toBe(false);
    const { manager: _manager, ...withoutManager } = query;
    expect(verifySignedQuery(withoutManager, secret, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignedQuery({ ...query, tg_id: ['1293672691', '1'] }, secret, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('an old link has expired; a later exp breaks the signature', () => {
    const query = signQuery(params, secret, 900, now);
    expect(verifySignedQuery(query, secret, later(900))).toMatchObject({ ok: false, reason: 'expired', payload: { tg_id: String(params.tg_id) } });
    expect(verifySignedQuery({ ...query, exp: String(Number(query.exp) + 3600) }, secret, later(900))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('a query without sig or exp is malformed', () => {
    const { sig: _sig, ...noSig } = signQuery(params, secret, 900, now);
    expect(verifySignedQuery(noSig, secret, now)).toEqual({ ok: false, reason: 'malformed' });
    const { exp: _exp, ...noExp } = signQuery(params, secret, 900, now);
    expect(verifySignedQuery(noExp, secret, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('a token signature is not a query signature', () => {
    const query = signQuery({ a: 1 }, secret, 900, now);
    expect(verifyToken(`${Buffer.from(JSON.stringify({ a: 1, exp: Number(query.exp) })).toString('base64url')}.${query.sig}`, secret, now).ok).toBe(false);
  });

  it('changing any character of any value fails', () => {
    fc.assert(
      fc.property(fc.constantFrom('tg_id', 'dialog', 'manager', 'exp', 'sig'), fc.nat(), fc.constantFrom(...'0123456789aZ_-'), (key, at, replacement) => {
        const query = signQuery(params, secret, 900, now);
        const value = query[key]!;
        const index = at % value.length;
        fc.pre(value[index] !== replacement);
        const tampered = { ...query, [key]: value.slice(0, index) + replacement + value.slice(index + 1) };
        expect(verifySignedQuery(tampered, secret, now).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
