/**
 * Webhook delivery for one bot: POSTs its updates one at a time, in order,
 * with the X-Telegram-Bot-Api-Secret-Token header. A non-2xx answer or a
 * network error keeps the update at the head of the queue and retries it with
 * growing pauses, like Telegram, so nothing is lost or reordered.
 */
import type { Update } from '@grammyjs/types';
import type { UpdateQueue } from './updates.js';

export interface WebhookConfig {
  url: string;
  secretToken?: string;
  maxConnections: number;
}

export interface WebhookOptions {
  /** First retry pause; doubles per failure up to a minute. */
  retryBaseMs: number;
  /** How long one delivery may take. */
  timeoutMs: number;
  /** Telegram lets the webhook answer with a method call; the emulator runs it. */
  onReply: (call: Record<string, unknown>) => Promise<void>;
}

const MAX_PAUSE_MS = 60_000;

export class WebhookDeliverer {
  config: WebhookConfig | undefined;
  lastError: { date: number; message: string } | undefined;
  private running = false;
  private failures = 0;
  private pause: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  constructor(
    private readonly queue: UpdateQueue,
    private readonly options: WebhookOptions,
  ) {
    queue.onPush = () => this.kick();
  }

  set(config: WebhookConfig | undefined): void {
    this.config = config;
    this.failures = 0;
    this.lastError = undefined;
    this.wakeFromPause();
    this.kick();
  }

  kick(): void {
    if (this.config && !this.running && this.queue.size) void this.run();
  }

  stop(): void {
    this.config = undefined;
    this.wakeFromPause();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      for (let update = this.queue.first(); update && this.config; update = this.queue.first()) {
        if (await this.deliver(update, this.config)) {
          this.failures = 0;
          this.queue.confirm(update.update_id + 1);
        } else {
          this.failures++;
          await this.sleep(Math.min(this.options.retryBaseMs * 2 ** (this.failures - 1), MAX_PAUSE_MS));
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async deliver(update: Update, config: WebhookConfig): Promise<boolean> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (config.secretToken) headers['x-telegram-bot-api-secret-token'] = config.secretToken;
    try {
      const response = await fetch(config.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const body = await response.text();
      if (!response.ok) {
        this.fail(`Wrong response from the webhook: ${response.status} ${response.statusText}`);
        return false;
      }
      await this.runReply(body);
      return true;
    } catch (error) {
      this.fail(error instanceof Error ? String((error.cause as Error | undefined)?.message ?? error.message) : String(error));
      return false;
    }
  }

  private async runReply(body: string): Promise<void> {
    if (!body.startsWith('{')) return;
    try {
      const call = JSON.parse(body) as Record<string, unknown>;
      if (typeof call.method === 'string') await this.options.onReply(call);
    } catch {
      // Telegram ignores a webhook answer it can't use; so do we.
    }
  }

  private fail(message: string): void {
    this.lastError = { date: Math.floor(Date.now() / 1000), message };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.pause = { timer: setTimeout(resolve, ms), resolve };
    });
  }

  private wakeFromPause(): void {
    if (!this.pause) return;
    clearTimeout(this.pause.timer);
    this.pause.resolve();
    this.pause = undefined;
  }
}
