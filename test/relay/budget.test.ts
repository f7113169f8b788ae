/**
 * Issue 21.1: under Telegram's limits (on in Hotline and in the emulator,
 * time-scaled) a managers' group's budget serves the clients' words first.
 * Cards, card refreshes and title changes wait while clients' lines are due,
 * and still arrive; nothing is lost, doubled or out of order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { User } from '@grammyjs/types';
import { TELEGRAM_LIMITS } from '../../src/jobs/rateLimits.js';
import type { SandboxControl } from '../../src/sandbox/control.js';
import type { TranscriptMessage } from '../../src/sandbox/transcript.js';
import { startTelegramWorld, topicClientName, type TelegramWorld } from '../helpers/telegram.js';

/** Telegram's windows shrunk 20×: "20 per minute" per group becomes 20 per 3 s. */
const TIME_SCALE = 0.05;
const CLIENTS = 5;
const LINES = 6;

const isCard = (m: TranscriptMessage) => !m.service && !m.deleted && (m.text ?? '').includes('Telegram ID:');

/** The group's messages of one client's topic, as the manager reads them (service messages kept: a rename is one). */
async function topicOf(control: SandboxControl, group: number, client: User): Promise<TranscriptMessage[]> {
  const chat = await control.transcript(group);
  const topic = chat.topics.find((x) => !x.deleted && topicClientName(x.name) === client.first_name);
  if (!topic) return [];
  return (await control.transcript(group, { thread_id: topic.message_thread_id })).messages;
}

/** The client's lines as the topic shows them (a merged mirror holds several, one a line). */
const linesOf = (messages: TranscriptMessage[], client: User) =>
  messages
    .filter((m) => !m.service && !m.deleted)
    .flatMap((m) => (m.text ?? '').split('\n'))
    .filter((line) => line.startsWith(`${client.first_name}:`));

