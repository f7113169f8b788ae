/**
 * The shell: providers, the header with navigation and the language switch,
 * the sandbox banner, and the routes — each page its own lazy chunk, so the
 * request form ships only what it needs.
 */
import { Component, lazy, Suspense, useState, type ReactNode } from 'react';
import { BrowserRouter, Link, Navigate, NavLink, Route, Routes, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useMediaQuery } from '@mantine/hooks';
import { Alert, Anchor, AppShell, Box, Burger, Button, Container, Drawer, Group, MantineProvider, Menu, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { I18nProvider, useI18n, type Locale } from './i18n.js';
import { useMe, useMeta, useSession, useSessionChanged } from './session.js';
import { api, ApiError, type Session } from './api.js';
import { NotFound, PageLoader } from './components/common.js';
import { INSIGHT_CHARTS, insightChartQuery, insightFilter } from './components/insightQueries.js';
import { APP_PAGES, isPageId } from '../../src/core/appPages.js';

const HomePage = lazy(() => import('./pages/HomePage.js'));
const SignInPage = lazy(() => import('./pages/SignInPage.js'));
const SignInLinkPage = lazy(() => import('./pages/SignInLinkPage.js'));
const NewRequestPage = lazy(() => import('./pages/NewRequestPage.js'));
const MyRequestsPage = lazy(() => import('./pages/MyRequestsPage.js'));
const AgentRequestsPage = lazy(() => import('./pages/AgentRequestsPage.js'));
const OfferFormPage = lazy(() => import('./pages/OfferFormPage.js'));
type RequestPageModule = typeof import('./pages/RequestPage.js');
let requestPageModule: RequestPageModule | undefined;
const loadRequestPage = () => import('./pages/RequestPage.js').then((module) => (requestPageModule = module));
// lazy() takes any thenable: once the module is loaded (a cold visit starts loading it at once, below), it renders
// without suspending — a suspended route shows its fallback and React then holds the page back for 300 ms.
const RequestPage = lazy(() =>
  requestPageModule ? ({ then: (resolve: (module: RequestPageModule) => void) => resolve(requestPageModule!) } as Promise<RequestPageModule>) : loadRequestPage(),
);
const DialogsPage = lazy(() => import('./pages/DialogsPage.js'));
const QuickRepliesPage = lazy(() => import('./pages/QuickRepliesPage.js'));
const RatingsPage = lazy(() => import('./pages/RatingsPage.js'));
const BroadcastsPage = lazy(() => import('./pages/BroadcastsPage.js'));
const AdminPage = lazy(() => import('./pages/AdminPage.js'));
type InsightPageModule = typeof import('./pages/InsightPage.js');
let insightPageModule: InsightPageModule | undefined;
const loadInsightPage = () => import('./pages/InsightPage.js').then((module) => (insightPageModule = module));
// As the request page above: a cold /insight starts loading its code at once (below), so by the time the route
// renders it is usually here — rendered without suspending, not held back 300 ms behind the Suspense fallback.
const InsightPage = lazy(() =>
  insightPageModule ? ({ then: (resolve: (module: InsightPageModule) => void) => resolve(insightPageModule!) } as Promise<InsightPageModule>) : loadInsightPage(),
);
const ClientPage = lazy(() => import('./pages/ClientPage.js'));
const SearchPage = lazy(() => import('./pages/SearchPage.js'));
const SandboxPage = lazy(() => import('./sandbox/SandboxPage.js'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

/**
 * A request page opened cold would wait for the session, then for the page's
 * code, then for the request, one after another; start the code and the
 * request now, beside the session (bench/lcp.ts: the largest paint waits on
 * all three). Without a session the request answers 401 and is fetched again
 * after sign-in.
 */
const opened = /^\/requests\/(\d+)\/?$/.exec(window.location.pathname);
if (opened && isPageId(opened[1])) {
  void loadRequestPage();
  void queryClient.prefetchQuery({ queryKey: ['request', opened[1]], queryFn: () => api(`/requests/${opened[1]}`) });
}
// The same for the dashboard: its code and its nine charts' data start now, beside the session.
if (/^\/insight\/?$/.test(window.location.pathname)) {
  void loadInsightPage();
  const filter = insightFilter(new URLSearchParams(window.location.search));
  for (const chart of INSIGHT_CHARTS) void queryClient.prefetchQuery(insightChartQuery(chart, filter));
}

export function App() {
  return (
    <MantineProvider>
      <QueryClientProvider client={queryClient}>
        <UserI18n>
          <BrowserRouter>
            <ErrorBoundary>
              <Shell />
            </ErrorBoundary>
          </BrowserRouter>
        </UserI18n>
      </QueryClientProvider>
    </MantineProvider>
  );
}

/** Dates in the signed-in user's time zone. */
function UserI18n({ children }: { children: ReactNode }) {
  const session = useSession();
  return <I18nProvider timeZone={session.data?.user?.timeZone}>{children}</I18nProvider>;
}

/** A render error shows a message and a way back instead of a blank page. */
class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <Alert color="red" m="md" title="Hotline">
        {this.state.error.message}{' '}
        <Anchor href="/">↩</Anchor>
      </Alert>
    );
  }
}

