import multipart from '@fastify/multipart';
import Fastify from 'fastify';
import { Bot, InputFile } from 'grammy';
import { describe, expect, it } from 'vitest';
import { SandboxControl } from '../../src/sandbox/control.js';
import { TelegramEmulator } from '../../src/sandbox/emulator.js';
import { emulatorPlugin } from '../../src/sandbox/plugin.js';
import { TOKEN } from './helpers.js';

describe('the emulator inside a host app', () => {
  it('works under /tg next to the host multipart parser and leaves the host routes alone', async () => {
    const host = Fastify({ logger: false });
    await host.register(multipart);
    host.post('/api/echo', async (request) => ({ type: request.headers['content-type'], body: request.body ?? null }));
    const emulator = new TelegramEmulator();
    emulator.createBot({ token: TOKEN, username: 'hotline_test_bot', firstName: 'Hotline' });
    await host.register(emulatorPlugin(emulator), { prefix: '/tg' });
    await host.listen({ host: '127.0.0.1', port: 0 });
    try {
      const root = `http://127.0.0.1:${(host.server.address() as { port: number }).port}`;
      const control = new SandboxControl(`${root}/tg`);
      const client = await control.createUser({ first_name: 'Ivan' });
      await control.sendMessage({ from: client.id, text: '/start' });
      const bot = new Bot(TOKEN, { client: { apiRoot: `${root}/tg` } });
      const sent = await bot.api.sendDocument(client.id, new InputFile(Buffer.from('inside the app'), 'note.txt'));
      expect(sent.document?.file_name).toBe('note.txt');

      // The emulator's form parser is its own: the host still refuses urlencoded bodies.
      const form = await fetch(`${root}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
      expect(form.status).toBe(415);
    } finally {
      await host.close();
    }
  });
});