/** Waits until every client's lines and card are in their topic; returns each client's topic. */
async function settled(control: SandboxControl, group: number, sent: Map<User, string[]>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const topics = new Map<User, TranscriptMessage[]>();
  for (const [client, texts] of sent) {
    let messages: TranscriptMessage[] = [];
    while (Date.now() < deadline) {
      messages = await topicOf(control, group, client);
      if (linesOf(messages, client).length >= texts.length && messages.some(isCard)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    topics.set(client, messages);
  }
  return topics;
}

describe('the group\'s budget under Telegram\'s limits: the clients\' words first', () => {
  let t: TelegramWorld | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it(`${CLIENTS} new clients × ${LINES} messages at once: every client's lines arrive before any card, each card still arrives, every line once and in order, no 429`, async () => {
    const sent = new Map<User, string[]>();
    t = await startTelegramWorld({
      start: { telegramLimits: { ...TELEGRAM_LIMITS, timeScale: TIME_SCALE } },
      // The burst is waiting for the bot when it starts: all of it is there at once.
      beforeStart: async (control) => {
        await control.setLimits({ enabled: true, time_scale: TIME_SCALE });
        for (let c = 0; c < CLIENTS; c++) sent.set(await control.createUser({ first_name: `N${c}`, language_code: 'ru' }), []);
        for (let i = 0; i < LINES; i++) {
          for (const [client, texts] of sent) {
            const text = `${client.first_name}: ${i}`;
            texts.push(text);
            await control.sendMessage({ from: client.id, text });
          }
        }
      },
    });
    const topics = await settled(t.control, t.group, sent, 60_000);
    const cards: number[] = [];
    const firstLines: number[] = [];
    for (const [client, texts] of sent) {
      const messages = topics.get(client)!;
      // Every line once, in the order the client wrote them.
      expect(linesOf(messages, client)).toEqual(texts);
      // The card that waited still arrived: one per topic.
      expect(messages.filter(isCard)).toHaveLength(1);
      cards.push(messages.find(isCard)!.message_id);
      firstLines.push(messages.find((m) => !m.service && (m.text ?? '').startsWith(`${client.first_name}:`))!.message_id);
    }
    // Message ids grow with time in a group: every client's first line was on screen before any card.
    expect(Math.max(...firstLines)).toBeLessThan(Math.min(...cards));
    // Within the limits the emulator enforces (Telegram's): nothing had to be refused.
    expect((await t.control.stats()).too_many_requests).toBe(0);
  }, 120_000);

  it('new clients whose lines keep coming while their topics are created: the topic takes the message\'s place in the budget, and each client\'s lines go out as one message', async () => {
    // One message a (scaled) minute per group in Hotline (the emulator allows Telegram's 20): a new client's topic
    // spends the whole window, so the first line's message waits a window for its own place — while the client's
    // next lines arrive. They go out with it, not a window later on their own.
    const windowScale = 0.1;
    t = await startTelegramWorld({ start: { telegramLimits: { ...TELEGRAM_LIMITS, perGroupPerMinute: 1, timeScale: windowScale } } });
    await t.control.setLimits({ enabled: true, time_scale: windowScale });
    const sent = new Map<User, string[]>();
    for (let c = 0; c < 2; c++) {
      const client = await t.newClient(`W${c}`);
      const texts = [`${client.first_name}: 0`];
      sent.set(client, texts);
      await t.control.sendMessage({ from: client.id, text: texts[0]! });
      // The topic is there: its message now waits for the group's next place.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !(await t.control.transcript(t.group)).topics.some((x) => !x.deleted && topicClientName(x.name) === client.first_name)) {
        await new Promise((r) => setTimeout(r, 50));
      }
      for (let i = 1; i < LINES; i++) {
        texts.push(`${client.first_name}: ${i}`);
        await t.control.sendMessage({ from: client.id, text: texts.at(-1)! });
      }
    }
    for (const [client, texts] of sent) {
      const deadline = Date.now() + 60_000;
      let messages: TranscriptMessage[] = [];
      while (Date.now() < deadline && linesOf((messages = await topicOf(t.control, t.group, client)), client).length < texts.length) await new Promise((r) => setTimeout(r, 100));
      expect(linesOf(messages, client)).toEqual(texts);
      // One message of the client's lines: the first line's call took the lines that came while it waited.
      expect(messages.filter((m) => !m.service && !m.deleted && (m.text ?? '').startsWith(`${client.first_name}:`))).toHaveLength(1);
    }
    expect((await t.control.stats()).too_many_requests).toBe(0);
  }, 120_000);

  it(`${CLIENTS} clients with topics already, ${LINES} messages each at once: every line of the burst is on screen before the first title change (🟢 → 🔴), all once and in order, no 429`, async () => {
    t = await startTelegramWorld({ start: { telegramLimits: { ...TELEGRAM_LIMITS, timeScale: TIME_SCALE } } });
    await t.control.setLimits({ enabled: true, time_scale: TIME_SCALE });
    const sent = new Map<User, string[]>();
    for (let c = 0; c < CLIENTS; c++) {
      const client = await t.newClient(`E${c}`);
      sent.set(client, [`${client.first_name}: hello`]);
      await t.control.sendMessage({ from: client.id, text: `${client.first_name}: hello` });
    }
    await settled(t.control, t.group, sent, 60_000);
    // A manager answers each: the dialogs stop waiting (🟢), so the burst turns every title back to 🔴.
    for (const client of sent.keys()) {
      const messages = await topicOf(t.control, t.group, client);
      const threadId = messages[0]!.message_thread_id!;
      await t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: threadId, text: 'Здравствуйте!' });
      await t.control.waitFor({ chat_id: client.id, text_includes: 'Здравствуйте!' });
    }
    // Let the answers' renames (🟢) settle before the burst.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(await t.control.transcript(t.group)).topics.every((x) => x.name.startsWith('🟢'))) await new Promise((r) => setTimeout(r, 100));
    const before = (await t.control.transcript(t.group)).messages.reduce((max, m) => Math.max(max, m.message_id), 0);

    for (let i = 0; i < LINES; i++) {
      for (const [client, texts] of sent) {
        const text = `${client.first_name}: ${i}`;
        texts.push(text);
        await t.control.sendMessage({ from: client.id, text });
      }
    }
    // Every title shows the dialog waiting again once the burst is through.
    const until = Date.now() + 60_000;
    while (Date.now() < until && !(await t.control.transcript(t.group)).topics.every((x) => x.name.startsWith('🔴'))) await new Promise((r) => setTimeout(r, 100));
    const topics = await settled(t.control, t.group, sent, 60_000);
    const lastLines: number[] = [];
    const renames: number[] = [];
    for (const [client, texts] of sent) {
      const messages = topics.get(client)!;
      expect(linesOf(messages, client)).toEqual(texts);
      lastLines.push(messages.filter((m) => !m.service && (m.text ?? '').startsWith(`${client.first_name}:`)).at(-1)!.message_id);
      renames.push(...messages.filter((m) => m.service === 'forum_topic_edited' && m.message_id > before).map((m) => m.message_id));
    }
    expect(renames.length).toBeGreaterThan(0);
    // The first renamed title came after the last line of the burst: the clients' words went first.
    expect(Math.max(...lastLines)).toBeLessThan(Math.min(...renames));
    expect((await t.control.stats()).too_many_requests).toBe(0);
  }, 180_000);
});
