/**
 * The dashboard's queries, shared by the page and the app shell: the shell
 * starts them beside the session when `/insight` is opened cold (as it does
 * for the request page), so the charts' data does not wait for the session,
 * then the page's code, one after another (bench/dashboard.ts).
 */
import { api, query } from '../api.js';

/** The chart routes under `/api/insight/`, in the order the page shows them. */
export const INSIGHT_CHARTS = ['dialogs', 'first-response', 'resolution', 'managers-times', 'funnel', 'volume-currency', 'volume-agent', 'statuses', 'sources'] as const;
export type InsightChart = (typeof INSIGHT_CHARTS)[number];

/** The query string of the page's filter (`from`, `to`, `manager` of its URL). */
export function insightFilter(params: URLSearchParams): string {
  return query({ from: params.get('from') ?? undefined, to: params.get('to') ?? undefined, manager: params.get('manager') ?? undefined });
}

/**
 * One chart's TanStack Query key and fetcher. An answer stays fresh for 15 s
 * (the page polls every 30 s): the page mounting just after the shell's
 * prefetch answered uses that answer instead of asking again.
 */
export function insightChartQuery<T>(chart: InsightChart, filter: string) {
  return { queryKey: ['insight', chart, filter], queryFn: () => api<T>(`/insight/${chart}${filter}`), staleTime: 15_000 };
}
