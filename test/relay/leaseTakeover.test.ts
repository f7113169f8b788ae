/**
 * Issue 21.3: a crash costs seconds, not a lease. An outbox row leased by an
 * instance that is gone (its heartbeat stopped mid-call) is taken over by
 * another instance at once — here the lease is an hour long, so only the
 * holder's death can free it — and sent again marked as a possible repeat.
 * The real SIGKILL of a process is in the fault suite (test/faults/takeover.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from 'grammy';
import { TelegramOutbox } from '../../src/jobs/telegramOutbox.js';
import { Instance } from '../../src/db/instances.js';
import { REPEAT_MARK } from '../../src/jobs/outboxFailures.js';
import { BOT_TOKEN, startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';

const HOUR = 3_600_000;

describe('an instance gone mid-call (21.3)', () => {
  let t: TelegramWorld;
  let doomed: { instance: Instance; outbox: TelegramOutbox } | undefined;
  let survivor: { instance: Instance; outbox: TelegramOutbox } | undefined;

  /** Another Hotline instance's outbox on the same database, with its own heartbeat; leases last an hour. */
  async function instance() {
    const context = t.hotline.context();
    const own = new Instance(context.database, context.log);
    await own.start();
    const outbox = new TelegramOutbox(context, new Api(BOT_TOKEN, { apiRoot: t.emulator.apiRoot }), {
      limits: false,
      leaseMs: HOUR,
      callTimeoutMs: HOUR,
      instance: own.id,
    });
    outbox.start();
    return { instance: own, outbox };
  }

  beforeAll(async () => {
    // The app's own outbox sends nothing here (no slots): the two instances below do.
    t = await startTelegramWorld({ start: { outbox: { concurrency: 0 } } });
  });
  afterAll(async () => {
    await t?.control.clearFaults();
    await survivor?.outbox.stop();
    await survivor?.instance.stop();
    await t?.stop();
  });

  it('Роман\'s message was out at Telegram when its instance died: another instance sends it at once, marked, and it is shown at most twice', async () => {
    doomed = await instance();
    const roman = await t.newClient('Роман');
    await t.control.sendMessage({ from: roman.id, text: 'здравствуйте' });
    const topic = await t.waitForTopic(roman, { textIncludes: 'здравствуйте' });

    // Telegram shows the next copy but its answer never comes back: the call is still out when the instance dies.
    await t.control.setFaults({ late_rate: 1, methods: ['copyMessage'], hold_ms: HOUR });
    await t.control.sendMessage({ from: roman.id, text: 'платёжка отправлена' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'платёжка отправлена', timeout_ms: 20_000 });
    // It dies (as at a SIGKILL): no more heartbeats, no more rows taken; its call never returns.
    void doomed.outbox.stop();
    await doomed.instance.stop();
    await t.control.clearFaults();

    survivor = await instance();
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: REPEAT_MARK, timeout_ms: 20_000 });
    const texts = visible(await t.control.transcript(t.group, { thread_id: topic.threadId }))
      .filter((m) => m.from?.is_bot)
      .map((m) => m.text ?? '');
    expect(texts.filter((x) => x === 'платёжка отправлена')).toHaveLength(1);
    expect(texts.filter((x) => x === `${REPEAT_MARK}\nплатёжка отправлена`)).toHaveLength(1);

    // The survivor goes on with the next message as usual: shown once, unmarked.
    await t.control.sendMessage({ from: roman.id, text: 'спасибо' });
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'спасибо', timeout_ms: 20_000 });
    const after = visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).map((m) => m.text ?? '');
    expect(after.filter((x) => x.includes('спасибо'))).toEqual(['спасибо']);
  }, 90_000);
});
