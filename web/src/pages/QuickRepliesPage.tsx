/**
 * `/quick-replies`: the answers managers send with `/t name` in a client's
 * topic (issue 19.4). Our managers and administrators create, edit and
 * delete them; the text is Telegram's HTML (<b> <i> <u> <s> <a href> <code>)
 * with `{variables}`, checked by the server on save — its sentence shows
 * beside the field it is about.
 */
import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Code, FileInput, Group, Modal, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { api, ApiError, localizedError } from '../api.js';
import { useSession } from '../session.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { QueryState } from '../components/common.js';

interface QuickReply {
  id: number;
  name: string;
  body: string;
  fileName: string | null;
  updatedAt: string;
}

interface QuickReplyList {
  items: QuickReply[];
  variables: Array<{ name: string; description: string }>;
}

/** The formatting buttons: each wraps the selected text in its tag. */
const FORMATS: Array<{ label: string; open: string; close: string; title: MessageKey }> = [
  { label: 'B', open: '<b>', close: '</b>', title: 'quickReplies.bold' },
  { label: 'I', open: '<i>', close: '</i>', title: 'quickReplies.italic' },
  { label: 'U', open: '<u>', close: '</u>', title: 'quickReplies.underline' },
  { label: 'S', open: '<s>', close: '</s>', title: 'quickReplies.strike' },
  { label: '</>', open: '<code>', close: '</code>', title: 'quickReplies.code' },
  { label: '🔗', open: '<a href="https://">', close: '</a>', title: 'quickReplies.link' },
];

