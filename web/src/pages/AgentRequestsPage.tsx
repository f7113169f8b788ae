/**
 * `/agent/requests`: requests collecting offers. Filters and sort live in the
 * URL (shareable, survive reload); pages load by cursor ("show more").
 */
import { useMemo } from 'react';
import { Link } from 'react-router';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Grid, Select, Stack, TextInput, Title } from '@mantine/core';
import { SearchSelect } from '../components/pickers.js';
import { DateField } from '../components/DateField.js';
import { useDebouncedValue } from '@mantine/hooks';
import { useAddressParams } from '../address.js';
import { api, ApiError, query, type Page, type RequestSummary } from '../api.js';
import { useI18n } from '../i18n.js';
import { NotYours, QueryState } from '../components/common.js';
import { MoreButton, RequestTable } from '../components/RequestTable.js';

const FILTERS = ['currency', 'country', 'amountMin', 'amountMax', 'from', 'to', 'sort', 'mine'] as const;

/**
 * A local date (YYYY-MM-DD) as the UTC instant its day starts in the viewer's time zone; undefined for none. A text
 * that names no real day (an address's `from=2026-13-40`, `abc`) is passed on as it is, for the server to refuse
 * beside the field — not rolled over into another day (09.02.2027) nor dropped, either of which lists requests the
 * address did not ask for.
 */
function dayStart(day: string, plusDays = 0): string | undefined {
  if (day === '') return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return day;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const local = new Date(y, m - 1, d);
  if (local.getFullYear() !== y || local.getMonth() !== m - 1 || local.getDate() !== d) return day;
  return new Date(y, m - 1, d + plusDays).toISOString();
}

