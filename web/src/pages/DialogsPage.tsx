/**
 * `/dialogs`: the Telegram dialogs — client, last message, open requests —
 * and the blocklist (issue 19.7): a client banned with a reason, here or by
 * `/ban` in the topic, is listed under «Чёрный список» and can be let back.
 * Filters by source (or «без параметра ссылки») and by label (issue 19.5); «Выгрузить CSV / Excel»
 * downloads the clients of the list as filtered (`/api/clients/export`).
 * The filters live in the address (`?filter=late&source=ads_autumn&client=…`,
 * `client` a Telegram user id as the client card's link carries it), so a
 * reload or a shared link shows the same list. A source or label in the
 * address that the dropdown does not offer (an old link, a typo) is shown in
 * its dropdown, marked, and one that can be no source or label gets a
 * sentence saying the address is wrong and how to reset it; an unknown
 * `filter` or `sort` is dropped from the address.
 */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Anchor, Badge, Button, CloseButton, Group, Modal, SegmentedControl, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { api, ApiError } from '../api.js';
import { useAddressParams } from '../address.js';
import { useI18n } from '../i18n.js';
import { useMe } from '../session.js';
import { NotYours, QueryState } from '../components/common.js';
import { labelForm } from '../../../src/core/labels.js';

interface DialogRow {
  id: number;
  clientId: number;
  clientName: string;
  clientUsername: string | null;
  status: string;
  lastMessageText: string | null;
  lastMessageAt: string | null;
  openRequests: Array<{ id: number; number: string; status: string }>;
  ban: { at: string; reason: string } | null;
  /** Since when the client has blocked the bot (ISO 8601), or null: shown beside the status, which it does not change. */
  clientBlockedAt: string | null;
  startParameter: string | null;
  owner: { userId: number; name: string } | null;
  /** The client's labels (issue 19.5), alphabetical. */
  labels: string[];
  /** As managers see it (issue 19.1): who waits for whom, on hold, closed. */
  dialogStatus: DialogStatus;
  /** Since when the client waits for our answer (ISO 8601), or null. */
  waitingSince: string | null;
  /** Working time waited, whole minutes (issue 19.3), or null. */
  waitedWorkingMinutes: number | null;
  /** Waiting longer than the answer-time limit. */
  late: boolean;
  /** The client's topic in Telegram, or null. */
  topicUrl: string | null;
}

type DialogStatus = 'waiting_us' | 'waiting_client' | 'on_hold' | 'closed' | 'banned';
type StatusChange = 'hold' | 'unhold' | 'close';
const STATUS_COLOR: Record<DialogStatus, string> = { waiting_us: 'red', waiting_client: 'green', on_hold: 'gray', closed: 'blue', banned: 'dark' };
/** The status column's least width: a long client name in the next column never squeezes the status out of sight. */
const STATUS_COLUMN_WIDTH = 210;
/**
 * The client column's width: a name stays readable (a few words a line) in a narrow window. A table cell's min-width
 * is not kept by browsers in an automatic layout; its width is — as the column's least, like the status column's.
 */
const CLIENT_COLUMN_WIDTH = 200;
/** Below this width the table scrolls sideways, with a visible scrollbar (the six columns at their least widths). */
const TABLE_MIN_WIDTH = 1100;
/**
 * Below this width (48em, Mantine's `sm` — where the header moves its search box into the menu) the page is laid out
 * for a phone: the five filter segments need ~600 px, which a 576–768 px window does not always give.
 */
const PHONE_QUERY = '(max-width: 48em)';

interface Manager {
  userId: number;
  name: string;
  onShift: boolean;
}

type Filter = 'all' | 'mine' | 'unowned' | 'late' | 'banned';
type Sort = 'recent' | 'waiting';
const FILTERS: readonly Filter[] = ['all', 'mine', 'unowned', 'late', 'banned'];
const SORTS: readonly Sort[] = ['recent', 'waiting'];
/** The list's state in the address: `filter`, `sort`, `source`, `withoutSource`, `label`, `client`; a default is left out. */
type UrlKey = 'filter' | 'sort' | 'source' | 'withoutSource' | 'label' | 'client';

/**
 * The source dropdown's value for «came without a link parameter» (`withoutSource=true` in the address and the API):
 * `!` is outside Telegram's parameter alphabet (A–Z a–z 0–9 _ -), so no real source can be taken for it.
 */
