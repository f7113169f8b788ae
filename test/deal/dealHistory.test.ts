/**
 * Issue 17: a client's repeat deal, as managers live it. Each request's chat
 * and Documents hold its own deal only (the messages since the previous
 * request, or since the point the manager chose — validated), a platform
 * chat message reaches the topic and, when chosen, the client; a terms edit
 * on the page leaves the same note in the topic as `/rate`; «↩️ Не отменять»
 * only restores the card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { requests } from '../../src/db/schema.js';
import { ApiClient, openSignInLink, validOffer, validRequest } from '../helpers/app.js';
import { startTelegramWorld, visible, type TelegramWorld } from '../helpers/telegram.js';
import { acceptDeal, actionCard, outsider, PDF, pressCardButton } from '../documents/helpers.js';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(async () => {
  await t?.stop();
});

const say = (threadId: number, text: string) => t.control.sendMessage({ from: t.manager.id, chat_id: t.group, message_thread_id: threadId, text });
const plain = (text: string | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

interface ChatLine {
  id: string;
  text: string | null;
  media: { fileName?: string } | null;
  direction: string;
  deliveredTo?: string | null;
}

const chatOf = async (manager: ApiClient, requestId: number) =>
  ((await manager.get(`/api/requests/${requestId}/messages`)).body as ChatLine[]).map((m) => m.text ?? m.media?.fileName ?? '?');
const documentsOf = async (manager: ApiClient, requestId: number) => ((await manager.get(`/api/requests/${requestId}/documents`)).body as Array<{ name: string }>).map((d) => d.name);

async function complete(threadId: number) {
  await pressCardButton(t, threadId, 'Завершить');
  await expect.poll(async () => (await actionCard(t, threadId)).buttons!.flat().map((b) => b.text).join(), { timeout: 30_000 }).toContain('Завершить — подтвердите');
  const done = await pressCardButton(t, threadId, 'Завершить — подтвердите');
  expect(done.answer?.text).toBe('Заявка завершена');
}

/** A message of another client's dialog (written straight into the database: no Telegram needed). */
async function foreignMessage(): Promise<number> {
  const { db } = t.hotline.database();
  const client = await db.execute<{ id: number }>(sql`insert into clients (telegram_user_id, first_name) values (880001, 'Чужой') returning id`);
  const dialog = await db.execute<{ id: number }>(sql`insert into dialogs (client_id, managers_chat_id, topic_id) values (${client.rows[0]!.id}, ${t.group}, 999001) returning id`);
  const message = await db.execute<{ id: number }>(
    sql`insert into messages (dialog_id, seq, direction, text, sent_at) values (${dialog.rows[0]!.id}, 1, 'in', 'чужое', now()) returning id`,
  );
  return Number(message.rows[0]!.id);
}

/** /new, sign in by the link, save the request; the offer is saved by the caller. */
async function newRequest(threadId: number): Promise<{ requestId: number; manager: ApiClient }> {
  const url = await (await t.newRequestLink(threadId)).press();
  const manager = new ApiClient(t.hotline.url);
  expect((await openSignInLink(manager, url)).status).toBe(200);
  const created = await manager.post('/api/requests', validRequest({ dialogId: Number(url.searchParams.get('dialog')) }));
  expect(created.status).toBe(200);
  return { requestId: created.body.id, manager };
}

