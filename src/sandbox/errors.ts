/**
 * Bot API errors with Telegram's exact wording, so code written against the
 * real Bot API (grammY's GrammyError, auto-retry) behaves the same here.
 */
import type { ResponseParameters } from '@grammyjs/types';

export interface ApiErrorBody {
  ok: false;
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }

  toBody(): ApiErrorBody {
    const body: ApiErrorBody = { ok: false, error_code: this.code, description: this.description };
    if (this.parameters) body.parameters = this.parameters;
    return body;
  }
}

/** A 400 "Bad Request: <reason>", the most common answer. */
export function badRequest(reason: string): ApiError {
  return new ApiError(400, `Bad Request: ${reason}`);
}

export function forbidden(reason: string): ApiError {
  return new ApiError(403, `Forbidden: ${reason}`);
}

export function tooManyRequests(retryAfter: number): ApiError {
  return new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
}

export const unauthorized = (): ApiError => new ApiError(401, 'Unauthorized');
export const notFound = (): ApiError => new ApiError(404, 'Not Found');

/**
 * A Bot API method the sandbox does not emulate: a 400 (no library retries
 * it, and python-telegram-bot does not read it as a bad token the way it reads
 * 404) that names the method, so the gap is never mistaken for a typo.
 */
export const notEmulated = (method: string): ApiError =>
  new ApiError(400, `Bad Request: method ${method} is not emulated by the Hotline sandbox (see docs/sandbox.md)`);
export const internalError = (): ApiError => new ApiError(500, 'Internal Server Error');

/** The wordings tests and clients match on, in one place. */
export const reasons = {
  chatNotFound: 'chat not found',
  threadNotFound: 'message thread not found',
  notModified:
    'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  editNotFound: 'message to edit not found',
  copyNotFound: 'message to copy not found',
  forwardNotFound: 'message to forward not found',
  deleteNotFound: 'message to delete not found',
  pinNotFound: 'message to pin not found',
  replyNotFound: 'message to be replied not found',
  textEmpty: 'message text is empty',
  textTooLong: 'message is too long',
  captionTooLong: 'message caption is too long',
  blocked: 'bot was blocked by the user',
  cantInitiate: "bot can't initiate conversation with a user",
  fileTooBig: 'file is too big',
  wrongFileId: 'wrong file identifier/HTTP URL specified',
  wrongUrl: 'wrong HTTP URL',
  topicClosed: 'TOPIC_CLOSED',
  topicNotModified: 'TOPIC_NOT_MODIFIED',
  queryInvalid: 'query is too old and response timeout expired or query ID is invalid',
  webhookActive: "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  otherGetUpdates: 'terminated by other getUpdates request; make sure that only one bot instance is running',
} as const;
