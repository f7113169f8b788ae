/**
 * Commands managers type in a client's topic. A message that starts with `/`
 * is a command and is never relayed to the client; an unknown one gets a
 * reply that points to /help.
 */
import { Composer } from 'grammy';
import type { CommandContext } from '../commands/context.js';
import { ForbiddenError, ValidationError } from '../commands/context.js';
import { actingManager, ensureManagerUser } from '../commands/ensureManagerUser.js';
import { dialogOfTopic, type Dialog } from '../commands/dialogs.js';
import { markSkip } from '../commands/markSkip.js';
import { banClient } from '../commands/banClient.js';
import { labelClient, labelsOf } from '../commands/labelClient.js';
import { splitLabels } from '../core/labels.js';
import { sendQuickReply } from '../commands/sendQuickReply.js';
import { setDialogStatus, type StatusChange } from '../commands/dialogStatus.js';
import { managerByUsername, onShiftNames, setDialogOwner, setOnShift } from '../commands/dialogOwner.js';
import { enqueueTelegram } from '../commands/telegramOutbox.js';
import { suggestCommand, type KnownCommand } from '../core/commandSuggestion.js';
import { EDIT_COMMANDS } from '../core/editCommands.js';
import { escapeHtml, truncate } from '../core/html.js';
import { botText, MANAGERS_LOCALE } from '../commands/botTexts.js';
import type { Viewer } from '../policies/access.js';
import type { HotlineContext } from './context.js';
import { editTerms, newRequestLink } from './deal.js';
import { findAnswer } from './find.js';
import { actingPerson } from '../core/sender.js';

export const MANAGER_COMMANDS = [
  { command: 'new', description: 'ссылка на форму новой заявки для клиента' },
  { command: 'rate', description: 'изменить курс: /rate 12.25' },
  { command: 'amount', description: 'изменить сумму: /amount 100000' },
  { command: 'fee', description: 'изменить комиссию, %: /fee 1.5' },
  { command: 'fixed', description: 'изменить фиксированную комиссию: /fixed 500' },
  { command: 'days', description: 'изменить срок исполнения: /days 3' },
  { command: 'undo', description: 'отменить последнее изменение условий' },
  { command: 'skip', description: 'ответом на сообщение: не переносить его в заявку' },
  { command: 'unskip', description: 'ответом на сообщение: снова переносить его в заявку' },
  { command: 'take', description: 'взять диалог: вы — ответственный' },
  { command: 'assign', description: 'передать диалог: /assign @username' },
  { command: 'release', description: 'снять ответственного с диалога' },
  { command: 'shift', description: 'смена: /shift on или /shift off' },
  { command: 't', description: 'быстрый ответ клиенту: /t имя' },
  { command: 'hold', description: 'отложить диалог до нового сообщения клиента' },
  { command: 'unhold', description: 'вернуть отложенный диалог в работу' },
  { command: 'close', description: 'закрыть диалог и тему' },
  { command: 'ban', description: 'в чёрный список: /ban причина' },
  { command: 'unban', description: 'убрать из чёрного списка' },
  { command: 'label', description: 'метки клиента: /label vip опт' },
  { command: 'unlabel', description: 'снять метку: /unlabel vip' },
  { command: 'find', description: 'найти клиента, сообщение, заявку: /find договор' },
  { command: 'help', description: 'список команд' },
];

/** /help in the managers' group (src/locales, `manager-help`; Telegram HTML). Managers read the managers' language: Russian. */
export const HELP_TEXT = botText(MANAGERS_LOCALE, 'manager-help');

