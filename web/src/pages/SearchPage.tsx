/**
 * `/search?q=…`: the results of `GET /api/search`, grouped by client (with a
 * link to their topic in Telegram) or by request (a link to its page). A hit's
 * text is plain text from the server with the ranges that matched; they are
 * shown in <mark>, the rest as text — React escapes both, nothing is HTML.
 */
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { api, type RequestStatus } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { QueryState, StatusBadge } from '../components/common.js';

interface SearchHit {
  kind: 'client' | 'message' | 'request' | 'document' | 'post';
  id: number;
  field: string;
  text: string;
  ranges: Array<[number, number]>;
  at: string | null;
  direction?: 'in' | 'out' | 'note' | 'system';
  requestId: number | null;
  requestNumber: string | null;
  requestStatus?: string;
  amount?: string;
  currency?: string;
}

interface SearchGroup {
  key: string;
  client: { id: number; name: string; username: string | null; telegramUserId: number } | null;
  dialogId: number | null;
  topicUrl: string | null;
  requestId: number | null;
  requestNumber: string | null;
  hits: SearchHit[];
}

/** `text` with its matched ranges in <mark>. */
export function Highlighted({ text, ranges }: { text: string; ranges: Array<[number, number]> }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

const KIND_LABEL: Record<SearchHit['kind'], MessageKey> = {
  client: 'search.kind.client',
  message: 'search.kind.message',
  request: 'search.kind.request',
  document: 'search.kind.document',
  post: 'search.kind.post',
};

export default function SearchPage() {
  const { t, dateTime } = useI18n();
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const results = useQuery({
    queryKey: ['search', q],
    queryFn: () => api<{ query: string; groups: SearchGroup[] }>(`/search?q=${encodeURIComponent(q)}`),
    enabled: q.length >= 2,
  });
  return (
    <Stack>
      <Title order={2}>{q ? t('search.titleFor', { query: q }) : t('search.title')}</Title>
      {q.length < 2 ? (
        <Text c="dimmed">{t('search.hint')}</Text>
      ) : (
        <QueryState query={results}>
          {() =>
            results.data!.groups.length === 0 ? (
              <Text data-testid="search-empty">{t('search.nothing', { query: q })}</Text>
            ) : (
              <Stack data-testid="search-results">
                {results.data!.groups.map((group) => (
                  <Card key={group.key} withBorder data-testid="search-group">
                    <Group justify="space-between" mb="xs">
                      <GroupTitle group={group} />
                      {group.topicUrl && (
                        <Anchor href={group.topicUrl} target="_blank" rel="noreferrer" size="sm">
                          {t('deal.openTopic')}
                        </Anchor>
                      )}
                    </Group>
                    <Stack gap={6}>
                      {group.hits.map((hit) => (
                        <Group key={`${hit.kind}:${hit.id}`} gap="xs" wrap="nowrap" align="flex-start" data-testid="search-hit" data-kind={hit.kind}>
                          <Badge variant="light" color="gray" style={{ flexShrink: 0 }}>
                            {t(KIND_LABEL[hit.kind])}
                          </Badge>
                          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                            {hit.requestId !== null && hit.kind !== 'client' ? (
                              <Anchor component={Link} to={`/requests/${hit.requestId}`} inherit>
                                <Highlighted text={hit.text} ranges={hit.ranges} />
                              </Anchor>
                            ) : (
                              <Highlighted text={hit.text} ranges={hit.ranges} />
                            )}
                          </Text>
                          {hit.kind === 'request' && hit.requestStatus && <StatusBadge status={hit.requestStatus as RequestStatus} />}
                          {hit.kind === 'request' && hit.requestNumber && hit.field !== 'number' && (
                            <Text size="sm" c="dimmed" style={{ flexShrink: 0 }}>
                              {hit.requestNumber}
                            </Text>
                          )}
                          {hit.at && (
                            <Text size="xs" c="dimmed" style={{ flexShrink: 0, marginLeft: 'auto' }}>
                              {dateTime(hit.at)}
                            </Text>
                          )}
                        </Group>
                      ))}
                    </Stack>
                  </Card>
                ))}
              </Stack>
            )
          }
        </QueryState>
      )}
    </Stack>
  );
}

function GroupTitle({ group }: { group: SearchGroup }) {
  const { t } = useI18n();
  if (group.client) {
    return (
      <Text fw={600}>
        {group.client.name}
        {group.client.username && (
          <Text span c="dimmed" fw={400}>
            {' '}@{group.client.username}
          </Text>
        )}
      </Text>
    );
  }
  if (group.requestId !== null) {
    return (
      <Anchor component={Link} to={`/requests/${group.requestId}`} fw={600}>
        {t('search.request', { number: group.requestNumber ?? String(group.requestId) })}
      </Anchor>
    );
  }
  return null;
}