describe("each request's chat holds its own deal", () => {
  it('a second deal after the first is completed takes only the messages and files since it; the first keeps its own', async () => {
    const client = await t.newClient('Повторный');
    await t.control.sendMessage({ from: client.id, text: 'Первая сделка: оплатить инвойс' });
    await t.control.sendMessage({ from: client.id, media: { type: 'document', base64: PDF.toString('base64'), file_name: 'invoice-1.pdf', mime_type: 'application/pdf' } });
    const topic = await t.waitForTopic(client, { minCount: 3 });
    const first = await acceptDeal(t, topic.threadId);
    await actionCard(t, topic.threadId);
    await expect.poll(() => documentsOf(first.manager, first.requestId), { timeout: 15_000 }).toEqual(['invoice-1.pdf']);
    await complete(topic.threadId);

    await t.control.sendMessage({ from: client.id, text: 'Спасибо!' });
    await t.control.sendMessage({ from: client.id, text: 'Вторая сделка: договор' });
    await t.control.sendMessage({ from: client.id, media: { type: 'document', base64: PDF.toString('base64'), file_name: 'contract-2.pdf', mime_type: 'application/pdf' } });
    await t.waitForTopic(client, { textIncludes: 'Вторая сделка' });
    await expect.poll(async () => visible(await t.control.transcript(t.group, { thread_id: topic.threadId })).some((m) => m.media?.file_name === 'contract-2.pdf'), { timeout: 15_000 }).toBe(true);
    const second = await newRequest(topic.threadId);

    // The form's preview: the three messages since the first request, and the points to start from.
    const preview = await second.manager.get(`/api/requests/${second.requestId}/deal-messages`);
    expect(preview.status).toBe(200);
    expect(preview.body.count).toBe(3);
    const points = preview.body.startPoints as Array<{ id: number; preview: string; mediaKind: string | null }>;
    // A file is named by its name; its kind comes apart for the page to name in its language (no «[document]»).
    expect(points.find((p) => p.preview === 'contract-2.pdf')?.mediaKind).toBe('document');
    expect(points.find((p) => p.preview === 'Спасибо!')?.mediaKind).toBeNull();
    const secondStart = points.find((p) => p.preview === 'Вторая сделка: договор')!;
    const firstStart = points.find((p) => p.preview === 'Первая сделка: оплатить инвойс')!;
    expect(preview.body.defaultFromMessageId).toBe(points.find((p) => p.preview === 'Спасибо!')!.id);
    expect((await second.manager.get(`/api/requests/${second.requestId}/deal-messages?from=${firstStart.id}`)).body.count).toBe(5);
    // Someone outside the deal learns nothing of the dialog.
    expect((await (await outsider(t)).get(`/api/requests/${second.requestId}/deal-messages`)).status).toBe(404);

    // A start point from another dialog is refused, with the reason, and nothing is accepted.
    const foreignId = await foreignMessage();
    const foreignPreview = await second.manager.get(`/api/requests/${second.requestId}/deal-messages?from=${foreignId}`);
    expect(foreignPreview.status).toBe(400);
    // Beside the query parameter the caller sent (`from`); the offer's body names it dealFromMessageId.
    expect(foreignPreview.body.fields).toEqual({ from: 'Сообщение, с которого начать сделку, не из переписки с этим клиентом' });
    const refused = await second.manager.post(`/api/requests/${second.requestId}/offers`, { ...validOffer(), dealFromMessageId: foreignId });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/не из переписки с этим клиентом/);
    expect(Object.keys(refused.body.fields)).toEqual(['dealFromMessageId']);
    const [still] = await t.hotline.database().db.select().from(requests).where(eq(requests.id, second.requestId));
    expect(still!.status).toBe('collecting_offers');

    // The manager starts the deal at «Вторая сделка»: the thanks for the first deal stays out.
    const saved = await second.manager.post(`/api/requests/${second.requestId}/offers`, { ...validOffer(), dealFromMessageId: secondStart.id });
    expect(saved.status).toBe(200);
    expect(await chatOf(second.manager, second.requestId)).toEqual(['Вторая сделка: договор', 'contract-2.pdf']);
    await expect.poll(() => documentsOf(second.manager, second.requestId), { timeout: 15_000 }).toEqual(['contract-2.pdf']);

    // The first deal keeps its own chat: nothing written after it was completed.
    expect(await chatOf(first.manager, first.requestId)).toEqual(['Первая сделка: оплатить инвойс', 'invoice-1.pdf']);
    expect(await documentsOf(first.manager, first.requestId)).toEqual(['invoice-1.pdf']);
  });
});

