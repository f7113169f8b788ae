/**
 * Issue 16.5: the live stream of a request page is authorized per event, not
 * once when it opens. Each event goes only to its audience (a terms change to
 * the deal room, a status change to everyone who sees the request), checked
 * against the viewer's session and access at that moment; signing out, being
 * disabled or losing access closes the stream with a `closed` event.
 *
 * No timing: absence is proven by order — an event the viewer may see is
 * published after the one it must not see, and the stream keeps publish order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApp, validOffer, validRequest, type TestApp } from '../helpers/app.js';

let app: TestApp;
let admin: ApiClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await app.signIn(app.admin);
});
afterAll(async () => {
  await app?.stop();
});

interface LiveEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Opens a request's SSE stream as `client`; `until` reads events until one matches or the server ends the stream. */
async function listen(client: ApiClient, requestId: number) {
  const controller = new AbortController();
  const response = await fetch(`${app.url}/api/requests/${requestId}/live`, { headers: { cookie: client.cookie, accept: 'text/event-stream' }, signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: LiveEvent[] = [];
  let buffer = '';
  let ended = false;
  return {
    events,
    /** Reads until `stop(event)` holds; `ended` tells whether the server closed the stream. */
    async until(stop: (event: LiveEvent) => boolean): Promise<{ events: LiveEvent[]; ended: boolean }> {
      for (;;) {
        let index: number;
        while ((index = buffer.indexOf('\n\n')) !== -1) {
          const chunk = buffer.slice(0, index);
          buffer = buffer.slice(index + 2);
          const type = /^event: (.+)$/m.exec(chunk)?.[1];
          if (!type) continue;
          const event = { type, data: JSON.parse(/^data: (.*)$/m.exec(chunk)?.[1] ?? '{}') as Record<string, unknown> };
          events.push(event);
          if (stop(event)) return { events, ended };
        }
        if (ended) return { events, ended };
        const { value, done } = await reader.read();
        if (done) ended = true;
        else buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => controller.abort(),
  };
}

/** A request of a new customer with two agents' offers; `accept` picks the winner. */
async function deal(name: string) {
  const customerUser = await app.addUser({ role: 'customer', organization: `ООО ${name}` });
  const customer = await app.signIn(customerUser);
  const winnerUser = await app.addUser({ role: 'agent', organization: `Агент ${name} 1` });
  const loserUser = await app.addUser({ role: 'agent', organization: `Агент ${name} 2` });
  const winner = await app.signIn(winnerUser);
  const loser = await app.signIn(loserUser);
  const { body } = await customer.post('/api/requests', validRequest());
  const winning = await winner.post(`/api/requests/${body.id}/offers`, validOffer());
  await loser.post(`/api/requests/${body.id}/offers`, validOffer({ rate: '12.4' }));
  return {
    requestId: body.id as number,
    customer,
    winner,
    loser,
    loserUser,
    accept: () => customer.post(`/api/offers/${winning.body.id}/accept`),
  };
}

describe('each event reaches only its audience', () => {
  it('a declined competitor hears the request complete, but not the new rate agreed before it', async () => {
    const d = await deal('Курс');
    expect((await d.accept()).status).toBe(200);
    const loserStream = await listen(d.loser, d.requestId);
    const winnerStream = await listen(d.winner, d.requestId);
    expect((await d.customer.post(`/api/requests/${d.requestId}/terms`, { command: 'rate', value: '13.1' })).status).toBe(200);
    expect((await d.customer.post(`/api/requests/${d.requestId}/status`, { action: 'complete' })).status).toBe(200);

    const heardByLoser = await loserStream.until((e) => e.type === 'status');
    expect(heardByLoser.events.map((e) => e.type)).toEqual(['status']);
    expect(JSON.stringify(heardByLoser.events)).not.toContain('13.1');
    const heardByWinner = await winnerStream.until((e) => e.type === 'status');
    expect(heardByWinner.events.map((e) => e.type)).toEqual(['terms', 'status']);
    loserStream.close();
    winnerStream.close();
  });

  it("a terms change carries no values, only which term changed (the page reads the rest through the API's rules)", async () => {
    const d = await deal('Поле');
    await d.accept();
    const stream = await listen(d.customer, d.requestId);
    await d.customer.post(`/api/requests/${d.requestId}/terms`, { command: 'fee', value: '2' });
    const heard = await stream.until((e) => e.type === 'terms');
    expect(heard.events.at(-1)!.data).toEqual({ field: 'feePercent' });
    stream.close();
  });

  it('an agent hears no chat messages of a deal it lost, only what every viewer may know', async () => {
    const d = await deal('Чат');
    await d.accept();
    const stream = await listen(d.loser, d.requestId);
    expect((await d.winner.post(`/api/requests/${d.requestId}/messages`, { text: 'Реквизиты для оплаты' })).status).toBe(200);
    await d.customer.post(`/api/requests/${d.requestId}/status`, { action: 'cancel' });
    const heard = await stream.until((e) => e.type === 'status');
    expect(heard.events.map((e) => e.type)).toEqual(['status']);
    stream.close();
  });
});

describe('the stream ends when the right to it ends', () => {
  it('signing out closes the open stream at once', async () => {
    const d = await deal('Выход');
    const stream = await listen(d.customer, d.requestId);
    expect((await d.customer.post('/api/auth/sign-out')).status).toBe(200);
    const result = await stream.until(() => false);
    expect(result.ended).toBe(true);
    expect(result.events).toEqual([{ type: 'closed', data: { reason: 'signed_out' } }]);
  });

  it("disabling a user closes their open stream at once; later events don't reach them", async () => {
    const d = await deal('Отключён');
    const stream = await listen(d.loser, d.requestId);
    const disabled = await admin.patch(`/api/admin/users/${d.loserUser.userId}`, { disabled: true });
    expect(disabled.status).toBe(200);
    const result = await stream.until(() => false);
    expect(result.ended).toBe(true);
    expect(result.events).toEqual([{ type: 'closed', data: { reason: 'signed_out' } }]);
  });

  it('an agent watching an open request from the general list loses it when another offer is accepted: the stream closes, the acceptance is not sent', async () => {
    const d = await deal('Доступ');
    const watcher = await app.signIn(await app.addUser({ role: 'agent', organization: 'Агент Наблюдатель' }));
    expect((await watcher.get(`/api/requests/${d.requestId}`)).status).toBe(200);
    const stream = await listen(watcher, d.requestId);
    expect((await d.accept()).status).toBe(200);
    const result = await stream.until(() => false);
    expect(result.ended).toBe(true);
    expect(result.events).toEqual([{ type: 'closed', data: { reason: 'access' } }]);
    expect((await watcher.get(`/api/requests/${d.requestId}`)).status).toBe(404);
  });
});
