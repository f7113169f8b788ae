/**
 * The emulator over HTTP, as a Fastify plugin mounted under a prefix (`/tg`
 * in the app): `/bot<token>/<method>` answers Bot API calls (GET or POST;
 * JSON, form or multipart), `/file/bot<token>/<file_path>` serves files, and
 * `/sandbox/...` is the control API. Body parsers are registered inside this
 * plugin's scope, so the host app keeps its own.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { closeSignal } from './closeSignal.js';
import { controlRoutes } from './controlRoutes.js';
import type { TelegramEmulator } from './emulator.js';
import { ApiError, internalError, notEmulated, notFound, tooManyRequests, unauthorized } from './errors.js';
import { BOT_API_METHODS } from './methods/catalogue.js';
import { UPLOAD_LIMIT } from './files.js';
import { sniffMime, untrustedFileHeaders } from '../documents/untrusted.js';
import { isLocalCaller, sameSecret } from '../platform/security.js';
import { methods, type MethodContext } from './methods/index.js';
import { multipartBoundary, parseMultipart, readBody } from './multipart.js';
import { Params, type UploadedFile } from './params.js';

const BOT_API_NAMES = new Map(BOT_API_METHODS.map((name) => [name.toLowerCase(), name]));

/** Lets the common JSON call skip copying its body when there is no query string. */
function hasKeys(object: object): boolean {
  for (const _ in object) return true;
  return false;
}

/** 50 MB a file (Telegram's limit for bots), 20 files, the whole body at most twice a file. */
const MULTIPART_LIMITS = { body: UPLOAD_LIMIT * 2, file: UPLOAD_LIMIT, files: 20 };

/** The call's parameters from wherever Telegram accepts them: query string, JSON, form or multipart parts. */
async function readParams(request: FastifyRequest): Promise<Params> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  if (request.isMultipart()) {
    // Read as Telegram's server reads it (./multipart.ts): names with spaces and non-Latin letters survive.
    const raw: Record<string, unknown> = { ...query };
    const files = new Map<string, UploadedFile>();
    const body = await readBody(request.raw, MULTIPART_LIMITS.body);
    for (const part of parseMultipart(body, multipartBoundary(String(request.headers['content-type'] ?? '')), MULTIPART_LIMITS)) {
      if (part.filename !== undefined) files.set(part.name, { bytes: part.body, filename: part.filename, mimetype: part.contentType });
      else raw[part.name] = part.body.toString('utf8');
    }
    return new Params(raw, files);
  }
  const body = request.body;
  if (body && typeof body === 'object') return new Params(hasKeys(query) ? { ...query, ...body } : (body as Record<string, unknown>));
  return new Params(query);
}

const BOT_API_PATH = /^\/(file\/)?bot\d+:[\w-]+\//;

/**
 * The URL a Bot API call is routed by. telegraf resolves its calls with
 * `new URL('./bot<token>/<method>', apiRoot)`, which drops the last path
 * segment of a root without a trailing slash: with the documented root
 * `http://host/tg` it calls `http://host/bot<token>/…`. The host app answers
 * those paths as if they carried the emulator's `prefix`, so the documented
 * root works with every major library (grammY, telegraf,
 * node-telegram-bot-api, python-telegram-bot).
 */
export function botApiAlias(url: string, prefix: string): string {
  return BOT_API_PATH.test(url) ? `${prefix}${url}` : url;
}

/** The cookie that carries the sandbox key for the /sandbox page (its images and downloads cannot send a header). */
export const SANDBOX_KEY_COOKIE = 'hotline_sandbox_key';
/** The header scripts and tests send the sandbox key in. */
export const SANDBOX_KEY_HEADER = 'x-sandbox-key';

