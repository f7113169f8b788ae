/**
 * Long polls (getUpdates, waitFor, the event feed) stop waiting when their
 * client goes away, instead of holding a timer for a closed socket.
 */
import type { FastifyReply } from 'fastify';

/** Aborts when the connection closes before the answer was sent. */
export function closeSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
