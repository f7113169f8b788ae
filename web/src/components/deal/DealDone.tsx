/**
 * What the offer form turns into once saving it accepted the offer (a request
 * from a Telegram dialog, ARCHITECTURE.md §1 step 5): the terms are final,
 * the card is in the client's topic, and the manager goes back to Telegram.
 */
import { Link } from 'react-router';
import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useI18n } from '../../i18n.js';

export interface DealDoneProps {
  requestId: number;
  total: string;
  fundingCurrency: string;
  /** The client's topic (`https://t.me/c/<chat>/<topic>`, or the sandbox page); null when unknown. */
  telegramTopicUrl: string | null;
}

export function DealDone({ requestId, total, fundingCurrency, telegramTopicUrl }: DealDoneProps) {
  const { t, money } = useI18n();
  return (
    <Stack maw={720} data-testid="deal-done">
      <Title order={2}>{t('deal.done')}</Title>
      <Alert color="teal">{t('deal.doneText')}</Alert>
      <Text size="lg">
        {t('deal.total')}: <b data-testid="deal-total">{money(total, fundingCurrency)}</b>
      </Text>
      <Group>
        {telegramTopicUrl && (
          <Button component="a" href={telegramTopicUrl} target="_blank" rel="noopener noreferrer" data-testid="deal-open-topic">
            {t('deal.openTopic')}
          </Button>
        )}
        <Button component={Link} to={`/requests/${requestId}`} variant="light">
          {t('deal.openRequest')}
        </Button>
      </Group>
    </Stack>
  );
}
