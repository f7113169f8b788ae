/**
 * The platform API's route list, as the app itself knows it: what the API
 * plugin registers (Fastify's onRoute hook, hidden routes included) together
 * with every `/api` path of the running app's OpenAPI document.
 */
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { apiPlugin } from '../../src/platform/api.js';
import type { TestApp } from '../helpers/app.js';

/** `METHOD /api/path/:param`, sorted; HEAD (Fastify's automatic twin of GET) left out. */
export async function apiRoutes(app: Pick<TestApp, 'hotline' | 'url'>): Promise<string[]> {
  const found = new Set<string>();
  const probe = Fastify({ logger: false });
  probe.setValidatorCompiler(validatorCompiler);
  probe.setSerializerCompiler(serializerCompiler);
  probe.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') found.add(`${method} ${route.url}`);
  });
  await probe.register(apiPlugin({ getContext: () => app.hotline.context() }), { prefix: '/api' });
  await probe.ready();
  await probe.close();

  const doc = (await (await fetch(`${app.url}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const method of Object.keys(methods)) if (method !== 'head') found.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
  }
  return [...found].sort();
}
