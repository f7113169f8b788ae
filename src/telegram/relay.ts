/**
 * The relay: the client's private chat ↔ the client's topic in a managers'
 * group. Thin: every handler turns the update into a command call.
 */
import { Composer } from 'grammy';
import type { Message } from '@grammyjs/types';
import type { CommandContext } from '../commands/context.js';
import type { BotLocale } from '../commands/botTexts.js';
import { dialogOfTopic, touchDialogOfClient } from '../commands/dialogs.js';
import { ourStaffByTelegram } from '../commands/ensureManagerUser.js';
import { answerStaffInPrivate, staffLocale, type StaffKind } from '../commands/staffPrivateChat.js';
import { recordClientMessage } from '../commands/recordClientMessage.js';
import { recordEdit } from '../commands/recordEdit.js';
import { recordManagerMessage } from '../commands/recordManagerMessage.js';
import { setClientBlocked } from '../commands/setClientBlocked.js';
import { setTopicStatus } from '../commands/setTopicStatus.js';
import { eq } from 'drizzle-orm';
import { clients, dialogs } from '../db/schema.js';
import type { HotlineContext } from './context.js';
import { extractMessage } from './extract.js';
import { inManagersChat } from './managersGroup.js';
import { actingPerson } from '../core/sender.js';

/** Service messages that are not dialog content. */
export function isService(message: Message): boolean {
  return Boolean(
    message.forum_topic_created ||
      message.forum_topic_edited ||
      message.forum_topic_closed ||
      message.forum_topic_reopened ||
      message.pinned_message ||
      message.new_chat_members ||
      message.left_chat_member ||
      message.new_chat_title ||
      message.general_forum_topic_hidden ||
      message.general_forum_topic_unhidden,
  );
}

export function relay(ctx: CommandContext): Composer<HotlineContext> {
  const composer = new Composer<HotlineContext>();
  /**
   * Staff writing privately, or undefined for a client. Staff are linked
   * platform accounts of ours (`ourStaffByTelegram`) and members of a
   * managers' group without one (issue: the outside check, fault 1; asked
   * before the transaction and kept a while: groupMembership.ts).
   */
  async function staffWriting(c: HotlineContext, from: { id: number; language_code?: string }): Promise<{ kind: StaffKind; locale: BotLocale } | undefined> {
    const linked = await ourStaffByTelegram(c.tx, from.id);
    if (linked) return { kind: 'linked', locale: staffLocale(from.language_code, linked.locale) };
    if (c.groupMember) return { kind: 'member', locale: staffLocale(from.language_code) };
    return undefined;
  }

  const privateChat = composer.chatType('private');
  /**
   * A private message. From one of our staff (linked, or a managers' group
   * member — see `staffWriting`) it is no client's: no dialog, no topic, and
   * a short answer in their language says what this chat is for, once a day
   * (commands/staffPrivateChat.ts). This holds for someone who wrote as a
   * client before and became staff since: their old dialog and topic stay as
   * they are (history, requests, a manager's late answer still reaches them),
   * but what they write privately from now on is not relayed into it — the
   * least surprising of the choices: nothing is deleted or closed under the
   * managers' feet, and a colleague's test messages do not land in a client
   * topic. Their answer says just that, and how to write as a client
   * (`*-private-chat-client`). Someone who leaves the group and has no
   * enabled account of ours is a client again.
   */
  privateChat.on('message', async (c) => {
    if (c.from.is_bot || isService(c.message)) return;
    const message = extractMessage(c.message);
    // A returning client who is not staff (the common case): their dialog found, touched and the staff rule
    // checked in one statement; anyone else (first contact, staff) is asked the staff question on its own.
    const touched = c.groupMember ? undefined : await touchDialogOfClient(c.tx, c.from.id, message.date, { unlessStaff: true });
    const staff = touched ? undefined : await staffWriting(c, c.from);
    if (staff) {
      await answerStaffInPrivate(ctx, c.tx, { telegramUserId: c.from.id, kind: staff.kind, locale: staff.locale });
      return;
    }
    await recordClientMessage(ctx, { from: c.from, message, touched: touched ?? null }, c.tx);
  });
  /** An edit in a private chat: relayed into the writer's dialog, unless they are staff now (as their new messages are not). */
  privateChat.on('edited_message', async (c) => {
    const [row] = await c.tx.db
      .select({ dialog: dialogs })
      .from(dialogs)
      .innerJoin(clients, eq(clients.id, dialogs.clientId))
      .where(eq(clients.telegramUserId, c.from.id));
    if (!row) return;
    if (await staffWriting(c, c.from)) return;
    await recordEdit(ctx, { dialog: row.dialog, side: 'client', editorTelegramId: c.from.id, message: extractMessage(c.editedMessage) }, c.tx);
  });
  privateChat.on('my_chat_member', async (c) => {
    const status = c.myChatMember.new_chat_member.status;
    await setClientBlocked(ctx, { telegramUserId: c.from.id, blocked: status === 'kicked' }, c.tx);
  });

  const managers = composer.filter((c) => inManagersChat(ctx, c));
  managers.on('message', async (c) => {
    const message = c.message;
    const threadId = message.is_topic_message ? message.message_thread_id : undefined;
    // Only a person speaks for us (telegram/senders.ts stops the rest before here; core/sender.ts).
    const from = actingPerson(message);
    if (threadId === undefined || !from) return;
    const dialog = await dialogOfTopic(c.tx, c.chat.id, threadId);
    if (!dialog) return;
    if (message.forum_topic_closed) return setTopicStatus(ctx, { dialog, status: 'closed', managerTelegramId: from.id }, c.tx);
    if (message.forum_topic_reopened) return setTopicStatus(ctx, { dialog, status: 'open', managerTelegramId: from.id }, c.tx);
    if (isService(message)) return;
    await recordManagerMessage(ctx, { dialog, from, message: extractMessage(message) }, c.tx);
  });
  managers.on('edited_message', async (c) => {
    const message = c.editedMessage;
    if (!message.is_topic_message || message.message_thread_id === undefined) return;
    const dialog = await dialogOfTopic(c.tx, c.chat.id, message.message_thread_id);
    if (!dialog) return;
    await recordEdit(ctx, { dialog, side: 'topic', editorTelegramId: message.from?.id ?? 0, message: extractMessage(message) }, c.tx);
  });
  return composer;
}