function SandboxBanner() {
  const meta = useMeta();
  const { t } = useI18n();
  if (!meta.data?.sandbox) return null;
  return (
    <Alert color="yellow" radius={0} py={6} data-testid="sandbox-banner">
      <Group gap="xs">
        <Text size="sm">{t('sandbox.banner')}</Text>
        {/* A full page load: /sandbox is its own app section, not one of our routes. */}
        <Anchor href="/sandbox" size="sm">
          {t('sandbox.open')}
        </Anchor>
      </Group>
    </Alert>
  );
}

/**
 * On every page an admin opens: a line when a managers' group has a Telegram
 * problem (paused, or the bot cannot read or make topics), linking to the
 * admin page's banners that say what to do. Nothing for others, nothing when
 * all is well.
 */
function TelegramHealthLine() {
  const me = useMe();
  const { t } = useI18n();
  const location = useLocation();
  const health = useQuery({
    queryKey: ['admin', 'telegram-health'],
    queryFn: () => api<{ pausedGroups: unknown[]; unhealthyGroups: unknown[] }>('/admin/telegram-health'),
    enabled: me?.role === 'admin',
    refetchInterval: 30_000,
  });
  const problems = (health.data?.pausedGroups.length ?? 0) + (health.data?.unhealthyGroups.length ?? 0);
  if (me?.role !== 'admin' || problems === 0 || location.pathname === '/admin') return null;
  return (
    <Alert color="orange" radius={0} py={6} data-testid="telegram-health-line">
      <Group gap="xs">
        <Text size="sm">{t('health.line', { count: problems })}</Text>
        <Anchor component={Link} to="/admin" size="sm">
          {t('health.details')}
        </Anchor>
      </Group>
    </Alert>
  );
}

function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('lang.label')}
      value={locale}
      onChange={(value) => setLocale(value as Locale)}
      data={[
        { value: 'ru', label: 'RU' },
        { value: 'en', label: 'EN' },
      ]}
    />
  );
}

/** The search box of the header (signed-in users): Enter opens /search?q=…. */
function SearchBox({ onSearch }: { onSearch?: () => void } = {}) {
  const me = useMe();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [text, setText] = useState(() => (window.location.pathname === '/search' ? (params.get('q') ?? '') : ''));
  if (!me) return null;
  return (
    <form
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        const q = text.trim();
        if (q) {
          onSearch?.();
          void navigate(`/search?q=${encodeURIComponent(q)}`);
        }
      }}
    >
      {/* The placeholder fits the header's 180 px (the full list of what is found was cut mid-word); the tooltip gives the whole. */}
      <TextInput
        size="xs"
        w={180}
        type="search"
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        placeholder={t('search.placeholder')}
        title={t('search.boxHint')}
        aria-label={t('search.label')}
        leftSection={<SearchIcon />}
        maxLength={100}
      />
    </form>
  );
}

