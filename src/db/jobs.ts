/**
 * The job queue: pg-boss 12 in the same database.
 *
 * Side effects leave a command as jobs written in the command's own
 * transaction (`jobs.send(tx, …)`): a rolled-back command leaves no job, a
 * committed one always has its job. The send goes through the transaction's
 * client — the embedded server serializes transactions, so a second
 * connection waiting on the first would deadlock.
 */
import { PgBoss, type SendOptions } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database, Tx } from './index.js';

export type JobHandler<T> = (data: T, job: { id: string; retryCount: number }) => Promise<void>;

export interface QueueDefinition {
  name: string;
  /** Attempts after the first; default 10 with exponential backoff from `retryDelay` seconds. */
  retryLimit?: number;
  retryDelay?: number;
  /** How long one run may take before pg-boss gives it to another worker. */
  expireInSeconds?: number;
}

export class Jobs {
  readonly boss: PgBoss;
  private readonly active = new Map<string, { queue: string; id: string }>();
  private readonly queues = new Map<string, QueueDefinition>();
  private stopping = false;
  private stopped = false;

  constructor(
    database: Database,
    private readonly log: Logger,
  ) {
    this.boss = new PgBoss({
      // The app's own pool: one set of connections (one for the embedded database).
      db: {
        // A handler that outlived the grace period may still report to pg-boss
        // after the pool closed; its job stays active and is retried when it
        // expires, so that late report is dropped instead of crashing the process.
        executeSql: (text: string, values: unknown[]) =>
          this.stopped ? Promise.resolve({ rows: [] }) : database.pool.query(text, values),
      },
      // Keep the queue's own bookkeeping light: maintenance once a minute.
      maintenanceIntervalSeconds: 60,
      monitorIntervalSeconds: 60,
    });
    this.boss.on('error', (error: Error) => this.log.warn(`Job queue: ${error.message}`));
  }

  async start(queues: QueueDefinition[] = []): Promise<void> {
    await this.boss.start();
    for (const queue of queues) await this.define(queue);
  }

  /** Creates the queue if it does not exist yet. */
  async define(queue: QueueDefinition): Promise<void> {
    if (this.queues.has(queue.name)) return;
    const options = {
      retryLimit: queue.retryLimit ?? 10,
      retryDelay: queue.retryDelay ?? 2,
      retryBackoff: true,
      expireInSeconds: queue.expireInSeconds ?? 300,
      // A finished job is bookkeeping only: keep it an hour (the former archive delay).
      deleteAfterSeconds: 3600,
    };
    const existing = await this.boss.getQueue(queue.name);
    if (!existing) await this.boss.createQueue(queue.name, options);
    this.queues.set(queue.name, queue);
  }

  /**
   * Enqueues a job inside `tx`: it exists only if `tx` commits.
   * @example await jobs.send(tx, 'media.download', { documentId })
   */
  async send(tx: Tx, name: string, data: object, options: SendOptions = {}): Promise<string | null> {
    if (!this.queues.has(name)) throw new Error(`Queue "${name}" is not defined; call jobs.define() at start-up`);
    return this.boss.send(name, data, {
      ...options,
      db: { executeSql: (text: string, values?: unknown[]) => tx.client.query(text, values) },
    });
  }

  /** Runs `handler` for each job of `name`; a throw retries the job with backoff. */
  async work<T extends object>(name: string, handler: JobHandler<T>, options: { concurrency?: number } = {}) {
    await this.define({ name });
    for (let i = 0; i < (options.concurrency ?? 1); i++) {
      await this.boss.work<T>(name, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
        if (!job) return;
        const key = `${name}/${job.id}`;
        this.active.set(key, { queue: name, id: job.id });
        try {
          await handler(job.data, { id: job.id, retryCount: 0 });
        } finally {
          this.active.delete(key);
        }
      });
    }
  }

  /**
   * Stops taking work, waits up to `graceMs` for running jobs, and hands the
   * unfinished ones back to the queue (pg-boss fails them, so they run again
   * after restart), then closes its connections.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const deadline = Date.now() + graceMs;
    const stopped = this.boss.stop({ graceful: true, timeout: graceMs });
    while (this.active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const { queue, id } of this.active.values()) {
      this.log.warn(`Job ${queue}/${id} was interrupted by shutdown; it will run again after restart`);
    }
    await stopped;
    this.stopped = true;
  }
}
