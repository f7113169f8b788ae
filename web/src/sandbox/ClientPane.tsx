/**
 * The client side: the sandbox's clients (everyone but the manager), switch
 * between them, add one, and their private chat with the bot — send, attach,
 * reply, edit, block.
 */
import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { control, type ChatMessage, type ChatSummary, type SandboxUser } from './api.js';
import { Composer } from './Composer.js';
import { isTyping, keys, type TypingState } from './live.js';
import { MessageList } from './MessageList.js';
import { sendAs } from './send.js';
import type { Translate } from './strings.js';

export const fullName = (user: { first_name: string; last_name?: string }) => (user.last_name ? `${user.first_name} ${user.last_name}` : user.first_name);

interface Props {
  clients: SandboxUser[];
  chats: ChatSummary[];
  bot?: SandboxUser;
  typing: TypingState;
  t: Translate;
  locale: 'ru' | 'en';
  notify(text: string, error?: boolean): void;
}

export function ClientPane({ clients, chats, bot, typing, t, locale, notify }: Props) {
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [adding, setAdding] = useState(false);
  const client = clients.find((c) => c.id === selectedId) ?? clients[0];
  const summaryOf = (id: number) => chats.find((c) => c.chat.type === 'private' && c.chat.id === id);

  return (
    <section className="sbx-pane" data-testid="client-pane">
      <aside className="sbx-list">
        <div className="sbx-list-head">
          <strong>{t('clientSide')}</strong>
          <button type="button" className="sbx-add" onClick={() => setAdding(true)}>
            + {t('addClient')}
          </button>
        </div>
        {clients.map((c) => {
          const summary = summaryOf(c.id);
          return (
            <button
              key={c.id}
              type="button"
              className={`sbx-list-item ${c.id === client?.id ? 'sbx-active' : ''}`}
              data-testid="client-item"
              onClick={() => setSelectedId(c.id)}
            >
              <Avatar name={fullName(c)} id={c.id} />
              <span className="sbx-list-text">
                <span className="sbx-list-title">{fullName(c)}</span>
                <span className="sbx-list-sub">{summary?.last_message?.text ?? (c.username ? `@${c.username}` : '')}</span>
              </span>
              {summary?.blocked && <span title={t('blocked')}>⛔</span>}
              {!!summary?.unread_count && c.id !== client?.id && <span className="sbx-badge">{summary.unread_count}</span>}
            </button>
          );
        })}
      </aside>
      {client ? (
        <PrivateChat key={client.id} client={client} summary={summaryOf(client.id)} bot={bot} typing={typing} t={t} locale={locale} notify={notify} />
      ) : (
        <div className="sbx-chat sbx-empty">{t('noClient')}</div>
      )}
      <AddClient opened={adding} onClose={() => setAdding(false)} onCreated={(id) => setSelectedId(id)} t={t} notify={notify} />
    </section>
  );
}

export function Avatar({ name, id }: { name: string; id: number }) {
  const colors = ['#e17076', '#7bc862', '#65aadd', '#a695e7', '#ee7aae', '#6ec9cb', '#faa774'];
  // The first letter (or digit) of the first two words that have one: a status emoji in a topic's title
  // (🔴 Иван Петров) is skipped, not cut in half (String indices are UTF-16 code units).
  const initials = name
    .split(/\s+/)
    .map((part) => /[\p{L}\p{N}]/u.exec(part)?.[0])
    .filter((letter): letter is string => letter !== undefined)
    .slice(0, 2)
    .join('')
    .toUpperCase();
  return (
    <span className="sbx-avatar" style={{ background: colors[Math.abs(id) % colors.length] }} aria-hidden>
      {initials}
    </span>
  );
}

