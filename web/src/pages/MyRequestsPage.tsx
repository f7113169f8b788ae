/**
 * `/requests`: the requests of the viewer's organization, newest first, paged
 * by cursor («Показать ещё»); with none yet, the page says how one is made.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Anchor, Stack, Title } from '@mantine/core';
import { api, query, type Page, type RequestSummary } from '../api.js';
import { useI18n } from '../i18n.js';
import { QueryState } from '../components/common.js';
import { MoreButton, RequestTable } from '../components/RequestTable.js';

export default function MyRequestsPage() {
  const { t } = useI18n();
  const list = useInfiniteQuery({
    queryKey: ['my-requests'],
    queryFn: ({ pageParam }) => api<Page<RequestSummary>>(`/requests${query({ cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  return (
    <Stack>
      <Title order={2}>{t('my.title')}</Title>
      <QueryState query={list}>
        {() => (
          <>
            <RequestTable
              items={list.data!.pages.flatMap((p) => p.items)}
              empty={
                <>
                  {t('my.empty')}{' '}
                  <Anchor component={Link} to="/new">
                    {t('nav.newRequest')}
                  </Anchor>
                </>
              }
            />
            <MoreButton hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} />
          </>
        )}
      </QueryState>
    </Stack>
  );
}
