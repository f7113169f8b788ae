/**
 * Where a client comes from: the parameter of a bot deep link
 * (`https://t.me/<bot>?start=ads_autumn`). Telegram opens the chat and, when
 * the user presses Start, sends the bot the text `/start ads_autumn`.
 * Rule (Bot API docs, «Deep linking»): the parameter is 1–64 characters of
 * `A–Z a–z 0–9 _ -`. Anything else is not a deep link's, and is not taken.
 */
const START_WITH_PARAMETER = /^\/start(?:@[A-Za-z0-9_]{1,64})?[ \t]+([A-Za-z0-9_-]{1,64})\s*$/;

/** Whether `value` may be a deep link's parameter (the same rule). */
export function isStartParameter(value: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(value);
}

/** `/start ads_autumn` → `ads_autumn`; a plain `/start`, other text or a malformed parameter → undefined. */
export function startParameterOf(text: string | null | undefined): string | undefined {
  if (!text || !text.startsWith('/start')) return undefined;
  return START_WITH_PARAMETER.exec(text)?.[1];
}
