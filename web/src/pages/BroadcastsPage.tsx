/**
 * `/broadcasts`: рассылки (issue 19.5) — a text to every client with a label.
 * Write a draft, send it to yourself (the test send), start it, watch the
 * progress (polled every second while it sends), read the report of who got
 * it and who did not and why (also as CSV). Our managers and administrators;
 * others get the API's refusal.
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Anchor, Badge, Button, Group, MultiSelect, Progress, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { api, ApiError } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { QueryState } from '../components/common.js';
import { ru } from '../messages.js';

interface Counts {
  total: number;
  sent: number;
  failed: number;
  skipped: number;
  left: number;
}

interface Broadcast {
  id: number;
  title: string;
  body: string;
  labels: string[];
  state: 'draft' | 'sending' | 'done' | 'cancelled';
  tested: boolean;
  testedAt: string | null;
  testedBy: string | null;
  /** The current body's test message: on its way, taken by Telegram, or refused (null: not test-sent). */
  testDelivery: 'sending' | 'delivered' | 'failed' | null;
  testFailure: 'unreachable' | 'refused' | null;
  testDetail: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  progress: Counts;
}

interface ReportLine {
  clientId: number;
  name: string;
  username: string | null;
  outcome: 'pending' | 'sent' | 'failed' | 'skipped';
  reason: string | null;
  detail: string | null;
}

interface ListResponse {
  items: Broadcast[];
  variables: Array<{ name: string; description: string }>;
  labels: Array<{ label: string; clients: number }>;
}