/** A magnifier, drawn (no icon library for one glyph). */
function SearchIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" aria-hidden="true">
      <circle cx="10.5" cy="10.5" r="6.5" />
      <path d="M15.5 15.5 21 21" />
    </svg>
  );
}

/** The platform's pages this user may open, in the header's order (one rule for the header and the narrow window's menu). */
function usePageLinks(): Array<{ to: string; label: string }> {
  const me = useMe();
  const { t } = useI18n();
  if (!me) return [];
  const staff = me.role === 'manager' || me.role === 'admin';
  return [
    ...(me.canRequest ? [{ to: '/new', label: t('nav.newRequest') }, { to: '/requests', label: t('nav.myRequests') }] : []),
    ...(me.canOffer ? [{ to: '/agent/requests', label: t('nav.agentRequests') }] : []),
    ...(staff ? [{ to: '/dialogs', label: t('nav.dialogs') }, { to: '/quick-replies', label: t('nav.quickReplies') }, { to: '/ratings', label: t('nav.ratings') }] : []),
    ...(me.role === 'admin' ? [{ to: '/insight', label: t('nav.insight') }, { to: '/admin', label: t('nav.admin') }] : []),
  ];
}

/**
 * The width from which the page links fit on the header's one line: 80em (1280 px) — an administrator's eight links,
 * in English, end at ~1270 px (the outside check found «EN» cut at 1200). Narrower, they are in a menu.
 */
const WIDE_HEADER_QUERY = '(min-width: 80em)';
/** Below this (a phone), the search box moves from the header into that menu. */
const SEARCH_IN_HEADER = 'sm';

