/**
 * The platform's REST API under `/api`: one plugin per resource in
 * `routes/`, registered here. Routes are thin: they validate with zod and
 * call commands.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { CommandContext } from '../commands/context.js';

export interface ApiOptions {
  /** The command context; available once the database is open (earlier calls get 503). */
  getContext: () => CommandContext;
}

export function apiPlugin(_options: ApiOptions): FastifyPluginAsync {
  return async () => {};
}
