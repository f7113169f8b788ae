/**
 * The file of one message in the request's chat: its preview, player or
 * download link, found among the request's documents by the message id
 * (the chat's `m<id>`). Until the file is stored, the media badge stays.
 */
import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Anchor, Stack, Text } from '@mantine/core';
import { api } from '../../api.js';
import { DocumentPreview, downloadUrl, fileSize, type RequestDocument } from './RequestDocuments.js';

export function ChatFile({ requestId, chatMessageId, fallback }: { requestId: number; chatMessageId: string; fallback: ReactNode }) {
  const documents = useQuery({
    queryKey: ['documents', String(requestId)],
    queryFn: () => api<RequestDocument[]>(`/requests/${requestId}/documents`),
    refetchInterval: (query) => (query.state.data?.some((d) => d.state === 'pending') ? 2000 : 15000),
  });
  const messageId = chatMessageId.startsWith('m') ? Number(chatMessageId.slice(1)) : NaN;
  const document = documents.data?.find((d) => d.messageId === messageId);
  if (!document || document.state !== 'stored') {
    return (
      <>
        {fallback}
        {document?.error && <Text size="xs" c="orange">{document.error}</Text>}
      </>
    );
  }
  return (
    <Stack gap={2} data-testid="chat-file">
      <DocumentPreview document={document} />
      <Anchor size="sm" href={downloadUrl(document.id)} download={document.name}>
        📎 {document.name} <Text span size="xs" c="dimmed">{fileSize(document.size)}</Text>
      </Anchor>
    </Stack>
  );
}
