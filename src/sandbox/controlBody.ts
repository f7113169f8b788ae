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
import { findIllFormed, keyProblems, readJson, type ReadJson } from '../platform/jsonBody.js';
import { QUERY_REFUSALS } from '../platform/queryString.js';
import { ControlError } from './userActions.js';

/** The control API's words for a body that cannot be read as JSON (English, as all its errors). */
const READ_REFUSALS: Record<Exclude<ReadJson, { ok: true }>['why'], string> = {
  notUtf8: 'body is not UTF-8: send the JSON encoded as UTF-8',
  empty: 'body is empty although content-type is application/json: send a JSON object, or no content-type',
  invalid: 'body is not valid JSON',
};

/** The JSON value of a control API request's body; throws ControlError(400, reason) as listed above. */
export function parseControlJson(raw: Buffer): unknown {
  const read = readJson(raw);
  if (!read.ok) throw new ControlError(400, READ_REFUSALS[read.why]);
  const { text, value } = read;
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
