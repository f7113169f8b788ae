/** What the relay commands receive from the Telegram adapter. */
import type { MessageMedia } from '../db/schema.js';

/** A Telegram message as the relay stores it. */
export interface IncomingMessage {
  /** Its id in the chat it was written in (the client's private chat or the managers' group). */
  telegramMessageId: number;
  /** When it was written (Telegram's `date`). */
  date: Date;
  /** Text, or the caption of a media message. */
  text?: string;
  entities?: unknown[];
  media?: MessageMedia;
  /** Album id: the messages of one album share it. */
  mediaGroupId?: string;
  /** The id (same chat) of the message it replies to. */
  replyToTelegramMessageId?: number;
  /** True when `text` is a caption (edits then go through editMessageCaption). */
  isCaption: boolean;
}

/** A Telegram user as the relay needs them. */
export interface TelegramPerson {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}
