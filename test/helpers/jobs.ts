/**
 * Runs a scheduled job now and waits for that run to finish, so a test's next step never races it.
 */
import type { PgBoss } from 'pg-boss';

/**
 * Sends job `name` (empty data) and waits until pg-boss reports the run completed.
 * Throws when the run failed or was cancelled, or when it has not finished within `timeoutMs` (default 30 000 ms).
 */
export async function runJobToEnd(boss: PgBoss, name: string, timeoutMs = 30_000): Promise<void> {
  const id = await boss.send(name, {});
  if (!id) throw new Error(`pg-boss did not take job ${name}`);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [job] = await boss.findJobs(name, { id });
    if (job?.state === 'completed') return;
    if (job && (job.state === 'failed' || job.state === 'cancelled')) throw new Error(`job ${name} ended ${job.state}: ${JSON.stringify(job.output)}`);
    if (Date.now() > until) throw new Error(`job ${name} still ${job?.state ?? 'unknown'} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
