/**
 * Scale-out: two app instances (the built `dist/main.js`, each its own
 * process) in webhook mode on one PostgreSQL against one instance, inbound
 * updates per second until every mirror reached the emulator (limits off).
 *
 * The emulator delivers a bot's webhook one update at a time; Telegram opens
 * up to `max_connections` (40 by default) at once, which is what lets several
 * instances share the work. So a small stand-in for Telegram's parallel
 * delivery sits between them, in this process: it takes each update from the
 * emulator (answering at once), and POSTs it on with at most 40 in flight,
 * one at a time per chat (as the polling mode keeps a chat's order),
 * round-robin over the instances, retrying until an instance answers 2xx —
 * so an update is still acknowledged only after an instance committed it.
 * The one-instance runs go through the same stand-in, so the ratio compares
 * like with like.
 *
 * `npx tsx bench/scaleOut.ts` prints the figures; `run()` returns them.
 */
import http from 'node:http';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Message, Update } from '@grammyjs/types';
import { startEmulator } from '../src/sandbox/standalone.js';
import { UserActions } from '../src/sandbox/userActions.js';
import { cpuMeter, freePort, freshPostgres, groupMessage, median, onEmulatorEvent, spawnBuilt, stop, tempDir, waitFor, type Figure } from './lib.js';

const TOKEN = '1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
export const SECRET = 'bench-webhook-secret';
const APP_SECRET = 'bench-app-secret-shared-by-every-instance';
const MAX_CONNECTIONS = 40;
const CLIENTS = 50;
const TOTAL = 2000;
const RUNS = 3;
const TARGET = 1.7;

/** The chat an update belongs to (its order is kept). */
function chatOf(update: Update): number {
  const body = Object.entries(update).find(([key]) => key !== 'update_id')?.[1] as
    | { chat?: { id: number }; message?: Message; from?: { id: number } }
    | undefined;
  return body?.chat?.id ?? body?.message?.chat.id ?? body?.from?.id ?? 0;
}

