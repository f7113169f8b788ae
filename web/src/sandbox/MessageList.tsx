/**
 * A chat's messages as Telegram shows them: bubbles (own on the right),
 * author, time, "edited", quoted replies, media previews, albums, reactions,
 * inline buttons and service lines. Clicking a bubble replies to it; a pencil
 * on one's own bubble edits it.
 */
import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import type { Button, ChatMessage, MediaView } from './api.js';
import { FormattedText } from './entities.js';
import { FileIcon, PencilIcon } from './icons.js';
import type { Translate } from './strings.js';
import { formatFileSize } from '../../../src/core/money.js';

export interface MessageListProps {
  messages: ChatMessage[];
  /** The person the page acts as here: their bubbles sit on the right and can be edited. */
  ownId: number;
  t: Translate;
  locale: 'ru' | 'en';
  onReply(message: ChatMessage): void;
  onEdit(message: ChatMessage): void;
  onPress?(message: ChatMessage, button: Button): void;
  emptyText: string;
  testId: string;
}

const time = (date: number, locale: string) => new Date(date * 1000).toLocaleTimeString(locale === 'en' ? 'en-GB' : 'ru-RU', { hour: '2-digit', minute: '2-digit' });

/** «1,5 КБ» in Russian, «1.5 KB» in English (core/money's formatFileSize). */
export function formatSize(bytes: number | undefined, locale: 'ru' | 'en' = 'ru'): string {
  if (bytes === undefined) return '';
  return formatFileSize(bytes, locale);
}

/** A short one-line view of a message, for quotes and the pinned bar. */
export function preview(message: ChatMessage | undefined, t: Translate): string {
  if (!message) return '…';
  const text = message.text ?? message.caption;
  if (text) return text.split('\n')[0]!.slice(0, 120);
  if (message.media?.type === 'photo') return t('photo');
  if (message.media?.type === 'voice') return t('voice');
  if (message.media) return message.media.file_name ?? t('file');
  if (message.location) return t('location');
  return '…';
}

export function scrollToMessage(container: HTMLElement | null, messageId: number): void {
  const target = container?.querySelector<HTMLElement>(`[data-message-id="${messageId}"]`);
  if (!target) return;
  target.scrollIntoView({ block: 'center', behavior: 'smooth' });
  target.classList.add('sbx-flash');
  setTimeout(() => target.classList.remove('sbx-flash'), 1200);
}

function Media({ media, locale, t }: { media: MediaView; locale: 'ru' | 'en'; t: Translate }) {
  const stop = (e: { stopPropagation(): void }) => e.stopPropagation();
  switch (media.type) {
    case 'photo':
      return (
        <a href={media.url} target="_blank" rel="noopener noreferrer" onClick={stop}>
          <img className="sbx-photo" src={media.url} alt={media.file_name ?? 'photo'} loading="lazy" />
        </a>
      );
    case 'sticker':
      return <img className="sbx-sticker" src={media.url} alt="sticker" loading="lazy" />;
    case 'animation':
      return <video className="sbx-photo" src={media.url} autoPlay muted loop playsInline />;
    case 'video':
    case 'video_note':
      return <video className={media.type === 'video_note' ? 'sbx-round' : 'sbx-photo'} src={media.url} controls preload="metadata" onClick={stop} />;
    case 'voice':
    case 'audio':
      return (
        // Only the player keeps its clicks: the rest of the bubble starts a reply, as for any other message.
        <div className="sbx-audio">
          {media.type === 'audio' && media.file_name && <div className="sbx-doc-name">{media.file_name}</div>}
          {media.type === 'voice' && <div className="sbx-doc-name">🎤 {t('voice')}</div>}
          <audio src={media.url} controls preload="none" onClick={stop} />
        </div>
      );
    default:
      return (
        <a className="sbx-doc" href={media.url} download={media.file_name ?? true} onClick={stop}>
          <span className="sbx-doc-icon">
            <FileIcon />
          </span>
          <span>
            <span className="sbx-doc-name">{media.file_name ?? media.file_id}</span>
            <span className="sbx-doc-size">{formatSize(media.file_size, locale)}</span>
          </span>
        </a>
      );
  }
}

function serviceText(message: ChatMessage, t: Translate): string {
  if (message.service === 'forum_topic_created') return t('topicCreated', { name: message.raw.forum_topic_created?.name ?? '' });
  if (message.service === 'pinned_message') return t('pinnedService', { name: message.from?.name ?? '' });
  return `${t('service')}: ${message.service}`;
}

/** Consecutive messages of one album form one bubble. */
function groupAlbums(messages: ChatMessage[]): ChatMessage[][] {
  const groups: ChatMessage[][] = [];
  for (const message of messages) {
    const last = groups[groups.length - 1];
    if (last && message.media_group_id && last[0]!.media_group_id === message.media_group_id) last.push(message);
    else groups.push([message]);
  }
  return groups;
}