export interface EmulatorPluginOptions {
  /**
   * When set, the control API (and its files) answers only callers that
   * present this key — the sandbox is exposed beyond loopback, and the control
   * API reads every chat and acts as any user. `GET <prefix>/sandbox/enter?key=…`
   * stores it in a cookie for the /sandbox page.
   */
  controlKey?: string;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export function emulatorPlugin(emulator: TelegramEmulator, options: EmulatorPluginOptions = {}): FastifyPluginAsync {
  return async (app) => {
    // The control API takes files as base64 in JSON (up to Telegram's 50 MB upload): its routes keep a big body limit
    // while the host app's default stays small.
    app.addHook('onRoute', (route) => {
      route.bodyLimit ??= UPLOAD_LIMIT * 2;
    });
    const controlKey = options.controlKey;
    if (!controlKey) {
      // On loopback the control API has no key: it answers this machine only. A reverse proxy on the same host
      // relays strangers from a loopback socket, but always says so (X-Forwarded-For, Forwarded, X-Real-IP).
      const controlRoot = `${app.prefix}/sandbox/`;
      app.addHook('onRequest', async (request, reply) => {
        if (!request.url.startsWith(controlRoot) || isLocalCaller(request)) return;
        return reply.code(403).send({ error: 'The sandbox control API answers this machine only; to reach it through a proxy, set HOST so that it asks for the sandbox key' });
      });
    }
    if (controlKey) {
      const controlRoot = `${app.prefix}/sandbox/`;
      app.addHook('onRequest', async (request, reply) => {
        if (!request.url.startsWith(controlRoot)) return;
        const path = request.url.slice(controlRoot.length).split('?')[0];
        if (path === 'enter') return;
        const given = request.headers[SANDBOX_KEY_HEADER] ?? cookieValue(request.headers.cookie, SANDBOX_KEY_COOKIE);
        if (!sameSecret(typeof given === 'string' ? given : undefined, controlKey)) {
          return reply.code(401).send({ error: 'The sandbox is exposed beyond this machine: open the sandbox link printed at start-up (it carries the sandbox key)' });
        }
      });
      app.get('/sandbox/enter', { schema: { hide: true } }, async (request, reply) => {
        const { key } = (request.query ?? {}) as { key?: string };
        if (!sameSecret(key, controlKey)) return reply.code(401).send({ error: 'Wrong sandbox key' });
        const secure = request.protocol === 'https' ? '; Secure' : '';
        // SameSite=Strict: another site can neither send the key along nor read what the control API answers.
        return reply
          .header('set-cookie', `${SANDBOX_KEY_COOKIE}=${encodeURIComponent(controlKey)}; Path=/; HttpOnly; SameSite=Strict${secure}`)
          .redirect('/sandbox', 303);
      });
    }
    if (!app.hasRequestDecorator('isMultipart')) {
      await app.register(multipart, { limits: { fileSize: UPLOAD_LIMIT, files: 20, fieldSize: 16 * 1024 * 1024 } });
    }
    if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
      app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });
    }

    /** Calls held by the "timeout" fault; dropped when the server closes. */
    const held = new Set<FastifyReply>();
    app.addHook('preClose', async () => {
      for (const reply of held) reply.raw.destroy();
      await emulator.close();
    });

    // A broken body (bad JSON, an upload over 50 MB) still gets a Bot API shaped answer.
    app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
      const code = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
      const description = code === 413 ? 'Request Entity Too Large' : code === 500 ? 'Internal Server Error' : `Bad Request: ${error.message}`;
      void reply.code(code).send(new ApiError(code, description).toBody());
    });

    // Any other path under the prefix answers like Telegram's server does.
    app.setNotFoundHandler((_request, reply) => void reply.code(404).send(notFound().toBody()));

    emulator.dispatch = async (bot, call) => {
      const method = methods.get(String(call.method).toLowerCase());
      await method?.({ emulator, bot, params: new Params(call), signal: undefined });
    };

    const hold = (reply: FastifyReply): void => {
      reply.hijack();
      held.add(reply);
      let dropped = false;
      const timer = setTimeout(() => {
        dropped = true;
        emulator.stats.droppedByEmulator();
        reply.raw.destroy();
      }, emulator.faults.settings.holdMs);
      reply.raw.once('close', () => {
        clearTimeout(timer);
        held.delete(reply);
        // The client's own timeout fired first: the fault was the timeout it claims to be.
        if (!dropped && !emulator.faults.settings.unreachable) emulator.stats.givenUpByClient();
      });
    };

    // "Unreachable": Bot API calls and file downloads get their connection
    // dropped without an answer, and so do the ones open when it starts
    // (long polls, held calls). The control API stays up for the test.
    const open = new Set<FastifyRequest>();
    const isBotApi = (url: string) => /\/(bot|file\/bot)[^/]*\//.test(url) && !url.includes('/sandbox/');
    const drop = (request: FastifyRequest) => {
      emulator.stats.fault('unreachable');
      request.raw.socket.destroy();
    };
    emulator.faults.onUnreachable = () => {
      for (const request of open) drop(request);
      open.clear();
    };
    app.addHook('onRequest', async (request, reply) => {
      if (!isBotApi(request.url)) return;
      if (emulator.faults.settings.unreachable) {
        drop(request);
        reply.hijack();
        return reply;
      }
      open.add(request);
      reply.raw.once('close', () => open.delete(request));
    });

    app.route({
      method: ['GET', 'POST'],
      url: '/bot:token/:method',
      bodyLimit: UPLOAD_LIMIT + 1024 * 1024,
      // The token is checked before a byte of the body is read: a stranger's 50 MB call costs nothing (as the webhook's secret).
      onRequest: async (request, reply) => {
        if (!emulator.botByToken((request.params as { token: string }).token)) return reply.code(401).send(unauthorized().toBody());
      },
      handler: async (request, reply) => {
        const { token, method: name } = request.params as { token: string; method: string };
        const bot = emulator.botByToken(token);
        if (!bot) return reply.code(401).send(unauthorized().toBody());
        const key = name.toLowerCase();
        const method = methods.get(key);
        if (!method) {
          // A real Bot API method the sandbox does not emulate says so; a typo gets Telegram's 404.
          const known = BOT_API_NAMES.get(key);
          const error = known ? notEmulated(known) : notFound();
          return reply.code(error.code).send(error.toBody());
        }
        emulator.stats.call(name);
        const fault = emulator.faults.pick(key);
        if (fault && fault !== 'late') {
          emulator.stats.fault(fault);
          if (fault === 'timeout') return hold(reply);
          const error = fault === 'error' ? internalError() : tooManyRequests(emulator.faults.retryAfter());
          emulator.stats.error(error.code);
          return reply.code(error.code).send(error.toBody());
        }
        try {
          const ctx: MethodContext = { emulator, bot, params: await readParams(request), signal: key === 'getupdates' ? closeSignal(reply) : undefined };
          const result = await method(ctx);
          if (fault === 'late') {
            // Applied; the answer is lost (held until dropped) or comes late (faults.ts).
            emulator.stats.fault('late');
            const lateMs = emulator.faults.settings.lateMs;
            if (lateMs === undefined) return hold(reply);
            await new Promise((resolve) => setTimeout(resolve, lateMs));
          }
          const latency = emulator.faults.latency(key);
          if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
          return reply.send(ctx.description ? { ok: true, result, description: ctx.description } : { ok: true, result });
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          emulator.stats.error(error.code);
          return reply.code(error.code).send(error.toBody());
        }
      },
    });

    app.get('/file/bot:token/*', async (request, reply) => {
      const { token, '*': filePath } = request.params as { token: string; '*': string };
      if (!emulator.botByToken(token)) return reply.code(401).send(unauthorized().toBody());
      const file = emulator.files.getByPath(filePath);
      if (!file) return reply.code(404).send(notFound().toBody());
      // Served on the app's origin in sandbox mode: the sniffed type, an attachment unless it is a plain image (issue 16.3).
      const bytes = emulator.files.bytes(file);
      return reply.headers(untrustedFileHeaders(await sniffMime(bytes), file.file_name ?? filePath, false)).send(bytes);
    });

    await app.register(controlRoutes(emulator), { prefix: '/sandbox' });
  };
}