export default function BroadcastsPage() {
  const { t, dateTime } = useI18n();
  // A variable's meaning in the page's language (the server's description is Russian; a variable the page does not
  // know yet shows it as it came).
  const variableText = (variable: { name: string; description: string }) => {
    const key = `broadcasts.var.${variable.name}`;
    return key in ru ? t(key as MessageKey) : variable.description;
  };
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['broadcasts'], queryFn: () => api<ListResponse>('/broadcasts') });
  const [selected, setSelected] = useState<number | null>(null);
  const [form, setForm] = useState({ title: '', body: '', labels: [] as string[] });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  const current = useQuery({
    queryKey: ['broadcast', selected],
    queryFn: () => api<Broadcast>(`/broadcasts/${selected}`),
    enabled: selected !== null,
    // Polled while it sends, and while its test message is on its way (the page then says delivered or why not).
    refetchInterval: (query) => (query.state.data?.state === 'sending' || query.state.data?.testDelivery === 'sending' ? 1000 : false),
  });
  const broadcast = selected === null ? null : (current.data ?? null);
  const report = useQuery({
    queryKey: ['broadcast-report', selected, broadcast?.state, broadcast?.progress.left],
    queryFn: () => api<{ items: ReportLine[] }>(`/broadcasts/${selected}/report`),
    enabled: broadcast !== null && broadcast.state !== 'draft',
  });

  const failed = (e: unknown) => {
    if (e instanceof ApiError) {
      setErrors(e.fields);
      setError(Object.keys(e.fields).length ? null : e.message);
    } else setError(String(e));
  };
  const done = async (saved: Broadcast) => {
    setErrors({});
    setError(null);
    setSelected(saved.id);
    queryClient.setQueryData(['broadcast', saved.id], saved);
    await queryClient.invalidateQueries({ queryKey: ['broadcasts'] });
  };
  const save = useMutation({
    mutationFn: () => (selected === null ? api<Broadcast>('/broadcasts', { method: 'POST', body: form }) : api<Broadcast>(`/broadcasts/${selected}`, { method: 'PUT', body: form })),
    onSuccess: done,
    onError: failed,
  });
  const action = useMutation({
    mutationFn: (what: 'test' | 'start' | 'cancel') => api<Broadcast>(`/broadcasts/${selected}/${what}`, { method: 'POST', body: {} }),
    onSuccess: done,
    onError: failed,
  });

  if (list.error instanceof ApiError && list.error.status === 403) return <Alert color="gray">{list.error.message}</Alert>;
  const open = (b: Broadcast | null) => {
    setSelected(b?.id ?? null);
    setForm(b ? { title: b.title, body: b.body, labels: b.labels } : { title: '', body: '', labels: [] });
    setErrors({});
    setError(null);
  };
  const editable = broadcast === null || broadcast.state === 'draft';
  const changed = broadcast !== null && (form.title !== broadcast.title || form.body !== broadcast.body || form.labels.join(',') !== broadcast.labels.join(','));
  const counts = broadcast?.progress;
  /** What became of the test send: «Можно запускать» only once Telegram has taken it, else on its way or why not. */
  const testStatus = (b: Broadcast) => {
    if (!b.tested || !b.testedAt || b.testDelivery === null) return t('broadcasts.testFirst');
    const who = { at: dateTime(b.testedAt), name: b.testedBy ?? '' };
    if (b.testDelivery === 'delivered') return t('broadcasts.tested', who);
    if (b.testDelivery === 'sending') return t('broadcasts.testSending', who);
    return b.testFailure === 'unreachable' ? t('broadcasts.testUnreachable') : t('broadcasts.testRefused', { detail: b.testDetail ?? '' });
  };

  return (
    <Stack>
      <Title order={2}>{t('broadcasts.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('broadcasts.explain')}
      </Text>
      <QueryState query={list}>
        {() => (
          <Stack>
            <Group>
              <Button variant="light" onClick={() => open(null)}>
                {t('broadcasts.new')}
              </Button>
            </Group>
            {list.data!.items.length === 0 ? (
              <Text c="dimmed">{t('broadcasts.none')}</Text>
            ) : (
              <Table striped data-testid="broadcasts">
                <Table.Tbody>
                  {list.data!.items.map((b) => (
                    <Table.Tr key={b.id}>
                      <Table.Td>
                        <Anchor component="button" onClick={() => open(b)}>
                          {b.title}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{b.labels.join(', ')}</Table.Td>
                      <Table.Td>{t(`broadcasts.state.${b.state}` as MessageKey)}</Table.Td>
                      <Table.Td>{t('broadcasts.counts', { sent: b.progress.sent, failed: b.progress.failed, skipped: b.progress.skipped, left: b.progress.left })}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}

            <Title order={3}>{broadcast ? broadcast.title : t('broadcasts.new')}</Title>
            {broadcast && <Badge variant="light">{t(`broadcasts.state.${broadcast.state}` as MessageKey)}</Badge>}
            <TextInput label={t('broadcasts.field.title')} value={form.title} disabled={!editable} error={errors.title} onChange={(e) => setForm({ ...form, title: e.currentTarget.value })} />
            <MultiSelect
              label={t('broadcasts.field.labels')}
              data={[...new Set([...list.data!.labels.map((l) => l.label), ...form.labels])].map((label) => ({
                value: label,
                label: `${label} (${list.data!.labels.find((l) => l.label === label)?.clients ?? 0})`,
              }))}
              value={form.labels}
              disabled={!editable}
              searchable
              nothingFoundMessage={list.data!.labels.length === 0 ? t('dialogs.noLabels') : t('common.nothingFound')}
              error={errors.labels ?? Object.entries(errors).find(([field]) => field.startsWith('labels.'))?.[1]}
              onChange={(labels) => setForm({ ...form, labels })}
            />
            <Textarea
              label={t('broadcasts.field.body')}
              description={t('broadcasts.field.bodyHint', { variables: list.data!.variables.map((v) => `{${v.name}} — ${variableText(v)}`).join('; ') })}
              autosize
              minRows={4}
              value={form.body}
              disabled={!editable}
              error={errors.body}
              onChange={(e) => setForm({ ...form, body: e.currentTarget.value })}
            />
            {error && <Alert color="red">{error}</Alert>}
            {editable && (
              <Group>
                <Button onClick={() => save.mutate()} loading={save.isPending} disabled={broadcast !== null && !changed}>
                  {t('broadcasts.save')}
                </Button>
                {broadcast && (
                  <Button variant="light" onClick={() => action.mutate('test')} loading={action.isPending && action.variables === 'test'} disabled={changed}>
                    {t('broadcasts.test')}
                  </Button>
                )}
                {broadcast && (
                  <Button color="green" onClick={() => action.mutate('start')} loading={action.isPending && action.variables === 'start'} disabled={changed || !broadcast.tested || broadcast.testDelivery !== 'delivered'}>
                    {t('broadcasts.start')}
                  </Button>
                )}
              </Group>
            )}
            {broadcast?.state === 'draft' && (
              <Text size="sm" c={broadcast.tested && broadcast.testDelivery === 'failed' ? 'red' : 'dimmed'} data-testid="broadcast-test">
                {testStatus(broadcast)}
              </Text>
            )}
            {broadcast && broadcast.state !== 'draft' && counts && (
              <Stack gap="xs" data-testid="broadcast-progress">
                <Progress.Root size="xl">
                  <Progress.Section value={counts.total ? (100 * counts.sent) / counts.total : 0} color="green" />
                  <Progress.Section value={counts.total ? (100 * counts.failed) / counts.total : 0} color="red" />
                  <Progress.Section value={counts.total ? (100 * counts.skipped) / counts.total : 0} color="gray" />
                </Progress.Root>
                <Text>{t('broadcasts.counts', { sent: counts.sent, failed: counts.failed, skipped: counts.skipped, left: counts.left })}</Text>
                {broadcast.state === 'sending' && (
                  <Group>
                    <Button variant="subtle" color="red" onClick={() => action.mutate('cancel')}>
                      {t('broadcasts.cancel')}
                    </Button>
                  </Group>
                )}
                <Group justify="space-between">
                  <Title order={4}>{t('broadcasts.report')}</Title>
                  <Anchor href={`/api/broadcasts/${broadcast.id}/report.csv`} download>
                    {t('broadcasts.csv')}
                  </Anchor>
                </Group>
                <Table striped data-testid="broadcast-report">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('broadcasts.client')}</Table.Th>
                      <Table.Th>{t('broadcasts.outcome')}</Table.Th>
                      <Table.Th>{t('broadcasts.reason')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {(report.data?.items ?? []).map((line) => (
                      <Table.Tr key={line.clientId}>
                        <Table.Td>
                          {line.name}
                          {line.username ? ` @${line.username}` : ''}
                        </Table.Td>
                        <Table.Td>{t(`broadcasts.outcome.${line.outcome}` as MessageKey)}</Table.Td>
                        <Table.Td>{line.reason ? t(`broadcasts.reason.${line.reason}` as MessageKey) : ''}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Stack>
            )}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
