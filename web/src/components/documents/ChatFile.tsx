/**
 * The file of one message in the request's chat: its preview, player or
 * download link, found among the request's documents by the message id
 * (the chat's `m<id>`). Until the file is stored, the media badge stays.
 * A sender who replaced the file left several versions: the newest is shown,
 * the earlier ones stay downloadable below it.
 */
import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Anchor, Stack, Text } from '@mantine/core';
import { api } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { DocumentPreview, downloadUrl, fileSize, type RequestDocument } from './RequestDocuments.js';

export function ChatFile({ requestId, chatMessageId, fallback }: { requestId: number; chatMessageId: string; fallback: ReactNode }) {
  const { t, locale } = useI18n();
  const documents = useQuery({
    queryKey: ['documents', String(requestId)],
    queryFn: () => api<RequestDocument[]>(`/requests/${requestId}/documents`),
    refetchInterval: (query) => (query.state.data?.some((d) => d.state === 'pending') ? 2000 : 15000),
  });
  const messageId = chatMessageId.startsWith('m') ? Number(chatMessageId.slice(1)) : NaN;
  const versions = (documents.data ?? []).filter((d) => d.messageId === messageId).sort((a, b) => a.id - b.id);
  const document = versions.at(-1);
  const earlier = versions.slice(0, -1).filter((d) => d.state === 'stored');
  const previous = earlier.length > 0 && (
    <Stack gap={0} data-testid="chat-file-versions">
      {earlier.map((d, i) => (
        <Anchor key={d.id} size="xs" c="dimmed" href={downloadUrl(d.id)} download={d.name}>
          {t('request.fileVersion', { n: String(i + 1) })}: {d.name}
        </Anchor>
      ))}
    </Stack>
  );
  if (!document || document.state !== 'stored') {
    return (
      <>
        {fallback}
        {document?.error && <Text size="xs" c="orange">{document.error}</Text>}
        {previous}
      </>
    );
  }
  return (
    <Stack gap={2} data-testid="chat-file">
      <DocumentPreview document={document} />
      <Anchor size="sm" href={downloadUrl(document.id)} download={document.name}>
        📎 {document.name} <Text span size="xs" c="dimmed">{fileSize(document.size, locale)}</Text>
      </Anchor>
      {previous}
    </Stack>
  );
}
