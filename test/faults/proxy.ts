/**
 * A small HTTP proxy between the emulator's webhook delivery and Hotline:
 * each update goes to the next backend in turn (round-robin), and the answers
 * are counted by backend and status, so a test can see the webhook answer 5xx
 * and updates spread over several instances.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookProxy {
  url: string;
  /** Answers by backend index and HTTP status ("502" when the backend could not be reached). */
  answers: Array<Record<string, number>>;
  /** What each answer other than 200 said: "backend status body". */
  refusals: string[];
  /** Forgets the answers counted so far. */
  resetCounts(): void;
  close(): Promise<void>;
}

/** `skipUnreachable`: a backend that refuses the connection is passed over for the next one (otherwise the answer is 502). */
export async function startWebhookProxy(backends: string[], options: { skipUnreachable?: boolean } = {}): Promise<WebhookProxy> {
  const answers = backends.map(() => ({}) as Record<string, number>);
  const refusals: string[] = [];
  let next = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'x-telegram-bot-api-secret-token']) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      // A backend that cannot be reached (killed) is skipped, as a load balancer's health check would: the next one gets the call.
      const forward = (index: number, left: number) => {
        const count = (status: number) => (answers[index]![status] = (answers[index]![status] ?? 0) + 1);
        fetch(`${backends[index]}${request.url}`, { method: request.method, headers, body: Buffer.concat(chunks), signal: AbortSignal.timeout(60_000) })
          .then(async (answer) => {
            const body = Buffer.from(await answer.arrayBuffer());
            count(answer.status);
            if (answer.status !== 200) refusals.push(`${index} ${answer.status} ${body.toString('utf8').slice(0, 200)}`);
            response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
            response.end(body);
          })
          .catch(() => {
            count(502);
            if (left > 0) return forward((index + 1) % backends.length, left - 1);
            response.writeHead(502).end();
          });
      };
      forward(next++ % backends.length, options.skipUnreachable ? backends.length - 1 : 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answers,
    refusals,
    resetCounts() {
      for (const counts of answers) for (const status of Object.keys(counts)) delete counts[status];
      refusals.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
