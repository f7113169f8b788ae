/**
 * Scenario 5 — the file storage's disk is full (a 2 MB tmpfs, mostly taken):
 * a client's document bigger than the free space is relayed all the same, the
 * document says its intake failed and will be retried, and once space is
 * freed the retry stores it.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { STORE_FAILED_ERROR } from '../../src/jobs/media.js';
import { tempDir } from '../helpers/database.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { acceptDeal } from '../documents/helpers.js';
import { recordResult } from './report.js';
import { sleep, tally } from './world.js';

const MIB = 1024 * 1024;

let t: TelegramWorld | undefined;
let mounted: string | undefined;
afterAll(async () => {
  await t?.stop();
  if (mounted) execFileSync('umount', [mounted]);
  if (mounted) fs.rmSync(mounted, { recursive: true, force: true });
});

interface Listed {
  id: number;
  name: string;
  size: number | null;
  state: string;
  error: string | null;
}

describe('disk full', () => {
  it('a document bigger than the free space: relayed, the intake says it failed and will retry, stored once space is freed', async () => {
    const dir = tempDir('hotline-tmpfs-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
    mounted = dir;
    // Someone else's files take 1.5 MB of the 2 MB.
    const filler = path.join(dir, 'other-files.bin');
    fs.writeFileSync(filler, Buffer.alloc(1.5 * MIB, 1));

    t = await startTelegramWorld({ env: { STORAGE_URL: pathToFileURL(dir).href } });
    const client = await t.newClient('Диск');
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(MIB)]);
    await t.control.sendMessage({
      from: client.id,
      media: { type: 'document', base64: pdf.toString('base64'), file_name: 'invoice.pdf', mime_type: 'application/pdf' },
    });
    await t.control.sendMessage({ from: client.id, text: 'Диск: инвойс выше' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Диск: инвойс выше' });
    const shown = visible(topic).filter((m) => m.from?.is_bot && (m.media?.file_name === 'invoice.pdf' || m.text?.startsWith('Диск:')));
    const { requestId, manager } = await acceptDeal(t, topic.threadId);

    const list = async () => ((await manager.get(`/api/requests/${requestId}/documents`)).body as Listed[]).filter((d) => d.name === 'invoice.pdf');
    let failedAs: Listed | undefined;
    await expect
      .poll(async () => (failedAs = (await list())[0])?.error ?? '', { timeout: 60_000, interval: 500 })
      .toContain(STORE_FAILED_ERROR);
    // The bytes that did fit were cleaned up: only the filler is on the disk.
    const leftovers = fs.readdirSync(dir, { recursive: true }).filter((f) => !String(f).startsWith('other-files') && fs.statSync(path.join(dir, String(f))).isFile());

    fs.rmSync(filler);
    const freedAt = Date.now();
    let stored: Listed | undefined;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(500)) {
      stored = (await list())[0];
      if (stored?.state === 'stored') break;
    }
    const storedAt = stored?.state === 'stored' ? Date.now() : null;
    const download = stored?.state === 'stored' ? await fetch(`${t.hotline.url}/api/documents/${stored.id}/download`, { headers: { cookie: manager.cookie } }) : undefined;
    const bytes = download?.ok ? Buffer.from(await download.arrayBuffer()) : Buffer.alloc(0);

    const messages = tally(['invoice.pdf', 'Диск: инвойс выше'], shown.map((m) => m.media?.file_name ?? m.text ?? ''), () => true, false);
    const files = tally(['invoice.pdf'], bytes.equals(pdf) ? ['invoice.pdf'] : [], () => true, false);
    const passed =
      messages.delivered === 2 && messages.duplicated === 0 && messages.outOfOrder === 0 && failedAs?.state === 'pending' && leftovers.length === 0 && files.delivered === 1;
    recordResult('diskFull', {
      order: 5,
      title: 'Disk full for file storage',
      setup:
        'File storage (`STORAGE_URL=file://…`) on a 2 MB tmpfs with 1.5 MB taken; a client sends a 1 MB PDF and a text. ' +
        'Once the document shows the failure, the 1.5 MB are deleted. One in-process instance, polling, no flood limits.',
      rows: [
        { direction: 'client → topic (document and text)', tally: messages },
        { direction: 'document → file storage', tally: files },
      ],
      drainSeconds: storedAt === null ? null : (storedAt - freedAt) / 1000,
      notes: [
        `While the disk was full the request's Documents list showed the file as «${failedAs?.state}» with «${failedAs?.error}»; the partial file was removed (${leftovers.length} left over).`,
        'Drain here is the time from freeing the space until the retried intake job had stored the file (pg-boss retries with backoff from 5 s).',
      ],
      passed,
    });

    // The message and the document are in the topic, once, in order, while the disk is full.
    expect(shown.map((m) => m.media?.file_name ?? m.text)).toEqual(['invoice.pdf', 'Диск: инвойс выше']);
    expect(failedAs).toMatchObject({ state: 'pending', error: expect.stringMatching(/no space left on device/i) });
    expect(leftovers).toEqual([]);
    expect(stored).toMatchObject({ state: 'stored', size: pdf.length, error: null });
    expect(bytes.equals(pdf)).toBe(true);
    expect(passed).toBe(true);
  }, 300_000);
});
