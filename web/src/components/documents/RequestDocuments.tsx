/**
 * The request's Documents section: every file of its chat, uploads, 1C and
 * generated documents, with source, author, time and size; image previews;
 * a player for voice and video; and an upload form («send to the client»
 * optional). Reads `/api/requests/:id/documents`; files come from
 * `/api/documents/:id/download`.
 */
import { useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Anchor, Badge, Button, Checkbox, Group, Image, Paper, Stack, Text, Title } from '@mantine/core';
import { api, localizedError } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { formatFileSize } from '../../../../src/core/money.js';
import { useSession } from '../../session.js';

export interface RequestDocument {
  id: number;
  name: string;
  mime: string | null;
  size: number | null;
  source: 'chat' | 'onec' | 'generated' | 'upload';
  state: 'pending' | 'stored' | 'too_large' | 'failed';
  error: string | null;
  messageId: number | null;
  authorName: string | null;
  at: string;
}

const TEXT = {
  ru: {
    title: 'Документы',
    empty: 'Файлов пока нет',
    source: { chat: 'чат', onec: '1С', generated: 'сформирован', upload: 'загружен' },
    pending: 'загружается…',
    upload: 'Загрузить файл',
    sendToClient: 'отправить клиенту',
    uploading: 'Загрузка…',
  },
  en: {
    title: 'Documents',
    empty: 'No files yet',
    source: { chat: 'chat', onec: '1C', generated: 'generated', upload: 'uploaded' },
    pending: 'downloading…',
    upload: 'Upload a file',
    sendToClient: 'send to the client',
    uploading: 'Uploading…',
  },
} as const;

/** «1,2 МБ», «340 КБ» in Russian; «1.2 MB» in English (core/money's formatFileSize). */
export function fileSize(bytes: number | null, locale: 'ru' | 'en'): string {
  if (bytes === null) return '';
  return formatFileSize(bytes, locale);
}

export const downloadUrl = (id: number, inline = false) => `/api/documents/${id}/download${inline ? '?inline=1' : ''}`;

/** A stored file shown the way its type allows: a thumbnail (made on the server), a player, or nothing. */
export function DocumentPreview({ document }: { document: RequestDocument }) {
  const mime = document.mime ?? '';
  if (document.state !== 'stored') return null;
  if (/^image\/(png|jpeg|gif|webp)$/.test(mime)) {
    return (
      <Anchor href={downloadUrl(document.id, true)} target="_blank" rel="noopener">
        <Image src={`/api/documents/${document.id}/thumbnail`} alt={document.name} h={120} w="auto" fit="contain" radius="sm" loading="lazy" />
      </Anchor>
    );
  }
  if (mime.startsWith('audio/') || (mime === 'application/ogg')) return <audio controls preload="none" src={downloadUrl(document.id, true)} />;
  if (mime.startsWith('video/')) return <video controls preload="none" src={downloadUrl(document.id, true)} style={{ maxHeight: 200, maxWidth: '100%' }} />;
  return null;
}

export function RequestDocuments({ requestId }: { requestId: number }) {
  const { locale, dateTime } = useI18n();
  const text = TEXT[locale] ?? TEXT.ru;
  const client = useQueryClient();
  const session = useSession();
  const documents = useQuery({
    queryKey: ['documents', String(requestId)],
    queryFn: () => api<RequestDocument[]>(`/requests/${requestId}/documents`),
    // Files of the chat arrive a moment after their messages.
    refetchInterval: (query) => (query.state.data?.some((d) => d.state === 'pending') ? 2000 : 15000),
  });
  const input = useRef<HTMLInputElement>(null);
  const [sendToClient, setSendToClient] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function upload(file: File) {
    setBusy(true);
    setError(null);
    const form = new FormData();
    form.append('sendToClient', String(sendToClient));
    form.append('file', file, file.name);
    try {
      const csrf = (session.data as { csrfToken?: string } | undefined)?.csrfToken;
      const response = await fetch(`/api/requests/${requestId}/documents`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: csrf ? { 'x-csrf-token': csrf } : {},
        body: form,
      });
      if (!response.ok) {
        const body = localizedError((await response.json().catch(() => ({}))) as Parameters<typeof localizedError>[0]);
        setError(body.error ?? response.statusText);
      }
      await client.invalidateQueries({ queryKey: ['documents', String(requestId)] });
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  }

  return (
    <Paper withBorder p="md" data-testid="request-documents">
      <Title order={3} mb="sm">
        {text.title}
      </Title>
      <Stack gap="sm">
        {(documents.data ?? []).length === 0 && <Text c="dimmed">{text.empty}</Text>}
        {(documents.data ?? []).map((document) => (
          <Stack key={document.id} gap={4} data-testid="document">
            <Group gap="xs" wrap="wrap">
              {document.state === 'stored' ? (
                <Anchor href={downloadUrl(document.id)} download={document.name}>
                  {document.name}
                </Anchor>
              ) : (
                <Text>{document.name}</Text>
              )}
              <Badge variant="light" size="sm">
                {text.source[document.source]}
              </Badge>
              <Text size="xs" c="dimmed">
                {[document.authorName, dateTime(document.at), fileSize(document.size, locale)].filter(Boolean).join(' · ')}
              </Text>
            </Group>
            {document.state === 'pending' && <Text size="xs" c="dimmed">{text.pending}</Text>}
            {document.error && <Text size="xs" c="orange">{document.error}</Text>}
            <DocumentPreview document={document} />
          </Stack>
        ))}
        {error && (
          <Alert color="red" data-testid="upload-error">
            {error}
          </Alert>
        )}
        <Group>
          <input
            ref={input}
            type="file"
            hidden
            accept=".pdf,.jpg,.jpeg,.png,.webp,.docx,.xlsx,.doc,.xls"
            data-testid="upload-input"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void upload(file);
            }}
          />
          <Button variant="light" loading={busy} onClick={() => input.current?.click()}>
            {busy ? text.uploading : text.upload}
          </Button>
          <Checkbox label={text.sendToClient} checked={sendToClient} onChange={(e) => setSendToClient(e.currentTarget.checked)} />
        </Group>
      </Stack>
    </Paper>
  );
}
