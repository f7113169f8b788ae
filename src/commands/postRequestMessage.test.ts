import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCommandContext, validOffer, validRequest, type CommandTestContext, type TestUser } from '../../test/helpers/app.js';
import { acceptOffer } from './acceptOffer.js';
import { createOffer } from './createOffer.js';
import { createRequest } from './createRequest.js';
import { platformPostNote, postRequestMessage } from './postRequestMessage.js';
import { NotFoundError } from './context.js';
import { FieldErrors } from './validation.js';

let t: CommandTestContext;
let customer: TestUser;
let agent: TestUser;
let otherAgent: TestUser;
beforeAll(async () => {
  t = await openCommandContext();
  customer = await t.addUser({ role: 'customer', organization: 'ООО Заказчик' });
  agent = await t.addUser({ role: 'agent', organization: 'Агент' });
  otherAgent = await t.addUser({ role: 'agent', organization: 'Другой агент' });
});
afterAll(async () => t?.close());

describe('postRequestMessage', () => {
  it('the customer and, after acceptance, the chosen agent write into the chat; live pages hear of it after commit', async () => {
    const request = await createRequest(t.ctx, { actor: customer, ...validRequest() });
    await expect(postRequestMessage(t.ctx, { actor: agent, requestId: request.id, text: 'рано' })).rejects.toBeInstanceOf(NotFoundError);
    const offer = await createOffer(t.ctx, { actor: agent, requestId: request.id, ...validOffer() });
    await acceptOffer(t.ctx, { actor: customer, offerId: offer.id });
    const heard: unknown[] = [];
    const off = t.ctx.live.subscribe(`request:${request.id}`, (m) => heard.push(m));
    const post = await postRequestMessage(t.ctx, { actor: agent, requestId: request.id, text: '  Платёж отправлен  ' });
    off();
    expect(post.text).toBe('Платёж отправлен');
    expect(heard).toEqual([{ channel: `request:${request.id}`, type: 'message', data: { id: `p${post.id}` }, audience: 'dealRoom' }]);
    await expect(postRequestMessage(t.ctx, { actor: otherAgent, requestId: request.id, text: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(postRequestMessage(t.ctx, { actor: customer, requestId: request.id, text: ' ' })).rejects.toBeInstanceOf(FieldErrors);
  });
});

describe('platformPostNote', () => {
  /** The text Telegram counts: the HTML's entities parsed away. */
  const shown = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

  it('a post of 4000 by a user with a 200-character name still fits Telegram’s 4096, the name cut with «…»', () => {
    const note = platformPostNote('Я'.repeat(200), '2026-000123', '&'.repeat(4000), true);
    expect(shown(note).length).toBeLessThanOrEqual(4096);
    expect(shown(note)).toMatch(/^💬 Я+… на платформе, заявка № 2026-000123 \(отправлено клиенту\):\n&{4000}$/);
  });

  it('a short post shows a usual name whole', () => {
    expect(platformPostNote('Мария Менеджер', '2026-000001', 'Привет', false)).toBe('💬 <b>Мария Менеджер</b> <i>на платформе, заявка № 2026-000001 (клиент не видит)</i>:\nПривет');
  });
});