function PrivateChat({ client, summary, bot, typing, t, locale, notify }: { client: SandboxUser; summary: ChatSummary | undefined; bot?: SandboxUser | undefined } & Omit<Props, 'clients' | 'chats' | 'bot'>) {
  const queryClient = useQueryClient();
  const [replyTo, setReplyTo] = useState<ChatMessage | null>(null);
  const [editing, setEditing] = useState<ChatMessage | null>(null);
  const exists = summary !== undefined;
  const transcript = useQuery({
    queryKey: keys.transcript(client.id),
    queryFn: () => control.transcript(client.id),
    enabled: exists,
  });
  const unread = transcript.data?.unread_count ?? 0;
  useEffect(() => {
    if (unread > 0) void control.markRead(client.id).catch(() => undefined);
  }, [unread, client.id, transcript.dataUpdatedAt]);

  const block = useMutation({
    mutationFn: (blocked: boolean) => control.block(client.id, blocked),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.chats }),
    onError: (error) => notify(error.message, true),
  });
  const blocked = summary?.blocked ?? false;

  return (
    <div className="sbx-chat" data-testid="client-chat">
      <header className="sbx-chat-head">
        <Avatar name={bot ? fullName(bot) : 'Bot'} id={bot?.id ?? 0} />
        <div className="sbx-chat-title">
          <strong>{bot ? fullName(bot) : 'Bot'}</strong>
          <span className="sbx-list-sub">{isTyping(typing, client.id) ? t('typing') : t('asClient', { name: fullName(client) })}</span>
        </div>
        <Button size="compact-xs" variant="subtle" color={blocked ? 'blue' : 'red'} onClick={() => block.mutate(!blocked)} loading={block.isPending}>
          {blocked ? t('unblock') : t('block')}
        </Button>
      </header>
      <div className="sbx-scroll sbx-wallpaper">
        <MessageList
          messages={transcript.data?.messages ?? []}
          ownId={client.id}
          t={t}
          locale={locale}
          emptyText={t('noMessages')}
          testId="client-messages"
          onReply={(m) => {
            setEditing(null);
            setReplyTo(m);
          }}
          onEdit={(m) => {
            setReplyTo(null);
            setEditing(m);
          }}
        />
      </div>
      {blocked && <div className="sbx-banner">{t('blocked')}</div>}
      <Composer
        t={t}
        testId="client-composer"
        replyTo={replyTo}
        editing={editing}
        onCancel={() => {
          setReplyTo(null);
          setEditing(null);
        }}
        onSend={async (input) => {
          try {
            await sendAs({ from: client.id, ...(replyTo ? { reply_to_message_id: replyTo.message_id } : {}) }, input);
          } catch (error) {
            notify((error as Error).message, true);
            throw error;
          }
        }}
        onEdit={async (message, text) => {
          try {
            await control.edit({ from: client.id, message_id: message.message_id, ...(message.text !== undefined ? { text } : { caption: text }) });
          } catch (error) {
            notify((error as Error).message, true);
            throw error;
          }
        }}
      />
    </div>
  );
}

function AddClient({ opened, onClose, onCreated, t, notify }: { opened: boolean; onClose(): void; onCreated(id: number): void; t: Translate; notify(text: string, error?: boolean): void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [username, setUsername] = useState('');
  const [language, setLanguage] = useState<string | null>('ru');
  const create = useMutation({
    mutationFn: () => {
      const [first, ...rest] = name.trim().split(/\s+/);
      const input: Parameters<typeof control.createUser>[0] = { first_name: first ?? name.trim() };
      if (rest.length) input.last_name = rest.join(' ');
      if (username.trim()) input.username = username.trim().replace(/^@/, '');
      if (language) input.language_code = language;
      return control.createUser(input);
    },
    onSuccess: async (user) => {
      await queryClient.invalidateQueries({ queryKey: keys.users });
      onCreated(user.id);
      setName('');
      setUsername('');
      onClose();
    },
    onError: (error) => notify(error.message, true),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('addClient')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) create.mutate();
        }}
      >
        <Stack>
          <TextInput label={t('firstName')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus />
          <TextInput label={t('username')} value={username} onChange={(e) => setUsername(e.currentTarget.value)} leftSection="@" />
          <Select
            label={t('language')}
            value={language}
            onChange={setLanguage}
            data={[
              { value: 'ru', label: 'Русский' },
              { value: 'en', label: 'English' },
              { value: 'zh', label: '中文' },
            ]}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
