/**
 * The client libraries the conformance suite drives the emulator with, each
 * behind one small adapter: call a method the way that library calls it (its
 * own URL building, its own body encoding: grammY sends JSON, telegraf JSON,
 * node-telegram-bot-api a form) and report Telegram's answer in one shape.
 * Each adapter is given the documented root (`…/tg`, no trailing slash).
 */
import { Api, GrammyError, InputFile as GrammyInputFile } from 'grammy';
import { Api as NtbaApi, InputFile as NtbaInputFile, TelegramApiError } from 'node-telegram-bot-api';
import { Telegram, TelegramError } from 'telegraf';

export type Answer = { ok: true; result: any } | { ok: false; code: number; description: string };

export interface LibraryClient {
  name: string;
  /** Calls `method` with `params`; never throws for a Telegram error. */
  call(method: string, params?: Record<string, unknown>): Promise<Answer>;
  /** A file as this library uploads it (multipart). */
  file(bytes: Buffer, filename: string): unknown;
  /** False where the library's multipart upload does not work against the emulator yet (see docs/sandbox.md). */
  uploads: boolean;
}

export type LibraryFactory = (token: string, apiRoot: string) => LibraryClient;

export const grammyClient: LibraryFactory = (token, apiRoot) => {
  const api = new Api(token, { apiRoot });
  return {
    name: 'grammY',
    async call(method, params = {}) {
      try {
        const raw = (api.raw as any)[method];
        return { ok: true, result: await (Object.keys(params).length ? raw(params) : raw()) };
      } catch (error) {
        if (error instanceof GrammyError) return { ok: false, code: error.error_code, description: error.description };
        throw error;
      }
    },
    file: (bytes, filename) => new GrammyInputFile(bytes, filename),
    uploads: true,
  };
};

export const telegrafClient: LibraryFactory = (token, apiRoot) => {
  const telegram = new Telegram(token, { apiRoot });
  return {
    name: 'telegraf',
    async call(method, params = {}) {
      try {
        return { ok: true, result: await telegram.callApi(method as never, params as never) };
      } catch (error) {
        if (error instanceof TelegramError) return { ok: false, code: error.code, description: error.description };
        throw error;
      }
    },
    file: (bytes, filename) => ({ source: bytes, filename }),
    // telegraf's multipart request gets no answer from the emulator (a known gap, listed in docs/sandbox.md).
    uploads: false,
  };
};

export const ntbaClient: LibraryFactory = (token, apiRoot) => {
  // No retries: a 5xx or 429 must surface as it is. Api.request serializes structured
  // fields (JSON in a form field) the way every generated method of the library does.
  const api = new NtbaApi(token, { apiRoot, maxRetries: 0 }) as unknown as { request(method: string, params: object): Promise<unknown> };
  return {
    name: 'node-telegram-bot-api',
    async call(method, params = {}) {
      try {
        return { ok: true, result: await api.request(method, params) };
      } catch (error) {
        if (error instanceof TelegramApiError) return { ok: false, code: error.errorCode, description: error.description };
        throw error;
      }
    },
    file: (bytes, filename) => new NtbaInputFile(bytes, { filename }),
    uploads: true,
  };
};

export const LIBRARIES: LibraryFactory[] = [grammyClient, telegrafClient, ntbaClient];
