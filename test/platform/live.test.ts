/** The request page's live updates: Server-Sent Events from the LiveBus channel `request:<id>`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, validOffer, validRequest, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

/** Opens the SSE stream and collects `event:` names until `count` arrived. */
async function listen(app: TestApp, cookie: string, path: string) {
  const controller = new AbortController();
  const response = await fetch(app.url + path, { headers: { cookie, accept: 'text/event-stream' }, signal: controller.signal });
  const events: string[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const waitFor = async (count: number) => {
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let index: number;
      while ((index = buffer.indexOf('\n\n')) !== -1) {
        const chunk = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        const name = /^event: (.+)$/m.exec(chunk)?.[1];
        if (name) events.push(name);
      }
    }
    return events;
  };
  return { response, waitFor, close: () => controller.abort() };
}

describe('live updates', () => {
  it('an open request page hears offers, acceptance and chat messages without reload', async () => {
    const customer = await app.addUser({ role: 'customer', organization: 'ООО Живой' });
    const agent = await app.addUser({ role: 'agent', organization: 'Агент Живой' });
    const asCustomer = await app.signIn(customer);
    const asAgent = await app.signIn(agent);
    const { body } = await asCustomer.post('/api/requests', validRequest());
    const stream = await listen(app, asCustomer.cookie, `/api/requests/${body.id}/live`);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const offer = await asAgent.post(`/api/requests/${body.id}/offers`, validOffer());
    await asCustomer.post(`/api/offers/${offer.body.id}/accept`);
    await asAgent.post(`/api/requests/${body.id}/messages`, { text: 'Привет' });
    expect(await stream.waitFor(3)).toEqual(['offer', 'status', 'message']);
    stream.close();
  });

  it('a stranger cannot subscribe (404)', async () => {
    const customer = await app.addUser({ role: 'customer', organization: 'ООО Тайна' });
    const stranger = await app.addUser({ role: 'customer', organization: 'ООО Чужой' });
    const { body } = await (await app.signIn(customer)).post('/api/requests', validRequest());
    const asStranger = await app.signIn(stranger);
    expect((await asStranger.get(`/api/requests/${body.id}/live`)).status).toBe(404);
    expect((await app.client().get(`/api/requests/${body.id}/live`)).status).toBe(401);
  });
});

describe('stopping with open pages', () => {
  it('a graceful stop ends open live streams instead of waiting for them', async () => {
    const own = await startTestApp();
    const customer = await own.addUser({ role: 'customer', organization: 'ООО Стоп' });
    const asCustomer = await own.signIn(customer);
    const { body } = await asCustomer.post('/api/requests', validRequest());
    const stream = await listen(own, asCustomer.cookie, `/api/requests/${body.id}/live`);
    expect(stream.response.status).toBe(200);
    const started = Date.now();
    await own.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
    stream.close();
  });
});