function Navigation() {
  const me = useMe();
  const { t } = useI18n();
  const changed = useSessionChanged();
  const navigate = useNavigate();
  const links = usePageLinks();
  const [menuOpen, setMenuOpen] = useState(false);
  const wide = useMediaQuery(WIDE_HEADER_QUERY, window.matchMedia(WIDE_HEADER_QUERY).matches, { getInitialValueInEffect: false });
  const link = (to: string, label: string) => (
    <Anchor key={to} component={NavLink} to={to} size="sm" style={{ whiteSpace: 'nowrap' }}>
      {label}
    </Anchor>
  );
  if (!me) return link('/sign-in', t('nav.signIn'));
  // One line at 1280 px even for an admin's eight pages: the account and «Выйти» share one menu. Below 1280 px the
  // page links move into a menu behind the burger (a 1024-px laptop window pushed them past the edge).
  return (
    <Group gap="sm" wrap="nowrap">
      {wide && links.map((page) => link(page.to, page.label))}
      {!wide && links.length > 0 && (
        <>
          <Burger size="sm" opened={menuOpen} onClick={() => setMenuOpen((open) => !open)} aria-label={t('nav.pages')} aria-expanded={menuOpen} data-testid="nav-burger" />
          <Drawer opened={menuOpen} onClose={() => setMenuOpen(false)} position="right" size="xs" title={t('nav.pages')}>
            <Stack gap="md" data-testid="nav-menu">
              <Box hiddenFrom={SEARCH_IN_HEADER}>
                <SearchBox onSearch={() => setMenuOpen(false)} />
              </Box>
              <Stack gap="md" onClick={() => setMenuOpen(false)}>
                {links.map((page) => link(page.to, page.label))}
              </Stack>
            </Stack>
          </Drawer>
        </>
      )}
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button size="compact-sm" variant="subtle" color="gray" data-testid="current-user" style={{ whiteSpace: 'nowrap' }}>
            {me.name} ▾
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {/* Broadcasts (issue 19.5) live in this menu: the header's one line at 1280 px has no room for a ninth link. */}
          {(me.role === 'manager' || me.role === 'admin') && (
            <Menu.Item component={NavLink} to="/broadcasts">
              {t('nav.broadcasts')}
            </Menu.Item>
          )}
          <Menu.Item
            onClick={async () => {
              await api('/auth/sign-out', { method: 'POST' }).catch(() => undefined);
              changed({ user: null } satisfies Session);
              void navigate('/sign-in');
            }}
          >
            {t('nav.signOut')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}

function Shell() {
  const { t } = useI18n();
  useSession();
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Title order={3}>
            <Anchor component={Link} to="/" underline="never" c="inherit">
              {t('app.name')}
            </Anchor>
          </Title>
          <Group gap="md" wrap="nowrap">
            <Box visibleFrom={SEARCH_IN_HEADER}>
              <SearchBox />
            </Box>
            <Navigation />
            <LanguageSwitch />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <SandboxBanner />
        <TelegramHealthLine />
        <Container size="xl" pt="md">
          <Suspense fallback={<PageLoader />}>
            <Routes>
              <Route path={APP_PAGES.home} element={<HomePage />} />
              <Route path={APP_PAGES.signIn} element={<SignInPage />} />
              <Route path={APP_PAGES.signInLink} element={<SignInLinkPage />} />
              <Route path={APP_PAGES.newRequest} element={<NewRequestRoute />} />
              <Route path={APP_PAGES.myRequests} element={<RequireUser><MyRequestsPage /></RequireUser>} />
              <Route path={APP_PAGES.request} element={<PageId><RequireUser><RequestPage /></RequireUser></PageId>} />
              <Route path={APP_PAGES.agentRequests} element={<RequireUser><AgentRequestsPage /></RequireUser>} />
              <Route path={APP_PAGES.offerForm} element={<PageId><RequireUser><OfferFormPage /></RequireUser></PageId>} />
              <Route path={APP_PAGES.dialogs} element={<RequireUser><DialogsPage /></RequireUser>} />
              <Route path={APP_PAGES.quickReplies} element={<RequireUser><QuickRepliesPage /></RequireUser>} />
              <Route path={APP_PAGES.ratings} element={<RequireUser><RatingsPage /></RequireUser>} />
              <Route path={APP_PAGES.broadcasts} element={<RequireUser><BroadcastsPage /></RequireUser>} />
              <Route path={APP_PAGES.admin} element={<RequireUser><AdminPage /></RequireUser>} />
              <Route path={APP_PAGES.insight} element={<RequireUser><InsightPage /></RequireUser>} />
              <Route path={APP_PAGES.client} element={<PageId><RequireUser><ClientPage /></RequireUser></PageId>} />
              <Route path={APP_PAGES.search} element={<RequireUser><SearchPage /></RequireUser>} />
              <Route path={APP_PAGES.sandbox} element={<SandboxPage />} />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}

/** `/new`: the request form; opened from the bot's link (with `token`) it first signs the manager in. */
function NewRequestRoute() {
  const [params] = useSearchParams();
  if (params.has('token')) return <SignInLinkPage />;
  return (
    <RequireUser>
      <NewRequestPage />
    </RequireUser>
  );
}

/**
 * A page with an `:id` (core/appPages.ts): «not found» unless the id is a row
 * id (`/requests/abc`, `/requests/0` are no page — the server answers them 404
 * too), so the page never asks the API with an id it refuses.
 */
function PageId({ children }: { children: ReactNode }) {
  const { id } = useParams();
  return isPageId(id) ? <>{children}</> : <NotFound />;
}

/** Pages behind sign-in: unknown users go to the sign-in form and come back. */
function RequireUser({ children }: { children: ReactNode }) {
  const session = useSession();
  if (session.isPending) return <PageLoader />;
  if (!session.data?.user) {
    const back = encodeURIComponent(window.location.pathname + window.location.search);
    return <Navigate to={`/sign-in?next=${back}`} replace />;
  }
  return <>{children}</>;
}