/** `/skip@HotlineBot arg` → `skip`; with `botUsername`, a command addressed to another bot is none. */
export function commandName(text: string, botUsername?: string): string | undefined {
  const match = /^\/([A-Za-z0-9_]+)(?:@(\w+))?(?:\s|$)/.exec(text);
  if (botUsername && match?.[2] && match[2].toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return match?.[1]?.toLowerCase();
}

/** Every command a manager may type, for «did you mean»: the edit commands and the others. */
const KNOWN_COMMANDS: readonly KnownCommand[] = [
  { command: 'new', example: '/new', takesValue: false },
  ...EDIT_COMMANDS.map((c) => ({ command: c.command, example: c.example, takesValue: c.command !== 'undo' })),
  { command: 'skip', example: '/skip', takesValue: false },
  { command: 'unskip', example: '/unskip', takesValue: false },
  { command: 'take', example: '/take', takesValue: false },
  { command: 'assign', example: '/assign @username', takesValue: true },
  { command: 'release', example: '/release', takesValue: false },
  { command: 'shift', example: '/shift on', takesValue: true },
  { command: 't', example: '/t имя', takesValue: true },
  { command: 'hold', example: '/hold', takesValue: false },
  { command: 'unhold', example: '/unhold', takesValue: false },
  { command: 'close', example: '/close', takesValue: false },
  { command: 'ban', example: '/ban спам', takesValue: true },
  { command: 'unban', example: '/unban', takesValue: false },
  { command: 'label', example: '/label vip', takesValue: true },
  { command: 'unlabel', example: '/unlabel vip', takesValue: true },
  { command: 'find', example: '/find договор', takesValue: true },
  { command: 'help', example: '/help', takesValue: false },
];

/**
 * Commands whose every effect stays in their topic's dialog — its client,
 * request, status, owner, labels, ban — so the poller may apply them side by
 * side with other topics' updates (telegram/poller `chainsOf`). Every other
 * command, and any unknown one, keeps the managers' group one chain for its
 * batch: /shift changes the manager's shift (other dialogs' round-robin),
 * /assign reads another manager's row by the username that manager's own
 * message may have just stored, /find reads every dialog, /help and /start
 * store the sender's row (an outside review found /shift off in one topic
 * applied before the /shift on typed earlier in another).
 */
export const TOPIC_LOCAL_COMMANDS: ReadonlySet<string> = new Set([
  ...EDIT_COMMANDS.map((c) => c.command),
  'new',
  'skip',
  'unskip',
  'take',
  'release',
  't',
  'hold',
  'unhold',
  'close',
  'ban',
  'unban',
  'label',
  'unlabel',
]);

/**
 * The answer to a command nobody knows: the text as typed, in «…» so a typed
 * full stop does not run into the sentence's own, and the command meant in
 * its right form when one is close (`/rate12.30` → «Возможно, вы имели в виду
 * /rate 12.30 — команда и значение через пробел»; `/hold.` → «… /hold — эта
 * команда пишется без значения»). Telegram HTML, the typed text escaped.
 */
export function unknownCommandAnswer(text: string): string {
  const typed = (/^\/\S*/.exec(text.trim())?.[0] ?? text.trim()).slice(0, 64);
  const suggestion = suggestCommand(text, KNOWN_COMMANDS);
  if (!suggestion) return botText(MANAGERS_LOCALE, 'manager-unknown-command', { typed: escapeHtml(typed) });
  // A command without a value gets a sentence that mentions none (`/hold.` → «… /hold — пишется без значения»).
  const key = suggestion.takesValue ? 'manager-unknown-command-suggestion' : 'manager-unknown-command-suggestion-bare';
  return botText(MANAGERS_LOCALE, key, { typed: escapeHtml(typed), form: escapeHtml(suggestion.form) });
}

/** The answer to a command typed in a group that is not a managers' group. */
export const NOT_MANAGERS_GROUP = botText(MANAGERS_LOCALE, 'manager-not-managers-group');

export function managerCommands(ctx: CommandContext): Composer<HotlineContext> {
  const composer = new Composer<HotlineContext>();
  // Someone outside the managers' group (the bot was added to another group) is told so; nothing else happens.
  composer
    .filter((c) => (c.chat?.type === 'group' || c.chat?.type === 'supergroup') && !ctx.config.telegram.managersChatIds.includes(c.chat.id))
    .on('message:text')
    .filter((c) => commandName(c.message.text, c.me.username) !== undefined)
    .use((c) =>
      enqueueTelegram(ctx, c.tx, {
        chatId: c.chat.id,
        method: 'sendMessage',
        payload: { text: NOT_MANAGERS_GROUP, reply_parameters: { message_id: c.message.message_id, allow_sending_without_reply: true } },
      }),
    );
  const commands = composer
    .filter((c) => c.chat !== undefined && ctx.config.telegram.managersChatIds.includes(c.chat.id))
    .on('message:text')
    .filter((c) => c.message.text.startsWith('/'));

  commands.use(async (c) => {
    const message = c.message;
    // A command addressed to another bot in the group (`/close@other_bot`) is that bot's: Hotline neither runs it nor
    // answers it, and it is no answer to the client either (Bot API, «Commands»: `/command@botname` in groups).
    if (commandName(message.text) !== undefined && commandName(message.text, c.me.username) === undefined) return;
    const threadId = message.is_topic_message ? message.message_thread_id : undefined;
    const dialog = threadId === undefined ? undefined : await dialogOfTopic(c.tx, c.chat.id, threadId);
    const answer = (text: string, extra: Record<string, unknown> = {}) =>
      enqueueTelegram(ctx, c.tx, {
        chatId: c.chat.id,
        method: 'sendMessage',
        payload: {
          text,
          ...extra,
          parse_mode: 'HTML',
          // In a client's topic the answer queues behind what the topic is still waiting for.
          ...(threadId !== undefined && !dialog ? { message_thread_id: threadId } : {}),
          reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
        },
        ...(dialog ? { target: { topicOfDialog: dialog.id } } : {}),
      });
    const name = commandName(message.text);

    if (name === 'help' || name === 'start') {
      // A colleague becomes known by @username for `/assign` (commands/dialogOwner) from any command, /help too.
      const person = actingPerson(message);
      if (person) await ensureManagerUser(c.tx, person);
      return answer(HELP_TEXT);
    }
    // Every other command acts as a manager: the same rule as the platform (a disabled account or another role is refused).
    let manager: Viewer;
    try {
      manager = await actingManager(c.tx, message.from);
    } catch (error) {
      if (error instanceof ForbiddenError) return answer(escapeHtml(error.message));
      throw error;
    }
    // /find works anywhere in the group: the answer goes where it was typed (a topic or General).
    if (name === 'find') return answer(await findAnswer(ctx, c.tx.db, manager, message.text.replace(/^\/\S+\s*/, '')), { link_preview_options: { is_disabled: true } });
    // A command without a value typed with words after it (`/take now`, `/close please`) does nothing and says its form:
    // acting on it would drop the words the manager meant.
    const known = KNOWN_COMMANDS.find((k) => k.command === name);
    const extra = message.text.replace(/^\/\S+/, '').trim();
    if (known?.takesValue === false && extra && name !== 'undo') {
      return answer(botText(MANAGERS_LOCALE, 'manager-command-takes-no-value', { form: known.example, typed: escapeHtml(extra.slice(0, 64)) }));
    }
    if (name === 'new') {
      if (!dialog) return answer(botText(MANAGERS_LOCALE, 'manager-new-outside-topic'));
      return newRequestLink(ctx, c, dialog, answer);
    }
    if (dialog && (await editTerms(ctx, c, dialog, manager, answer))) return;
    // An edit command (/rate 12, /amount 100, /undo…) outside a client's topic gets the same answer as /take there, not «unknown command».
    if (!dialog && EDIT_COMMANDS.some((c) => c.command === name)) return answer(botText(MANAGERS_LOCALE, 'manager-topic-only'));
    if (name === 'skip' || name === 'unskip') {
      if (!dialog) return answer(botText(MANAGERS_LOCALE, 'manager-topic-only'));
      return skip(ctx, c, dialog, name === 'skip', answer);
    }
    if (name === 'shift') return shift(ctx, c, manager, answer);
    if (name === 'take' || name === 'assign' || name === 'release') {
      if (!dialog) return answer(botText(MANAGERS_LOCALE, 'manager-topic-only'));
      return own(ctx, c, dialog, manager, name, answer);
    }
    if (name === 't') {
      if (!dialog) return answer(botText(MANAGERS_LOCALE, 'manager-quick-reply-outside-topic'));
      return quickReply(ctx, c, dialog, manager, answer);
    }
    if (name === 'hold' || name === 'unhold' || name === 'close') {
      if (!dialog) return answer(botText(MANAGERS_LOCALE, 'manager-topic-only'));
      return changeStatus(ctx, c, dialog, manager, name, answer);
    }
    if (name === 'ban' || name === 'unban') {
      if (!dialog) return answer(botText(MANAGERS_LOCALE, 'manager-topic-only'));
      return ban(ctx, c, dialog, manager, name === 'ban', answer);
    }
    if (name === 'label' || name === 'unlabel') {
      if (!dialog) return answer(botText(MANAGERS_LOCALE, 'manager-topic-only'));
      return label(ctx, c, dialog, manager, name, answer);
    }
    return answer(unknownCommandAnswer(message.text));
  });
  return composer;
}

/**
 * `/take`, `/assign @username` (or `/assign` as a reply to a manager's
 * message) and `/release` in a client's topic (commands/dialogOwner); the
 * notice in the topic comes from the command, an answer here only when
 * nothing changed or the form is wrong.
 */
async function own(
  ctx: CommandContext,
  c: HotlineContext,
  dialog: Dialog,
  manager: Viewer,
  name: 'take' | 'assign' | 'release',
  answer: (text: string) => Promise<void>,
): Promise<void> {
  const message = c.message!;
  let ownerUserId: number | null = name === 'take' ? manager.userId : null;
  if (name === 'assign') {
    const argument = message.text!.replace(/^\/\S+/, '').trim();
    const replied = message.reply_to_message;
    // A reply to a message sent on behalf of a chat (an anonymous admin) names nobody (core/sender.ts).
    const repliedPerson = replied && replied.message_id !== message.message_thread_id ? actingPerson(replied) : undefined;
    if (/^@?[A-Za-z0-9_]{4,32}$/.test(argument)) {
      const target = await managerByUsername(c.tx, argument);
      if (!target) return answer(botText(MANAGERS_LOCALE, 'manager-assign-unknown', { username: escapeHtml(argument.replace(/^@/, '')) }));
      ownerUserId = target.id;
    } else if (!argument && repliedPerson) {
      ownerUserId = (await ensureManagerUser(c.tx, repliedPerson)).id;
    } else if (argument) {
      // A name or anything else that is no @username («/assign Пётр»): say what is expected instead of asking «to whom?».
      return answer(botText(MANAGERS_LOCALE, 'manager-assign-not-username', { typed: escapeHtml(truncate(argument, 64)) }));
    } else {
      return answer(botText(MANAGERS_LOCALE, 'manager-assign-how'));
    }
  }
  try {
    const state = await setDialogOwner(ctx, { actor: manager, dialogId: dialog.id, ownerUserId, how: name }, c.tx);
    if (!state.changed) {
      return answer(
        state.owner
          ? botText(MANAGERS_LOCALE, 'manager-owner-unchanged', { who: escapeHtml(state.owner.name) })
          : botText(MANAGERS_LOCALE, 'manager-owner-none'),
      );
    }
  } catch (error) {
    if (error instanceof ValidationError || error instanceof ForbiddenError) return answer(escapeHtml(error.message));
    throw error;
  }
}

/**
 * `/hold`, `/unhold` and `/close` in a client's topic (commands/dialogStatus):
 * the notice in the topic comes from the command; an answer here only when
 * nothing changed.
 */
async function changeStatus(
  ctx: CommandContext,
  c: HotlineContext,
  dialog: Dialog,
  manager: Viewer,
  change: StatusChange,
  answer: (text: string) => Promise<void>,
): Promise<void> {
  try {
    const state = await setDialogStatus(ctx, { actor: manager, dialogId: dialog.id, change }, c.tx);
    if (!state.changed) return answer(botText(MANAGERS_LOCALE, 'manager-status-unchanged', { status: change === 'unhold' ? 'other' : state.status }));
  } catch (error) {
    if (error instanceof ForbiddenError) return answer(escapeHtml(error.message));
    throw error;
  }
}

/** `/shift on|off` (anywhere in the managers' group): whether new dialogs are dealt to you; `/shift` alone tells who is on shift. */
async function shift(ctx: CommandContext, c: HotlineContext, manager: Viewer, answer: (text: string) => Promise<void>): Promise<void> {
  const argument = c.message!.text!.replace(/^\/\S+/, '').trim().toLowerCase();
  const value = ['on', 'вкл', 'да'].includes(argument) ? true : ['off', 'выкл', 'нет'].includes(argument) ? false : undefined;
  if (argument && value === undefined) return answer(botText(MANAGERS_LOCALE, 'manager-shift-how'));
  const shift = value === undefined ? { names: await onShiftNames(c.tx), changed: false } : await setOnShift(ctx, { actor: manager, onShift: value }, c.tx);
  const names = shift.names;
  const who = names.length > 0 ? names.map(escapeHtml).join(', ') : botText(MANAGERS_LOCALE, 'manager-shift-nobody');
  const mode = ctx.config.dialogAssignment;
  // Already on (off) shift: said so, rather than «shift started (ended)» for nothing.
  const key = value ? (shift.changed ? 'manager-shift-on' : 'manager-shift-already-on') : shift.changed ? 'manager-shift-off' : 'manager-shift-already-off';
  const head = value === undefined ? '' : botText(MANAGERS_LOCALE, key, { mode }) + '\n';
  return answer(head + botText(MANAGERS_LOCALE, 'manager-shift-list', { who }));
}

/**
 * `/t name` in a client's topic (commands/sendQuickReply): what was sent shows
 * in the topic by itself; an answer here only when nothing was sent — the
 * list (`/t` alone), the matching names, or why.
 */
async function quickReply(ctx: CommandContext, c: HotlineContext, dialog: Dialog, manager: Viewer, answer: (text: string) => Promise<void>): Promise<void> {
  const message = c.message!;
  const query = message.text!.replace(/^\/\S+/, '').trim();
  let outcome: Awaited<ReturnType<typeof sendQuickReply>>;
  try {
    outcome = await sendQuickReply(ctx, { actor: manager, from: message.from!, dialog, query, commandMessageId: message.message_id }, c.tx);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof ForbiddenError) return answer(escapeHtml(error.message));
    throw error;
  }
  const list = (names: string[]) => escapeHtml(truncate(names.join(', '), 3000));
  const shownQuery = escapeHtml(truncate(query, 64));
  switch (outcome.kind) {
    case 'sent':
      return;
    case 'list':
    case 'unknown':
      if (outcome.names.length === 0) return answer(botText(MANAGERS_LOCALE, 'manager-quick-reply-none'));
      return outcome.kind === 'list'
        ? answer(botText(MANAGERS_LOCALE, 'manager-quick-reply-list', { names: list(outcome.names) }))
        : answer(botText(MANAGERS_LOCALE, 'manager-quick-reply-unknown', { query: shownQuery, names: list(outcome.names) }));
    case 'ambiguous':
      return answer(botText(MANAGERS_LOCALE, 'manager-quick-reply-ambiguous', { query: shownQuery, names: list(outcome.names) }));
    case 'missing':
      return answer(botText(MANAGERS_LOCALE, 'manager-quick-reply-missing', { name: escapeHtml(outcome.name), variable: escapeHtml(outcome.variable) }));
    case 'banned':
      return answer(botText(MANAGERS_LOCALE, 'manager-quick-reply-banned'));
  }
}