export default function AgentRequestsPage() {
  const { t, locale } = useI18n();
  const [params, changeParams] = useAddressParams();
  const filters = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const [debounced] = useDebouncedValue(filters, 300);
  const setFilter = (key: (typeof FILTERS)[number], value: string) => {
    changeParams(
      (next) => {
        if (value) next.set(key, value);
        else next.delete(key);
      },
      { replace: true },
    );
  };

  const currencies = useQuery({ queryKey: ['currencies', locale], queryFn: () => api<Array<{ code: string; name: string }>>(`/reference/currencies${query({ locale })}`), staleTime: Infinity });
  const countries = useQuery({ queryKey: ['countries', locale], queryFn: () => api<Array<{ code: string; name: string }>>(`/reference/countries${query({ locale })}`), staleTime: Infinity });
  const currencyOptions = useMemo(() => (currencies.data ?? []).map((c) => ({ value: c.code, label: c.code })), [currencies.data]);
  const countryOptions = useMemo(() => (countries.data ?? []).map((c) => ({ value: c.code, label: c.name })), [countries.data]);

  const apiFilters = {
    currency: debounced.currency,
    country: debounced.country,
    amountMin: debounced.amountMin.replace(',', '.').replace(/\s/g, ''),
    amountMax: debounced.amountMax.replace(',', '.').replace(/\s/g, ''),
    from: dayStart(debounced.from),
    to: dayStart(debounced.to, 1),
    sort: debounced.sort || 'newest',
    mine: debounced.mine === '1',
  };
  const list = useInfiniteQuery({
    queryKey: ['agent-requests', apiFilters],
    queryFn: ({ pageParam }) => api<Page<RequestSummary>>(`/agent/requests${query({ ...apiFilters, mine: apiFilters.mine ? 1 : undefined, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  // The filters that narrow the list (the order does not), and the way to drop them all at once.
  const narrowing = FILTERS.filter((key) => key !== 'sort' && filters[key]);
  const clearFilters = () =>
    changeParams((next) => {
      for (const key of FILTERS) if (key !== 'sort') next.delete(key);
    });
  // Filters the server refused (a «from» over a «to», an amount that is no number, a country that does not exist):
  // each reason beside its field, and the list's place says to fix them or clear them — not «Что-то пошло не так».
  const refused = list.error instanceof ApiError && list.error.status === 400 ? list.error : null;
  const fieldError = (key: (typeof FILTERS)[number]) => refused?.fields[key] ?? null;
  // Not an offering organization's account: the server's reason alone, without filters over «Что-то пошло не так».
  if (list.error instanceof ApiError && list.error.status === 403) return <NotYours error={list.error} testId="agent-requests-forbidden" />;
  const clearButton = (
    <Button variant="subtle" size="compact-sm" onClick={clearFilters} data-testid="agent-clear-filters">
      {t('agent.clearFilters')}
    </Button>
  );
  return (
    <Stack>
      <Title order={2}>{t('agent.title')}</Title>
      <Grid align="flex-end">
        <Grid.Col span={{ base: 6, sm: 2 }}>
          <SearchSelect label={t('agent.filter.currency')} clearable data={currencyOptions} value={filters.currency || null} onChange={(v) => setFilter('currency', v ?? '')} error={fieldError('currency')} />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 3 }}>
          <SearchSelect label={t('agent.filter.country')} clearable data={countryOptions} value={filters.country || null} onChange={(v) => setFilter('country', v ?? '')} error={fieldError('country')} />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 2 }}>
          <TextInput label={t('agent.filter.amountMin')} inputMode="decimal" value={filters.amountMin} onChange={(e) => setFilter('amountMin', e.currentTarget.value)} error={fieldError('amountMin')} />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 2 }}>
          <TextInput label={t('agent.filter.amountMax')} inputMode="decimal" value={filters.amountMax} onChange={(e) => setFilter('amountMax', e.currentTarget.value)} error={fieldError('amountMax')} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 3 }}>
          <Select
            label={t('agent.sort')}
            data={[
              { value: 'newest', label: t('agent.sort.newest') },
              { value: 'oldest', label: t('agent.sort.oldest') },
              { value: 'amountDesc', label: t('agent.sort.amountDesc') },
              { value: 'amountAsc', label: t('agent.sort.amountAsc') },
            ]}
            value={filters.sort || 'newest'}
            onChange={(v) => setFilter('sort', v === 'newest' ? '' : (v ?? ''))}
            error={fieldError('sort')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 2 }}>
          <DateField label={t('agent.filter.from')} value={filters.from} onChange={(value) => setFilter('from', value)} error={fieldError('from')} />
        </Grid.Col>
        <Grid.Col span={{ base: 6, sm: 2 }}>
          <DateField label={t('agent.filter.to')} value={filters.to} onChange={(value) => setFilter('to', value)} error={fieldError('to')} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 4 }}>
          <Checkbox label={t('agent.filter.mine')} checked={filters.mine === '1'} onChange={(e) => setFilter('mine', e.currentTarget.checked ? '1' : '')} />
        </Grid.Col>
      </Grid>
      {refused ? (
        <Alert color="gray" data-testid="agent-filters-refused">
          {/* The reasons not beside a field (none of the page's) are said here. */}
          {Object.keys(refused.fields).some((key) => FILTERS.includes(key as (typeof FILTERS)[number])) ? t('agent.filtersRefused') : refused.message}{' '}
          {clearButton}
        </Alert>
      ) : (
      <QueryState query={list}>
        {() => (
          <>
            <RequestTable
              items={list.data!.pages.flatMap((p) => p.items)}
              // Filtered: that the filters leave none (the full list may not be empty), with the way to clear them — «only
              // mine» alone: that no offer of theirs is there yet; unfiltered: that nothing collects offers now.
              empty={
                narrowing.length === 0 ? (
                  t('agent.empty')
                ) : (
                  <>
                    {t(narrowing.length === 1 && narrowing[0] === 'mine' ? 'agent.emptyMine' : 'agent.emptyFiltered')} {clearButton}
                  </>
                )
              }
              action={(request) =>
                request.status === 'collecting_offers' ? (
                  <Button component={Link} to={`/agent/requests/${request.id}/offers/new`} size="compact-sm" variant="light" data-testid={`offer-${request.number}`}>
                    {t('request.makeOffer')}
                  </Button>
                ) : null
              }
            />
            <MoreButton hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} />
          </>
        )}
      </QueryState>
      )}
    </Stack>
  );
}
