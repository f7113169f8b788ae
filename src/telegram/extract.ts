/**
 * Turns a Telegram message into what Hotline stores: text or caption with its
 * entities, and the media (the largest photo size, a document's name…).
 */
import type { Message } from '@grammyjs/types';
import type { IncomingMessage } from '../commands/relayTypes.js';
import type { MessageMedia } from '../db/schema.js';
import { describeContent } from '../core/messageContent.js';

function mediaOf(message: Message): MessageMedia | undefined {
  if (message.photo?.length) {
    const largest = message.photo.reduce((a, b) => ((b.width * b.height > a.width * a.height) ? b : a));
    return {
      kind: 'photo',
      fileId: largest.file_id,
      fileUniqueId: largest.file_unique_id,
      fileSize: largest.file_size,
      width: largest.width,
      height: largest.height,
      mimeType: 'image/jpeg',
    };
  }
  const file =
    (message.document && { kind: 'document' as const, f: message.document }) ||
    (message.video && { kind: 'video' as const, f: message.video }) ||
    (message.voice && { kind: 'voice' as const, f: message.voice }) ||
    (message.audio && { kind: 'audio' as const, f: message.audio }) ||
    (message.video_note && { kind: 'video_note' as const, f: message.video_note }) ||
    (message.animation && { kind: 'animation' as const, f: message.animation }) ||
    (message.sticker && { kind: 'sticker' as const, f: message.sticker });
  if (file) {
    const f = file.f as {
      file_id: string;
      file_unique_id: string;
      file_size?: number;
      file_name?: string;
      mime_type?: string;
      width?: number;
      height?: number;
      duration?: number;
      length?: number;
    };
    return {
      kind: file.kind,
      fileId: f.file_id,
      fileUniqueId: f.file_unique_id,
      fileSize: f.file_size,
      fileName: f.file_name,
      mimeType: f.mime_type ?? (file.kind === 'sticker' ? 'image/webp' : undefined),
      width: f.width ?? f.length,
      height: f.height ?? f.length,
      duration: f.duration,
      ...(file.kind === 'sticker' && (f as { emoji?: string }).emoji ? { extra: { emoji: (f as { emoji?: string }).emoji } } : {}),
    };
  }
  // A venue carries a location too: the venue says more.
  if (message.venue) return { kind: 'venue', extra: { ...message.venue } };
  if (message.location) return { kind: 'location', extra: { ...message.location } };
  if (message.contact) return { kind: 'contact', extra: { ...message.contact } };
  for (const kind of OBJECT_KINDS) {
    const value = message[kind];
    if (value && typeof value === 'object') return { kind, extra: { ...(value as object) } };
  }
  return undefined;
}

/** Message fields of the Bot API that carry content other than text and files, stored as they come. */
const OBJECT_KINDS = ['poll', 'dice', 'story', 'game', 'invoice', 'giveaway', 'giveaway_winners', 'paid_media', 'checklist'] as const satisfies ReadonlyArray<
  keyof Message & MessageMedia['kind']
>;

/** Fields every message has, or that describe it rather than being its content. */
const NOT_CONTENT = new Set([
  'message_id', 'message_thread_id', 'from', 'sender_chat', 'sender_boost_count', 'sender_business_bot', 'date', 'business_connection_id',
  'chat', 'forward_origin', 'is_topic_message', 'is_automatic_forward', 'reply_to_message', 'external_reply', 'quote', 'reply_to_story',
  'via_bot', 'edit_date', 'has_protected_content', 'is_from_offline', 'media_group_id', 'author_signature', 'text', 'entities',
  'link_preview_options', 'effect_id', 'caption', 'caption_entities', 'show_caption_above_media', 'has_media_spoiler', 'reply_markup',
  'paid_star_count', 'is_paid_post', 'direct_messages_topic', 'reply_to_checklist_task_id', 'suggested_post_info',
]);

/** The media with its text form (what it is and holds), so the platform and fallbacks can show it. */
function describedMediaOf(message: Message): MessageMedia | undefined {
  let media = mediaOf(message);
  if (!media && message.text === undefined) {
    // Content of a kind this Hotline does not know yet: kept by name, never dropped silently.
    const field = Object.keys(message).find((key) => !NOT_CONTENT.has(key));
    if (field) media = { kind: 'other', extra: { field } };
  }
  if (!media) return undefined;
  const summary = describeContent(media);
  return summary ? { ...media, summary } : media;
}

/** Whether Telegram's "reply" is only the topic's implicit link to its creation message. */
function isTopicRootReply(message: Message): boolean {
  const reply = message.reply_to_message;
  return Boolean(reply && message.is_topic_message && reply.message_id === message.message_thread_id);
}

export function extractMessage(message: Message): IncomingMessage {
  const text = message.text ?? message.caption;
  const entities = message.entities ?? message.caption_entities;
  const reply = message.reply_to_message && !isTopicRootReply(message) ? message.reply_to_message.message_id : undefined;
  return {
    telegramMessageId: message.message_id,
    date: new Date(message.date * 1000),
    text: text ?? undefined,
    entities: entities?.length ? entities : undefined,
    media: describedMediaOf(message),
    mediaGroupId: message.media_group_id,
    replyToTelegramMessageId: reply,
    isCaption: message.caption !== undefined || (message.text === undefined && mediaOf(message) !== undefined),
  };
}

/** A person's display name as Telegram users see it. */
export function displayName(user: { first_name: string; last_name?: string }): string {
  return [user.first_name, user.last_name].filter(Boolean).join(' ');
}
