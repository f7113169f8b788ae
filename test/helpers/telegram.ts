/**
 * Hotline against the Telegram emulator, the way production runs against
 * Telegram: only TELEGRAM_API_ROOT differs. The emulator plays the clients
 * and the managers through its control API.
 *
 * @example
 * const t = await startTelegramWorld();
 * const client = await t.newClient('Иван');
 * await t.control.sendMessage({ from: client.id, text: 'Здравствуйте' });
 * const topic = await t.waitForTopic(client);
 */
import type { User } from '@grammyjs/types';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startHotline, type Hotline, type StartOptions } from '../../src/main.js';
import { startEmulator, type StartedEmulator } from '../../src/sandbox/standalone.js';
import type { SandboxControl, Transcript } from '../../src/sandbox/control.js';
import { testDatabase, type TestDatabase } from './database.js';

export const BOT_TOKEN = '1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

export interface TelegramWorld {
  emulator: StartedEmulator;
  control: SandboxControl;
  hotline: Hotline;
  bot: User;
  manager: User;
  /** The managers' forum supergroups (one unless asked for more). */
  groups: number[];
  group: number;
  database: TestDatabase;
  newClient(firstName?: string, extra?: Partial<Pick<User, 'last_name' | 'username' | 'language_code'>>): Promise<User>;
  /** Waits until the client's topic exists and holds at least `minCount` messages (the client card counts). */
  waitForTopic(client: User, options?: { minCount?: number; textIncludes?: string; group?: number; timeoutMs?: number }): Promise<Transcript & { threadId: number }>;
  /**
   * A manager (`by`, default the world's manager) types /new in a topic and
   * gets the bot's answer; `press(as)` presses its login_url button as `as`
   * (default `by`) and gives the URL Telegram opens: the link plus the
   * presser's signed login data.
   */
  newRequestLink(threadId: number, options?: { by?: User; group?: number }): Promise<RequestLink>;
  /**
   * Restarts Hotline on the same database (as after a crash or a deploy).
   * `whileDown` runs while it is stopped: what it sends waits at Telegram and
   * reaches Hotline as one getUpdates batch when it is back.
   */
  restart(options?: { kill?: boolean; whileDown?: () => Promise<unknown> }): Promise<void>;
  stop(): Promise<void>;
}

export interface RequestLink {
  /** The bot's answer in the topic. */
  messageId: number;
  /** The button's URL as the bot sent it (no Telegram login data: signs nobody in). */
  bareUrl: URL;
  press(as?: User): Promise<URL>;
}

let clients = 0;