/** `/ban reason` and `/unban` in a client's topic (commands/banClient); the notice itself comes from the command. */
async function ban(
  ctx: CommandContext,
  c: HotlineContext,
  dialog: Dialog,
  manager: Viewer,
  value: boolean,
  answer: (text: string) => Promise<void>,
): Promise<void> {
  const reason = c.message!.text!.replace(/^\/\S+/, '').trim();
  if (value && !reason) return answer(botText(MANAGERS_LOCALE, 'manager-ban-how'));
  try {
    const state = await banClient(ctx, { actor: manager, dialogId: dialog.id, banned: value, reason }, c.tx);
    if (!state.changed) {
      return answer(
        value
          ? botText(MANAGERS_LOCALE, 'manager-ban-already', { reason: escapeHtml(state.reason ?? '') })
          : botText(MANAGERS_LOCALE, 'manager-unban-not-banned'),
      );
    }
  } catch (error) {
    if (error instanceof ValidationError || error instanceof ForbiddenError) return answer(escapeHtml(error.message));
    throw error;
  }
}

/**
 * `/label vip опт` (put labels on the dialog's client), `/unlabel vip` (take
 * them off) and `/label` alone (list them) in a client's topic
 * (commands/labelClient; the rule of a label: core/labels). The answer names
 * what changed and the labels now; a wrong form gets the right one.
 */
