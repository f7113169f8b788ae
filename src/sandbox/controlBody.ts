/**
 * The control API's JSON body parser (registered by controlRoutes.ts in its
 * own scope; the emulator's Bot API routes keep theirs — they mimic
 * Telegram). A body is read only as exactly what was sent, with the checks of
 * the platform's parser (src/platform/jsonBody.ts `keyProblems`,
 * `findIllFormed`), answered in English like every control API error
 * (docs/sandbox.md): a 400 `ControlError` for
 * - bytes that are not UTF-8;
 * - an empty body, or one that is not JSON;
 * - a key given twice in one object (JSON.parse kept the last one in silence:
 *   outside check) — `user.first_name: key given twice, keep one`;
 * - a `__proto__` / `constructor` key — `x: unknown key, remove it`, as the
 *   schemas name any key they do not know;
 * - a lone UTF-16 surrogate in a text or a key (`"\ud800"`: valid JSON
 *   syntax, no character) — `first_name: not text (a lone UTF-16 surrogate), …`.
 */
import { findIllFormed, keyProblems } from '../platform/jsonBody.js';
import { QUERY_REFUSALS } from '../platform/queryString.js';
import { ControlError } from './userActions.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON value of a control API request's body; throws ControlError(400, reason) as listed above. */
export function parseControlJson(raw: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new ControlError(400, 'body is not UTF-8: send the JSON encoded as UTF-8');
  }
  if (text.trim() === '') throw new ControlError(400, 'body is empty although content-type is application/json: send a JSON object, or no content-type');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ControlError(400, 'body is not valid JSON');
  }
  const problems = keyProblems(text);
  if (problems) {
    throw new ControlError(
      400,
      Object.entries(problems)
        .map(([path, refusal]) => (refusal === QUERY_REFUSALS.twice ? `${path}: key given twice, keep one` : `${path}: unknown key, remove it`))
        .join('; '),
    );
  }
  const illFormed = findIllFormed(value);
  if (illFormed) throw new ControlError(400, `${illFormed}: not text (a lone UTF-16 surrogate such as "\\ud800"), send whole characters`);
  return value;
}
