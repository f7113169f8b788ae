/** Bytes that sniff as what they claim, and a deal through the emulator up to the accepted offer. */
import { createUserInTx } from '../../src/commands/createUser.js';
import { hashPassword } from '../../src/commands/password.js';
import { organizations } from '../../src/db/schema.js';
import { ApiClient, openSignInLink, validOffer, validRequest } from '../helpers/app.js';
import type { TelegramWorld } from '../helpers/telegram.js';

/** The smallest JPEG header file-type recognizes, padded. */
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), Buffer.alloc(500, 7)]);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), Buffer.alloc(200, 1)]);

async function signInByLink(t: TelegramWorld, url: URL): Promise<ApiClient> {
  const client = new ApiClient(t.hotline.url);
  const response = await openSignInLink(client, url);
  if (response.status !== 200) throw new Error(`link sign-in failed: ${response.status}`);
  return client;
}

/** The manager types /new in the topic, signs in by the link, saves a request and an offer (accepted at once). */
export async function acceptDeal(t: TelegramWorld, threadId: number): Promise<{ requestId: number; manager: ApiClient }> {
  const url = await (await t.newRequestLink(threadId)).press();
  const manager = await signInByLink(t, url);
  const created = await manager.post('/api/requests', validRequest({ dialogId: Number(url.searchParams.get('dialog')) }));
  if (created.status !== 200) throw new Error(`request: ${created.status} ${JSON.stringify(created.body)}`);
  const offer = await manager.post(`/api/requests/${created.body.id}/offers`, validOffer());
  if (offer.status !== 200) throw new Error(`offer: ${offer.status} ${JSON.stringify(offer.body)}`);
  return { requestId: created.body.id, manager };
}

/** A signed-in user of a customer organization that has nothing to do with the deal. */
export async function outsider(t: TelegramWorld): Promise<ApiClient> {
  const ctx = t.hotline.context();
  const [organization] = await ctx.database.db.insert(organizations).values({ name: `Чужая ${Date.now()}`, kind: 'customer' }).returning();
  const email = `outsider${Date.now()}@test.local`;
  const passwordHash = await hashPassword('password-123456');
  await ctx.database.transaction((tx) =>
    createUserInTx(tx, { organizationId: organization!.id, role: 'customer', email, name: 'Чужой', password: 'password-123456' }, passwordHash),
  );
  const client = new ApiClient(t.hotline.url);
  const response = await client.signIn(email, 'password-123456');
  if (response.status !== 200) throw new Error(`outsider sign-in failed: ${response.status}`);
  return client;
}

/** The pinned action card of a topic. */
export async function actionCard(t: TelegramWorld, threadId: number) {
  const topic = await t.control.waitFor({ chat_id: t.group, message_thread_id: threadId, pinned: true, text_includes: 'Заявка №' });
  return topic.messages.find((m) => m.message_id === topic.pinned_message_id)!;
}

/** Presses the card's button whose text includes `text`; returns the callback answer. */
export async function pressCardButton(t: TelegramWorld, threadId: number, text: string) {
  const card = await actionCard(t, threadId);
  const button = card.buttons!.flat().find((b) => b.text.includes(text))!;
  return t.control.pressButton({ from: t.manager.id, chat_id: t.group, message_id: card.message_id, callback_data: button.callback_data! });
}

/** A client writes, the topic opens, the manager accepts a deal: what the 1C tests start from. */
export async function dealInTopic(t: TelegramWorld, name: string) {
  const client = await t.newClient(name);
  await t.control.sendMessage({ from: client.id, text: 'Нужны документы' });
  const topic = await t.waitForTopic(client, { minCount: 2 });
  const deal = await acceptDeal(t, topic.threadId);
  await actionCard(t, topic.threadId);
  return { ...deal, threadId: topic.threadId, client };
}
