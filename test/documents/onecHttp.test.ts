/**
 * ONEC_MODE=http against a stub 1C service that follows docs/1c-http-contract.md:
 * «Документы 1С» → 1C gets the terms (basic auth) → two PDFs in the topic and
 * on the platform, the card says «сформированы (2)»; a 500 is retried after
 * «1С не отвечает, повторю»; a 4xx message reaches the manager as it is.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OneCHttp, type OneCDocumentsRequest } from '../../src/integrations/onec/http.js';
import { openStorage } from '../../src/documents/storage.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { actionCard, dealInTopic, pressCardButton } from './helpers.js';

const pdf = (title: string) => Buffer.from(`%PDF-1.4\n% ${title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`).toString('base64');

/** What the stub does with the next calls, in order (the last one repeats). */
let script: Array<'ok' | 'fail500' | 'reject' | 'slow'> = ['ok'];
const received: Array<{ auth: string | undefined; body: OneCDocumentsRequest }> = [];
const stub = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
  req.on('end', () => {
    const body = JSON.parse(raw) as OneCDocumentsRequest;
    received.push({ auth: req.headers.authorization, body });
    const step = script.length > 1 ? script.shift()! : script[0]!;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    if (step === 'slow') return void setTimeout(() => res.writeHead(200).end('{"documents":[]}'), 1500);
    if (step === 'fail500') return res.writeHead(500).end('{"error":"база заблокирована"}');
    if (step === 'reject') return res.writeHead(422).end(JSON.stringify({ error: `Не заполнен ИНН плательщика в заявке ${body.request.number}` }));
    res.writeHead(200).end(
      JSON.stringify({
        ref: `ref-${body.request.id}`,
        documents: [
          { name: `Поручение агенту ${body.request.number}.pdf`, mime: 'application/pdf', contentBase64: pdf('order') },
          { name: `Счёт на оплату ${body.request.number}.pdf`, mime: 'application/pdf', contentBase64: pdf('invoice') },
        ],
      }),
    );
  });
});

let t: TelegramWorld;
beforeAll(async () => {
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  const port = (stub.address() as AddressInfo).port;
  t = await startTelegramWorld({ env: { ONEC_MODE: 'http', ONEC_URL: `http://127.0.0.1:${port}/hs/hotline/documents`, ONEC_USER: 'hotline', ONEC_PASSWORD: 'секрет' } });
});
afterAll(async () => {
  await t?.stop();
  await new Promise((resolve) => stub.close(resolve));
});

const topicDocuments = async (threadId: number) =>
  visible(await t.control.transcript(t.group)).filter((m) => m.message_thread_id === threadId && m.media?.type === 'document');

describe('1C over HTTP', () => {
  it('«Документы 1С» → 1C gets the terms → two PDFs in the topic and on the platform, the card says so', async () => {
    script = ['ok'];
    const deal = await dealInTopic(t, '1С успех');
    const answer = await pressCardButton(t, deal.threadId, 'Документы 1С');
    expect(answer.answer?.text).toContain('Запросил документы в 1С');
    await expect.poll(async () => (await topicDocuments(deal.threadId)).length, { timeout: 15_000 }).toBe(2);
    const call = received.at(-1)!;
    expect(call.auth).toBe(`Basic ${Buffer.from('hotline:секрет').toString('base64')}`);
    expect(call.body).toMatchObject({ version: 1, request: { id: deal.requestId, amount: expect.any(String), terms: expect.objectContaining({ total: expect.any(String) }) } });
    const listed = (await deal.manager.get(`/api/requests/${deal.requestId}/documents`)).body as Array<{ name: string; source: string; mime: string }>;
    expect(listed.filter((d) => d.source === 'onec').map((d) => d.name)).toEqual([expect.stringMatching(/^Поручение агенту/), expect.stringMatching(/^Счёт на оплату/)]);
    await expect.poll(async () => (await actionCard(t, deal.threadId)).text, { timeout: 10_000 }).toContain('сформированы (2)');
  });

  it('a 500 → «1С не отвечает, повторю», then the retry delivers', async () => {
    script = ['fail500', 'ok'];
    const deal = await dealInTopic(t, '1С сбой');
    await pressCardButton(t, deal.threadId, 'Документы 1С');
    await t.control.waitFor({ chat_id: t.group, message_thread_id: deal.threadId, text_includes: '1С не отвечает, повторю', timeout_ms: 15_000 });
    await expect.poll(async () => (await topicDocuments(deal.threadId)).length, { timeout: 30_000 }).toBe(2);
  });

  it("a 4xx with 1C's message → the manager reads it as it is, nothing is retried", async () => {
    script = ['reject'];
    const deal = await dealInTopic(t, '1С отказ');
    const before = received.length;
    await pressCardButton(t, deal.threadId, 'Документы 1С');
    await t.control.waitFor({ chat_id: t.group, message_thread_id: deal.threadId, text_includes: '1С: Не заполнен ИНН плательщика', timeout_ms: 15_000 });
    await new Promise((r) => setTimeout(r, 3000));
    expect(received.length - before).toBe(1);
  });

  it('1C slower than the timeout → the manager is told once, the call fails so the queue retries it', async () => {
    script = ['slow'];
    const deal = await dealInTopic(t, '1С медленно');
    const ctx = t.hotline.context();
    const onec = new OneCHttp(ctx, openStorage(ctx.config.storageUrl), 300);
    await expect(onec.run({ requestId: deal.requestId }, 'slow-job')).rejects.toThrow();
    await expect(onec.run({ requestId: deal.requestId }, 'slow-job')).rejects.toThrow();
    const topic = await t.control.waitFor({ chat_id: t.group, message_thread_id: deal.threadId, text_includes: '1С не отвечает, повторю', timeout_ms: 10_000 });
    await new Promise((r) => setTimeout(r, 500));
    const again = await t.control.transcript(t.group);
    expect(visible(again).filter((m) => m.message_thread_id === deal.threadId && m.text === '1С не отвечает, повторю')).toHaveLength(1);
    expect(topic).toBeTruthy();
  });
});
