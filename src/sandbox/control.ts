/**
 * SandboxControl: a typed client of the emulator's control API, one method
 * per endpoint (see docs/sandbox.md). Tests and benchmarks use it to play
 * users and managers and to wait for the bot without sleeping.
 *
 * @example
 * const control = new SandboxControl('http://127.0.0.1:3000/tg');
 * const client = await control.createUser({ first_name: 'Ivan' });
 * await control.sendMessage({ from: client.id, text: '/start' });
 * await control.waitFor({ chat_id: client.id, text_includes: 'Hello' });
 */
import type { Chat, Message, User } from '@grammyjs/types';
import type * as inputs from './controlSchemas.js';
import type { SandboxEvent } from './events.js';
import type { FaultSettings } from './faults.js';
import type { LimitSettings } from './limits.js';
import type { StatsView } from './stats.js';
import type { ChatSummary, Transcript } from './transcript.js';

export type { ChatSummary, Transcript, TranscriptMessage, TranscriptTopic, WaitCondition } from './transcript.js';
export type { SandboxEvent } from './events.js';
export type * from './controlSchemas.js';

/** A refused control call: `status` is the HTTP status; `body` has `error` (and, for waitFor, the last `transcript`). */
export class SandboxControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error: string; transcript?: Transcript },
  ) {
    super(`sandbox control: ${status} ${body.error}`);
  }
}

export interface CallbackAnswer {
  callback_query_id: string;
  /** What the bot passed to answerCallbackQuery, or null if it did not answer in time. */
  answer: { text?: string; show_alert?: boolean; url?: string } | null;
}

export class SandboxControl {
  /** `apiRoot` is the emulator's root, the same the bot uses (e.g. `http://127.0.0.1:3000/tg`). */
  constructor(readonly apiRoot: string) {}

  createUser(input: inputs.CreateUserInput): Promise<User> {
    return this.call('POST', '/users', input);
  }

  listUsers(): Promise<User[]> {
    return this.call('GET', '/users');
  }

  createBot(input: inputs.CreateBotInput): Promise<User> {
    return this.call('POST', '/bots', input);
  }

  listBots(): Promise<User[]> {
    return this.call('GET', '/bots');
  }

  /**
   * BotFather's /setprivacy: privacy mode on (the default) or off. getMe's
   * `can_read_all_group_messages` follows; a bot that is no administrator then
   * gets every group message (off) or only those meant for it (on).
   */
  setPrivacy(botId: number, input: inputs.BotPrivacyInput): Promise<{ ok: true }> {
    return this.call('PUT', `/bots/${botId}/privacy`, input);
  }

  /** A forum supergroup by default (`type: 'group'`: a basic group); bots join as admins who may manage topics, pin and delete. */
  createGroup(input: inputs.CreateGroupInput): Promise<Chat.SupergroupChat | Chat.GroupChat> {
    return this.call('POST', '/groups', input);
  }

  /** Adds, promotes, demotes, restricts or removes a member; a bot whose membership changes gets my_chat_member. */
  addMember(chatId: number, input: inputs.AddMemberInput): Promise<{ ok: true }> {
    return this.call('POST', `/groups/${chatId}/members`, input);
  }

  /** The group's default permissions for members who are no administrators. */
  setChatPermissions(chatId: number, input: inputs.ChatPermissionsInput): Promise<{ ok: true }> {
    return this.call('PUT', `/groups/${chatId}/permissions`, input);
  }

  /**
   * The owner upgrades a basic group to a supergroup (a forum with `is_forum`):
   * answers the new supergroup; the old id is answered with `migrate_to_chat_id`.
   */
  upgradeGroup(chatId: number, input: inputs.UpgradeGroupInput = {}): Promise<Chat.SupergroupChat> {
    return this.call('POST', `/groups/${chatId}/upgrade`, input);
  }

  /** A user writes; answers every message made (several for an album). */
  sendMessage(input: inputs.SendMessageInput): Promise<Message[]> {
    return this.call('POST', '/messages', input);
  }

  editMessage(input: inputs.EditMessageInput): Promise<Message> {
    return this.call('POST', '/messages/edit', input);
  }

  /** A user replaces the media of their message; the bot gets edited_message. */
  editMessageMedia(input: inputs.EditMediaInput): Promise<Message> {
    return this.call('POST', '/messages/media', input);
  }

  /** A user changes their name or username (null removes it). */
  updateUser(userId: number, input: inputs.UpdateUserInput): Promise<User> {
    return this.call('PATCH', `/users/${userId}`, input);
  }

