/**
 * The sandbox page's client of the emulator's control API (docs/sandbox.md),
 * served by the app under `/tg/sandbox`. The page uses nothing else: it plays
 * the clients and the manager exactly as a test would.
 */
export const CONTROL_ROOT = '/tg/sandbox';

export interface SandboxUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface Entity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

export interface MediaView {
  type: 'photo' | 'document' | 'video' | 'voice' | 'audio' | 'video_note' | 'sticker' | 'animation';
  file_id: string;
  file_size?: number;
  file_name?: string;
  mime_type?: string;
  width?: number;
  height?: number;
  duration?: number;
  /** Path under this host that downloads the bytes. */
  url: string;
}

export interface Button {
  text: string;
  callback_data?: string;
  url?: string;
  /** A login_url button's bare URL; pressing it asks the emulator for the signed one (`control.openLoginUrl`). */
  login_url?: string;
}

export interface ChatMessage {
  message_id: number;
  date: number;
  from?: { id: number; name: string; username?: string; is_bot: boolean };
  message_thread_id?: number;
  reply_to_message_id?: number;
  text?: string;
  entities?: Entity[];
  caption?: string;
  caption_entities?: Entity[];
  media?: MediaView;
  media_group_id?: string;
  location?: { latitude: number; longitude: number };
  contact?: { phone_number: string; first_name: string; last_name?: string };
  forwarded_from?: string;
  buttons?: Button[][];
  edit_date?: number;
  deleted: boolean;
  pinned: boolean;
  service?: string;
  reactions?: Record<string, Array<{ type: string; emoji?: string }>>;
  raw: {
    forum_topic_created?: { name: string };
    poll?: { question: string; options: Array<{ text: string }> };
    dice?: { emoji: string; value: number };
    venue?: { title: string; address: string };
  } & Record<string, unknown>;
}

export interface Topic {
  message_thread_id: number;
  name: string;
  icon_color: number;
  closed: boolean;
  deleted: boolean;
  pinned_message_id?: number;
  message_count: number;
  unread_count: number;
}

export interface ChatInfo {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  first_name?: string;
  is_forum?: boolean;
}

export interface ChatSummary {
  chat: ChatInfo;
  bot_id?: number;
  blocked: boolean;
  message_count: number;
  unread_count: number;
  topics: Topic[];
  last_message?: { message_id: number; date: number; text?: string };
}

export interface Transcript {
  chat: ChatInfo;
  bot_id?: number;
  message_thread_id?: number;
  messages: ChatMessage[];
  pinned_message_id?: number;
  topics: Topic[];
  unread_count: number;
}

export interface SandboxEvent {
  seq: number;
  at: number;
  type: string;
  chat_id?: number;
  bot_id?: number;
  message_thread_id?: number;
  message_id?: number;
  data?: Record<string, unknown>;
}

/** What a user sends as a file: `base64` bytes with the file's name and MIME type. */
export interface MediaInput {
  type: MediaView['type'];
  base64: string;
  file_name?: string;
  mime_type?: string;
  caption?: string;
}

export interface SendInput {
  from: number;
  chat_id?: number;
  message_thread_id?: number;
  reply_to_message_id?: number;
  text?: string;
  caption?: string;
  media?: MediaInput;
  album?: MediaInput[];
}

/** A refused call, with the emulator's explanation. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const init: RequestInit = { method };
  if (signal) init.signal = signal;
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`${CONTROL_ROOT}${path}`, init);
  const json = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new ControlError(response.status, json.error ?? `HTTP ${response.status}`);
  return json;
}

export const control = {
  users: () => call<SandboxUser[]>('GET', '/users'),
  bots: () => call<SandboxUser[]>('GET', '/bots'),
  createUser: (input: { first_name: string; last_name?: string; username?: string; language_code?: string }) => call<SandboxUser>('POST', '/users', input),
  chats: () => call<ChatSummary[]>('GET', '/chats'),
  transcript: (chatId: number, threadId?: number) => call<Transcript>('GET', `/chats/${chatId}${threadId === undefined ? '' : `?thread_id=${threadId}`}`),
  markRead: (chatId: number, threadId?: number) => call<{ ok: true }>('POST', `/chats/${chatId}/read`, threadId === undefined ? {} : { message_thread_id: threadId }),
  send: (input: SendInput) => call<unknown[]>('POST', '/messages', input),
  edit: (input: { from: number; chat_id?: number; message_id: number; text?: string; caption?: string }) => call<unknown>('POST', '/messages/edit', input),
  press: (input: { from: number; chat_id?: number; message_id: number; callback_data: string }) =>
    call<{ callback_query_id: string; answer: { text?: string; show_alert?: boolean; url?: string } | null }>('POST', '/callbacks', input),
  /** Presses a login_url button: the URL with the user's signed Telegram authorization data, as Telegram opens it. */
  openLoginUrl: (input: { from: number; chat_id?: number; message_id: number; text?: string }) => call<{ url: string }>('POST', '/login-url', input),
  block: (userId: number, blocked: boolean) => call<{ ok: true }>('POST', '/block', { user_id: userId, blocked }),
  /** Long poll: events after `after`, waiting up to `timeoutSeconds` for the next one. */
  events: (after: number, timeoutSeconds: number, signal?: AbortSignal) =>
    call<{ events: SandboxEvent[]; last_seq: number }>('GET', `/events?after=${after}&timeout=${timeoutSeconds}`, undefined, signal),
};

/** The media kind Telegram would make of a picked file. */
export function mediaKindOf(file: File): MediaView['type'] {
  const mime = file.type;
  if (/^image\/(png|jpe?g)$/.test(mime)) return 'photo';
  if (mime === 'image/gif') return 'animation';
  if (mime === 'image/webp') return 'sticker';
  if (mime.startsWith('video/')) return 'video';
  if (mime === 'audio/ogg') return 'voice';
  if (mime.startsWith('audio/')) return 'audio';
  return 'document';
}

export async function toMediaInput(file: File): Promise<MediaInput> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const input: MediaInput = { type: mediaKindOf(file), base64: btoa(binary), file_name: file.name };
  if (file.type) input.mime_type = file.type;
  return input;
}
