/**
 * Whom a request from the bot's `/new` link is for: the dialog's client by
 * name, @username and Telegram id, shown on top of the request form so the
 * manager fills it for the right person.
 */
import { useQuery } from '@tanstack/react-query';
import { Anchor, Paper, Text } from '@mantine/core';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';

interface DialogClientAnswer {
  id: number;
  client: { name: string; username: string | null; telegramUserId: number };
}

export function DialogClient({ dialogId }: { dialogId: number }) {
  const { t } = useI18n();
  const dialog = useQuery({ queryKey: ['dialog', dialogId], queryFn: () => api<DialogClientAnswer>(`/dialogs/${dialogId}`) });
  if (!dialog.data) return null;
  const { name, username, telegramUserId } = dialog.data.client;
  return (
    <Paper withBorder p="sm" radius="md" data-testid="request-client">
      <Text size="sm" c="dimmed">
        {t('request.forClient')}
      </Text>
      <Text fw={600}>
        {name}
        {username && (
          <>
            {' · '}
            <Anchor href={`https://t.me/${encodeURIComponent(username)}`} target="_blank" rel="noopener noreferrer">
              @{username}
            </Anchor>
          </>
        )}
        <Text span c="dimmed" fw={400}>
          {' · '}
          {t('request.telegramId', { id: String(telegramUserId) })}
        </Text>
      </Text>
    </Paper>
  );
}