  deleteMessage(input: inputs.DeleteMessageInput): Promise<{ ok: true }> {
    return this.call('POST', '/messages/delete', input);
  }

  /** Presses an inline button; resolves with the bot's answerCallbackQuery (waits up to `wait_ms`, default 5 s). */
  pressButton(input: inputs.PressButtonInput): Promise<CallbackAnswer> {
    return this.call('POST', '/callbacks', input);
  }

  /**
   * Presses a `login_url` button as `from`: resolves with the URL their app
   * would open — the button's URL plus their signed Telegram authorization data.
   */
  openLoginUrl(input: inputs.OpenLoginUrlInput): Promise<{ url: string }> {
    return this.call('POST', '/login-url', input);
  }

  react(input: inputs.ReactInput): Promise<{ ok: true }> {
    return this.call('POST', '/reactions', input);
  }

  setBlocked(input: inputs.BlockInput): Promise<{ ok: true }> {
    return this.call('POST', '/block', input);
  }

  createTopic(input: inputs.CreateTopicInput): Promise<{ message_thread_id: number; name: string; icon_color: number }> {
    return this.call('POST', '/topics', input);
  }

  closeTopic(input: inputs.CloseTopicInput): Promise<{ ok: true }> {
    return this.call('POST', '/topics/close', input);
  }

  deleteTopic(input: inputs.DeleteTopicInput): Promise<{ ok: true }> {
    return this.call('POST', '/topics/delete', input);
  }

  listChats(): Promise<ChatSummary[]> {
    return this.call('GET', '/chats');
  }

  /** A group by id, or a user's private chat by the user's id (with `bot_id` when there are several bots). */
  transcript(chatId: number, options: { bot_id?: number; thread_id?: number } = {}): Promise<Transcript> {
    const query = new URLSearchParams();
    if (options.bot_id !== undefined) query.set('bot_id', String(options.bot_id));
    if (options.thread_id !== undefined) query.set('thread_id', String(options.thread_id));
    return this.call('GET', `/chats/${chatId}${query.size ? `?${query}` : ''}`);
  }

  markRead(chatId: number, input: inputs.MarkReadInput = {}): Promise<{ ok: true }> {
    return this.call('POST', `/chats/${chatId}/read`, input);
  }

  /** Resolves with the transcript once every condition holds; throws SandboxControlError (408) on timeout. */
  waitFor(input: inputs.WaitInput): Promise<Transcript> {
    return this.call('POST', '/wait', input);
  }

  /** Events after `after`; with `timeoutSeconds` waits for the next one (long poll). */
  events(after = 0, timeoutSeconds = 0): Promise<{ events: SandboxEvent[]; last_seq: number }> {
    return this.call('GET', `/events?after=${after}&timeout=${timeoutSeconds}`);
  }

  getLimits(): Promise<LimitSettings> {
    return this.call('GET', '/limits');
  }

  setLimits(input: inputs.LimitsInput): Promise<LimitSettings> {
    return this.call('PUT', '/limits', input);
  }

  getFaults(): Promise<FaultSettings> {
    return this.call('GET', '/faults');
  }

  setFaults(input: inputs.FaultsInput): Promise<FaultSettings> {
    return this.call('PUT', '/faults', input);
  }

  clearFaults(): Promise<FaultSettings> {
    return this.call('DELETE', '/faults');
  }

  stats(): Promise<StatsView> {
    return this.call('GET', '/stats');
  }

  resetStats(): Promise<{ ok: true }> {
    return this.call('DELETE', '/stats');
  }

  /** Forgets users, chats, files and pending updates; bots stay; limits and faults switch off. */
  reset(): Promise<{ ok: true }> {
    return this.call('POST', '/reset');
  }

  /** Absolute URL of a file's bytes (as in a transcript's `media.url`). */
  fileUrl(fileId: string): string {
    return `${this.apiRoot}/sandbox/files/${encodeURIComponent(fileId)}`;
  }

  async download(fileId: string): Promise<Buffer> {
    const response = await fetch(this.fileUrl(fileId));
    if (!response.ok) throw new SandboxControlError(response.status, (await response.json()) as { error: string });
    return Buffer.from(await response.arrayBuffer());
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const response = await fetch(`${this.apiRoot}/sandbox${path}`, init);
    const json = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new SandboxControlError(response.status, json as { error: string; transcript?: Transcript });
    return json;
  }
}
