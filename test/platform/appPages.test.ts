/**
 * The server's list of the web app's pages (src/core/appPages.ts) is the one
 * App.tsx routes by: a page routed with a literal path, or a listed page no
 * route uses, would make the server answer a real page 404 or an unknown path
 * 200 (outside check: `/nope` was the app with 200).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_PAGES, isAppPage, pagePathPattern } from '../../src/core/appPages.js';

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

  it('matches as react-router does: one segment per :id, any case, a trailing slash; nothing more', () => {
    expect(['/', '/requests', '/requests/123', '/requests/123/', '/Requests/7', '/agent/requests/5/offers/new', '/clients/9', '/auth/link', '/insight/'].filter((p) => !isAppPage(p))).toEqual([]);
    expect(['/nope', '/requests/abc/extra', '/requests//', '/agent', '/agent/requests/5/offers', '/clients', '/admin/x', '//', '/sign-in/x'].filter((p) => isAppPage(p))).toEqual([]);
    // `/requests/` is the list (a trailing slash), not a request with an empty id.
    expect(pagePathPattern('/requests/:id').test('/requests/')).toBe(false);
    expect(isAppPage('/requests/')).toBe(true);
  });
});
