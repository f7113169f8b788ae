/**
 * The web app's pages: the one list of the paths web/src/App.tsx routes
 * (its `<Route path={APP_PAGES.…}>`) and the server answers with the app and
 * 200 (src/platform/server.ts); any other path outside the API is the app
 * with 404, so the browser shows the app's own «not found» page and a crawler
 * or a check sees that the page does not exist. test/platform/appPages.test.ts
 * fails when App.tsx routes a path that is not here, or this list names a page
 * App.tsx does not route.
 *
 * Patterns are react-router's, with one rule react-router cannot say: `:id`
 * is a row id — a positive integer in plain digits, no leading zero, at most
 * Number.MAX_SAFE_INTEGER (the API's `rowId`, platform/routes/schemas.ts).
 * Every `:id` page (a request, an offer form for a request, a client) takes
 * such an id; `/requests/abc` or `/requests/0` is no page: the server answers
 * 404 and App.tsx shows «not found» (its `PageId` guard, with `isPageId`).
 */
export const APP_PAGES = {
  home: '/',
  signIn: '/sign-in',
  signInLink: '/auth/link',
  newRequest: '/new',
  myRequests: '/requests',
  request: '/requests/:id',
  agentRequests: '/agent/requests',
  offerForm: '/agent/requests/:id/offers/new',
  dialogs: '/dialogs',
  quickReplies: '/quick-replies',
  ratings: '/ratings',
  broadcasts: '/broadcasts',
  admin: '/admin',
  insight: '/insight',
  client: '/clients/:id',
  search: '/search',
  sandbox: '/sandbox',
} as const;

export type AppPage = keyof typeof APP_PAGES;

/**
 * Whether a page URL's `:id` is a row id: a positive integer in plain digits
 * with no leading zero, at most Number.MAX_SAFE_INTEGER (`'12'` yes; `'abc'`,
 * `'0'`, `'-1'`, `'01'`, `'1.5'`, `'1e3'`, undefined no).
 */
export function isPageId(id: string | undefined): boolean {
  return id !== undefined && /^[1-9]\d{0,15}$/.test(id) && Number(id) <= Number.MAX_SAFE_INTEGER;
}

/**
 * A page's pattern as react-router matches it (its defaults: case-insensitive,
 * a trailing slash allowed), each `:id` a capture of up to 16 digits not
 * starting with 0 (`isAppPage` also checks it is a safe integer):
 * `'/requests/:id'` → matches `/requests/123`, `/Requests/123/`, not
 * `/requests`, `/requests/1/extra`, `/requests/abc`, `/requests/0`.
 */
export function pagePathPattern(pattern: string): RegExp {
  const segments = pattern
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? '([1-9]\\d{0,15})' : segment.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')));
  return segments.length ? new RegExp(`^/${segments.join('/')}/?$`, 'i') : /^\/$/;
}

const PATTERNS = Object.values(APP_PAGES).map(pagePathPattern);

/** Whether `pathname` (no query string) opens one of the app's pages (its ids row ids) rather than its «not found». */
export function isAppPage(pathname: string): boolean {
  return PATTERNS.some((pattern) => {
    const match = pattern.exec(pathname);
    return match !== null && match.slice(1).every((id) => isPageId(id));
  });
}
