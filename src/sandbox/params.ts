/**
 * Reads Bot API parameters the way Telegram accepts them: from a JSON body,
 * a form or the query string, where numbers and booleans arrive as strings
 * and objects (reply_markup, entities, media…) as JSON-serialized strings.
 */
import { badRequest } from './errors.js';

/** A file part of a multipart request. */
export interface UploadedFile {
  bytes: Buffer;
  filename?: string;
  mimetype?: string;
}

export class Params {
  constructor(
    readonly raw: Record<string, unknown>,
    /** Multipart file parts by field name (`photo`, or the id of an `attach://id`). */
    readonly files: ReadonlyMap<string, UploadedFile> = new Map(),
  ) {}

  has(name: string): boolean {
    const value = this.raw[name];
    return value !== undefined && value !== null && value !== '';
  }

  str(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }

  requireStr(name: string, emptyReason = `${name} is empty`): string {
    const value = this.str(name);
    if (value === undefined || value === '') throw badRequest(emptyReason);
    return value;
  }

  int(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    const number = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(number)) throw badRequest(`invalid ${name} specified`);
    return number;
  }

  requireInt(name: string, emptyReason = `${name} is empty`): number {
    const value = this.int(name);
    if (value === undefined) throw badRequest(emptyReason);
    return value;
  }

  num(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    const number = Number(value);
    if (!Number.isFinite(number)) throw badRequest(`invalid ${name} specified`);
    return number;
  }

  /** telegram-bot-api Client.cpp `to_bool`: lower-cased "true", "yes" or "1" (so also "True", "YES"). */
  bool(name: string): boolean {
    const value = this.raw[name];
    if (value === true || value === 1) return true;
    return typeof value === 'string' && ['true', 'yes', '1'].includes(value.toLowerCase());
  }

  /** An object parameter, given as an object (JSON body) or as a JSON string (form). */
  json<T>(name: string, badReason = `can't parse ${name} JSON object`): T | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw badRequest(badReason);
    }
  }
}
