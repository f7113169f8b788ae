/**
 * `/clients/:id`: one client's history on one timeline, newest first — the
 * dialog, each request made from it and every status it reached, the
 * documents, the client's ratings with their comments, each label put on or
 * taken off. The client's labels (issue 19.5) are shown and edited here — the
 * same command as `/label` and `/unlabel` in the topic. Reached from the
 * dialogs list and from a request's page (our managers and administrators;
 * others get the API's refusal).
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Anchor, Autocomplete, Badge, Button, CloseButton, Group, Stack, Text, Timeline, Title } from '@mantine/core';
import { api, ApiError } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { QueryState } from '../components/common.js';
import { labelForm, normaliseLabel } from '../../../src/core/labels.js';

interface HistoryEntry {
  at: string;
  kind: 'dialog' | 'request' | 'status' | 'document' | 'rating' | 'broadcast' | 'label_added' | 'label_removed';
  requestId: number | null;
  requestNumber: string | null;
  status: string | null;
  amount: string | null;
  currency: string | null;
  documentId: number | null;
  documentName: string | null;
  actorName: string | null;
  /** Rating: 1–5 and the client's comment. */
  score: number | null;
  comment: string | null;
  label: string | null;
}

interface ClientHistory {
  client: {
    id: number;
    name: string;
    username: string | null;
    telegramUserId: number;
    firstSeenAt: string;
    blockedAt: string | null;
    labels: string[];
    /** The deep link they came by (the bot's /start parameter); null: none. */
    startParameter: string | null;
  };
  dialogId: number | null;
  entries: HistoryEntry[];
  truncated: number;
  notStored: string[];
}

export default function ClientPage() {
  const { id } = useParams();
  const { t, dateTime, money } = useI18n();
  const history = useQuery({ queryKey: ['client-history', id], queryFn: () => api<ClientHistory>(`/clients/${id}/history`), refetchInterval: 30_000 });
  if (history.error instanceof ApiError && history.error.status === 403) {
    return <Alert color="gray">{history.error.message}</Alert>;
  }
  const statusText = (status: string | null) => (status ? t(`status.${status}` as MessageKey) : '');
  const requestLink = (entry: HistoryEntry) =>
    entry.requestId !== null ? (
      <Anchor component={Link} to={`/requests/${entry.requestId}`}>
        {entry.requestNumber}
      </Anchor>
    ) : null;
  const title = (entry: HistoryEntry) => {
    switch (entry.kind) {
      case 'broadcast':
        return t(`client.broadcast.${entry.status ?? 'pending'}` as MessageKey, { name: entry.documentName ?? '' });
      case 'dialog':
        return t('client.dialog');
      case 'request': {
        const [before, after] = t('client.request', { amount: money(entry.amount ?? '', entry.currency ?? undefined) }).split('{number}');
        return (
          <>
            {before}
            {requestLink(entry)}
            {after}
          </>
        );
      }
      case 'status': {
        const [before, after] = t('client.status', { status: statusText(entry.status) }).split('{number}');
        return (
          <>
            {before}
            {requestLink(entry)}
            {after}
          </>
        );
      }
      case 'rating': {
        const [before, after] = t('client.rating', { score: entry.score ?? 0 }).split('{number}');
        return (
          <>
            {before}
            {requestLink(entry)}
            {after}
          </>
        );
      }
      case 'label_added':
        return t('client.labelAdded', { label: entry.label ?? '' });
      case 'label_removed':
        return t('client.labelRemoved', { label: entry.label ?? '' });
      case 'document': {
        const name = entry.documentName ?? '';
        if (entry.requestId === null) return t('client.document', { name });
        const [before, after] = t('client.documentOfRequest', { name }).split('{number}');
        return (
          <>
            {before}
            {requestLink(entry)}
            {after}
          </>
        );
      }
    }
  };
  return (
    <QueryState query={history}>
      {() => {
        const { client, entries, truncated } = history.data!;
        return (
          <Stack data-testid="client-history">
            <Title order={2}>{t('client.title', { name: client.name })}</Title>
            <Text c="dimmed" size="sm">
              {client.username ? `@${client.username} · ` : ''}
              {t('client.telegramId', { id: String(client.telegramUserId) })} · {t('client.firstSeen', { date: dateTime(client.firstSeenAt) })}
              {' · '}
              {/* Where the client came from: the deep link's parameter (or none), a link to the dialogs of everyone who came so. */}
              <span data-testid="client-source">
                {client.startParameter === null ? (
                  <Anchor component={Link} to="/dialogs?withoutSource=true">
                    {t('client.sourceNone')}
                  </Anchor>
                ) : (
                  <>
                    {t('client.source')}{' '}
                    <Anchor component={Link} to={`/dialogs?${new URLSearchParams({ source: client.startParameter })}`}>
                      {client.startParameter}
                    </Anchor>
                  </>
                )}
              </span>
            </Text>
            {client.blockedAt && (
              <Alert color="red" variant="light" data-testid="client-blocked-bot">
                {t('client.blockedBot', { date: dateTime(client.blockedAt) })}
              </Alert>
            )}
            <ClientLabels clientId={client.id} labels={client.labels} />
            <Timeline bulletSize={14} lineWidth={2} data-testid="client-timeline">
              {entries.map((entry, index) => (
                <Timeline.Item key={`${entry.kind}-${entry.at}-${index}`} title={title(entry)} data-kind={entry.kind}>
                  <Text size="xs" c="dimmed">
                    {dateTime(entry.at)}
                    {entry.kind === 'request' && entry.status ? ` · ${t('client.now', { status: statusText(entry.status) })}` : ''}
                    {entry.actorName ? ` · ${t('client.by', { name: entry.actorName })}` : ''}
                  </Text>
                  {entry.kind === 'rating' && entry.comment && (
                    <Text size="sm" data-testid="rating-comment">
                      {t('client.ratingComment', { comment: entry.comment })}
                    </Text>
                  )}
                </Timeline.Item>
              ))}
            </Timeline>
            {truncated > 0 && (
              <Text size="sm" c="dimmed">
                {t('client.truncated', { count: truncated })}
              </Text>
            )}
          </Stack>
        );
      }}
    </QueryState>
  );
}

