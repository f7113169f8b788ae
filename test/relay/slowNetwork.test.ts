/**
 * Issue 15 (follow-up): a lasting slow network. Telegram applies each call at
 * once but answers later than the outbox's answer timeout (the emulator's
 * `latency_ms` fault). The Bot API has no idempotency key, so the outbox
 * repeats a message whose answer was lost, marked — but the repeat waits
 * longer for its answer, so a message is shown at most twice (the second
 * marked), not once per timeout. And a call Telegram never applied (the
 * emulator's dropped connection) is still delivered: nothing is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPEAT_MARK } from '../../src/jobs/outboxFailures.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a slow network: answers come after the outbox\'s answer timeout', () => {
  let t: TelegramWorld;
  beforeAll(async () => {
    t = await startTelegramWorld({ start: { outbox: { callTimeoutMs: 2000 } } });
  });
  afterAll(async () => {
    await t?.control.clearFaults();
    await t?.stop();
  });

  it('a text and an album are each shown at most twice, the second marked as a repeat', async () => {
    const client = await t.newClient('Медленный');
    await t.control.sendMessage({ from: client.id, text: 'раз' });
    const topic = await t.waitForTopic(client, { textIncludes: 'раз' });

    // Every message call is applied at once and answered 2.5 s later (the outbox gives up at 2 s).
    await t.control.setFaults({ latency_ms: 2500, methods: ['copyMessage', 'copyMessages', 'sendMessage'] });
    await t.control.sendMessage({ from: client.id, text: 'платёжка отправлена' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: `${REPEAT_MARK}\nплатёжка`, timeout_ms: 30_000 });
    const album = `slow-${Date.now()}`;
    for (let i = 0; i < 3; i++) {
      await t.control.sendMessage({ from: client.id, media: { type: 'photo', size: 3000 }, media_group_id: album, ...(i === 0 ? { caption: 'Документы' } : {}) });
    }
    await expect
      .poll(async () => visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).filter((m) => m.media?.type === 'photo').length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(3);
    // Long enough for several more timeouts, had the repeat been repeated too.
    await sleep(15_000);
    await t.control.clearFaults();
    await sleep(2000);

    const shown = visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).filter((m) => m.from?.is_bot);
    const texts = shown.map((m) => m.text ?? m.caption ?? '');
    expect(texts.filter((x) => x.includes('платёжка отправлена'))).toEqual(['платёжка отправлена', `${REPEAT_MARK}\nплатёжка отправлена`]);
    const photos = shown.filter((m) => m.media?.type === 'photo');
    expect(photos.length).toBeGreaterThanOrEqual(3);
    expect(photos.length).toBeLessThanOrEqual(6);
    // The album's captions: the first copy's, and the marked repeat's (or a mark as a note before it).
    const captions = photos.map((m) => m.caption ?? '').filter((c) => c.includes('Документы'));
    expect(captions.length).toBe(photos.length / 3);
    if (photos.length > 3) expect(texts.filter((x) => x === REPEAT_MARK)).toHaveLength(1);
  }, 90_000);

  it('a call never applied (the connection dropped without an answer) still delivers the message', async () => {
    const client = await t.newClient('Обрыв');
    await t.control.sendMessage({ from: client.id, text: 'первое' });
    const topic = await t.waitForTopic(client, { textIncludes: 'первое' });
    await t.control.setFaults({ timeout_rate: 1, hold_ms: 500, methods: ['copyMessage', 'sendMessage'] });
    await t.control.sendMessage({ from: client.id, text: 'дойди, пожалуйста' });
    await sleep(6000);
    await t.control.clearFaults();
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'дойди, пожалуйста', timeout_ms: 60_000 });
    const texts = visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).map((m) => m.text ?? '');
    expect(texts.filter((x) => x.includes('дойди, пожалуйста'))).toHaveLength(1);
  }, 90_000);
});