describe('the platform and the topic see the same deal', () => {
  it('a platform chat message reaches the topic (marked, by whom) and the client only when chosen', async () => {
    const client = await t.newClient('Чат платформы');
    await t.control.sendMessage({ from: client.id, text: 'Жду новостей' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Жду новостей' });
    const deal = await acceptDeal(t, topic.threadId);

    const internal = await deal.manager.post(`/api/requests/${deal.requestId}/messages`, { text: 'Проверьте платёж, коллеги' });
    expect(internal.body.deliveredTo).toBe('topic');
    const toClient = await deal.manager.post(`/api/requests/${deal.requestId}/messages`, { text: 'Платёж отправлен', sendTo: 'client' });
    expect(toClient.body.deliveredTo).toBe('client');
    const inTopic = await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'Платёж отправлен' });
    const notes = visible(inTopic).filter((m) => m.text?.startsWith('💬'));
    expect(notes.map((m) => m.text)).toEqual([
      expect.stringMatching(/на платформе, заявка № \d{4}-\d{6} \(клиент не видит\):\nПроверьте платёж, коллеги$/),
      expect.stringMatching(/на платформе, заявка № \d{4}-\d{6} \(отправлено клиенту\):\nПлатёж отправлен$/),
    ]);
    const chat = await t.control.waitFor({ chat_id: client.id, text_includes: 'Платёж отправлен' });
    expect(chat.messages.some((m) => m.text?.includes('Проверьте платёж'))).toBe(false);

    const bad = await deal.manager.post(`/api/requests/${deal.requestId}/messages`, { text: 'x', sendTo: 'everyone' });
    expect(bad.status).toBe(400);
  });

  it('a terms edit on the page leaves the same note in the topic as /rate; «↩️ Не отменять» just restores the card', async () => {
    const client = await t.newClient('Правки');
    await t.control.sendMessage({ from: client.id, text: 'Какой курс?' });
    const topic = await t.waitForTopic(client, { textIncludes: 'Какой курс?' });
    const deal = await acceptDeal(t, topic.threadId);
    await actionCard(t, topic.threadId);

    await say(topic.threadId, '/rate 12.5');
    await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'Курс: 12,25 → ', timeout_ms: 30_000 });
    const viaPage = await deal.manager.post(`/api/requests/${deal.requestId}/terms`, { command: 'rate', value: '12.75' });
    expect(viaPage.status).toBe(200);
    const inTopic = await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: 'Изменено на платформе' });
    const notes = visible(inTopic).filter((m) => m.text?.startsWith('✏️'));
    expect(notes.map((m) => plain(m.text).split('\n')[0])).toEqual(['✏️ Курс: 12,25 → 12,5', '✏️ Курс: 12,5 → 12,75']);
    expect(notes[1]!.text).toMatch(/Изменено на платформе: .+/);

    // 100 000 × 12,75 = 1 275 000; 1,5 % = 19 125; + 500. The card is current before its button is pressed.
    await expect.poll(async () => plain((await actionCard(t, topic.threadId)).text), { timeout: 30_000 }).toContain('Итого к оплате: 1 294 625,00 ₽');
    await pressCardButton(t, topic.threadId, 'Отменить');
    await expect.poll(async () => (await actionCard(t, topic.threadId)).buttons!.flat().map((b) => b.text).join(), { timeout: 30_000 }).toContain('Не отменять');
    const kept = await pressCardButton(t, topic.threadId, 'Не отменять');
    expect(kept.answer?.text).not.toMatch(/Команды/);
    await expect
      .poll(async () => (await actionCard(t, topic.threadId)).buttons!.flat().map((b) => b.text), { timeout: 30_000 })
      .toEqual(['✏️ Изменить', '📄 Документы 1С', '✅ Завершить', '❌ Отменить']);
    // A marker after the press: once it is in the topic, anything the press posted is there too.
    await say(topic.threadId, '! отметка');
    const after = await t.control.waitFor({ chat_id: t.group, message_thread_id: topic.threadId, text_includes: '! отметка' });
    expect(after.messages.some((m) => m.text?.includes('Чтобы изменить условия'))).toBe(false);
    const [request] = await t.hotline.database().db.select().from(requests).where(eq(requests.id, deal.requestId));
    expect(request!.status).toBe('accepted');
  });
});
