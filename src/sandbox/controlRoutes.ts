/**
 * The control API under `<root>/sandbox`: plain JSON in and out, snake_case
 * like the Bot API. It plays the people around the bot (users, managers, the
 * group), shows what they see (transcripts), waits for conditions so tests
 * never sleep, and switches limits and faults. docs/sandbox.md lists every
 * endpoint; SandboxControl is its typed client.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { User } from '@grammyjs/types';
import type { z } from 'zod';
import { ChatState, type MemberState } from './chat.js';
import { closeSignal } from './closeSignal.js';
import { parseControlJson } from './controlBody.js';
import * as schemas from './controlSchemas.js';
import type { TelegramEmulator } from './emulator.js';
import { ApiError } from './errors.js';
import { BOT_ADMIN_RIGHTS } from './members.js';
import { buildTranscript, holds, summarize, type Transcript } from './transcript.js';
import { ControlError, UserActions, type UserMessageInput } from './userActions.js';
import { sniffMime, untrustedFileHeaders } from '../documents/untrusted.js';

/** `value` read by `schema` (strict objects, controlSchemas.ts); a 400 naming each refused key otherwise (`x: unknown key, remove it`). */
function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => `${[...issue.path, key].join('.')}: unknown key, remove it`)
        : [`${issue.path.join('.') || 'body'}: ${issue.message}`],
    );
    throw new ControlError(400, problems.join('; '));
  }
  return result.data;
}

/** Control routes that read a query string (their schemas refuse unknown keys); every other one takes none. */
const QUERY_ROUTES = new Set(['GET /chats/:chat_id', 'GET /events']);
/** Control routes that take no body: a body with keys is refused rather than ignored. */
const NO_BODY_ROUTES = new Set(['DELETE /faults', 'DELETE /stats', 'POST /reset']);

/** Key names of a query string or body that is an object, for the refusal of a route that takes none. */
function keysOf(value: unknown): string[] {
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
}

/**
 * A path's id (`chat_id`, `bot_id`, `user_id`): an integer in decimal digits,
 * else a 400 saying so — `Number('abc')` made «chat NaN does not exist».
 */