const NO_SOURCE = '!none';

/** What went wrong, as the server said it; a lost connection in the reader's language. */
function errorText(error: unknown, networkText: string): string {
  if (error instanceof ApiError) return error.status === 0 ? networkText : error.message;
  return String((error as Error).message);
}

/** The answer-time limit the last dialogs list told (ANSWER_TIME_LIMIT_MINUTES), for the page's next visit; null — none yet. */
let knownAnswerTimeLimit: number | null = null;

export default function DialogsPage() {
  const { t, dateTime, locale } = useI18n();
  const me = useMe();
  const [params, changeParams] = useAddressParams();
  const [banning, setBanning] = useState<DialogRow | null>(null);
  // Read from the address on every render; an unknown filter or order shows the default list.
  const filter: Filter = FILTERS.find((value) => value === params.get('filter')) ?? 'all';
  const sort: Sort = SORTS.find((value) => value === params.get('sort')) ?? 'recent';
  // Two lists have one order, whatever the address says: «Ждут слишком долго» the longest wait first (the server's),
  // the blocklist the newest message first (a banned client waits for nobody). The switch shows it, the other disabled.
  const fixedSort: Sort | null = filter === 'late' ? 'waiting' : filter === 'banned' ? 'recent' : null;
  const source = params.get('source') || null;
  // A source and «without one» can match nobody together: the source wins, and the other is dropped from the address.
  const withoutSource = source === null && params.get('withoutSource') === 'true';
  const strayWithoutSource = source !== null && params.has('withoutSource');
  const label = params.get('label') || null;
  // A Telegram user id (the client card's link); anything else in the address is refused here, the list not asked for.
  const clientId = params.get('client') || null;
  // Telegram user ids have at most 52 significant bits (Bot API, User.id): 16 digits at most.
  const clientValid = clientId === null || /^[1-9]\d{0,15}$/.test(clientId);
  // A phone's width: the filters stack, each the width of the screen, and the two switches become dropdowns
  // (five segments in Russian are ~600 px: at 375 px they ran off the screen).
  const phone = useMediaQuery(PHONE_QUERY, window.matchMedia(PHONE_QUERY).matches, { getInitialValueInEffect: false });
  const setParam = (key: UrlKey, value: string | null) => {
    // A manager's choice is a step in the browser's history (Back returns to the list as it was); the corrections below are not.
    changeParams((next) => {
      if (value && !(key === 'filter' && value === 'all') && !(key === 'sort' && value === 'recent')) next.set(key, value);
      else next.delete(key);
    });
  };
  // An unknown filter or order is dropped from the address too, so that what the address says is what is shown.
  const unknownFilter = params.has('filter') && !FILTERS.some((value) => value === params.get('filter'));
  const unknownSort = params.has('sort') && !SORTS.some((value) => value === params.get('sort'));
  useEffect(() => {
    if (!unknownFilter && !unknownSort && !strayWithoutSource) return;
    changeParams(
      (next) => {
        if (unknownFilter) next.delete('filter');
        if (unknownSort) next.delete('sort');
        if (strayWithoutSource) next.delete('withoutSource');
      },
      { replace: true },
    );
  }, [unknownFilter, unknownSort, strayWithoutSource, changeParams]);
  const setFilter = (value: Filter) => setParam('filter', value);
  const setSort = (value: Sort) => setParam('sort', value);
  const setSource = (value: string | null) =>
    changeParams((next) => {
      next.delete('source');
      next.delete('withoutSource');
      if (value === NO_SOURCE) next.set('withoutSource', 'true');
      else if (value) next.set('source', value);
    });
  const setLabel = (value: string | null) => setParam('label', value);
  const labels = useQuery({ queryKey: ['dialogs', 'labels'], queryFn: () => api<{ items: Array<{ label: string; clients: number }> }>('/clients/labels') });
  // The list's filters, shared by the list and the export (the same query parameters).
  const filters = new URLSearchParams();
  if (filter === 'banned') filters.set('banned', 'true');
  if (filter === 'mine') filters.set('owner', 'me');
  if (filter === 'unowned') filters.set('owner', 'none');
  if (source) filters.set('source', source);
  if (withoutSource) filters.set('withoutSource', 'true');
  if (label) filters.set('label', label);
  if (clientId) filters.set('client', clientId);
  const exportHref = (format: 'csv' | 'xlsx') => `/api/clients/export?${new URLSearchParams([['format', format], ['lang', locale], ...filters])}`;
  const sources = useQuery({ queryKey: ['dialogs', 'sources'], queryFn: () => api<{ items: Array<{ source: string; clients: number }>; without: number }>('/dialogs/sources') });
  // A source or label from the address that is not offered (no client has it: an old link, a typo) is still shown
  // in its dropdown, marked, rather than the placeholder «all» over a list it empties; the cross removes it.
  const sourceOptions = (sources.data?.items ?? []).map((item) => ({ value: item.source, label: t('dialogs.sourceOption', { source: item.source, count: item.clients }) }));
  if (source && !sourceOptions.some((option) => option.value === source)) {
    sourceOptions.unshift({ value: source, label: sources.data ? t('dialogs.unknownSource', { source }) : source });
  }
  // Those who came without a parameter, last (as on the insight page's sources), when there are any or the address asks.
  if ((sources.data?.without ?? 0) > 0 || withoutSource) {
    sourceOptions.push({ value: NO_SOURCE, label: t('dialogs.withoutSourceOption', { count: sources.data?.without ?? 0 }) });
  }
  // The server reads a label as typed forms normalise (`VIP`, `#vip` → `vip`, core/labels).
  const labelOffered = (name: string) => label !== null && name === labelForm(label);
  const labelOptions = (labels.data?.items ?? []).map((item) => ({ value: item.label, label: t('dialogs.labelOption', { label: item.label, count: item.clients }) }));
  const labelValue = labelOptions.find((option) => labelOffered(option.value))?.value ?? label;
  if (label && !labelOptions.some((option) => option.value === labelValue)) {
    labelOptions.unshift({ value: label, label: labels.data ? t('dialogs.unknownLabel', { label }) : label });
  }
  const dialogs = useQuery({
    queryKey: ['dialogs', filter, source, withoutSource, label, sort, clientId],
    queryFn: () => {
      const query = new URLSearchParams(filters);
      if (filter === 'late') query.set('late', 'true');
      if (fixedSort === null && sort === 'waiting') query.set('sort', 'waiting');
      return api<{ items: DialogRow[]; answerTimeLimitMinutes: number; dialogAssignment: 'manual' | 'first_answer' | 'round_robin' }>(`/dialogs${query.size ? `?${query}` : ''}`);
    },
    refetchInterval: 15_000,
    enabled: clientValid,
  });
  // A source or label that can be none (the server's rule, clientQueries): the address is wrong, said as such.
  const refusedFields = dialogs.error instanceof ApiError && dialogs.error.status === 400 ? dialogs.error.fields : {};
  const badFilter = source && refusedFields.source ? 'source' : label && refusedFields.label ? 'label' : null;
  const resetFilters = () => {
    changeParams(
      (next) => {
        next.delete('source');
        next.delete('withoutSource');
        next.delete('label');
      },
      { replace: true },
    );
  };
  const showAll = () =>
    changeParams((next) => {
      for (const key of ['filter', 'source', 'withoutSource', 'label', 'client']) next.delete(key);
    });
  const sortFixedHint = fixedSort ? t('dialogs.sortFixed', { order: t(fixedSort === 'waiting' ? 'dialogs.sortWaiting' : 'dialogs.sortRecent') }) : undefined;
  // Where the order is fixed, the other order is shown disabled beside it (the phone's dropdown is disabled whole).
  const sortOptions = [
    { value: 'recent', label: t('dialogs.sortRecent'), disabled: fixedSort !== null && fixedSort !== 'recent' },
    { value: 'waiting', label: t('dialogs.sortWaiting'), disabled: fixedSort !== null && fixedSort !== 'waiting' },
  ];
  // With no answer time promised (ANSWER_TIME_LIMIT_MINUTES 0) nobody is ever late: «Ждут слишком долго» is not offered
  // (an address that asks for it keeps it, and the empty list says why). The limit as the last list told it (kept for
  // the next visit of the page): a list being loaded for another filter does not make the choice flicker in and out.
  // Before the first list the filter switch waits, so that it does not appear without the choice and then grow it
  // (and wrap to a second row) when the list comes — unless no list is coming (a refused address, an error).
  const [answerTimeLimit, setAnswerTimeLimit] = useState<number | null>(knownAnswerTimeLimit);
  const toldLimit = dialogs.data?.answerTimeLimitMinutes;
  if (toldLimit !== undefined && toldLimit !== answerTimeLimit) {
    knownAnswerTimeLimit = toldLimit;
    setAnswerTimeLimit(toldLimit);
  }
  const noAnswerTime = answerTimeLimit === 0;
  const filterShown = answerTimeLimit !== null || !dialogs.isLoading;
  const filterOptions = [
    { value: 'all', label: t('dialogs.filterAll') },
    { value: 'mine', label: t('dialogs.filterMine') },
    { value: 'unowned', label: t('dialogs.filterUnowned') },
    { value: 'late', label: t('dialogs.filterLate') },
    { value: 'banned', label: t('dialogs.filterBanned') },
  ].filter((option) => option.value !== 'late' || (answerTimeLimit !== null && answerTimeLimit > 0) || filter === 'late');
  // The export is offered only for a list it would write as shown: not for one the address cannot describe (a refused
  // client, source or label), not for an empty one (a header-only file), and not for «Ждут слишком долго» — a moment's
  // state of dialogs, not a set of clients, which the export does not take.
  const exportable = clientValid && !badFilter && filter !== 'late' && (dialogs.data?.items.length ?? 0) > 0;
  // The client of the address when the filtered list does not hold them: asked alone, so the page can say whether
  // they exist (and name them) rather than «not found or not under the filters».
  const filtersNarrow = filter !== 'all' || source !== null || withoutSource || label !== null;
  const clientAlone = useQuery({
    queryKey: ['dialogs', 'client', clientId],
    queryFn: () => api<{ items: DialogRow[] }>(`/dialogs?${new URLSearchParams([['client', clientId!]])}`),
    enabled: clientValid && clientId !== null && filtersNarrow && dialogs.data?.items.length === 0,
  });
  const clientName = dialogs.data?.items[0]?.clientName ?? clientAlone.data?.items[0]?.clientName ?? null;
  const client = useQueryClient();
  const managers = useQuery({ queryKey: ['dialogs', 'managers'], queryFn: () => api<{ items: Manager[] }>('/dialogs/managers') });
  const setOwner = useMutation({
    mutationFn: ({ dialogId, userId }: { dialogId: number; userId: number | null }) => api(`/dialogs/${dialogId}/owner`, { method: 'PUT', body: { userId } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['dialogs'] }),
  });
  // The same command as /hold, /unhold, /close in the topic (commands/dialogStatus).
  const changeStatus = useMutation({
    mutationFn: ({ dialogId, change }: { dialogId: number; change: StatusChange }) => api(`/dialogs/${dialogId}/status`, { method: 'POST', body: { change } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['dialogs'] }),
  });
  const unban = useMutation({
    mutationFn: (dialogId: number) => api(`/dialogs/${dialogId}/ban`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['dialogs'] }),
  });
  /** What an empty list says: why it is empty, and for a filter what would fill it. */
  const emptyListText = () => {
    // Nobody can be late without a promised time: that, not a client or a label, is why the list is empty.
    if (filter === 'late' && noAnswerTime) return t('dialogs.noAnswerTime');
    if (clientId) {
      if (!filtersNarrow || clientAlone.data?.items.length === 0) return t('dialogs.clientNotFound', { client: clientId });
      return clientName ? t('dialogs.clientFiltered', { client: clientName }) : t('dialogs.clientNotInList', { client: clientId });
    }
    if (source || withoutSource || label) return t('dialogs.noneFiltered');
    switch (filter) {
      case 'banned':
        return t('dialogs.noneBanned');
      case 'late':
        return t('dialogs.noneLate');
      case 'mine':
        // How a dialog becomes yours on this deployment (DIALOG_ASSIGNMENT), not «if so configured».
        return t(`dialogs.noneMine.${dialogs.data?.dialogAssignment ?? 'manual'}`);
      case 'unowned':
        return t('dialogs.noneUnowned');
      default:
        return t('dialogs.none');
    }
  };
  // Not ours to see (a customer's or an agent's account): the server's reason alone, as on the ratings page — no
  // filters over «Что-то пошло не так».
  if (dialogs.error instanceof ApiError && dialogs.error.status === 403) return <NotYours error={dialogs.error} testId="dialogs-forbidden" />;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('dialogs.title')}</Title>
        <Group>
        {/* The dropdowns' crosses are named buttons a keyboard reaches (Mantine hides them from both by default): the
            way to drop a filter the address brought in. */}
        <Select
          placeholder={t('dialogs.allSources')}
          clearButtonProps={{ 'aria-label': t('dialogs.allSources'), 'aria-hidden': false, tabIndex: 0 }}
          aria-label={t('dialogs.source')}
          data={sourceOptions}
          value={withoutSource ? NO_SOURCE : source}
          onChange={setSource}
          clearable
          searchable
          nothingFoundMessage={sources.data?.items.length === 0 ? t('dialogs.noSources') : t('common.nothingFound')}
          data-testid="dialogs-source"
          w={phone ? '100%' : 240}
        />
        <Select
          placeholder={t('dialogs.allLabels')}
          clearButtonProps={{ 'aria-label': t('dialogs.allLabels'), 'aria-hidden': false, tabIndex: 0 }}
          aria-label={t('dialogs.label')}
          data={labelOptions}
          value={labelValue}
          onChange={setLabel}
          clearable
          searchable
          nothingFoundMessage={labels.data?.items.length === 0 ? t('dialogs.noLabels') : t('common.nothingFound')}
          data-testid="dialogs-label"
          w={phone ? '100%' : 200}
        />
        {phone ? (
          <>
            <Select
              value={fixedSort ?? sort}
              onChange={(value) => value && setSort(value as Sort)}
              aria-label={t('dialogs.sort')}
              data={sortOptions}
              allowDeselect={false}
              disabled={fixedSort !== null}
              title={sortFixedHint}
              data-testid="dialogs-sort"
              w="100%"
            />
            {filterShown && (
              <Select value={filter} onChange={(value) => value && setFilter(value as Filter)} aria-label={t('dialogs.filter')} data={filterOptions} allowDeselect={false} data-testid="dialogs-filter" w="100%" />
            )}
          </>
        ) : (
          <>
            <div title={sortFixedHint}>
              <SegmentedControl
                value={fixedSort ?? sort}
                onChange={(value) => setSort(value as Sort)}
                aria-label={t('dialogs.sort')}
                data={sortOptions}
                data-testid="dialogs-sort"
              />
            </div>
            {filterShown && (
              <SegmentedControl value={filter} onChange={(value) => setFilter(value as Filter)} aria-label={t('dialogs.filter')} data={filterOptions} data-testid="dialogs-filter" />
            )}
          </>
        )}
        </Group>
      </Group>
      <Group justify="space-between">
        {clientId ? (
          <Badge
            size="lg"
            variant="light"
            tt="none"
            maw="70%"
            data-testid="dialogs-client-filter"
            rightSection={<CloseButton size="xs" aria-label={t('dialogs.allClients')} onClick={() => setParam('client', null)} />}
          >
            {t('dialogs.onlyClient', { client: clientName ?? clientId })}
          </Badge>
        ) : (
          <span />
        )}
        {exportable && (
        <Group gap="xs" title={t('dialogs.exportHint')}>
          <Button component="a" href={exportHref('csv')} download size="xs" variant="default" data-testid="export-csv">
            {t('dialogs.exportCsv')}
          </Button>
          <Button component="a" href={exportHref('xlsx')} download size="xs" variant="default" data-testid="export-xlsx">
            {t('dialogs.exportXlsx')}
          </Button>
        </Group>
        )}
      </Group>
      {unban.error && <Alert color="red">{errorText(unban.error, t('error.network'))}</Alert>}
      {changeStatus.error && <Alert color="red">{errorText(changeStatus.error, t('error.network'))}</Alert>}
      {setOwner.error && <Alert color="red">{errorText(setOwner.error, t('error.network'))}</Alert>}
      {!clientValid && (
        <Alert color="red" data-testid="dialogs-client-refused">
          {t('dialogs.badClient', { client: clientId! })}
        </Alert>
      )}
      {badFilter && (
        <Alert color="red" data-testid="dialogs-filter-refused">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{badFilter === 'source' ? t('dialogs.badSource', { source: source! }) : t('dialogs.badLabel', { label: label! })}</Text>
            <Button size="xs" variant="default" onClick={resetFilters}>
              {t('dialogs.resetFilters')}
            </Button>
          </Stack>
        </Alert>
      )}
      {clientValid && !badFilter && (
        <QueryState query={dialogs}>
          {() =>
            dialogs.data!.items.length === 0 ? (
              <Stack gap="xs" align="flex-start">
                <Text c="dimmed" data-testid="dialogs-empty">
                  {emptyListText()}
                </Text>
                {/* Narrowed to nothing: the whole list back in one click (a step Back undoes), as on the agents' list. */}
                {(filtersNarrow || clientId !== null) && (
                  <Button size="xs" variant="default" onClick={showAll} data-testid="dialogs-show-all">
                    {t('dialogs.showAll')}
                  </Button>
                )}
              </Stack>
            ) : (
              // Narrower than the columns need (a 1024-px window), the table scrolls sideways rather than crushing the names.
              <Table.ScrollContainer minWidth={TABLE_MIN_WIDTH} type="native">
              <Table striped data-testid="dialogs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th miw={CLIENT_COLUMN_WIDTH} w={CLIENT_COLUMN_WIDTH}>
                      {t('dialogs.client')}
                    </Table.Th>
                    <Table.Th miw={STATUS_COLUMN_WIDTH} w={STATUS_COLUMN_WIDTH}>
                      {t('dialogs.status')}
                    </Table.Th>
                    <Table.Th>{t('dialogs.lastMessage')}</Table.Th>
                    <Table.Th>{t('dialogs.openRequests')}</Table.Th>
                    <Table.Th>{t('dialogs.owner')}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {dialogs.data!.items.map((dialog) => (
                    <Table.Tr key={dialog.id} data-testid={`dialog-${dialog.id}`}>
                      {/* A long name wraps anywhere rather than widening its column over the status. */}
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>
                        <Anchor component={Link} to={`/clients/${dialog.clientId}`} title={t('client.link')}>
                          {dialog.clientName}
                        </Anchor>
                        {dialog.clientUsername && <Text c="dimmed" size="xs">@{dialog.clientUsername}</Text>}
                        {dialog.startParameter && (
                          <Text c="dimmed" size="xs" data-testid="client-source">
                            {t('dialogs.sourceLine', { source: dialog.startParameter })}
                          </Text>
                        )}
                        {dialog.labels.length > 0 && (
                          <Group gap={4} mt={2} data-testid="client-labels">
                            {dialog.labels.map((name) => (
                              <Badge key={name} size="xs" variant="outline" color="grape" tt="none">
                                {name}
                              </Badge>
                            ))}
                          </Group>
                        )}
                      </Table.Td>
                      <Table.Td data-testid="dialog-status" miw={STATUS_COLUMN_WIDTH}>
                        {/* In sentence case and wrapping rather than cut: a status never ends in «…». */}
                        <Badge
                          color={STATUS_COLOR[dialog.dialogStatus]}
                          variant="light"
                          tt="none"
                          maw="100%"
                          h="auto"
                          styles={{ label: { whiteSpace: 'normal', overflow: 'visible' } }}
                          data-testid="dialog-status-badge"
                        >
                          {t(`dialogs.status.${dialog.dialogStatus}`)}
                        </Badge>
                        {/* A banned client waits for nobody: the ban, since when and why, instead of a wait. */}
                        {dialog.ban && (
                          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }} data-testid="ban-reason">
                            {t('dialogs.bannedSince', { date: dateTime(dialog.ban.at), reason: dialog.ban.reason })}
                          </Text>
                        )}
                        {/* After the ban's line, so its «since …: reason» stays right under the ⛔ it explains. */}
                        {dialog.clientBlockedAt && (
                          <Text size="xs" c="red" data-testid="dialog-client-blocked">
                            {t('dialogs.clientBlocked', { date: dateTime(dialog.clientBlockedAt) })}
                          </Text>
                        )}
                        {dialog.waitingSince && (
                          <Text size="xs" c="dimmed" data-testid="dialog-waiting-since">
                            {t('dialogs.waitingSince', { date: dateTime(dialog.waitingSince) })}
                          </Text>
                        )}
                        {dialog.waitedWorkingMinutes !== null && (
                          <Text size="xs" c={dialog.late ? 'red' : 'dimmed'} fw={dialog.late ? 600 : undefined} data-testid="dialog-waited">
                            {t('dialogs.waited', {
                              wait:
                                dialog.waitedWorkingMinutes >= 60
                                  ? t('wait.hm', { h: Math.floor(dialog.waitedWorkingMinutes / 60), m: String(dialog.waitedWorkingMinutes % 60).padStart(2, '0') })
                                  : t('wait.m', { m: dialog.waitedWorkingMinutes }),
                            })}
                          </Text>
                        )}
                        {dialog.late && (
                          <Badge color="red" variant="filled" size="xs" data-testid="dialog-late">
                            {t('dialogs.late')}
                          </Badge>
                        )}
                        {dialog.topicUrl && (
                          <Anchor href={dialog.topicUrl} target="_blank" rel="noopener noreferrer" size="xs" display="block" data-testid="dialog-topic-link">
                            {t('dialogs.openTopic')}
                          </Anchor>
                        )}
                        <Group gap={4} mt={4}>
                          {(dialog.dialogStatus === 'waiting_us' || dialog.dialogStatus === 'waiting_client') && (
                            <Button size="compact-xs" variant="subtle" onClick={() => changeStatus.mutate({ dialogId: dialog.id, change: 'hold' })}>
                              {t('dialogs.hold')}
                            </Button>
                          )}
                          {dialog.dialogStatus === 'on_hold' && (
                            <Button size="compact-xs" variant="subtle" onClick={() => changeStatus.mutate({ dialogId: dialog.id, change: 'unhold' })}>
                              {t('dialogs.unhold')}
                            </Button>
                          )}
                          {dialog.dialogStatus !== 'closed' && (
                            <Button size="compact-xs" variant="subtle" color="gray" onClick={() => changeStatus.mutate({ dialogId: dialog.id, change: 'close' })}>
                              {t('dialogs.close')}
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" lineClamp={2}>
                          {dialog.lastMessageText ?? '—'}
                        </Text>
                        {dialog.lastMessageAt && (
                          <Text size="xs" c="dimmed">
                            {dateTime(dialog.lastMessageAt)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs">
                          {dialog.openRequests.map((request) => (
                            <Anchor key={request.id} component={Link} to={`/requests/${request.id}`} size="sm">
                              {request.number}
                            </Anchor>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Select
                          size="xs"
                          w={200}
                          aria-label={t('dialogs.owner')}
                          placeholder={t('dialogs.nobody')}
                          data={(managers.data?.items ?? []).map((m) => ({ value: String(m.userId), label: m.onShift ? `${m.name} · ${t('dialogs.onShift')}` : m.name }))}
                          value={dialog.owner ? String(dialog.owner.userId) : null}
                          onChange={(value) => setOwner.mutate({ dialogId: dialog.id, userId: value ? Number(value) : null })}
                          clearable
                          allowDeselect={false}
                          data-testid="dialog-owner"
                        />
                        {!dialog.owner && me && (
                          <Button size="compact-xs" variant="subtle" mt={4} onClick={() => setOwner.mutate({ dialogId: dialog.id, userId: me.id })}>
                            {t('dialogs.take')}
                          </Button>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {dialog.ban ? (
                          <Button size="xs" variant="default" loading={unban.isPending && unban.variables === dialog.id} onClick={() => unban.mutate(dialog.id)}>
                            {t('dialogs.unban')}
                          </Button>
                        ) : (
                          <Button size="xs" variant="subtle" color="red" onClick={() => setBanning(dialog)}>
                            {t('dialogs.ban')}
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              </Table.ScrollContainer>
            )
          }
        </QueryState>
      )}
      {banning && <BanDialog dialog={banning} onClose={() => setBanning(null)} />}
    </Stack>
  );
}

/** The reason asked before a ban; the error of the field shows beside it. */
function BanDialog({ dialog, onClose }: { dialog: DialogRow; onClose: () => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const ban = useMutation({
    mutationFn: () => api(`/dialogs/${dialog.id}/ban`, { method: 'PUT', body: { reason } }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['dialogs'] });
      onClose();
    },
  });
  const fieldError = ban.error instanceof ApiError ? (ban.error.fields.reason ?? errorText(ban.error, t('error.network'))) : ban.error ? t('error.network') : null;
  return (
    <Modal opened onClose={onClose} title={t('dialogs.banTitle', { name: dialog.clientName })}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          ban.mutate();
        }}
      >
        <Stack>
          <Text size="sm">{t('dialogs.banExplain')}</Text>
          <Textarea
            label={t('dialogs.banReason')}
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              ban.reset();
            }}
            error={fieldError}
            autosize
            minRows={2}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red" loading={ban.isPending}>
              {t('dialogs.ban')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