async function label(
  ctx: CommandContext,
  c: HotlineContext,
  dialog: Dialog,
  manager: Viewer,
  name: 'label' | 'unlabel',
  answer: (text: string) => Promise<void>,
): Promise<void> {
  const typed = c.message!.text!.replace(/^\/\S+/, '').trim();
  const list = (labels: string[]) => (labels.length > 0 ? labels.join(', ') : botText(MANAGERS_LOCALE, 'manager-labels-empty'));
  if (!typed) {
    const labels = await labelsOf(c.tx, dialog.clientId);
    if (name === 'unlabel') return answer(botText(MANAGERS_LOCALE, 'manager-unlabel-how', { labels: list(labels) }));
    return answer(labels.length > 0 ? botText(MANAGERS_LOCALE, 'manager-labels-list', { labels: list(labels) }) : botText(MANAGERS_LOCALE, 'manager-labels-none'));
  }
  try {
    const state = await labelClient(ctx, { actor: manager, clientId: dialog.clientId, ...(name === 'label' ? { add: splitLabels(typed) } : { remove: splitLabels(typed) }) }, c.tx);
    if (state.added.length === 0 && state.removed.length === 0) return answer(botText(MANAGERS_LOCALE, 'manager-labels-unchanged', { labels: list(state.labels) }));
    return answer(
      botText(MANAGERS_LOCALE, 'manager-labels-changed', {
        added: state.added.length > 0 ? state.added.join(', ') : 'none',
        removed: state.removed.length > 0 ? state.removed.join(', ') : 'none',
        labels: list(state.labels),
      }),
    );
  } catch (error) {
    if (error instanceof ValidationError && /^(add|remove)\.\d+$/.test(error.field ?? '') && /не подходит/.test(error.message)) {
      return answer(`${escapeHtml(error.message)}\n${botText(MANAGERS_LOCALE, 'manager-label-how')}`);
    }
    if (error instanceof ValidationError || error instanceof ForbiddenError) return answer(escapeHtml(error.message));
    throw error;
  }
}

async function skip(
  ctx: CommandContext,
  c: HotlineContext,
  dialog: Dialog,
  value: boolean,
  answer: (text: string) => Promise<void>,
): Promise<void> {
  const message = c.message!;
  const replied = message.reply_to_message;
  const isRealReply = replied && replied.message_id !== message.message_thread_id;
  if (!isRealReply) {
    return answer(botText(MANAGERS_LOCALE, value ? 'manager-skip-how' : 'manager-unskip-how'));
  }
  const changed = await markSkip(ctx, { dialog, topicMessageId: replied.message_id, skip: value, managerTelegramId: message.from!.id }, c.tx);
  if (changed === null) return answer(botText(MANAGERS_LOCALE, value ? 'manager-skip-not-dialog' : 'manager-unskip-not-dialog'));
  await enqueueTelegram(ctx, c.tx, {
    chatId: c.chat!.id,
    method: 'setMessageReaction',
    payload: { message_id: message.message_id, reaction: [{ type: 'emoji', emoji: '👌' }] },
  });
}