function numericParam(params: unknown, name: string): number {
  const raw = (params as Record<string, string | undefined>)[name] ?? '';
  if (!/^-?\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new ControlError(400, `${name} "${raw}" is not a number: an integer id is needed`);
  return Number(raw);
}

/** A chat as the control API names it: a group id, or a user's id for their private chat with `bot_id`. */
function chatById(emulator: TelegramEmulator, chatId: number, botId?: number): ChatState {
  let chat: ChatState | undefined;
  if (chatId < 0) chat = emulator.group(chatId);
  else {
    const bot = emulator.bot(botId);
    chat = bot && emulator.chats.get(ChatState.privateKey(bot.user.id, chatId));
  }
  if (!chat) throw new ControlError(404, `chat ${chatId} does not exist`);
  return chat;
}

/** The group's creator, who acts for the control API's group changes. */
function ownerOf(emulator: TelegramEmulator, chat: ChatState): User | undefined {
  for (const [userId, member] of chat.members) if (member.status === 'creator') return emulator.users.get(userId);
  return undefined;
}

export function controlRoutes(emulator: TelegramEmulator): FastifyPluginAsync {
  return async (app) => {
    const users = new UserActions(emulator);
    const fileUrl = (fileId: string) => `${app.prefix}/files/${encodeURIComponent(fileId)}`;
    const transcriptOf = (chat: ChatState, threadId?: number): Transcript => buildTranscript(chat, threadId, fileUrl);

    // A route that reads no query string (or no body) refuses one with keys, naming them, as the schemas do.
    app.addHook('preValidation', async (request) => {
      const route = `${request.method} ${(request.routeOptions.url ?? '').slice(app.prefix.length)}`;
      const query = (request.query ?? {}) as Record<string, unknown>;
      const unknown = [
        ...(QUERY_ROUTES.has(route) ? [] : keysOf(request.query).map((key) => `${key}: unknown query parameter, remove it`)),
        // `?thread_id=2&thread_id=3` arrives as an array: say so rather than «expected number, received NaN».
        ...(QUERY_ROUTES.has(route) ? keysOf(query).filter((key) => Array.isArray(query[key])).map((key) => `${key}: query parameter given twice, keep one`) : []),
        ...(request.method === 'GET' || NO_BODY_ROUTES.has(route) ? keysOf(request.body).map((key) => `${key}: unknown key, remove it`) : []),
      ];
      if (unknown.length) throw new ControlError(400, unknown.join('; '));
    });

    // Bodies are JSON only, read strictly (controlBody.ts): a key given twice or a lone surrogate is a 400, not the
    // last value kept in silence. Other body types (the emulator's form and multipart parsers) are a 415 here.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      try {
        // JSON is UTF-8 (RFC 8259 §8.1): a body labelled with another charset is not read as if it were.
        const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
        if (charset && !/^utf-?8$/i.test(charset)) throw new ControlError(415, `charset ${charset}: the control API reads JSON as UTF-8 only, send charset=utf-8 or none`);
        done(null, parseControlJson(body as Buffer));
      } catch (error) {
        done(error as Error, undefined);
      }
    });

    app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
      if (error instanceof ControlError) return reply.code(error.status).send({ error: error.message });
      if (error instanceof ApiError) return reply.code(error.code).send({ error: error.description });
      if (error.statusCode === 415) return reply.code(415).send({ error: 'the control API reads JSON bodies only: send Content-Type: application/json' });
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
      return reply.code(status).send({ error: error.message });
    });

    // ── people and places ──
    app.get('/users', async () => [...emulator.users.values()].filter((u) => !u.is_bot));
    app.post('/users', async (request) => emulator.createUser(parse(schemas.createUserBody, request.body)));
    app.get('/bots', async () => [...emulator.bots.values()].map((bot) => bot.user));
    app.post('/bots', async (request) => {
      const body = parse(schemas.createBotBody, request.body);
      return emulator.createBot({ token: body.token, username: body.username, firstName: body.first_name });
    });
    app.put('/bots/:bot_id/privacy', async (request) => {
      const botId = numericParam(request.params, 'bot_id');
      if (!emulator.bots.has(botId)) throw new ControlError(404, `bot ${botId} does not exist`);
      emulator.setPrivacy(botId, parse(schemas.botPrivacyBody, request.body).enabled);
      return { ok: true };
    });
    app.post('/groups', async (request) => {
      const body = parse(schemas.createGroupBody, request.body);
      for (const id of [...body.member_ids, ...(body.bot_ids ?? [])]) {
        if (!emulator.users.has(id)) throw new ControlError(404, `user ${id} does not exist`);
      }
      return emulator.createGroup({ title: body.title, memberIds: body.member_ids, botIds: body.bot_ids, isForum: body.is_forum, username: body.username, type: body.type }).chat;
    });
    app.post('/groups/:chat_id/upgrade', async (request) => {
      const chat = chatById(emulator, numericParam(request.params, 'chat_id'));
      const body = parse(schemas.upgradeGroupBody, request.body ?? {});
      if (chat.chat.type !== 'group') throw new ControlError(400, `chat ${chat.id} is not a basic group`);
      if (chat.migratedTo !== undefined) throw new ControlError(400, `chat ${chat.id} was already upgraded to ${chat.migratedTo}`);
      const owner = ownerOf(emulator, chat);
      if (!owner) throw new ControlError(400, `chat ${chat.id} has no owner to upgrade it`);
      return emulator.upgradeGroup(chat, owner, { isForum: body.is_forum }).chat;
    });
    app.put('/groups/:chat_id/permissions', async (request) => {
      const chat = chatById(emulator, numericParam(request.params, 'chat_id'));
      if (!chat.isGroup) throw new ControlError(400, `chat ${chat.id} is not a group`);
      chat.permissions = parse(schemas.chatPermissionsBody, request.body);
      return { ok: true };
    });
    app.post('/groups/:chat_id/members', async (request) => {
      const chat = chatById(emulator, numericParam(request.params, 'chat_id'));
      const body = parse(schemas.addMemberBody, request.body);
      if (!emulator.users.has(body.user_id)) throw new ControlError(404, `user ${body.user_id} does not exist`);
      // Promoted (or demoted) members keep exactly the rights named; an administrator without any gets the bot's usual ones.
      let state: MemberState;
      if (body.status === 'administrator') state = { status: 'administrator', rights: body.rights ?? { ...BOT_ADMIN_RIGHTS } };
      else if (body.status === 'restricted') state = { status: 'restricted', permissions: body.permissions ?? {}, untilDate: 0 };
      else state = { status: body.status ?? 'member' };
      // The change is the owner's doing: a bot's my_chat_member names them in `from`, as Telegram does.
      emulator.setMember(chat, body.user_id, state, ownerOf(emulator, chat));
      return { ok: true };
    });

    // ── what users do ──
    app.post('/messages', async (request) => {
      return users.send(parse(schemas.sendMessageBody, request.body) as UserMessageInput);
    });
    app.post('/messages/edit', async (request) => users.edit(parse(schemas.editMessageBody, request.body) as Parameters<UserActions['edit']>[0]));
    app.post('/messages/media', async (request) => users.editMedia(parse(schemas.editMediaBody, request.body) as Parameters<UserActions['editMedia']>[0]));
    app.patch('/users/:user_id', async (request) =>
      users.updateUser(numericParam(request.params, 'user_id'), parse(schemas.updateUserBody, request.body)),
    );
    app.post('/messages/delete', async (request) => {
      users.delete(parse(schemas.deleteMessageBody, request.body));
      return { ok: true };
    });
    app.post('/callbacks', async (request) => users.press(parse(schemas.pressButtonBody, request.body)));
    app.post('/login-url', async (request) => users.openLoginUrl(parse(schemas.openLoginUrlBody, request.body)));
    app.post('/reactions', async (request) => {
      users.react(parse(schemas.reactBody, request.body));
      return { ok: true };
    });
    app.post('/block', async (request) => {
      users.setBlocked(parse(schemas.blockBody, request.body));
      return { ok: true };
    });
    app.post('/topics', async (request) => users.createTopic(parse(schemas.createTopicBody, request.body)));
    app.post('/topics/close', async (request) => {
      users.closeTopic(parse(schemas.closeTopicBody, request.body));
      return { ok: true };
    });
    app.post('/topics/delete', async (request) => {
      users.deleteTopic(parse(schemas.deleteTopicBody, request.body));
      return { ok: true };
    });

    // ── what they see ──
    app.get('/chats', async () => [...emulator.chats.values()].map(summarize));
    app.get('/chats/:chat_id', async (request) => {
      const query = parse(schemas.transcriptQuery, request.query);
      return transcriptOf(chatById(emulator, numericParam(request.params, 'chat_id'), query.bot_id), query.thread_id);
    });
    app.post('/chats/:chat_id/read', async (request) => {
      const body = parse(schemas.markReadBody, request.body);
      const chat = chatById(emulator, numericParam(request.params, 'chat_id'), body.bot_id);
      const last = chat.nextMessageId - 1;
      if (body.message_thread_id === undefined) chat.readUpTo = last;
      else {
        const topic = chat.topics.get(body.message_thread_id);
        if (!topic) throw new ControlError(404, `topic ${body.message_thread_id} does not exist`);
        topic.readUpTo = last;
      }
      emulator.emitFor(chat, 'chat', undefined, body.message_thread_id);
      return { ok: true };
    });
    app.get('/files/:file_id', async (request, reply) => {
      const file = emulator.files.get((request.params as { file_id: string }).file_id);
      if (!file) throw new ControlError(404, 'file not found');
      const name = file.file_name ?? file.file_path.split('/').pop()!;
      // Clients' files on the app's origin: the type their bytes show, inline only for images,
      // audio, video and PDF under a CSP without scripts, everything else an attachment (issue 16.3).
      const bytes = emulator.files.bytes(file);
      return reply.headers(untrustedFileHeaders(await sniffMime(bytes), name)).send(bytes);
    });

    /** Long-polls until the chat (or topic) satisfies every condition; 408 with the last transcript otherwise. */
    app.post('/wait', async (request, reply) => {
      const body = parse(schemas.waitBody, request.body);
      const deadline = Date.now() + (body.timeout_ms ?? 10_000);
      const gone = closeSignal(reply);
      for (;;) {
        const chat = chatById(emulator, body.chat_id, body.bot_id);
        if (holds(chat, body.message_thread_id, body)) return transcriptOf(chat, body.message_thread_id);
        const left = deadline - Date.now();
        if (left <= 0 || gone.aborted) {
          return reply.code(408).send({ error: 'the condition did not hold in time', transcript: transcriptOf(chat, body.message_thread_id) });
        }
        await emulator.events.next(left, gone);
      }
    });

    app.get('/events', async (request, reply) => {
      const query = parse(schemas.eventsQuery, request.query);
      const after = query.after ?? 0;
      if (after >= emulator.events.lastSeq && query.timeout) await emulator.events.next(query.timeout * 1000, closeSignal(reply));
      return { events: emulator.events.since(after), last_seq: emulator.events.lastSeq };
    });

    // ── switches ──
    app.get('/limits', async () => emulator.limits.settings);
    app.put('/limits', async (request) => {
      const body = parse(schemas.limitsBody, request.body);
      const settings: { enabled?: boolean; timeScale?: number } = {};
      if (body.enabled !== undefined) settings.enabled = body.enabled;
      if (body.time_scale !== undefined) settings.timeScale = body.time_scale;
      return emulator.limits.configure(settings);
    });
    app.get('/faults', async () => emulator.faults.settings);
    app.put('/faults', async (request) => {
      const body = parse(schemas.faultsBody, request.body);
      return emulator.faults.configure({
        errorRate: body.error_rate ?? 0,
        timeoutRate: body.timeout_rate ?? 0,
        tooManyRate: body.too_many_rate ?? 0,
        retryAfter: body.retry_after ?? 1,
        retryAfterMax: body.retry_after_max,
        seed: body.seed,
        methods: body.methods,
        holdMs: body.hold_ms ?? 120_000,
        unreachable: body.unreachable ?? false,
        latencyMs: body.latency_ms ?? 0,
        lateRate: body.late_rate ?? 0,
        lateMs: body.late_ms,
      });
    });
    app.delete('/faults', async () => emulator.faults.configure({}));
    app.get('/stats', async () => emulator.stats.view());
    app.delete('/stats', async () => {
      emulator.stats.reset();
      return { ok: true };
    });
    app.post('/reset', async () => {
      emulator.reset();
      emulator.limits.configure({ enabled: false, timeScale: 1 });
      emulator.faults.configure({});
      return { ok: true };
    });
  };
}
