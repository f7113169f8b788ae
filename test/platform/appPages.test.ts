/**
 * The server's list of the web app's pages (src/core/appPages.ts) is the one
 * App.tsx routes by: a page routed with a literal path, or a listed page no
 * route uses, would make the server answer a real page 404 or an unknown path
 * 200 (outside check: `/nope` was the app with 200).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_PAGES, isAppPage, isPageId, pagePathPattern } from '../../src/core/appPages.js';

const app = fs.readFileSync(path.resolve(import.meta.dirname, '../../web/src/App.tsx'), 'utf8');

describe('the web app’s pages', () => {
  it('App.tsx routes exactly the pages of core/appPages.ts, each by its APP_PAGES name, plus the «not found» catch-all', () => {
    const routes = [...app.matchAll(/<Route\b[^>]*?\bpath=(\{[^}]*\}|"[^"]*"|'[^']*')/g)].map((match) => match[1]!);
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((route) => !/^\{APP_PAGES\.\w+\}$/.test(route))).toEqual(['"*"']);
    const used = routes.filter((route) => route !== '"*"').map((route) => route.slice('{APP_PAGES.'.length, -1));
    expect([...used].sort()).toEqual(Object.keys(APP_PAGES).sort());
    expect(new Set(used).size).toBe(used.length);
    // Every <Route> has a path (an index or layout route would route pages this list does not know).
    expect(app.match(/<Route\b/g)!.length).toBe(routes.length);
  });

  it('matches as react-router does (any case, a trailing slash), each :id a row id; nothing more', () => {
    expect(['/', '/requests', '/requests/123', '/requests/123/', '/Requests/7', '/agent/requests/5/offers/new', '/clients/9', '/auth/link', '/insight/'].filter((p) => !isAppPage(p))).toEqual([]);
    expect(['/nope', '/requests/abc/extra', '/requests//', '/agent', '/agent/requests/5/offers', '/clients', '/admin/x', '//', '/sign-in/x'].filter((p) => isAppPage(p))).toEqual([]);
    // Ids are positive integers in plain digits, no leading zero, at most 2^53 − 1 (the API's rowId).
    expect(['/requests/9007199254740991', '/clients/1', '/agent/requests/10/offers/new'].filter((p) => !isAppPage(p))).toEqual([]);
    const badIds = ['abc', '0', '-1', '01', '1.5', '1e3', '+1', '9007199254740992', '12345678901234567'];
    expect(badIds.flatMap((id) => [`/requests/${id}`, `/clients/${id}`, `/agent/requests/${id}/offers/new`]).filter((p) => isAppPage(p))).toEqual([]);
    expect(badIds.filter((id) => isPageId(id))).toEqual([]);
    expect(isPageId(undefined)).toBe(false);
    expect(isPageId('42')).toBe(true);
    // `/requests/` is the list (a trailing slash), not a request with an empty id.
    expect(pagePathPattern('/requests/:id').test('/requests/')).toBe(false);
    expect(isAppPage('/requests/')).toBe(true);
  });
});
