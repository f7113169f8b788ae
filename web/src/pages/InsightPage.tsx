/**
 * `/insight`: the head of team's dashboard. One card per chart, each fed by
 * its own `/api/insight/...` query (numbers computed in SQL; money arrives as
 * decimal text and is shown from that text — charts get a Number only to draw
 * a bar). Every card has its data table (readable by screen readers and
 * tests), CSV and PNG export. The period and the manager live in the URL;
 * the data polls every 30 s and keeps the previous answer on screen while a
 * new one loads, so nothing flickers.
 */
import { createContext, useContext, useRef, type ReactNode } from 'react';
import { useAddressParams, type ChangeParams } from '../address.js';
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { Alert, Button, ColorSwatch, Group, Paper, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { BarChart, DonutChart, LineChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { api, ApiError } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { useMe } from '../session.js';
import { PageLoader } from '../components/common.js';
import { DateField } from '../components/DateField.js';
import { downloadCsv, downloadPng, formatDuration } from '../components/insightExport.js';
import { insightChartQuery, insightFilter, type InsightChart } from '../components/insightQueries.js';

const REFRESH_MS = 30_000;

interface Period {
  from: string;
  to: string;
  timeZone: string;
}
type Rows<T> = Period & { rows: T };
type Seconds = number | null;

interface FunnelCounts {
  dialogs: number;
  withRequest: number;
  accepted: number;
  completed: number;
  cancelled: number;
}

interface ManagerTimes {
  managerId: number;
  manager: string;
  answered: number;
  firstResponseMedian: Seconds;
  firstResponseP90: Seconds;
  completed: number;
  resolutionMedian: Seconds;
  resolutionP90: Seconds;
}

/** One column of a chart's table and CSV: `value` goes to the CSV as is, `show` to the table; `csvLabel` heads the CSV's column when its unit differs from the table's. */
interface Column<T> {
  label: string;
  csvLabel?: string;
  value: (row: T) => string | number | null;
  show?: (row: T) => string;
}

const minutes = (seconds: Seconds) => (seconds === null ? null : Math.round(seconds / 6) / 10);
const hours = (seconds: Seconds) => (seconds === null ? null : Math.round(seconds / 360) / 10);
const STATUS_COLORS: Record<string, string> = { collecting_offers: 'blue.6', accepted: 'teal.6', completed: 'green.6', cancelled: 'gray.6' };
/**
 * The line charts draw no dot per day (60 SVG shapes a chart fewer to make on every draw); the day under the
 * pointer still gets its dot (Recharts fills it with the line's colour) beside the tooltip.
 */
const HOVER_DOT = { activeDot: { r: 4 } };
/**
 * Whether a daily line has at least two days with a value, so the line (nulls bridged) shows them: a single day of
 * data drawn without dots is a line of no length — an empty-looking chart over a table that has a row (the outside
 * tester). With fewer, the days are drawn as dots.
 */
const joined = (rows: Array<{ median: Seconds }>) => rows.filter((row) => row.median !== null).length >= 2;
const SERIES_COLORS = ['blue.6', 'orange.6', 'teal.6', 'grape.6', 'red.6', 'cyan.6', 'lime.6', 'pink.6'];

export default function InsightPage() {
  const me = useMe();
  const { t } = useI18n();
  if (!me) return <PageLoader />;
  if (me.role !== 'admin') {
    return (
      <Alert color="gray" title={t('insight.title')} data-testid="insight-forbidden">
        {t('insight.forbidden')}
      </Alert>
    );
  }
  return <Dashboard />;
}

function useChart<T>(chart: InsightChart, filter: string) {
  return useQuery({
    ...insightChartQuery<T>(chart, filter),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
  });
}

/**
 * The page's frame. It subscribes to no chart itself: each card below reads
 * its own query (`Chart`), so an answer re-renders its card only — not the
 * nine others, as one component holding all ten queries did (ten answers ×
 * ten charts drawn again on a busy machine; docs/PERFORMANCE.md «Dashboard»).
 */
function Dashboard() {
  const { t, date, money, number } = useI18n();
  const [params, changeParams] = useAddressParams();
  const filter = insightFilter(params);
  const dayColumn = <T extends { day: string }>(): Column<T> => ({ label: t('insight.col.day'), value: (row) => row.day, show: (row) => date(row.day) });
  const duration = (seconds: Seconds) => formatDuration(seconds);
  const funnelRowsOf = (counts: FunnelCounts) =>
    (['dialogs', 'withRequest', 'accepted', 'completed', 'cancelled'] as const).map((stage) => ({ stage, label: t(`insight.funnel.${stage}` as MessageKey), count: counts[stage] }));

  return (
    <Stack data-testid="insight">
      <Title order={2}>{t('insight.title')}</Title>
      <Filters params={params} changeParams={changeParams} filter={filter} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Chart<Rows<Array<{ day: string; dialogs: number }>>> chart="dialogs" filter={filter}>
          {(dialogs) => (
            <ChartCard
              id="dialogs"
              title={t('insight.dialogs.title')}
              stamp={stampOf(dialogs.data)}
              rows={dialogs.data?.rows}
              hasData={(row) => row.dialogs > 0}
              columns={[dayColumn(), { label: t('insight.col.dialogs'), value: (row) => row.dialogs }]}
            >
              {(rows) => <BarChart h={220} data={rows.map((row) => ({ day: date(row.day), dialogs: row.dialogs }))} dataKey="day" yAxisProps={{ allowDecimals: false }} series={[{ name: 'dialogs', label: t('insight.col.dialogs'), color: 'blue.6' }]} />}
            </ChartCard>
          )}
        </Chart>
        <Chart<Rows<Array<{ day: string; answered: number; median: Seconds; p90: Seconds }>>> chart="first-response" filter={filter}>
          {(firstResponse) => (
            <ChartCard
              id="first-response"
              title={t('insight.firstResponse.title')}
              stamp={stampOf(firstResponse.data)}
              rows={firstResponse.data?.rows}
              hasData={(row) => row.answered > 0}
              columns={[
                dayColumn(),
                { label: t('insight.col.answered'), value: (row) => row.answered },
                { label: t('insight.col.median'), csvLabel: t('insight.col.medianSeconds'), value: (row) => row.median, show: (row) => duration(row.median) },
                { label: t('insight.col.p90'), csvLabel: t('insight.col.p90Seconds'), value: (row) => row.p90, show: (row) => duration(row.p90) },
              ]}
            >
              {(rows) => (
                <LineChart
                  h={220}
                  connectNulls
                  withDots={!joined(rows)}
                  lineProps={HOVER_DOT}
                  data={rows.map((row) => ({ day: date(row.day), median: minutes(row.median), p90: minutes(row.p90) }))}
                  dataKey="day"
                  valueFormatter={(value) => number(value, { max: 2 })}
                  withLegend
                  series={[
                    { name: 'median', label: t('insight.col.medianMinutes'), color: 'blue.6' },
                    { name: 'p90', label: t('insight.col.p90Minutes'), color: 'orange.6', strokeDasharray: '6 4' },
                  ]}
                />
              )}
            </ChartCard>
          )}
        </Chart>
        <Chart<Rows<Array<{ day: string; completed: number; median: Seconds; p90: Seconds }>>> chart="resolution" filter={filter}>
          {(resolution) => (
            <ChartCard
              id="resolution"
              title={t('insight.resolution.title')}
              stamp={stampOf(resolution.data)}
              rows={resolution.data?.rows}
              hasData={(row) => row.completed > 0}
              columns={[
                dayColumn(),
                { label: t('insight.col.completed'), value: (row) => row.completed },
                { label: t('insight.col.median'), csvLabel: t('insight.col.medianSeconds'), value: (row) => row.median, show: (row) => duration(row.median) },
                { label: t('insight.col.p90'), csvLabel: t('insight.col.p90Seconds'), value: (row) => row.p90, show: (row) => duration(row.p90) },
              ]}
            >
              {(rows) => (
                <LineChart
                  h={220}
                  connectNulls
                  withDots={!joined(rows)}
                  lineProps={HOVER_DOT}
                  data={rows.map((row) => ({ day: date(row.day), median: hours(row.median), p90: hours(row.p90) }))}
                  dataKey="day"
                  valueFormatter={(value) => number(value, { max: 2 })}
                  withLegend
                  series={[
                    { name: 'median', label: t('insight.col.medianHours'), color: 'teal.6' },
                    { name: 'p90', label: t('insight.col.p90Hours'), color: 'grape.6', strokeDasharray: '6 4' },
                  ]}
                />
              )}
            </ChartCard>
          )}
        </Chart>
        <Chart<Rows<FunnelCounts>> chart="funnel" filter={filter}>
          {(funnel) => (
            <ChartCard
              id="funnel"
              title={t('insight.funnel.title')}
              stamp={stampOf(funnel.data)}
              rows={funnel.data ? funnelRowsOf(funnel.data.rows) : undefined}
              hasData={(row) => row.count > 0}
              columns={[
                { label: t('insight.col.stage'), value: (row) => row.label },
                { label: t('insight.col.count'), value: (row) => row.count },
              ]}
            >
              {(rows) => (
                <BarChart
                  h={220}
                  orientation="vertical"
                  yAxisProps={{ width: 110 }}
                  xAxisProps={{ allowDecimals: false }}
                  data={rows.map((row) => ({ stage: row.label, count: row.count }))}
                  dataKey="stage"
                  series={[{ name: 'count', label: t('insight.col.count'), color: 'indigo.6' }]}
                />
              )}
            </ChartCard>
          )}
        </Chart>
        <ManagerTimesChart filter={filter} kind="response" />
        <ManagerTimesChart filter={filter} kind="resolution" />
        <Chart<Rows<Array<{ currency: string; requests: number; volume: string }>>> chart="volume-currency" filter={filter}>
          {(volumeCurrency) => (
            <ChartCard
              id="volume-currency"
              title={t('insight.volumeCurrency.title')}
              stamp={stampOf(volumeCurrency.data)}
              rows={volumeCurrency.data?.rows}
              columns={[
                { label: t('insight.col.currency'), value: (row) => row.currency },
                { label: t('insight.col.requests'), value: (row) => row.requests },
                { label: t('insight.col.volume'), value: (row) => row.volume, show: (row) => money(row.volume, row.currency) },
              ]}
            >
              {(rows) => (
                <BarChart
                  h={220}
                  data={rows.map((row) => ({ currency: row.currency, volume: Number(row.volume) }))}
                  dataKey="currency"
                  valueFormatter={(value) => number(value, { max: 2 })}
                  series={[{ name: 'volume', label: t('insight.col.volume'), color: 'green.6' }]}
                />
              )}
            </ChartCard>
          )}
        </Chart>
        <Chart<Rows<Array<{ agentId: number; agent: string; currency: string; requests: number; volume: string }>>> chart="volume-agent" filter={filter}>
          {(volumeAgent) => (
            <ChartCard
              id="volume-agent"
              title={t('insight.volumeAgent.title')}
              stamp={stampOf(volumeAgent.data)}
              rows={volumeAgent.data?.rows}
              columns={[
                { label: t('insight.col.agent'), value: (row) => row.agent },
                { label: t('insight.col.currency'), value: (row) => row.currency },
                { label: t('insight.col.requests'), value: (row) => row.requests },
                { label: t('insight.col.volume'), value: (row) => row.volume, show: (row) => money(row.volume, row.currency) },
              ]}
            >
              {() => (
                <BarChart
                  h={220}
                  withLegend
                  data={agentChartOf(volumeAgent.data?.rows ?? [])}
                  dataKey="agent"
                  valueFormatter={(value) => number(value, { max: 2 })}
                  series={currenciesOf(volumeAgent.data?.rows ?? []).map((currency, index) => ({ name: currency, color: SERIES_COLORS[index % SERIES_COLORS.length]! }))}
                />
              )}
            </ChartCard>
          )}
        </Chart>
        <Chart<Rows<Array<{ status: string; requests: number }>>> chart="statuses" filter={filter}>
          {(statuses) => (
            <ChartCard
              id="statuses"
              title={t('insight.statuses.title')}
              stamp={stampOf(statuses.data)}
              rows={statuses.data?.rows}
              hasData={(row) => row.requests > 0}
              columns={[
                { label: t('insight.col.status'), value: (row) => t(`status.${row.status}` as MessageKey) },
                { label: t('insight.col.requests'), value: (row) => row.requests },
              ]}
            >
              {(rows) => (
                <Group justify="center" gap="xl">
                  <DonutChart
                    size={180}
                    thickness={28}
                    withLabels
                    withLabelsLine
                    data={rows.filter((row) => row.requests > 0).map((row) => ({ name: t(`status.${row.status}` as MessageKey), value: row.requests, color: STATUS_COLORS[row.status] ?? 'gray.6' }))}
                  />
                  <Stack gap={4}>
                    {rows.map((row) => (
                      <Group key={row.status} gap={6} wrap="nowrap">
                        <ColorSwatch size={12} color={`var(--mantine-color-${(STATUS_COLORS[row.status] ?? 'gray.6').replace('.', '-')})`} />
                        <Text size="sm">
                          {t(`status.${row.status}` as MessageKey)}: {row.requests}
                        </Text>
                      </Group>
                    ))}
                  </Stack>
                </Group>
              )}
            </ChartCard>
          )}
        </Chart>
        <Chart<Rows<Array<{ source: string | null; clients: number }>>> chart="sources" filter={filter}>
          {(sources) => (
            <ChartCard
              id="sources"
              title={t('insight.sources.title')}
              stamp={stampOf(sources.data)}
              note={t('insight.sources.note')}
              rows={sources.data?.rows}
              columns={[
                { label: t('insight.col.source'), value: (row) => row.source ?? '', show: (row) => row.source ?? t('insight.source.none') },
                { label: t('insight.col.clients'), value: (row) => row.clients },
              ]}
            >
              {(rows) => (
                <BarChart
                  h={200}
                  data={rows.map((row) => ({ source: row.source ?? t('insight.source.none'), clients: row.clients }))}
                  dataKey="source"
                  yAxisProps={{ allowDecimals: false }} series={[{ name: 'clients', label: t('insight.col.clients'), color: 'cyan.6' }]}
                />
              )}
            </ChartCard>
          )}
        </Chart>
      </SimpleGrid>
    </Stack>
  );
}

/** The period part of an export's file name. */
const stampOf = (period: Period | undefined) => (period ? `${period.from}_${period.to}` : 'period');

/** The currencies of the volume-by-agent rows, sorted (one bar series each). */
const currenciesOf = (rows: Array<{ currency: string }>) => [...new Set(rows.map((row) => row.currency))].sort();

/** Volume-by-agent rows as one chart entry per agent, a number per currency (drawn only: the table and the CSV show the exact decimal text). */
const agentChartOf = (rows: Array<{ agentId: number; agent: string; currency: string; volume: string }>) =>
  Object.values(
    rows.reduce<Record<string, Record<string, string | number>>>((byAgent, row) => {
      const entry = (byAgent[row.agentId] ??= { agent: row.agent });
      entry[row.currency] = Number(row.volume);
      return byAgent;
    }, {}),
  );

/**
 * Per manager, median and p90 of one duration from the `managers-times` query
 * (one request serves both cards): `response` — first response, in minutes;
 * `resolution` — dialog to completed request, in hours.
 */
function ManagerTimesChart({ filter, kind }: { filter: string; kind: 'response' | 'resolution' }) {
  const { t, number } = useI18n();
  const response = kind === 'response';
  const count = (row: ManagerTimes) => (response ? row.answered : row.completed);
  const median = (row: ManagerTimes) => (response ? row.firstResponseMedian : row.resolutionMedian);
  const p90 = (row: ManagerTimes) => (response ? row.firstResponseP90 : row.resolutionP90);
  const unit = response ? minutes : hours;
  return (
    <Chart<Rows<ManagerTimes[]>> chart="managers-times" filter={filter}>
      {(managerTimes) => (
        <ChartCard
          id={response ? 'managers-response' : 'managers-resolution'}
          title={t(response ? 'insight.managersResponse.title' : 'insight.managersResolution.title')}
          stamp={stampOf(managerTimes.data)}
          rows={managerTimes.data?.rows.filter((row) => count(row) > 0)}
          columns={[
            { label: t('insight.col.manager'), value: (row) => row.manager },
            { label: t(response ? 'insight.col.answered' : 'insight.col.completed'), value: count },
            { label: t('insight.col.median'), csvLabel: t('insight.col.medianSeconds'), value: median, show: (row) => formatDuration(median(row)) },
            { label: t('insight.col.p90'), csvLabel: t('insight.col.p90Seconds'), value: p90, show: (row) => formatDuration(p90(row)) },
          ]}
        >
          {(rows) => (
            <BarChart
              h={220}
              withLegend
              data={rows.map((row) => ({ manager: row.manager, median: unit(median(row)), p90: unit(p90(row)) }))}
              dataKey="manager"
              valueFormatter={(value) => number(value, { max: 2 })}
              series={
                response
                  ? [
                      { name: 'median', label: t('insight.col.medianMinutes'), color: 'blue.6' },
                      { name: 'p90', label: t('insight.col.p90Minutes'), color: 'orange.6' },
                    ]
                  : [
                      { name: 'median', label: t('insight.col.medianHours'), color: 'teal.6' },
                      { name: 'p90', label: t('insight.col.p90Hours'), color: 'grape.6' },
                    ]
              }
            />
          )}
        </ChartCard>
      )}
    </Chart>
  );
}

/**
 * Why a chart has no answer to draw: `period` — the server refused the filter (said above the charts, by `Filters`);
 * `failed` — the request failed otherwise (the server unreachable, an error). Null while it loads or once it has an
 * answer (a refusal after a good answer keeps that answer drawn). Without it a refused first load spun for ever.
 */
const ChartFailure = createContext<'period' | 'failed' | null>(null);

/** One chart's query (polled, previous answer kept), handed to what draws it; re-renders alone when its answer changes. */
function Chart<T>({ chart, filter, children }: { chart: InsightChart; filter: string; children: (query: UseQueryResult<T>) => ReactNode }) {
  const query = useChart<T>(chart, filter);
  const failure = query.data !== undefined || !query.error ? null : query.error instanceof ApiError && query.error.status === 400 ? 'period' : 'failed';
  return <ChartFailure.Provider value={failure}>{children(query)}</ChartFailure.Provider>;
}

/** The period and manager fields, and the line saying which period is shown (the first chart's echo) or why nothing is. */
function Filters({ params, changeParams, filter }: { params: URLSearchParams; changeParams: ChangeParams; filter: string }) {
  const { t, date } = useI18n();
  const filterValues = { from: params.get('from') ?? undefined, to: params.get('to') ?? undefined, manager: params.get('manager') ?? undefined };
  const managers = useQuery({ queryKey: ['insight', 'managers'], queryFn: () => api<{ rows: Array<{ id: number; name: string }> }>('/insight/managers') });
  const dialogs = useChart<Period>('dialogs', filter);
  const period = dialogs.data;
  const refused = dialogs.error instanceof ApiError ? dialogs.error : null;
  const setFilter = (name: 'from' | 'to' | 'manager', value: string | null) => {
    changeParams(
      (next) => {
        // One end changed: the other keeps the date it shows. Left to the server's default (the last 30 days), «по»
        // went blank as soon as a «с» made a period it refused (over 366 days), and the manager lost the date they saw.
        if (period && name === 'from' && !next.has('to')) next.set('to', period.to);
        if (period && name === 'to' && !next.has('from')) next.set('from', period.from);
        if (value) next.set(name, value);
        else next.delete(name);
      },
      { replace: true },
    );
  };
  return (
    <>
      <Group align="flex-end" gap="md">
        <div data-testid="insight-from">
          <DateField label={t('insight.from')} value={filterValues.from ?? period?.from ?? ''} onChange={(value) => setFilter('from', value)} style={{ width: 150 }} />
        </div>
        <div data-testid="insight-to">
          <DateField label={t('insight.to')} value={filterValues.to ?? period?.to ?? ''} onChange={(value) => setFilter('to', value)} style={{ width: 150 }} />
        </div>
        <Select
          label={t('insight.manager')}
          placeholder={t('insight.allManagers')}
          clearable
          data={(managers.data?.rows ?? []).map((row) => ({ value: String(row.id), label: row.name }))}
          value={filterValues.manager ?? null}
          onChange={(value) => setFilter('manager', value)}
          data-testid="insight-manager"
        />
      </Group>
      {refused ? (
        <Alert color={refused.status === 400 ? 'red' : 'gray'} data-testid="insight-error">
          {refused.status === 403 ? t('insight.forbidden') : refused.message}
        </Alert>
      ) : (
        period && (
          <Text size="sm" c="dimmed" data-testid="insight-period">
            {t('insight.period', { from: date(period.from), to: date(period.to), zone: period.timeZone })}
            {filterValues.manager ? ` ${t('insight.managerNote')}` : ''}
          </Text>
        )
      )}
    </>
  );
}

/**
 * A chart with its title, export buttons and data table; `rows` undefined while the first answer loads. `hasData`: a
 * row that counts something (a chart answered with a row per day or per status, each zero, has nothing to draw: it
 * says «Нет данных за период» like a chart answered with no rows, not bare axes or an all-zero donut; its CSV and PNG
 * are disabled then, saying why on hover).
 */
function ChartCard<T>({
  id,
  title,
  stamp,
  note,
  rows,
  hasData,
  columns,
  children,
}: {
  id: string;
  title: string;
  stamp: string;
  note?: string;
  rows: T[] | undefined;
  hasData?: (row: T) => boolean;
  columns: Array<Column<T>>;
  children: (rows: T[]) => ReactNode;
}) {
  const { t, locale } = useI18n();
  const chart = useRef<HTMLDivElement>(null);
  const failure = useContext(ChartFailure);
  const empty = rows !== undefined && (rows.length === 0 || (hasData !== undefined && !rows.some(hasData)));
  // Nothing to export: no rows, rows of nothing, or no answer at all (refused or failed) — the reason on hover.
  const exportRefusal = empty ? t('insight.nothingToExport') : rows === undefined && failure ? t(failure === 'period' ? 'insight.chartPeriodRefused' : 'insight.chartFailed') : undefined;
  return (
    <Paper withBorder p="md" radius="md" data-testid={`insight-${id}`} aria-busy={rows === undefined && failure === null}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Title order={4} size="h5">
          {title}
        </Title>
        {/* Nothing to export when the chart says «Нет данных за период»: both buttons disabled, the reason on hover. */}
        <Group gap={4} wrap="nowrap" title={exportRefusal} data-testid={`insight-${id}-export`}>
          <Button
            size="compact-xs"
            variant="default"
            disabled={!rows || empty}
            onClick={() => rows && downloadCsv(`${id}_${stamp}.csv`, columns.map((column) => column.csvLabel ?? column.label), rows.map((row) => columns.map((column) => column.value(row))), locale)}
          >
            {t('insight.csv')}
          </Button>
          <Button size="compact-xs" variant="default" disabled={!rows || empty} onClick={() => chart.current && void downloadPng(chart.current, `${id}_${stamp}.png`)}>
            {t('insight.png')}
          </Button>
        </Group>
      </Group>
      {note && (
        <Text size="xs" c="dimmed" mb="xs" data-testid={`insight-${id}-note`}>
          {note}
        </Text>
      )}
      <div ref={chart}>
        {rows === undefined && failure !== null ? (
          <Text c="dimmed" size="sm" py="xl" ta="center" data-testid={`insight-${id}-failure`}>
            {t(failure === 'period' ? 'insight.chartPeriodRefused' : 'insight.chartFailed')}
          </Text>
        ) : rows === undefined ? (
          <PageLoader />
        ) : empty ? (
          <Text c="dimmed" size="sm" py="xl" ta="center">
            {t('insight.noData')}
          </Text>
        ) : (
          children(rows)
        )}
      </div>
      {rows && !empty && (
        <details>
          <summary>
            <Text span size="xs" c="dimmed">
              {t('insight.table')}
            </Text>
          </summary>
          <Table striped withTableBorder fz="xs" mt="xs" data-testid={`insight-${id}-table`}>
            <Table.Thead>
              <Table.Tr>
                {columns.map((column) => (
                  <Table.Th key={column.label}>{column.label}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row, index) => (
                <Table.Tr key={index}>
                  {columns.map((column) => (
                    <Table.Td key={column.label}>{column.show ? column.show(row) : String(column.value(row) ?? '—')}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </details>
      )}
    </Paper>
  );
}

