/**
 * The errors a rule or a command throws for a person to read. The adapters
 * turn them into answers in one place each (the API: 400 / 404 / 403; the bot:
 * a reply in the topic), so a rule never knows which channel asked.
 */

/** A mistake in what a person asked for; `message` is a sentence they can read. */
export class ValidationError extends Error {
  constructor(
    message: string,
    /** The form field at fault, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** The thing asked for does not exist, or the actor may not see it (never tell which). */
export class NotFoundError extends Error {
  constructor(message = 'Not found') {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The actor may see the thing but not do this to it. */
export class ForbiddenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** The thing is in a state that the request contradicts (HTTP 409); `message` says what happened and what to do. */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}
