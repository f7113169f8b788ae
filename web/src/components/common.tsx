import type { ReactNode } from 'react';
import { Alert, Badge, Center, Loader } from '@mantine/core';
import { ApiError, type RequestStatus } from '../api.js';
import { useI18n } from '../i18n.js';

export function PageLoader() {
  return (
    <Center py="xl">
      <Loader />
    </Center>
  );
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <Alert color="gray" title={t('common.notFound')} data-testid="not-found">
      {t('common.notFoundText')}
    </Alert>
  );
}

/**
 * A page not this account's to see (403: an address opened by a role the page is not for): the server's reason,
 * calmly — not «Что-то пошло не так», nothing went wrong. Pages with filters above their list return it alone.
 */
export function NotYours({ error, testId = 'forbidden' }: { error: ApiError; testId?: string }) {
  return (
    <Alert color="gray" data-testid={testId}>
      {error.message}
    </Alert>
  );
}

/** Loading, not-found, refused (400), not-yours (403) and error states of a query in one place. */
export function QueryState({ query, children }: { query: { isPending: boolean; error: unknown }; children: () => ReactNode }) {
  const { t } = useI18n();
  if (query.isPending) return <PageLoader />;
  if (query.error) {
    if (query.error instanceof ApiError && query.error.status === 404) return <NotFound />;
    if (query.error instanceof ApiError && query.error.status === 403) return <NotYours error={query.error} />;
    // A request the server refused (400: an address's parameter that breaks its rule): its reason, titled as a refusal —
    // nothing broke, and «Что-то пошло не так» would say it had.
    if (query.error instanceof ApiError && query.error.status === 400) {
      return (
        <Alert color="orange" title={t('common.refused')} data-testid="refused">
          {query.error.message}
        </Alert>
      );
    }
    return (
      <Alert color="red" title={t('common.error')}>
        {query.error instanceof ApiError && query.error.status === 0 ? t('error.network') : String((query.error as Error).message)}
      </Alert>
    );
  }
  return <>{children()}</>;
}

const statusColor: Record<RequestStatus, string> = {
  collecting_offers: 'blue',
  accepted: 'teal',
  completed: 'green',
  cancelled: 'gray',
};

export function StatusBadge({ status }: { status: RequestStatus }) {
  const { t } = useI18n();
  return (
    <Badge color={statusColor[status]} data-testid="request-status">
      {t(`status.${status}`)}
    </Badge>
  );
}
