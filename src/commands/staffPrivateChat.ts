/**
 * One of our staff writing to the bot privately (src/telegram/relay.ts): not
 * a client, so no dialog and no topic — a short answer says what the private
 * chat is for. Staff are our enabled managers and administrators linked to
 * the Telegram account (`ourStaffByTelegram`), and anyone who is a member of
 * a managers' group without a platform account linked yet (the relay asks
 * Telegram, getChatMember).
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { clients, dialogs, staffPrivateAnswers } from '../db/schema.js';
import { botText, clientLocale, type BotLocale } from './botTexts.js';
import type { CommandContext } from './context.js';
import { enqueueTelegram } from './telegramOutbox.js';

/**
 * How often the answer is repeated to one person while they keep writing:
 * once a day. On every message it was noise (the outside check, fault 2);
 * never again would leave someone who comes back the next day (or forgot)
 * with a bot that seems dead. A change of `kind` (a member who linked their
 * account) is answered at once.
 */
export const STAFF_ANSWER_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** `linked`: a platform account of ours; `member`: in a managers' group, no account linked yet. */
export type StaffKind = 'linked' | 'member';

/**
 * The language of the answer: Telegram's `language_code` of the message
 * when it has one (what the person reads now), else the language stored on
 * their platform account (`users.locale`), else Russian. The platform has no
 * language setting of its own to prefer: the web UI keeps its language in
 * the browser, and `users.locale` is Telegram's code at first use in the
 * managers' group, or the default `ru` for an account an administrator made
 * (which is how "always Russian" came about).
 */
export function staffLocale(languageCode: string | null | undefined, accountLocale?: BotLocale): BotLocale {
  if (languageCode && languageCode.trim()) return clientLocale(languageCode);
  return accountLocale ?? 'ru';
}

/**
 * Answers `telegramUserId` (a staff member writing privately) in their
 * private chat, unless they were answered with the same `kind` less than
 * STAFF_ANSWER_INTERVAL_MS before `now`. Writes the time of the answer in the
 * same transaction as the outbox row. Returns whether an answer was queued.
 * Texts: `manager-private-chat` (linked, with the platform's URL) and
 * `member-private-chat` (how to link: a command in the managers' group);
 * someone who wrote as a client before and has a dialog (and a topic) gets
 * `manager-private-chat-client` / `member-private-chat-client` instead: their
 * words here are not relayed into their client topic while they are staff,
 * and how to write as a client (another account; a member: or leave the
 * group) — «no topic is made for you» would be untrue to them.
 */
export async function answerStaffInPrivate(
  ctx: Pick<CommandContext, 'live' | 'config'>,
  tx: Tx,
  input: { telegramUserId: number; kind: StaffKind; locale: BotLocale },
  now = new Date(),
): Promise<boolean> {
  const [last] = await tx.db.select().from(staffPrivateAnswers).where(eq(staffPrivateAnswers.telegramUserId, input.telegramUserId)).for('update');
  if (last && last.kind === input.kind && now.getTime() - last.answeredAt.getTime() < STAFF_ANSWER_INTERVAL_MS) return false;
  await tx.db
    .insert(staffPrivateAnswers)
    .values({ telegramUserId: input.telegramUserId, kind: input.kind, answeredAt: now })
    .onConflictDoUpdate({ target: staffPrivateAnswers.telegramUserId, set: { kind: input.kind, answeredAt: now } });
  const [dialog] = await tx.db
    .select({ id: dialogs.id })
    .from(dialogs)
    .innerJoin(clients, eq(clients.id, dialogs.clientId))
    .where(eq(clients.telegramUserId, input.telegramUserId))
    .limit(1);
  const key = `${input.kind === 'linked' ? 'manager' : 'member'}-private-chat${dialog ? '-client' : ''}` as const;
  const text = botText(input.locale, key, { url: ctx.config.publicUrl });
  await enqueueTelegram(ctx, tx, { chatId: input.telegramUserId, method: 'sendMessage', payload: { text, link_preview_options: { is_disabled: true } } });
  return true;
}
