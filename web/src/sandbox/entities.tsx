/**
 * Telegram text with its entities as React elements. Offsets and lengths are
 * UTF-16 code units, as JavaScript strings index them. Text is always passed
 * as children, so React escapes it; links open in a new tab and only for
 * http(s) addresses.
 */
import type { ReactNode } from 'react';
import type { Entity } from './api.js';

const safeHref = (url: string): string | undefined => (/^https?:\/\//i.test(url) ? url : undefined);

function wrap(entity: Entity, text: string, children: ReactNode, key: string): ReactNode {
  switch (entity.type) {
    case 'bold':
      return <strong key={key}>{children}</strong>;
    case 'italic':
      return <em key={key}>{children}</em>;
    case 'underline':
      return <u key={key}>{children}</u>;
    case 'strikethrough':
      return <s key={key}>{children}</s>;
    case 'spoiler':
      return (
        <span key={key} className="sbx-spoiler">
          {children}
        </span>
      );
    case 'code':
      return <code key={key}>{children}</code>;
    case 'pre':
      return <pre key={key}>{children}</pre>;
    case 'blockquote':
    case 'expandable_blockquote':
      return <blockquote key={key}>{children}</blockquote>;
    case 'url':
    case 'text_link': {
      const href = safeHref(entity.type === 'url' ? text.slice(entity.offset, entity.offset + entity.length) : (entity.url ?? ''));
      if (!href) return children;
      return (
        <a key={key} href={href} target="_blank" rel="noopener noreferrer" onClick={(e) => e.stopPropagation()}>
          {children}
        </a>
      );
    }
    case 'email':
      return (
        <a key={key} href={`mailto:${text.slice(entity.offset, entity.offset + entity.length)}`} onClick={(e) => e.stopPropagation()}>
          {children}
        </a>
      );
    case 'mention':
    case 'hashtag':
    case 'bot_command':
    case 'cashtag':
      return (
        <span key={key} className="sbx-accent">
          {children}
        </span>
      );
    default:
      return children;
  }
}

/** Splits `text` at every entity edge; each piece is wrapped by the entities covering it, outermost first. */
export function FormattedText({ text, entities }: { text: string; entities?: Entity[] | undefined }) {
  const list = (entities ?? []).filter((e) => e.length > 0 && e.offset >= 0 && e.offset < text.length);
  if (list.length === 0) return <>{text}</>;
  const edges = new Set<number>([0, text.length]);
  for (const e of list) {
    edges.add(e.offset);
    edges.add(Math.min(text.length, e.offset + e.length));
  }
  const points = [...edges].sort((a, b) => a - b);
  const pieces: ReactNode[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    const covering = list
      .filter((e) => e.offset <= start && e.offset + e.length >= end)
      // Longer (outer) entities wrap shorter ones.
      .sort((a, b) => b.length - a.length);
    let node: ReactNode = text.slice(start, end);
    for (let j = covering.length - 1; j >= 0; j--) node = wrap(covering[j]!, text, node, `${start}-${j}`);
    pieces.push(<span key={start}>{node}</span>);
  }
  return <>{pieces}</>;
}