export default function QuickRepliesPage() {
  const { t, dateTime } = useI18n();
  const list = useQuery({ queryKey: ['quick-replies'], queryFn: () => api<QuickReplyList>('/quick-replies') });
  const [editing, setEditing] = useState<QuickReply | 'new' | null>(null);
  if (list.error instanceof ApiError && list.error.status === 403) return <Alert color="gray">{list.error.message}</Alert>;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('quickReplies.title')}</Title>
        <Button onClick={() => setEditing('new')}>{t('quickReplies.new')}</Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('quickReplies.explain')}
      </Text>
      <QueryState query={list}>
        {() =>
          list.data!.items.length === 0 ? (
            <Text c="dimmed">{t('quickReplies.none')}</Text>
          ) : (
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('quickReplies.name')}</Table.Th>
                  <Table.Th>{t('quickReplies.body')}</Table.Th>
                  <Table.Th>{t('quickReplies.updatedAt')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data!.items.map((item) => (
                  <Table.Tr key={item.id} data-testid="quick-reply-row">
                    <Table.Td>
                      <Code>/t {item.name}</Code>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'pre-wrap', maxWidth: 480 }}>
                      {item.body}
                      {item.fileName && <Text size="sm" c="dimmed" data-testid="quick-reply-file">📎 {item.fileName}</Text>}
                    </Table.Td>
                    <Table.Td>{dateTime(item.updatedAt)}</Table.Td>
                    <Table.Td>
                      <Button size="compact-sm" variant="light" onClick={() => setEditing(item)}>
                        {t('quickReplies.edit')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryState>
      {editing && list.data && <QuickReplyForm reply={editing === 'new' ? null : editing} variables={list.data.variables} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

/** Create or edit one quick reply; the server's sentence for a field shows beside it. */
function QuickReplyForm({ reply, variables, onClose }: { reply: QuickReply | null; variables: QuickReplyList['variables']; onClose: () => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [name, setName] = useState(reply?.name ?? '');
  const [body, setBody] = useState(reply?.body ?? '');
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const done = async () => {
    await client.invalidateQueries({ queryKey: ['quick-replies'] });
    onClose();
  };
  const save = useMutation({
    mutationFn: () => api(reply ? `/quick-replies/${reply.id}` : '/quick-replies', { method: reply ? 'PUT' : 'POST', body: { name, body } }),
    onSuccess: done,
  });
  const remove = useMutation({ mutationFn: () => api(`/quick-replies/${reply!.id}`, { method: 'DELETE' }), onSuccess: done });
  const error = save.error ?? remove.error;
  const fields = error instanceof ApiError ? error.fields : {};
  const general = error && !fields.name && !fields.body ? (error instanceof ApiError && error.status !== 0 ? error.message : t('error.network')) : null;

  /** Puts `open`…`close` around the selection (or at the caret) and keeps the selection inside. */
  const wrap = (open: string, close: string) => {
    const area = bodyRef.current;
    const start = area?.selectionStart ?? body.length;
    const end = area?.selectionEnd ?? body.length;
    // Rendered at once, so the caret is inside the tags before the next key
    // arrives: set in a later frame, a fast typist's first letter landed
    // after the closing tag («<b>aid</b>P», seen in the e2e test under load).
    flushSync(() => setBody(body.slice(0, start) + open + body.slice(start, end) + close + body.slice(end)));
    save.reset();
    area?.focus();
    area?.setSelectionRange(start + open.length, end + open.length);
  };

  return (
    <Modal opened onClose={onClose} size="lg" title={reply ? t('quickReplies.editTitle', { name: reply.name }) : t('quickReplies.newTitle')}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <TextInput
            label={t('quickReplies.name')}
            description={t('quickReplies.nameRule')}
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              save.reset();
            }}
            error={fields.name}
            data-autofocus
          />
          <Group gap={4}>
            {FORMATS.map((format) => (
              <Button key={format.label} size="compact-sm" variant="default" title={t(format.title)} aria-label={t(format.title)} onClick={() => wrap(format.open, format.close)}>
                {format.label}
              </Button>
            ))}
          </Group>
          <Textarea
            ref={bodyRef}
            label={t('quickReplies.body')}
            description={t('quickReplies.formatRule')}
            value={body}
            onChange={(e) => {
              setBody(e.currentTarget.value);
              save.reset();
            }}
            error={fields.body}
            autosize
            minRows={4}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('quickReplies.variables')}
            </Text>
            <Group gap={4}>
              {variables.map((variable) => (
                <Button
                  key={variable.name}
                  size="compact-xs"
                  variant="light"
                  title={t(`quickReplies.var.${variable.name}` as MessageKey)}
                  onClick={() => wrap(`{${variable.name}}`, '')}
                >
                  {`{${variable.name}}`}
                </Button>
              ))}
            </Group>
            <Text size="xs" c="dimmed">
              {variables.map((variable) => `{${variable.name}} — ${t(`quickReplies.var.${variable.name}` as MessageKey)}`).join('; ')}
            </Text>
          </Stack>
          {reply && <FileSection reply={reply} />}
          {general && <Alert color="red">{general}</Alert>}
          <Group justify="space-between">
            {reply ? (
              <Button color="red" variant="subtle" loading={remove.isPending} onClick={() => remove.mutate()}>
                {t('quickReplies.delete')}
              </Button>
            ) : (
              <span />
            )}
            <Group>
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={save.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The reply's file (sent with the text as its caption): upload, replace, take away; the server's refusal beside the field. */
function FileSection({ reply }: { reply: QuickReply }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const session = useSession();
  const [fileName, setFileName] = useState(reply.fileName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function send(file: File | null) {
    setBusy(true);
    setError(null);
    try {
      const csrf = (session.data as { csrfToken?: string } | undefined)?.csrfToken;
      let response: Response;
      if (file) {
        const form = new FormData();
        form.append('file', file, file.name);
        response = await fetch(`/api/quick-replies/${reply.id}/file`, { method: 'POST', credentials: 'same-origin', headers: csrf ? { 'x-csrf-token': csrf } : {}, body: form });
      } else {
        response = await fetch(`/api/quick-replies/${reply.id}/file`, { method: 'DELETE', credentials: 'same-origin', headers: csrf ? { 'x-csrf-token': csrf } : {} });
      }
      const body = (await response.json().catch(() => ({}))) as Parameters<typeof localizedError>[0] & { fileName?: string | null };
      if (!response.ok) {
        const refused = localizedError(body);
        setError(refused.fields.file ?? refused.error ?? response.statusText);
        return;
      }
      setFileName(body.fileName ?? null);
      await client.invalidateQueries({ queryKey: ['quick-replies'] });
    } catch {
      setError(t('error.network'));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Group align="flex-end" gap="xs">
      <FileInput
        style={{ flex: 1 }}
        label={t('quickReplies.file')}
        description={t('quickReplies.fileRule')}
        placeholder={fileName ?? t('quickReplies.noFile')}
        accept=".pdf,.jpg,.jpeg,.png,.webp,.docx,.xlsx,.doc,.xls"
        value={null}
        onChange={(file) => file && void send(file)}
        error={error}
        disabled={busy}
        clearable={false}
      />
      {fileName && (
        <Button variant="subtle" color="red" loading={busy} onClick={() => void send(null)}>
          {t('quickReplies.removeFile')}
        </Button>
      )}
    </Group>
  );
}
