/**
 * The emulator on its own Fastify server on 127.0.0.1, for tests and
 * benchmarks: `apiRoot` goes into grammY's `client.apiRoot`, `control` drives
 * the sandbox.
 */
import Fastify from 'fastify';
import { SandboxControl } from './control.js';
import { TelegramEmulator } from './emulator.js';
import { botApiAlias, emulatorPlugin } from './plugin.js';

export interface StartedEmulator {
  /** Like `http://127.0.0.1:PORT/tg`. */
  apiRoot: string;
  emulator: TelegramEmulator;
  control: SandboxControl;
  close(): Promise<void>;
}

export async function startEmulator(opts: { port?: number; snapshotFile?: string; webhookRetryMs?: number } = {}): Promise<StartedEmulator> {
  const emulator = new TelegramEmulator({ snapshotFile: opts.snapshotFile, webhookRetryMs: opts.webhookRetryMs });
  const app = Fastify({
    logger: false,
    bodyLimit: 60 * 1024 * 1024,
    forceCloseConnections: true,
    rewriteUrl: (request) => botApiAlias(request.url ?? '/', '/tg'),
  });
  await app.register(emulatorPlugin(emulator), { prefix: '/tg' });
  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const apiRoot = `http://127.0.0.1:${port}/tg`;
  return { apiRoot, emulator, control: new SandboxControl(apiRoot), close: () => app.close() };
}
