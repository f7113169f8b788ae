/**
 * Long polling that confirms an update only after it is applied: the next
 * `getUpdates` offset moves past a batch only when every update in it has
 * committed. Updates of one chat are applied in order, chats in parallel —
 * and a forum's topics in parallel (chainsOf).
 * (grammY's runner confirms on receipt, which would lose what a crash
 * interrupts — ARCHITECTURE.md §5 asks for acknowledge-after-commit.)
 *
 * Two rules of the Bot API server this loop relies on (both emulated in
 * src/sandbox/updates.ts, tested in test/relay/pollerUpdateIds.test.ts): the
 * same offset again within 0.5 s gets one update at most (Client.cpp,
 * process_get_updates_query) — a retry here waits at least 0.5 s; and after a
 * week without updates ids start anew at random, possibly far below our
 * offset, which the server then ignores (TQueue::get, do_get_updates): the
 * next offset is always computed from the ids just received, never compared
 * with the previous one.
 */
import type { Bot } from 'grammy';
import type { Update } from '@grammyjs/types';
import type { Logger } from 'pino';
import type { HotlineContext } from './context.js';
import { commandName, TOPIC_LOCAL_COMMANDS } from './managerCommands.js';

export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member', 'chat_member', 'message_reaction'] as const;

/** The chat an update belongs to, for ordering. */
function chatOf(update: Update): number {
  const u = update as Update & Record<string, { chat?: { id: number }; message?: { chat: { id: number } }; from?: { id: number } }>;
  for (const key of Object.keys(update)) {
    if (key === 'update_id') continue;
    const body = u[key];
    return body?.chat?.id ?? body?.message?.chat.id ?? body?.from?.id ?? 0;
  }
  return 0;
}

/**
 * The forum topic of the managers' group an update may be applied in on its
 * own (chainsOf): a message (new or edited) or a button press on a message
 * inside a topic (`is_topic_message`: Bot API docs, Message) of a supergroup,
 * that is not a command reaching beyond its topic (TOPIC_LOCAL_COMMANDS).
 * Undefined for anything else — a member's change, a reaction (it names no
 * topic), the General topic, a reply thread outside a forum, a private chat's
 * topics (a client's messages there all go to the one dialog, in order), and
 * /shift, /assign, /find, /help or any command not known to stay in its topic.
 */
function topicOf(update: Update): number | undefined {
  const message = update.message ?? update.edited_message ?? update.callback_query?.message;
  if (!message || !('is_topic_message' in message) || message.is_topic_message !== true) return undefined;
  if (message.chat.type !== 'supergroup') return undefined;
  const typed = update.message ?? update.edited_message;
  const command = typed?.text === undefined ? undefined : commandName(typed.text);
  if (command !== undefined && !TOPIC_LOCAL_COMMANDS.has(command)) return undefined;
  if (command === undefined && typed?.text?.startsWith('/')) return undefined;
  return message.message_thread_id;
}

/**
 * A batch's updates in the chains that are applied one after another, the
 * chains side by side: a chat's updates in order, except in a chat whose
 * every update of the batch is in a topic, where each topic is a chain. The
 * managers' group carries every manager's answers and commands and the
 * service messages of the bot's own renames, closes and reopens, for
 * hundreds of dialogs: one chain for all of them held each batch, and every
 * client's message in the next one, until the last of them was applied
 * (bench/dialogStatus.ts: the relay's p50 4 → 30 ms under a status churn).
 * Topics are dialogs, independent of each other; a chat's update outside a
 * topic (a member joining or leaving, a reaction, the General topic) or a
 * command that reaches beyond its topic (topicOf), or a sender whose
 * username changed meanwhile (renamedWithin), keeps that chat in one chain
 * for the batch, so it is never reordered against its topics' messages.
 */
export function chainsOf(updates: Update[]): Update[][] {
  return [...Map.groupBy(updates, chatOf).values()].flatMap((chatUpdates) => {
    const byTopic = chatUpdates.length > 1 && chatUpdates.every((update) => topicOf(update) !== undefined) && !renamedWithin(chatUpdates);
    return byTopic ? [...Map.groupBy(chatUpdates, (update) => topicOf(update)!).values()] : [chatUpdates];
  });
}

/**
 * Whether someone's username changed within these updates: each manager's
 * message stores the username it carries as the manager's own (commands/
 * ensureManagerUser, read by `/assign @username`), so the last one typed must
 * be the last one stored — topics side by side could commit an older one
 * last (an outside review saw it).
 */
function renamedWithin(updates: Update[]): boolean {
  const usernames = new Map<number, string | undefined>();
  for (const update of updates) {
    const from = (update.message ?? update.edited_message ?? update.callback_query)?.from;
    if (!from) continue;
    if (usernames.has(from.id) && usernames.get(from.id) !== from.username) return true;
    usernames.set(from.id, from.username);
  }
  return false;
}

export class Poller {
  private running = false;
  private loop: Promise<void> | undefined;
  private abort = new AbortController();

  constructor(
    private readonly bot: Bot<HotlineContext>,
    private readonly log: Logger,
    private readonly options: { timeoutSeconds?: number; limit?: number } = {},
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
  }

  /** Applies a batch; returns the offset to confirm (the first update that failed, or past the last). */
  private async apply(updates: Update[]): Promise<number> {
    let firstFailed = Infinity;
    await Promise.all(
      chainsOf(updates).map(async (chatUpdates) => {
        for (const update of chatUpdates) {
          try {
            await this.bot.handleUpdate(update);
          } catch (error) {
            this.log.warn(`Update ${update.update_id} will be fetched again: ${(error as Error).message}`);
            firstFailed = Math.min(firstFailed, update.update_id);
            return;
          }
        }
      }),
    );
    return Number.isFinite(firstFailed) ? firstFailed : updates[updates.length - 1]!.update_id + 1;
  }

  private async run(): Promise<void> {
    let offset: number | undefined;
    let failures = 0;
    while (this.running) {
      try {
        const updates = await this.bot.api.getUpdates(
          { offset, timeout: this.options.timeoutSeconds ?? 25, limit: this.options.limit ?? 100, allowed_updates: [...ALLOWED_UPDATES] },
          this.abort.signal as Parameters<typeof this.bot.api.getUpdates>[1],
        );
        if (updates.length === 0) continue;
        const next = await this.apply(updates);
        const progressed = next > updates[0]!.update_id;
        offset = next;
        failures = progressed ? 0 : failures + 1;
        if (!progressed) await new Promise((r) => setTimeout(r, Math.min(10_000, 250 * 2 ** failures)));
      } catch (error) {
        if (!this.running) return;
        failures++;
        const delay = Math.min(10_000, 250 * 2 ** Math.min(failures, 6));
        this.log.warn(`getUpdates failed (${(error as Error).message}); retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
