/**
 * The deal flow with a long dialog, the built app in its own process on
 * PostgreSQL and the emulator in this one (limits off):
 * - a client's topic is filled with 10,000 messages through the emulator at
 *   full speed (client texts and manager answers alternating, as the relay
 *   receives them in production), 20 manager answers are marked /skip;
 * - auto-accept: three times the manager types /new, signs in by the link,
 *   saves the request and then the offer, which accepts it; timed from saving
 *   the offer until the request's chat holds every non-skipped message (read
 *   in the database), and until the action card is pinned in the topic;
 * - `/rate` in the topic → the pinned card edited (the emulator's
 *   editMessageText of the card, with the new rate on it): p50/p99 of 50
 *   edits one after another, three runs.
 *
 * `npx tsx bench/dealFlow.ts` prints the figures; `run()` returns them.
 * BENCH_DEAL_MESSAGES (default 10000) and BENCH_EDITS (default 50) tune it.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { MessageEntity } from '@grammyjs/types';
import { startEmulator } from '../src/sandbox/standalone.js';
import { ApiClient, validOffer, validRequest } from '../test/helpers/app.js';
import { freePort, freshPostgres, groupMessage, median, onEmulatorEvent, quantile, spawnBuilt, stop, tempDir, until, waitFor, type Figure } from './lib.js';

const TOKEN = '1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const MESSAGES = Number(process.env.BENCH_DEAL_MESSAGES ?? 10_000);
const EDITS = Number(process.env.BENCH_EDITS ?? 50);
const SKIPPED = 20;
const RUNS = 3;
/** Requests to the emulator's control API in flight while filling the topic. */
const IN_FLIGHT = 16;
/** The copy runs in the save's own transaction, so this is how long the manager's «Сохранить» takes: within a second a click keeps its flow. */
const ACCEPT_TARGET_MS = 1000;
/** Issue 6: p99 ≤ 100 ms with limits off — two queue hops (the command's transaction, then the outbox's edit) and rendering. */
const EDIT_TARGET_MS = 100;

const count = async (db: pg.Client, sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);

