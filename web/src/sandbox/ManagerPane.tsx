/**
 * The managers' side: the forum «Менеджеры» with its topics (one per client,
 * unread counts, read when opened), the open topic with the pinned message bar,
 * inline buttons (the bot's answer shows as a toast) and the manager's compose
 * box, where /skip (as a reply), /new and the edit commands are typed.
 */
import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { control, type Button, type ChatMessage, type ChatSummary, type SandboxUser } from './api.js';
import { Avatar, fullName } from './ClientPane.js';
import { Composer } from './Composer.js';
import { PinIcon } from './icons.js';
import { isTyping, keys, type TypingState } from './live.js';
import { MessageList, preview, scrollToMessage } from './MessageList.js';
import { sendAs } from './send.js';
import type { Translate } from './strings.js';

interface Props {
  group: ChatSummary | undefined;
  manager: SandboxUser | undefined;
  typing: TypingState;
  t: Translate;
  locale: 'ru' | 'en';
  notify(text: string, error?: boolean): void;
  /** The topic to open first (the sandbox's `?topic=`), as «Открыть тему в Telegram» does in Telegram. */
  initialTopic?: number;
}

export function ManagerPane({ group, manager, typing, t, locale, notify, initialTopic }: Props) {
  const [threadId, setThreadId] = useState<number | null>(initialTopic ?? null);
  if (!group || !manager) return <section className="sbx-pane sbx-empty">{t('noManagersGroup')}</section>;
  const topics = group.topics.filter((topic) => !topic.deleted).sort((a, b) => b.message_thread_id - a.message_thread_id);
  const open = topics.find((topic) => topic.message_thread_id === threadId);

  return (
    <section className="sbx-pane" data-testid="manager-pane">
      <aside className="sbx-list">
        <div className="sbx-list-head">
          <strong>{group.chat.title}</strong>
          <span className="sbx-list-sub">{t('asManager', { name: fullName(manager) })}</span>
        </div>
        {topics.length === 0 && <div className="sbx-empty">{t('noTopics')}</div>}
        {topics.map((topic) => (
          <button
            key={topic.message_thread_id}
            type="button"
            className={`sbx-list-item ${topic.message_thread_id === threadId ? 'sbx-active' : ''}`}
            data-testid="topic-item"
            onClick={() => setThreadId(topic.message_thread_id)}
          >
            <span className="sbx-topic-icon" style={{ background: `#${topic.icon_color.toString(16).padStart(6, '0')}` }} aria-hidden>
              #
            </span>
            <span className="sbx-list-text">
              <span className="sbx-list-title">{topic.name}</span>
              <span className="sbx-list-sub">{topic.closed ? t('closed') : t('messageCount', { n: topic.message_count })}</span>
            </span>
            {topic.unread_count > 0 && topic.message_thread_id !== threadId && <span className="sbx-badge">{topic.unread_count}</span>}
          </button>
        ))}
      </aside>
      {open ? (
        <TopicChat
          key={open.message_thread_id}
          groupId={group.chat.id}
          threadId={open.message_thread_id}
          title={open.name}
          manager={manager}
          typing={typing}
          t={t}
          locale={locale}
          notify={notify}
        />
      ) : (
        <div className="sbx-chat sbx-empty">{t('noTopic')}</div>
      )}
    </section>
  );
}

function TopicChat({ groupId, threadId, title, manager, typing, t, locale, notify }: { groupId: number; threadId: number; title: string; manager: SandboxUser } & Omit<Props, 'group' | 'manager' | 'initialTopic'>) {
  const [replyTo, setReplyTo] = useState<ChatMessage | null>(null);
  const [editing, setEditing] = useState<ChatMessage | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const transcript = useQuery({ queryKey: keys.transcript(groupId, threadId), queryFn: () => control.transcript(groupId, threadId) });
  const unread = transcript.data?.unread_count ?? 0;
  useEffect(() => {
    if (unread > 0) void control.markRead(groupId, threadId).catch(() => undefined);
  }, [unread, groupId, threadId, transcript.dataUpdatedAt]);

  const messages = transcript.data?.messages ?? [];
  const pinnedId = transcript.data?.pinned_message_id;
  const pinned = pinnedId !== undefined ? messages.find((m) => m.message_id === pinnedId && !m.deleted) : undefined;

  const press = async (message: ChatMessage, button: Button) => {
    if (button.login_url) {
      // Like Telegram: the site opens with this manager's signed authorization data.
      const opened = window.open('about:blank', '_blank');
      try {
        const { url } = await control.openLoginUrl({ from: manager.id, chat_id: groupId, message_id: message.message_id, text: button.text });
        if (opened) opened.location.href = url;
        else window.location.href = url;
      } catch (error) {
        opened?.close();
        notify((error as Error).message, true);
      }
      return;
    }
    if (!button.callback_data) return;
    try {
      const result = await control.press({ from: manager.id, chat_id: groupId, message_id: message.message_id, callback_data: button.callback_data });
      notify(result.answer?.text || (result.answer ? t('botAnswered') : t('noAnswer')));
    } catch (error) {
      notify((error as Error).message, true);
    }
  };

  return (
    <div className="sbx-chat" data-testid="topic-chat">
      <header className="sbx-chat-head">
        <Avatar name={title} id={threadId} />
        <div className="sbx-chat-title">
          <strong>{title}</strong>
          <span className="sbx-list-sub">{isTyping(typing, groupId, threadId) ? `Hotline ${t('typing')}` : t('asManager', { name: fullName(manager) })}</span>
        </div>
      </header>
      {pinned && (
        <button type="button" className="sbx-pinned" data-testid="pinned-bar" onClick={() => scrollToMessage(scroller.current, pinned.message_id)}>
          <span className="sbx-pinned-label"><PinIcon /> {t('pinned')}</span>
          <span className="sbx-pinned-text">{preview(pinned, t)}</span>
        </button>
      )}
      <div className="sbx-scroll sbx-wallpaper" ref={scroller}>
        <MessageList
          messages={messages}
          ownId={manager.id}
          t={t}
          locale={locale}
          emptyText="…"
          testId="topic-messages"
          onReply={(m) => {
            setEditing(null);
            setReplyTo(m);
          }}
          onEdit={(m) => {
            setReplyTo(null);
            setEditing(m);
          }}
          onPress={(m, b) => void press(m, b)}
        />
      </div>
      <Composer
        t={t}
        testId="manager-composer"
        replyTo={replyTo}
        editing={editing}
        onCancel={() => {
          setReplyTo(null);
          setEditing(null);
        }}
        onSend={async (input) => {
          try {
            await sendAs({ from: manager.id, chat_id: groupId, message_thread_id: threadId, ...(replyTo ? { reply_to_message_id: replyTo.message_id } : {}) }, input);
          } catch (error) {
            notify((error as Error).message, true);
            throw error;
          }
        }}
        onEdit={async (message, text) => {
          try {
            await control.edit({ from: manager.id, chat_id: groupId, message_id: message.message_id, ...(message.text !== undefined ? { text } : { caption: text }) });
          } catch (error) {
            notify((error as Error).message, true);
            throw error;
          }
        }}
      />
    </div>
  );
}
