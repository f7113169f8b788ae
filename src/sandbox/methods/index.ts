/**
 * Every Bot API method the emulator answers, looked up case-insensitively as
 * Telegram does.
 */
import { chatMethods } from './chat.js';
import { contentMethods } from './content.js';
import type { Method } from './context.js';
import { forumMethods } from './forum.js';
import { mediaMethods } from './media.js';
import { memberMethods } from './members.js';
import { messageMethods } from './messages.js';
import { updateMethods } from './updates.js';

export type { Method, MethodContext } from './context.js';

export const methods: ReadonlyMap<string, Method> = new Map(
  Object.entries({
    ...updateMethods,
    ...messageMethods,
    ...mediaMethods,
    ...forumMethods,
    ...chatMethods,
    ...contentMethods,
    ...memberMethods,
  }).map(([name, method]) => [name.toLowerCase(), method]),
);
