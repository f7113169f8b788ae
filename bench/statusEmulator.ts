/**
 * The emulator of bench/dialogStatus.ts in a process of its own, so that the
 * driver's work (its schedule, its model of the dialogs, the database polls
 * between runs, the figures) cannot stall the clock that stamps a client's
 * message going in and its line showing in the topic. Both stamps are taken
 * here, on this process's `performance.now()`: a latency is measured on one
 * clock, in the process that plays Telegram, and the driver only reads it.
 *
 * Started by `startStatusEmulator()` (a child over Node's IPC channel); the
 * child runs this file with the argument `serve`. Messages:
 * - driver → child, `Request` with an `id`; the child answers `{ id, ok, value | error }`.
 * - child → driver, `Event`: `mirror` (a `#…` line of the bot in the group,
 *   with its latency in ms if the line was a client's message sent through
 *   `client`), `call` (every message or edit of the bot in the group, with
 *   its service kind and `Date.now()`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startEmulator } from '../src/sandbox/standalone.js';
import { UserActions } from '../src/sandbox/userActions.js';

export type Request =
  | { op: 'setup'; token: string; dialogs: number }
  | { op: 'client'; from: number; text: string }
  | { op: 'manager'; thread: number; text: string }
  | { op: 'limits'; enabled: boolean; timeScale: number }
  | { op: 'topics' }
  | { op: 'loop'; action: 'start' | 'stop' };

export type Event =
  | { ev: 'mirror'; line: string; thread: number; latencyMs?: number }
  | { ev: 'call'; kind: 'message' | 'edit'; service?: string; at: number };

export interface World {
  apiRoot: string;
  botId: number;
  managerId: number;
  group: number;
  clients: number[];
}

/** The driver's handle on the emulator process. */
export interface StatusEmulator {
  setup(token: string, dialogs: number): Promise<World>;
  /** A client writes `text` to the bot (stamped now, in the emulator's process, if it starts with `#`). Fire and forget. */
  client(from: number, text: string): void;
  /** The manager writes `text` in a topic; false if Telegram refused (e.g. the topic is closed). */
  manager(thread: number, text: string): Promise<boolean>;
  limits(enabled: boolean, timeScale: number): Promise<void>;
  /** Every topic of the group: [id, name]. */
  topics(): Promise<Array<[number, string]>>;
  /** Starts / stops (returning its longest stall, ms) the emulator process's event-loop delay monitor. */
  loop(action: 'start'): Promise<void>;
  loop(action: 'stop'): Promise<number>;
  onEvent?: (event: Event) => void;
  close(): Promise<void>;
}

export function startStatusEmulator(): StatusEmulator {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['serve'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 0;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`the emulator process exited (${code})`));
    waiting.clear();
  });
  const handle: StatusEmulator = {
    setup: (token, dialogs) => call({ op: 'setup', token, dialogs }) as Promise<World>,
    client: (from, text) => void child.send({ op: 'client', from, text }),
    manager: (thread, text) => call({ op: 'manager', thread, text }) as Promise<boolean>,
    limits: async (enabled, timeScale) => void (await call({ op: 'limits', enabled, timeScale })),
    topics: () => call({ op: 'topics' }) as Promise<Array<[number, string]>>,
    loop: ((action: 'start' | 'stop') => call({ op: 'loop', action })) as StatusEmulator['loop'],
    close: async () => {
      child.disconnect();
      await exited;
    },
  };
  child.on('message', (message: Event | { id: number; ok: boolean; value?: unknown; error?: string }) => {
    if ('ev' in message) {
      handle.onEvent?.(message);
      return;
    }
    const w = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.ok) w?.resolve(message.value);
    else w?.reject(new Error(message.error));
  });
  function call(request: Request): Promise<unknown> {
    const id = next++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      child.send({ ...request, id });
    });
  }
  return handle;
}

/** The child: the emulator, one group, its clients; answers the driver's requests. */
async function serve(): Promise<void> {
  const started = await startEmulator();
  const emu = started.emulator;
  const users = new UserActions(emu);
  const send = (message: unknown) => process.send!(message);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  /** When each `#…` client text went in, on this process's clock. */
  const sentAt = new Map<string, number>();
  let world: World | undefined;

  const log = emu.events;
  const emit = log.emit.bind(log);
  log.emit = (event) => {
    emit(event);
    if (!world || event.chat_id !== world.group || (event.type !== 'message' && event.type !== 'edit')) return;
    const stored = emu.group(world.group)?.messages.get(event.message_id!);
    if (!stored || stored.message.from?.id !== world.botId) return;
    const now = performance.now();
    send({ ev: 'call', kind: event.type, service: stored.service, at: Date.now() } satisfies Event);
    if (event.type !== 'message') return;
    for (const line of (stored.message.text ?? '').split('\n')) {
      if (!line.startsWith('#')) continue;
      const t0 = sentAt.get(line);
      sentAt.delete(line);
      send({ ev: 'mirror', line, thread: stored.threadId ?? 0, ...(t0 === undefined ? {} : { latencyMs: now - t0 }) } satisfies Event);
    }
  };

  const handle = (request: Request): unknown => {
    switch (request.op) {
      case 'setup': {
        const bot = emu.createBot({ token: request.token, username: 'bench_bot', firstName: 'Bench' });
        const manager = emu.createUser({ first_name: 'Manager' });
        const group = emu.createGroup({ title: 'G', memberIds: [manager.id], botIds: [bot.id] }).chat.id;
        const clients: number[] = [];
        for (let i = 0; i < request.dialogs; i++) clients.push(emu.createUser({ first_name: `C${i}` }).id);
        world = { apiRoot: started.apiRoot, botId: bot.id, managerId: manager.id, group, clients };
        return world;
      }
      case 'client':
        if (request.text.startsWith('#')) sentAt.set(request.text, performance.now());
        users.send({ from: request.from, text: request.text });
        return undefined;
      case 'manager':
        try {
          users.send({ from: world!.managerId, chat_id: world!.group, message_thread_id: request.thread, text: request.text });
          return true;
        } catch {
          return false;
        }
      case 'limits':
        emu.limits.configure({ enabled: request.enabled, timeScale: request.timeScale });
        return undefined;
      case 'topics':
        return [...emu.group(world!.group)!.topics].map(([id, topic]) => [id, topic.name]);
      case 'loop':
        if (request.action === 'start') {
          loop.reset();
          loop.enable();
          return undefined;
        }
        loop.disable();
        return Math.round(loop.max / 1e6);
    }
  };
  process.on('message', (message: Request & { id?: number }) => {
    try {
      const value = handle(message);
      if (message.id !== undefined) send({ id: message.id, ok: true, value });
    } catch (error) {
      if (message.id !== undefined) send({ id: message.id, ok: false, error: String(error) });
    }
  });
  process.on('disconnect', () => void started.close().then(() => process.exit(0)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === 'serve') await serve();
