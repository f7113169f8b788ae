/**
 * `/sandbox`: play Telegram in one browser tab, in the style of Telegram's web
 * client. Left, a client's private chat with the bot; right, the managers'
 * forum. Everything goes through the emulator's control API (docs/sandbox.md)
 * and follows its change feed live.
 */
import { useCallback, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { control } from './api.js';
import { ClientPane } from './ClientPane.js';
import { keys, useLiveEvents } from './live.js';
import { ManagerPane } from './ManagerPane.js';
import { useSandboxStrings } from './strings.js';
import './sandbox.css';

/** The seeded manager (src/sandbox/mode.ts); everyone else who is a person plays a client. */
const MANAGER_USERNAME = 'manager';
const MANAGERS_TITLE = 'Менеджеры';

interface Toast {
  id: number;
  text: string;
  error: boolean;
}

export default function SandboxPage() {
  const { t, locale } = useSandboxStrings();
  const typing = useLiveEvents();
  const users = useQuery({ queryKey: keys.users, queryFn: control.users });
  const bots = useQuery({ queryKey: keys.bots, queryFn: control.bots });
  const chats = useQuery({ queryKey: keys.chats, queryFn: control.chats });
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextToast = useRef(1);

  const notify = useCallback((text: string, error = false) => {
    const id = nextToast.current++;
    setToasts((list) => [...list, { id, text, error }]);
    setTimeout(() => setToasts((list) => list.filter((toast) => toast.id !== id)), 4000);
  }, []);

  const people = users.data ?? [];
  const manager = people.find((u) => u.username === MANAGER_USERNAME);
  const clients = people.filter((u) => u.id !== manager?.id);
  const forums = (chats.data ?? []).filter((c) => c.chat.type === 'supergroup' && c.chat.is_forum);
  // `?chat=<id>&topic=<thread>` (the platform's «Открыть тему в Telegram»): that group, that topic open.
  const [params] = useSearchParams();
  const wantedChat = Number(params.get('chat')) || undefined;
  const wantedTopic = Number(params.get('topic')) || undefined;
  const group = forums.find((c) => c.chat.id === wantedChat) ?? forums.find((c) => c.chat.title === MANAGERS_TITLE) ?? forums[0];
  const error = users.error ?? chats.error;

  return (
    <div className="sbx-root" data-testid="sandbox-page">
      {error && <div className="sbx-banner sbx-error">{error.message}</div>}
      <div className="sbx-panes">
        <ClientPane clients={clients} chats={chats.data ?? []} bot={bots.data?.[0]} typing={typing} t={t} locale={locale} notify={notify} />
        <ManagerPane key={group?.chat.id} group={group} manager={manager} initialTopic={group && group.chat.id === wantedChat ? wantedTopic : undefined} typing={typing} t={t} locale={locale} notify={notify} />
      </div>
      <div className="sbx-toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`sbx-toast ${toast.error ? 'sbx-error' : ''}`} data-testid="toast" data-toast-id={toast.id}>
            {toast.text}
          </div>
        ))}
      </div>
    </div>
  );
}
