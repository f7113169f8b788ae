/**
 * Runs the broadcasts' feeder (commands/feedBroadcasts) while a broadcast is
 * sending: a step every FEED_MS, woken at once by a start. Idle, it looks
 * every IDLE_MS (a broadcast started on another instance, or resumed after a
 * restart — its recipients are durable rows, so a restart picks up where the
 * last step left off).
 */
import type { CommandContext } from '../commands/context.js';
import { feedBroadcasts } from '../commands/feedBroadcasts.js';
import { BROADCASTS_CHANNEL } from '../commands/startBroadcast.js';

const FEED_MS = 200;
const IDLE_MS = 2_000;

export class BroadcastFeeder {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly ctx: CommandContext) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.ctx.live.subscribe(BROADCASTS_CHANNEL, (message) => {
      if (message.type === 'started') this.wakeUp?.();
    });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let wait = IDLE_MS;
      try {
        if ((await feedBroadcasts(this.ctx)) > 0) wait = FEED_MS;
      } catch (error) {
        this.ctx.log.warn(`Broadcasts: ${(error as Error).message}; retrying`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, wait);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wakeUp = done;
      });
    }
  }
}
