/**
 * The web app's pages: the one list of the paths web/src/App.tsx routes
 * (its `<Route path={APP_PAGES.…}>`) and the server answers with the app and
 * 200 (src/platform/server.ts); any other path outside the API is the app
 * with 404, so the browser shows the app's own «not found» page and a crawler
 * or a check sees that the page does not exist. test/platform/appPages.test.ts
 * fails when App.tsx routes a path that is not here, or this list names a page
 * App.tsx does not route.
 *
 * Patterns are react-router's: `:id` is one non-empty path segment.
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
 * A page's pattern as react-router matches it (its defaults: case-insensitive,
 * a trailing slash allowed): `'/requests/:id'` → matches `/requests/123`,
 * `/Requests/123/`, not `/requests`, `/requests/1/extra`.
 */
export function pagePathPattern(pattern: string): RegExp {
  const segments = pattern
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')));
  return segments.length ? new RegExp(`^/${segments.join('/')}/?$`, 'i') : /^\/$/;
}

const PATTERNS = Object.values(APP_PAGES).map(pagePathPattern);

/** Whether `pathname` (no query string) opens one of the app's pages rather than its «not found». */
export function isAppPage(pathname: string): boolean {
  return PATTERNS.some((pattern) => pattern.test(pathname));
}