export async function startTelegramWorld(
  options: {
    groups?: number;
    /** `group`: the managers' chats start as basic groups (no topics), as new Telegram groups do. */
    groupType?: 'group' | 'supergroup';
    env?: Record<string, string>;
    start?: StartOptions;
    database?: TestDatabase;
    /** Runs on the emulator before Hotline starts (e.g. to make Telegram unreachable). */
    beforeStart?: (control: SandboxControl) => Promise<unknown>;
    /** False: return as soon as Hotline listens, without waiting for it to connect to Telegram. */
    awaitStarted?: boolean;
  } = {},
): Promise<TelegramWorld> {
  const emulator = await startEmulator();
  const control = emulator.control;
  const bot = await control.createBot({ token: BOT_TOKEN, username: 'hotline_test_bot', first_name: 'Hotline' });
  const manager = await control.createUser({ first_name: 'Мария', last_name: 'Менеджер', username: 'maria_manager' });
  const groups: number[] = [];
  for (let i = 0; i < (options.groups ?? 1); i++) {
    const chat = await control.createGroup({ title: `Менеджеры ${i + 1}`, member_ids: [manager.id], bot_ids: [bot.id], is_forum: true, type: options.groupType ?? 'supergroup' });
    groups.push(chat.id);
  }
  const database = options.database ?? (await testDatabase());
  const config = () =>
    loadConfig(
      {
        DATA_DIR: database.dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        DATABASE_URL: database.url,
        TELEGRAM_BOT_TOKEN: BOT_TOKEN,
        TELEGRAM_API_ROOT: emulator.apiRoot,
        TELEGRAM_MANAGERS_CHAT_ID: groups.join(','),
        ADMIN_EMAIL: 'admin@test.local',
        ADMIN_PASSWORD: 'admin-password-123',
        // A topic's title follows its dialog's status after a short settle (production: 30 s).
        TOPIC_TITLE_DELAY_SECONDS: '0.2',
        ...options.env,
      },
      { dotEnvFile: false },
    );
  const start = async () => {
    const hotline = await startHotline(config(), {
      log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      telegramLimits: false,
      pollTimeoutSeconds: 1,
      ...options.start,
    });
    if (options.awaitStarted !== false) await hotline.started;
    return hotline;
  };

  await options.beforeStart?.(control);
  const world: TelegramWorld = {
    emulator,
    control,
    hotline: await start(),
    bot,
    manager,
    groups,
    group: groups[0]!,
    database,
    newClient: (firstName = `Клиент ${++clients}`, extra = {}) =>
      control.createUser({ first_name: firstName, language_code: 'ru', ...extra }),
    async waitForTopic(client, opts = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
      const groupIds = opts.group ? [opts.group] : groups;
      while (Date.now() < deadline) {
        for (const groupId of groupIds) {
          const chat = await control.transcript(groupId);
          const topic = chat.topics.find((t) => !t.deleted && namesClient(t.name, client));
          if (!topic) continue;
          const transcript = await control.waitFor({
            chat_id: groupId,
            message_thread_id: topic.message_thread_id,
            min_count: opts.minCount ?? 1,
            ...(opts.textIncludes ? { text_includes: opts.textIncludes } : {}),
            timeout_ms: Math.max(1, deadline - Date.now()),
          });
          return { ...transcript, threadId: topic.message_thread_id };
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`No topic for ${client.first_name} appeared`);
    },
    async newRequestLink(threadId, opts = {}) {
      const by = opts.by ?? manager;
      const chatId = opts.group ?? groups[0]!;
      const [command] = await control.sendMessage({ from: by.id, chat_id: chatId, message_thread_id: threadId, text: '/new' });
      const find = (transcript: Transcript) => transcript.messages.find((m) => m.reply_to_message_id === command!.message_id && m.text?.includes('Создать заявку'));
      const deadline = Date.now() + 20_000;
      let answer = find(await control.waitFor({ chat_id: chatId, message_thread_id: threadId, text_includes: 'Создать заявку для клиента' }));
      while (!answer && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        answer = find(await control.transcript(chatId, { thread_id: threadId }));
      }
      if (!answer) throw new Error('The bot did not answer /new');
      const button = answer.buttons?.flat().find((b) => b.login_url);
      if (!button) throw new Error('The /new answer has no login_url button');
      return {
        messageId: answer.message_id,
        bareUrl: new URL(button.login_url!),
        press: async (as = by) => new URL((await control.openLoginUrl({ from: as.id, chat_id: chatId, message_id: answer.message_id })).url),
      };
    },
    async restart(opts = {}) {
      await world.hotline.stop();
      await opts.whileDown?.();
      world.hotline = await start();
    },
    async stop() {
      await world.hotline.stop();
      await emulator.close();
      if (!options.database) await database.cleanup();
    },
  };
  return world;
}

/** A topic's title without its status emoji (core/dialogStatus `topicTitle`): the client's name as shown. */
export function topicClientName(title: string): string {
  return title.replace(/^(🔴|🟢|⏸|✅) /u, '');
}

/**
 * Whether a topic's title names `client`: its name and more (the username),
 * or — a long name cut to Telegram's 128 (core/dialogStatus `fitTopicTitle`)
 * — the start of its name, ending with «…».
 */
export function namesClient(title: string, client: Pick<User, 'first_name' | 'last_name'>): boolean {
  const shown = topicClientName(title);
  const name = [client.first_name, client.last_name].filter(Boolean).join(' ');
  return shown.startsWith(name) || (shown.endsWith('…') && shown.length > 1 && name.startsWith(shown.slice(0, -1)));
}

/** The messages of a topic a person reads (no service messages). */
export function visible(transcript: Transcript) {
  return transcript.messages.filter((m) => !m.service && !m.deleted);
}
