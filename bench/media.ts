/**
 * Media intake, in one process with the emulator (as the tests run it):
 * - files per second from the emulator into storage: clients send 1 MB
 *   photos, timed until every document is stored (getFile, download, SHA-256,
 *   type sniffing, the row updated);
 * - peak memory while one 20 MB document streams from the emulator into
 *   storage: RSS sampled every 10 ms during the download, minus RSS just
 *   before it. The emulator keeps its copy in memory before the download
 *   starts, so the growth is what the intake itself holds. Target: flat, well
 *   under the file's size (stream, never buffer whole files).
 */
import { eq, inArray, and } from 'drizzle-orm';
import { Api } from 'grammy';
import { documents } from '../src/db/schema.js';
import { MediaIntake } from '../src/jobs/media.js';
import { BOT_TOKEN, startTelegramWorld } from '../test/helpers/telegram.js';
import type { Figure } from './lib.js';

const PHOTOS = 40;
const MB = 1024 * 1024;

const jpeg = (size: number) => {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) bytes[i] = (i * 31) & 0xff;
  bytes.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01], 0);
  return bytes;
};

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('media bench: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function run(): Promise<Figure[]> {
  const t = await startTelegramWorld();
  try {
    const db = t.hotline.database().db;
    const clients = await Promise.all(Array.from({ length: 8 }, (_, i) => t.newClient(`Медиа ${i}`)));
    const photo = jpeg(MB).toString('base64');
    // Warm up: topics exist before the clock starts.
    for (const client of clients) await t.control.sendMessage({ from: client.id, text: 'привет' });
    for (const client of clients) await t.waitForTopic(client, { minCount: 2 });

    const started = performance.now();
    await Promise.all(
      Array.from({ length: PHOTOS }, (_, i) => t.control.sendMessage({ from: clients[i % clients.length]!.id, media: { type: 'photo', base64: photo } })),
    );
    await until(async () => (await db.select({ id: documents.id }).from(documents).where(eq(documents.state, 'stored'))).length >= PHOTOS, 120_000);
    const seconds = (performance.now() - started) / 1000;
    const filesPerSecond = PHOTOS / seconds;

    // One 20 MB document: received and stored once, then streamed again while RSS is sampled.
    const size = 20 * MB - 4096;
    await t.control.sendMessage({ from: clients[0]!.id, media: { type: 'document', size, file_name: 'big.pdf', mime_type: 'application/pdf' } });
    let big: typeof documents.$inferSelect | undefined;
    await until(async () => {
      [big] = await db.select().from(documents).where(and(eq(documents.name, 'big.pdf'), inArray(documents.state, ['stored', 'failed', 'too_large'])));
      return Boolean(big);
    }, 120_000);
    const [again] = await db
      .insert(documents)
      .values({ dialogId: big!.dialogId, messageId: big!.messageId, source: 'chat', name: 'big-again.pdf', telegramFileId: big!.telegramFileId })
      .returning();
    global.gc?.();
    await new Promise((r) => setTimeout(r, 200));
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const intake = new MediaIntake(t.hotline.context(), new Api(BOT_TOKEN, { apiRoot: t.emulator.apiRoot }));
    const streamStarted = performance.now();
    await intake.download({ documentId: again!.id });
    const streamMs = performance.now() - streamStarted;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMb = (peak - before) / MB;

    return [
      {
        area: 'media',
        what: `media intake: 1 MB photos from the emulator into storage (${PHOTOS} photos, 8 clients, PGlite)`,
        value: `${filesPerSecond.toFixed(1)} files/s`,
      },
      {
        area: 'media',
        what: `memory while streaming a 20 MB document into storage (${Math.round(streamMs)} ms): RSS growth over the download`,
        value: `+${growthMb.toFixed(1)} MB (peak ${Math.round(peak / MB)} MB)`,
        target: '< 10 MB growth (flat, not proportional to the file)',
        ok: growthMb < 10,
      },
    ];
  } finally {
    await t.stop();
  }
}