export async function run(): Promise<Figure[]> {
  const started = await startEmulator();
  const { emulator, control } = started;
  emulator.createBot({ token: TOKEN, username: 'bench_bot', firstName: 'Bench' });
  const manager = emulator.createUser({ first_name: 'Мария', last_name: 'Менеджер' });
  const group = emulator.createGroup({ title: 'Менеджеры', memberIds: [manager.id] }).chat.id;
  const client = emulator.createUser({ first_name: 'Длинный', last_name: 'Диалог', language_code: 'ru' });
  const database = await freshPostgres();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = spawnBuilt({
    PORT: String(port),
    PUBLIC_URL: base,
    DATA_DIR: tempDir(),
    DATABASE_URL: database.url,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: started.apiRoot,
    TELEGRAM_MANAGERS_CHAT_ID: String(group),
    TELEGRAM_RATE_LIMITS: 'off',
  });
  const db = new pg.Client({ connectionString: database.url });
  // Moments (performance.now()) the bot posted, pinned or edited something in the group, for the waits below.
  const listeners = new Set<(type: string, messageId: number, at: number) => void>();
  onEmulatorEvent(emulator, (event) => {
    if (event.chat_id !== group || event.message_id === undefined) return;
    const at = performance.now();
    for (const listener of listeners) listener(event.type, event.message_id, at);
  });
  const nextEvent = (match: (type: string, messageId: number) => boolean, timeoutMs = 60_000) =>
    new Promise<{ messageId: number; at: number }>((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error('dealflow: the emulator saw no expected change'));
      }, timeoutMs);
      const listener = (type: string, messageId: number, at: number) => {
        if (!match(type, messageId)) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve({ messageId, at });
      };
      listeners.add(listener);
    });
  const outboxDrained = () => until(async () => (await count(db, "select count(*) as n from telegram_outbox where state = 'pending'")) === 0, 'the outbox to drain', 600_000, 50);

  try {
    await waitFor(`${base}/readyz`);
    await db.connect();

    // The topic, then 10,000 messages into it.
    await control.sendMessage({ from: client.id, text: 'Здравствуйте, нужно оплатить инвойс' });
    await until(async () => (await count(db, 'select count(*) as n from dialogs where topic_id is not null')) === 1, 'the topic', 60_000, 20);
    const [dialog] = (await db.query<{ id: number; topic_id: number }>('select id, topic_id from dialogs')).rows;
    const threadId = Number(dialog!.topic_id);
    const managerMessages: number[] = [];
    const fillStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = next++; i < MESSAGES; i = next++) {
          if (i % 2 === 0) await control.sendMessage({ from: client.id, text: `Сообщение клиента №${i}: сумма, валюта, реквизиты` });
          else {
            const [sent] = await control.sendMessage({ from: manager.id, chat_id: group, message_thread_id: threadId, text: `Ответ менеджера №${i}` });
            managerMessages.push(sent!.message_id);
          }
        }
      }),
    );
    // +1: the first message that opened the topic.
    await until(async () => (await count(db, 'select count(*) as n from messages where dialog_id = $1', [dialog!.id])) >= MESSAGES + 1, 'the dialog to hold every message', 1_200_000, 200);
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    for (const messageId of managerMessages.slice(0, SKIPPED)) {
      await control.sendMessage({ from: manager.id, chat_id: group, message_thread_id: threadId, text: '/skip', reply_to_message_id: messageId });
    }
    await until(async () => (await count(db, 'select count(*) as n from messages where dialog_id = $1 and skip', [dialog!.id])) === SKIPPED, 'the skips', 60_000, 20);
    await outboxDrained();

    // Auto-accept, three deals in the same dialog (a returning client): each copies the whole history.
    const acceptMs: number[] = [];
    const cardMs: number[] = [];
    const chatPageMs: number[] = [];
    let copied = 0;
    let requestId = 0;
    for (let runNo = 0; runNo < RUNS; runNo++) {
      const linkPosted = nextEvent((type, messageId) => {
        if (type !== 'message') return false;
        const message = groupMessage(emulator, group, messageId);
        return Boolean(message?.entities?.some((e: MessageEntity) => e.type === 'text_link' && e.url.includes('/new?')));
      });
      await control.sendMessage({ from: manager.id, chat_id: group, message_thread_id: threadId, text: '/new' });
      const link = groupMessage(emulator, group, (await linkPosted).messageId)!;
      const url = new URL((link.entities!.find((e) => e.type === 'text_link') as MessageEntity.TextLinkMessageEntity).url);
      const session = new ApiClient(base);
      const signedIn = await session.post('/api/auth/link', { token: url.searchParams.get('token'), query: Object.fromEntries(url.searchParams) });
      if (signedIn.status !== 200) throw new Error(`dealflow: link sign-in answered ${signedIn.status}`);
      session.csrfToken = signedIn.body.csrfToken;
      const created = await session.post('/api/requests', validRequest({ dialogId: Number(url.searchParams.get('dialog')) }));
      if (created.status !== 200) throw new Error(`dealflow: request answered ${created.status} ${JSON.stringify(created.body)}`);
      requestId = created.body.id;
      const expected = await count(db, 'select count(*) as n from messages where dialog_id = $1 and not skip', [dialog!.id]);

      const pinned = nextEvent((type) => type === 'pin');
      const saved = performance.now();
      const offer = await session.post(`/api/requests/${requestId}/offers`, validOffer());
      if (offer.status !== 200 || !offer.body.autoAccepted) throw new Error(`dealflow: offer answered ${offer.status} ${JSON.stringify(offer.body)}`);
      await until(async () => (await count(db, 'select count(*) as n from request_messages where request_id = $1', [requestId])) === expected, "the request's chat", 60_000, 2);
      acceptMs.push(performance.now() - saved);
      cardMs.push((await pinned).at - saved);
      copied = expected;
      const pageStarted = performance.now();
      const page = await session.get(`/api/requests/${requestId}/messages`);
      chatPageMs.push(performance.now() - pageStarted);
      if (page.status !== 200 || page.body.length !== 100) throw new Error(`dealflow: the chat page answered ${page.status} with ${page.body?.length} messages`);
      await outboxDrained();
    }

    // /rate → the card edited, on the last deal's card.
    const [card] = (await db.query<{ message_id: number }>('select message_id from action_cards where request_id = $1', [requestId])).rows;
    const cardId = Number(card!.message_id);
    const p50s: number[] = [];
    const p99s: number[] = [];
    let cents = 1225;
    for (let runNo = 0; runNo < RUNS; runNo++) {
      const latencies: number[] = [];
      for (let i = 0; i < EDITS; i++) {
        cents += cents % 10 === 9 ? 2 : 1; // no trailing zero, so the card shows exactly what was typed
        const rate = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
        const shown = `Курс: ${rate.replace('.', ',')} `;
        const edited = nextEvent((type, messageId) => type === 'edit' && messageId === cardId && Boolean(groupMessage(emulator, group, cardId)?.text?.includes(shown)), 30_000);
        const sent = performance.now();
        await control.sendMessage({ from: manager.id, chat_id: group, message_thread_id: threadId, text: `/rate ${rate}` });
        latencies.push((await edited).at - sent);
        await outboxDrained();
      }
      p50s.push(quantile(latencies, 0.5));
      p99s.push(quantile(latencies, 0.99));
    }

    const accept = median(acceptMs);
    const editP99 = median(p99s);
    return [
      {
        area: 'Deal flow',
        what: `filling one topic through the emulator at full speed: ${MESSAGES.toLocaleString('en')} messages (client texts and manager answers alternating), until all are stored`,
        value: `${fillSeconds.toFixed(0)} s (${Math.round(MESSAGES / fillSeconds)}/s)`,
      },
      {
        area: 'Deal flow',
        what: `auto-accept with ${MESSAGES.toLocaleString('en')} dialog messages: saving the offer → the request's chat holds all ${copied.toLocaleString('en')} non-skipped messages (median of ${RUNS})`,
        value: `${Math.round(accept)} ms`,
        target: `≤ ${ACCEPT_TARGET_MS / 1000} s`,
        ok: accept <= ACCEPT_TARGET_MS,
      },
      {
        area: 'Deal flow',
        what: `…and → the action card pinned in the topic; then the request's chat, newest 100 (median of ${RUNS})`,
        value: `${Math.round(median(cardMs))} ms; ${median(chatPageMs).toFixed(1)} ms`,
      },
      {
        area: 'Deal flow',
        what: `\`/rate 12.26\` in the topic → the pinned card edited with the new rate: p50 / p99 (${EDITS} edits one after another, median of ${RUNS} runs)`,
        value: `${Math.round(median(p50s))} / ${Math.round(editP99)} ms`,
        target: `p99 ≤ ${EDIT_TARGET_MS} ms`,
        ok: editP99 <= EDIT_TARGET_MS,
      },
    ];
  } finally {
    await db.end().catch(() => undefined);
    await stop(app);
    await started.close();
    await database.drop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await run()) console.log(`${figure.what}: ${figure.value}${figure.target ? ` (target ${figure.target})` : ''}`);
}
