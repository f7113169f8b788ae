/** `/dialogs`: the Telegram dialogs — client, last message, open requests. */
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Anchor, Group, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { QueryState } from '../components/common.js';

interface DialogRow {
  id: number;
  clientName: string;
  clientUsername: string | null;
  status: string;
  lastMessageText: string | null;
  lastMessageAt: string | null;
  openRequests: Array<{ id: number; number: string; status: string }>;
}

export default function DialogsPage() {
  const { t, dateTime } = useI18n();
  const dialogs = useQuery({ queryKey: ['dialogs'], queryFn: () => api<{ items: DialogRow[] }>('/dialogs'), refetchInterval: 15_000 });
  return (
    <Stack>
      <Title order={2}>{t('dialogs.title')}</Title>
      <QueryState query={dialogs}>
        {() =>
          dialogs.data!.items.length === 0 ? (
            <Text c="dimmed">{t('common.empty')}</Text>
          ) : (
            <Table striped data-testid="dialogs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('dialogs.client')}</Table.Th>
                  <Table.Th>{t('dialogs.lastMessage')}</Table.Th>
                  <Table.Th>{t('dialogs.openRequests')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {dialogs.data!.items.map((dialog) => (
                  <Table.Tr key={dialog.id}>
                    <Table.Td>
                      {dialog.clientName}
                      {dialog.clientUsername && <Text c="dimmed" size="xs">@{dialog.clientUsername}</Text>}
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
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryState>
    </Stack>
  );
}
