/**
 * docs/manager-guide.md shows what it promises (issue: «docs/ has a manager's
 * guide (Russian), with every command and a screenshot of each screen»):
 * every picture it references is a PNG in docs/img/, and every route of
 * web/src/App.tsx is either a manager's screen whose pictures the guide shows
 * or listed below with the reason it is not one. A new route fails this test
 * until it is shown or listed; the pictures come from
 * `npx tsx scripts/guide-screenshots.mts`.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_PAGES } from '../../src/core/appPages.js';

const read = (relative: string) => fs.readFileSync(new URL(`../../${relative}`, import.meta.url), 'utf8');
const guide = read('docs/manager-guide.md');
const app = read('web/src/App.tsx');

/** The manager's screens: route → the pictures of it the guide must show. */
const SCREENS: Record<string, string[]> = {
  '/new': ['img/guide-request-form.png'],
  '/requests': ['img/guide-requests.png'],
  '/requests/:id': ['img/guide-request.png', 'img/guide-request-chat.png'],
  '/agent/requests/:id/offers/new': ['img/guide-offer-form.png'],
  '/dialogs': ['img/guide-dialogs.png', 'img/guide-mine.png', 'img/guide-ban.png', 'img/guide-late.png', 'img/guide-dialogs-labels.png'],
  '/quick-replies': ['img/guide-quick-replies.png', 'img/guide-quick-reply-error.png'],
  '/ratings': ['img/guide-ratings.png'],
  '/broadcasts': ['img/guide-broadcasts.png', 'img/guide-broadcast-form.png', 'img/guide-broadcast-report.png'],
  '/admin': ['img/guide-admin-users.png', 'img/guide-working-hours.png'],
  '/insight': ['img/insight-ru.png'],
  '/clients/:id': ['img/guide-client.png', 'img/guide-client-labels.png'],
  '/search': ['img/guide-search.png'],
  '/sandbox': ['img/sandbox-topic.png'],
};

/** Routes that are no manager's screen, and why. */
const NOT_SCREENS: Record<string, string> = {
  '/': 'the start page only sends a signed-in user on to their first page',
  '/sign-in': 'e-mail sign-in for admins, agents and customers; managers come in by the bot’s link',
  '/auth/link': 'the bot’s sign-in link passes through it to the page it names',
  '/agent/requests': 'agents’ list of web requests waiting for offers; Telegram requests never appear there',
  '*': 'the «not found» page',
};

// App.tsx routes by core/appPages.ts's list (test/platform/appPages.test.ts keeps the two equal), plus its «*».
const routes = [
  ...Object.values(APP_PAGES),
  ...[...app.matchAll(/<Route path="([^"]+)"/g)].map((m) => m[1]!),
];
const pictures = [...guide.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);

describe('docs/manager-guide.md', () => {
  it('finds the routes and the pictures it checks', () => {
    expect(routes).toContain('/dialogs');
    expect(pictures).toContain('img/guide-dialogs.png');
  });

  it('references only pictures that exist: PNG files in docs/img under 250 KB', () => {
    const problems = pictures.flatMap((picture) => {
      if (!picture.startsWith('img/')) return [`${picture}: not in docs/img`];
      const file = new URL(`../../docs/${picture}`, import.meta.url);
      if (!fs.existsSync(file)) return [`${picture}: missing`];
      const bytes = fs.readFileSync(file);
      if (!bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return [`${picture}: not a PNG`];
      if (bytes.length > 250_000) return [`${picture}: ${bytes.length} bytes`];
      return [];
    });
    expect(problems).toEqual([]);
  });

  it('shows every manager screen of web/src/App.tsx or says why a route is not one', () => {
    expect(routes.filter((route) => !(route in SCREENS) && !(route in NOT_SCREENS))).toEqual([]);
    // A route gone from App.tsx must leave these lists too (they describe the app as it is).
    expect([...Object.keys(SCREENS), ...Object.keys(NOT_SCREENS)].filter((route) => !routes.includes(route))).toEqual([]);
    const missing = Object.entries(SCREENS).flatMap(([route, images]) => images.filter((image) => !pictures.includes(image)).map((image) => `${route}: ${image}`));
    expect(missing).toEqual([]);
  });
});
