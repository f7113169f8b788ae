/**
 * «Did you mean …?» for a command a manager typed wrong: glued to its value
 * (`/rate12.30`), misspelt (`/raet 12.30`, `/neww`) or typed in the Russian
 * keyboard layout (`/кфеу 12.30`). Pure; the bot says the suggestion in its
 * answer to an unknown command.
 *
 * The distance is Levenshtein's (fastest-levenshtein); a command is suggested
 * only when it is close enough to be the one meant: at most one edit for
 * names up to four letters, two for longer ones.
 *
 * @example
 * suggestCommand('/rate12.30', [{ command: 'rate', example: '/rate 12.25' }]);
 * // { command: 'rate', form: '/rate 12.30', takesValue: true }
 * suggestCommand('/hold.', [{ command: 'hold', example: '/hold', takesValue: false }]);
 * // { command: 'hold', form: '/hold', takesValue: false }
 * suggestCommand('/hello', known); // undefined
 */
import { distance } from 'fastest-levenshtein';

export interface KnownCommand {
  /** Without the slash: `rate`. */
  command: string;
  /** The right form with a sample value, shown when the typed text has no value: `/rate 12.25`. */
  example: string;
  /** Whether the command takes a value (`/rate 12.25`) or none (`/help`). */
  takesValue?: boolean;
}

export interface CommandSuggestion {
  /** The command meant, without the slash. */
  command: string;
  /**
   * What to type: the typed value in the right form (`/rate 12.30`), else the
   * example; for a command without a value just the command (`/hold`), since
   * anything after it would be refused.
   */
  form: string;
  /** Whether the command meant takes a value: the answer explains the space only then. */
  takesValue: boolean;
}

/** ЙЦУКЕН → QWERTY, for `/кфеу` typed with the wrong layout on. */
const RU_LAYOUT = 'йцукенгшщзхъфывапролджэячсмитьбю';
const EN_LAYOUT = "qwertyuiop[]asdfghjkl;'zxcvbnm,.";

function fromRussianLayout(word: string): string {
  return [...word].map((ch) => EN_LAYOUT[RU_LAYOUT.indexOf(ch)] ?? ch).join('');
}

const maxEdits = (name: string) => (name.length <= 3 ? 1 : 2);

/**
 * The known command `text` most likely meant, with the form to type; undefined
 * when `text` is not a slash command or nothing known is close. A known
 * command typed right is returned as itself (the caller decides whether that
 * is a suggestion).
 */
export function suggestCommand(text: string, known: readonly KnownCommand[]): CommandSuggestion | undefined {
  // The command token runs to the first space; the bot's @mention is dropped.
  const match = /^\/(\S*)([\s\S]*)$/.exec(text.trim());
  if (!match) return undefined;
  const token = match[1]!.replace(/@\w*$/, '').toLowerCase();
  const rest = match[2]!.trim();
  if (!token) return undefined;
  // A command without a value is suggested bare: `/hold.` → `/hold`, never `/hold .` (refused with its form).
  const form = (spec: KnownCommand, value: string) =>
    spec.takesValue === false ? `/${spec.command}` : value ? `/${spec.command} ${value}` : spec.example;
  const suggest = (spec: KnownCommand, value: string): CommandSuggestion => ({
    command: spec.command,
    form: form(spec, value),
    takesValue: spec.takesValue !== false,
  });

  const spelled = [token, fromRussianLayout(token)];
  for (const word of spelled) {
    // Glued: the name, then a value that starts with no letter (`rate12.30`, `fee1,5%`).
    const glued = [...known]
      .sort((a, b) => b.command.length - a.command.length)
      .find((spec) => word.startsWith(spec.command) && word.length > spec.command.length && !/^[a-z_]/.test(word.slice(spec.command.length)));
    if (glued) {
      const value = [match[1]!.replace(/@\w*$/, '').slice(glued.command.length), rest].filter(Boolean).join(' ');
      return suggest(glued, value);
    }
  }

  // Misspelt: the nearest name by edits, the name part only (letters before any digit).
  let best: { spec: KnownCommand; edits: number; value: string } | undefined;
  for (const word of spelled) {
    const name = /^[a-z_]+/.exec(word)?.[0];
    if (!name) continue;
    const glue = match[1]!.replace(/@\w*$/, '').slice(name.length);
    const value = [glue, rest].filter(Boolean).join(' ');
    for (const spec of known) {
      const edits = distance(name, spec.command);
      if (edits <= maxEdits(spec.command) && (!best || edits < best.edits)) best = { spec, edits, value };
    }
  }
  return best ? suggest(best.spec, best.value) : undefined;
}