/** Telegram's parallel webhook delivery, in front of `targets`. */
export class ParallelDelivery {
  private readonly queues = new Map<number, string[]>();
  private readonly busy = new Set<number>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: MAX_CONNECTIONS });
  private inFlight = 0;
  private turn = 0;
  private server: http.Server | undefined;
  /** Deliveries an instance did not take (status → count; 0 = no answer), retried. */
  readonly retried = new Map<number, number>();

  constructor(private readonly targets: URL[]) {}

  async listen(port: number): Promise<void> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const chat = chatOf(JSON.parse(body) as Update);
        this.queues.set(chat, [...(this.queues.get(chat) ?? []), body]);
        response.end();
        this.pump();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
  }

  private pump(): void {
    for (const [chat, queue] of this.queues) {
      if (this.inFlight >= MAX_CONNECTIONS) return;
      if (this.busy.has(chat) || queue.length === 0) continue;
      this.busy.add(chat);
      this.inFlight++;
      void this.deliver(chat, queue[0]!);
    }
  }

  private async deliver(chat: number, body: string): Promise<void> {
    const target = this.targets[this.turn++ % this.targets.length]!;
    const status = await new Promise<number>((resolve) => {
      const request = http.request(
        target,
        { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-telegram-bot-api-secret-token': SECRET } },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', () => resolve(0));
      request.end(body);
    });
    if (status >= 200 && status < 300) {
      const queue = this.queues.get(chat)!;
      queue.shift();
      if (queue.length === 0) this.queues.delete(chat);
    } else {
      this.retried.set(status, (this.retried.get(status) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 50));
    }
    this.busy.delete(chat);
    this.inFlight--;
    this.pump();
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

interface Burst {
  perSecond: number;
  /** Deliveries an instance refused during the burst (status → count), retried until taken. */
  retried: Map<number, number>;
  /** Shares of one core over the burst: each instance, our database's PostgreSQL backends, this process (emulator, delivery, clients), the whole machine. */
  cpu: { apps: number[]; postgres: number; bench: number; machine: number };
}

/** Inbound updates per second with `instances` app processes, until all `TOTAL` texts are mirrored. */
export async function throughput(instances: number): Promise<Burst> {
  const started = await startEmulator();
  const { emulator } = started;
  const bot = emulator.createBot({ token: TOKEN, username: 'bench_bot', firstName: 'Bench' });
  const manager = emulator.createUser({ first_name: 'Manager' });
  const group = emulator.createGroup({ title: 'Managers', memberIds: [manager.id], botIds: [bot.id] }).chat.id;
  const clients = Array.from({ length: CLIENTS }, (_, i) => emulator.createUser({ first_name: `C${i}` }).id);
  const database = await freshPostgres();
  const ports = await Promise.all(Array.from({ length: instances }, () => freePort()));
  const delivery = new ParallelDelivery(ports.map((port) => new URL(`http://127.0.0.1:${port}/telegram/webhook`)));
  const deliveryPort = await freePort();
  await delivery.listen(deliveryPort);
  const apps: ReturnType<typeof spawnBuilt>[] = [];
  let warm = 0;
  let done = 0;
  onEmulatorEvent(emulator, (event) => {
    if (event.type !== 'message' || event.chat_id !== group) return;
    for (const line of (groupMessage(emulator, group, event.message_id!)?.text ?? '').split('\n')) {
      if (line.startsWith('#w')) warm++;
      else if (line.startsWith('#m')) done++;
    }
  });
  try {
    // One after another: the first applies the migrations.
    for (const port of ports) {
      const app = spawnBuilt({
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${deliveryPort}`,
        APP_SECRET,
        DATA_DIR: tempDir(),
        DATABASE_URL: database.url,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: started.apiRoot,
        TELEGRAM_MANAGERS_CHAT_ID: String(group),
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_RATE_LIMITS: 'off',
      });
      apps.push(app);
      await waitFor(`http://127.0.0.1:${port}/readyz`, 200, 60_000);
    }
    // The clients' messages go into the emulator in this process, not through its HTTP control API
    // (as in bench/relay.ts): Telegram's side is not what is measured, and it shares the 2 cores.
    const users = new UserActions(emulator);
    const sendAll = async (texts: Array<[client: number, text: string]>) => {
      for (let i = 0; i < texts.length; i++) {
        users.send({ from: texts[i]![0], text: texts[i]![1] });
        if (i % 200 === 199) await new Promise((r) => setImmediate(r));
      }
    };
    // Warm-up: every client's topic exists before the clock starts.
    await sendAll(clients.map((client) => [client, `#w${client}`]));
    while (warm < clients.length) await new Promise((r) => setTimeout(r, 20));
    delivery.retried.clear();
    const cpu = cpuMeter(apps.map((app) => app.pid!), new URL(database.url).pathname.slice(1));
    const begun = performance.now();
    await sendAll(Array.from({ length: TOTAL }, (_, i) => [clients[i % clients.length]!, `#m${i}`]));
    const deadline = Date.now() + 300_000;
    while (done < TOTAL) {
      if (Date.now() > deadline) throw new Error(`scaleout: only ${done} of ${TOTAL} mirrored`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const seconds = (performance.now() - begun) / 1000;
    const used = cpu();
    return {
      perSecond: TOTAL / seconds,
      retried: delivery.retried,
      cpu: {
        apps: used.apps.map((app) => app / seconds),
        postgres: used.postgres / seconds,
        bench: used.bench / seconds,
        machine: used.machine / seconds,
      },
    };
  } finally {
    for (const app of apps) await stop(app);
    await delivery.close();
    await started.close();
    await database.drop();
  }
}

export async function run(): Promise<Figure[]> {
  const one: Burst[] = [];
  const two: Burst[] = [];
  // Interleaved, so a change in the machine's other load hits both sides alike.
  for (let i = 0; i < RUNS; i++) {
    one.push(await throughput(1));
    two.push(await throughput(2));
  }
  const middle = (bursts: Burst[]) => bursts.find((b) => b.perSecond === median(bursts.map((x) => x.perSecond)))!;
  const [single, double] = [middle(one), middle(two)];
  const ratio = double.perSecond / single.perSecond;
  const retried = new Map<number, number>();
  for (const burst of two) for (const [status, n] of burst.retried) retried.set(status, (retried.get(status) ?? 0) + n);
  const refused = [...retried].map(([status, n]) => `${status === 0 ? 'no answer' : status}: ${n}`).join(', ');
  const cores = os.cpus().length;
  const share = ({ cpu }: Burst) => {
    const other = cpu.machine - cpu.apps.reduce((a, b) => a + b, 0) - cpu.postgres - cpu.bench;
    return `app ${cpu.apps.map((c) => c.toFixed(2)).join(' + ')}, PostgreSQL ${cpu.postgres.toFixed(2)}, emulator and load ${cpu.bench.toFixed(2)}, other work on the machine ${Math.max(0, other).toFixed(2)} — ${cpu.machine.toFixed(2)} of ${cores} busy`;
  };
  return [
    {
      area: 'Scale-out',
      what: `webhook mode on one PostgreSQL, ${TOTAL.toLocaleString('en')} texts from ${CLIENTS} clients until all mirrored, limits off, ${MAX_CONNECTIONS} webhook connections: one instance / two instances (median of ${RUNS} each${refused ? `; deliveries refused and retried with two — ${refused}` : ''})`,
      value: `${Math.round(single.perSecond)}/s / ${Math.round(double.perSecond)}/s`,
    },
    {
      area: 'Scale-out',
      what: `two instances ÷ one instance, inbound updates/s — on ${cores} cores shared by both instances, PostgreSQL, the emulator and the load`,
      value: `${ratio.toFixed(2)}×`,
      target: `≥ ${TARGET}×`,
      ok: ratio >= TARGET,
    },
    {
      area: 'Scale-out',
      what: 'cores busy during those median bursts (CPU seconds per second): one instance; two instances',
      value: `${share(single)}; ${share(double)}`,
    },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await run()) console.log(`${figure.what}: ${figure.value}${figure.target ? ` (target ${figure.target})` : ''}`);
}
