/**
 * `/ratings`: the clients' ratings of completed requests per manager (issue
 * 19.8) — credited to whoever owned the dialog when the request completed —
 * and whether the bot asks for ratings now (RATING_REQUEST), so an empty or
 * unchanging table says why.
 * Our managers and administrators; others get the API's refusal.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Stack, Table, Text, Title } from '@mantine/core';
import { api, ApiError } from '../api.js';
import { useI18n } from '../i18n.js';
import { QueryState } from '../components/common.js';

interface ManagerRatings {
  userId: number | null;
  name: string | null;
  rated: number;
  unanswered: number;
  average: string | null;
  lastComment: string | null;
}

export default function RatingsPage() {
  const { t, number } = useI18n();
  const ratings = useQuery({ queryKey: ['ratings'], queryFn: () => api<{ items: ManagerRatings[]; asking: boolean }>('/ratings/managers') });
  if (ratings.error instanceof ApiError && ratings.error.status === 403) return <Alert color="gray">{ratings.error.message}</Alert>;
  return (
    <Stack>
      <Title order={2}>{t('ratings.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('ratings.explain')}
      </Text>
      <QueryState query={ratings}>
        {() => (
          <>
            {/* Whether ratings come in now: with RATING_REQUEST off the bot asks nobody, and an empty or old table says why. */}
            <Text size="sm" c={ratings.data!.asking ? 'teal' : 'orange'} data-testid="ratings-asking">
              {t(ratings.data!.asking ? 'ratings.askingOn' : 'ratings.askingOff')}
            </Text>
            {ratings.data!.items.length === 0 ? (
              <Text c="dimmed">{t(ratings.data!.asking ? 'ratings.none' : 'ratings.noneOff')}</Text>
            ) : (
              <Table striped data-testid="ratings">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('ratings.manager')}</Table.Th>
                    <Table.Th>{t('ratings.average')}</Table.Th>
                    <Table.Th>{t('ratings.rated')}</Table.Th>
                    <Table.Th>{t('ratings.unanswered')}</Table.Th>
                    <Table.Th>{t('ratings.lastComment')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {ratings.data!.items.map((row) => (
                    <Table.Tr key={row.userId ?? 'nobody'}>
                      <Table.Td>{row.name ?? t('ratings.nobody')}</Table.Td>
                      <Table.Td>{row.average === null ? '—' : `${number(row.average, { min: 2, max: 2 })} ⭐`}</Table.Td>
                      <Table.Td>{row.rated}</Table.Td>
                      <Table.Td>{row.unanswered}</Table.Td>
                      <Table.Td>{row.lastComment ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </>
        )}
      </QueryState>
    </Stack>
  );
}