/**
 * The client's labels: each a badge with a cross that takes it off, and a
 * field that puts new ones on (several separated by spaces), offering the
 * labels already in use that match the word being typed. A label that
 * breaks the rule is refused by the server; its message shows under the field.
 */
function ClientLabels({ clientId, labels }: { clientId: number; labels: string[] }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState('');
  const change = useMutation({
    mutationFn: (body: { add?: string[]; remove?: string[] }) => api<{ labels: string[]; added: string[]; removed: string[] }>(`/clients/${clientId}/labels`, { method: 'POST', body }),
    onSuccess: async (_data, body) => {
      if (body.add) setTyped('');
      await queryClient.invalidateQueries({ queryKey: ['client-history'] });
      await queryClient.invalidateQueries({ queryKey: ['dialogs'] });
      await queryClient.invalidateQueries({ queryKey: ['client-labels-in-use'] });
    },
  });
  const error = change.error instanceof ApiError ? (Object.values(change.error.fields)[0] ?? change.error.message) : change.error ? t('error.network') : null;
  // Labels typed that the client already had: the server changes nothing for them, and the page says so (an emptied
  // field and no new badge looked like a lost click). Typed forms normalised by the server's own rule (core/labels).
  const typedLabels = (change.variables?.add ?? []).map(normaliseLabel);
  const already = change.data ? change.data.labels.filter((label) => typedLabels.includes(label) && !change.data.added.includes(label)) : [];
  // The labels the team already uses (the dialogs list's filter), offered as the word being typed is completed, so that
  // «опт» is not typed again as «оптовик»: the last word typed is matched anywhere in a label, the client's own left out.
  const inUse = useQuery({ queryKey: ['client-labels-in-use'], queryFn: () => api<{ items: Array<{ label: string; clients: number }> }>('/clients/labels') });
  const words = typed.split(/[\s,]+/);
  const last = words.at(-1) ?? '';
  const before = typed.slice(0, typed.length - last.length);
  const typedBefore = words.slice(0, -1).map(normaliseLabel);
  const lastWord = labelForm(last);
  const suggestions = (inUse.data?.items ?? [])
    .map((item) => item.label)
    .filter((label) => !labels.includes(label) && !typedBefore.includes(label) && label.includes(lastWord))
    .slice(0, 8)
    .map((label) => `${before}${label}`);
  return (
    <Stack gap="xs" data-testid="client-labels-editor">
      <Group gap="xs">
        <Text size="sm" fw={500}>
          {t('client.labels')}:
        </Text>
        {labels.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('client.labelsNone')}
          </Text>
        )}
        {labels.map((label) => (
          <Badge
            key={label}
            variant="light"
            color="grape"
            tt="none"
            data-testid="client-label"
            rightSection={
              <CloseButton size="xs" aria-label={t('client.removeLabel', { label })} onClick={() => change.mutate({ remove: [label] })} />
            }
          >
            {label}
          </Badge>
        ))}
      </Group>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const add = typed.split(/[\s,]+/).filter(Boolean);
          if (add.length > 0) change.mutate({ add });
        }}
      >
        <Group align="flex-start" gap="xs">
          <Autocomplete
            size="xs"
            w={260}
            aria-label={t('client.newLabel')}
            placeholder={t('client.newLabel')}
            description={t('client.newLabelHint')}
            value={typed}
            data={suggestions}
            filter={({ options }) => options}
            onChange={(value) => {
              setTyped(value);
              change.reset();
            }}
            error={error}
            // The hint under the field, so the button lines up with the field itself.
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            data-testid="client-label-input"
          />
          <Button type="submit" size="xs" loading={change.isPending}>
            {t('client.addLabel')}
          </Button>
        </Group>
        {already.length > 0 && (
          <Text size="xs" c="dimmed" mt={4} data-testid="client-label-already">
            {t('client.labelAlready', { labels: already.map((label) => `«${label}»`).join(', ') })}
          </Text>
        )}
      </form>
    </Stack>
  );
}
