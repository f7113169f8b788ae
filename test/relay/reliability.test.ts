/**
 * Nothing lost, nothing duplicated, order kept — under Telegram's limits,
 * injected failures, and a process killed mid-burst.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { User } from '@grammyjs/types';
import { REPEAT_MARK } from '../../src/jobs/outboxFailures.js';
import { TELEGRAM_LIMITS } from '../../src/jobs/rateLimits.js';
import type { SandboxControl } from '../../src/sandbox/control.js';
import { startEmulator, type StartedEmulator } from '../../src/sandbox/standalone.js';
import { testDatabase } from '../helpers/database.js';
import { spawnHotline, waitForStatus, type HotlineProcess } from '../helpers/process.js';
import { BOT_TOKEN, startTelegramWorld, topicClientName, type TelegramWorld } from '../helpers/telegram.js';

/** Telegram's windows shrunk 50×: "20 per minute" per group becomes 20 per 1.2 s. */
const TIME_SCALE = 0.02;

/**
 * The client's texts as the topics show them: one entry per topic message
 * (merged mirrors hold several lines). A process killed between Telegram
 * creating a topic and Hotline recording it leaves an empty topic of the same
 * name behind (the Bot API cannot list topics to find it again), so every
 * topic of that name is read, oldest first.
 */
async function topicMessages(control: SandboxControl, group: number, client: User): Promise<string[]> {
  const chat = await control.transcript(group);
  const topics = chat.topics.filter((x) => !x.deleted && topicClientName(x.name) === client.first_name).sort((a, b) => a.message_thread_id - b.message_thread_id);
  const texts: string[] = [];
  for (const topic of topics) {
    const transcript = await control.transcript(group, { thread_id: topic.message_thread_id });
    texts.push(
      ...transcript.messages
        .filter((m) => !m.service && !m.deleted)
        // A call repeated after its answer was lost (a crash) is marked on its first line: the mark is not the client's text.
        .map((m) => ((m.text ?? '').startsWith(`${REPEAT_MARK}\n`) ? m.text!.slice(REPEAT_MARK.length + 1) : (m.text ?? '')))
        .filter((text) => text.startsWith(`${client.first_name}:`)),
    );
  }
  return texts;
}

/** Topic messages with immediate repeats (the same call sent twice) removed, split into lines. */
function collapse(messages: string[]): { lines: string[]; repeats: number } {
  const kept: string[] = [];
  for (const message of messages) if (kept[kept.length - 1] !== message) kept.push(message);
  return { lines: kept.flatMap((m) => m.split('\n')), repeats: messages.length - kept.length };
}

/**
 * Waits until every client's texts are in their topic. `exactlyOnce`: the
 * topic shows precisely what the client sent. Otherwise (a crash) a call whose
 * answer was lost with the process may be sent again — the Bot API has no
 * idempotency key — so an immediate repeat of a queue's head is tolerated and
 * counted; nothing may be missing or out of order. Returns the repeats.
 */
async function expectDelivered(control: SandboxControl, group: number, sent: Map<User, string[]>, timeoutMs: number, exactlyOnce = true) {
  const deadline = Date.now() + timeoutMs;
  let repeats = 0;
  for (const [client, texts] of sent) {
    let messages: string[] = [];
    while (Date.now() < deadline) {
      messages = await topicMessages(control, group, client);
      if (collapse(messages).lines.length >= texts.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (exactlyOnce) {
      expect(messages.flatMap((m) => m.split('\n'))).toEqual(texts);
    } else {
      const collapsed = collapse(messages);
      expect(collapsed.lines).toEqual(texts);
      expect(collapsed.repeats).toBeLessThanOrEqual(1);
      repeats += collapsed.repeats;
    }
  }
  return repeats;
}

describe('the relay under Telegram\'s limits and failures', () => {
  let t: TelegramWorld | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('20 clients × 50 messages with 10% of calls failing and limits on: every message in its topic, in order, exactly once', async () => {
    t = await startTelegramWorld({
      start: { telegramLimits: { ...TELEGRAM_LIMITS, timeScale: TIME_SCALE }, outbox: { callTimeoutMs: 2000 } },
    });
    await t.control.setLimits({ enabled: true, time_scale: TIME_SCALE });
    await t.control.setFaults({ error_rate: 0.1, seed: 42 });
    const sent = new Map<User, string[]>();
    for (let c = 0; c < 20; c++) sent.set(await t.newClient(`R${c}`), []);
    for (let i = 0; i < 50; i++) {
      await Promise.all(
        [...sent].map(async ([client, texts]) => {
          const text = `${client.first_name}: ${i}`;
          texts.push(text);
          await t!.control.sendMessage({ from: client.id, text });
        }),
      );
    }
    await expectDelivered(t.control, t.group, sent, 120_000);
    const stats = await t.control.stats();
    expect(stats.faults.error ?? 0).toBeGreaterThan(0);
  }, 180_000);
});

describe('a crash in the middle of a burst', () => {
  let emulator: StartedEmulator | undefined;
  let app: HotlineProcess | undefined;
  afterEach(async () => {
    if (app && app.child.exitCode === null) {
      app.child.kill('SIGKILL');
      await app.exited;
    }
    await emulator?.close();
  });

  it('the process is killed (SIGKILL) and restarted: nothing lost, order kept, at most the in-flight calls repeated', async () => {
    emulator = await startEmulator();
    const control = emulator.control;
    const bot = await control.createBot({ token: BOT_TOKEN, username: 'hotline_test_bot', first_name: 'Hotline' });
    const manager = await control.createUser({ first_name: 'Мария' });
    const group = await control.createGroup({ title: 'Менеджеры', member_ids: [manager.id], bot_ids: [bot.id] });
    const database = await testDatabase();
    const env = {
      DATA_DIR: database.dataDir,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_API_ROOT: emulator.apiRoot,
      TELEGRAM_MANAGERS_CHAT_ID: String(group.id),
      LOG_LEVEL: 'warn',
    };
    app = await spawnHotline(env);
    await waitForStatus(`${app.url}/readyz`, 200, 60_000);

    const sent = new Map<User, string[]>();
    for (let c = 0; c < 5; c++) sent.set(await control.createUser({ first_name: `K${c}` }), []);
    const burst = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        await Promise.all(
          [...sent].map(async ([client, texts]) => {
            const text = `${client.first_name}: ${i}`;
            texts.push(text);
            await control.sendMessage({ from: client.id, text });
          }),
        );
      }
    };
    await burst(0, 20);
    // Some are mirrored already, some are in the outbox, some not yet fetched.
    await control.waitFor({ chat_id: group.id, min_count: 10, timeout_ms: 30_000 });
    app.child.kill('SIGKILL');
    await app.exited;
    await burst(20, 40);

    app = await spawnHotline(env);
    await waitForStatus(`${app.url}/readyz`, 200, 60_000);
    const repeats = await expectDelivered(control, group.id, sent, 150_000, false);
    // At most the calls in flight when the process died: one per queue.
    expect(repeats).toBeLessThanOrEqual(sent.size);
    await database.cleanup();
  }, 240_000);
});
