/**
 * On the offer form of a request from a dialog: which of the dialog's
 * messages saving will copy into the request's chat — «N сообщений будет
 * скопировано, с … по …» — and a choice of the message the deal starts from
 * (by default the first one after the dialog's previous request; see
 * docs/deal-messages.md). The server checks the chosen point again.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Select, Stack, Text } from '@mantine/core';
import { api } from '../../api.js';
import { useI18n, type MessageKey } from '../../i18n.js';

interface DealMessagesPreview {
  count: number;
  firstAt: string | null;
  lastAt: string | null;
  defaultFromMessageId: number | null;
  fromMessageId: number | null;
  startPoints: Array<{ id: number; at: string; direction: string; authorName: string | null; preview: string; mediaKind: string | null }>;
}

/** `fromMessageId`: the chosen start point, null = the default (since the previous request). */
export function DealMessages({ requestId, fromMessageId, onChange, error }: { requestId: number; fromMessageId: number | null; onChange: (id: number | null) => void; error?: string }) {
  const { t, dateTime, locale } = useI18n();
  const preview = useQuery({
    queryKey: ['deal-messages', requestId, fromMessageId],
    queryFn: () => api<DealMessagesPreview>(`/requests/${requestId}/deal-messages${fromMessageId ? `?from=${fromMessageId}` : ''}`),
    placeholderData: (previous) => previous,
  });
  const data = preview.data;
  if (!data) return null;
  const form = new Intl.PluralRules(locale === 'ru' ? 'ru-RU' : 'en-GB').select(data.count);
  const key = `deal.messagesCopied.${form === 'one' ? 'one' : form === 'few' ? 'few' : 'many'}` as MessageKey;
  const summary =
    data.count === 0
      ? t('deal.messagesNone')
      : t(key, { count: data.count, from: dateTime(data.firstAt!), to: dateTime(data.lastAt!) });
  // A file without a name or caption is named by its kind, in the page's language.
  const mediaName = (kind: string) => (KNOWN_MEDIA.has(kind) ? t(`deal.media.${kind}` as MessageKey) : t('deal.media.other'));
  const options = [
    { value: '', label: t('deal.startDefault') },
    ...data.startPoints.map((p) => ({
      value: String(p.id),
      label: `${dateTime(p.at)} · ${p.authorName ?? t(p.direction === 'in' ? 'deal.client' : 'deal.manager')}: ${p.preview || (p.mediaKind ? mediaName(p.mediaKind) : '—')}`,
    })),
  ];
  return (
    <Alert color="blue" data-testid="deal-messages">
      <Stack gap="xs">
        <Text size="sm" data-testid="deal-messages-summary">
          {summary}
        </Text>
        <Select
          label={t('deal.startFrom')}
          name="dealFromMessageId"
          searchable
          data={options}
          value={fromMessageId === null ? '' : String(fromMessageId)}
          onChange={(value) => onChange(value ? Number(value) : null)}
          allowDeselect={false}
          error={error}
          data-testid="deal-start"
        />
      </Stack>
    </Alert>
  );
}

const KNOWN_MEDIA = new Set(['photo', 'video', 'document', 'voice', 'audio', 'sticker', 'animation', 'video_note']);