export function MessageList(props: MessageListProps) {
  const { messages, ownId, t, locale } = props;
  const bottom = useRef<HTMLDivElement>(null);
  const visible = messages.filter((m) => !m.deleted);
  const byId = new Map(visible.map((m) => [m.message_id, m]));

  // Follow new messages while the reader is at the bottom; someone who scrolled up to read stays put.
  const following = useRef(true);
  useEffect(() => {
    const scroller = bottom.current?.closest<HTMLElement>('.sbx-scroll');
    if (!scroller) return;
    const onScroll = () => {
      following.current = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
    };
    scroller.addEventListener('scroll', onScroll, { passive: true });
    return () => scroller.removeEventListener('scroll', onScroll);
  }, [visible.length > 0]);
  useLayoutEffect(() => {
    if (following.current) bottom.current?.scrollIntoView({ block: 'end' });
  });

  if (visible.length === 0) return <div className="sbx-empty">{props.emptyText}</div>;

  return (
    <div className="sbx-messages" data-testid={props.testId}>
      {groupAlbums(visible).map((group) => {
        const first = group[0]!;
        if (first.service) {
          return (
            <div key={first.message_id} className="sbx-service" data-message-id={first.message_id}>
              {serviceText(first, t)}
            </div>
          );
        }
        const own = first.from?.id === ownId;
        const withText = group.find((m) => m.text ?? m.caption) ?? first;
        const quoted = first.reply_to_message_id !== undefined ? byId.get(first.reply_to_message_id) : undefined;
        const reactions = group.flatMap((m) => Object.values(m.reactions ?? {}).flat()).map((r) => r.emoji ?? '•');
        const edited = group.some((m) => m.edit_date !== undefined);
        let body: ReactNode = null;
        if (withText.text !== undefined) body = <FormattedText text={withText.text} entities={withText.entities} />;
        else if (withText.caption !== undefined) body = <FormattedText text={withText.caption} entities={withText.caption_entities} />;
        return (
          <div key={first.message_id} className={`sbx-row ${own ? 'sbx-own' : ''}`}>
            <div
              className="sbx-bubble"
              data-message-id={first.message_id}
              data-testid="message"
              title={t('reply')}
              onClick={() => props.onReply(first)}
            >
              {!own && first.from && <div className="sbx-author">{first.from.name}</div>}
              {first.forwarded_from && <div className="sbx-forwarded">{t('forwarded', { name: first.forwarded_from })}</div>}
              {first.reply_to_message_id !== undefined && (
                <div
                  className="sbx-quote"
                  onClick={(e) => {
                    e.stopPropagation();
                    scrollToMessage((e.currentTarget as HTMLElement).closest('.sbx-messages'), first.reply_to_message_id!);
                  }}
                >
                  <div className="sbx-quote-author">{quoted?.from?.name ?? ''}</div>
                  <div className="sbx-quote-text">{preview(quoted, t)}</div>
                </div>
              )}
              {group.some((m) => m.media) && (
                <div className={group.length > 1 ? 'sbx-album' : undefined}>
                  {group.map((m) => m.media && <Media key={m.message_id} media={m.media} locale={locale} t={t} />)}
                </div>
              )}
              {first.location && (
                <div>
                  📍 {first.location.latitude.toFixed(5)}, {first.location.longitude.toFixed(5)}
                </div>
              )}
              {first.raw.poll && (
                <div>
                  📊 {first.raw.poll.question}
                  {first.raw.poll.options.map((o, i) => (
                    <div key={i}>◦ {o.text}</div>
                  ))}
                </div>
              )}
              {first.raw.dice && (
                <div>
                  {first.raw.dice.emoji} {first.raw.dice.value}
                </div>
              )}
              {first.raw.venue && <div>🏢 {first.raw.venue.title} · {first.raw.venue.address}</div>}
              {first.contact && (
                <div>
                  👤 {first.contact.first_name} {first.contact.last_name ?? ''} · {first.contact.phone_number}
                </div>
              )}
              {body && <div className="sbx-text">{body}</div>}
              <div className="sbx-meta">
                {reactions.length > 0 && <span className="sbx-reactions" data-testid="reactions">{reactions.join(' ')}</span>}
                {edited && <span className="sbx-edited">{t('edited')}</span>}
                {own && (withText.text !== undefined || withText.media) && (
                  <button
                    type="button"
                    className="sbx-edit"
                    title={t('edit')}
                    aria-label={t('edit')}
                    onClick={(e) => {
                      e.stopPropagation();
                      props.onEdit(withText);
                    }}
                  >
                    <PencilIcon />
                  </button>
                )}
                <span>{time(first.date, locale)}</span>
              </div>
            </div>
            {first.buttons && first.buttons.length > 0 && (
              <div className="sbx-buttons">
                {first.buttons.map((row, i) => (
                  <div key={i} className="sbx-button-row">
                    {row.map((button) =>
                      button.url && /^https?:\/\//i.test(button.url) ? (
                        <a key={button.text} className="sbx-button" href={button.url} target="_blank" rel="noopener noreferrer">
                          {button.text} ↗
                        </a>
                      ) : (
                        <button key={button.text} type="button" className="sbx-button" onClick={() => props.onPress?.(first, button)}>
                          {button.text}
                        </button>
                      ),
                    )}
                  </div>
                ))}
              </div>
            )}
          </div>
        );
      })}
      <div ref={bottom} />
    </div>
  );
}
