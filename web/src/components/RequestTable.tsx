import { Anchor, Badge, Button, Group, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { RequestSummary } from '../api.js';
import { useI18n } from '../i18n.js';
import { StatusBadge } from './common.js';

/**
 * Requests as rows: number, amount, beneficiary, customer, status, offers; `action` adds a button per row. `empty`: what
 * the page says when there are none — why, and what would bring one (default «Пока ничего нет»).
 */
export function RequestTable({ items, action, empty }: { items: RequestSummary[]; action?: (request: RequestSummary) => React.ReactNode; empty?: React.ReactNode }) {
  const { t, money, dateTime } = useI18n();
  if (items.length === 0) {
    return (
      <Text c="dimmed" data-testid="request-table-empty">
        {empty ?? t('common.empty')}
      </Text>
    );
  }
  return (
    <Table striped highlightOnHover data-testid="request-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>№</Table.Th>
          <Table.Th>{t('request.amount')}</Table.Th>
          <Table.Th>{t('request.beneficiary')}</Table.Th>
          <Table.Th>{t('request.customer')}</Table.Th>
          <Table.Th>{t('request.created')}</Table.Th>
          <Table.Th>{t('request.status')}</Table.Th>
          <Table.Th>{t('agent.offers')}</Table.Th>
          {action && <Table.Th />}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((request) => (
          <Table.Tr key={request.id} data-testid={`request-row-${request.number}`}>
            <Table.Td>
              <Anchor component={Link} to={`/requests/${request.id}`}>
                {request.number}
              </Anchor>
              {request.origin === 'telegram' && (
                <Badge ml="xs" size="xs" variant="light">
                  Telegram
                </Badge>
              )}
            </Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{money(request.amount, request.currency)}</Table.Td>
            <Table.Td>
              {request.beneficiaryName}
              {request.beneficiaryCountry ? ` (${request.beneficiaryCountry})` : ''}
            </Table.Td>
            <Table.Td>{request.customerName}</Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(request.createdAt)}</Table.Td>
            <Table.Td>
              <StatusBadge status={request.status} />
            </Table.Td>
            <Table.Td>{request.offerCount}</Table.Td>
            {action && (
              <Table.Td>
                <Group gap="xs">{action(request)}</Group>
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function MoreButton({ hasMore, loading, onClick }: { hasMore: boolean; loading: boolean; onClick: () => void }) {
  const { t } = useI18n();
  if (!hasMore) return null;
  return (
    <Button variant="light" loading={loading} onClick={onClick}>
      {t('common.more')}
    </Button>
  );
}
